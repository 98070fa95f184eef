//! The voluntary era: 平成29年個人情報保護委員会告示第1号 (2017-05-30 to 2022-03-31).

use jiff::civil::Date;

use super::{Kind, RuleSet};

pub const RULES: RuleSet = RuleSet {
    version: "2017-05-30",
    effective_from: Date::constant(2017, 5, 30),
    citation: "平成29年個人情報保護委員会告示第1号",
    citation_en: "PPC Notice No. 1 of 2017",
    title_ja: "個人データの漏えい等の事案が発生した場合等の対応について（平成29年個人情報保護委員会告示第1号）— 報告は努力義務",
    title_en: "PPC Notice No. 1 of 2017 — reporting a best effort only",
    kind: Kind::Voluntary,
};
