//! 個人情報の保護に関する法律施行規則 8条: when the 個人情報取扱事業者 reports — the 速報
//! (1項, 速やかに; the guideline's yardstick is about 3–5 days) and the 確報 (2項, 30 days, or 60
//! days for a 3号 situation), periods counted with 行政機関の休日に関する法律 2条.

use jiff::civil::Date;

use super::Provision;

pub const QUICK: Provision = Provision {
    id: "rule8.1",
    citation: "規則8条1項（通則編3-5-3-3）",
    citation_en: "PPC Rules Art. 8(1) (General Guidelines 3-5-3-3)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律施行規則 8条1項",
};

pub const FINAL: Provision = Provision {
    id: "rule8.2",
    citation: "規則8条2項",
    citation_en: "PPC Rules Art. 8(2)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律施行規則 8条2項",
};

/// The rule that moves a deadline falling on a closure day.
pub const CLOSURE_DAYS: Provision = Provision {
    id: "closure_days",
    citation: "行政機関の休日に関する法律2条",
    citation_en: "Act on Holidays of Administrative Organs, Art. 2",
    effective_from: Date::constant(1988, 12, 13),
    source: "行政機関の休日に関する法律（昭和63年法律第91号）1条・2条",
};
