//! Page latency under load (`scripts/bench-pages`, `docs/perf.md`): the real roei server, in
//! this process on 127.0.0.1:0, serves the deadline board, the case page and the regulator's
//! inbox to `--users` concurrent signed-in users, with `--cases` cases in the database; then, in
//! the same process and with the same client code, a bare axum handler returns a page of the
//! same size to the same load, as the baseline.
//!
//! ```sh
//! cargo run --release -p roei-web --example bench_pages -- \
//!     --backend sqlite|postgres --users 100 --cases 10000 --requests 20000
//! ```
//!
//! * Not timed (setup): one regulator with 10 members; `--orgs` operators (default 100), each
//!   with one member; the cases spread evenly over the operators, made through the use cases
//!   (`service::open_case` with the ransomware facts of the tests); 60 % of them also get a
//!   saved complete draft and a submitted 速報 (`reporting::submit`), so the regulator's inbox
//!   holds 0.6 × cases reports. Every user signs in through `accounts::login` (a real session).
//! * Timed: `--users` tokio tasks, one `reqwest::Client` each (keep-alive), 90 % operator members
//!   and 10 % regulator members, share `--requests` GETs. An operator user alternates its
//!   board (`/board`, its ~cases/orgs cards) and one of its cases (`/cases/{id}`); a regulator
//!   user loads the inbox (`/inbox`, first page). Cookie `roei_session`, as a browser sends it.
//!   Every response must be 200 and HTML. Latency is from before the send to the end of the
//!   body.
//! * The baseline: `GET /x` answering 200 with a fixed HTML body as long as roei's average page,
//!   same users, same number of requests.

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

#[path = "support/bench.rs"]
mod bench;
#[path = "../tests/common/fixtures.rs"]
mod fixtures;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use axum::Router;
use axum::response::Html;
use axum::routing::get;
use bench::{Backend, admin_options, host_cpu, ms, pct, process_cpu, spawn_server};
use jiff::Timestamp;
use roei_domain::Store;
use roei_domain::model::{CaseId, OrgKind, Role};
use roei_domain::report::{ReportContent, ReportStage};
use roei_domain::service::Actor;
use roei_domain::{accounts, reporting, service};
use roei_law::Facts;
use roei_store_postgres::PgStore;
use roei_store_sqlite::SqliteStore;
use roei_web::{AppState, WebConfig};
use tokio::task::JoinSet;

const PG_PREFIX: &str = "roei_bench_";
const PASSWORD: &str = "bench-password-123";

#[derive(Debug)]
struct Args {
    backend: Backend,
    users: usize,
    cases: usize,
    orgs: usize,
    requests: usize,
}

fn parse_args() -> anyhow::Result<Args> {
    let usage = "usage: bench_pages --backend sqlite|postgres [--users 100] [--cases 10000] \
                 [--orgs 100] [--requests 20000]";
    let mut args = Args {
        backend: Backend::Sqlite,
        users: 100,
        cases: 10_000,
        orgs: 100,
        requests: 20_000,
    };
    let mut backend = None;
    for (flag, value) in bench::flag_pairs(usage)? {
        match flag.as_str() {
            "--backend" => backend = Some(bench::parse_backend(&value, usage)?),
            "--users" => args.users = value.parse().context("--users")?,
            "--cases" => args.cases = value.parse().context("--cases")?,
            "--orgs" => args.orgs = value.parse().context("--orgs")?,
            "--requests" => args.requests = value.parse().context("--requests")?,
            _ => bail!("unknown argument {flag:?}\n{usage}"),
        }
    }
    args.backend = backend.with_context(|| format!("--backend is required\n{usage}"))?;
    ensure!(
        args.users >= 10 && args.orgs >= 1 && args.cases >= args.orgs,
        "need users ≥ 10 and cases ≥ orgs ≥ 1"
    );
    Ok(args)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    match args.backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir()?;
            let store = Arc::new(SqliteStore::open(&dir.path().join("roei.sqlite3")).await?);
            let result = run(&args, store.clone()).await;
            store.pool().close().await;
            result
        }
        Backend::Postgres => {
            let admin = admin_options()?;
            let (_, name) = roei_store_postgres::scratch::create(&admin, PG_PREFIX).await?;
            eprintln!("created database {name}");
            let result = async {
                let store = Arc::new(PgStore::connect_with(admin.clone().database(&name)).await?);
                let result = run(&args, store.clone()).await;
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

/// A signed-in user and the pages it loads.
#[derive(Clone)]
struct User {
    cookie: String,
    /// Paths it cycles through.
    paths: Vec<String>,
}

async fn run(args: &Args, store: Arc<dyn Store>) -> anyhow::Result<()> {
    println!(
        "bench_pages: backend={} users={} cases={} operators={} requests={}",
        args.backend.name(),
        args.users,
        args.cases,
        args.orgs,
        args.requests
    );
    let t = Instant::now();
    let users = setup(&store, args).await?;
    eprintln!(
        "setup: {} cases, {} sessions in {:.1} s (not timed)",
        args.cases,
        users.len(),
        t.elapsed().as_secs_f64()
    );

    let (addr, stop) = spawn_server(roei_web::router(AppState::new(
        store.clone(),
        WebConfig::default(),
    )))
    .await?;
    // Warm-up: every user loads each of its pages once.
    for u in &users {
        for p in &u.paths {
            let res = reqwest::Client::new()
                .get(format!("http://{addr}{p}"))
                .header("cookie", &u.cookie)
                .send()
                .await?;
            ensure!(res.status() == 200, "warm-up {p}: {}", res.status());
        }
    }
    let roei = load(&format!("http://{addr}"), &users, args.requests).await?;
    let _ = stop.send(());

    let mean_bytes = (roei.bytes_in / roei.latencies.len() as u64) as usize;
    let body: &'static str = Box::leak(
        format!(
            "<!doctype html><html lang=\"ja\"><body>{}</body></html>",
            "あ".repeat(mean_bytes / 3)
        )
        .into_boxed_str(),
    );
    let bare_app = Router::new().route("/x", get(move || async move { Html(body) }));
    let (addr, stop) = spawn_server(bare_app).await?;
    let bare_users: Vec<User> = users
        .iter()
        .map(|u| User {
            cookie: u.cookie.clone(),
            paths: vec!["/x".into()],
        })
        .collect();
    let bare = load(&format!("http://{addr}"), &bare_users, args.requests).await?;
    let _ = stop.send(());
    report(args, &roei, &bare);
    Ok(())
}

async fn setup(store: &Arc<dyn Store>, args: &Args) -> anyhow::Result<Vec<User>> {
    let now = Timestamp::now();
    let regulator = accounts::create_organisation(
        &**store,
        "個人情報保護委員会",
        OrgKind::Regulator,
        None,
        now,
    )
    .await?;
    let mut regulator_emails = Vec::new();
    for i in 0..10 {
        let email = format!("officer{i}@ppc.example");
        accounts::create_user(
            &**store,
            None,
            regulator.id,
            &email,
            &format!("審査官 {i}"),
            Role::Member,
            PASSWORD,
            now,
        )
        .await?;
        regulator_emails.push(email);
    }
    let facts = Facts::from_value(&fixtures::ransomware_facts())
        .map_err(|e| anyhow::anyhow!("facts: {e}"))?;
    let content: ReportContent =
        serde_json::from_value(fixtures::complete_report()).context("report content")?;

    // The operators, each with a member, made by a few tasks at once.
    let per_org = args.cases / args.orgs;
    let mut tasks = JoinSet::new();
    let workers = 8usize;
    for w in 0..workers {
        let (store, facts, content) = (store.clone(), facts.clone(), content.clone());
        let orgs = args.orgs;
        tasks.spawn(async move {
            let mut made: Vec<(String, Vec<CaseId>)> = Vec::new();
            for o in (w..orgs).step_by(workers) {
                let now = Timestamp::now();
                let org = accounts::create_organisation(
                    &*store,
                    &format!("株式会社ベンチ{o:03}"),
                    OrgKind::Operator,
                    Some(roei_law::Regime::Private),
                    now,
                )
                .await?;
                let email = format!("member{o}@bench{o}.example");
                let user = accounts::create_user(
                    &*store,
                    None,
                    org.id,
                    &email,
                    &format!("担当者 {o}"),
                    Role::Member,
                    PASSWORD,
                    now,
                )
                .await?;
                let actor = Actor { user, org };
                let mut cases = Vec::with_capacity(per_org);
                for i in 0..per_org {
                    let (case, _) = service::open_case(
                        &*store,
                        &actor,
                        &format!(
                            "ベンチ案件 {o:03}-{i:04} ランサムウェアによる顧客情報の漏えいのおそれ"
                        ),
                        facts.clone(),
                        Timestamp::now(),
                    )
                    .await?;
                    // 60 % of the cases have a 速報 with the regulator.
                    if i % 5 < 3 {
                        reporting::save_draft(
                            &*store,
                            &actor,
                            case.id,
                            0,
                            content.clone(),
                            Timestamp::now(),
                        )
                        .await?;
                        reporting::submit(
                            &*store,
                            &actor,
                            case.id,
                            reporting::SubmitRequest {
                                stage: ReportStage::QuickReport,
                                draft_version: 1,
                                to_org: None,
                                idempotency_key: Some(format!("bench-{}", case.id)),
                            },
                            Timestamp::now(),
                        )
                        .await?;
                    }
                    cases.push(case.id);
                }
                made.push((email, cases));
            }
            anyhow::Ok(made)
        });
    }
    let mut operators = Vec::new();
    while let Some(made) = tasks.join_next().await {
        operators.extend(made??);
    }
    operators.sort();

    // Sessions: 90 % operator members (round robin over the operators), 10 % regulator members.
    let regulator_users = (args.users / 10).max(1);
    let mut users = Vec::with_capacity(args.users);
    for k in 0..args.users {
        let (email, paths) = if k < regulator_users {
            (
                regulator_emails[k % regulator_emails.len()].clone(),
                vec!["/inbox".to_owned()],
            )
        } else {
            let (email, cases) = &operators[k % operators.len()];
            let case = cases[k % cases.len()];
            (
                email.clone(),
                vec!["/board".to_owned(), format!("/cases/{case}")],
            )
        };
        let login = accounts::login(
            &**store,
            &email,
            PASSWORD,
            &format!("bench-{k}"),
            Timestamp::now(),
        )
        .await?;
        users.push(User {
            cookie: format!("roei_session={}", login.token),
            paths,
        });
    }
    Ok(users)
}

/// One timed run: latencies by path kind.
struct Run {
    latencies: Vec<Duration>,
    by_page: BTreeMap<&'static str, Vec<Duration>>,
    wall: Duration,
    cpu: Option<Duration>,
    host_busy: Option<(f64, usize)>,
    bytes_in: u64,
}

fn page_kind(path: &str) -> &'static str {
    if path.starts_with("/board") {
        "board"
    } else if path.starts_with("/cases/") {
        "case"
    } else if path.starts_with("/inbox") {
        "inbox"
    } else {
        "bare"
    }
}

/// The users share `requests` GETs (user k makes requests k, k+U, …), each cycling through its
/// paths on its own keep-alive connection.
async fn load(base: &str, users: &[User], requests: usize) -> anyhow::Result<Run> {
    let n_users = users.len();
    let start = Arc::new(tokio::sync::Barrier::new(n_users + 1));
    let mut tasks = JoinSet::new();
    for (k, u) in users.iter().enumerate() {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_mins(2))
            .build()?;
        let mine = (k..requests).step_by(n_users).count();
        let u = u.clone();
        let base = base.to_owned();
        let start = start.clone();
        tasks.spawn(async move {
            start.wait().await;
            let mut out: Vec<(&'static str, Duration)> = Vec::with_capacity(mine);
            let mut bytes = 0u64;
            for i in 0..mine {
                let path = &u.paths[i % u.paths.len()];
                let t = Instant::now();
                let res = http
                    .get(format!("{base}{path}"))
                    .header("cookie", &u.cookie)
                    .send()
                    .await?;
                let status = res.status();
                let body = res.bytes().await?;
                let took = t.elapsed();
                if status != reqwest::StatusCode::OK || !body.starts_with(b"<!doctype html>") {
                    bail!(
                        "{path}: {status}: {}",
                        String::from_utf8_lossy(&body[..body.len().min(300)])
                    );
                }
                bytes += body.len() as u64;
                out.push((page_kind(path), took));
            }
            anyhow::Ok((out, bytes))
        });
    }
    let cpu0 = process_cpu();
    let host0 = host_cpu();
    start.wait().await;
    let began = Instant::now();
    let mut latencies = Vec::with_capacity(requests);
    let mut by_page: BTreeMap<&'static str, Vec<Duration>> = BTreeMap::new();
    let mut bytes_in = 0;
    while let Some(r) = tasks.join_next().await {
        let (out, bytes) = r??;
        bytes_in += bytes;
        for (kind, d) in out {
            latencies.push(d);
            by_page.entry(kind).or_default().push(d);
        }
    }
    let wall = began.elapsed();
    latencies.sort();
    for v in by_page.values_mut() {
        v.sort();
    }
    let cpu = cpu0.zip(process_cpu()).map(|(a, b)| b.saturating_sub(a));
    let host_busy = host0.zip(host_cpu()).map(|((b0, t0, cores), (b1, t1, _))| {
        (
            (b1 - b0) as f64 / (t1 - t0).max(1) as f64 * cores as f64,
            cores,
        )
    });
    Ok(Run {
        latencies,
        by_page,
        wall,
        cpu,
        host_busy,
        bytes_in,
    })
}

fn report(args: &Args, roei: &Run, bare: &Run) {
    let b = args.backend.name();
    println!();
    println!("| server / page | requests | p50 ms | p99 ms | max ms | req/s (all pages) |");
    println!("|---|---:|---:|---:|---:|---:|");
    let tput = |r: &Run| r.latencies.len() as f64 / r.wall.as_secs_f64();
    for (page, lat) in &roei.by_page {
        println!(
            "| roei ({b}) {page} | {} | {:.1} | {:.1} | {:.1} | |",
            lat.len(),
            pct(lat, 50.0),
            pct(lat, 99.0),
            ms(*lat.last().unwrap_or(&Duration::ZERO)),
        );
    }
    println!(
        "| roei ({b}) all | {} | {:.1} | {:.1} | {:.1} | {:.0} |",
        roei.latencies.len(),
        pct(&roei.latencies, 50.0),
        pct(&roei.latencies, 99.0),
        ms(*roei.latencies.last().unwrap_or(&Duration::ZERO)),
        tput(roei)
    );
    println!(
        "| bare axum, same-size page | {} | {:.1} | {:.1} | {:.1} | {:.0} |",
        bare.latencies.len(),
        pct(&bare.latencies, 50.0),
        pct(&bare.latencies, 99.0),
        ms(*bare.latencies.last().unwrap_or(&Duration::ZERO)),
        tput(bare)
    );
    println!();
    println!(
        "mean page {} bytes; process CPU per request: roei {}, bare {}; host cores busy: roei {}, bare {}",
        roei.bytes_in / roei.latencies.len() as u64,
        roei.cpu.map_or_else(
            || "–".into(),
            |c| format!("{:.2} ms", ms(c) / roei.latencies.len() as f64)
        ),
        bare.cpu.map_or_else(
            || "–".into(),
            |c| format!("{:.2} ms", ms(c) / bare.latencies.len() as f64)
        ),
        roei.host_busy
            .map_or_else(|| "–".into(), |(x, c)| format!("{x:.2} of {c}")),
        bare.host_busy
            .map_or_else(|| "–".into(), |(x, c)| format!("{x:.2} of {c}")),
    );
    println!(
        "ratio roei/bare ({b}): throughput {:.3}× (bare is {:.0}× faster), p50 {:.0}×, p99 {:.0}×",
        tput(roei) / tput(bare),
        tput(bare) / tput(roei),
        pct(&roei.latencies, 50.0) / pct(&bare.latencies, 50.0),
        pct(&roei.latencies, 99.0) / pct(&bare.latencies, 99.0),
    );
}
