//! `roei scan PATH...`: the leak-scope scanner (scan-contract.md).

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, ValueEnum};
use roei_scan::{Encoding, Report, ScanOptions};

use crate::BadInput;

pub const ABOUT: &str = "Count the distinct persons (by the linkage rule: a shared e-mail, phone, \
My Number, card number, or name + birth date) and the data items in leaked files. PATH: files or \
directories (walked recursively): CSV/TSV, JSON Lines, JSON arrays, text, XLSX, also inside .gz \
and .zip; UTF-8 or Shift_JIS. Output: JSON (default) with files, bytes, records, persons, \
persons_with_card_number, items, item_records, facts, errors, elapsed_ms; or --format text. Exit \
status 0 when at least one file was scanned, 2 otherwise.";

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files or directories.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ScanFormat::Json)]
    format: ScanFormat,
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    encoding: EncodingArg,
    /// Worker threads (default: one per CPU).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ScanFormat {
    Json,
    Text,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum EncodingArg {
    Auto,
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(
        name = "shift_jis",
        alias = "shift-jis",
        alias = "sjis",
        alias = "cp932"
    )]
    ShiftJis,
}

/// Inputs smaller than this finish before a bar would be worth drawing.
const BAR_FROM: u64 = 32 << 20;

pub fn scan(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    if args.threads == Some(0) {
        return Err(BadInput("--threads: must be at least 1".to_owned()).into());
    }
    let opts = ScanOptions {
        encoding: match args.encoding {
            EncodingArg::Auto => Encoding::Auto,
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::ShiftJis => Encoding::ShiftJis,
        },
        ..ScanOptions::default()
    };
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads {
        builder = builder.num_threads(n);
    }
    let pool = builder.build()?;
    let (files, list_errors) = roei_scan::list_files(&args.paths);
    let total: u64 = files.iter().map(|(_, n)| n).sum();
    let bar = (!args.quiet && std::io::stderr().is_terminal() && total >= BAR_FROM).then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let progress = |n: u64| {
        if let Some(b) = &bar {
            b.inc(n);
        }
    };
    let mut scan = pool.install(|| roei_scan::scan_files(&files, &opts, &progress));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    scan.add_errors(list_errors);
    let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let report = scan.report(elapsed);
    for e in &report.errors {
        eprintln!("error: {}: {}", e.path, e.error);
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        ScanFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        ScanFormat::Text => out.write_all(text(&report).as_bytes())?,
    }
    out.flush()?;
    Ok(if report.files > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The Japanese memo.
fn text(r: &Report) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "漏えい範囲の調査結果");
    let _ = writeln!(
        s,
        "  本人の数: {}人（うちクレジットカード番号を含む者 {}人）",
        grouped(r.persons),
        grouped(r.persons_with_card_number)
    );
    let _ = writeln!(
        s,
        "  ファイル: {}件 / {} バイト / レコード {}件 / {} ms",
        grouped(r.files),
        grouped(r.bytes),
        grouped(r.records),
        grouped(r.elapsed_ms)
    );
    if r.items.is_empty() {
        let _ = writeln!(s, "  個人データの項目: 見つかりませんでした");
    } else {
        let _ = writeln!(s, "  個人データの項目（含まれるレコード数）:");
        for i in &r.items {
            let n = r.item_records.get(i.code()).copied().unwrap_or(0);
            let sensitive = if i.is_sensitive() { " [要配慮]" } else { "" };
            let _ = writeln!(
                s,
                "    {}（{}）: {}件{sensitive}",
                i.ja(),
                i.code(),
                grouped(n)
            );
        }
    }
    if !r.errors.is_empty() {
        let _ = writeln!(s, "  読めなかったファイル:");
        for e in &r.errors {
            let _ = writeln!(s, "    {}: {}", e.path, e.error);
        }
    }
    s
}
