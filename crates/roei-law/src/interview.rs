//! The guided interview: which questions the determination still needs, given what is known.
//!
//! The interview starts from partial facts (anything unanswered takes its default) and asks only
//! the questions whose answer can still change the determination, in the order a privacy officer
//! would answer them. A question that no longer matters (for example the number of persons once
//! 規則7条1〜3号 already apply) is marked [`Need::ForTheReport`]: it does not change whether or
//! how to report, but the report form asks for it. Questions that cannot matter at all (a
//! regime's own flags under another regime, the key question without encryption) are left out.
//!
//! Pure: the answer is a function of the facts and the rule set in force on `known_on`.

use crate::derive;
use crate::facts::{DataForm, Event, Facts, Regime};

/// A question of the interview; each answers one field of [`Facts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Question {
    KnownOn,
    Events,
    Suspected,
    OccurredOn,
    DataForm,
    Pseudonymized,
    RecoveredBeforeViewed,
    CopyKeptElsewhere,
    AdvancedEncryption,
    KeyCompromised,
    DataItems,
    Sensitive,
    OrdinanceSensitive,
    FinancialDamageRisk,
    Cause,
    Malicious,
    Persons,
    Entrustee,
    EntrusterNotified,
    NoticeDifficult,
    NonDisclosureInfo,
}

/// How much the answer matters now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Need {
    /// The determination depends on it.
    Decisive,
    /// The determination no longer depends on it, but the report (別記様式第一) asks for it.
    ForTheReport,
}

/// A question to show, with why it is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub question: Question,
    pub need: Need,
    /// Why it is asked (or why it no longer decides anything), Japanese and English.
    pub why_ja: &'static str,
    pub why_en: &'static str,
}

impl Question {
    /// The field of [`Facts`] it answers (assess-contract.md names).
    pub fn field(self) -> &'static str {
        match self {
            Question::KnownOn => "known_on",
            Question::Events => "events",
            Question::Suspected => "suspected",
            Question::OccurredOn => "occurred_on",
            Question::DataForm => "data_form",
            Question::Pseudonymized => "pseudonymized",
            Question::RecoveredBeforeViewed => "recovered_before_viewed",
            Question::CopyKeptElsewhere => "copy_kept_elsewhere",
            Question::AdvancedEncryption => "advanced_encryption",
            Question::KeyCompromised => "key_compromised",
            Question::DataItems => "data_items",
            Question::Sensitive => "sensitive",
            Question::OrdinanceSensitive => "ordinance_sensitive",
            Question::FinancialDamageRisk => "financial_damage_risk",
            Question::Cause => "cause",
            Question::Malicious => "malicious",
            Question::Persons => "persons",
            Question::Entrustee => "entrustee",
            Question::EntrusterNotified => "entruster_notified",
            Question::NoticeDifficult => "notice_difficult",
            Question::NonDisclosureInfo => "non_disclosure_info",
        }
    }

    /// The question as asked, in Japanese.
    pub fn ja(self) -> &'static str {
        match self {
            Question::KnownOn => "事態を知った日（組織のいずれかの部署が知った日）",
            Question::Events => "何が起きましたか（漏えい・滅失・毀損）",
            Question::Suspected => "まだ確定しておらず「おそれ」の段階ですか",
            Question::OccurredOn => "事態が発生した日（分かれば）",
            Question::DataForm => "対象の情報は個人データ（保有個人情報）ですか",
            Question::Pseudonymized => "対象は仮名加工情報のみですか",
            Question::RecoveredBeforeViewed => {
                "第三者が閲覧する前に全て回収（又は削除）できましたか"
            }
            Question::CopyKeptElsewhere => {
                "同じ内容のデータが別の場所に保管されていますか（バックアップ等）"
            }
            Question::AdvancedEncryption => "高度な暗号化その他の必要な措置が講じられていましたか",
            Question::KeyCompromised => "復号鍵（又は復元の手段）も漏えいしましたか",
            Question::DataItems => "漏えい等した情報の項目",
            Question::Sensitive => "上記以外に要配慮個人情報が含まれますか",
            Question::OrdinanceSensitive => "条例要配慮個人情報が含まれますか",
            Question::FinancialDamageRisk => {
                "不正に利用されることにより財産的被害が生じるおそれがありますか"
            }
            Question::Cause => "原因",
            Question::Malicious => "不正の目的をもって行われたおそれがある行為によるものですか",
            Question::Persons => "本人の数（確定していない場合は最大の人数）",
            Question::Entrustee => "委託を受けて取り扱っていた情報ですか（委託先としての事案）",
            Question::EntrusterNotified => "委託元に、把握している事項を速やかに通知しましたか",
            Question::NoticeDifficult => "本人への通知が困難ですか（連絡先不明など）",
            Question::NonDisclosureInfo => {
                "不開示情報が含まれ、本人への通知をしないことができる場合に当たりますか"
            }
        }
    }

    /// The question as asked, in English.
    pub fn en(self) -> &'static str {
        match self {
            Question::KnownOn => "Date the organisation knew (any department)",
            Question::Events => "What happened (leak, loss, damage)",
            Question::Suspected => "Is it only suspected so far (おそれ)?",
            Question::OccurredOn => "Date it occurred (if known)",
            Question::DataForm => "Is the information personal data (保有個人情報)?",
            Question::Pseudonymized => "Is it pseudonymized information (仮名加工情報) only?",
            Question::RecoveredBeforeViewed => {
                "Was all of it recovered (or deleted) before any third party viewed it?"
            }
            Question::CopyKeptElsewhere => "Is an identical copy kept elsewhere (e.g. a backup)?",
            Question::AdvancedEncryption => {
                "Was it protected by advanced encryption or equivalent measures?"
            }
            Question::KeyCompromised => "Did the key (or the means of decryption) leak as well?",
            Question::DataItems => "Kinds of information affected",
            Question::Sensitive => "Does it contain other sensitive personal information (要配慮)?",
            Question::OrdinanceSensitive => {
                "Does it contain 条例要配慮個人情報 (the ordinance's sensitive information)?"
            }
            Question::FinancialDamageRisk => "Could it be misused to cause financial damage?",
            Question::Cause => "Cause",
            Question::Malicious => "Was it caused by an act that may have had an unlawful purpose?",
            Question::Persons => "Number of persons (the maximum if not yet fixed)",
            Question::Entrustee => {
                "Did you handle the data on behalf of another organisation (as entrustee)?"
            }
            Question::EntrusterNotified => {
                "Have you promptly notified the entruster of what you know?"
            }
            Question::NoticeDifficult => {
                "Is notifying the individuals difficult (e.g. no contact details)?"
            }
            Question::NonDisclosureInfo => {
                "Does it contain non-disclosable information so that notice may be withheld?"
            }
        }
    }
}

fn ask(question: Question, need: Need, why_ja: &'static str, why_en: &'static str) -> Ask {
    Ask {
        question,
        need,
        why_ja,
        why_en,
    }
}

/// The questions to show for `facts` (partial: unanswered fields hold their defaults), in order.
pub fn questions(f: &Facts) -> Vec<Ask> {
    use Need::{Decisive, ForTheReport};
    use Question as Q;
    let mut out = vec![
        ask(
            Q::KnownOn,
            Decisive,
            "期限の起算日（1日目）で、適用される規定もこの日で決まります。",
            "Day 1 of every deadline; it also selects the rules in force.",
        ),
        ask(
            Q::Events,
            Decisive,
            "漏えい・滅失・毀損のいずれかが報告対象の事態です。",
            "Leak, loss and damage are the reportable events.",
        ),
        ask(
            Q::Suspected,
            ForTheReport,
            "おそれの段階でも報告対象です（判定は変わりません）。",
            "A suspected event is reportable too (the answer does not change).",
        ),
        ask(
            Q::OccurredOn,
            ForTheReport,
            "報告書の記載事項です。期限は知った日から数えます。",
            "The report asks for it; deadlines count from the date known.",
        ),
        ask(
            Q::DataForm,
            Decisive,
            "個人データ（保有個人情報）でなければ報告義務はありません。",
            "Only personal data falls under the duty.",
        ),
    ];
    if f.data_form == DataForm::NotPersonalData {
        return out;
    }
    if f.regime == Regime::Private {
        out.push(ask(
            Q::Pseudonymized,
            Decisive,
            "仮名加工情報には法26条が適用されません（法41条9項）。",
            "Art. 26 does not apply to pseudonymized information (Art. 41(9)).",
        ));
        if f.pseudonymized {
            return out;
        }
    }
    let leak = f.events.contains(&Event::Leak);
    let loss_or_damage = f.events.iter().any(|e| *e != Event::Leak);
    if leak {
        out.push(ask(
            Q::RecoveredBeforeViewed,
            Decisive,
            "第三者の閲覧前に全て回収した場合は漏えいに当たりません。",
            "All of it recovered before anyone viewed it is not a leak.",
        ));
    }
    if loss_or_damage {
        out.push(ask(
            Q::CopyKeptElsewhere,
            Decisive,
            "同じ内容のデータが残っていれば滅失・毀損に当たりません。",
            "With an identical copy kept there is no loss or damage.",
        ));
    }
    let no_event =
        (!leak || f.recovered_before_viewed) && (!loss_or_damage || f.copy_kept_elsewhere);
    if no_event && !f.events.is_empty() {
        return out;
    }
    out.push(ask(
        Q::AdvancedEncryption,
        Decisive,
        "高度な暗号化等の措置が講じられたデータは報告対象から除かれます。",
        "Data under advanced encryption is excluded.",
    ));
    if f.advanced_encryption {
        out.push(ask(
            Q::KeyCompromised,
            Decisive,
            "鍵も漏えいした場合は除外されません。",
            "If the key leaked too, the exclusion does not apply.",
        ));
        if !f.key_compromised {
            return out;
        }
    }
    out.push(ask(
        Q::DataItems,
        Decisive,
        "要配慮個人情報（1号）・財産的被害のおそれ（2号）はここから判断します。",
        "Items 1 (sensitive) and 2 (financial damage) are derived from these.",
    ));
    let sensitive = derive::sensitive(f);
    if !sensitive.yes || f.sensitive.is_some() {
        out.push(ask(
            Q::Sensitive,
            Decisive,
            "項目から判断できない要配慮個人情報があれば1号に該当します。",
            "Sensitive information not listed above triggers item 1.",
        ));
    }
    if f.regime == Regime::LocalPublic {
        out.push(ask(
            Q::OrdinanceSensitive,
            Decisive,
            "条例で定める条例要配慮個人情報は規則43条5号に該当します。",
            "The ordinance's sensitive information triggers Rule 43 item 5.",
        ));
    }
    let financial = derive::financial_damage_risk(f);
    if !financial.yes || f.financial_damage_risk.is_some() {
        out.push(ask(
            Q::FinancialDamageRisk,
            Decisive,
            "項目から判断できない財産的被害のおそれがあれば2号に該当します。",
            "A risk of financial damage not evident from the items triggers item 2.",
        ));
    }
    out.push(ask(
        Q::Cause,
        Decisive,
        "不正アクセス等は3号（確報60日）と警察への相談に関わります。",
        "Attacks trigger item 3 (60-day final report) and the police referral.",
    ));
    let malicious_from_cause = f.cause.is_some_and(|c| c != crate::facts::Cause::Other);
    if !malicious_from_cause || f.malicious.is_some() {
        out.push(ask(
            Q::Malicious,
            Decisive,
            "原因から判断できない場合に、不正の目的のおそれ（3号）を確認します。",
            "Asked when the cause does not settle whether the act was malicious (item 3).",
        ));
    }
    let det = crate::assess(f);
    let settled_by_other_items = det.items.iter().any(|i| matches!(i, 1 | 2 | 3 | 5));
    out.push(if settled_by_other_items {
        ask(
            Q::Persons,
            ForTheReport,
            "既に他の号に該当するため判定には影響しませんが、報告書に記載します。",
            "Another item already applies; the report still asks for the number.",
        )
    } else {
        ask(
            Q::Persons,
            Decisive,
            "本人の数が千人（行政機関等は百人）を超えると4号に該当します。",
            "Over 1,000 persons (100 for public bodies) triggers item 4.",
        )
    });
    out.push(ask(
        Q::Entrustee,
        Decisive,
        "委託先は委託元に通知すれば報告・本人通知を免れます（規則9条）。",
        "An entrustee that notifies its entruster is exempt (Rule 9).",
    ));
    if f.entrustee && f.regime == Regime::Private {
        out.push(ask(
            Q::EntrusterNotified,
            Decisive,
            "通知済みであれば、報告義務は委託元に移ります。",
            "Once notified, the duty to report lies with the entruster.",
        ));
    }
    if det.report_required || det.individual_notice_required == Some(true) {
        out.push(ask(
            Q::NoticeDifficult,
            Decisive,
            "本人への通知が困難な場合は、公表等の代替措置によります。",
            "When notice is difficult, a public announcement may substitute.",
        ));
        if f.regime.is_public() {
            out.push(ask(
                Q::NonDisclosureInfo,
                Decisive,
                "不開示情報を含む場合は本人への通知をしないことができます（法68条2項2号）。",
                "Notice may be withheld for non-disclosable information (Art. 68(2)(ii)).",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Cause, DataItem};
    use jiff::civil::date;

    fn facts() -> Facts {
        Facts::from_json(r#"{"known_on":"2026-11-20","events":["leak"]}"#).unwrap()
    }

    fn asked(f: &Facts) -> Vec<Question> {
        questions(f).into_iter().map(|a| a.question).collect()
    }

    #[test]
    fn not_personal_data_ends_the_interview() {
        let mut f = facts();
        f.data_form = DataForm::NotPersonalData;
        assert_eq!(
            asked(&f),
            [
                Question::KnownOn,
                Question::Events,
                Question::Suspected,
                Question::OccurredOn,
                Question::DataForm
            ]
        );
    }

    #[test]
    fn the_key_question_follows_encryption_only() {
        let mut f = facts();
        assert!(!asked(&f).contains(&Question::KeyCompromised));
        f.advanced_encryption = true;
        let q = asked(&f);
        assert!(q.contains(&Question::KeyCompromised));
        assert!(
            !q.contains(&Question::DataItems),
            "excluded data needs no items"
        );
        f.key_compromised = true;
        assert!(asked(&f).contains(&Question::DataItems));
    }

    #[test]
    fn persons_no_longer_decide_once_item_3_applies() {
        let mut f = facts();
        let persons = |f: &Facts| {
            questions(f)
                .into_iter()
                .find(|a| a.question == Question::Persons)
                .unwrap()
                .need
        };
        assert_eq!(persons(&f), Need::Decisive);
        f.cause = Some(Cause::Ransomware);
        assert_eq!(persons(&f), Need::ForTheReport);
        assert!(
            !asked(&f).contains(&Question::Malicious),
            "the cause settles it"
        );
    }

    #[test]
    fn derived_items_skip_their_override_question() {
        let mut f = facts();
        f.data_items = vec![DataItem::CardNumber, DataItem::MedicalHistory];
        let q = asked(&f);
        assert!(!q.contains(&Question::FinancialDamageRisk));
        assert!(!q.contains(&Question::Sensitive));
    }

    #[test]
    fn regime_flags_only_under_their_regime() {
        let mut f = facts();
        assert!(asked(&f).contains(&Question::Pseudonymized));
        assert!(!asked(&f).contains(&Question::OrdinanceSensitive));
        f.regime = Regime::LocalPublic;
        f.known_on = date(2026, 11, 20);
        let q = asked(&f);
        assert!(!q.contains(&Question::Pseudonymized));
        assert!(q.contains(&Question::OrdinanceSensitive));
        assert!(!q.contains(&Question::EntrusterNotified));
    }

    #[test]
    fn recovered_leak_needs_nothing_more() {
        let mut f = facts();
        f.recovered_before_viewed = true;
        assert!(!asked(&f).contains(&Question::DataItems));
        f.events.push(Event::Loss);
        assert!(asked(&f).contains(&Question::CopyKeptElsewhere));
        assert!(
            asked(&f).contains(&Question::DataItems),
            "the loss still counts"
        );
    }

    #[test]
    fn entruster_question_only_for_an_entrustee_and_notice_only_when_reportable() {
        let mut f = facts();
        assert!(!asked(&f).contains(&Question::EntrusterNotified));
        assert!(!asked(&f).contains(&Question::NoticeDifficult));
        f.entrustee = true;
        f.cause = Some(Cause::UnauthorizedAccess);
        let q = asked(&f);
        assert!(q.contains(&Question::EntrusterNotified));
        assert!(q.contains(&Question::NoticeDifficult));
    }
}
