//! The words of the document downloads (templates/documents.html, the PDF links of the case
//! page and the report history). The downloads themselves are `/api/v1` routes
//! ([`crate::api_documents`]): the session cookie authenticates a plain link.

pub(crate) const TEXT: &[(&str, &str, &str)] = &[
    ("docs.title", "印刷用の書面", "Documents to print"),
    (
        "docs.hint",
        "下書きの内容から作成します（PDF）。空欄は「未確定」「調査中」と表示されます。",
        "Made from the current draft (PDF). Empty fields read 未確定 / 調査中.",
    ),
    (
        "docs.report",
        "報告書のプレビュー（速報）",
        "Report preview (quick report)",
    ),
    (
        "docs.notice",
        "本人への通知（書面）",
        "Notice to individuals (letter)",
    ),
    (
        "docs.notice_email",
        "本人への通知（メール文面）",
        "Notice to individuals (e-mail text)",
    ),
    (
        "docs.entruster_notice",
        "委託元への通知",
        "Notice to the entruster",
    ),
    (
        "docs.announcement",
        "公表文（案）",
        "Public announcement (draft)",
    ),
    ("docs.pdf", "PDF", "PDF"),
    (
        "docs.submission_pdf",
        "提出した報告書（PDF）",
        "The report as submitted (PDF)",
    ),
];
