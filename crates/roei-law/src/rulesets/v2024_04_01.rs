//! 規則7条3号 / 43条3号 widened to personal information being acquired (令和5年個人情報保護委員会
//! 規則第5号, in force 2024-04-01). Everything else as in the 2022-04-01 rule set.

use jiff::civil::Date;

use super::{Kind, Mandatory, RuleSet};
use crate::provisions::{rule7, rule43};

pub const RULES: RuleSet = RuleSet {
    version: "2024-04-01",
    effective_from: Date::constant(2024, 4, 1),
    citation: "令和5年個人情報保護委員会規則第5号",
    citation_en: "PPC Rule No. 5 of 2023",
    title_ja: "令和5年個人情報保護委員会規則第5号による改正後の施行規則",
    title_en: "the PPC Rules as amended by PPC Rule No. 5 of 2023",
    kind: Kind::Mandatory(Mandatory {
        private_items: &[rule7::ITEM1, rule7::ITEM2, rule7::ITEM3_2024, rule7::ITEM4],
        public_items: &[
            rule43::ITEM1,
            rule43::ITEM2,
            rule43::ITEM3_2024,
            rule43::ITEM4,
            rule43::ITEM5,
        ],
    }),
};
