//! The baseline of the `roei assess --batch` benchmark (`scripts/bench-assess`, `docs/perf.md`):
//! the bare cost of JSON in and JSON out, with the same I/O pattern as `roei assess --batch`
//! (64 KiB `BufReader` / `BufWriter`, one `read_line` per line).
//!
//! ```sh
//! parse_only [FILE|-]                 # parse each line into serde_json::Value, write it back out
//! parse_only --parse-only [FILE|-]    # parse each line and discard it (no output)
//! ```
//!
//! A line that is not JSON is counted and skipped; the exit status is then 2, as for `roei`.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: parse_only [--parse-only] [FILE|-]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut parse_only = false;
    let mut file = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--parse-only" => parse_only = true,
            a if a.starts_with("--") => return usage(),
            _ if file.is_some() => return usage(),
            _ => file = Some(arg),
        }
    }
    let input: Box<dyn BufRead> = match file.as_deref() {
        None | Some("-") => Box::new(BufReader::with_capacity(1 << 16, io::stdin().lock())),
        Some(path) => match File::open(path) {
            Ok(f) => Box::new(BufReader::with_capacity(1 << 16, f)),
            Err(e) => {
                eprintln!("parse_only: {path}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    match run(input, parse_only) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(bad) => {
            eprintln!("parse_only: {bad} line(s) were not JSON");
            ExitCode::from(2)
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parse_only: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Returns the number of lines that were not JSON.
fn run(mut input: Box<dyn BufRead>, parse_only: bool) -> io::Result<usize> {
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut line = String::new();
    let mut bad = 0;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            break;
        }
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else {
            bad += 1;
            continue;
        };
        if parse_only {
            std::hint::black_box(&value);
            continue;
        }
        serde_json::to_writer(&mut out, &value)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(bad)
}
