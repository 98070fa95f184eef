//! The library behind the `roei` binary's server-side commands: configuration
//! ([`config`]), opening the store ([`backend`]), `roei serve` ([`serve`]), the demo data
//! ([`demo`]), and the operator's tools `roei admin`, `roei audit verify` and `roei backup`
//! ([`admin`], [`audit`], [`backup`]).
//!
//! Errors that are the user's input are [`BadInput`] (exit status 2, one line naming the
//! setting or field); anything else is exit status 1.

pub mod admin;
pub mod audit;
pub mod backend;
pub mod backup;
pub mod config;
pub mod demo;
pub mod serve;

/// A failure that is the user's input: exit status 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// A multi-threaded tokio runtime for one command.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Logging to standard error: `RUST_LOG` (default `default_level`), as text or JSON lines.
pub fn init_logging(default_level: &str, json: bool) {
    use std::io::IsTerminal as _;
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    // A second initialisation (tests calling in-process) is not an error worth failing on.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
