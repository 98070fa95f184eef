//! The input of every document (`case.json`, docs/documents.md): the report content of
//! roei-domain plus what a letter needs beyond the report — its date and number, the addressee,
//! the enquiry desk, the entruster.

use jiff::civil::Date;
use roei_domain::report::{ReportContent, ReportStage};
use roei_law::Regime;
use serde::{Deserialize, Serialize};

use crate::DocsError;

/// One case's documents: the report content and the details the letters need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDocument {
    /// Printed as 文書番号 and written as the PDF's document id. Default: derived from the
    /// input, so the same input always gives the same bytes.
    #[serde(default)]
    pub document_id: Option<String>,
    /// 作成日 (報告年月日 on the report): also the PDF's creation date.
    pub issued_on: Date,
    /// Which statute: `private` (規則7条) or `national_public` / `local_public` (規則43条).
    #[serde(default)]
    pub regime: Regime,
    /// The report's stage (`quick_report`, `final_report`, `supplement`); report only.
    #[serde(default)]
    pub stage: Option<ReportStage>,
    /// The report's addressee. Default: 個人情報保護委員会.
    #[serde(default)]
    pub addressee: Option<String>,
    /// The header and the nine matters (roei-domain's `ReportContent`).
    pub report: ReportContent,
    /// Details of the notice to individuals and of the announcement.
    #[serde(default)]
    pub notice: NoticeDetails,
    /// The entruster (委託元), for the entrustee's notice.
    #[serde(default)]
    pub entruster: Option<Entruster>,
}

/// What the notice to individuals (and the announcement) needs beyond the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NoticeDetails {
    /// The addressee: a person's name (「様」 is added) or, by default, 「お客様各位」.
    pub recipient_name: Option<String>,
    /// How the letter calls the individuals. Default: 「お客様」 when the data is customer
    /// information (or its kind is not given), otherwise 「ご本人様」.
    pub person_term: Option<String>,
    /// The course of events worded for the individuals and the public (polite style), used by
    /// the notice and the announcement instead of the report's 事実経過.
    pub summary: Option<String>,
    /// What the individuals can do themselves (matter 9 of the notice). Default: advice chosen
    /// by the data items (e-mail, phone, card, password).
    pub self_protection: Vec<String>,
    /// The enquiry desk. Default: the report's contact person.
    pub enquiry: Option<Enquiry>,
}

/// An enquiry desk (お問い合わせ窓口).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Enquiry {
    /// e.g. 「個人情報お問い合わせ窓口」.
    pub desk: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// e.g. 「平日 9時〜17時（土日祝日・年末年始を除く）」.
    pub hours: Option<String>,
    pub url: Option<String>,
}

/// The entruster a 委託先 notifies (法26条1項ただし書, 規則9条).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entruster {
    /// The organisation (「御中」 is added).
    pub name: String,
    /// A department or person to address, e.g. 「個人情報保護管理者 様」.
    #[serde(default)]
    pub attention: Option<String>,
    /// When the entrustee learned of the situation.
    #[serde(default)]
    pub known_on: Option<Date>,
}

impl CaseDocument {
    /// Parses `case.json`; an error names the field (`report.persons.count: invalid type…`).
    pub fn from_json(text: &str) -> Result<Self, DocsError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            DocsError::Invalid {
                field: if path == "." { "input".into() } else { path },
                problem: e.into_inner().to_string(),
            }
        })
    }

    /// The document id: the given one, or one derived from the input (FNV-1a of its JSON).
    pub fn id(&self) -> String {
        if let Some(id) = self.document_id.as_ref().filter(|s| !s.trim().is_empty()) {
            return id.clone();
        }
        let json = serde_json::to_vec(self).unwrap_or_default();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in json {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("roei-{}-{h:016x}", self.issued_on)
    }

    /// The stage of the report: the given one or 速報.
    pub fn stage(&self) -> ReportStage {
        self.stage.unwrap_or(ReportStage::QuickReport)
    }
}
