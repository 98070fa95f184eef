//! The readers and detectors on arbitrary bytes: the first byte picks the file name (so every
//! format and container is reached), the rest is the content. Must never panic, and the report
//! must be consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &[
    "a.csv", "a.tsv", "a.json", "a.jsonl", "a.txt", "a.log", "a.xlsx", "a.csv.gz", "a.zip", "a",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let opts = roei_scan::ScanOptions {
        limits: roei_scan::Limits {
            max_expanded: 64 << 20,
            max_record: 1 << 20,
            max_nested: 8 << 20,
            ..roei_scan::Limits::default()
        },
        ..roei_scan::ScanOptions::default()
    };
    let r = roei_scan::scan_bytes(name, rest, &opts).report(0);
    assert!(r.persons <= r.records);
    assert!(r.persons_with_card_number <= r.persons);
    for n in r.item_records.values() {
        assert!(*n <= r.records);
    }
});
