//! The leak report (漏えい等報告, 別記様式第一; law.md §5, report-form.md): its header and the nine
//! matters of 規則8条1項, the form's option lists as data, the stages 速報 / 確報 / 追完, what is
//! still missing for a 確報, and the field-by-field difference between two versions.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::DomainError;
use crate::model::{CaseId, IncidentCase, OrgId, Organisation, UserId};

/// The form version new drafts use.
pub const CURRENT_FORM_VERSION: &str = "draft-2020-12";

/// One option of a list on the form.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormOption {
    pub code: String,
    pub ja: String,
    pub en: String,
}

/// The option lists of one version of the form (`form/*.toml`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormOptions {
    pub version: String,
    pub source: String,
    pub incident: Vec<FormOption>,
    pub certainty: Vec<FormOption>,
    pub media: Vec<FormOption>,
    pub kinds: Vec<FormOption>,
    pub items: Vec<FormOption>,
    pub cause_actor: Vec<FormOption>,
    pub cause: Vec<FormOption>,
    pub secondary_harm: Vec<FormOption>,
    pub individual_response: Vec<FormOption>,
    pub publication: Vec<FormOption>,
    pub publication_method: Vec<FormOption>,
}

impl FormOptions {
    /// The option lists of `version`, if roei knows it.
    pub fn get(version: &str) -> Option<&'static FormOptions> {
        static DRAFT_2020_12: OnceLock<FormOptions> = OnceLock::new();
        match version {
            "draft-2020-12" => Some(DRAFT_2020_12.get_or_init(|| {
                toml::from_str(include_str!("../form/draft-2020-12.toml"))
                    .expect("form/draft-2020-12.toml is valid (tested)")
            })),
            _ => None,
        }
    }

    /// The label of `code` in `list`, if the code exists.
    pub fn label<'a>(list: &'a [FormOption], code: &str) -> Option<&'a FormOption> {
        list.iter().find(|o| o.code == code)
    }

    /// The option list the codes of `field` (a [`ReportContent`] path such as
    /// `cause.category`) come from; `None` for a free-text field.
    pub fn list(&self, field: &str) -> Option<&[FormOption]> {
        Some(match field {
            "summary.incident" => &self.incident,
            "summary.certainty" => &self.certainty,
            "data_items.media" => &self.media,
            "data_items.kinds" => &self.kinds,
            "data_items.items" => &self.items,
            "cause.actor" => &self.cause_actor,
            "cause.category" => &self.cause,
            "secondary_harm.status" => &self.secondary_harm,
            "individual_response.status" => &self.individual_response,
            "publication.status" => &self.publication,
            "publication.methods" => &self.publication_method,
            _ => return None,
        })
    }
}

/// Report stage: 速報, 確報 or 追完.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStage {
    /// 速報 (規則8条1項): what is known, promptly.
    QuickReport,
    /// 確報 (規則8条2項): all nine matters, within 30 (60) days.
    FinalReport,
    /// 追完: matters learned after the 確報.
    Supplement,
}

impl ReportStage {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStage::QuickReport => "quick_report",
            ReportStage::FinalReport => "final_report",
            ReportStage::Supplement => "supplement",
        }
    }
    pub fn ja(self) -> &'static str {
        match self {
            ReportStage::QuickReport => "速報",
            ReportStage::FinalReport => "確報",
            ReportStage::Supplement => "追完",
        }
    }
}

impl fmt::Display for ReportStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReportStage {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "quick_report" => Ok(ReportStage::QuickReport),
            "final_report" => Ok(ReportStage::FinalReport),
            "supplement" => Ok(ReportStage::Supplement),
            _ => Err(DomainError::invalid(
                "stage",
                format!("unknown stage \"{s}\" (quick_report, final_report or supplement)"),
            )),
        }
    }
}

/// The report header: who reports (the organisation, not the clerk) and whom to contact.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportHeader {
    /// 報告者の氏名又は名称.
    pub reporter_name: Option<String>,
    /// 住所 / 所在地.
    pub address: Option<String>,
    /// 代表者の氏名.
    pub representative: Option<String>,
    /// 法人番号 (13 digits).
    pub corporate_number: Option<String>,
    /// 業種.
    pub sector: Option<String>,
    pub contact_department: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

/// (1) 概要.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Summary {
    /// 発生日 (may be unknown).
    pub occurred_on: Option<Date>,
    /// 発覚日.
    pub discovered_on: Option<Date>,
    /// 発生事案: codes of the `incident` list.
    pub incident: Vec<String>,
    /// Occurred or suspected (`certainty` list).
    pub certainty: Option<String>,
    /// 発見者.
    pub discoverer: Option<String>,
    /// 規則7条 (43条) 各号該当性: the item numbers.
    pub applicable_items: Vec<u8>,
    /// 委託元の有無.
    pub has_entruster: Option<bool>,
    /// 委託先の有無.
    pub has_entrustee: Option<bool>,
    /// 事実経過 (the course of events, in time order).
    pub course_of_events: Option<String>,
    /// 外部機関による調査の実施状況 (asked for item 3 cases).
    pub external_investigation: Option<String>,
}

/// (2) 項目.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataItems {
    pub media: Vec<String>,
    pub media_other: Option<String>,
    pub kinds: Vec<String>,
    pub kinds_other: Option<String>,
    pub items: Vec<String>,
    pub items_other: Option<String>,
}

/// (3) 本人の数.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Persons {
    /// 人数 (the maximum possible when not fixed).
    pub count: Option<u64>,
    /// うちクレジットカード情報を含む人数.
    pub with_card: Option<u64>,
}

/// (4) 原因.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CauseMatter {
    /// 主体 (`cause_actor` list).
    pub actor: Option<String>,
    /// 原因 (`cause` list).
    pub category: Option<String>,
    pub category_other: Option<String>,
    /// 攻撃箇所 (unauthorized access).
    pub attack_point: Option<String>,
    /// 攻撃手法 (unauthorized access).
    pub attack_method: Option<String>,
    pub details: Option<String>,
}

/// A status chosen from a list, with details.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StatusMatter {
    pub status: Option<String>,
    pub details: Option<String>,
}

/// (7) 公表.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Publication {
    /// `publication` list.
    pub status: Option<String>,
    /// 公表日 / 公表予定日.
    pub date: Option<Date>,
    pub methods: Vec<String>,
    pub methods_other: Option<String>,
    /// 公表文.
    pub text: Option<String>,
}

/// (8) 再発防止のための措置.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Prevention {
    /// 実施済の措置.
    pub done: Option<String>,
    /// 今後実施予定の措置（長期に講ずる措置を含む）及び完了時期.
    pub planned: Option<String>,
}

/// The content of a report: the header and the nine matters of 規則8条1項. Every field may be
/// empty in a draft and a 速報; a 確報 needs all nine matters ([`ReportContent::missing`]).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportContent {
    pub form_version: String,
    #[serde(default)]
    pub header: ReportHeader,
    #[serde(default)]
    pub summary: Summary,
    #[serde(default)]
    pub data_items: DataItems,
    #[serde(default)]
    pub persons: Persons,
    #[serde(default)]
    pub cause: CauseMatter,
    #[serde(default)]
    pub secondary_harm: StatusMatter,
    #[serde(default)]
    pub individual_response: StatusMatter,
    #[serde(default)]
    pub publication: Publication,
    #[serde(default)]
    pub prevention: Prevention,
    /// (9) その他参考となる事項.
    #[serde(default)]
    pub other: Option<String>,
}

/// One of the nine matters (規則8条1項1–9号), or the header.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Matter {
    Header,
    Summary,
    DataItems,
    Persons,
    Cause,
    SecondaryHarm,
    IndividualResponse,
    Publication,
    Prevention,
    Other,
}

impl Matter {
    /// The matter's number in 規則8条1項 (0 for the header).
    pub fn number(self) -> u8 {
        match self {
            Matter::Header => 0,
            Matter::Summary => 1,
            Matter::DataItems => 2,
            Matter::Persons => 3,
            Matter::Cause => 4,
            Matter::SecondaryHarm => 5,
            Matter::IndividualResponse => 6,
            Matter::Publication => 7,
            Matter::Prevention => 8,
            Matter::Other => 9,
        }
    }
    pub fn ja(self) -> &'static str {
        match self {
            Matter::Header => "報告者",
            Matter::Summary => "概要",
            Matter::DataItems => "漏えい等が発生し、又は発生したおそれがある個人データの項目",
            Matter::Persons => "本人の数",
            Matter::Cause => "原因",
            Matter::SecondaryHarm => "二次被害又はそのおそれの有無及びその内容",
            Matter::IndividualResponse => "本人への対応の実施状況",
            Matter::Publication => "公表の実施状況",
            Matter::Prevention => "再発防止のための措置",
            Matter::Other => "その他参考となる事項",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Matter::Header => "reporter",
            Matter::Summary => "summary",
            Matter::DataItems => "data items",
            Matter::Persons => "number of persons",
            Matter::Cause => "cause",
            Matter::SecondaryHarm => "secondary harm",
            Matter::IndividualResponse => "measures for the individuals",
            Matter::Publication => "publication",
            Matter::Prevention => "prevention of recurrence",
            Matter::Other => "other matters",
        }
    }
}

/// A field a 確報 still needs.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    pub matter: Matter,
    /// 1–9 (0 = header).
    pub number: u8,
    /// The field path, e.g. `summary.course_of_events`.
    pub field: String,
    pub label_ja: String,
}

fn blank(s: Option<&String>) -> bool {
    s.is_none_or(|s| s.trim().is_empty())
}

const MAX_TEXT: usize = 20_000;
const MAX_SHORT: usize = 300;

impl ReportContent {
    /// An empty report on the current form.
    pub fn empty() -> Self {
        Self {
            form_version: CURRENT_FORM_VERSION.into(),
            header: ReportHeader::default(),
            summary: Summary::default(),
            data_items: DataItems::default(),
            persons: Persons::default(),
            cause: CauseMatter::default(),
            secondary_harm: StatusMatter::default(),
            individual_response: StatusMatter::default(),
            publication: Publication::default(),
            prevention: Prevention::default(),
            other: None,
        }
    }

    /// A first draft from what the case already knows: the reporter, the dates, the items of
    /// the latest determination, the persons, and the cause and data items where the facts'
    /// vocabulary maps onto the form's lists.
    pub fn prefill(org: &Organisation, case: &IncidentCase, items: &[u8]) -> Self {
        let f = &case.facts;
        let mut c = Self::empty();
        c.header.reporter_name = Some(org.name.clone());
        c.summary.occurred_on = f.occurred_on;
        c.summary.discovered_on = Some(f.known_on);
        c.summary.incident = f
            .events
            .iter()
            .map(|e| {
                match e {
                    roei_law::Event::Leak => "leak",
                    roei_law::Event::Loss => "loss",
                    roei_law::Event::Damage => "damage",
                }
                .to_owned()
            })
            .collect();
        c.summary.certainty = Some(if f.suspected { "suspected" } else { "occurred" }.into());
        c.summary.applicable_items = items.to_vec();
        c.summary.has_entrustee = None;
        c.summary.has_entruster = f.entrustee.then_some(true);
        c.persons.count = f.persons;
        // The facts' data_form is legal (個人データ or not), not the medium: left to the user.
        let mut other_items = Vec::new();
        for item in &f.data_items {
            use roei_law::DataItem as D;
            let code = match item {
                D::Name => Some("name"),
                D::BirthDate => Some("birth_date"),
                D::Gender => Some("gender"),
                D::Phone => Some("phone"),
                D::Email => Some("email"),
                D::CardNumber | D::CardLast4 | D::CardExpiry | D::CardSecurityCode => {
                    Some("credit_card")
                }
                D::Password => Some("password"),
                _ => None,
            };
            match code {
                Some(code) if !c.data_items.items.iter().any(|i| i == code) => {
                    c.data_items.items.push(code.to_owned());
                }
                Some(_) => {}
                None => other_items.push(item.ja()),
            }
        }
        if !other_items.is_empty() {
            c.data_items.items.push("other".into());
            c.data_items.items_other = Some(other_items.join("、"));
        }
        if let Some(cause) = f.cause {
            use roei_law::Cause as K;
            let code = match cause {
                K::UnauthorizedAccess | K::Malware | K::Ransomware | K::WebSkimming => {
                    "unauthorized_access"
                }
                K::Misdelivery => "misdelivery",
                K::MissentEmail => "missending",
                K::ErroneousDisposal => "wrong_disposal",
                K::Loss => "loss",
                K::Theft => "theft",
                K::InsiderMisconduct => "insider",
                K::Misconfiguration | K::PhishingOfIndividual | K::Other => "other",
            };
            c.cause.category = Some(code.to_owned());
            if code == "other" {
                c.cause.category_other = Some(cause.ja().to_owned());
            } else if code == "unauthorized_access" && cause != K::UnauthorizedAccess {
                c.cause.attack_method = Some(cause.ja().to_owned());
            }
        }
        c
    }

    /// Checks the form version, every option code, the lengths and the numbers; names the field.
    pub fn validate(&self) -> Result<&'static FormOptions, DomainError> {
        let opts = FormOptions::get(&self.form_version).ok_or_else(|| {
            DomainError::invalid(
                "form_version",
                format!(
                    "unknown form version \"{}\" (known: {CURRENT_FORM_VERSION})",
                    self.form_version
                ),
            )
        })?;
        let one = |field: &str, list: &[FormOption], v: Option<&String>| {
            if let Some(v) = v
                && FormOptions::label(list, v).is_none()
            {
                return Err(unknown_option(field, v, list));
            }
            Ok(())
        };
        let many = |field: &str, list: &[FormOption], vs: &[String]| {
            for (i, v) in vs.iter().enumerate() {
                if FormOptions::label(list, v).is_none() {
                    return Err(unknown_option(&format!("{field}[{i}]"), v, list));
                }
                if vs[..i].contains(v) {
                    return Err(DomainError::invalid(
                        format!("{field}[{i}]"),
                        format!("\"{v}\" is listed twice"),
                    ));
                }
            }
            Ok(())
        };
        many("summary.incident", &opts.incident, &self.summary.incident)?;
        one(
            "summary.certainty",
            &opts.certainty,
            self.summary.certainty.as_ref(),
        )?;
        many("data_items.media", &opts.media, &self.data_items.media)?;
        many("data_items.kinds", &opts.kinds, &self.data_items.kinds)?;
        many("data_items.items", &opts.items, &self.data_items.items)?;
        one("cause.actor", &opts.cause_actor, self.cause.actor.as_ref())?;
        one("cause.category", &opts.cause, self.cause.category.as_ref())?;
        one(
            "secondary_harm.status",
            &opts.secondary_harm,
            self.secondary_harm.status.as_ref(),
        )?;
        one(
            "individual_response.status",
            &opts.individual_response,
            self.individual_response.status.as_ref(),
        )?;
        one(
            "publication.status",
            &opts.publication,
            self.publication.status.as_ref(),
        )?;
        many(
            "publication.methods",
            &opts.publication_method,
            &self.publication.methods,
        )?;
        for (i, item) in self.summary.applicable_items.iter().enumerate() {
            if !(1..=5).contains(item) {
                return Err(DomainError::invalid(
                    format!("summary.applicable_items[{i}]"),
                    format!("{item} is not an item of 規則7条 (1–4) or 規則43条 (1–5)"),
                ));
            }
        }
        if let (Some(o), Some(d)) = (self.summary.occurred_on, self.summary.discovered_on)
            && o > d
        {
            return Err(DomainError::invalid(
                "summary.occurred_on",
                format!("{o} is after the discovery date {d}"),
            ));
        }
        if let (Some(n), Some(card)) = (self.persons.count, self.persons.with_card)
            && card > n
        {
            return Err(DomainError::invalid(
                "persons.with_card",
                format!("{card} is more than the number of persons ({n})"),
            ));
        }
        if let Some(n) = &self.header.corporate_number
            && !n.is_empty()
            && (n.len() != 13 || !n.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(DomainError::invalid(
                "header.corporate_number",
                "a 法人番号 has 13 digits",
            ));
        }
        if let Some(e) = &self.header.contact_email
            && !e.is_empty()
            && !e.contains('@')
        {
            return Err(DomainError::invalid(
                "header.contact_email",
                format!("\"{e}\" is not an e-mail address"),
            ));
        }
        for (field, value, max) in self.texts() {
            if let Some(v) = value {
                if v.chars().count() > max {
                    return Err(DomainError::invalid(
                        field,
                        format!("must be at most {max} characters"),
                    ));
                }
                if v.chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
                {
                    return Err(DomainError::invalid(
                        field,
                        "must not contain control characters",
                    ));
                }
            }
        }
        Ok(opts)
    }

    fn texts(&self) -> [(&'static str, Option<&String>, usize); 27] {
        let h = &self.header;
        let s = &self.summary;
        [
            ("header.reporter_name", h.reporter_name.as_ref(), MAX_SHORT),
            ("header.address", h.address.as_ref(), MAX_SHORT),
            (
                "header.representative",
                h.representative.as_ref(),
                MAX_SHORT,
            ),
            ("header.corporate_number", h.corporate_number.as_ref(), 13),
            ("header.sector", h.sector.as_ref(), MAX_SHORT),
            (
                "header.contact_department",
                h.contact_department.as_ref(),
                MAX_SHORT,
            ),
            ("header.contact_name", h.contact_name.as_ref(), MAX_SHORT),
            ("header.contact_phone", h.contact_phone.as_ref(), 40),
            ("header.contact_email", h.contact_email.as_ref(), 254),
            ("summary.discoverer", s.discoverer.as_ref(), MAX_SHORT),
            (
                "summary.course_of_events",
                s.course_of_events.as_ref(),
                MAX_TEXT,
            ),
            (
                "summary.external_investigation",
                s.external_investigation.as_ref(),
                MAX_TEXT,
            ),
            (
                "data_items.media_other",
                self.data_items.media_other.as_ref(),
                MAX_SHORT,
            ),
            (
                "data_items.kinds_other",
                self.data_items.kinds_other.as_ref(),
                MAX_SHORT,
            ),
            (
                "data_items.items_other",
                self.data_items.items_other.as_ref(),
                MAX_TEXT,
            ),
            (
                "cause.category_other",
                self.cause.category_other.as_ref(),
                MAX_SHORT,
            ),
            (
                "cause.attack_point",
                self.cause.attack_point.as_ref(),
                MAX_TEXT,
            ),
            (
                "cause.attack_method",
                self.cause.attack_method.as_ref(),
                MAX_TEXT,
            ),
            ("cause.details", self.cause.details.as_ref(), MAX_TEXT),
            (
                "secondary_harm.details",
                self.secondary_harm.details.as_ref(),
                MAX_TEXT,
            ),
            (
                "individual_response.details",
                self.individual_response.details.as_ref(),
                MAX_TEXT,
            ),
            (
                "publication.methods_other",
                self.publication.methods_other.as_ref(),
                MAX_SHORT,
            ),
            ("publication.text", self.publication.text.as_ref(), MAX_TEXT),
            ("prevention.done", self.prevention.done.as_ref(), MAX_TEXT),
            (
                "prevention.planned",
                self.prevention.planned.as_ref(),
                MAX_TEXT,
            ),
            ("other", self.other.as_ref(), MAX_TEXT),
            ("form_version", Some(&self.form_version), 40),
        ]
    }

    /// What a 確報 still needs: every matter of 規則8条1項 and the reporter's name and contact.
    /// Empty means the report is complete.
    #[allow(clippy::many_single_char_names)]
    pub fn missing(&self) -> Vec<Missing> {
        let mut out = Vec::new();
        let mut need = |cond: bool, matter: Matter, field: &str, label: &str| {
            if cond {
                out.push(Missing {
                    matter,
                    number: matter.number(),
                    field: field.to_owned(),
                    label_ja: label.to_owned(),
                });
            }
        };
        let h = &self.header;
        need(
            blank(h.reporter_name.as_ref()),
            Matter::Header,
            "header.reporter_name",
            "報告者の氏名又は名称",
        );
        need(
            blank(h.contact_name.as_ref())
                || (blank(h.contact_phone.as_ref()) && blank(h.contact_email.as_ref())),
            Matter::Header,
            "header.contact_name",
            "担当者と連絡先（電話番号又はメールアドレス）",
        );
        let s = &self.summary;
        need(
            s.discovered_on.is_none(),
            Matter::Summary,
            "summary.discovered_on",
            "発覚日",
        );
        need(
            s.incident.is_empty(),
            Matter::Summary,
            "summary.incident",
            "発生事案",
        );
        need(
            s.certainty.is_none(),
            Matter::Summary,
            "summary.certainty",
            "発生したか、おそれか",
        );
        need(
            s.has_entruster.is_none(),
            Matter::Summary,
            "summary.has_entruster",
            "委託元の有無",
        );
        need(
            s.has_entrustee.is_none(),
            Matter::Summary,
            "summary.has_entrustee",
            "委託先の有無",
        );
        need(
            blank(s.course_of_events.as_ref()),
            Matter::Summary,
            "summary.course_of_events",
            "事実経過",
        );
        need(
            s.applicable_items.contains(&3) && blank(s.external_investigation.as_ref()),
            Matter::Summary,
            "summary.external_investigation",
            "外部機関による調査の実施状況（3号に該当する場合）",
        );
        let d = &self.data_items;
        need(
            d.media.is_empty(),
            Matter::DataItems,
            "data_items.media",
            "媒体",
        );
        need(
            d.kinds.is_empty(),
            Matter::DataItems,
            "data_items.kinds",
            "種類",
        );
        need(
            d.items.is_empty(),
            Matter::DataItems,
            "data_items.items",
            "項目",
        );
        need(
            d.items.iter().any(|i| i == "other") && blank(d.items_other.as_ref()),
            Matter::DataItems,
            "data_items.items_other",
            "項目（その他の内容）",
        );
        need(
            self.persons.count.is_none(),
            Matter::Persons,
            "persons.count",
            "人数",
        );
        let c = &self.cause;
        need(c.actor.is_none(), Matter::Cause, "cause.actor", "主体");
        need(
            c.category.is_none(),
            Matter::Cause,
            "cause.category",
            "原因",
        );
        need(
            c.category.as_deref() == Some("unauthorized_access")
                && (blank(c.attack_point.as_ref()) || blank(c.attack_method.as_ref())),
            Matter::Cause,
            "cause.attack_method",
            "攻撃箇所・攻撃手法",
        );
        need(
            blank(c.details.as_ref()),
            Matter::Cause,
            "cause.details",
            "原因の詳細",
        );
        need(
            self.secondary_harm.status.is_none(),
            Matter::SecondaryHarm,
            "secondary_harm.status",
            "二次被害の有無",
        );
        need(
            self.secondary_harm.status.as_deref() == Some("yes")
                && blank(self.secondary_harm.details.as_ref()),
            Matter::SecondaryHarm,
            "secondary_harm.details",
            "二次被害の内容",
        );
        let r = &self.individual_response;
        need(
            r.status.is_none(),
            Matter::IndividualResponse,
            "individual_response.status",
            "本人への対応の実施状況",
        );
        need(
            r.status.is_some() && blank(r.details.as_ref()),
            Matter::IndividualResponse,
            "individual_response.details",
            "本人への対応の詳細（予定なしの場合は理由）",
        );
        let p = &self.publication;
        need(
            p.status.is_none(),
            Matter::Publication,
            "publication.status",
            "公表の実施状況",
        );
        need(
            matches!(p.status.as_deref(), Some("done" | "planned")) && p.date.is_none(),
            Matter::Publication,
            "publication.date",
            "公表日（予定日）",
        );
        need(
            matches!(p.status.as_deref(), Some("done" | "planned")) && p.methods.is_empty(),
            Matter::Publication,
            "publication.methods",
            "公表の方法",
        );
        need(
            blank(self.prevention.done.as_ref()) && blank(self.prevention.planned.as_ref()),
            Matter::Prevention,
            "prevention.done",
            "実施済の措置又は今後実施予定の措置",
        );
        need(
            blank(self.other.as_ref()),
            Matter::Other,
            "other",
            "その他参考となる事項（なければ「特になし」）",
        );
        out
    }

    /// The content as `path → value` pairs (leaves of its JSON), for diffs.
    pub fn flatten(&self) -> BTreeMap<String, serde_json::Value> {
        let mut out = BTreeMap::new();
        flatten_into(
            "",
            &serde_json::to_value(self).unwrap_or_default(),
            &mut out,
        );
        out
    }
}

fn unknown_option(field: &str, v: &str, list: &[FormOption]) -> DomainError {
    let codes: Vec<&str> = list.iter().map(|o| o.code.as_str()).collect();
    DomainError::invalid(
        field,
        format!("unknown option \"{v}\" (one of: {})", codes.join(", ")),
    )
}

fn flatten_into(
    prefix: &str,
    v: &serde_json::Value,
    out: &mut BTreeMap<String, serde_json::Value>,
) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten_into(&path, v, out);
            }
        }
        // Lists (items, incident codes…) compare as a whole: a field changed or it did not.
        other => {
            out.insert(prefix.to_owned(), other.clone());
        }
    }
}

/// One changed field between two versions.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// e.g. `persons.count`.
    pub field: String,
    /// 1–9, or 0 for the header and the form version.
    pub matter: u8,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// The fields that differ between `before` and `after`, in field order. An empty value (null,
/// "", []) counts as absent.
pub fn diff(before: &ReportContent, after: &ReportContent) -> Vec<FieldChange> {
    let a = before.flatten();
    let b = after.flatten();
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let null = serde_json::Value::Null;
    let norm = |v: &serde_json::Value| -> serde_json::Value {
        match v {
            serde_json::Value::String(s) if s.is_empty() => serde_json::Value::Null,
            serde_json::Value::Array(a) if a.is_empty() => serde_json::Value::Null,
            other => other.clone(),
        }
    };
    keys.into_iter()
        .filter_map(|k| {
            let x = norm(a.get(k).unwrap_or(&null));
            let y = norm(b.get(k).unwrap_or(&null));
            (x != y).then(|| FieldChange {
                matter: matter_of(k),
                field: k.clone(),
                before: x,
                after: y,
            })
        })
        .collect()
}

fn matter_of(field: &str) -> u8 {
    let top = field.split('.').next().unwrap_or(field);
    match top {
        "summary" => 1,
        "data_items" => 2,
        "persons" => 3,
        "cause" => 4,
        "secondary_harm" => 5,
        "individual_response" => 6,
        "publication" => 7,
        "prevention" => 8,
        "other" => 9,
        _ => 0,
    }
}

/// A submission id.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SubmissionId(pub Uuid);

impl SubmissionId {
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }
}
impl Default for SubmissionId {
    fn default() -> Self {
        Self::new()
    }
}
impl fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
impl FromStr for SubmissionId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// The working copy of a case's report. Never seen by the regulator.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDraft {
    pub case_id: CaseId,
    pub org_id: OrgId,
    pub content: ReportContent,
    /// Starts at 1; every save names the version it read.
    pub version: i64,
    pub updated_at: Timestamp,
    pub updated_by: Option<UserId>,
}

/// A submitted version of a report: immutable, superseded only by the next one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub id: SubmissionId,
    pub case_id: CaseId,
    /// The reporting operator.
    pub org_id: OrgId,
    /// The regulator it was sent to.
    pub to_org: OrgId,
    /// 1, 2, 3… per case.
    pub seq: i64,
    pub stage: ReportStage,
    pub content: ReportContent,
    /// The determination it was based on.
    pub determination_seq: i64,
    pub law_version: String,
    /// 規則7条 / 43条 items of that determination.
    pub items: Vec<u8>,
    pub persons: Option<u64>,
    /// The cause code of the content (`cause.category`), for the inbox filters.
    pub cause: Option<String>,
    /// The sector of the header (`header.sector`), for the inbox filters.
    pub sector: Option<String>,
    /// 確報 due date of that determination.
    pub final_report_due: Option<Date>,
    pub submitted_at: Timestamp,
    pub submitted_by: UserId,
    /// The client's `Idempotency-Key`, unique per organisation.
    pub idempotency_key: Option<String>,
    pub acknowledged_at: Option<Timestamp>,
    pub acknowledged_by: Option<UserId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_options_parse_and_end_with_other() {
        let o = FormOptions::get(CURRENT_FORM_VERSION).unwrap();
        assert_eq!(o.version, CURRENT_FORM_VERSION);
        for list in [
            &o.media,
            &o.kinds,
            &o.items,
            &o.cause,
            &o.publication_method,
        ] {
            assert_eq!(list.last().unwrap().code, "other");
        }
    }

    fn complete() -> ReportContent {
        let mut c = ReportContent::empty();
        c.header.reporter_name = Some("株式会社例".into());
        c.header.contact_name = Some("山田".into());
        c.header.contact_phone = Some("03-0000-0000".into());
        c.summary.discovered_on = Some(jiff::civil::date(2026, 11, 2));
        c.summary.incident = vec!["leak".into()];
        c.summary.certainty = Some("suspected".into());
        c.summary.has_entruster = Some(false);
        c.summary.has_entrustee = Some(false);
        c.summary.course_of_events = Some("11月2日に発覚".into());
        c.data_items.media = vec!["electronic".into()];
        c.data_items.kinds = vec!["customer".into()];
        c.data_items.items = vec!["name".into(), "email".into()];
        c.persons.count = Some(1200);
        c.cause.actor = Some("reporter".into());
        c.cause.category = Some("missending".into());
        c.cause.details = Some("宛先の誤り".into());
        c.secondary_harm.status = Some("no".into());
        c.individual_response.status = Some("done".into());
        c.individual_response.details = Some("通知済み".into());
        c.publication.status = Some("none".into());
        c.prevention.done = Some("二重確認".into());
        c.other = Some("特になし".into());
        c
    }

    #[test]
    fn a_complete_report_misses_nothing_and_an_empty_one_misses_every_matter() {
        assert_eq!(complete().missing(), vec![]);
        let numbers: std::collections::BTreeSet<u8> = ReportContent::empty()
            .missing()
            .iter()
            .map(|m| m.number)
            .collect();
        assert_eq!(numbers, (0..=9).collect());
    }

    #[test]
    fn item3_needs_the_investigation_and_the_attack() {
        let mut c = complete();
        c.summary.applicable_items = vec![3];
        c.cause.category = Some("unauthorized_access".into());
        let fields: Vec<String> = c.missing().into_iter().map(|m| m.field).collect();
        assert_eq!(
            fields,
            ["summary.external_investigation", "cause.attack_method"]
        );
    }

    #[test]
    fn unknown_options_name_the_field_and_the_choices() {
        let mut c = complete();
        c.data_items.items.push("shoe_size".into());
        let e = c.validate().unwrap_err().to_string();
        assert!(
            e.starts_with("data_items.items[2]: unknown option \"shoe_size\""),
            "{e}"
        );
        let mut c = complete();
        c.form_version = "final-2022".into();
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .starts_with("form_version:")
        );
        let mut c = complete();
        c.persons.with_card = Some(5000);
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .starts_with("persons.with_card:")
        );
    }

    #[test]
    fn diff_lists_changed_fields_with_their_matter() {
        let a = complete();
        let mut b = complete();
        b.persons.count = Some(1300);
        b.other = Some(String::new());
        b.summary.external_investigation = Some(String::new());
        let d = diff(&a, &b);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].field, "other");
        assert_eq!(d[0].matter, 9);
        assert_eq!(d[1].field, "persons.count");
        assert_eq!(d[1].before, serde_json::json!(1200));
        assert_eq!(d[1].after, serde_json::json!(1300));
        assert!(diff(&a, &a).is_empty());
    }

    #[test]
    fn unknown_json_fields_are_refused() {
        let e = serde_json::from_value::<ReportContent>(serde_json::json!({
            "form_version": "draft-2020-12", "persons": {"cuont": 3}
        }))
        .unwrap_err()
        .to_string();
        assert!(e.contains("cuont"), "{e}");
    }
}
