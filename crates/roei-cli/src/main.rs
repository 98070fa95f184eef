//! `roei` — the single binary.
//!
//! Exit status: 0 on success; 2 on bad input (a one-line message on stderr naming the field and
//! what was wrong); 1 on any other failure.

use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use roei_law::{Facts, Lang};

pub use roei_cli::BadInput;

mod commands;
mod render;
mod scan;
mod server;

#[derive(Parser, Debug)]
#[command(
    name = "roei",
    version,
    about = "Japan's personal-data breach reporting (漏えい等報告)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Decide whether incident facts (JSON) must be reported, with citations and deadlines.
    Assess {
        /// Facts file (JSON object), or `-` for standard input; with --batch, JSON Lines.
        #[arg(default_value = "-")]
        file: String,
        /// JSON Lines in, JSON Lines out: one determination (or {"error": ...}) per input line.
        #[arg(long)]
        batch: bool,
        /// Output format (default: text; with --batch: json).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Language of the text explanation and of `reasons[].text`.
        #[arg(long, value_enum, default_value_t = LangArg::Ja)]
        lang: LangArg,
    },
    /// The 確報 due date for a day of knowing (行政機関の休日に関する法律2条 roll-over).
    Deadline {
        /// The day the organisation knew (YYYY-MM-DD).
        #[arg(long = "known-on")]
        known_on: String,
        /// The period: 30, or 60 for a 規則7条3号 / 43条3号 situation.
        #[arg(long, default_value_t = 30)]
        days: i32,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Japan's national holidays of YEAR (1955–), under the law as it stood then.
    Holidays {
        year: i32,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Count persons and data items in leaked files (CSV/TSV, JSON, text, XLSX, .gz, .zip).
    #[command(long_about = scan::ABOUT)]
    Scan(scan::ScanArgs),
    /// Run the web server (JSON API, login page, background jobs) until SIGINT / SIGTERM.
    #[command(long_about = SERVE_ABOUT)]
    Serve(server::ServeArgs),
    /// Set up organisations, users, API tokens and entrustments (as the system).
    Admin {
        #[command(subcommand)]
        command: server::AdminCommand,
    },
    /// Check the hash-chained audit log.
    Audit {
        #[command(subcommand)]
        command: server::AuditCommand,
    },
    /// Copy the SQLite database consistently while the server runs (VACUUM INTO).
    Backup(server::BackupArgs),
    /// Render a document from a case file: the report PDF (別記様式第一), the notice to
    /// individuals (PDF letter or plain-text e-mail), the entruster notice, the announcement.
    Render(render::RenderArgs),
}

const SERVE_ABOUT: &str = "Run the web server (JSON API under /api/v1, the login page, /healthz, \
/metrics, background jobs) until SIGINT or SIGTERM.

Settings come from, highest first: flags, ROEI_* environment variables, the TOML config file \
(--config FILE, else ROEI_CONFIG, else ./roei.toml when present), defaults. Keys: listen, \
data_dir, database_url, demo, smtp_url, mail_from, mail_dir, secure_cookies, log_format, scan_upload_limit_mb \
(environment: ROEI_LISTEN, ROEI_DATA_DIR, …). See roei.example.toml. Logs go to standard \
error (RUST_LOG, default info).";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Text,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum LangArg {
    Ja,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Ja => Lang::Ja,
            LangArg::En => Lang::En,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if let Some(bad) = e.downcast_ref::<BadInput>() {
                eprintln!("error: {bad}");
                ExitCode::from(2)
            } else if is_broken_pipe(&e) {
                ExitCode::SUCCESS
            } else {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        }
    }
}

/// A closed stdout (`roei holidays 2026 | head`) is not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Assess {
            file,
            batch,
            format,
            lang,
        } => {
            if batch {
                assess_batch(&file, format.unwrap_or(Format::Json), lang.into())
            } else {
                assess_one(&file, format.unwrap_or(Format::Text), lang.into())
            }
        }
        Command::Deadline {
            known_on,
            days,
            format,
        } => commands::deadline(&known_on, days, format == Format::Json),
        Command::Holidays { year, format } => commands::holidays(year, format == Format::Json),
        Command::Scan(args) => scan::scan(&args),
        Command::Serve(args) => server::serve(&args),
        Command::Admin { command } => server::admin(command),
        Command::Audit { command } => server::audit(command),
        Command::Backup(args) => server::backup(&args),
        Command::Render(args) => render::render(&args),
    }
}

fn open(file: &str) -> anyhow::Result<Box<dyn BufRead>> {
    if file == "-" {
        return Ok(Box::new(io::stdin().lock()));
    }
    let path = PathBuf::from(file);
    let f =
        std::fs::File::open(&path).map_err(|e| BadInput(format!("{file}: cannot open: {e}")))?;
    Ok(Box::new(io::BufReader::with_capacity(1 << 16, f)))
}

fn assess_one(file: &str, format: Format, lang: Lang) -> anyhow::Result<ExitCode> {
    let mut text = String::new();
    open(file)?
        .read_to_string(&mut text)
        .map_err(|e| BadInput(format!("{file}: cannot read: {e}")))?;
    let facts = Facts::from_json(&text).map_err(|e| BadInput(e.to_string()))?;
    let det = roei_law::assess(&facts);
    let mut out = io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &det.localized(lang))?;
            out.write_all(b"\n")?;
        }
        Format::Text => out.write_all(roei_law::text::explain(&det, &facts, lang).as_bytes())?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn assess_batch(file: &str, format: Format, lang: Lang) -> anyhow::Result<ExitCode> {
    let mut input = open(file)?;
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut line = String::new();
    let mut n = 0usize;
    let mut bad = 0usize;
    loop {
        line.clear();
        let read = input
            .read_line(&mut line)
            .map_err(|e| BadInput(format!("{file}: line {}: cannot read: {e}", n + 1)))?;
        if read == 0 {
            break;
        }
        n += 1;
        let facts = if line.trim().is_empty() {
            Err("(input): empty line (expected one facts object per line)".to_owned())
        } else {
            Facts::from_json(&line).map_err(|e| e.to_string())
        };
        match facts {
            Ok(facts) => {
                let det = roei_law::assess(&facts);
                match format {
                    Format::Json => serde_json::to_writer(&mut out, &det.localized(lang))?,
                    Format::Text => {
                        if n > 1 {
                            out.write_all(b"\n")?;
                        }
                        writeln!(out, "=== line {n} ===")?;
                        out.write_all(roei_law::text::explain(&det, &facts, lang).as_bytes())?;
                        continue;
                    }
                }
            }
            Err(msg) => {
                bad += 1;
                let msg = format!("line {n}: {msg}");
                eprintln!("error: {msg}");
                serde_json::to_writer(&mut out, &serde_json::json!({ "error": msg }))?;
            }
        }
        out.write_all(b"\n")?;
    }
    out.flush().context("writing the determinations")?;
    Ok(if bad > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
