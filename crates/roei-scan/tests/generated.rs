//! The generator's leak, scanned: every count exactly as the truth says, read in one pass and in
//! small parallel chunks.

use std::path::PathBuf;

use roei_scan::generate::{Truth, write_leak};
use roei_scan::{Report, ScanOptions, scan_paths};

fn check(report: &Report, truth: &Truth) {
    assert!(report.errors.is_empty(), "errors: {:?}", report.errors);
    assert_eq!(report.files, truth.files, "files");
    assert_eq!(report.records, truth.records, "records");
    let items: Vec<&str> = report.items.iter().map(|i| i.code()).collect();
    assert_eq!(items, truth.items(), "items");
    assert_eq!(report.item_records, truth.item_records, "item_records");
    assert_eq!(report.persons, truth.persons, "persons");
    assert_eq!(
        report.persons_with_card_number, truth.persons_with_card_number,
        "persons_with_card_number"
    );
    assert_eq!(report.facts.persons, truth.persons);
}

fn scan(dir: &std::path::Path, opts: &ScanOptions) -> Report {
    scan_paths(&[PathBuf::from(dir)], opts, &|_| {}).report(0)
}

#[test]
fn generated_leak_counts_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let truth = write_leak(dir.path(), 7, 600).unwrap();
    // The traps are in it.
    assert!(
        truth.persons > 600 && truth.persons < 1200,
        "{}",
        truth.persons
    );
    assert!(!truth.item_records.contains_key("drivers_license_number"));
    let report = scan(dir.path(), &ScanOptions::default());
    check(&report, &truth);
}

#[test]
fn chunked_reading_gives_the_same_counts() {
    let dir = tempfile::tempdir().unwrap();
    let truth = write_leak(dir.path(), 11, 1500).unwrap();
    let opts = ScanOptions {
        chunk_size: 4096,
        ..ScanOptions::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let report = pool.install(|| scan(dir.path(), &opts));
    check(&report, &truth);
}

#[test]
fn the_traps_alone() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // 16-digit order numbers failing Luhn, bare 12-digit numbers: no item, no person.
    std::fs::write(
        p.join("orders.csv"),
        "注文番号,受付番号\n4111111111111112,123456789018\n4539578763621487,000000000000\n",
    )
    .unwrap();
    // The same person in UTF-8 and in Shift_JIS, spelled differently.
    std::fs::write(p.join("a.csv"), "氏名,生年月日\n山田 太郎,1980-01-02\n").unwrap();
    let (sjis, _, _) =
        encoding_rs::SHIFT_JIS.encode("お名前,生年月日\r\n山田　太郎,昭和55年1月2日\r\n");
    std::fs::write(p.join("b.csv"), &sjis).unwrap();
    // Full-width digits and +81: one phone number.
    std::fs::write(
        p.join("calls.txt"),
        "着信 ０９０－１２３４－５６７８\n折返し +81 90-1234-5678\n",
    )
    .unwrap();
    let r = scan(p, &ScanOptions::default());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.files, 4);
    assert_eq!(r.records, 2 + 1 + 1 + 2);
    assert_eq!(r.persons, 2, "山田太郎 once, the phone once");
    assert_eq!(r.persons_with_card_number, 0);
    let items: Vec<&str> = r.items.iter().map(|i| i.code()).collect();
    assert_eq!(items, ["birth_date", "name", "phone"]);
}
