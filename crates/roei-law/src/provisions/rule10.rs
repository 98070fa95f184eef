//! 個人情報の保護に関する法律施行規則 10条: the notice to individuals (法26条2項) — 当該事態の
//! 状況に応じて速やかに, with 規則8条1項 1号, 2号, 4号, 5号 and 9号 to the extent needed.

use jiff::civil::Date;

use super::Provision;

pub const NOTICE_CONTENT: Provision = Provision {
    id: "rule10",
    citation: "規則10条",
    citation_en: "PPC Rules Art. 10",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律施行規則 10条",
};
