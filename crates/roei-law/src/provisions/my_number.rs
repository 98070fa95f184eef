//! 行政手続における特定の個人を識別するための番号の利用等に関する法律 29条の4: a leak of
//! 特定個人情報 (data containing a My Number) has its own reporting rule, outside this engine.

use jiff::civil::Date;

use super::Provision;
use crate::determination::Reason;

pub const SPECIFIC_PERSONAL_INFORMATION: Provision = Provision {
    id: "my_number.29_4",
    citation: "番号法29条の4",
    citation_en: "My Number Act Art. 29-4",
    effective_from: Date::constant(2022, 4, 1),
    source: "行政手続における特定の個人を識別するための番号の利用等に関する法律 29条の4、特定個人情報の漏えい等に関する報告等に関する規則",
};

pub fn reason() -> Reason {
    SPECIFIC_PERSONAL_INFORMATION.reason(
        "個人番号（マイナンバー）を含む特定個人情報の漏えい等は、番号法29条の4及び同条に基づく委員会規則により、別途報告の要否を判断する必要があります（本判定は個人情報保護法に基づくもので、番号法の判定を含みません）。委員会の報告フォームでは問1で「はい」を選択します。",
        "A leak of specific personal information (data with a My Number) must also be assessed under My Number Act Art. 29-4 and its Commission rules; this determination covers the APPI only. On the Commission's form, answer question 1 with \"yes\".",
    )
}
