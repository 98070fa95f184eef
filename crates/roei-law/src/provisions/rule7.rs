//! 個人情報の保護に関する法律施行規則 7条: the situations a 個人情報取扱事業者 must report
//! (法26条1項 「個人の権利利益を害するおそれが大きいもの」).

use jiff::civil::Date;

use super::{Provision, grouped};
use crate::rulesets::{Ctx, Finding, Trigger};

const SOURCE_2022: &str =
    "個人情報の保護に関する法律施行規則（令和2年改正法施行に伴う改正、2022-04-01施行）";
const SOURCE_2024: &str = "個人情報の保護に関する法律施行規則の一部を改正する規則（令和5年12月27日個人情報保護委員会規則第5号、2024-04-01施行）";

/// 1号括弧書: 高度な暗号化その他の個人の権利利益を保護するために必要な措置を講じたものを除く
/// (carried into every item by 「以下この条及び次条第一項において同じ。」).
pub const ENCRYPTION: Provision = Provision {
    id: "rule7.item1.encryption",
    citation: "規則7条1号括弧書",
    citation_en: "PPC Rules Art. 7(i), parenthesis",
    effective_from: Date::constant(2022, 4, 1),
    source: SOURCE_2022,
};

/// 1号: 要配慮個人情報が含まれる個人データの漏えい等.
pub const ITEM1: Trigger = Trigger {
    item: 1,
    provision: Provision {
        id: "rule7.item1",
        citation: "規則7条1号",
        citation_en: "PPC Rules Art. 7(i)",
        effective_from: Date::constant(2022, 4, 1),
        source: SOURCE_2022,
    },
    counts_being_acquired: false,
    test: sensitive,
};

/// 2号: 不正に利用されることにより財産的被害が生じるおそれがある個人データの漏えい等.
pub const ITEM2: Trigger = Trigger {
    item: 2,
    provision: Provision {
        id: "rule7.item2",
        citation: "規則7条2号",
        citation_en: "PPC Rules Art. 7(ii)",
        effective_from: Date::constant(2022, 4, 1),
        source: SOURCE_2022,
    },
    counts_being_acquired: false,
    test: financial,
};

/// 3号 as enacted: 不正の目的をもって行われたおそれがある行為による個人データの漏えい等.
pub const ITEM3_2022: Trigger = Trigger {
    item: 3,
    provision: Provision {
        id: "rule7.item3",
        citation: "規則7条3号",
        citation_en: "PPC Rules Art. 7(iii)",
        effective_from: Date::constant(2022, 4, 1),
        source: SOURCE_2022,
    },
    counts_being_acquired: false,
    test: malicious,
};

/// 3号 as amended from 2024-04-01: the parenthesis adds personal information the business is
/// acquiring or about to acquire and plans to handle as personal data.
pub const ITEM3_2024: Trigger = Trigger {
    item: 3,
    provision: Provision {
        id: "rule7.item3",
        citation: "規則7条3号",
        citation_en: "PPC Rules Art. 7(iii)",
        effective_from: Date::constant(2024, 4, 1),
        source: SOURCE_2024,
    },
    counts_being_acquired: true,
    test: malicious,
};

/// 4号: 個人データに係る本人の数が千人を超える漏えい等.
pub const ITEM4: Trigger = Trigger {
    item: 4,
    provision: Provision {
        id: "rule7.item4",
        citation: "規則7条4号",
        citation_en: "PPC Rules Art. 7(iv)",
        effective_from: Date::constant(2022, 4, 1),
        source: SOURCE_2022,
    },
    counts_being_acquired: false,
    test: more_than_1000,
};

pub(crate) fn sensitive(ctx: &Ctx) -> Finding {
    let a = &ctx.sensitive;
    let (bja, ben) = a.basis_text();
    if a.yes {
        Finding::yes(
            format!(
                "要配慮個人情報{bja}が含まれる{}の{}であるため、1号に該当します（本人の数を問いません）。",
                ctx.data_ja(),
                ctx.events_ja()
            ),
            format!(
                "Sensitive personal information{ben} is involved in the {} of {}: item 1 applies, whatever the number of persons.",
                ctx.events_en(),
                ctx.data_en()
            ),
        )
    } else {
        Finding::no(
            "要配慮個人情報（法2条3項）は含まれていないため、1号には該当しません。",
            "No sensitive personal information (Act Art. 2(3)) is involved: item 1 does not apply.",
        )
    }
}

pub(crate) fn financial(ctx: &Ctx) -> Finding {
    let a = &ctx.financial;
    let (bja, ben) = a.basis_text();
    if a.yes {
        Finding::yes(
            format!(
                "不正に利用されることにより財産的被害が生じるおそれがある{}{bja}の{}であるため、2号に該当します（本人の数を問いません）。",
                ctx.data_ja(),
                ctx.events_ja()
            ),
            format!(
                "The {} concerns {} whose misuse may cause financial damage{ben}: item 2 applies, whatever the number of persons.",
                ctx.events_en(),
                ctx.data_en()
            ),
        )
    } else {
        Finding::no(
            "財産的被害が生じるおそれのある情報（クレジットカード番号、送金・決済機能のあるサービスのID・パスワード等）は含まれていないため、2号には該当しません（氏名・住所・電話番号・メールアドレス等のみでは該当しません）。",
            "No data whose misuse may cause financial damage (a card number, credentials of banking or payment services, etc.) is involved: item 2 does not apply (contact data alone does not qualify).",
        )
    }
}

pub(crate) fn malicious(ctx: &Ctx) -> Finding {
    let a = &ctx.malicious;
    let (bja, ben) = a.basis_text();
    if a.yes {
        let (ja_form, en_form) = if ctx.being_acquired() {
            (
                "取得しようとしている個人情報であって個人データとして取り扱われることが予定されているもの",
                "personal information being acquired and planned to be handled as personal data",
            )
        } else {
            (ctx.data_ja(), ctx.data_en())
        };
        Finding::yes(
            format!(
                "不正の目的をもって行われたおそれがある行為{bja}による{ja_form}の{}であるため、3号に該当します（本人の数を問いません）。",
                ctx.events_ja()
            ),
            format!(
                "The {} of {en_form} was caused by an act suspected to have an unlawful purpose{ben}: item 3 applies, whatever the number of persons.",
                ctx.events_en()
            ),
        )
    } else {
        Finding::no(
            format!(
                "不正の目的をもって行われたおそれがある行為によるものではない{bja}ため、3号には該当しません（紛失、誤送付・誤送信、設定ミス、誤廃棄等は不正の目的によるものではありません）。"
            ),
            format!(
                "The situation was not caused by an act suspected to have an unlawful purpose{ben}: item 3 does not apply (loss, misdelivery, mis-sent e-mail, misconfiguration and erroneous disposal are not)."
            ),
        )
    }
}

fn more_than_1000(ctx: &Ctx) -> Finding {
    persons_over(ctx, 1000, 4, "千人", "1,000")
}

/// Shared by 規則7条4号 (千人) and 規則43条4号 (百人).
pub(crate) fn persons_over(
    ctx: &Ctx,
    limit: u64,
    item: u8,
    ja_limit: &str,
    en_limit: &str,
) -> Finding {
    match ctx.facts.persons {
        Some(n) if n > limit => Finding::yes(
            format!(
                "本人の数が{}人であり、{ja_limit}を超えるため、{item}号に該当します（本人の数が確定していない場合は最大の人数によります）。",
                grouped(n)
            ),
            format!(
                "{} persons are affected, more than {en_limit}: item {item} applies (when the number is not fixed, the maximum possible number counts).",
                grouped(n)
            ),
        ),
        Some(n) => {
            let (note_ja, note_en) = if n == limit {
                (
                    format!("{ja_limit}ちょうどは「{ja_limit}を超える」に当たりません"),
                    format!("exactly {en_limit} is not more than {en_limit}"),
                )
            } else {
                (
                    format!(
                        "本人の数が確定していない場合は最大の人数で判断し、後に{ja_limit}を超えることが判明した時点で該当します"
                    ),
                    format!(
                        "when the number is not fixed the maximum possible number counts, and the item applies once it is found to exceed {en_limit}"
                    ),
                )
            };
            Finding::no(
                format!(
                    "本人の数は{}人であり、{ja_limit}を超えないため、{item}号には該当しません（{note_ja}）。",
                    grouped(n)
                ),
                format!(
                    "{} persons are affected, not more than {en_limit}: item {item} does not apply ({note_en}).",
                    grouped(n)
                ),
            )
        }
        None => Finding::no(
            format!(
                "本人の数が入力されていないため、{item}号は判断していません。本人の数が確定していない場合は、漏えい等が発生したおそれがある最大の人数で判断し、{ja_limit}を超えるときは{item}号に該当します。"
            ),
            format!(
                "The number of persons is not given, so item {item} was not assessed. When the number is not fixed, the maximum possible number counts; if it exceeds {en_limit}, item {item} applies."
            ),
        ),
    }
}
