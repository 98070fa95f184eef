//! 個人情報の保護に関する法律施行規則 43条: the situations a 行政機関の長等 must report
//! (法68条1項). Items 1–3 ask the questions of 規則7条 1–3号 about 保有個人情報; item 4's
//! threshold is 百人; item 5 (条例要配慮個人情報) concerns local public bodies only.

use jiff::civil::Date;

use super::Provision;
use super::rule7;
use crate::facts::Regime;
use crate::rulesets::{Ctx, Finding, Trigger};

const SOURCE_2022: &str =
    "個人情報の保護に関する法律施行規則（令和3年改正法施行に伴う改正、2022-04-01施行）";
const SOURCE_2024: &str = "個人情報の保護に関する法律施行規則の一部を改正する規則（令和5年12月27日個人情報保護委員会規則第5号、2024-04-01施行）";

/// 1号括弧書 (高度な暗号化等の措置を講じたものを除く).
pub const ENCRYPTION: Provision = Provision {
    id: "rule43.item1.encryption",
    citation: "規則43条1号括弧書",
    citation_en: "PPC Rules Art. 43(i), parenthesis",
    effective_from: Date::constant(2022, 4, 1),
    source: SOURCE_2022,
};

#[allow(clippy::too_many_arguments)] // one row of the table below
const fn item(
    n: u8,
    id: &'static str,
    citation: &'static str,
    citation_en: &'static str,
    from: Date,
    source: &'static str,
    counts_being_acquired: bool,
    test: fn(&Ctx) -> Finding,
) -> Trigger {
    Trigger {
        item: n,
        provision: Provision {
            id,
            citation,
            citation_en,
            effective_from: from,
            source,
        },
        counts_being_acquired,
        test,
    }
}

pub const ITEM1: Trigger = item(
    1,
    "rule43.item1",
    "規則43条1号",
    "PPC Rules Art. 43(i)",
    Date::constant(2022, 4, 1),
    SOURCE_2022,
    false,
    rule7::sensitive,
);
pub const ITEM2: Trigger = item(
    2,
    "rule43.item2",
    "規則43条2号",
    "PPC Rules Art. 43(ii)",
    Date::constant(2022, 4, 1),
    SOURCE_2022,
    false,
    rule7::financial,
);
pub const ITEM3_2022: Trigger = item(
    3,
    "rule43.item3",
    "規則43条3号",
    "PPC Rules Art. 43(iii)",
    Date::constant(2022, 4, 1),
    SOURCE_2022,
    false,
    rule7::malicious,
);
/// 3号 as amended from 2024-04-01 (personal information being acquired and planned to be
/// handled as 保有個人情報 counts).
pub const ITEM3_2024: Trigger = item(
    3,
    "rule43.item3",
    "規則43条3号",
    "PPC Rules Art. 43(iii)",
    Date::constant(2024, 4, 1),
    SOURCE_2024,
    true,
    rule7::malicious,
);
pub const ITEM4: Trigger = item(
    4,
    "rule43.item4",
    "規則43条4号",
    "PPC Rules Art. 43(iv)",
    Date::constant(2022, 4, 1),
    SOURCE_2022,
    false,
    more_than_100,
);
/// 5号: 条例要配慮個人情報 — in force with the local public bodies' coming under the Act.
pub const ITEM5: Trigger = item(
    5,
    "rule43.item5",
    "規則43条5号",
    "PPC Rules Art. 43(v)",
    Date::constant(2023, 4, 1),
    SOURCE_2022,
    false,
    ordinance_sensitive,
);

fn more_than_100(ctx: &Ctx) -> Finding {
    rule7::persons_over(ctx, 100, 4, "百人", "100")
}

fn ordinance_sensitive(ctx: &Ctx) -> Finding {
    if ctx.facts.regime != Regime::LocalPublic {
        return Finding::skip();
    }
    if ctx.facts.ordinance_sensitive {
        Finding::yes(
            format!(
                "条例要配慮個人情報（法60条5項、当該地方公共団体の条例で定めるもの）が含まれる保有個人情報の{}であるため、5号に該当します。",
                ctx.events_ja()
            ),
            format!(
                "The {} involves information the local ordinance designates as requiring special care (Act Art. 60(5)): item 5 applies.",
                ctx.events_en()
            ),
        )
    } else {
        Finding::no(
            "条例要配慮個人情報は含まれていないため、5号には該当しません。",
            "No information designated by the local ordinance as requiring special care is involved: item 5 does not apply.",
        )
    }
}
