//! Golden tests: every document rendered from the example case files (examples/documents/),
//! its text (`pdftotext -layout`) snapshot-tested, its pages and embedded fonts checked
//! (`pdfinfo`, `pdffonts`; Debian poppler-utils), its bytes the same on every run.

use std::path::{Path, PathBuf};
use std::process::Command;

use roei_docs::{CaseDocument, DocsError, DocumentKind, render};

fn example(name: &str) -> CaseDocument {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/documents")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    CaseDocument::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!("{name} did not run ({e}): install Debian's poppler-utils (scripts/test does)")
        });
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

struct Checked {
    text: String,
    pages: usize,
}

/// Writes the PDF, checks the fonts and the PDF/A marker, returns its text and page count.
fn check_pdf(bytes: &[u8], dir: &Path, name: &str) -> Checked {
    assert!(bytes.starts_with(b"%PDF-"), "{name} is not a PDF");
    let path: PathBuf = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, bytes).unwrap();
    let fonts = tool("pdffonts", &[], &path);
    for family in ["IPAexMincho", "IPAexGothic"] {
        let line = fonts
            .lines()
            .find(|l| l.contains(family))
            .unwrap_or_else(|| panic!("{name}: {family} not in the PDF:\n{fonts}"));
        // columns: name type encoding emb sub uni
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            cols[cols.len() - 5],
            "yes",
            "{name}: {family} not embedded:\n{fonts}"
        );
    }
    assert!(
        !fonts
            .lines()
            .skip(2)
            .any(|l| l.split_whitespace().rev().nth(4) == Some("no")),
        "{name}: a font is not embedded:\n{fonts}"
    );
    let hay = String::from_utf8_lossy(bytes);
    assert!(
        hay.contains("pdfaid:part>2<") && hay.contains("pdfaid:conformance>B<"),
        "{name}: not marked PDF/A-2b"
    );
    let info = tool("pdfinfo", &[], &path);
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    Checked {
        text: tool("pdftotext", &["-layout"], &path),
        pages,
    }
}

fn golden(kind: DocumentKind, file: &str, snapshot: &str, pages: usize) {
    let doc = example(file);
    let a = render(kind, &doc).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(a.missing_glyphs.is_empty(), "{:?}", a.missing_glyphs);
    let b = render(kind, &doc).unwrap();
    assert!(
        a.bytes == b.bytes,
        "{snapshot}: two renderings of the same input differ"
    );
    let dir = tempfile::tempdir().unwrap();
    let c = check_pdf(&a.bytes, dir.path(), snapshot);
    assert_eq!(c.pages, pages, "{snapshot}: pages\n{}", c.text);
    insta::assert_snapshot!(snapshot, c.text);
}

#[test]
fn the_quick_report_marks_what_is_not_known_yet() {
    golden(DocumentKind::Report, "report-quick.json", "report_quick", 2);
}

#[test]
fn the_final_report() {
    golden(DocumentKind::Report, "report-final.json", "report_final", 3);
}

#[test]
fn the_notice_letter() {
    golden(DocumentKind::Notice, "notice.json", "notice", 2);
}

#[test]
fn the_entruster_notice() {
    golden(
        DocumentKind::EntrusterNotice,
        "entruster-notice.json",
        "entruster_notice",
        2,
    );
}

#[test]
fn the_announcement() {
    golden(
        DocumentKind::Announcement,
        "announcement.json",
        "announcement",
        2,
    );
}

#[test]
fn the_notice_email() {
    let r = render(DocumentKind::NoticeEmail, &example("notice.json")).unwrap();
    assert_eq!(r.content_type(), "text/plain; charset=utf-8");
    insta::assert_snapshot!("notice_email", String::from_utf8(r.bytes).unwrap());
}

#[test]
fn the_document_id_and_the_date_come_from_the_input() {
    let mut doc = example("report-final.json");
    let a = render(DocumentKind::Report, &doc).unwrap().bytes;
    let dir = tempfile::tempdir().unwrap();
    assert!(
        check_pdf(&a, dir.path(), "a")
            .text
            .contains("文書番号：MT-2026-047")
    );
    doc.issued_on = jiff::civil::date(2026, 12, 15);
    let b = render(DocumentKind::Report, &doc).unwrap().bytes;
    assert_ne!(a, b, "the date is printed and is the creation date");
    let path = dir.path().join("b.pdf");
    std::fs::write(&path, &b).unwrap();
    let info = tool("pdfinfo", &["-isodates"], &path);
    assert!(info.contains("2026-12-15T00:00:00+09"), "{info}");
    // Without a document id, one is derived from the input: still the same bytes every time.
    doc.document_id = None;
    assert_eq!(doc.id(), doc.clone().id());
    assert!(doc.id().starts_with("roei-2026-12-15-"));
    assert_eq!(
        render(DocumentKind::Report, &doc).unwrap().bytes,
        render(DocumentKind::Report, &doc).unwrap().bytes
    );
}

#[test]
fn a_final_report_with_missing_matters_is_refused_with_the_list() {
    let mut doc = example("report-quick.json");
    doc.stage = Some(roei_domain::report::ReportStage::FinalReport);
    let err = render(DocumentKind::Report, &doc).unwrap_err();
    let DocsError::Incomplete { missing, .. } = &err else {
        panic!("{err}")
    };
    let fields: Vec<&str> = missing.iter().map(|m| m.field.as_str()).collect();
    assert!(fields.contains(&"summary.has_entruster"), "{fields:?}");
    assert!(fields.contains(&"other"), "{fields:?}");
    insta::assert_snapshot!("final_missing", err.to_string());
    // The same content as a 追完 is refused too; as a 速報 it renders.
    doc.stage = Some(roei_domain::report::ReportStage::Supplement);
    assert!(matches!(
        render(DocumentKind::Report, &doc),
        Err(DocsError::Incomplete { .. })
    ));
    doc.stage = Some(roei_domain::report::ReportStage::QuickReport);
    assert!(render(DocumentKind::Report, &doc).is_ok());
}

#[test]
fn characters_outside_the_fonts_are_replaced_and_reported() {
    let mut doc = example("notice.json");
    // 𠮷 (U+20BB7) is a JIS X 0213 kanji outside IPAex; 😀 an emoji; ❤️ has a variation selector.
    doc.report.header.representative = Some("代表取締役　𠮷田 一郎 😀".into());
    doc.notice.summary = Some("ご不便をおかけします❤️。".into());
    let r = render(DocumentKind::Notice, &doc).unwrap();
    assert_eq!(r.missing_glyphs, vec!['❤', '😀', '𠮷']);
    let w = r.warning().unwrap();
    assert!(w.contains("U+20BB7") && w.contains("U+1F600"), "{w}");
    let dir = tempfile::tempdir().unwrap();
    let c = check_pdf(&r.bytes, dir.path(), "glyphs");
    assert!(c.text.contains("〓田 一郎 〓"), "{}", c.text);
    // The e-mail is read in the recipient's fonts: kept as typed.
    let mail = render(DocumentKind::NoticeEmail, &doc).unwrap();
    assert!(
        String::from_utf8(mail.bytes)
            .unwrap()
            .contains("𠮷田 一郎 😀")
    );
    assert!(mail.missing_glyphs.is_empty());
}

#[test]
fn user_text_is_printed_as_text_never_as_markup() {
    let mut doc = example("report-quick.json");
    let evil = "#set page(width: 1cm) *太字* $x^2$ ] [ \\ // コメント #panic(\"x\") <label> @ref";
    doc.report.summary.course_of_events = Some(evil.into());
    doc.report.header.reporter_name = Some("\"); #panic(\"x\"); (\"".into());
    let r = render(DocumentKind::Report, &doc).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let c = check_pdf(&r.bytes, dir.path(), "markup");
    let flat: String = c.text.split_whitespace().collect();
    let want: String = evil.split_whitespace().collect();
    assert!(flat.contains(&want), "{}", c.text);
    assert!(flat.contains("\");#panic(\"x\");(\""), "{}", c.text);
}

#[test]
fn bad_input_names_the_field() {
    let e = CaseDocument::from_json(r#"{"issued_on": "2026-11-22", "report": {"form_version": "draft-2020-12", "persons": {"count": "many"}}}"#)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("report.persons.count: "), "{e}");
    let e = CaseDocument::from_json(
        r#"{"issued_on": "2026-11-22", "report": {"form_version": "draft-2020-12"}, "colour": 1}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("colour"), "{e}");
    let mut doc = example("report-quick.json");
    doc.report.cause.category = Some("gremlins".into());
    let e = render(DocumentKind::Report, &doc).unwrap_err().to_string();
    assert!(
        e.starts_with("report.cause.category: unknown option \"gremlins\""),
        "{e}"
    );
    let doc = example("notice.json");
    let e = render(DocumentKind::EntrusterNotice, &doc)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("entruster.name:"), "{e}");
}

#[test]
fn public_bodies_get_the_items_of_rule_43() {
    let mut doc = example("report-final.json");
    doc.regime = roei_law::Regime::LocalPublic;
    let r = render(DocumentKind::Report, &doc).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let c = check_pdf(&r.bytes, dir.path(), "public");
    assert!(c.text.contains("規則第43条各号該当性"), "{}", c.text);
    assert!(c.text.contains("本人の数が百人を超える"), "{}", c.text);
    assert!(c.text.contains("条例要配慮個人情報"), "{}", c.text);
    assert!(c.text.contains("保有個人情報の項目"), "{}", c.text);
}
