//! The UI's words in Japanese (the default) and English, and how dates are shown (西暦, or
//! 和暦 beside it when the user asks for it).
//!
//! Each page module keeps its own table of `(key, 日本語, English)`; [`text`] looks a key up in
//! all of them. A test checks that every key a template uses exists and that no key is defined
//! twice.

use std::collections::HashMap;
use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::civil::Date;
pub use roei_law::Lang;

/// Words shared by every page.
pub(crate) const COMMON: &[(&str, &str, &str)] = &[
    ("app.name", "roei 漏えい等報告", "roei breach reporting"),
    ("app.skip", "本文へ移動", "Skip to content"),
    ("nav.board", "期限ボード", "Deadline board"),
    ("nav.new_case", "事案を登録", "New case"),
    ("nav.register", "事案台帳", "Incident register"),
    ("nav.inbox", "受信箱", "Inbox"),
    ("nav.home", "ホーム", "Home"),
    ("nav.switch", "組織の切替", "Switch organisation"),
    ("nav.logout", "ログアウト", "Log out"),
    ("nav.main", "メインメニュー", "Main menu"),
    ("nav.lang", "English", "日本語"),
    ("nav.era_on", "和暦を表示", "Show Japanese era"),
    ("nav.era_off", "和暦を隠す", "Hide Japanese era"),
    ("nav.signed_in_as", "ログイン中", "Signed in as"),
    ("role.admin", "管理者", "administrator"),
    ("role.member", "担当者", "member"),
    ("role.viewer", "閲覧者", "viewer"),
    ("kind.operator", "事業者", "operator"),
    ("kind.regulator", "個人情報保護委員会", "regulator"),
    ("kind.police", "警察", "police"),
    ("common.yes", "はい", "Yes"),
    ("common.no", "いいえ", "No"),
    ("common.unknown", "不明", "Unknown"),
    ("common.not_answered", "未回答", "Not answered"),
    ("common.save", "保存", "Save"),
    ("common.cancel", "キャンセル", "Cancel"),
    ("common.back", "戻る", "Back"),
    ("common.none", "なし", "None"),
    ("common.required", "必須", "required"),
    ("common.optional", "任意", "optional"),
    (
        "common.error_summary",
        "入力内容を確認してください",
        "Please check your input",
    ),
    ("common.days", "日", "days"),
    ("error.not_found.title", "見つかりません", "Not found"),
    (
        "error.not_found.body",
        "お探しのページは存在しないか、閲覧する権限がありません。",
        "The page does not exist or you may not see it.",
    ),
    (
        "error.forbidden.title",
        "この操作はできません",
        "Not allowed",
    ),
    (
        "error.conflict.title",
        "他の変更と競合しました",
        "Conflicting change",
    ),
    (
        "error.server.title",
        "サーバーで問題が発生しました",
        "Something went wrong",
    ),
    (
        "error.server.body",
        "しばらくしてからもう一度お試しください。入力済みの内容は保存されていません。",
        "Please try again shortly. Nothing was saved.",
    ),
    (
        "error.csrf",
        "フォームの有効期限が切れました。ページを読み込み直してからもう一度お試しください。",
        "The form has expired. Reload the page and try again.",
    ),
    ("error.home", "ホームへ戻る", "Back to the start"),
    ("login.title", "ログイン", "Log in"),
    ("login.email", "メールアドレス", "E-mail address"),
    ("login.password", "パスワード", "Password"),
    ("login.submit", "ログイン", "Log in"),
    (
        "login.add_title",
        "別の組織のアカウントでログイン",
        "Log in with another organisation's account",
    ),
    (
        "login.add_help",
        "今のアカウントはログインしたまま残り、「組織の切替」から戻れます。",
        "Your current account stays signed in; switch back from \"Switch organisation\".",
    ),
    (
        "login.bad",
        "メールアドレスまたはパスワードが正しくありません。",
        "The e-mail address or password is not correct.",
    ),
    (
        "login.throttled",
        "ログインの失敗が続いたため、しばらくログインできません。",
        "Too many failed logins: please wait before trying again.",
    ),
    ("login.setup_link", "初期設定", "First-run setup"),
    ("login.demo_title", "デモ用のアカウント", "Demo accounts"),
    (
        "login.demo_help",
        "デモモードで起動しています。次のいずれかでログインできます（パスワードは共通です）。メールアドレスを選ぶと入力欄に入ります。",
        "The server runs in demo mode. Sign in with any of these (one shared password). Choose an address to fill it in.",
    ),
    ("login.demo_password", "パスワード", "Password"),
    ("login.demo_role", "役割", "Role"),
    ("setup.title", "初期設定", "First-run setup"),
    (
        "setup.intro",
        "管理者がまだいません。最初の組織と管理者アカウントを作成します。この画面は管理者が作成されると使えなくなります。",
        "There is no administrator yet. Create the first organisation and its administrator. This page closes once an administrator exists.",
    ),
    ("setup.org_name", "組織名", "Organisation name"),
    ("setup.org_kind", "組織の種類", "Kind of organisation"),
    ("setup.regime", "適用される規律", "Applicable regime"),
    (
        "setup.regime.private",
        "個人情報取扱事業者（法26条）",
        "Business operator (Art. 26)",
    ),
    (
        "setup.regime.national_public",
        "国の行政機関・独立行政法人等（法68条）",
        "National public body (Art. 68)",
    ),
    (
        "setup.regime.local_public",
        "地方公共団体の機関・地方独立行政法人（法68条）",
        "Local public body (Art. 68)",
    ),
    ("setup.admin_name", "管理者の氏名", "Administrator's name"),
    (
        "setup.password_help",
        "12文字以上",
        "at least 12 characters",
    ),
    (
        "setup.password_confirm",
        "パスワード（確認）",
        "Password (again)",
    ),
    ("setup.submit", "作成してログイン", "Create and log in"),
    (
        "setup.closed",
        "初期設定は完了しています。",
        "Setup is complete.",
    ),
    ("switch.title", "組織の切替", "Switch organisation"),
    ("switch.current", "現在のアカウント", "Current account"),
    (
        "switch.others",
        "このブラウザでログイン中の他のアカウント",
        "Other accounts signed in in this browser",
    ),
    (
        "switch.none",
        "他にログイン中のアカウントはありません。",
        "No other account is signed in.",
    ),
    ("switch.to", "切り替える", "Switch"),
    (
        "switch.add",
        "別の組織のアカウントでログイン",
        "Log in with another organisation's account",
    ),
];

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static TABLE: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        all_tables()
            .iter()
            .flat_map(|t| t.iter())
            .map(|(k, ja, en)| (*k, (*ja, *en)))
            .collect()
    })
}

/// Every table of words.
pub(crate) fn all_tables() -> &'static [&'static [(&'static str, &'static str, &'static str)]] {
    &[
        COMMON,
        super::cases::TEXT,
        super::report::TEXT,
        super::regulator::TEXT,
        super::casework::TEXT,
        super::scan::TEXT,
        super::sharing::TEXT,
        super::statistics::TEXT,
        super::documents::TEXT,
    ]
}

/// The word for `key` in `lang`; an unknown key shows itself (and fails the key test).
pub fn text(key: &str, lang: Lang) -> &'static str {
    if let Some((ja, en)) = table().get(key) {
        match lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    } else {
        tracing::warn!(key, "missing UI text");
        "[?]"
    }
}

/// A date as the user wants it: `2026-11-22（日）`, with `令和8年11月22日` beside it when `era`.
pub fn date(d: Date, lang: Lang, era: bool) -> String {
    let weekday = match lang {
        Lang::Ja => roei_law::text::weekday_ja(d.weekday()),
        Lang::En => roei_law::text::weekday_en(d.weekday()),
    };
    let base = match lang {
        Lang::Ja => format!("{d}（{weekday}）"),
        Lang::En => format!("{d} ({weekday})"),
    };
    if !era {
        return base;
    }
    match (roei_calendar::wareki(d), lang) {
        (Ok(w), Lang::Ja) => format!("{base} {w}"),
        (Ok(w), Lang::En) => format!("{base} {} {}", w.era.name_en(), w.year),
        (Err(_), _) => base,
    }
}

/// A moment in Japan time: `2026-11-22 14:05`.
pub fn moment(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(9)))
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_every_template_key_exists() {
        let mut seen = std::collections::HashSet::new();
        for (k, ja, en) in all_tables().iter().flat_map(|t| t.iter()) {
            assert!(seen.insert(*k), "key {k} defined twice");
            assert!(!ja.is_empty() && !en.is_empty(), "key {k} lacks a text");
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut files = vec![std::path::PathBuf::from(dir)];
        let mut checked = 0;
        while let Some(p) = files.pop() {
            if p.is_dir() {
                files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let src = std::fs::read_to_string(&p).unwrap();
            for part in src.split(".s(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                assert!(seen.contains(key), "{}: unknown key {key}", p.display());
                checked += 1;
            }
        }
        assert!(checked > 50, "only {checked} keys found in templates");
    }

    #[test]
    fn dates_in_seireki_with_optional_wareki() {
        let d = jiff::civil::date(2026, 11, 22);
        assert_eq!(date(d, Lang::Ja, false), "2026-11-22（日）");
        assert_eq!(date(d, Lang::Ja, true), "2026-11-22（日） 令和8年11月22日");
        assert_eq!(date(d, Lang::En, true), "2026-11-22 (Sun) Reiwa 8");
    }
}
