//! Properties: any valid card number in any grouping is one card; full-width and +81 spellings
//! of a phone number are the same person; the counts do not depend on the chunk size.

use proptest::prelude::*;
use roei_scan::generate::{Rng, card_number, order_number};
use roei_scan::{ScanOptions, scan_bytes};

fn report(name: &str, data: &[u8], opts: &ScanOptions) -> roei_scan::Report {
    scan_bytes(name, data, opts).report(0)
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            _ => c,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_card_in_any_grouping_is_one_card(seed in any::<u64>(), i in 0u64..1_000_000, sep in prop::sample::select(vec!["", " ", "-"])) {
        let mut rng = Rng::new(seed);
        let card = card_number(&mut rng, i);
        let grouped: Vec<String> = card.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
        let order = order_number(&mut rng);
        let text = format!("決済 {} 注文 {order}\n", grouped.join(sep));
        let r = report("a.txt", text.as_bytes(), &ScanOptions::default());
        let items: Vec<&str> = r.items.iter().map(|i| i.code()).collect();
        prop_assert_eq!(items, vec!["card_number"]);
        prop_assert_eq!(r.persons, 1);
        prop_assert_eq!(r.persons_with_card_number, 1);
    }

    #[test]
    fn spellings_of_a_phone_are_one_person(a in 0u32..10_000, b in 0u32..10_000, mobile in any::<bool>()) {
        let (local, intl) = if mobile {
            (format!("090-{a:04}-{b:04}"), format!("+81 90-{a:04}-{b:04}"))
        } else {
            (format!("03-{a:04}-{b:04}"), format!("+81-3-{a:04}-{b:04}"))
        };
        let text = format!("着信 {local}\n折返し {}\nTEL {intl}\n", full_width(&local));
        let r = report("calls.log", text.as_bytes(), &ScanOptions::default());
        prop_assert_eq!(r.records, 3);
        prop_assert_eq!(r.persons, 1);
        prop_assert_eq!(r.item_records.get("phone").copied(), Some(3));
    }

}

proptest! {
    // Each case writes and scans nine files.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn counts_do_not_depend_on_the_chunk_size(seed in any::<u64>(), chunk in 256usize..8192) {
        let dir = tempfile::tempdir().unwrap();
        let truth = roei_scan::generate::write_leak(dir.path(), seed, 120).unwrap();
        let opts = ScanOptions { chunk_size: chunk, ..ScanOptions::default() };
        let r = roei_scan::scan_paths(&[dir.path().to_path_buf()], &opts, &|_| {}).report(0);
        prop_assert_eq!(r.records, truth.records);
        prop_assert_eq!(r.persons, truth.persons);
        prop_assert_eq!(r.persons_with_card_number, truth.persons_with_card_number);
        prop_assert_eq!(r.item_records, truth.item_records);
    }
}
