//! One record (a table row, a JSON object, a line of text) → its items and identifier keys.

use memchr::memchr_iter;
use roei_law::DataItem;
use roei_law::prefectures::PREFECTURES;

use crate::dict::{Kind, labels_in};
use crate::link::{KeyTag, Linker, key, name_birth_key};
use crate::memo::{Remembered, RowMemo};
use crate::normalize::{name_key, normalize, normalize_into, trim, trim_start};
use crate::validate::{
    all_digits, email_check, is_card, is_domain_byte, is_jp_phone, is_local_byte, my_number_check,
    parse_date, phone_digits, phone_number,
};

/// Number of item codes.
pub const ITEMS: usize = DataItem::ALL.len();

/// Records, item counts and persons of some part of the input.
#[derive(Debug, Clone)]
pub struct Tally {
    pub records: u64,
    /// Per item, the records holding it ([`Tally::item_records`]).
    item_records: [u64; ITEMS],
    /// Consecutive records with the same items (`run_items`) not yet added to `item_records`:
    /// the rows of a table mostly hold the same items, so a row costs one comparison.
    run_items: u64,
    run: u64,
    pub linker: Linker,
    /// Tables' rows already read (see [`crate::memo`]).
    pub memo: RowMemo,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            records: 0,
            item_records: [0; ITEMS],
            run_items: 0,
            run: 0,
            linker: Linker::default(),
            memo: RowMemo::default(),
        }
    }
}

impl Tally {
    pub fn merge(&mut self, mut other: Tally) {
        self.records += other.records;
        for (a, b) in self.item_records.iter_mut().zip(*other.item_records()) {
            *a += b;
        }
        self.linker.merge(other.linker);
    }

    /// Per item (indexed by `DataItem as usize`), the records holding it.
    pub fn item_records(&mut self) -> &[u64; ITEMS] {
        self.settle();
        &self.item_records
    }

    fn count_items(&mut self, items: u64) {
        if items == self.run_items {
            self.run += 1;
        } else {
            self.settle();
            self.run_items = items;
            self.run = 1;
        }
    }

    /// Adds the pending run to `item_records`.
    fn settle(&mut self) {
        let mut items = self.run_items;
        while items != 0 {
            self.item_records[items.trailing_zeros() as usize] += self.run;
            items &= items - 1;
        }
        self.run = 0;
    }
}

/// The record being read; its buffers are reused from record to record.
#[derive(Debug, Default)]
pub struct Record {
    items: u64,
    keys: Vec<u64>,
    has_card: bool,
    name: String,
    kana: String,
    birth: Option<u32>,
    norm: String,
    digits: Vec<u8>,
    labels: Vec<(usize, usize, Kind)>,
    lower: String,
    phone: Vec<u8>,
    part: Vec<u8>,
    /// The last text that [`Record::free_text`] found nothing in (up to [`QUIET_MAX`] bytes):
    /// a table's note column repeats a few stock phrases, row after row.
    quiet: String,
    /// Texts not read again because they were [`Record::quiet`], for tests that must see it
    /// used.
    #[cfg(test)]
    quiet_skips: u64,
}

/// The longest text remembered as [`Record::quiet`].
const QUIET_MAX: usize = 64;

/// What a free-text value holds, from one pass over its bytes: which detectors can match.
#[derive(Debug, Clone, Copy, Default)]
struct Shape {
    /// A letter or a non-ASCII character: a label word may be there.
    wordy: bool,
    at: bool,
    dollar: bool,
    non_ascii: bool,
    /// ASCII digits in the value.
    digits: usize,
}

/// Flags of [`Shape::of`].
const LETTER: u8 = 1;
const AT: u8 = 2;
const DOLLAR: u8 = 4;
const NON_ASCII: u8 = 8;

impl Shape {
    fn of(b: &[u8]) -> Shape {
        // Compares, not a table: the loop has no lookups and no early exit, so it vectorizes.
        let mut flags = 0u8;
        let mut digits = 0usize;
        for &c in b {
            digits += usize::from(c.wrapping_sub(b'0') < 10);
            flags |= (u8::from((c | 0x20).wrapping_sub(b'a') < 26) * LETTER)
                | (u8::from(c == b'@') * AT)
                | (u8::from(c == b'$') * DOLLAR)
                | ((c >> 7) * NON_ASCII);
        }
        let non_ascii = flags & NON_ASCII != 0;
        Shape {
            wordy: flags & (LETTER | NON_ASCII) != 0,
            at: flags & AT != 0,
            dollar: flags & DOLLAR != 0,
            non_ascii,
            digits,
        }
    }
}

/// `yyyy-mm-dd` or `yyyy/mm/dd` with a year of 1xxx or 2xxx, alone or followed by ` hh:mm` or
/// ` hh:mm:ss`: a timestamp, in which no detector can find anything. Its digit runs hold at most
/// 10 digits (no card number), start with 1 or 2 (no phone number) and have no 3-digit group
/// before a hyphen (no postal code), so the generic path would only confirm that, slowly.
fn is_timestamp(b: &[u8]) -> bool {
    stamp_shape(b).unwrap_or_else(|| any_timestamp(b))
}

/// `yyyy-mm-dd hh:mm` or `yyyy-mm-dd hh:mm:ss` (or with `/`) exactly, at once: `None` when `b`
/// has another length, else what [`any_timestamp`] gives.
fn stamp_shape(b: &[u8]) -> Option<bool> {
    // Where the digits are (the rest is checked below).
    const DIGIT: [bool; 19] = {
        let mut d = [true; 19];
        d[4] = false;
        d[7] = false;
        d[10] = false;
        d[13] = false;
        d[16] = false;
        d
    };
    if b.len() != 16 && b.len() != 19 {
        return None;
    }
    let digits = b
        .iter()
        .zip(DIGIT)
        .fold(true, |all, (c, d)| all & (!d | c.is_ascii_digit()));
    Some(
        digits
            && matches!(b[0], b'1' | b'2')
            && matches!(b[4], b'-' | b'/')
            && b[7] == b[4]
            && b[10] == b' '
            && b[13] == b':'
            && b.get(16).is_none_or(|c| *c == b':'),
    )
}

/// [`is_timestamp`] of any length.
#[inline(never)]
fn any_timestamp(b: &[u8]) -> bool {
    // The end of a group of `min..=max` digits starting at `i`.
    let group = |i: usize, min: usize, max: usize| -> Option<usize> {
        let n = b
            .get(i..)?
            .iter()
            .take(max + 1)
            .take_while(|c| c.is_ascii_digit())
            .count();
        (min..=max).contains(&n).then_some(i + n)
    };
    let sep = |i: usize, set: &[u8]| b.get(i).is_some_and(|c| set.contains(c));
    let date = || -> Option<usize> {
        if !matches!(b.first(), Some(b'1' | b'2')) {
            return None;
        }
        let y = group(0, 4, 4)?;
        if !sep(y, b"-/") {
            return None;
        }
        let m = group(y + 1, 1, 2)?;
        if b.get(m) != b.get(y) {
            return None;
        }
        group(m + 1, 1, 2)
    };
    let Some(d) = date() else {
        return false;
    };
    if d == b.len() {
        return true;
    }
    if b[d] != b' ' {
        return false;
    }
    let Some(h) = group(d + 1, 1, 2) else {
        return false;
    };
    if !sep(h, b":") {
        return false;
    }
    let Some(mi) = group(h + 1, 2, 2) else {
        return false;
    };
    if mi == b.len() {
        return true;
    }
    sep(mi, b":") && group(mi + 1, 2, 2) == Some(b.len())
}

fn bit(i: DataItem) -> u64 {
    1 << (i as u32)
}

/// Values that say nothing: an empty cell in all but name.
fn is_placeholder(v: &str) -> bool {
    v.len() <= 4
        && matches!(
            v.as_bytes().first(),
            None | Some(b'-' | 0xEF | b'n' | b'N' | b'\\')
        )
        && matches!(
            v,
            "" | "-" | "－" | "null" | "NULL" | "None" | "none" | "N/A" | "n/a" | "NaN" | "\\N"
        )
}

impl Record {
    pub fn new() -> Self {
        Record::default()
    }

    fn add(&mut self, i: DataItem) {
        self.items |= bit(i);
    }

    fn add_key(&mut self, tag: KeyTag, v: &[u8]) {
        self.keys.push(key(tag, v));
    }

    /// A value under a column header (or JSON key) of `kind`; `None`: a column of unknown
    /// meaning, read by content.
    #[inline]
    pub fn field(&mut self, kind: Option<Kind>, value: &str) {
        let v = trim(value);
        if is_placeholder(v) {
            return;
        }
        match kind {
            None | Some(Kind::NotPersonal) => self.free(v),
            Some(k) => self.known_field(k, v),
        }
    }

    /// [`Record::field`] of a value (trimmed, not a placeholder) in a column of a known kind
    /// (out of line: the commonest cells of a table are read by [`Record::free`]).
    #[inline(never)]
    fn known_field(&mut self, kind: Kind, v: &str) {
        match kind {
            Kind::Name => {
                self.add(DataItem::Name);
                name_key(v, &mut self.name);
            }
            Kind::Kana => {
                self.add(DataItem::Name);
                name_key(v, &mut self.kana);
            }
            Kind::BirthDate => {
                self.add(DataItem::BirthDate);
                if let Some(d) = parse_date(&normalize(v)) {
                    self.birth = Some(d);
                }
            }
            Kind::Email => {
                self.add(DataItem::Email);
                self.email_key(v);
            }
            Kind::Phone => {
                self.add(DataItem::Phone);
                self.phone_key(v);
            }
            Kind::Card => {
                // Digits only, the commonest: they are the digits.
                if all_digits(v.as_bytes()) {
                    self.card_column(v.as_bytes());
                    return;
                }
                let mut d = std::mem::take(&mut self.digits);
                d.clear();
                d.extend(normalize(v).bytes().filter(u8::is_ascii_digit));
                self.card_column(&d);
                self.digits = d;
            }
            Kind::MyNumber => self.my_number(v),
            Kind::NotPersonal => self.free(v),
            other => {
                if let Some(i) = other.item() {
                    self.add(i);
                }
            }
        }
    }

    /// The digits of a value in a card-number column: a card number, or its last four digits.
    fn card_column(&mut self, digits: &[u8]) {
        if is_card(digits) {
            self.card(digits);
        } else if digits.len() == 4 {
            self.add(DataItem::CardLast4);
        }
    }

    fn card(&mut self, digits: &[u8]) {
        self.add(DataItem::CardNumber);
        self.add_key(KeyTag::Card, digits);
        self.has_card = true;
    }

    fn my_number(&mut self, v: &str) {
        let mut d = std::mem::take(&mut self.digits);
        d.clear();
        let n = normalize(v);
        // The leading number, digits in groups allowed.
        for b in trim_start(&n).bytes() {
            match b {
                b'0'..=b'9' => d.push(b),
                b' ' | b'-' => {}
                _ => break,
            }
        }
        if my_number_check(&d) {
            self.add(DataItem::MyNumber);
            self.add_key(KeyTag::MyNumber, &d);
        }
        self.digits = d;
    }

    /// `v` trimmed.
    fn email_key(&mut self, v: &str) -> bool {
        // An address as it is (ASCII: nothing to fold), else folded and looked at again.
        let n;
        let (t, upper) = match email_check(v.as_bytes()) {
            Some(upper) => (v, upper),
            None if v.is_ascii() => return false,
            None => {
                n = normalize(v);
                let t = trim(&n);
                let Some(upper) = email_check(t.as_bytes()) else {
                    return false;
                };
                (t, upper)
            }
        };
        if upper {
            let mut l = std::mem::take(&mut self.lower);
            l.clear();
            l.push_str(t);
            l.make_ascii_lowercase();
            self.add_key(KeyTag::Email, l.as_bytes());
            self.lower = l;
        } else {
            self.add_key(KeyTag::Email, t.as_bytes());
        }
        true
    }

    fn phone_key(&mut self, v: &str) -> bool {
        let Some((d, n)) = phone_number(&normalize(v)) else {
            return false;
        };
        self.add_key(KeyTag::Phone, &d[..n]);
        true
    }

    /// Free text: label words (`氏名：…`, `マイナンバー 1234…`) and content shapes.
    #[inline]
    pub fn free(&mut self, text: &str) {
        let b = text.as_bytes();
        // The commonest values first, inline: a bare number (order numbers, amounts) is a card
        // number or nothing (a phone number needs a separator or +81, a postal code its
        // hyphen); a timestamp is nothing.
        if all_digits(b) {
            if is_card(b) {
                self.card(b);
            }
            return;
        }
        if is_timestamp(b) {
            return;
        }
        self.free_text(text);
    }

    /// [`Record::free`] of the other values (out of line: it is long). What a text gives
    /// depends on the text alone, so the text read last without finding anything is not read
    /// again.
    #[inline(never)]
    fn free_text(&mut self, text: &str) {
        if !text.is_empty() && text == self.quiet {
            #[cfg(test)]
            {
                self.quiet_skips += 1;
            }
            return;
        }
        let before = (self.items, self.keys.len(), self.has_card);
        let person = (self.name.len(), self.kana.len(), self.birth);
        self.items = 0;
        self.read_text(text);
        let found = self.items != 0
            || (self.keys.len(), self.has_card) != (before.1, before.2)
            || (self.name.len(), self.kana.len(), self.birth) != person;
        self.items |= before.0;
        if !found && text.len() <= QUIET_MAX {
            self.quiet.clear();
            self.quiet.push_str(text);
        }
    }

    fn read_text(&mut self, text: &str) {
        let b = text.as_bytes();
        let shape = Shape::of(b);
        if !shape.wordy && !shape.at && !shape.dollar {
            // ASCII digits and punctuation only: digit runs are all there can be, and each of
            // their detectors needs at least 7 digits.
            if shape.digits >= 7 {
                self.digit_runs(text);
            }
            return;
        }
        let mut norm = std::mem::take(&mut self.norm);
        norm.clear();
        let t: &str = if shape.non_ascii {
            normalize_into(text, &mut norm);
            &norm
        } else {
            text
        };
        // Full-width digits and ＠ become ASCII: look again.
        let shape = if shape.non_ascii {
            Shape::of(t.as_bytes())
        } else {
            shape
        };
        if shape.wordy {
            let mut labels = std::mem::take(&mut self.labels);
            labels.clear();
            labels_in(t, &mut labels);
            for (i, &(_, end, kind)) in labels.iter().enumerate() {
                let stop = labels.get(i + 1).map_or(t.len(), |n| n.0);
                let value = &t[end..stop.max(end)];
                let value = value.trim_start_matches(|c: char| {
                    c.is_whitespace()
                        || matches!(c, ':' | '=' | '】' | ']' | '」' | '"' | '\'' | '：')
                });
                let value = value
                    .split([',', '、', ';', '\t', '|', '」', '"'])
                    .next()
                    .unwrap_or("")
                    .trim();
                if !is_placeholder(value) {
                    self.labeled_text(kind, value);
                }
            }
            self.labels = labels;
        }
        self.shapes(t, shape);
        self.norm = norm;
    }

    /// A value after a label in free text: number kinds must have their shape.
    fn labeled_text(&mut self, kind: Kind, v: &str) {
        let lead = |v: &str, extra: &[u8]| -> usize {
            v.bytes()
                .take_while(|b| b.is_ascii_digit() || extra.contains(b))
                .count()
        };
        match kind {
            Kind::Name => {
                self.add(DataItem::Name);
                if self.name.is_empty() {
                    name_key(v, &mut self.name);
                }
            }
            Kind::Kana => {
                self.add(DataItem::Name);
                if self.kana.is_empty() {
                    name_key(v, &mut self.kana);
                }
            }
            Kind::BirthDate => {
                if let Some(d) = parse_date(v) {
                    self.add(DataItem::BirthDate);
                    self.birth = Some(d);
                }
            }
            Kind::Email => {
                let n = v
                    .bytes()
                    .take_while(|b| *b == b'@' || is_local_byte(*b))
                    .count();
                if self.email_key(&v[..n]) {
                    self.add(DataItem::Email);
                }
            }
            Kind::Phone => {
                let n = lead(v, b"+-() ");
                if self.phone_key(&v[..n]) {
                    self.add(DataItem::Phone);
                }
            }
            Kind::Card => {
                let n = lead(v, b"- ");
                let d: Vec<u8> = v[..n].bytes().filter(u8::is_ascii_digit).collect();
                if is_card(&d) {
                    self.card(&d);
                }
            }
            Kind::MyNumber => self.my_number(v),
            Kind::Postal => {
                let n = lead(v, b"-");
                if v[..n].bytes().filter(u8::is_ascii_digit).count() == 7 {
                    self.add(DataItem::Address);
                }
            }
            Kind::BankAccount => {
                let head = &v.as_bytes()[..v.len().min(60)];
                let runs = head
                    .split(|b| !b.is_ascii_digit())
                    .any(|r| (6..=8).contains(&r.len()));
                if runs {
                    self.add(DataItem::BankAccount);
                }
            }
            Kind::Passport => {
                let b = v.as_bytes();
                if b.len() >= 9
                    && b[..2].iter().all(u8::is_ascii_alphabetic)
                    && b[2..9].iter().all(u8::is_ascii_digit)
                    && b.get(9).is_none_or(|c| !c.is_ascii_alphanumeric())
                {
                    self.add(DataItem::PassportNumber);
                }
            }
            Kind::License => {
                let n = lead(v, b"- ");
                if v[..n].bytes().filter(u8::is_ascii_digit).count() == 12 {
                    self.add(DataItem::DriversLicenseNumber);
                }
            }
            Kind::Item(
                i @ (DataItem::CardExpiry
                | DataItem::CardSecurityCode
                | DataItem::BankPin
                | DataItem::CardLast4),
            ) => {
                if v.bytes().any(|b| b.is_ascii_digit()) {
                    self.add(i);
                }
            }
            other => {
                if let Some(i) = other.item() {
                    self.add(i);
                }
            }
        }
    }

    /// Content with a reliable shape: e-mail addresses, card numbers (Luhn + brand), phone
    /// numbers written with separators or +81, 〒 / postal code + prefecture, crypt-style
    /// password hashes.
    fn shapes(&mut self, t: &str, shape: Shape) {
        let b = t.as_bytes();
        for at in memchr_iter(b'@', if shape.at { b } else { &[] }) {
            let mut s = at;
            // In running text `user=a@b.jp`, `<a@b.jp>`: the common local-part characters only.
            while s > 0 && (b[s - 1].is_ascii_alphanumeric() || b"._%+-".contains(&b[s - 1])) {
                s -= 1;
            }
            let mut e = at + 1;
            while e < b.len() && is_domain_byte(b[e]) {
                e += 1;
            }
            while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
                e -= 1;
            }
            if s < at && self.email_key(&t[s..e]) {
                self.add(DataItem::Email);
            }
        }
        for at in memchr_iter(b'$', if shape.dollar { b } else { &[] }) {
            let rest = &t[at..];
            let algo = [
                "$2a$", "$2b$", "$2y$", "$argon2", "$5$", "$6$", "$1$", "$pbkdf2",
            ];
            if algo.iter().any(|a| rest.starts_with(a))
                && rest
                    .bytes()
                    .take_while(|c| c.is_ascii_alphanumeric() || b"./$=+,".contains(c))
                    .count()
                    >= 20
            {
                self.add(DataItem::Password);
            }
        }
        if shape.non_ascii && t.contains('〒') {
            self.postal_mark(t);
        }
        if shape.digits > 0 {
            self.digit_runs(t);
        }
    }

    #[allow(clippy::many_single_char_names)]
    fn digit_runs(&mut self, t: &str) {
        let b = t.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            let starts = c.is_ascii_digit()
                || (matches!(c, b'+' | b'(') && b.get(i + 1).is_some_and(u8::is_ascii_digit));
            if !starts || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) {
                i += 1;
                continue;
            }
            let s = i;
            let mut e = i + 1;
            loop {
                while e < b.len() && b[e].is_ascii_digit() {
                    e += 1;
                }
                // One separator (or ") " / ")-") between groups.
                let mut j = e;
                let mut seps = 0;
                while j < b.len() && matches!(b[j], b' ' | b'-' | b'(' | b')') && seps < 2 {
                    j += 1;
                    seps += 1;
                }
                if seps > 0 && j < b.len() && b[j].is_ascii_digit() {
                    e = j;
                } else {
                    if e < b.len() && b[e] == b')' {
                        e += 1;
                    }
                    break;
                }
            }
            let glued = e < b.len() && (b[e].is_ascii_alphabetic() || b[e] == b'_');
            if !glued {
                self.classify_run(&t[s..e], &t[e..]);
            }
            i = e.max(s + 1);
            // Skip the rest of a glued token.
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
        }
    }

    fn classify_run(&mut self, run: &str, after: &str) {
        let mut d = std::mem::take(&mut self.digits);
        d.clear();
        d.extend(run.bytes().filter(u8::is_ascii_digit));
        if d.len() >= 7 && !self.classify_one(run, &d, after) && run.contains(' ') {
            // "03-1234-5678 03-1234-5679": groups separated by spaces, one by one.
            let mut pd = std::mem::take(&mut self.part);
            for part in run.split(' ').filter(|p| !p.is_empty()) {
                pd.clear();
                pd.extend(part.bytes().filter(u8::is_ascii_digit));
                // Fewer than 7 digits are neither a card, a phone nor a postal code.
                if pd.len() >= 7 {
                    self.classify_one(part, &pd, "");
                }
            }
            self.part = pd;
        }
        self.digits = d;
    }

    /// Card first (so that its digits are never a phone), then phone, then postal code.
    fn classify_one(&mut self, run: &str, d: &[u8], after: &str) -> bool {
        if !run.starts_with('+') && is_card(d) {
            self.card(d);
            return true;
        }
        let phone_start = run.starts_with('0') || run.starts_with("+81") || run.starts_with("(0");
        let separated = run.bytes().any(|c| matches!(c, b'-' | b' ' | b'(' | b')'));
        if phone_start && (separated || run.starts_with("+81")) {
            let mut p = std::mem::take(&mut self.phone);
            p.clear();
            phone_digits(run, &mut p);
            let ok = is_jp_phone(&p)
                && (run.starts_with("+81") || run.starts_with('0') || run.starts_with("(0"));
            if ok {
                self.add(DataItem::Phone);
                self.add_key(KeyTag::Phone, &p);
            }
            self.phone = p;
            if ok {
                return true;
            }
        }
        let rb = run.as_bytes();
        if rb.len() == 8 && rb[3] == b'-' && d.len() == 7 {
            let rest = after.trim_start();
            if PREFECTURES.iter().any(|p| rest.starts_with(p)) {
                self.add(DataItem::Address);
                return true;
            }
        }
        false
    }

    /// 〒 before a postal code marks an address.
    fn postal_mark(&mut self, t: &str) {
        for (at, _) in t.match_indices('〒') {
            let rest = t[at + '〒'.len_utf8()..].trim_start();
            let rb = rest.as_bytes();
            if rb.len() >= 7 && rb[..3].iter().all(u8::is_ascii_digit) {
                let n: usize = rb
                    .iter()
                    .take(8)
                    .take_while(|c| c.is_ascii_digit() || **c == b'-')
                    .count();
                if rb[..n].iter().filter(|c| c.is_ascii_digit()).count() == 7 {
                    self.add(DataItem::Address);
                }
            }
        }
    }

    /// Ends the record: counts it, its items, and its person.
    pub fn finish(&mut self, tally: &mut Tally) {
        self.name_birth();
        self.end(tally);
    }

    /// Counts the record, its items and its person (its keys are all there), and clears it.
    fn end(&mut self, tally: &mut Tally) {
        tally.records += 1;
        tally.count_items(self.items);
        tally.linker.add(&self.keys, self.has_card, self.items != 0);
        self.clear();
    }

    /// The name + birth date key, when the record has both.
    fn name_birth(&mut self) {
        let name = if self.name.is_empty() {
            &self.kana
        } else {
            &self.name
        };
        if !name.is_empty()
            && let Some(b) = self.birth
        {
            self.keys.push(name_birth_key(name.as_bytes(), b));
        }
    }

    /// Forgets the record read so far.
    pub fn clear(&mut self) {
        self.items = 0;
        self.keys.clear();
        self.has_card = false;
        self.name.clear();
        self.kana.clear();
        self.birth = None;
    }

    /// Whether the cells read so far gave a name, kana or birth date (which the keyed cells'
    /// name + birth date key depends on).
    pub fn person_touched(&self) -> bool {
        !self.name.is_empty() || !self.kana.is_empty() || self.birth.is_some()
    }

    /// Takes out what the cells read so far gave (their keys go to `keys`) and clears the
    /// record: the rest of the row is read later (see [`Record::finish_keyed`]).
    pub fn take_part(&mut self, keys: &mut Vec<u64>) -> (u64, bool) {
        keys.append(&mut self.keys);
        let part = (self.items, self.has_card);
        self.clear();
        part
    }

    /// Ends a row whose keyed cells (see [`crate::memo`]) were just read into the record and
    /// whose other cells gave `items`, `card` and `keys` ([`Record::take_part`]); returns what
    /// the keyed cells gave.
    pub fn finish_keyed(
        &mut self,
        items: u64,
        card: bool,
        keys: &[u64],
        tally: &mut Tally,
    ) -> Remembered {
        self.name_birth();
        let got = Remembered {
            items: self.items,
            rep: self.keys.first().copied().unwrap_or(0),
        };
        self.items |= items;
        self.has_card |= card;
        self.keys.extend_from_slice(keys);
        self.end(tally);
        got
    }

    /// Ends a row whose keyed cells gave `got` on an earlier row (their keys are linked
    /// already) and whose other cells gave `items`, `card` and `keys`, which are linked to
    /// one of them. The record must be clear, and the other cells must not have given a name,
    /// kana or birth date.
    pub fn finish_remembered(
        &mut self,
        items: u64,
        card: bool,
        keys: &[u64],
        got: Remembered,
        tally: &mut Tally,
    ) {
        // A card number among the keyed cells is on the person already (it was linked with
        // them); one among the other cells is the row's own.
        let items = items | got.items;
        tally.records += 1;
        tally.count_items(items);
        if keys.is_empty() {
            if got.rep == 0 {
                tally.linker.add(&[], false, items != 0);
            }
        } else {
            self.keys.extend_from_slice(keys);
            if got.rep != 0 {
                self.keys.push(got.rep);
            }
            tally.linker.add(&self.keys, card, true);
        }
        self.clear();
    }
}

/// Columns whose values give identifier keys: the cells the row memo remembers. The others
/// are read on every row (an address adds its item; an unknown column is read by content).
pub fn keyed(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Name
            | Kind::Kana
            | Kind::BirthDate
            | Kind::Email
            | Kind::Phone
            | Kind::Card
            | Kind::MyNumber
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items_of(text: &str) -> Vec<&'static str> {
        let mut r = Record::new();
        r.free(text);
        let mut t = Tally::default();
        r.finish(&mut t);
        DataItem::ALL
            .iter()
            .filter(|i| t.item_records()[**i as usize] > 0)
            .map(|i| i.code())
            .collect()
    }

    /// The items and keys `f` gives a fresh record.
    fn outcome(f: impl FnOnce(&mut Record)) -> (u64, Vec<u64>) {
        let mut r = Record::new();
        f(&mut r);
        (r.items, r.keys.clone())
    }

    #[test]
    fn a_text_found_empty_is_skipped_and_one_with_data_is_read_every_time() {
        let mut r = Record::new();
        let nothing = "配送先変更あり";
        let name = "氏名：山田 太郎 様";
        let card = "カード 4111111111111111";
        let mut t = Tally::default();
        // Each row: the note, then a cell that gives something, then the note again.
        for _ in 0..3 {
            for text in [nothing, name, card, nothing, nothing] {
                r.free(text);
            }
            r.finish(&mut t);
        }
        assert_eq!(t.records, 3);
        let counts = t.item_records();
        assert_eq!(counts[DataItem::Name as usize], 3);
        assert_eq!(counts[DataItem::CardNumber as usize], 3);
        // One person: the same name and card on each row.
        assert_eq!(t.linker.count(), (1, 1));
        // The note was read once, the first time: the texts with data in between do not
        // take its place (they are read every time, and gave their items every time).
        assert_eq!(r.quiet_skips, 3 * 3 - 1);
        // What was found before a quiet text stays found (the items are set aside while a
        // text is read).
        let (items, _) = outcome(|r| {
            r.free(name);
            r.free(nothing);
            r.free(nothing);
        });
        assert_eq!(items, bit(DataItem::Name));
        // A longer text is not remembered.
        let mut r = Record::new();
        let long = "配送先変更あり、".repeat(4);
        r.free(&long);
        r.free(&long);
        assert_eq!(r.quiet_skips, 0);
    }

    #[test]
    fn fast_paths_agree_with_the_generic_one() {
        // Bare numbers and timestamps skip the generic scan of digit runs: it must find the
        // same (for timestamps: nothing).
        let mut rng = crate::generate::Rng::new(3);
        let mut cells: Vec<String> = (0..4000)
            .map(|i| {
                let len = 1 + i % 22;
                (0..len)
                    .map(|_| char::from(b'0' + u8::try_from(rng.below(10)).unwrap_or(0)))
                    .collect()
            })
            .collect();
        cells.extend(
            [
                "4111111111111111",
                "378282246310005",
                "4111111111111112",
                "0312345678",
            ]
            .map(String::from),
        );
        for i in 0..2000u64 {
            let (y, m, d, h, mi) = (1000 + i * 7 % 2000, i % 14, i % 33, i % 25, i % 61);
            cells.push(format!("{y}-{m:02}-{d:02}"));
            cells.push(format!("{y}/{m}/{d} {h}:{mi:02}"));
            cells.push(format!("{y}-{m}-{d} {h:02}:{mi:02}:{:02}", i % 60));
        }
        let mut stamps = 0;
        for c in &cells {
            if let Some(shape) = stamp_shape(c.as_bytes()) {
                assert_eq!(shape, any_timestamp(c.as_bytes()), "{c:?}");
            }
            let fast = outcome(|r| r.free(c));
            let generic = outcome(|r| r.digit_runs(c));
            assert_eq!(fast, generic, "{c:?}");
            if is_timestamp(c.as_bytes()) {
                stamps += 1;
                assert_eq!(generic, (0, vec![]), "{c:?}");
            }
        }
        assert!(stamps >= 6000, "{stamps}");
        assert_eq!(
            outcome(|r| r.free("4111111111111111")).0,
            bit(DataItem::CardNumber)
        );
    }

    #[test]
    fn a_digits_only_card_cell_reads_as_its_grouped_spelling() {
        // The digits-only fast path of a card column against the general one (a hyphen sends
        // the same digits there).
        let mut rng = crate::generate::Rng::new(5);
        let mut cells: Vec<String> = vec![
            "4111111111111111".into(),
            "1234".into(),
            "378282246310005".into(),
        ];
        for i in 0..3000usize {
            cells.push(
                (0..2 + i % 20)
                    .map(|_| char::from(b'0' + u8::try_from(rng.below(10)).unwrap()))
                    .collect(),
            );
        }
        let mut cards = 0;
        for c in &cells {
            let grouped = format!("{}-{}", &c[..1], &c[1..]);
            let fast = outcome(|r| r.field(Some(Kind::Card), c));
            assert_eq!(
                fast,
                outcome(|r| r.field(Some(Kind::Card), &grouped)),
                "{c}"
            );
            cards += usize::from(fast.0 & bit(DataItem::CardNumber) != 0);
        }
        assert!(cards >= 2, "{cards}");
    }

    #[test]
    fn timestamps() {
        for t in [
            "2026-11-01",
            "2026/11/01",
            "1999-1-2",
            "2026-11-01 00:00",
            "2026-11-01 9:05:59",
        ] {
            assert!(is_timestamp(t.as_bytes()), "{t}");
        }
        for t in [
            "0120-11-01",
            "2026-11/01",
            "2026-11-01 ",
            "2026-11-01 00",
            "2026-11-01 00:0",
            "2026-11-01 00:00:",
            "2026-11-01 0312345678",
            "2026-11-011",
            "20261-1-01",
            "2026-",
        ] {
            assert!(!is_timestamp(t.as_bytes()), "{t}");
        }
    }

    #[test]
    fn free_text() {
        assert_eq!(items_of("バッチ開始"), Vec::<&str>::new());
        assert_eq!(
            items_of("注文 1234-5678-9012-3456 を受付"),
            Vec::<&str>::new()
        );
        assert_eq!(items_of("カード 4111-1111-1111-1111"), vec!["card_number"]);
        assert_eq!(items_of("受付番号 123456789018"), Vec::<&str>::new());
        assert_eq!(items_of("個人番号：123456789018"), vec!["my_number"]);
        assert_eq!(items_of("マイナンバー 1234 5678 9018"), vec!["my_number"]);
        assert_eq!(items_of("着信 +81 90-1234-5678"), vec!["phone"]);
        assert_eq!(items_of("ＴＥＬ：０３－１２３４－５６７８"), vec!["phone"]);
        assert_eq!(items_of("2026-11-01 10:00:00 login ok"), Vec::<&str>::new());
        assert_eq!(items_of("user=Taro@Example.jp"), vec!["email"]);
        assert_eq!(items_of("〒100-0001 東京都千代田区"), vec!["address"]);
        assert_eq!(items_of("100-0001 東京都千代田区"), vec!["address"]);
        assert_eq!(
            items_of("氏名: 山田 太郎, 病名: 糖尿病"),
            vec!["name", "medical_history"]
        );
        assert_eq!(
            items_of("hash=$2b$12$abcdefghijklmnopqrstuvABCDEFGHIJKLmnopqrstuvwx12345"),
            vec!["password"]
        );
        assert_eq!(items_of("03-1234-5678 03-1234-5679"), vec!["phone"]);
    }
}

#[cfg(test)]
mod timing {
    use super::*;
    use crate::dict::header_kind;

    /// Per-cell cost, for profiling: `cargo test --release -p roei-scan --lib -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a check"]
    #[allow(clippy::many_single_char_names)]
    fn cell_costs() {
        let row = "4698365270972170,2026-11-01 00:00,吉田 拓也,1941-06-08,user58851@example.jp,090-0005-8851,神奈川県横浜市中区本町1-22,4000000002656678,1000,配送先変更あり";
        let heads =
            "注文番号,注文日時,氏名,生年月日,メールアドレス,電話番号,住所,カード番号,金額,備考";
        let mut t = Tally::default();
        let mut r = Record::new();
        let n: u32 = 200_000;
        for (h, v) in heads.split(',').zip(row.split(',')) {
            let k = header_kind(h);
            let s = std::time::Instant::now();
            for _ in 0..n {
                r.field(k, std::hint::black_box(v));
                r.items = 0;
                r.keys.clear();
                r.name.clear();
            }
            println!(
                "{h:>8} {k:?}: {:.0} ns",
                s.elapsed().as_secs_f64() * 1e9 / f64::from(n)
            );
        }
        let s = std::time::Instant::now();
        for i in 0..n {
            r.keys
                .extend([u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1, 7, 9]);
            r.items = 1;
            r.finish(&mut t);
        }
        println!(
            "finish: {:.0} ns",
            s.elapsed().as_secs_f64() * 1e9 / f64::from(n)
        );
    }
}
