//! The law engine's cost per determination, and the 確報 deadline arithmetic under it.
//!
//! ```sh
//! cargo bench -p roei-law --bench assess
//! ```
//!
//! * `full`: what `roei assess --batch --format json` does per line — [`Facts::from_json`],
//!   [`roei_law::assess`], and serializing `det.localized(Lang::Ja)` with serde_json.
//! * `assess_only`, `from_json`, `serialize_ja`: the three steps of `full` alone, to see where the
//!   time goes; `from_str_untracked`: `from_json` without the field-path tracking, for comparison.
//! * `deadline`: `roei_calendar::deadline` (30 or 60 days with the 行政機関の休日 roll-over).
//!
//! Figures and how to read them: docs/perf.md.

use std::fmt;

use divan::{Bencher, black_box};
use jiff::civil::{Date, date};
use roei_law::{Facts, Lang};

fn main() {
    divan::main();
}

/// A typical facts object.
#[derive(Debug)]
struct Case {
    name: &'static str,
    json: &'static str,
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

const CASES: &[Case] = &[
    // Items 1, 2, 3 and 4 at once, cyber (police), 60 days, a long trace.
    Case {
        name: "ransomware_many_items",
        json: r#"{"regime":"private","known_on":"2026-06-15","occurred_on":"2026-06-12","events":["leak","damage"],"suspected":true,"data_items":["name","address","phone","email","birth_date","customer_id","login_id","password","card_number","card_expiry","medical_history","health_checkup","my_number"],"cause":"ransomware","persons":45000}"#,
    },
    // No item applies: nothing is due.
    Case {
        name: "missent_email_no_trigger",
        json: r#"{"known_on":"2026-11-20","events":["leak"],"data_items":["name","email"],"cause":"missent_email","persons":10}"#,
    },
    // Item 2 and 3, but the entrustee has notified its entruster: exempt.
    Case {
        name: "entrustee_exempt",
        json: r#"{"known_on":"2026-11-20","events":["leak"],"data_items":["name","card_number","card_expiry","card_security_code"],"cause":"web_skimming","entrustee":true,"entruster_notified":true,"persons":300}"#,
    },
    // Before 2022-04-01: the voluntary era of the 2017 notice.
    Case {
        name: "voluntary_era",
        json: r#"{"known_on":"2021-06-01","events":["leak"],"data_items":["name","address","medical_history"],"cause":"unauthorized_access","persons":2500}"#,
    },
    // Local body, item 4 (more than 100 persons): day 30 is 12/29, due rolls over the year end.
    Case {
        name: "year_end_rollover",
        json: r#"{"regime":"local_public","known_on":"2026-11-30","events":["loss"],"data_items":["name","address","phone"],"cause":"loss","persons":150}"#,
    },
];

fn facts(case: &Case) -> Facts {
    Facts::from_json(case.json).expect("bench facts are valid")
}

/// Parse + assess + serialize, as `roei assess --batch --format json` per line.
#[divan::bench(args = CASES)]
fn full(bencher: Bencher, case: &Case) {
    bencher
        .with_inputs(|| Vec::with_capacity(16 * 1024))
        .bench_local_refs(|out: &mut Vec<u8>| {
            out.clear();
            let facts = Facts::from_json(black_box(case.json)).expect("valid");
            let det = roei_law::assess(&facts);
            serde_json::to_writer(&mut *out, &det.localized(Lang::Ja)).expect("serializes");
            out.push(b'\n');
        });
}

/// The engine alone, on parsed facts.
#[divan::bench(args = CASES)]
fn assess_only(bencher: Bencher, case: &Case) {
    let facts = facts(case);
    bencher.bench_local(|| roei_law::assess(black_box(&facts)));
}

/// Strict parsing and validation alone.
#[divan::bench(args = CASES)]
fn from_json(case: &Case) -> Facts {
    Facts::from_json(black_box(case.json)).expect("valid")
}

/// For comparison with `from_json`: plain serde_json into `Facts` plus the cross-field checks,
/// without the `serde_path_to_error` tracking that `from_json` adds to name the bad field. Valid
/// input gets the same `Facts` either way (docs/perf.md: a fast path for valid lines).
#[divan::bench(args = CASES)]
fn from_str_untracked(case: &Case) -> Facts {
    let facts: Facts = serde_json::from_str(black_box(case.json)).expect("valid");
    facts.validate().expect("valid");
    facts
}

/// Serializing the determination (Japanese reasons) alone.
#[divan::bench(args = CASES)]
fn serialize_ja(bencher: Bencher, case: &Case) {
    let det = roei_law::assess(&facts(case));
    bencher
        .with_inputs(|| Vec::with_capacity(16 * 1024))
        .bench_local_refs(|out: &mut Vec<u8>| {
            out.clear();
            serde_json::to_writer(&mut *out, &black_box(&det).localized(Lang::Ja))
                .expect("serializes");
        });
}

/// A day of knowing and a 確報 period.
#[derive(Debug, Clone, Copy)]
struct Period {
    name: &'static str,
    known_on: Date,
    days: i32,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

const PERIODS: &[Period] = &[
    // Day 30 is Friday 2026-12-18: no roll-over.
    Period {
        name: "30d_open_day",
        known_on: date(2026, 11, 19),
        days: 30,
    },
    // Day 30 is 2026-12-29: rolls over 12/29–1/3 to Monday 2027-01-04 (6 days skipped).
    Period {
        name: "30d_year_end",
        known_on: date(2026, 11, 30),
        days: 30,
    },
    // Day 60 is 2026-05-03 (憲法記念日, a Sunday): Golden Week and its 振替休日.
    Period {
        name: "60d_golden_week",
        known_on: date(2026, 3, 5),
        days: 60,
    },
];

/// `roei_calendar::deadline` (holiday table already built: the first call builds it once).
#[divan::bench(args = PERIODS)]
fn deadline(bencher: Bencher, p: Period) {
    roei_calendar::deadline(p.known_on, p.days).expect("in range");
    bencher.bench(|| roei_calendar::deadline(black_box(p.known_on), black_box(p.days)));
}
