//! What the HTTP benchmarks share: the backend choice, serving a router on a random port,
//! percentiles, CPU accounting and the PostgreSQL admin connection.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, bail};
use axum::Router;
use sqlx::postgres::PgConnectOptions;
use tokio::sync::oneshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// Serves `app` on 127.0.0.1:0 until the sender is used or dropped.
pub async fn spawn_server(app: Router) -> anyhow::Result<(SocketAddr, oneshot::Sender<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async {
            let _ = rx.await;
        };
        if let Err(e) = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        {
            eprintln!("server on {addr}: {e}");
        }
    });
    Ok((addr, tx))
}

/// The nearest-rank percentile of sorted latencies, in ms.
pub fn pct(sorted: &[Duration], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    ms(sorted[rank.min(sorted.len()) - 1])
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// CPU time of this process's threads so far (client and server), summed from
/// `/proc/self/task/*/schedstat` (nanoseconds on the CPU). A thread that ends takes its time
/// with it; the tokio workers and the database connections' threads live for the whole run.
pub fn process_cpu() -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

/// (busy, total) jiffies of the whole machine so far, from the `cpu` line of `/proc/stat`
/// (busy: everything but idle and iowait), and the number of `cpuN` lines.
pub fn host_cpu() -> Option<(u64, u64, usize)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let mut lines = stat.lines();
    let fields: Vec<u64> = lines
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let cores = lines.filter(|l| l.starts_with("cpu")).count();
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let all: u64 = fields.iter().take(8).sum();
    let idle = fields.get(3)? + fields.get(4)?;
    Some((all - idle, all, cores))
}

pub fn admin_options() -> anyhow::Result<PgConnectOptions> {
    let url = std::env::var("ROEI_BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("ROEI_TEST_DATABASE_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    PgConnectOptions::from_str(&url).with_context(|| format!("bad PostgreSQL URL {url:?}"))
}

/// The command line as `--flag value` pairs (every flag takes a value).
pub fn flag_pairs(usage: &str) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .with_context(|| format!("{flag} needs a value\n{usage}"))?;
        out.push((flag, value));
    }
    Ok(out)
}

/// `--backend sqlite|postgres`.
pub fn parse_backend(value: &str, usage: &str) -> anyhow::Result<Backend> {
    Ok(match value {
        "sqlite" => Backend::Sqlite,
        "postgres" => Backend::Postgres,
        _ => bail!("unknown backend {value:?}\n{usage}"),
    })
}
