//! Case data shared by the tests and the submission benchmark (`examples/bench_submit.rs`
//! includes this file by path).

use serde_json::{Value, json};

/// Facts of a ransomware attack on 1,500 customers known on 2026-11-18.
pub fn ransomware_facts() -> Value {
    json!({
        "known_on": "2026-11-18",
        "occurred_on": "2026-11-15",
        "events": ["leak"],
        "suspected": true,
        "data_items": ["name", "address", "phone", "email"],
        "cause": "ransomware",
        "persons": 1500
    })
}

/// The nine matters, complete, for that case.
pub fn complete_report() -> Value {
    json!({
        "form_version": "draft-2020-12",
        "header": {"reporter_name": "株式会社エー", "address": "東京都千代田区1-1",
                   "representative": "代表取締役 山田太郎", "sector": "小売業",
                   "contact_department": "情報セキュリティ室", "contact_name": "佐藤花子",
                   "contact_phone": "03-1234-5678", "contact_email": "security@a.example"},
        "summary": {"occurred_on": "2026-11-15", "discovered_on": "2026-11-18",
                    "incident": ["leak"], "certainty": "suspected", "discoverer": "社内システム担当者",
                    "applicable_items": [3], "has_entruster": false, "has_entrustee": false,
                    "course_of_events": "11月18日、ファイルサーバが暗号化されていることを確認。",
                    "external_investigation": "外部のフォレンジック調査会社に依頼済み"},
        "data_items": {"media": ["electronic"], "kinds": ["customer"],
                       "items": ["name", "phone", "email", "other"], "items_other": "住所"},
        "persons": {"count": 1500, "with_card": 0},
        "cause": {"actor": "reporter", "category": "unauthorized_access",
                  "attack_point": "VPN機器", "attack_method": "ランサムウェア",
                  "details": "VPN機器の脆弱性を突かれて侵入された"},
        "secondary_harm": {"status": "unknown", "details": "現時点で確認されていない"},
        "individual_response": {"status": "done", "details": "対象者へ電子メールで通知"},
        "publication": {"status": "done", "date": "2026-11-25", "methods": ["website"],
                        "text": "不正アクセスによる個人情報漏えいのおそれに関するお知らせ"},
        "prevention": {"done": "VPN機器の更新", "planned": "多要素認証の導入（2027年3月）"},
        "other": "特になし"
    })
}
