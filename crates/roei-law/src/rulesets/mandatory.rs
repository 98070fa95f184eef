//! The order in which a rule set's provisions are applied (the same for every mandatory rule
//! set; what differs between rule sets is which provision versions they hold).

use jiff::civil::Date;

use super::{Ctx, Mandatory, RuleSet, Trigger, rule_name};
use crate::determination::{
    Determination, Exemption, Lang, QuickReportGuide, Reason, RolledOverDay,
};
use crate::facts::{Cause, DataForm, DataItem, Facts, Regime};
use crate::provisions::{
    Provision, act26, act41_9, act68, definitions, memorandum, my_number, notice2017, rule7, rule8,
    rule9, rule10, rule43, rule44, rule45,
};
use crate::text::closure_label;

/// A determination that requires nothing, with the given trace.
fn nothing_due(rs: &RuleSet, facts: &Facts, reasons: Vec<Reason>) -> Determination {
    Determination {
        law_version: rs.version,
        rule: rule_name(facts.regime, Lang::Ja),
        report_required: false,
        items: Vec::new(),
        exemptions: Vec::new(),
        individual_notice_required: Some(false),
        final_report_days: None,
        final_report_due: None,
        final_report_last_day: None,
        final_report_rolled_over: Vec::new(),
        quick_report_guide: None,
        entruster_notice_required: false,
        police_consultation_recommended: false,
        reasons,
    }
}

fn rule_set_reason(rs: &RuleSet, known_on: Date) -> Reason {
    rs.provision().reason(
        format!(
            "知った日（{known_on}）に施行されている規定として、{}版（{}）を適用します。適用される規定は知った日で決まり、発生日によっては変わりません。",
            rs.version, rs.title_ja
        ),
        format!(
            "The rules in force on the day of knowing ({known_on}) apply: the {} rule set ({}). The day of knowing, not the day of occurrence, decides which rules apply.",
            rs.version, rs.title_en
        ),
    )
}

/// The voluntary era (before 2022-04-01).
pub(super) fn voluntary(rs: &RuleSet, facts: &Facts) -> Determination {
    let mut reasons = notice2017::reasons(facts.regime, facts.known_on);
    let mut det = nothing_due(rs, facts, Vec::new());
    police(facts, &mut reasons, &mut det);
    det.reasons = reasons;
    det
}

/// Mandatory reporting.
pub(super) fn assess(rs: &RuleSet, m: &Mandatory, facts: &Facts) -> Determination {
    let mut reasons = vec![rule_set_reason(rs, facts.known_on)];
    let det = assess_inner(rs, m, facts, &mut reasons);
    finish(facts, det, reasons)
}

fn finish(facts: &Facts, mut det: Determination, mut reasons: Vec<Reason>) -> Determination {
    police(facts, &mut reasons, &mut det);
    if facts.data_items.contains(&DataItem::MyNumber) {
        reasons.push(my_number::reason());
    }
    det.reasons = reasons;
    det
}

fn police(facts: &Facts, reasons: &mut Vec<Reason>, det: &mut Determination) {
    if let Some(cause) = facts.cause.filter(|c| c.is_cyber()) {
        det.police_consultation_recommended = true;
        reasons.push(memorandum::reason(cause, facts.known_on));
    }
}

fn assess_inner(
    rs: &RuleSet,
    m: &Mandatory,
    facts: &Facts,
    reasons: &mut Vec<Reason>,
) -> Determination {
    let public = facts.regime.is_public();

    // Who is under which duty, since when.
    if facts.regime == Regime::LocalPublic && !act68::DUTY_LOCAL.in_force_on(facts.known_on) {
        reasons.push(act68::DUTY_LOCAL.reason(
            format!(
                "地方公共団体の機関及び地方独立行政法人に法68条（漏えい等の報告等）が適用されるのは{}からです（令和3年法律第37号51条による改正）。知った日（{}）の時点では各団体の個人情報保護条例が適用され、個人情報保護委員会への報告は法律上義務付けられていません。",
                act68::DUTY_LOCAL.effective_from, facts.known_on
            ),
            format!(
                "Act Art. 68 applies to local public bodies only from {} (amended by Act No. 37 of 2021, Art. 51). On the day of knowing ({}) the body's own ordinance applied and no statutory report to the Commission was required.",
                act68::DUTY_LOCAL.effective_from, facts.known_on
            ),
        ));
        return nothing_due(rs, facts, Vec::new());
    }

    let mut det = nothing_due(rs, facts, Vec::new());

    // Not an incident at all.
    if facts.cause == Some(Cause::PhishingOfIndividual) {
        reasons.push(definitions::PHISHING.reason(
            "本人がフィッシングサイト等にだまされて自らID・パスワード等を入力したものであり、事業者が取り扱う個人データが外部に流出したものではないため、漏えいに該当しません。",
            "An individual was tricked into giving their own credentials to a fake site: the organisation's data did not flow out, so this is not a leak.",
        ));
        det.exemptions.push(Exemption::NotAnIncident);
        return det;
    }
    let events = definitions::remaining_events(facts, reasons);
    if events.is_empty() {
        det.exemptions.push(Exemption::NotAnIncident);
        return det;
    }
    let ctx = Ctx::new(facts, events);

    // Not personal data.
    let item3_counts_acquired = items_for(m, facts.regime)
        .iter()
        .any(|t| t.item == 3 && t.counts_being_acquired);
    match facts.data_form {
        DataForm::NotPersonalData => {
            push_not_personal_data(&ctx, reasons);
            det.exemptions.push(Exemption::NotPersonalData);
            return det;
        }
        DataForm::BeingAcquired if !(item3_counts_acquired && ctx.malicious.yes) => {
            push_being_acquired_out(&ctx, item3_counts_acquired, reasons);
            det.exemptions.push(Exemption::NotPersonalData);
            return det;
        }
        _ => {}
    }

    // Exclusions from the rule altogether.
    if facts.pseudonymized {
        reasons.push(act41_9::reason());
        det.exemptions.push(Exemption::Pseudonymized);
    }
    let encryption = if public {
        rule43::ENCRYPTION
    } else {
        rule7::ENCRYPTION
    };
    if facts.advanced_encryption {
        if facts.key_compromised {
            reasons.push(encryption.reason(
                "暗号化されていましたが、復号鍵（復号手段）も漏えいし又は適切に管理されていないため、高度な暗号化その他の必要な措置を講じたものとは扱われません。",
                "The data was encrypted, but the key (means of decryption) leaked too or is not properly managed: it does not count as protected by advanced encryption.",
            ));
        } else {
            reasons.push(encryption.reason(
                format!(
                    "高度な暗号化その他の個人の権利利益を保護するために必要な措置が講じられ、復号手段も適切に管理されているため、報告対象となる{}から除かれます（{}各号共通）。",
                    ctx.data_ja(),
                    rule_name(facts.regime, Lang::Ja)
                ),
                format!(
                    "The data was protected by advanced encryption or an equivalent measure, with the means of decryption properly managed: it is excluded from the {} of every item.",
                    ctx.data_en()
                ),
            ));
            det.exemptions.push(Exemption::AdvancedEncryption);
        }
    }
    if !det.exemptions.is_empty() {
        return det;
    }

    // The items.
    let mut items = Vec::with_capacity(5);
    for trigger in items_for(m, facts.regime) {
        if !trigger.provision.in_force_on(facts.known_on) {
            continue;
        }
        if ctx.being_acquired() && !trigger.counts_being_acquired {
            reasons.push(trigger.provision.reason(
                format!(
                    "取得しようとしている個人情報は{}ではないため、{}号の対象になりません（この情報が対象となるのは3号のみです）。",
                    ctx.data_ja(),
                    trigger.item
                ),
                format!(
                    "Information still being acquired is not {}: item {} does not cover it (only item 3 does).",
                    ctx.data_en(),
                    trigger.item
                ),
            ));
            continue;
        }
        let finding = (trigger.test)(&ctx);
        let Some(applies) = finding.applies else {
            continue;
        };
        if applies {
            items.push(trigger.item);
        }
        reasons.push(trigger.provision.reason(finding.ja, finding.en));
    }
    det.items.clone_from(&items);

    let duty = duty_provision(facts.regime);
    if items.is_empty() {
        reasons.push(duty.reason(
            format!(
                "{}各号のいずれにも該当しないため、個人情報保護委員会への報告及び本人への通知は法令上義務付けられていません。ただし、組織内での報告、被害の拡大防止、事実関係の調査・原因の究明、影響範囲の特定、再発防止策の検討・実施等の措置は必要です（通則編3-5-2）。任意の報告も可能です。",
                rule_name(facts.regime, Lang::Ja)
            ),
            format!(
                "None of the items of {} applies: neither a report to the Commission nor a notice to the individuals is legally required. Internal reporting, containment, investigation, scoping and prevention are still needed (General Guidelines 3-5-2); a voluntary report is possible.",
                rule_name(facts.regime, Lang::En)
            ),
        ));
        return det;
    }
    let items_ja = Ctx::items_ja(&items);

    // Entrustee.
    if facts.entrustee && !public {
        det.entruster_notice_required = true;
        if facts.entruster_notified {
            reasons.push(act26::ENTRUSTEE_PROVISO.reason(
                format!(
                    "{}{items_ja}に該当する事態ですが、委託を受けて個人データを取り扱う委託先として委託元に当該事態が生じた旨を通知したため、委員会への報告義務及び本人への通知義務を免れます（法26条1項ただし書、同条2項括弧書、規則9条）。報告及び本人への通知は委託元が行います（委託元と連名で報告することもできます）。",
                    rule_name(facts.regime, Lang::Ja)
                ),
                format!(
                    "The situation falls under {} item(s) {}, but as an entrustee the organisation has notified its entruster: it is exempt from the report and the notice (Act Art. 26(1) proviso and 26(2); PPC Rules Art. 9). The entruster reports and notifies (a joint report is possible).",
                    rule_name(facts.regime, Lang::En),
                    items_en(&items)
                ),
            ));
            det.exemptions.push(Exemption::EntrusteeNotifiedEntruster);
            return det;
        }
        reasons.push(rule9::ENTRUSTER_NOTICE.reason(
            "委託先として個人データを取り扱っているため、委託元に対し、速やかに（概ね3～5日以内）、その時点で把握している規則8条1項各号の事項を通知する必要があります。通知すれば委員会への報告義務及び本人への通知義務を免れます（法26条1項ただし書）が、通知するまでは自ら報告義務を負います。",
            "As an entrustee, the organisation must promptly (about 3–5 days) notify its entruster of the matters of PPC Rules Art. 8(1) known at that time. Once it has, it is exempt from the report and the notice (Act Art. 26(1) proviso); until then the duty to report is its own.",
        ));
    } else if facts.entrustee {
        reasons.push(act68::NO_ENTRUSTEE_EXCEPTION.reason(
            "法68条には法26条1項ただし書（委託先の免除）に相当する規定がないため、委託を受けて取り扱っている場合でも、行政機関の長等として報告義務を負います。",
            "Art. 68 has no counterpart to the entrustee proviso of Art. 26(1): a public body reports even when it handles the data on another's behalf.",
        ));
    }

    det.report_required = true;
    reasons.push(duty.reason(
        format!(
            "{}{items_ja}に該当するため、個人情報保護委員会に報告しなければなりません（{}）。法150条1項により報告受理の権限が事業所管大臣に委任されている業種では、当該大臣に報告します。",
            rule_name(facts.regime, Lang::Ja),
            duty.citation
        ),
        format!(
            "{} item(s) {} apply: the situation must be reported to the Personal Information Protection Commission ({}). In sectors where the Commission has delegated the power under Act Art. 150(1), the report goes to the competent minister.",
            rule_name(facts.regime, Lang::En),
            items_en(&items),
            duty.citation_en
        ),
    ));

    notice(&ctx, &mut det, reasons);
    deadlines(&ctx, &items, &mut det, reasons);
    det
}

fn items_for(m: &Mandatory, regime: Regime) -> &'static [Trigger] {
    if regime.is_public() {
        m.public_items
    } else {
        m.private_items
    }
}

fn duty_provision(regime: Regime) -> Provision {
    match regime {
        Regime::Private => act26::DUTY,
        Regime::NationalPublic => act68::DUTY_NATIONAL,
        Regime::LocalPublic => act68::DUTY_LOCAL,
    }
}

fn items_en(items: &[u8]) -> String {
    items
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn push_not_personal_data(ctx: &Ctx, reasons: &mut Vec<Reason>) {
    let p = if ctx.facts.regime.is_public() {
        definitions::RETAINED_PERSONAL_INFORMATION
    } else {
        definitions::PERSONAL_DATA
    };
    reasons.push(p.reason(
        format!(
            "漏えい等したのは{}に当たらない個人情報（個人情報データベース等を構成しない散在情報等）であるため、報告の対象になりません。",
            ctx.data_ja()
        ),
        format!(
            "The information is not {} (e.g. scattered information outside any personal-information database): it is outside the reporting rule.",
            ctx.data_en()
        ),
    ));
}

fn push_being_acquired_out(ctx: &Ctx, item3_counts: bool, reasons: &mut Vec<Reason>) {
    let (p, ja, en) = if item3_counts {
        (
            if ctx.facts.regime.is_public() {
                rule43::ITEM3_2024.provision
            } else {
                rule7::ITEM3_2024.provision
            },
            format!(
                "取得しようとしている個人情報が対象となるのは、不正の目的をもって行われたおそれがある行為による場合（3号）に限られます。本件はこれに当たらず、当該情報は{}でもないため、報告の対象になりません。",
                ctx.data_ja()
            ),
            format!(
                "Information still being acquired counts only when an act suspected to have an unlawful purpose caused the situation (item 3). That is not the case, and the information is not {}: it is outside the reporting rule.",
                ctx.data_en()
            ),
        )
    } else {
        (
            if ctx.facts.regime.is_public() {
                rule43::ITEM3_2022.provision
            } else {
                rule7::ITEM3_2022.provision
            },
            format!(
                "知った日（{}）は、取得しようとしている個人情報を3号の対象に加えた改正（令和5年個人情報保護委員会規則第5号、2024-04-01施行）の前です。当時の規定では当該情報は{}に当たらず、報告の対象になりません。",
                ctx.facts.known_on,
                ctx.data_ja()
            ),
            format!(
                "The day of knowing ({}) is before 2024-04-01, when PPC Rule No. 5 of 2023 brought information being acquired under item 3. Under the rules then in force it is not {} and is outside the reporting rule.",
                ctx.facts.known_on,
                ctx.data_en()
            ),
        )
    };
    reasons.push(p.reason(ja, en));
}

fn notice(ctx: &Ctx, det: &mut Determination, reasons: &mut Vec<Reason>) {
    let f = ctx.facts;
    if f.regime.is_public() {
        if f.non_disclosure_info {
            reasons.push(act68::NOTICE_NON_DISCLOSURE.reason(
                "当該保有個人情報に法78条1項各号に掲げる不開示情報が含まれるため、本人への通知は要しません（法68条2項2号）。",
                "The retained personal information contains information that would not be disclosed (Act Art. 78(1)): no notice to the individuals is required (Act Art. 68(2)(ii)).",
            ));
            det.individual_notice_required = Some(false);
            return;
        }
        reasons.push(act68::NOTICE.reason(
            "本人に対し、当該事態が生じた旨を通知しなければなりません（法68条2項）。",
            "The individuals must be notified that the situation occurred (Act Art. 68(2)).",
        ));
        reasons.push(rule45::NOTICE_CONTENT.reason(NOTICE_CONTENT_JA, NOTICE_CONTENT_EN));
        if f.notice_difficult {
            reasons.push(act68::NOTICE_DIFFICULT.reason(SUBSTITUTE_JA, SUBSTITUTE_EN));
            det.individual_notice_required = None;
        } else {
            det.individual_notice_required = Some(true);
        }
    } else {
        reasons.push(act26::NOTICE.reason(
            "本人に対し、当該事態が生じた旨を通知しなければなりません（法26条2項）。",
            "The individuals must be notified that the situation occurred (Act Art. 26(2)).",
        ));
        reasons.push(rule10::NOTICE_CONTENT.reason(NOTICE_CONTENT_JA, NOTICE_CONTENT_EN));
        if f.notice_difficult {
            reasons.push(act26::NOTICE_PROVISO.reason(SUBSTITUTE_JA, SUBSTITUTE_EN));
            det.individual_notice_required = None;
        } else {
            det.individual_notice_required = Some(true);
        }
    }
}

const NOTICE_CONTENT_JA: &str = "通知は、当該事態の状況に応じて速やかに、概要、漏えい等した項目、原因、二次被害又はそのおそれの有無及びその内容、その他参考となる事項（本人が自らとり得る措置等）のうち、本人の権利利益を保護するために必要な範囲で行います。";
const NOTICE_CONTENT_EN: &str = "The notice is given promptly as the situation allows, covering the summary, the items of data, the cause, any secondary harm or its risk, and other useful matters (such as what the individuals can do themselves), to the extent needed to protect them.";
const SUBSTITUTE_JA: &str = "本人への通知が困難な場合（連絡先が不明である等）であるため、本人の権利利益を保護するために必要な代替措置（事案の公表、問合せ窓口を設けて本人が自らの情報が対象か確認できるようにすること等）をとることで、通知に代えることができます。";
const SUBSTITUTE_EN: &str = "Notifying the individuals is difficult (no or stale contact details): a substitute measure needed to protect them — publishing the facts, or an enquiry desk where individuals can check whether they are affected — may take the place of the notice.";

fn deadlines(ctx: &Ctx, items: &[u8], det: &mut Determination, reasons: &mut Vec<Reason>) {
    let known = ctx.facts.known_on;
    let (quick, final_p) = if ctx.facts.regime.is_public() {
        (rule44::QUICK, rule44::FINAL)
    } else {
        (rule8::QUICK, rule8::FINAL)
    };
    // Facts validation keeps known_on inside the calendar's range with room for 60 days.
    let from = roei_calendar::nth_day(known, 3).expect("known_on validated within the calendar");
    let to = roei_calendar::nth_day(known, 5).expect("known_on validated within the calendar");
    det.quick_report_guide = Some(QuickReportGuide { from, to });
    reasons.push(quick.reason(
        format!(
            "事態を知った後、速やかに、その時点で把握している事項を報告します（速報）。目安は知った日から概ね3～5日以内で、知った日を1日目として{from}（3日目）から{to}（5日目）までです。目安であり、早いほど望ましいものです。"
        ),
        format!(
            "Report promptly after knowing, with what is known at the time (quick report). The yardstick is about 3–5 days: counting the day of knowing as day 1, {from} (day 3) to {to} (day 5). It is a guide, and sooner is better."
        ),
    ));

    let days = if items.contains(&3) { 60 } else { 30 };
    let deadline =
        roei_calendar::deadline(known, days).expect("known_on validated within the calendar");
    det.final_report_days = Some(days);
    det.final_report_due = Some(deadline.due);
    det.final_report_last_day = Some(deadline.last_day);
    let why_60_ja = if days == 60 {
        "3号に該当するため"
    } else {
        ""
    };
    let why_60_en = if days == 60 {
        "; item 3 applies, so the period is 60 days"
    } else {
        ""
    };
    reasons.push(final_p.reason(
        format!(
            "{why_60_ja}事態を知った日から{days}日以内に、全ての報告事項を報告します（確報）。知った日を1日目として{days}日目は{}です。確報時点で判明していない事項は、判明次第追完します。",
            deadline.last_day
        ),
        format!(
            "All the matters must be reported within {days} days of knowing (final report){why_60_en}. Counting the day of knowing as day 1, day {days} is {}. Matters still unknown are added later as they become known.",
            deadline.last_day
        ),
    ));
    if !deadline.rolled_over.is_empty() {
        det.final_report_rolled_over = deadline
            .rolled_over
            .iter()
            .map(|(date, c)| RolledOverDay {
                date: *date,
                why: closure_label(*c, Lang::Ja),
                why_en: closure_label(*c, Lang::En),
            })
            .collect();
        let skipped_ja = det
            .final_report_rolled_over
            .iter()
            .map(|d| format!("{}（{}）", d.date, d.why))
            .collect::<Vec<_>>()
            .join("、");
        let skipped_en = det
            .final_report_rolled_over
            .iter()
            .map(|d| format!("{} ({})", d.date, d.why_en))
            .collect::<Vec<_>>()
            .join(", ");
        reasons.push(rule8::CLOSURE_DAYS.reason(
            format!(
                "期間の末日が行政機関の休日に当たるため、その翌日以降で最初の休日でない日である{}が期限となります。繰り延べた日: {skipped_ja}。",
                deadline.due
            ),
            format!(
                "The last day falls on a government closure day, so the deadline moves to the next day that is not one: {}. Days skipped: {skipped_en}.",
                deadline.due
            ),
        ));
    }
}
