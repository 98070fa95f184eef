//! `roei render KIND --input case.json --output FILE`: the documents of roei-docs from a case
//! file (docs/documents.md).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use roei_docs::{CaseDocument, DocsError, DocumentKind};

use crate::BadInput;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// 漏えい等報告書 (速報 / 確報 / 追完, by `stage`), PDF.
    Report,
    /// 本人への通知 (letter), PDF.
    Notice,
    /// 本人への通知 as a plain-text e-mail (UTF-8).
    NoticeEmail,
    /// 委託元への通知, PDF.
    EntrusterNotice,
    /// 公表文 (draft), PDF.
    Announcement,
}

impl From<Kind> for DocumentKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Report => DocumentKind::Report,
            Kind::Notice => DocumentKind::Notice,
            Kind::NoticeEmail => DocumentKind::NoticeEmail,
            Kind::EntrusterNotice => DocumentKind::EntrusterNotice,
            Kind::Announcement => DocumentKind::Announcement,
        }
    }
}

#[derive(Args, Debug)]
pub struct RenderArgs {
    /// Which document.
    #[arg(value_enum)]
    pub kind: Kind,
    /// The case file (JSON, docs/documents.md), or `-` for standard input.
    #[arg(long)]
    pub input: String,
    /// Where to write the PDF (the text for notice-email), or `-` for standard output.
    #[arg(long)]
    pub output: PathBuf,
}

pub fn render(args: &RenderArgs) -> anyhow::Result<ExitCode> {
    let text = if args.input == "-" {
        std::io::read_to_string(std::io::stdin()).context("reading standard input")?
    } else {
        std::fs::read_to_string(&args.input)
            .map_err(|e| BadInput(format!("--input {}: {e}", args.input)))?
    };
    let doc = CaseDocument::from_json(&text).map_err(|e| BadInput(e.to_string()))?;
    let rendered = roei_docs::render(args.kind.into(), &doc).map_err(|e| match e {
        DocsError::Invalid { .. } | DocsError::Incomplete { .. } => {
            anyhow::Error::new(BadInput(e.to_string()))
        }
        DocsError::Typeset(_) => anyhow::Error::new(e),
    })?;
    if let Some(w) = rendered.warning() {
        eprintln!("warning: {w}");
    }
    if args.output.as_os_str() == "-" {
        use std::io::Write as _;
        std::io::stdout().write_all(&rendered.bytes)?;
    } else {
        std::fs::write(&args.output, &rendered.bytes)
            .with_context(|| format!("writing {}", args.output.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}
