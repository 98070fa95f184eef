//! Mandatory reporting begins: 令和2年改正法 (法26条) and, for national public bodies, 令和3年
//! 改正法 (法68条), with 規則7–10条 and 43–45条 as in force from 2022-04-01. Local public bodies
//! join on 2023-04-01 (a dated provision within this rule set).

use jiff::civil::Date;

use super::{Kind, Mandatory, RuleSet};
use crate::provisions::{rule7, rule43};

pub const RULES: RuleSet = RuleSet {
    version: "2022-04-01",
    effective_from: Date::constant(2022, 4, 1),
    citation: "個人情報保護法施行規則（2022-04-01施行）",
    citation_en: "PPC Rules (in force 2022-04-01)",
    title_ja: "漏えい等報告を義務化した法26条・68条及び施行規則7条～10条・43条～45条",
    title_en: "APPI Arts. 26 and 68 and PPC Rules Arts. 7–10 and 43–45, which made reporting mandatory",
    kind: Kind::Mandatory(Mandatory {
        private_items: &[rule7::ITEM1, rule7::ITEM2, rule7::ITEM3_2022, rule7::ITEM4],
        public_items: &[
            rule43::ITEM1,
            rule43::ITEM2,
            rule43::ITEM3_2022,
            rule43::ITEM4,
            rule43::ITEM5,
        ],
    }),
};
