//! Report submission under load (`scripts/bench-server`, `docs/perf.md`): the real roei server,
//! in this process on 127.0.0.1:0, takes `--submissions` 確報 from `--clients` concurrent clients,
//! each one a real write (checks, transaction, audit chain); then, in the same process and with
//! the same client code, a bare axum handler takes the identical load, as the baseline.
//!
//! ```sh
//! cargo run --release -p roei-web --example bench_submit -- \
//!     --backend sqlite|postgres --clients 50 --submissions 2000
//! ```
//!
//! * SQLite: the real `SqliteStore` on a file in a fresh temporary directory (WAL,
//!   `synchronous = FULL`). PostgreSQL: the real `PgStore` on a fresh database
//!   `roei_bench_<uuid>`, created through `ROEI_BENCH_DATABASE_URL` (else
//!   `ROEI_TEST_DATABASE_URL`, else `postgres://postgres@127.0.0.1:5432/postgres`) and dropped
//!   at the end, whatever happened.
//! * Not timed: an operator, a regulator and a member made through `roei_domain::accounts`;
//!   N cases each with a complete saved draft (version 1) made directly through the use cases
//!   (`service::open_case`, `reporting::save_draft`); an API token for the member.
//! * Timed: C tokio tasks, one `reqwest::Client` each (HTTP/1.1 keep-alive, one connection per
//!   client), share the N requests (client k takes requests k, k+C, k+2C, …) and send them one
//!   after the other: `POST /api/v1/cases/{id}/report/submissions` with
//!   `{"stage":"final_report","draft_version":1}`, `Authorization: Bearer` and a unique
//!   `Idempotency-Key`. A latency is from before the send to the end of the response body.
//!   Every response must be 201.
//! * Checked afterwards: the audit chain verifies (`roei_domain::audit::verify` over
//!   `Store::audit_events`), it has exactly N `report.submit` events, and the store holds
//!   exactly N submissions, one per case.
//! * The baseline: one `POST /x` handler that reads the body, parses it with serde_json into the
//!   same two fields and answers 201 with a small JSON object; same C, same N, same body and
//!   headers, same client code.
//! * The CPU time of this process (client and server threads, from
//!   `/proc/self/task/*/schedstat`) is printed too; it does not count PostgreSQL's own processes.
//!   "host cores busy" is the whole machine's (`/proc/stat`), PostgreSQL and any other load
//!   included.
//! * PostgreSQL: during the roei run, `pg_stat_activity` is sampled every `--pg-sample-ms`
//!   (default 20; 0 = off) on a connection of its own, and the average number of the pool's
//!   connections in each state is printed (waiting for the audit advisory lock, writing WAL,
//!   running, idle in a transaction, idle).

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

#[path = "support/bench.rs"]
mod bench;
#[path = "../tests/common/fixtures.rs"]
mod fixtures;

use bench::{Backend, admin_options, host_cpu, ms, pct, process_cpu, spawn_server};

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use jiff::Timestamp;
use roei_domain::Store;
use roei_domain::model::{OrgKind, Role};
use roei_domain::report::ReportContent;
use roei_domain::service::Actor;
use roei_domain::{accounts, reporting, service};
use roei_law::Facts;
use roei_store_postgres::PgStore;
use roei_store_sqlite::SqliteStore;
use roei_web::{AppState, WebConfig};
use serde::Deserialize;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{Connection, Row};
use tokio::sync::oneshot;
use tokio::task::JoinSet;
use uuid::Uuid;

const PG_PREFIX: &str = "roei_bench_";
/// The request body, byte for byte the same for roei and for the baseline.
const BODY: &str = r#"{"stage":"final_report","draft_version":1}"#;

#[derive(Debug)]
struct Args {
    backend: Backend,
    clients: usize,
    submissions: usize,
    /// PostgreSQL only: how often to sample `pg_stat_activity` during the roei run (0: never).
    pg_sample_ms: u64,
}

fn parse_args() -> anyhow::Result<Args> {
    let usage = "usage: bench_submit --backend sqlite|postgres [--clients 50] [--submissions 2000] \
                 [--pg-sample-ms 20]";
    let mut args = Args {
        backend: Backend::Sqlite,
        clients: 50,
        submissions: 2000,
        pg_sample_ms: 20,
    };
    let mut backend = None;
    for (flag, value) in bench::flag_pairs(usage)? {
        match flag.as_str() {
            "--backend" => backend = Some(bench::parse_backend(&value, usage)?),
            "--clients" => args.clients = value.parse().context("--clients")?,
            "--submissions" => args.submissions = value.parse().context("--submissions")?,
            "--pg-sample-ms" => args.pg_sample_ms = value.parse().context("--pg-sample-ms")?,
            _ => bail!("unknown argument {flag:?}\n{usage}"),
        }
    }
    args.backend = backend.with_context(|| format!("--backend is required\n{usage}"))?;
    ensure!(
        args.clients >= 1 && args.submissions >= args.clients,
        "need 1 ≤ clients ≤ submissions"
    );
    Ok(args)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    match args.backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir()?;
            let path = dir.path().join("roei.sqlite3");
            let store = Arc::new(SqliteStore::open(&path).await?);
            let result = bench(&args, store.clone(), None).await;
            store.pool().close().await;
            result
        }
        Backend::Postgres => {
            let admin = admin_options()?;
            let (_, name) = roei_store_postgres::scratch::create(&admin, PG_PREFIX).await?;
            eprintln!("created database {name}");
            let result = async {
                let options = admin.clone().database(&name);
                let store = Arc::new(PgStore::connect_with(options.clone()).await?);
                let result = bench(&args, store.clone(), Some((options, name.clone()))).await;
                store.pool().close().await;
                result
            }
            .await;
            roei_store_postgres::scratch::drop(&admin, &name).await;
            eprintln!("dropped database {name}");
            result
        }
    }
}

/// Everything the timed phase needs.
struct Fixture {
    token: String,
    cases: Vec<roei_domain::model::CaseId>,
}

async fn bench(
    args: &Args,
    store: Arc<dyn Store>,
    pg: Option<(PgConnectOptions, String)>,
) -> anyhow::Result<()> {
    let (c, n) = (args.clients, args.submissions);
    println!(
        "bench_submit: backend={} clients={c} submissions={n} body={} bytes",
        args.backend.name(),
        BODY.len()
    );

    let t = Instant::now();
    let fixture = setup(store.clone(), n, c).await?;
    eprintln!(
        "setup: {n} cases with a saved complete draft in {:.1} s (not timed)",
        t.elapsed().as_secs_f64()
    );

    // roei.
    let (addr, stop) = spawn_server(roei_web::router(AppState::new(
        store.clone(),
        WebConfig::default(),
    )))
    .await?;
    let urls: Vec<String> = fixture
        .cases
        .iter()
        .map(|id| format!("http://{addr}/api/v1/cases/{id}/report/submissions"))
        .collect();
    let sampler = match &pg {
        Some((options, name)) if args.pg_sample_ms > 0 => {
            Some(PgSampler::start(options, name, Duration::from_millis(args.pg_sample_ms)).await?)
        }
        _ => None,
    };
    let roei = load(&urls, &fixture.token, c, "roei").await;
    let waits = match sampler {
        Some(s) => Some(s.stop().await?),
        None => None,
    };
    let roei = roei?;
    let _ = stop.send(());
    check(&*store, &fixture).await?;

    // The bare handler, same load.
    let (addr, stop) = spawn_server(bare_router()).await?;
    let urls: Vec<String> = (0..n).map(|_| format!("http://{addr}/x")).collect();
    let bare = load(&urls, &fixture.token, c, "bare").await?;
    let _ = stop.send(());

    report(args, &roei, &bare);
    if let Some(w) = waits {
        w.print(args.pg_sample_ms);
    }
    Ok(())
}

/// Organisations, the member, N cases with a complete saved draft, the API token.
async fn setup(store: Arc<dyn Store>, n: usize, workers: usize) -> anyhow::Result<Fixture> {
    let now = Timestamp::now();
    let org = accounts::create_organisation(
        &*store,
        "株式会社ベンチ",
        OrgKind::Operator,
        Some(roei_law::Regime::Private),
        now,
    )
    .await?;
    accounts::create_organisation(&*store, "個人情報保護委員会", OrgKind::Regulator, None, now)
        .await?;
    let user = accounts::create_user(
        &*store,
        None,
        org.id,
        "member@bench.example",
        "ベンチ 担当者",
        Role::Member,
        "bench-password-123",
        now,
    )
    .await?;
    let (token, _) = accounts::issue_api_token(&*store, None, user.id, "bench", now).await?;
    let actor = Actor { user, org };
    let facts = Facts::from_value(&fixtures::ransomware_facts())
        .map_err(|e| anyhow::anyhow!("facts: {e}"))?;
    let content: ReportContent =
        serde_json::from_value(fixtures::complete_report()).context("report content")?;

    // Cases are made by a few tasks at once (each one two committed transactions).
    let mut tasks = JoinSet::new();
    let workers = workers.clamp(1, 8);
    for w in 0..workers {
        let (store, actor, facts, content) =
            (store.clone(), actor.clone(), facts.clone(), content.clone());
        tasks.spawn(async move {
            let mut made = Vec::new();
            for i in (w..n).step_by(workers) {
                let (case, _) = service::open_case(
                    &*store,
                    &actor,
                    &format!("ベンチ案件 {i}"),
                    facts.clone(),
                    Timestamp::now(),
                )
                .await?;
                let view = reporting::save_draft(
                    &*store,
                    &actor,
                    case.id,
                    0,
                    content.clone(),
                    Timestamp::now(),
                )
                .await?;
                ensure!(view.draft.version == 1 && view.missing_for_final.is_empty());
                made.push((i, case.id));
            }
            anyhow::Ok(made)
        });
    }
    let mut cases = Vec::with_capacity(n);
    while let Some(made) = tasks.join_next().await {
        cases.extend(made??);
    }
    cases.sort_by_key(|(i, _)| *i);
    Ok(Fixture {
        token,
        cases: cases.into_iter().map(|(_, id)| id).collect(),
    })
}

/// The baseline: parse the same body, answer 201 with a small JSON object.
fn bare_router() -> Router {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        stage: String,
        draft_version: i64,
    }
    static SEQ: AtomicU64 = AtomicU64::new(0);
    Router::new().route(
        "/x",
        post(|body: Bytes| async move {
            match serde_json::from_slice::<Body>(&body) {
                Ok(_) => {
                    let seq = SEQ.fetch_add(1, Ordering::Relaxed) + 1;
                    (
                        StatusCode::CREATED,
                        axum::Json(serde_json::json!({"id": Uuid::now_v7(), "seq": seq})),
                    )
                }
                Err(e) => (
                    StatusCode::BAD_REQUEST,
                    axum::Json(serde_json::json!({"error": e.to_string()})),
                ),
            }
        }),
    )
}

/// One timed run.
struct Run {
    latencies: Vec<Duration>,
    wall: Duration,
    cpu: Option<Duration>,
    /// Cores of the whole machine busy on average during the run (every process: PostgreSQL,
    /// and whatever else runs on the host), with the machine's core count.
    host_busy: Option<(f64, usize)>,
    bytes_in: u64,
}

/// C clients share `urls` (client k: k, k+C, …), each posting them one after the other on its
/// own keep-alive connection. Every response must be 201.
async fn load(urls: &[String], token: &str, clients: usize, label: &str) -> anyhow::Result<Run> {
    let run_id = Uuid::now_v7().simple().to_string();
    let mut tasks = JoinSet::new();
    // Clients are built (and their tasks spawned) before the clock starts.
    let start = Arc::new(tokio::sync::Barrier::new(clients + 1));
    for k in 0..clients {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_mins(2))
            .build()?;
        let mine: Vec<(usize, String)> = urls
            .iter()
            .enumerate()
            .skip(k)
            .step_by(clients)
            .map(|(i, u)| (i, u.clone()))
            .collect();
        let auth = format!("Bearer {token}");
        let run_id = run_id.clone();
        let start = start.clone();
        tasks.spawn(async move {
            start.wait().await;
            let began = Instant::now();
            let mut latencies = Vec::with_capacity(mine.len());
            let mut bytes_in = 0u64;
            for (i, url) in mine {
                let t = Instant::now();
                let res = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("authorization", &auth)
                    .header("idempotency-key", format!("bench-{run_id}-{i}"))
                    .body(BODY)
                    .send()
                    .await?;
                let status = res.status();
                let body = res.bytes().await?;
                latencies.push(t.elapsed());
                if status != reqwest::StatusCode::CREATED {
                    bail!(
                        "request {i} to {url}: {status}: {}",
                        String::from_utf8_lossy(&body)
                    );
                }
                bytes_in += body.len() as u64;
            }
            anyhow::Ok((latencies, bytes_in, began, Instant::now()))
        });
    }
    let cpu0 = process_cpu();
    let host0 = host_cpu();
    start.wait().await;
    // The run lasts from the first client's start to the last client's end (measured by the
    // clients: this task may be woken late).
    let (mut first, mut last): (Option<Instant>, Option<Instant>) = (None, None);
    let mut run = Run {
        latencies: Vec::with_capacity(urls.len()),
        wall: Duration::ZERO,
        cpu: None,
        host_busy: None,
        bytes_in: 0,
    };
    while let Some(done) = tasks.join_next().await {
        let (latencies, bytes_in, began, ended) = done?.with_context(|| format!("{label} run"))?;
        run.latencies.extend(latencies);
        run.bytes_in += bytes_in;
        first = Some(first.map_or(began, |f| f.min(began)));
        last = Some(last.map_or(ended, |l| l.max(ended)));
    }
    run.wall = last
        .zip(first)
        .map_or(Duration::ZERO, |(l, f)| l.duration_since(f));
    run.cpu = process_cpu().zip(cpu0).map(|(b, a)| b.saturating_sub(a));
    run.host_busy = host_cpu()
        .zip(host0)
        .and_then(|((busy1, all1, cores), (busy0, all0, _))| {
            (all1 > all0).then(|| {
                (
                    (busy1 - busy0) as f64 / (all1 - all0) as f64 * cores as f64,
                    cores,
                )
            })
        });
    ensure!(run.latencies.len() == urls.len(), "lost requests");
    run.latencies.sort_unstable();
    eprintln!(
        "{label}: {} requests in {:.2} s",
        urls.len(),
        run.wall.as_secs_f64()
    );
    Ok(run)
}

/// The audit chain verifies, with N `report.submit` events, and N submissions are stored.
async fn check(store: &dyn Store, fixture: &Fixture) -> anyhow::Result<()> {
    let n = fixture.cases.len();
    let mut state = None;
    let (mut events, mut submits, mut after) = (0u64, 0usize, 0i64);
    loop {
        let page = store.audit_events(after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        events += roei_domain::audit::verify(&page, &mut state)?;
        submits += page.iter().filter(|e| e.action == "report.submit").count();
    }
    ensure!(
        submits == n,
        "{submits} report.submit audit events, expected {n}"
    );
    let mut stored = 0;
    for id in &fixture.cases {
        let subs = store.submissions(*id).await?;
        ensure!(
            subs.len() == 1 && subs[0].stage == roei_domain::report::ReportStage::FinalReport,
            "case {id}: {} submissions",
            subs.len()
        );
        stored += subs.len();
    }
    ensure!(stored == n, "{stored} submissions stored, expected {n}");
    println!(
        "check: audit chain of {events} events verifies; {submits} report.submit events; \
         {stored} submissions stored (one 確報 per case)"
    );
    Ok(())
}

fn report(args: &Args, roei: &Run, bare: &Run) {
    let b = args.backend.name();
    println!();
    println!(
        "| server | requests | clients | seconds | req/s | p50 ms | p99 ms | max ms | mean ms | \
         CPU ms/req | host cores busy | bytes/resp |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, r) in [
        (format!("roei ({b})"), roei),
        ("bare axum".to_owned(), bare),
    ] {
        let n = r.latencies.len();
        let mean = r.latencies.iter().sum::<Duration>() / n as u32;
        println!(
            "| {name} | {n} | {} | {:.2} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {} | {} |",
            args.clients,
            r.wall.as_secs_f64(),
            n as f64 / r.wall.as_secs_f64(),
            pct(&r.latencies, 50.0),
            pct(&r.latencies, 99.0),
            ms(*r.latencies.last().unwrap_or(&Duration::ZERO)),
            ms(mean),
            r.cpu
                .map_or_else(|| "–".to_owned(), |c| format!("{:.3}", ms(c) / n as f64)),
            r.host_busy
                .map_or_else(|| "–".to_owned(), |(b, c)| format!("{b:.2} of {c}")),
            r.bytes_in / n as u64,
        );
    }
    let tput = |r: &Run| r.latencies.len() as f64 / r.wall.as_secs_f64();
    println!();
    print!(
        "ratio roei/bare ({b}): throughput {:.3}× (bare is {:.0}× faster), p50 {:.0}×, p99 {:.0}×",
        tput(roei) / tput(bare),
        tput(bare) / tput(roei),
        pct(&roei.latencies, 50.0) / pct(&bare.latencies, 50.0),
        pct(&roei.latencies, 99.0) / pct(&bare.latencies, 99.0),
    );
    if let (Some(rc), Some(bc)) = (roei.cpu, bare.cpu) {
        print!(
            ", process CPU per request {:.1}×",
            rc.as_secs_f64() / bc.as_secs_f64().max(1e-9)
        );
    }
    println!();
}

/// Samples what the bench database's connections are doing, from `pg_stat_activity`, on a
/// connection of its own, until stopped.
struct PgSampler {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<PgWaits>>,
}

/// How many connections were in each state, summed over the samples.
#[derive(Debug, Default)]
struct PgWaits {
    samples: u64,
    counts: std::collections::BTreeMap<&'static str, u64>,
}

impl PgSampler {
    async fn start(options: &PgConnectOptions, db: &str, every: Duration) -> anyhow::Result<Self> {
        let mut conn = PgConnection::connect_with(options).await?;
        let db = db.to_owned();
        let (stop, mut stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let mut waits = PgWaits::default();
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = tick.tick() => {}
                }
                let rows = sqlx::query(
                    "SELECT coalesce(state, '?') AS state, \
                            coalesce(wait_event_type || ':' || wait_event, '') AS wait \
                     FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                )
                .bind(&db)
                .fetch_all(&mut conn)
                .await?;
                waits.samples += 1;
                for row in rows {
                    let state: String = row.get("state");
                    let wait: String = row.get("wait");
                    let what = match (state.as_str(), wait.as_str()) {
                        ("active", "Lock:advisory") => {
                            "active, waiting for the audit advisory lock"
                        }
                        ("active", w) if w.starts_with("IO:WAL") => "active, writing/flushing WAL",
                        ("active", "") => "active, running (on CPU)",
                        ("active", _) => "active, other wait",
                        ("idle in transaction", _) => {
                            "idle in transaction (roei's turn, mid-write)"
                        }
                        ("idle", _) => "idle (in the pool, or roei's turn between reads)",
                        _ => "other",
                    };
                    *waits.counts.entry(what).or_default() += 1;
                }
            }
            conn.close().await.ok();
            anyhow::Ok(waits)
        });
        Ok(Self { stop, task })
    }

    async fn stop(self) -> anyhow::Result<PgWaits> {
        let _ = self.stop.send(());
        self.task.await?
    }
}

impl PgWaits {
    fn print(&self, every_ms: u64) {
        if self.samples == 0 {
            return;
        }
        println!();
        println!(
            "pg_stat_activity during the roei run ({} samples, every {every_ms} ms): the \
             pool's connections, on average",
            self.samples
        );
        println!();
        println!("| connection state | connections |");
        println!("|---|---:|");
        let mut rows: Vec<_> = self.counts.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1));
        for (what, n) in rows {
            println!("| {what} | {:.2} |", *n as f64 / self.samples as f64);
        }
    }
}
