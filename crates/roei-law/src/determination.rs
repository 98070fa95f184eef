//! The engine's output (assess-contract.md §Output) and its trace.

use jiff::civil::Date;
use serde::{Serialize, Serializer};

/// Language of explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

/// Why a report that would otherwise be considered is not due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exemption {
    NotAnIncident,
    AdvancedEncryption,
    Pseudonymized,
    EntrusteeNotifiedEntruster,
    NotPersonalData,
}

impl Exemption {
    pub fn code(self) -> &'static str {
        match self {
            Exemption::NotAnIncident => "not_an_incident",
            Exemption::AdvancedEncryption => "advanced_encryption",
            Exemption::Pseudonymized => "pseudonymized",
            Exemption::EntrusteeNotifiedEntruster => "entrustee_notified_entruster",
            Exemption::NotPersonalData => "not_personal_data",
        }
    }
}

/// One step of the explanation trace: which provision was applied and what it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Stable identifier of the provision (module path), e.g. `rule7.item3`.
    pub provision: &'static str,
    /// The article applied, in Japanese legal style, e.g. `規則7条3号`.
    pub citation: &'static str,
    /// The same citation in English.
    pub citation_en: &'static str,
    /// The date from which the applied version of the provision is in force.
    pub effective_from: Date,
    pub text_ja: String,
    pub text_en: String,
}

impl Reason {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.text_ja,
            Lang::En => &self.text_en,
        }
    }
}

/// The 速報 yardstick window (概ね3～5日以内): days 3 to 5 counting the day of knowing as day 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuickReportGuide {
    #[serde(serialize_with = "ser_date")]
    pub from: Date,
    #[serde(serialize_with = "ser_date")]
    pub to: Date,
}

/// A day skipped when the 確報 due date rolled over, and why it is a 行政機関の休日.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RolledOverDay {
    #[serde(serialize_with = "ser_date")]
    pub date: Date,
    pub why: String,
    pub why_en: String,
}

/// A determination: what the law requires, with the rule-set version and the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Determination {
    /// The rule set applied, named by its effective date (`2024-04-01`).
    pub law_version: &'static str,
    /// `規則7条` (private) or `規則43条` (public).
    pub rule: &'static str,
    pub report_required: bool,
    pub items: Vec<u8>,
    pub exemptions: Vec<Exemption>,
    pub individual_notice_required: Option<bool>,
    pub final_report_days: Option<i32>,
    pub final_report_due: Option<Date>,
    /// The nominal last day of the 確報 period before any roll-over.
    pub final_report_last_day: Option<Date>,
    /// The closure days the due date rolled over.
    pub final_report_rolled_over: Vec<RolledOverDay>,
    pub quick_report_guide: Option<QuickReportGuide>,
    pub entruster_notice_required: bool,
    pub police_consultation_recommended: bool,
    pub reasons: Vec<Reason>,
}

impl Determination {
    /// A view of this determination whose `reasons[].text` is in `lang`; serialize it for JSON.
    pub fn localized(&self, lang: Lang) -> Localized<'_> {
        Localized { det: self, lang }
    }
}

/// A determination as JSON in one language (assess-contract.md §Output, plus extra fields).
#[derive(Debug, Clone, Copy)]
pub struct Localized<'a> {
    pub det: &'a Determination,
    pub lang: Lang,
}

#[derive(Serialize)]
struct ReasonOut<'a> {
    citation: &'a str,
    text: &'a str,
    provision: &'a str,
    #[serde(serialize_with = "ser_date")]
    effective_from: Date,
}

#[derive(Serialize)]
struct Out<'a> {
    law_version: &'a str,
    rule: &'a str,
    report_required: bool,
    items: &'a [u8],
    exemptions: &'a [Exemption],
    individual_notice_required: Option<bool>,
    final_report_days: Option<i32>,
    #[serde(serialize_with = "ser_opt_date")]
    final_report_due: Option<Date>,
    #[serde(serialize_with = "ser_opt_date")]
    final_report_last_day: Option<Date>,
    final_report_rolled_over: &'a [RolledOverDay],
    quick_report_guide: Option<QuickReportGuide>,
    entruster_notice_required: bool,
    police_consultation_recommended: bool,
    reasons: Vec<ReasonOut<'a>>,
}

impl Serialize for Localized<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.det;
        Out {
            law_version: d.law_version,
            rule: d.rule,
            report_required: d.report_required,
            items: &d.items,
            exemptions: &d.exemptions,
            individual_notice_required: d.individual_notice_required,
            final_report_days: d.final_report_days,
            final_report_due: d.final_report_due,
            final_report_last_day: d.final_report_last_day,
            final_report_rolled_over: &d.final_report_rolled_over,
            quick_report_guide: d.quick_report_guide,
            entruster_notice_required: d.entruster_notice_required,
            police_consultation_recommended: d.police_consultation_recommended,
            reasons: d
                .reasons
                .iter()
                .map(|r| ReasonOut {
                    citation: r.citation,
                    text: r.text(self.lang),
                    provision: r.provision,
                    effective_from: r.effective_from,
                })
                .collect(),
        }
        .serialize(s)
    }
}

// jiff's Date Display is ISO 8601 (YYYY-MM-DD); serialize through it so jiff needs no serde feature.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde's serialize_with signature
fn ser_date<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

#[allow(clippy::ref_option, clippy::trivially_copy_pass_by_ref)] // serde's serialize_with signature
fn ser_opt_date<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}
