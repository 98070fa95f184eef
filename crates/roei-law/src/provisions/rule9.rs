//! 個人情報の保護に関する法律施行規則 9条: the entrustee's notice to its entruster (法26条1項
//! ただし書) — 速やかに, the matters of 規則8条1項 known at that time.

use jiff::civil::Date;

use super::Provision;

pub const ENTRUSTER_NOTICE: Provision = Provision {
    id: "rule9",
    citation: "規則9条",
    citation_en: "PPC Rules Art. 9",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律施行規則 9条",
};
