//! 個人情報の保護に関する法律施行規則 45条: the public bodies' notice to individuals (法68条2項)
//! — 速やかに, with 規則44条1項 1号, 2号, 4号, 5号 and 9号 to the extent needed.

use jiff::civil::Date;

use super::Provision;

pub const NOTICE_CONTENT: Provision = Provision {
    id: "rule45",
    citation: "規則45条",
    citation_en: "PPC Rules Art. 45",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律施行規則 45条",
};
