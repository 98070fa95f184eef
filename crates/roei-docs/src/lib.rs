//! roei-docs — the documents people print, typeset with typst (the only crate that depends on
//! it):
//!
//! * the report (速報 / 確報 / 追完) laid out like 別記様式第一 ([`report`]);
//! * the notice to individuals (本人への通知) as a letter and as a plain-text e-mail, the
//!   entrustee's notice to its entruster (委託元への通知) and the public announcement draft
//!   (公表文) ([`letters`]).
//!
//! The input is [`CaseDocument`] (docs/documents.md). The templates (`templates/*.typ`) read
//! it as JSON data, never as markup, so user text cannot change the layout. The fonts (IPAex
//! 明朝・ゴシック) are compiled in and embedded in every PDF. Output is PDF/A-2b and
//! deterministic: the document id and the creation date come from the input.
//!
//! Characters no font can show (emoji, rare kanji outside IPAex) are printed as 〓 and listed in
//! [`Rendered::missing_glyphs`]; they never make rendering fail.

pub mod input;
pub mod letters;
pub mod report;
pub mod text;
mod world;

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use roei_domain::report::{Missing, ReportStage};
use serde::Serialize;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

pub use input::{CaseDocument, Enquiry, Entruster, NoticeDetails};
pub use world::covered;

/// Printed instead of a character no font has (下駄記号, the typesetter's placeholder).
pub const REPLACEMENT: char = '〓';

/// The documents roei renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// 漏えい等報告 (別記様式第一).
    Report,
    /// 本人への通知 (letter, PDF).
    Notice,
    /// 本人への通知 (plain-text e-mail).
    NoticeEmail,
    /// 委託元への通知.
    EntrusterNotice,
    /// 公表文 (draft).
    Announcement,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::Report,
        DocumentKind::Notice,
        DocumentKind::NoticeEmail,
        DocumentKind::EntrusterNotice,
        DocumentKind::Announcement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Report => "report",
            DocumentKind::Notice => "notice",
            DocumentKind::NoticeEmail => "notice-email",
            DocumentKind::EntrusterNotice => "entruster-notice",
            DocumentKind::Announcement => "announcement",
        }
    }

    pub fn ja(self) -> &'static str {
        match self {
            DocumentKind::Report => "漏えい等報告書",
            DocumentKind::Notice => "本人への通知",
            DocumentKind::NoticeEmail => "本人への通知（メール）",
            DocumentKind::EntrusterNotice => "委託元への通知",
            DocumentKind::Announcement => "公表文（案）",
        }
    }

    /// Plain text (the e-mail) rather than a PDF.
    pub fn is_text(self) -> bool {
        self == DocumentKind::NoticeEmail
    }

    /// The file name extension of the output.
    pub fn extension(self) -> &'static str {
        if self.is_text() { "txt" } else { "pdf" }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DocumentKind {
    type Err = DocsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| DocsError::Invalid {
                field: "kind".into(),
                problem: format!(
                    "unknown document \"{s}\" (report, notice, notice-email, entruster-notice or announcement)"
                ),
            })
    }
}

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    /// The input is wrong: names the field.
    #[error("{field}: {problem}")]
    Invalid { field: String, problem: String },
    /// A 確報 or 追完 that lacks required matters (a 速報 renders with 未確定 instead).
    #[error("{}", incomplete_message(*.stage, .missing))]
    Incomplete {
        stage: ReportStage,
        missing: Vec<Missing>,
    },
    /// typst failed (a bug in a template: the data cannot cause it).
    #[error("typesetting failed: {0}")]
    Typeset(String),
}

fn incomplete_message(stage: ReportStage, missing: &[Missing]) -> String {
    let list: Vec<String> = missing
        .iter()
        .map(|m| {
            let matter = if m.number == 0 {
                "報告者".to_owned()
            } else {
                format!("({})", m.number)
            };
            format!("{matter} {} [{}]", m.label_ja, m.field)
        })
        .collect();
    format!(
        "a {} ({stage}) needs every matter of 規則8条1項; missing {}: {}",
        stage.ja(),
        missing.len(),
        list.join("; ")
    )
}

/// A rendered document.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub kind: DocumentKind,
    /// The PDF, or the UTF-8 text of the e-mail.
    pub bytes: Vec<u8>,
    /// Characters no font could show, printed as 〓 (each once, by code point).
    pub missing_glyphs: Vec<char>,
}

impl Rendered {
    pub fn content_type(&self) -> &'static str {
        if self.kind.is_text() {
            "text/plain; charset=utf-8"
        } else {
            "application/pdf"
        }
    }

    /// A warning line for the user, when characters were replaced.
    pub fn warning(&self) -> Option<String> {
        if self.missing_glyphs.is_empty() {
            return None;
        }
        let list: Vec<String> = self
            .missing_glyphs
            .iter()
            .map(|c| format!("{c} (U+{:04X})", u32::from(*c)))
            .collect();
        Some(format!(
            "characters not in the fonts, printed as {REPLACEMENT}: {}",
            list.join(", ")
        ))
    }
}

/// Renders `kind` from `doc`.
pub fn render(kind: DocumentKind, doc: &CaseDocument) -> Result<Rendered, DocsError> {
    let opts = doc.report.validate().map_err(|e| match e {
        roei_domain::DomainError::Invalid { field, problem } => DocsError::Invalid {
            field: format!("report.{field}"),
            problem,
        },
        other => DocsError::Invalid {
            field: "report".into(),
            problem: other.to_string(),
        },
    })?;
    match kind {
        DocumentKind::Report => {
            let stage = doc.stage();
            if stage != ReportStage::QuickReport {
                let missing = doc.report.missing();
                if !missing.is_empty() {
                    return Err(DocsError::Incomplete { stage, missing });
                }
            }
            pdf(kind, "/report.typ", &report::view(doc, opts), doc)
        }
        DocumentKind::Notice => pdf(kind, "/letter.typ", &letters::notice(doc, opts), doc),
        DocumentKind::EntrusterNotice => {
            if doc
                .entruster
                .as_ref()
                .is_none_or(|e| e.name.trim().is_empty())
            {
                return Err(DocsError::Invalid {
                    field: "entruster.name".into(),
                    problem: "the entruster notice needs the entruster's name".into(),
                });
            }
            pdf(
                kind,
                "/letter.typ",
                &letters::entruster_notice(doc, opts),
                doc,
            )
        }
        DocumentKind::Announcement => {
            pdf(kind, "/letter.typ", &letters::announcement(doc, opts), doc)
        }
        DocumentKind::NoticeEmail => {
            // The e-mail is read in the recipient's own fonts: nothing is replaced.
            let text = letters::email_text(&letters::notice(doc, opts));
            Ok(Rendered {
                kind,
                bytes: text.into_bytes(),
                missing_glyphs: Vec::new(),
            })
        }
    }
}

/// Replaces, in every string of `v`, the characters no font has with 〓 and drops variation
/// selectors and zero-width joiners (their base character is shown); collects the replaced ones.
fn sanitize(v: &mut serde_json::Value, missing: &mut Vec<char>) {
    match v {
        serde_json::Value::String(s) => {
            if s.chars().all(|c| c.is_ascii() || world::covered(c)) {
                return;
            }
            let mut out = String::with_capacity(s.len());
            for c in s.chars() {
                if c.is_ascii() || world::covered(c) {
                    out.push(c);
                } else if matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{200D}')
                {
                } else {
                    if !missing.contains(&c) {
                        missing.push(c);
                    }
                    out.push(REPLACEMENT);
                }
            }
            *s = out;
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| sanitize(x, missing)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| sanitize(x, missing)),
        _ => {}
    }
}

fn pdf<T: Serialize>(
    kind: DocumentKind,
    template: &str,
    view: &T,
    doc: &CaseDocument,
) -> Result<Rendered, DocsError> {
    let mut data = serde_json::to_value(view).map_err(|e| DocsError::Typeset(e.to_string()))?;
    let mut missing = Vec::new();
    sanitize(&mut data, &mut missing);
    missing.sort_unstable();
    let world = world::DocWorld::new(template, data.to_string().into_bytes(), doc.issued_on);
    let document: PagedDocument = typst::compile(&world)
        .output
        .map_err(|errs| DocsError::Typeset(diagnostics(&errs)))?;
    let date = doc.issued_on;
    let timestamp = Datetime::from_ymd_hms(
        i32::from(date.year()),
        u8::try_from(date.month()).unwrap_or(1),
        u8::try_from(date.day()).unwrap_or(1),
        0,
        0,
        0,
    )
    .and_then(|d| Timestamp::new_local(d, 9 * 60));
    let options = PdfOptions {
        ident: Smart::Custom(doc.id()),
        timestamp,
        standards: PdfStandards::new(&[PdfStandard::A_2b])
            .map_err(|e| DocsError::Typeset(e.message().to_string()))?,
        ..PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options)
        .map_err(|errs| DocsError::Typeset(diagnostics(&errs)))?;
    // Keep typst's memoisation cache from growing without bound in a long-running server.
    comemo::evict(30);
    Ok(Rendered {
        kind,
        bytes,
        missing_glyphs: missing,
    })
}

fn diagnostics(errs: &[typst::diag::SourceDiagnostic]) -> String {
    errs.iter()
        .map(|e| e.message.to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join("; ")
}
