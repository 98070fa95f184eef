//! Before 2022-04-01 there was no statutory duty to report: the Commission's notice
//! 「個人データの漏えい等の事案が発生した場合等の対応について」 (平成29年個人情報保護委員会告示
//! 第1号, in force 2017-05-30) asked businesses to endeavour to report (努力義務).

use jiff::civil::Date;

use super::{LOCAL_PUBLIC_FROM, MANDATORY_FROM, Provision};
use crate::determination::Reason;
use crate::facts::Regime;

pub const NOTICE_2017: Provision = Provision {
    id: "notice2017",
    citation: "平成29年個人情報保護委員会告示第1号",
    citation_en: "PPC Notice No. 1 of 2017",
    effective_from: Date::constant(2017, 5, 30),
    source: "個人データの漏えい等の事案が発生した場合等の対応について（平成29年個人情報保護委員会告示第1号）",
};

pub fn reasons(regime: Regime, known_on: Date) -> Vec<Reason> {
    let mut out = Vec::with_capacity(2);
    let era_ja = if known_on < NOTICE_2017.effective_from {
        "2017-05-30より前は、各事業分野の主務大臣のガイドラインにより対応が求められていました。"
    } else {
        "当時は「個人データの漏えい等の事案が発生した場合等の対応について」（平成29年個人情報保護委員会告示第1号）により、個人情報保護委員会等への報告は努力義務（報告するよう努める）にとどまっていました。"
    };
    let era_en = if known_on < NOTICE_2017.effective_from {
        "Before 2017-05-30, the sector ministers' guidelines applied."
    } else {
        "At the time, the Commission's Notice No. 1 of 2017 only asked businesses to endeavour to report to the Commission (a best-effort duty)."
    };
    match regime {
        Regime::Private => out.push(NOTICE_2017.reason(
            format!(
                "知った日（{known_on}）は、漏えい等報告及び本人への通知が法律上の義務となった令和2年改正法の施行日（{MANDATORY_FROM}）より前です。{era_ja}法令上の報告義務及び本人通知義務はありません。"
            ),
            format!(
                "The day of knowing ({known_on}) is before {MANDATORY_FROM}, when the 2020 amendment made reporting and notice mandatory. {era_en} There is no statutory duty to report or to notify."
            ),
        )),
        Regime::NationalPublic | Regime::LocalPublic => {
            let from = if regime == Regime::LocalPublic { LOCAL_PUBLIC_FROM } else { MANDATORY_FROM };
            out.push(NOTICE_2017.reason(
                format!(
                    "知った日（{known_on}）は、行政機関等に法68条の漏えい等報告義務が適用された日（{from}）より前です。当時は行政機関個人情報保護法・独立行政法人等個人情報保護法又は各団体の個人情報保護条例が適用され、個人情報保護委員会への報告は法令上義務付けられていませんでした。"
                ),
                format!(
                    "The day of knowing ({known_on}) is before {from}, when Act Art. 68 began to apply to public bodies. The former public-sector acts or the local ordinances applied then, and no statutory report to the Commission was required."
                ),
            ));
        }
    }
    out
}
