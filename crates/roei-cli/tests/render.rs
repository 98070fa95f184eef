//! `roei render` on the real binary in temp dirs: every document from the examples
//! (examples/documents/), the exit statuses and messages of bad input, characters outside the
//! fonts, standard input and output.

mod common;

use std::path::{Path, PathBuf};

use common::{roei, run, stderr};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/documents")
        .join(name)
}

fn render(dir: &Path, kind: &str, input: &Path, output: &str) -> std::process::Output {
    let mut c = roei(dir);
    c.args(["render", kind, "--input"])
        .arg(input)
        .args(["--output", output]);
    run(c, None)
}

#[test]
fn every_document_renders_from_its_example() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, file, out) in [
        ("report", "report-quick.json", "quick.pdf"),
        ("report", "report-final.json", "final.pdf"),
        ("notice", "notice.json", "notice.pdf"),
        ("notice-email", "notice.json", "notice.txt"),
        ("entruster-notice", "entruster-notice.json", "entruster.pdf"),
        ("announcement", "announcement.json", "announcement.pdf"),
    ] {
        let o = render(dir.path(), kind, &example(file), out);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{kind}");
        let bytes = std::fs::read(dir.path().join(out)).unwrap();
        if kind == "notice-email" {
            let text = String::from_utf8(bytes).unwrap();
            assert!(
                text.starts_with(
                    "件名：【重要】個人情報の漏えいのおそれに関するお詫びとお知らせ\n"
                ),
                "{text}"
            );
            assert!(text.contains("■6　お問い合わせ窓口"), "{text}");
        } else {
            assert!(bytes.starts_with(b"%PDF-"), "{kind}");
            assert!(bytes.len() > 20_000, "{kind}: fonts embedded");
        }
    }
    // The same input twice: the same bytes.
    let o = render(
        dir.path(),
        "report",
        &example("report-final.json"),
        "again.pdf",
    );
    assert!(o.status.success());
    assert_eq!(
        std::fs::read(dir.path().join("final.pdf")).unwrap(),
        std::fs::read(dir.path().join("again.pdf")).unwrap()
    );
}

#[test]
fn a_final_report_missing_matters_exits_2_listing_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example("report-quick.json")).unwrap())
            .unwrap();
    doc["stage"] = "final_report".into();
    let input = dir.path().join("case.json");
    std::fs::write(&input, doc.to_string()).unwrap();
    let o = render(dir.path(), "report", &input, "out.pdf");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.starts_with("error: a 確報 (final_report) needs every matter of 規則8条1項; missing 7: (1) 委託元の有無 [summary.has_entruster];"),
        "{e}"
    );
    assert!(e.contains("[other]"), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(!dir.path().join("out.pdf").exists(), "nothing written");
}

#[test]
fn bad_input_exits_2_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("case.json");
    std::fs::write(
        &input,
        r#"{"issued_on": "2026-11-31", "report": {"form_version": "draft-2020-12"}}"#,
    )
    .unwrap();
    let o = render(dir.path(), "notice", &input, "out.pdf");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: issued_on: "),
        "{}",
        stderr(&o)
    );

    let o = render(
        dir.path(),
        "report",
        &dir.path().join("nope.json"),
        "out.pdf",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error: --input "), "{}", stderr(&o));

    let o = render(
        dir.path(),
        "entruster-notice",
        &example("notice.json"),
        "out.pdf",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: entruster.name: "),
        "{}",
        stderr(&o)
    );

    let mut c = roei(dir.path());
    c.args(["render", "invoice", "--input", "x", "--output", "y"]);
    let o = run(c, None);
    assert_eq!(o.status.code(), Some(2), "clap refuses an unknown kind");
    assert!(
        stderr(&o).contains("invalid value 'invoice'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn characters_outside_the_fonts_warn_and_render() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example("announcement.json")).unwrap())
            .unwrap();
    doc["report"]["header"]["representative"] = "代表取締役　𠮷田 一郎 🙇".into();
    let mut c = roei(dir.path());
    c.args(["render", "announcement", "--input", "-", "--output", "-"]);
    let o = run(c, Some(&doc.to_string()));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.starts_with(b"%PDF-"));
    assert_eq!(
        stderr(&o),
        "warning: characters not in the fonts, printed as 〓: 🙇 (U+1F647), 𠮷 (U+20BB7)\n"
    );
}
