//! 個人情報の保護に関する法律施行規則 44条: when the 行政機関の長等 reports (法68条1項) — 速報
//! and 確報 on the same periods as 規則8条 (30 days; 60 for a 43条3号 situation).

use jiff::civil::Date;

use super::Provision;

pub const QUICK: Provision = Provision {
    id: "rule44.1",
    citation: "規則44条1項",
    citation_en: "PPC Rules Art. 44(1)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律施行規則 44条1項",
};

pub const FINAL: Provision = Provision {
    id: "rule44.2",
    citation: "規則44条2項",
    citation_en: "PPC Rules Art. 44(2)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律施行規則 44条2項",
};
