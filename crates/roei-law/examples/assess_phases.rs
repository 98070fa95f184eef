//! Where the time of `roei assess --batch --format json` goes, on a real mix of facts: reads a
//! JSON Lines file into memory, then times each phase over all its lines, in one process, without
//! I/O (docs/perf.md).
//!
//! ```sh
//! cargo run --release -p roei-law --example gen_facts -- 200000 > /tmp/facts.jsonl
//! taskset -c 0 cargo run --release -p roei-law --example assess_phases -- /tmp/facts.jsonl
//! ```
//!
//! Phases: `Facts::from_json`; `roei_law::assess`; serializing `det.localized(Lang::Ja)` with
//! serde_json; dropping the determinations; and, for scale, the parse + reserialize baseline
//! (`serde_json::Value`) on the same lines. Each line goes through the phases in turn, as in
//! `roei assess --batch`, with a clock read between them (about 20 ns each, negligible against
//! microseconds); the whole file is run `ROUNDS` times (default 3) and the fastest round kept.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use roei_law::{Facts, FactsError, Lang};

/// Time spent in each phase over all lines, measured line by line as `roei assess --batch` runs.
struct Phases {
    parse: Duration,
    assess: Duration,
    serialize: Duration,
    drop: Duration,
    bytes: usize,
    reasons: usize,
    reason_bytes: usize,
    reason_bytes_en: usize,
}

impl Phases {
    fn total(&self) -> Duration {
        self.parse + self.assess + self.serialize + self.drop
    }

    fn measure(lines: &[&str]) -> Result<Self, FactsError> {
        let mut p = Phases {
            parse: Duration::ZERO,
            assess: Duration::ZERO,
            serialize: Duration::ZERO,
            drop: Duration::ZERO,
            bytes: 0,
            reasons: 0,
            reason_bytes: 0,
            reason_bytes_en: 0,
        };
        // Like the 64 KiB BufWriter of `roei assess --batch`: flushed (here: emptied) when full.
        let mut out = Vec::with_capacity(1 << 17);
        for line in lines {
            let t0 = Instant::now();
            let facts = Facts::from_json(line)?;
            let t1 = Instant::now();
            let det = roei_law::assess(&facts);
            let t2 = Instant::now();
            serde_json::to_writer(&mut out, &det.localized(Lang::Ja)).expect("serializes");
            out.push(b'\n');
            let t3 = Instant::now();
            p.reasons += det.reasons.len();
            p.reason_bytes += det.reasons.iter().map(|r| r.text_ja.len()).sum::<usize>();
            p.reason_bytes_en += det.reasons.iter().map(|r| r.text_en.len()).sum::<usize>();
            let t4 = Instant::now();
            drop(det);
            drop(facts);
            let t5 = Instant::now();
            p.parse += t1 - t0;
            p.assess += t2 - t1;
            p.serialize += t3 - t2;
            p.drop += t5 - t4;
            if out.len() >= 1 << 16 {
                p.bytes += out.len();
                out.clear();
            }
        }
        p.bytes += out.len();
        Ok(p)
    }
}

/// The parse + reserialize baseline (`serde_json::Value`) on the same lines, same buffering.
fn baseline(lines: &[&str]) -> (Duration, usize) {
    let mut out = Vec::with_capacity(1 << 17);
    let mut bytes = 0;
    let t = Instant::now();
    for line in lines {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        serde_json::to_writer(&mut out, &v).expect("serializes");
        out.push(b'\n');
        if out.len() >= 1 << 16 {
            bytes += out.len();
            out.clear();
        }
    }
    (t.elapsed(), bytes + out.len())
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: assess_phases FACTS.jsonl   (ROUNDS=3 by default)");
        return ExitCode::from(2);
    };
    let rounds = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3u32)
        .max(1);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("assess_phases: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let n = u32::try_from(lines.len()).expect("fewer than 4 billion lines");

    let mut best: Option<Phases> = None;
    for _ in 0..rounds {
        match Phases::measure(&lines) {
            Ok(p) => {
                if best.as_ref().is_none_or(|b| p.total() < b.total()) {
                    best = Some(p);
                }
            }
            Err(e) => {
                eprintln!("assess_phases: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let Phases {
        parse: t_parse,
        assess: t_assess,
        serialize: t_ser,
        drop: t_drop,
        bytes,
        reasons,
        reason_bytes,
        reason_bytes_en,
    } = best.expect("at least one round");
    let mut t_value = Duration::MAX;
    let mut base_bytes = 0;
    for _ in 0..rounds {
        let (d, b) = baseline(&lines);
        t_value = t_value.min(d);
        base_bytes = b;
    }

    let per = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(n);
    let total = t_parse + t_assess + t_ser + t_drop;
    let share = |d: Duration| 100.0 * d.as_secs_f64() / total.as_secs_f64();
    println!(
        "{n} lines, fastest of {rounds} rounds, in memory, streamed line by line (no I/O); roei writes {bytes} bytes"
    );
    println!("| phase | µs per line | share of roei |");
    println!("|---|---:|---:|");
    for (name, d) in [
        ("Facts::from_json", t_parse),
        ("roei_law::assess", t_assess),
        ("serialize localized(Ja)", t_ser),
        ("drop determinations", t_drop),
    ] {
        println!("| {name} | {:.2} | {:.0} % |", per(d), share(d));
    }
    println!("| **roei total** | **{:.2}** | 100 % |", per(total));
    println!(
        "| baseline: Value parse + reserialize ({base_bytes} bytes out) | {:.2} | |",
        per(t_value)
    );
    #[allow(clippy::cast_precision_loss)] // byte counts far below 2^52
    let mib = |b: usize| b as f64 / f64::from(1 << 20);
    println!(
        "\n{:.1} reasons per line; reason text: {:.1} MiB ja (serialized) + {:.1} MiB en (built, not serialized) of {:.1} MiB written",
        f64::from(u32::try_from(reasons).unwrap_or(u32::MAX)) / f64::from(n),
        mib(reason_bytes),
        mib(reason_bytes_en),
        mib(bytes)
    );
    ExitCode::SUCCESS
}
