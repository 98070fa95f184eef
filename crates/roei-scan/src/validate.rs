//! Validators: the shapes and check digits that make a digit run a card number, a My Number or a
//! phone number, and the date forms of a birth date (西暦 and 和暦).

/// Every byte is an ASCII digit (also for no bytes), eight at a time: each byte's high nibble
/// is 3 and its low nibble is at most 9 (adding 6 does not carry into the high nibble; a carry
/// never leaves its byte, whose high nibble is known to be 3).
pub(crate) fn all_digits(b: &[u8]) -> bool {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const THREES: u64 = 0x3030_3030_3030_3030;
    const SIXES: u64 = 0x0606_0606_0606_0606;
    let mut chunks = b.chunks_exact(8);
    let mut ok = true;
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        let w = u64::from_le_bytes(word);
        ok &= (w & HIGH) == THREES && (w.wrapping_add(SIXES) & HIGH) == THREES;
    }
    ok && chunks.remainder().iter().all(u8::is_ascii_digit)
}

/// Luhn (mod 10) over ASCII digits.
pub fn luhn(digits: &[u8]) -> bool {
    // Every second digit from the right doubled, its digits summed: a table.
    const DOUBLED: [u32; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
    if let Ok(d16) = <&[u8; 16]>::try_from(digits)
        && all_digits(d16)
    {
        return luhn16(d16);
    }
    let mut sum = 0u32;
    let mut doubled = false;
    for &d in digits.iter().rev() {
        let v = u32::from(d.wrapping_sub(b'0')).min(9);
        sum += if doubled { DOUBLED[v as usize] } else { v };
        doubled = !doubled;
    }
    sum.is_multiple_of(10)
}

/// Luhn over 16 ASCII digits (the commonest card length), eight digits per word: the digits
/// doubled are the even places from the left, each `d` becomes `2d`, less 9 when `d >= 5`;
/// then one multiplication sums the bytes (each at most 18, at most 144 in all).
fn luhn16(d: &[u8; 16]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const EVEN: u64 = 0x00FF_00FF_00FF_00FF;
    let word = |half: &[u8]| -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(half);
        let v = u64::from_le_bytes(w) - 0x30 * ONES;
        let doubled = v & EVEN;
        // Bit 3 of d + 3 is set exactly when d >= 5 (d + 3 <= 12).
        let big = ((doubled + 3 * (ONES & EVEN)) >> 3) & (ONES & EVEN);
        (doubled << 1) - 9 * big + (v & !EVEN)
    };
    let sum = (word(&d[..8]) + word(&d[8..])).wrapping_mul(ONES) >> 56;
    sum.is_multiple_of(10)
}

fn prefix(digits: &[u8], n: usize) -> u32 {
    digits
        .iter()
        .take(n)
        .fold(0u32, |a, d| a * 10 + u32::from(d - b'0'))
}

/// The card brand whose prefix and length table `digits` matches (Visa, Mastercard incl.
/// 2221–2720, JCB 3528–3589, American Express, Diners, Discover, UnionPay).
pub fn card_brand(digits: &[u8]) -> Option<&'static str> {
    let len = digits.len();
    if !(13..=19).contains(&len) {
        return None;
    }
    let p6 = prefix(digits, 6);
    let (p1, p2, p3, p4) = (p6 / 100_000, p6 / 10_000, p6 / 1_000, p6 / 100);
    if p1 == 4 && matches!(len, 13 | 16 | 19) {
        return Some("visa");
    }
    if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 {
        return Some("mastercard");
    }
    if (p2 == 34 || p2 == 37) && len == 15 {
        return Some("amex");
    }
    if (3528..=3589).contains(&p4) && (16..=19).contains(&len) {
        return Some("jcb");
    }
    if ((300..=305).contains(&p3) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39)
        && (14..=19).contains(&len)
    {
        return Some("diners");
    }
    if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622_126..=622_925).contains(&p6))
        && (16..=19).contains(&len)
    {
        return Some("discover");
    }
    if p2 == 62 && (16..=19).contains(&len) {
        return Some("unionpay");
    }
    None
}

/// A full card number: brand table and Luhn.
pub fn is_card(digits: &[u8]) -> bool {
    card_brand(digits).is_some() && luhn(digits)
}

/// The check digit of the My Number ordinance (個人番号の指定等に関する省令5条): weights 6,5,4,3,2,
/// 7,6,5,4,3,2 over the first 11 digits, mod 11; a remainder of 0 or 1 gives 0, else 11 − r.
pub fn my_number_check(digits: &[u8]) -> bool {
    const W: [u32; 11] = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    if digits.len() != 12 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = digits[..11]
        .iter()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let r = sum % 11;
    let check = if r <= 1 { 0 } else { 11 - r };
    u32::from(digits[11] - b'0') == check
}

/// A Japanese phone number as digits (after +81 → 0): fixed lines 0X… (10 digits), mobile and
/// IP phones 060/070/080/090/050 (11 digits), free dial 0120 (10) and 0800 (11).
pub fn is_jp_phone(digits: &[u8]) -> bool {
    if digits.first() != Some(&b'0') || digits.get(1) == Some(&b'0') {
        return false;
    }
    match digits.len() {
        11 => {
            matches!(&digits[..3], b"060" | b"070" | b"080" | b"090" | b"050")
                || digits.starts_with(b"0800")
        }
        10 => {
            !matches!(&digits[..3], b"060" | b"070" | b"080" | b"090" | b"050")
                && !digits.starts_with(b"0800")
        }
        _ => false,
    }
}

/// The digits dialled for a phone value: its ASCII digits, with a leading `+81` turned into
/// `0` and, after it, a trunk `0` in brackets ("+81 (0)3-…") not dialled twice.
fn dialled(text: &str) -> impl Iterator<Item = u8> + '_ {
    let t = crate::normalize::trim_start(text).as_bytes();
    let (intl, rest) = match t.strip_prefix(b"+81") {
        Some(r) => (true, r),
        None => (false, t),
    };
    let mut first = intl;
    intl.then_some(b'0').into_iter().chain(
        rest.iter()
            .copied()
            .filter(u8::is_ascii_digit)
            .filter(move |&b| !std::mem::replace(&mut first, false) || b != b'0'),
    )
}

/// Digits of a phone value ([`dialled`]), appended to `out`.
pub fn phone_digits(text: &str, out: &mut Vec<u8>) {
    out.extend(dialled(text));
}

/// A Japanese phone number's digits, as [`phone_digits`] gives them when [`is_jp_phone`]
/// accepts them, without a buffer on the heap; the digit count is the second part.
pub(crate) fn phone_number(text: &str) -> Option<([u8; 11], usize)> {
    let mut d = [b'0'; 11];
    let mut n = 0;
    for b in dialled(text) {
        // More than 11 digits are no phone number.
        *d.get_mut(n)? = b;
        n += 1;
    }
    is_jp_phone(&d[..n]).then_some((d, n))
}

/// An e-mail address: `local@domain.tld`, ASCII, with a dot in the domain.
pub fn is_email(s: &str) -> bool {
    email_check(s.as_bytes()).is_some()
}

/// [`is_email`] in one pass over the bytes: `Some(has_upper_case)` for an address (its key is
/// lower case), `None` for anything else.
pub(crate) fn email_check(b: &[u8]) -> Option<bool> {
    let at = memchr::memchr(b'@', b)?;
    let (local, domain) = (&b[..at], &b[at + 1..]);
    if local.is_empty()
        || local.len() > 64
        || domain.len() < 3
        || domain[0] == b'.'
        || domain[domain.len() - 1] == b'.'
    {
        return None;
    }
    // Bit 1 survives only if every local byte allows it, bit 2 likewise for the domain.
    let mut ok = 3u8;
    let mut upper = false;
    let mut dot = false;
    for &c in local {
        ok &= EMAIL_BYTES[c as usize] | 2;
        upper |= c.is_ascii_uppercase();
    }
    for &c in domain {
        ok &= EMAIL_BYTES[c as usize] | 1;
        upper |= c.is_ascii_uppercase();
        dot |= c == b'.';
    }
    (ok == 3 && dot).then_some(upper)
}

/// Bytes allowed in an e-mail's local part (1) and domain (2).
const EMAIL_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        #[allow(clippy::cast_possible_truncation)] // c < 256
        let b = c as u8;
        if b.is_ascii_alphanumeric() {
            t[c] = 3;
        }
        c += 1;
    }
    t[b'.' as usize] = 3;
    t[b'-' as usize] = 3;
    let local = b"_%+!#&'*/=?^`{|}~";
    let mut i = 0;
    while i < local.len() {
        t[local[i] as usize] |= 1;
        i += 1;
    }
    t
};

pub(crate) fn is_local_byte(b: u8) -> bool {
    EMAIL_BYTES[b as usize] & 1 != 0
}

pub(crate) fn is_domain_byte(b: u8) -> bool {
    EMAIL_BYTES[b as usize] & 2 != 0
}

const ERAS: &[(&str, char, i32)] = &[
    ("明治", 'M', 1868),
    ("大正", 'T', 1912),
    ("昭和", 'S', 1926),
    ("平成", 'H', 1989),
    ("令和", 'R', 2019),
];

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Option<u32> {
    if !(1868..=2100).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    u32::try_from(y).ok().map(|y| y * 10_000 + m * 100 + d)
}

/// Reads a number of at most `max` digits at the front of `s`.
fn number(s: &str, max: usize) -> Option<(u32, &str)> {
    let mut v = 0u32;
    let mut n = 0;
    for &b in s.as_bytes() {
        if !b.is_ascii_digit() {
            break;
        }
        n += 1;
        if n > max {
            return None;
        }
        v = v * 10 + u32::from(b - b'0');
    }
    (n > 0).then(|| (v, &s[n..]))
}

fn sep(s: &str) -> Option<&str> {
    // The usual ASCII separator first.
    if let Some(b'-' | b'/' | b'.') = s.as_bytes().first() {
        return Some(s[1..].trim_start());
    }
    let s = s.trim_start();
    for p in ["年", "月", "-", "/", "."] {
        if let Some(r) = s.strip_prefix(p) {
            return Some(r.trim_start());
        }
    }
    None
}

/// A calendar date in 西暦 (`1980-01-02`, `1980/1/2`, `1980年1月2日`, `19800102`) or 和暦
/// (`昭和55年1月2日`, `平成元年1月8日`, `S55.1.2`, `H2/3/4`, `R1-5-1`), as `yyyymmdd`.
/// `text` must already be normalized.
pub fn parse_date(text: &str) -> Option<u32> {
    let t = crate::normalize::trim(text);
    if let Some(date) = iso_date(t.as_bytes()) {
        return date;
    }
    any_date(t)
}

/// `yyyy-mm-dd` exactly (or with `/` or `.`), the commonest form, read at once: `None` when
/// `b` has another shape, else what [`any_date`] gives.
#[allow(clippy::option_option)] // None: another shape; Some(None): no such date.
fn iso_date(b: &[u8]) -> Option<Option<u32>> {
    if b.len() != 10 || !matches!(b[4], b'-' | b'/' | b'.') || !matches!(b[7], b'-' | b'/' | b'.') {
        return None;
    }
    let digit = |i: usize| b[i].wrapping_sub(b'0');
    if [0, 1, 2, 3, 5, 6, 8, 9].iter().any(|&i| digit(i) > 9) {
        return None;
    }
    let n = |from: usize, to: usize| (from..to).fold(0u32, |a, i| a * 10 + u32::from(digit(i)));
    Some(ymd(i32::try_from(n(0, 4)).ok()?, n(5, 7), n(8, 10)))
}

/// [`parse_date`] of any form, `t` trimmed.
#[allow(clippy::many_single_char_names)]
fn any_date(t: &str) -> Option<u32> {
    let era = t.as_bytes().first().is_some_and(|b| !b.is_ascii_digit());
    for (name, letter, start) in ERAS.iter().take_while(|_| era) {
        let rest = t
            .strip_prefix(name)
            .or_else(|| t.strip_prefix(*letter))
            .or_else(|| t.strip_prefix(letter.to_ascii_lowercase()));
        if let Some(rest) = rest {
            let rest = rest.trim_start();
            let (y, rest) = match rest.strip_prefix('元') {
                Some(r) => (1, r),
                None => number(rest, 2)?,
            };
            let (m, rest) = number(sep(rest)?, 2)?;
            let (d, _) = number(sep(rest)?, 2)?;
            return ymd(start + i32::try_from(y).ok()? - 1, m, d);
        }
    }
    let b = t.as_bytes();
    if b.len() >= 8
        && b[..8].iter().all(u8::is_ascii_digit)
        && b.get(8).is_none_or(|c| !c.is_ascii_digit())
    {
        let n = |r: std::ops::Range<usize>| t[r].parse::<u32>().ok();
        return ymd(i32::try_from(n(0..4)?).ok()?, n(4..6)?, n(6..8)?);
    }
    let (y, rest) = number(t, 4)?;
    if y < 1000 {
        return None;
    }
    let (m, rest) = number(sep(rest)?, 2)?;
    let (d, _) = number(sep(rest)?, 2)?;
    ymd(i32::try_from(y).ok()?, m, d)
}

#[cfg(test)]
#[allow(clippy::unreadable_literal)]
mod tests {
    use super::*;

    #[test]
    fn all_digits_eight_at_a_time_is_every_byte_a_digit() {
        for len in 0..=20 {
            for pos in 0..len {
                for bad in [
                    0u8,
                    b'/',
                    b':',
                    b' ',
                    0x39 + 0x10,
                    0x80,
                    0xB0,
                    0xFF,
                    b'a',
                    b'\xEF',
                ] {
                    let mut v = vec![b'7'; len];
                    v[pos] = bad;
                    assert!(!all_digits(&v), "{v:?}");
                    v[pos] = b'0' + u8::try_from(pos % 10).unwrap();
                    assert!(all_digits(&v), "{v:?}");
                }
            }
        }
        assert!(all_digits(b""));
        assert!(all_digits(b"0123456789"));
    }

    #[test]
    fn phone_number_is_phone_digits_accepted() {
        let mut rng = crate::generate::Rng::new(11);
        let parts = [
            "+81", "0", "3", "90", "-", " ", "(0)", "(", ")", "12", "345", "6789", "x", "００",
        ];
        for _ in 0..20_000 {
            let t: String = (0..rng.below(9))
                .map(|_| parts[usize::try_from(rng.below(parts.len() as u64)).unwrap()])
                .collect();
            let mut d = Vec::new();
            phone_digits(&t, &mut d);
            let want = is_jp_phone(&d).then_some(d);
            assert_eq!(
                phone_number(&t).map(|(d, n)| d[..n].to_vec()),
                want,
                "{t:?}"
            );
        }
        assert!(phone_number("+81 (0)3-1234-5678").is_some());
        assert!(phone_number("090-1234-5678-9").is_none());
    }

    #[test]
    fn iso_dates_read_at_once_are_read_as_in_general() {
        let mut n = 0;
        for y in [
            0u32, 999, 1000, 1867, 1868, 1900, 1999, 2000, 2024, 2100, 2101, 9999,
        ] {
            for m in 0..=13u32 {
                for d in 0..=32u32 {
                    for (a, b) in [('-', '-'), ('/', '/'), ('.', '.'), ('-', '/'), ('/', '.')] {
                        let t = format!("{y:04}{a}{m:02}{b}{d:02}");
                        assert_eq!(iso_date(t.as_bytes()), Some(any_date(&t)), "{t}");
                        n += usize::from(any_date(&t).is_some());
                    }
                }
            }
        }
        assert!(n > 1000, "{n}");
        for t in [
            "1980-1-02",
            "1980-01-2",
            "1980-01-021",
            "198O-01-02",
            "1980_01_02",
            "19800102",
        ] {
            assert_eq!(iso_date(t.as_bytes()), None, "{t}");
        }
    }

    #[test]
    fn cards() {
        assert!(is_card(b"4111111111111111"));
        assert!(is_card(b"5555555555554444"));
        assert!(is_card(b"2223003122003222"));
        assert!(is_card(b"3530111333300000"));
        assert!(is_card(b"378282246310005"));
        assert!(is_card(b"30569309025904"));
        assert!(is_card(b"6011111111111117"));
        assert!(!is_card(b"4111111111111112"), "Luhn fails");
        assert!(!is_card(b"1234567812345670"), "passes Luhn, no brand");
        assert!(!is_card(b"411111111111111"), "Visa of 15 digits");
    }

    #[test]
    fn my_number() {
        assert!(my_number_check(b"123456789018"));
        assert!(!my_number_check(b"123456789012"));
        assert!(!my_number_check(b"12345678901"));
    }

    #[test]
    fn phones() {
        let d = |s: &str| {
            let mut v = Vec::new();
            phone_digits(s, &mut v);
            v
        };
        assert_eq!(d("+81 90-1234-5678"), b"09012345678");
        assert_eq!(d("+81-3-1234-5678"), b"0312345678");
        assert_eq!(d("+81 (0)3 1234 5678"), b"0312345678");
        assert!(is_jp_phone(b"09012345678"));
        assert!(is_jp_phone(b"0312345678"));
        assert!(is_jp_phone(b"0120123456"));
        assert!(is_jp_phone(b"08001234567"));
        assert!(!is_jp_phone(b"0901234567"));
        assert!(!is_jp_phone(b"1234567890"));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1980-01-02"), Some(19800102));
        assert_eq!(parse_date("1980/1/2"), Some(19800102));
        assert_eq!(parse_date("1980年1月2日"), Some(19800102));
        assert_eq!(parse_date("19800102"), Some(19800102));
        assert_eq!(parse_date("昭和55年1月2日"), Some(19800102));
        assert_eq!(parse_date("S55.1.2"), Some(19800102));
        assert_eq!(parse_date("平成元年1月8日"), Some(19890108));
        assert_eq!(parse_date("H2/3/4"), Some(19900304));
        assert_eq!(parse_date("令和元年5月1日"), Some(20190501));
        assert_eq!(parse_date("大正14年 3月 1日"), Some(19250301));
        assert_eq!(parse_date("1980-02-30"), None);
        assert_eq!(parse_date("abc"), None);
    }

    #[test]
    fn email_check_is_the_rule_in_one_pass() {
        // The rule as it reads: one `@`, local part of 1–64 local bytes, a domain of at least
        // 3 domain bytes with a dot, not at either end.
        fn rule(b: &[u8]) -> bool {
            let Some(at) = b.iter().position(|c| *c == b'@') else {
                return false;
            };
            let (l, d) = (&b[..at], &b[at + 1..]);
            !l.is_empty()
                && l.len() <= 64
                && d.len() >= 3
                && d[0] != b'.'
                && d[d.len() - 1] != b'.'
                && d.contains(&b'.')
                && l.iter().all(|c| is_local_byte(*c))
                && d.iter().all(|c| is_domain_byte(*c))
        }
        let mut rng = crate::generate::Rng::new(5);
        let alphabet = b"aZ0.-_+@%!~ \x80";
        for _ in 0..20_000 {
            let n = usize::try_from(rng.below(12)).unwrap_or(0);
            let b: Vec<u8> = (0..n).map(|_| *rng.pick(alphabet)).collect();
            let got = email_check(&b);
            assert_eq!(got.is_some(), rule(&b), "{b:?}");
            if let Some(upper) = got {
                assert_eq!(upper, b.iter().any(u8::is_ascii_uppercase));
            }
        }
    }

    #[test]
    fn luhn_by_table_is_luhn() {
        fn plain(d: &[u8]) -> bool {
            let sum: u32 = d
                .iter()
                .rev()
                .enumerate()
                .map(|(i, c)| {
                    let v = u32::from(c - b'0') * if i % 2 == 1 { 2 } else { 1 };
                    if v > 9 { v - 9 } else { v }
                })
                .sum();
            sum.is_multiple_of(10)
        }
        let mut rng = crate::generate::Rng::new(9);
        for _ in 0..20_000 {
            let n = usize::try_from(rng.below(20)).unwrap_or(0);
            let d: Vec<u8> = (0..n)
                .map(|_| b'0' + u8::try_from(rng.below(10)).unwrap_or(0))
                .collect();
            assert_eq!(luhn(&d), plain(&d), "{d:?}");
        }
        // 16 digits, eight at a time: every digit in every place, and random numbers.
        for place in 0..16 {
            for v in b'0'..=b'9' {
                let mut d = *b"4111111111111111";
                d[place] = v;
                assert_eq!(luhn(&d), plain(&d), "{d:?}");
            }
        }
        for _ in 0..50_000 {
            let d: Vec<u8> = (0..16)
                .map(|_| b'0' + u8::try_from(rng.below(10)).unwrap_or(0))
                .collect();
            assert_eq!(luhn(&d), plain(&d), "{d:?}");
        }
        assert!(luhn(b"4111111111111111") && !luhn(b"4111111111111112"));
        assert!(luhn(b"9999999999999995"));
    }

    #[test]
    fn emails() {
        assert!(is_email("taro.yamada@example.co.jp"));
        assert!(!is_email("@example.jp"));
        assert!(!is_email("taro@localhost"));
    }
}
