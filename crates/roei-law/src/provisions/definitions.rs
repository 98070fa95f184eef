//! What is (not) a 漏えい・滅失・毀損 and what is personal data: 法16条3項 (個人データ),
//! 法60条1項 (保有個人情報) and the Commission's reading in 通則編ガイドライン 3-5-1.

use jiff::civil::Date;

use super::Provision;
use crate::determination::Reason;
use crate::facts::{Event, Facts};

pub const LEAK: Provision = Provision {
    id: "definitions.leak",
    citation: "法26条1項（通則編3-5-1-1 漏えい）",
    citation_en: "Act Art. 26(1) (General Guidelines 3-5-1-1, leak)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律についてのガイドライン（通則編）3-5-1-1",
};
pub const LOSS: Provision = Provision {
    id: "definitions.loss",
    citation: "法26条1項（通則編3-5-1-2 滅失）",
    citation_en: "Act Art. 26(1) (General Guidelines 3-5-1-2, loss)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律についてのガイドライン（通則編）3-5-1-2",
};
pub const DAMAGE: Provision = Provision {
    id: "definitions.damage",
    citation: "法26条1項（通則編3-5-1-3 毀損）",
    citation_en: "Act Art. 26(1) (General Guidelines 3-5-1-3, damage)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律についてのガイドライン（通則編）3-5-1-3",
};
pub const PHISHING: Provision = Provision {
    id: "definitions.phishing_of_individual",
    citation: "法26条1項（通則編3-5-1-1 漏えい）",
    citation_en: "Act Art. 26(1) (General Guidelines 3-5-1-1, leak)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律についてのガイドライン（通則編）3-5-1-1",
};
pub const PERSONAL_DATA: Provision = Provision {
    id: "definitions.personal_data",
    citation: "法16条3項",
    citation_en: "Act Art. 16(3)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律（令和3年法律第37号による改正後）16条3項",
};
pub const RETAINED_PERSONAL_INFORMATION: Provision = Provision {
    id: "definitions.retained_personal_information",
    citation: "法60条1項",
    citation_en: "Act Art. 60(1)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律（令和3年法律第37号による改正後）60条1項",
};

/// The events that remain after the non-events of 3-5-1 are taken out, with the trace.
pub fn remaining_events(f: &Facts, reasons: &mut Vec<Reason>) -> Vec<Event> {
    let mut out = Vec::with_capacity(f.events.len());
    for &e in &f.events {
        if out.contains(&e) {
            continue;
        }
        match e {
            Event::Leak if f.recovered_before_viewed => reasons.push(LEAK.reason(
                "個人データが第三者に閲覧されないうちに全て回収された（又は誤送付先等で閲覧されないうちに削除された）ため、漏えいに該当しません。",
                "All of the data was recovered (or deleted by the recipient) before any third party viewed it: this is not a leak.",
            )),
            Event::Loss if f.copy_kept_elsewhere => reasons.push(LOSS.reason(
                "その内容と同じデータが他に保管されているため、滅失に該当しません。",
                "Identical data is kept elsewhere: this is not a loss.",
            )),
            Event::Damage if f.copy_kept_elsewhere => reasons.push(DAMAGE.reason(
                "その内容と同じデータが他に保管されており復元できるため、毀損に該当しません（例: ランサムウェアにより暗号化されたがバックアップから復元でき、外部への流出もない場合）。",
                "Identical data is kept elsewhere and can be restored: this is not damage (e.g. ransomware-encrypted data restored from backup with no exfiltration).",
            )),
            _ => out.push(e),
        }
    }
    out
}
