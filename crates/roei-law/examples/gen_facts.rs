//! Writes N realistic, varied incident-facts lines (JSON Lines, assess-contract.md §Input) to
//! standard output, deterministically from a seed: the input of the `roei assess --batch`
//! benchmark (`scripts/bench-assess`, `docs/perf.md`).
//!
//! ```sh
//! cargo run --release -p roei-law --example gen_facts -- 200000 > /tmp/facts.jsonl
//! cargo run --release -p roei-law --example gen_facts -- 1000 42   # another seed
//! ```
//!
//! Every line is valid input: the regime-bound flags stay in their regimes, `entruster_notified`
//! comes only with `entrustee`, and `occurred_on` is never after `known_on`. The lines cover the
//! three regimes, `known_on` from 2021 to 2027 (so the voluntary era, the 2022-04-01 and the
//! 2024-04-01 rule sets, and local bodies before and after 2023-04-01 are all exercised), every
//! event, cause and data-item code, persons from 0 to 100,000 or absent, and every flag.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use jiff::ToSpan as _;
use jiff::civil::{Date, date};

/// xorshift64* — tiny, deterministic, good enough to vary benchmark input.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // A zero state would stay zero; splitmix the seed so nearby seeds differ.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Self((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`; the modulo bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        (self.next() >> 11) % n
    }

    fn index(&mut self, n: usize) -> usize {
        usize::try_from(self.below(n as u64)).expect("below n fits usize")
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.index(xs.len())]
    }

    /// Picks from `(weight, value)` pairs.
    fn weighted<T: Copy>(&mut self, xs: &[(u64, T)]) -> T {
        let total: u64 = xs.iter().map(|(w, _)| w).sum();
        let mut r = self.below(total);
        for (w, x) in xs {
            if r < *w {
                return *x;
            }
            r -= w;
        }
        xs[xs.len() - 1].1
    }
}

const IDENTITY: &[&str] = &[
    "name",
    "birth_date",
    "gender",
    "address",
    "phone",
    "email",
    "sns_account",
    "login_id",
    "customer_id",
    "employee_id",
    "photo",
    "my_number",
    "drivers_license_number",
    "passport_number",
    "health_insurance_number",
    "other",
];
const CONTACT: &[&str] = &["name", "address", "phone", "email"];
const FINANCIAL: &[&str] = &[
    "card_number",
    "card_last4",
    "card_expiry",
    "card_security_code",
    "bank_account",
    "bank_pin",
    "online_banking_credentials",
    "payment_service_credentials",
    "password",
];
const CARD: &[&str] = &[
    "card_number",
    "card_expiry",
    "card_security_code",
    "card_last4",
];
const CREDENTIALS: &[&str] = &[
    "login_id",
    "password",
    "online_banking_credentials",
    "payment_service_credentials",
];
const SENSITIVE: &[&str] = &[
    "race",
    "creed",
    "social_status",
    "medical_history",
    "criminal_record",
    "crime_victim",
    "disability",
    "health_checkup",
    "medical_care",
    "criminal_procedure",
    "juvenile_procedure",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Regime {
    Private,
    National,
    Local,
}

/// One line of JSON under construction (every value written here is a known code or a number,
/// so nothing needs escaping).
struct Line {
    buf: String,
}

impl Line {
    fn new() -> Self {
        Self {
            buf: String::from("{"),
        }
    }
    fn key(&mut self, k: &str) {
        if self.buf.len() > 1 {
            self.buf.push(',');
        }
        self.buf.push('"');
        self.buf.push_str(k);
        self.buf.push_str("\":");
    }
    fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        self.buf.push('"');
        self.buf.push_str(v);
        self.buf.push('"');
    }
    fn raw(&mut self, k: &str, v: &str) {
        self.key(k);
        self.buf.push_str(v);
    }
    fn bool(&mut self, k: &str, v: bool) {
        self.raw(k, if v { "true" } else { "false" });
    }
    fn list(&mut self, k: &str, vs: &[&str]) {
        self.key(k);
        self.buf.push('[');
        for (i, v) in vs.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            self.buf.push('"');
            self.buf.push_str(v);
            self.buf.push('"');
        }
        self.buf.push(']');
    }
    /// A flag that is usually left out (its default `false`), sometimes written either way.
    fn flag(&mut self, rng: &mut Rng, k: &str, percent_true: u64) {
        if rng.chance(percent_true) {
            self.bool(k, true);
        } else if rng.chance(5) {
            self.bool(k, false);
        }
    }
    /// A `bool | null` answer: mostly left open (derived), sometimes stated.
    fn tri(&mut self, rng: &mut Rng, k: &str, percent_stated: u64) {
        if rng.chance(percent_stated) {
            let v = rng.chance(50);
            self.bool(k, v);
        } else if rng.chance(3) {
            self.raw(k, "null");
        }
    }
    fn finish(mut self) -> String {
        self.buf.push('}');
        self.buf
    }
}

fn push_unique<'a>(items: &mut Vec<&'a str>, item: &'a str) {
    if !items.contains(&item) {
        items.push(item);
    }
}

fn some_of<'a>(rng: &mut Rng, items: &mut Vec<&'a str>, pool: &[&'a str], max: usize) {
    let n = 1 + rng.index(max);
    for _ in 0..n {
        push_unique(items, rng.pick(pool));
    }
}

const FIRST: Date = date(2021, 1, 1);
const DAYS: i64 = 2556; // 2021-01-01 ..= 2027-12-31

fn known_on(rng: &mut Rng) -> Date {
    let day = if rng.chance(6) {
        // Knowing in late October / late November puts day 60 / day 30 in the year-end closure
        // (12/29–1/3), the roll-over the deadline code handles.
        let year = 2021 + i16::try_from(rng.below(7)).expect("small");
        let base = if rng.chance(50) {
            date(year, 10, 28)
        } else {
            date(year, 11, 27)
        };
        base.checked_add(i64::try_from(rng.below(8)).expect("small").days())
            .expect("in range")
    } else {
        FIRST
            .checked_add(i64::try_from(rng.below(DAYS as u64)).expect("small").days())
            .expect("in range")
    };
    day.min(date(2027, 12, 31))
}

/// Number of affected persons: log-uniform 0..=100,000, with the thresholds 1,000 (規則7条4号) and
/// 100 (規則43条4号) well represented.
fn persons(rng: &mut Rng) -> u64 {
    match rng.below(10) {
        0 => rng.below(11),
        1 => rng.pick(&[100, 101, 1000, 1001]),
        _ => {
            let digits = u32::try_from(rng.below(5)).expect("small"); // up to 10^1 .. 10^5
            rng.below(10u64.pow(digits + 1) + 1)
        }
    }
}

fn facts_line(rng: &mut Rng) -> String {
    let regime = rng.weighted(&[
        (70, Regime::Private),
        (15, Regime::National),
        (15, Regime::Local),
    ]);
    let known = known_on(rng);
    let cause = rng.weighted(&[
        (10, Some("unauthorized_access")),
        (6, Some("malware")),
        (8, Some("ransomware")),
        (5, Some("web_skimming")),
        (4, Some("theft")),
        (4, Some("insider_misconduct")),
        (10, Some("misdelivery")),
        (14, Some("missent_email")),
        (7, Some("misconfiguration")),
        (4, Some("erroneous_disposal")),
        (8, Some("loss")),
        (3, Some("phishing_of_individual")),
        (3, Some("other")),
        (14, None),
    ]);

    let mut line = Line::new();
    match regime {
        Regime::Private => {
            if rng.chance(40) {
                line.str("regime", "private");
            }
        }
        Regime::National => line.str("regime", "national_public"),
        Regime::Local => line.str("regime", "local_public"),
    }
    line.str("known_on", &known.to_string());
    if rng.chance(60) {
        let back = i64::try_from(rng.below(90)).expect("small");
        let occurred = known.checked_sub(back.days()).expect("in range");
        line.str("occurred_on", &occurred.to_string());
    } else if rng.chance(10) {
        line.raw("occurred_on", "null");
    }

    let events: &[&str] = match cause {
        Some("loss" | "theft") => rng.pick(&[&["loss"][..], &["leak"], &["loss", "leak"]]),
        Some("erroneous_disposal") => rng.pick(&[&["loss"][..], &["loss", "leak"]]),
        Some("ransomware") => rng.pick(&[&["leak", "damage"][..], &["damage"], &["leak"]]),
        Some("malware" | "misconfiguration") => rng.pick(&[
            &["leak"][..],
            &["leak"],
            &["damage"],
            &["leak", "loss", "damage"],
        ]),
        Some(
            "missent_email"
            | "misdelivery"
            | "web_skimming"
            | "insider_misconduct"
            | "phishing_of_individual",
        ) => &["leak"],
        _ => rng.pick(&[&["leak"][..], &["leak"], &["leak"], &["loss"], &["damage"]]),
    };
    line.list("events", events);
    line.flag(rng, "suspected", 25);
    line.flag(rng, "recovered_before_viewed", 3);
    if events.iter().all(|e| *e != "leak") {
        line.flag(rng, "copy_kept_elsewhere", 20);
    } else {
        line.flag(rng, "copy_kept_elsewhere", 2);
    }
    match rng.below(100) {
        0..=5 => line.str("data_form", "being_acquired"),
        6..=9 => line.str("data_form", "not_personal_data"),
        10..=14 => line.str("data_form", "personal_data"),
        _ => {}
    }

    let mut items = Vec::new();
    match cause {
        Some("web_skimming") => {
            some_of(rng, &mut items, CONTACT, 3);
            some_of(rng, &mut items, CARD, 4);
        }
        Some("ransomware" | "unauthorized_access" | "malware" | "insider_misconduct") => {
            some_of(rng, &mut items, IDENTITY, 8);
            if rng.chance(30) {
                some_of(rng, &mut items, FINANCIAL, 4);
            }
            if rng.chance(25) {
                some_of(rng, &mut items, SENSITIVE, 3);
            }
        }
        Some("phishing_of_individual") => some_of(rng, &mut items, CREDENTIALS, 3),
        Some("missent_email" | "misdelivery") => {
            some_of(rng, &mut items, CONTACT, 3);
            if rng.chance(15) {
                some_of(rng, &mut items, SENSITIVE, 2);
            }
            if rng.chance(5) {
                push_unique(&mut items, "my_number");
            }
        }
        _ => {
            if !rng.chance(10) {
                some_of(rng, &mut items, IDENTITY, 5);
                if rng.chance(15) {
                    some_of(rng, &mut items, SENSITIVE, 2);
                }
                if rng.chance(15) {
                    some_of(rng, &mut items, FINANCIAL, 3);
                }
            }
        }
    }
    if rng.chance(3) {
        // bank_account with bank_pin derives financial damage; alone it does not.
        push_unique(&mut items, "bank_account");
        if rng.chance(50) {
            push_unique(&mut items, "bank_pin");
        }
    }
    if !items.is_empty() || rng.chance(30) {
        line.list("data_items", &items);
    }
    line.tri(rng, "sensitive", 8);
    if regime == Regime::Local {
        line.flag(rng, "ordinance_sensitive", 10);
    }
    line.tri(rng, "financial_damage_risk", 6);
    match cause {
        Some(c) => line.str("cause", c),
        None if rng.chance(30) => line.raw("cause", "null"),
        None => {}
    }
    line.tri(rng, "malicious", 8);
    match rng.below(100) {
        0..=14 => {}
        15..=19 => line.raw("persons", "null"),
        _ => line.raw("persons", &persons(rng).to_string()),
    }
    if rng.chance(6) {
        line.bool("advanced_encryption", true);
        line.flag(rng, "key_compromised", 25);
    } else {
        line.flag(rng, "key_compromised", 1);
    }
    if regime == Regime::Private {
        line.flag(rng, "pseudonymized", 2);
    }
    if rng.chance(10) {
        line.bool("entrustee", true);
        line.flag(rng, "entruster_notified", 50);
    }
    line.flag(rng, "notice_difficult", 10);
    if regime != Regime::Private {
        line.flag(rng, "non_disclosure_info", 10);
    }
    line.finish()
}

fn usage() -> ExitCode {
    eprintln!("usage: gen_facts N [SEED]   (N facts lines as JSON Lines on stdout)");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(Ok(n)) = args.first().map(|a| a.replace('_', "").parse::<u64>()) else {
        return usage();
    };
    let seed = match args.get(1).map(|a| a.parse::<u64>()) {
        None => 20_261_122,
        Some(Ok(s)) => s,
        Some(Err(_)) => return usage(),
    };
    let mut rng = Rng::new(seed);
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let written = (0..n).try_for_each(|_| {
        out.write_all(facts_line(&mut rng).as_bytes())?;
        out.write_all(b"\n")
    });
    match written.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_facts: {e}");
            ExitCode::FAILURE
        }
    }
}
