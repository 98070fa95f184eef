//! The validators and the width normalization on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roei_scan::validate;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let n = roei_scan::normalize(text);
    if let Some(d) = validate::parse_date(&n) {
        assert!((1868_01_01..=2100_12_31).contains(&d));
    }
    let mut digits = Vec::new();
    validate::phone_digits(&n, &mut digits);
    let _ = validate::is_jp_phone(&digits);
    let _ = validate::is_email(&n);
    let d: Vec<u8> = n.bytes().filter(u8::is_ascii_digit).collect();
    if validate::is_card(&d) {
        assert!(validate::luhn(&d));
    }
    let _ = validate::my_number_check(&d);
    let _ = roei_scan::header_kind(text);
});
