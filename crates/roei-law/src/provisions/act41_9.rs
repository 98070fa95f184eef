//! 個人情報の保護に関する法律 41条9項: 法26条 does not apply to 仮名加工情報 held by a
//! 個人情報取扱事業者.

use jiff::civil::Date;

use super::Provision;

pub const PSEUDONYMIZED: Provision = Provision {
    id: "act41.9",
    citation: "法41条9項",
    citation_en: "Act Art. 41(9)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律（令和2年法律第44号による改正、2022-04-01施行）",
};

pub fn reason() -> crate::determination::Reason {
    PSEUDONYMIZED.reason(
        "漏えい等の対象は仮名加工情報である個人データであり、法26条の規定は適用されません（法41条9項）。報告及び本人への通知は法令上義務付けられません。",
        "The data is pseudonymously processed information (仮名加工情報): Art. 26 does not apply to it (Act Art. 41(9)), so neither a report nor a notice is legally required.",
    )
}
