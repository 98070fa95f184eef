//! Render time per document after warm-up (divan): each example of examples/documents/.
//! `cargo bench -p roei-docs --bench render`; scripts/bench-docs runs it beside LibreOffice.

use roei_docs::{CaseDocument, DocumentKind, render};

fn main() {
    divan::main();
}

fn doc(name: &str) -> CaseDocument {
    let path = format!(
        "{}/../../examples/documents/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    CaseDocument::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[divan::bench(args = [
    ("report", "report-quick.json"),
    ("report", "report-final.json"),
    ("notice", "notice.json"),
    ("notice-email", "notice.json"),
    ("entruster-notice", "entruster-notice.json"),
    ("announcement", "announcement.json"),
], sample_count = 20)]
fn render_document(bencher: divan::Bencher, (kind, file): (&str, &str)) {
    let kind: DocumentKind = kind.parse().unwrap();
    let input = doc(file);
    render(kind, &input).unwrap();
    bencher.bench(|| render(kind, divan::black_box(&input)).unwrap());
}
