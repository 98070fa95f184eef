//! A generator of realistic Japanese leaked files with known truth (persons under the linkage
//! rule, persons with card numbers, records per item), for tests and benchmarks. Deterministic
//! for a seed.
//!
//! The traps: 16-digit order numbers that look like Visa numbers but fail Luhn; bare 12-digit
//! numbers with a valid My Number check digit but no label; the same person in a UTF-8 CSV
//! (`山田 太郎`, `1980-01-02`) and in a Shift_JIS CSV (`山田　太郎`, `昭和55年1月2日`) with no
//! other identifier in common; full-width digits; +81 numbers; e-mail addresses in another
//! case; a log line with no personal data.

#![allow(clippy::format_push_string, clippy::many_single_char_names)]

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::Path;

use roei_law::DataItem;

use crate::validate::luhn;

/// SplitMix64: small, deterministic, good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[usize::try_from(self.below(xs.len() as u64)).unwrap_or(0)]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FAMILY: &[(&str, &str)] = &[
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
];
const GIVEN: &[(&str, &str)] = &[
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("翔太", "ショウタ"),
    ("陽菜", "ヒナ"),
    ("健一", "ケンイチ"),
    ("美咲", "ミサキ"),
    ("大輔", "ダイスケ"),
    ("由美", "ユミ"),
    ("誠", "マコト"),
    ("愛", "アイ"),
    ("拓也", "タクヤ"),
    ("恵子", "ケイコ"),
];
const PLACES: &[(&str, &str)] = &[
    ("東京都", "千代田区丸の内"),
    ("大阪府", "大阪市北区梅田"),
    ("神奈川県", "横浜市中区本町"),
    ("愛知県", "名古屋市中村区名駅"),
    ("福岡県", "福岡市博多区博多駅前"),
    ("北海道", "札幌市中央区北一条西"),
];
const DISEASES: &[&str] = &[
    "糖尿病",
    "高血圧症",
    "気管支喘息",
    "うつ病",
    "腰椎椎間板ヘルニア",
];
const DRUGS: &[&str] = &["メトホルミン", "アムロジピン", "ロキソプロフェン", "なし"];

/// One generated person.
#[derive(Debug, Clone)]
pub struct Person {
    pub family: &'static str,
    pub given: &'static str,
    pub family_kana: &'static str,
    pub given_kana: &'static str,
    /// yyyymmdd
    pub birth: u32,
    pub email: String,
    pub phone: String,
    pub card: Option<String>,
    pub my_number: String,
}

fn digits_of(n: u64, width: usize) -> String {
    format!("{n:0width$}")
}

fn with_luhn(body: &str, valid: bool) -> String {
    let mut s = format!("{body}0");
    for c in b'0'..=b'9' {
        s.pop();
        s.push(char::from(c));
        if luhn(s.as_bytes()) == valid {
            return s;
        }
    }
    s
}

/// A card number of a real brand passing Luhn, unique for `i`.
pub fn card_number(rng: &mut Rng, i: u64) -> String {
    let (prefix, len) = *rng.pick(&[
        ("4", 16usize),
        ("53", 16),
        ("3540", 16),
        ("37", 15),
        ("2221", 16),
    ]);
    let fill = len - 1 - prefix.len();
    let body = format!(
        "{prefix}{}",
        digits_of(i % 10u64.pow(u32::try_from(fill).unwrap_or(8)), fill)
    );
    with_luhn(&body, true)
}

/// A 16-digit order number starting with 4 (Visa's prefix) that fails Luhn.
pub fn order_number(rng: &mut Rng) -> String {
    with_luhn(
        &format!("4{}", digits_of(rng.below(10u64.pow(14)), 14)),
        false,
    )
}

/// 12 digits with a valid My Number check digit.
pub fn my_number(i: u64) -> String {
    const W: [u32; 11] = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    let body = digits_of(
        i.wrapping_mul(7_919).wrapping_add(10_000_000_000) % 100_000_000_000,
        11,
    );
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let r = sum % 11;
    let c = if r <= 1 { 0 } else { 11 - r };
    format!("{body}{c}")
}

impl Person {
    pub fn new(rng: &mut Rng, i: u64) -> Person {
        let (family, family_kana) = *rng.pick(FAMILY);
        let (given, given_kana) = *rng.pick(GIVEN);
        let y = 1940 + u32::try_from(rng.below(66)).unwrap_or(0);
        let m = 1 + u32::try_from(rng.below(12)).unwrap_or(0);
        let d = 1 + u32::try_from(rng.below(28)).unwrap_or(0);
        let card = if rng.chance(30) {
            Some(card_number(rng, i))
        } else {
            None
        };
        Person {
            family,
            given,
            family_kana,
            given_kana,
            birth: y * 10_000 + m * 100 + d,
            email: format!("user{i}@example.jp"),
            phone: format!("090-{:04}-{:04}", (i / 10_000) % 10_000, i % 10_000),
            card,
            my_number: my_number(i),
        }
    }
    fn name(&self) -> String {
        format!("{} {}", self.family, self.given)
    }
    fn name_key(&self) -> String {
        format!("{}{}", self.family, self.given)
    }
    fn ymd(&self) -> (u32, u32, u32) {
        (
            self.birth / 10_000,
            self.birth / 100 % 100,
            self.birth % 100,
        )
    }
    fn iso(&self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y:04}-{m:02}-{d:02}")
    }
    fn slashed(&self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y}/{m}/{d}")
    }
    /// 和暦: 昭和55年1月2日 (or S55.1.2 when `short`).
    pub fn wareki(&self, short: bool) -> String {
        let (y, m, d) = self.ymd();
        let (era, letter, ey) = if self.birth >= 19_890_108 {
            ("平成", "H", y - 1988)
        } else {
            ("昭和", "S", y - 1925)
        };
        if short {
            format!("{letter}{ey}.{m}.{d}")
        } else if ey == 1 {
            format!("{era}元年{m}月{d}日")
        } else {
            format!("{era}{ey}年{m}月{d}日")
        }
    }
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            ' ' => '\u{3000}',
            _ => c,
        })
        .collect()
}

fn phone_digits(p: &str) -> String {
    p.chars().filter(char::is_ascii_digit).collect()
}

/// An identifier the truth links on, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Id {
    Email(String),
    Phone(String),
    MyNumber(String),
    Card(String),
    NameBirth(String, u32),
}

/// What the files hold, by construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Truth {
    pub files: u64,
    pub records: u64,
    pub persons: u64,
    pub persons_with_card_number: u64,
    pub item_records: BTreeMap<&'static str, u64>,
    ids: HashMap<Id, usize>,
    parent: Vec<usize>,
    card: Vec<bool>,
    singles: u64,
}

impl Truth {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            x = self.parent[x];
        }
        x
    }
    fn record(&mut self, items: &[DataItem], ids: &[Id]) {
        self.records += 1;
        let mut seen: Vec<DataItem> = items.to_vec();
        seen.sort();
        seen.dedup();
        for i in &seen {
            *self.item_records.entry(i.code()).or_default() += 1;
        }
        if ids.is_empty() {
            if !items.is_empty() {
                self.singles += 1;
            }
            return;
        }
        let has_card = ids.iter().any(|i| matches!(i, Id::Card(_)));
        let mut root = None;
        for id in ids {
            let next = self.parent.len();
            let n = *self.ids.entry(id.clone()).or_insert(next);
            if n == next {
                self.parent.push(n);
                self.card.push(false);
            }
            let rn = self.find(n);
            root = Some(match root {
                None => rn,
                Some(r) if r == rn => r,
                Some(r) => {
                    self.parent[rn] = r;
                    if self.card[rn] {
                        self.card[r] = true;
                    }
                    r
                }
            });
        }
        if has_card && let Some(r) = root {
            self.card[r] = true;
        }
    }
    fn finish(&mut self) {
        let mut persons = self.singles;
        let mut card = 0;
        for i in 0..self.parent.len() {
            if self.find(i) == i {
                persons += 1;
                if self.card[i] {
                    card += 1;
                }
            }
        }
        self.persons = persons;
        self.persons_with_card_number = card;
    }
    /// The codes of the items present, sorted.
    pub fn items(&self) -> Vec<&'static str> {
        self.item_records.keys().copied().collect()
    }
}

/// A generated file: its name and content.
#[derive(Debug, Clone)]
pub struct GeneratedFile {
    pub name: String,
    pub data: Vec<u8>,
}

use DataItem as D;

/// A leak of about `n` customers over nine files (CSV in UTF-8 and in Shift_JIS, a log, JSON
/// Lines, a JSON array, a gzipped TSV, a zip of a CSV and a text file, an XLSX workbook).
pub fn leak(seed: u64, n: usize) -> (Vec<GeneratedFile>, Truth) {
    let mut rng = Rng::new(seed);
    let mut t = Truth::default();
    let n64 = n as u64;
    let people: Vec<Person> = (0..n64).map(|i| Person::new(&mut rng, i)).collect();
    let mut files = Vec::new();
    let nb = |p: &Person| Id::NameBirth(p.name_key(), p.birth);

    // 1. customers.csv, UTF-8 with a BOM: every customer, some twice (repeat orders).
    let mut s = String::from(
        "\u{feff}顧客番号,氏名,フリガナ,生年月日,性別,メールアドレス,電話番号,郵便番号,住所,注文番号,カード番号\r\n",
    );
    for (i, p) in people.iter().enumerate() {
        let times = if i % 9 == 0 { 2 } else { 1 };
        for _ in 0..times {
            let (pref, city) = *rng.pick(PLACES);
            let phone = if i % 11 == 3 { "" } else { p.phone.as_str() };
            let birth = if i % 2 == 0 { p.iso() } else { p.slashed() };
            let card = p.card.clone().unwrap_or_default();
            let addr = format!("{pref}{city}{}-{}-{}", 1 + i % 9, 1 + i % 20, 1 + i % 30);
            // An address with a comma is quoted.
            let addr = if i % 13 == 0 {
                format!("\"{addr}, {}号室\"", 100 + i % 300)
            } else {
                addr
            };
            s.push_str(&format!(
                "C{i:07},{},{} {},{birth},{},{},{phone},{:03}-{:04},{addr},{},{card}\r\n",
                p.name(),
                p.family_kana,
                p.given_kana,
                if i % 2 == 0 { "男" } else { "女" },
                p.email,
                100 + i % 900,
                i % 10_000,
                order_number(&mut rng),
            ));
            let mut items = vec![
                D::CustomerId,
                D::Name,
                D::BirthDate,
                D::Gender,
                D::Email,
                D::Address,
            ];
            let mut ids = vec![Id::Email(p.email.clone()), nb(p)];
            if !phone.is_empty() {
                items.push(D::Phone);
                ids.push(Id::Phone(phone_digits(phone)));
            }
            if let Some(c) = &p.card {
                items.push(D::CardNumber);
                ids.push(Id::Card(c.clone()));
            }
            t.record(&items, &ids);
        }
    }
    files.push(GeneratedFile {
        name: "customers.csv".into(),
        data: s.into_bytes(),
    });

    // 2. members_sjis.csv, Shift_JIS: every 5th customer again, spelled differently (full-width
    // space, 和暦, a new mobile number in full-width digits), plus new members.
    let extra: Vec<Person> = (0..n64 / 4)
        .map(|i| Person::new(&mut rng, 1_000_000 + i))
        .collect();
    let mut s = String::from("会員ID,お名前,生年月日,携帯電話,備考\r\n");
    let mut k = 0u64;
    for (i, p) in people.iter().step_by(5).chain(extra.iter()).enumerate() {
        k += 1;
        let phone = format!("080-{:04}-{:04}", (k / 10_000) % 10_000, k % 10_000);
        let note = match i % 4 {
            0 => format!("マイナンバー：{}", p.my_number),
            1 => format!("受付番号 {}", my_number(k + 500_000)),
            _ => String::new(),
        };
        s.push_str(&format!(
            "M{k:06},{}　{},{},{},{note}\r\n",
            p.family,
            p.given,
            p.wareki(i % 3 == 0),
            full_width(&phone),
        ));
        let mut items = vec![D::CustomerId, D::Name, D::BirthDate, D::Phone];
        let mut ids = vec![nb(p), Id::Phone(phone_digits(&phone))];
        if i % 4 == 0 {
            items.push(D::MyNumber);
            ids.push(Id::MyNumber(p.my_number.clone()));
        }
        t.record(&items, &ids);
    }
    let (sjis, _, bad) = encoding_rs::SHIFT_JIS.encode(&s);
    assert!(!bad, "the generated text is in Shift_JIS's repertoire");
    files.push(GeneratedFile {
        name: "members_sjis.csv".into(),
        data: sjis.into_owned(),
    });

    // 3. access.log: log lines, some without personal data.
    let mut s = String::new();
    for (i, p) in people.iter().enumerate() {
        let ts = format!(
            "2026-11-{:02}T{:02}:{:02}:{:02}",
            1 + i % 28,
            i % 24,
            i % 60,
            (i * 7) % 60
        );
        if i % 3 == 0 {
            let email = if i % 2 == 0 {
                p.email.to_uppercase()
            } else {
                p.email.clone()
            };
            s.push_str(&format!(
                "{ts} INFO login ok user={email} from 192.0.2.{}\n",
                i % 250
            ));
            t.record(&[D::Email], &[Id::Email(p.email.clone())]);
        }
        if i % 7 == 0 && i % 11 != 3 {
            let intl = format!("+81 {}", &p.phone[1..]);
            s.push_str(&format!("{ts} WARN 着信 {intl} 折返し依頼\n"));
            t.record(&[D::Phone], &[Id::Phone(phone_digits(&p.phone))]);
        }
        if i % 5 == 0 {
            let o = order_number(&mut rng);
            s.push_str(&format!(
                "{ts} INFO 注文 {}-{}-{}-{} 受付 受付番号 {}\n",
                &o[..4],
                &o[4..8],
                &o[8..12],
                &o[12..],
                my_number(i as u64)
            ));
            t.record(&[], &[]);
        }
        if i % 10 == 0 {
            s.push_str(&format!("{ts} INFO バッチ開始\n\n"));
            t.record(&[], &[]);
        }
    }
    for i in 0..n64 / 10 {
        s.push_str(&format!(
            "2026-11-30T23:59:59 INFO 新規登録 guest{i}@example.net\n"
        ));
        t.record(&[D::Email], &[Id::Email(format!("guest{i}@example.net"))]);
    }
    files.push(GeneratedFile {
        name: "access.log".into(),
        data: s.into_bytes(),
    });

    // 4. orders.jsonl: every 2nd customer; the card (grouped in fours) also for customers who
    // had none in customers.csv.
    let mut s = String::new();
    for (i, p) in people.iter().enumerate().step_by(2) {
        let card = p
            .card
            .clone()
            .unwrap_or_else(|| card_number(&mut rng, 5_000_000 + i as u64));
        let grouped: Vec<String> = card
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        s.push_str(
            &serde_json::json!({
                "order_id": order_number(&mut rng),
                "amount": 1200 + i,
                "customer": {"email": p.email, "payment": {"card_number": grouped.join(" ")}},
            })
            .to_string(),
        );
        s.push('\n');
        t.record(
            &[D::Email, D::CardNumber],
            &[Id::Email(p.email.clone()), Id::Card(card)],
        );
    }
    files.push(GeneratedFile {
        name: "orders.jsonl".into(),
        data: s.into_bytes(),
    });

    // 5. patients.json: a JSON array; every 10th customer (same spelling) and new patients.
    let patients: Vec<Person> = (0..n64 / 10)
        .map(|i| Person::new(&mut rng, 2_000_000 + i))
        .collect();
    let mut arr = Vec::new();
    for (i, p) in people.iter().step_by(10).chain(patients.iter()).enumerate() {
        arr.push(serde_json::json!({
            "患者番号": format!("P{i:06}"),
            "氏名": p.name(),
            "生年月日": p.slashed(),
            "病名": rng.pick(DISEASES),
            "処方": rng.pick(DRUGS),
        }));
        t.record(
            &[D::Name, D::BirthDate, D::MedicalHistory, D::MedicalCare],
            &[nb(p)],
        );
    }
    files.push(GeneratedFile {
        name: "patients.json".into(),
        data: serde_json::to_vec_pretty(&arr).expect("json"),
    });

    // 6. staff.tsv.gz: new persons; 障害 empty for most.
    let mut s = String::from("社員番号\t氏名\t生年月日\tメール\t口座番号\t障害\n");
    for i in 0..n64 / 5 {
        let p = Person::new(&mut rng, 3_000_000 + i);
        let dis = if i % 6 == 0 {
            "身体障害者手帳2級"
        } else {
            ""
        };
        s.push_str(&format!(
            "E{i:05}\t{}\t{}\t{}\t普通 {:07}\t{dis}\n",
            p.name(),
            p.iso(),
            p.email,
            1_000_000 + i
        ));
        let mut items = vec![
            D::EmployeeId,
            D::Name,
            D::BirthDate,
            D::Email,
            D::BankAccount,
        ];
        if !dis.is_empty() {
            items.push(D::Disability);
        }
        t.record(&items, &[nb(&p), Id::Email(p.email.clone())]);
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(s.as_bytes()).expect("gzip");
    files.push(GeneratedFile {
        name: "staff.tsv.gz".into(),
        data: gz.finish().expect("gzip"),
    });

    // 7. archive.zip: old customers found by phone only (full-width digits or +81), and a
    // readme with no personal data.
    let mut s = String::from("ID,TEL,メモ\n");
    for (i, p) in people.iter().enumerate().step_by(4) {
        if i % 11 == 3 {
            continue;
        }
        let tel = if i % 8 == 0 {
            full_width(&p.phone)
        } else {
            format!("+81-{}", &p.phone[1..])
        };
        s.push_str(&format!("{i},{tel},旧システムより移行\n"));
        t.record(&[D::Phone], &[Id::Phone(phone_digits(&p.phone))]);
    }
    let readme = "このアーカイブは旧顧客システムのエクスポートです。\n作成: 2026-11-01\n";
    t.record(&[], &[]);
    t.record(&[], &[]);
    files.push(GeneratedFile {
        name: "archive.zip".into(),
        data: zip_of(&[
            ("old/customers_old.csv", s.as_bytes()),
            ("README.txt", readme.as_bytes()),
        ]),
    });

    // 8. members.xlsx: every 6th customer by e-mail, and new members with a My Number column.
    let mut rows = vec![vec![
        "氏名".to_owned(),
        "メールアドレス".to_owned(),
        "個人番号".to_owned(),
    ]];
    for (i, p) in people.iter().enumerate().step_by(6) {
        rows.push(vec![p.name(), p.email.clone(), String::new()]);
        let _ = i;
        t.record(&[D::Name, D::Email], &[Id::Email(p.email.clone())]);
    }
    for i in 0..n64 / 20 {
        let p = Person::new(&mut rng, 4_000_000 + i);
        rows.push(vec![p.name(), p.email.clone(), p.my_number.clone()]);
        t.record(
            &[D::Name, D::Email, D::MyNumber],
            &[
                Id::Email(p.email.clone()),
                Id::MyNumber(p.my_number.clone()),
            ],
        );
    }
    files.push(GeneratedFile {
        name: "members.xlsx".into(),
        data: xlsx_of("会員", &rows),
    });

    t.files = 9;
    t.finish();
    (files, t)
}

/// Writes [`leak`] into `dir`.
pub fn write_leak(dir: &Path, seed: u64, n: usize) -> io::Result<Truth> {
    let (files, truth) = leak(seed, n);
    for f in files {
        std::fs::write(dir.join(&f.name), &f.data)?;
    }
    Ok(truth)
}

/// A zip archive of `(name, content)` entries, deflated.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).expect("zip entry");
        w.write_all(data).expect("zip write");
    }
    w.finish().expect("zip").into_inner()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A minimal XLSX workbook of one sheet of inline strings.
pub fn xlsx_of(sheet: &str, rows: &[Vec<String>]) -> Vec<u8> {
    let mut data = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        data.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, v) in row.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            let col = char::from(b'A' + u8::try_from(c).unwrap_or(0));
            data.push_str(&format!(
                "<c r=\"{col}{}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                r + 1,
                xml_escape(v)
            ));
        }
        data.push_str("</row>");
    }
    data.push_str("</sheetData></worksheet>");
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        xml_escape(sheet)
    );
    let wb_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    zip_of(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", data.as_bytes()),
    ])
}

/// A large customer-order CSV for benchmarks: rows of `population` distinct customers repeated
/// (as order histories are), until about `bytes`. Returns the rows written.
pub fn big_csv(w: &mut impl Write, seed: u64, bytes: u64, population: usize) -> io::Result<u64> {
    use std::fmt::Write as _;
    let mut rng = Rng::new(seed);
    let people: Vec<Person> = (0..population as u64)
        .map(|i| Person::new(&mut rng, i))
        .collect();
    let mut out = io::BufWriter::with_capacity(1 << 20, w);
    let header =
        "注文番号,注文日時,氏名,生年月日,メールアドレス,電話番号,住所,カード番号,金額,備考\n";
    out.write_all(header.as_bytes())?;
    let mut written = header.len() as u64;
    let mut rows = 0u64;
    let mut line = String::with_capacity(256);
    while written < bytes {
        let i = usize::try_from(rng.below(population as u64)).unwrap_or(0);
        let p = &people[i];
        let (pref, city) = *rng.pick(PLACES);
        line.clear();
        let _ = writeln!(
            line,
            "{},2026-11-{:02} {:02}:{:02},{},{},{},{},{pref}{city}{}-{},{},{},{}",
            order_number(&mut rng),
            1 + rows % 28,
            rows % 24,
            rows % 60,
            p.name(),
            p.iso(),
            p.email,
            p.phone,
            1 + i % 9,
            1 + i % 30,
            p.card.as_deref().unwrap_or(""),
            1000 + rows % 9000,
            if rows.is_multiple_of(17) {
                "配送先変更あり"
            } else {
                ""
            },
        );
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
        rows += 1;
    }
    out.flush()?;
    Ok(rows)
}
