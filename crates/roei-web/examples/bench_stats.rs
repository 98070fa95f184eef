//! The statistics page over a million reports (`scripts/bench-stats`, `docs/perf.md`,
//! "Statistics"): `--reports` synthetic cases, each with a 速報 and 30 % of them a 確報 too, are
//! bulk-loaded into the real schema (the migrated store, its triggers included); then the real
//! server, in this process on 127.0.0.1:0, serves `/statistics` (every year) and
//! `/statistics?fiscal_year=Y` to a signed-in regulator, and in the same run the database
//! answers a plain `SELECT cause, count(*) … GROUP BY cause` over the same submissions, and the
//! same count done right (each case once, by its latest submission) over the raw rows.
//!
//! ```sh
//! cargo run --release -p roei-web --example bench_stats -- \
//!     --backend sqlite|postgres --reports 1000000 --requests 200 --dir /work/scratch-stats
//! ```
//!
//! * Loading (timed, reported, not part of the comparison): 20 operators (3 of them local public
//!   bodies, so 規則43条 items appear), one regulator and its member are made through the use
//!   cases; the cases and submissions by one `INSERT … SELECT` per table (PostgreSQL:
//!   `generate_series`; SQLite: a recursive CTE, 100,000 rows per transaction). Keys vary by row
//!   number: 8 causes (and none), 20 sectors, persons 0–19,999, 7 item sets, first submissions
//!   spread evenly over FY2023–FY2026. Contents are a small JSON document (the page never reads
//!   them).
//! * Timed: `--clients` tasks (default 4), one keep-alive `reqwest::Client` each, share
//!   `--requests` GETs of each page (cookie `roei_session` from `accounts::login`); every answer
//!   must be 200. Latency from before the send to the end of the body. Then each SQL query
//!   `--sql-runs` times (default 10) on one connection.
//! * The data lives under `--dir` (SQLite) or in a scratch database (PostgreSQL) and is deleted
//!   at the end.

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::too_many_lines
)]

#[path = "support/bench.rs"]
mod bench;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use bench::{Backend, admin_options, flag_pairs, ms, parse_backend, pct, spawn_server};
use jiff::Timestamp;
use roei_domain::Store;
use roei_domain::accounts;
use roei_domain::model::{OrgId, OrgKind, Role};
use roei_store_postgres::PgStore;
use roei_store_sqlite::SqliteStore;
use roei_web::{AppState, WebConfig};
use sqlx::AssertSqlSafe;
use tokio::task::JoinSet;

const PG_PREFIX: &str = "roei_bench_stats_";
const PASSWORD: &str = "bench-password-123";
const OPERATORS: usize = 20;

#[derive(Debug)]
struct Args {
    backend: Backend,
    reports: u64,
    requests: usize,
    clients: usize,
    sql_runs: usize,
    dir: PathBuf,
}

fn parse_args() -> anyhow::Result<Args> {
    let usage = "usage: bench_stats --backend sqlite|postgres [--reports 1000000] \
                 [--requests 200] [--clients 4] [--sql-runs 10] [--dir /work/scratch-stats]";
    let mut a = Args {
        backend: Backend::Sqlite,
        reports: 1_000_000,
        requests: 200,
        clients: 4,
        sql_runs: 10,
        dir: std::env::temp_dir(),
    };
    for (flag, value) in flag_pairs(usage)? {
        match flag.as_str() {
            "--backend" => a.backend = parse_backend(&value, usage)?,
            "--reports" => a.reports = value.parse().context("--reports")?,
            "--requests" => a.requests = value.parse().context("--requests")?,
            "--clients" => a.clients = value.parse().context("--clients")?,
            "--sql-runs" => a.sql_runs = value.parse().context("--sql-runs")?,
            "--dir" => a.dir = PathBuf::from(value),
            _ => bail!("unknown flag {flag}\n{usage}"),
        }
    }
    ensure!(
        a.reports >= 10 && a.clients >= 1 && a.requests >= a.clients,
        "{usage}"
    );
    Ok(a)
}

/// The statements the bench runs on its database (bulk load, the raw queries).
enum Sql<'a> {
    Sqlite(&'a SqliteStore),
    Postgres(&'a PgStore),
}

impl Sql<'_> {
    async fn exec(&self, sql: &str) -> anyhow::Result<u64> {
        Ok(match self {
            Sql::Sqlite(s) => sqlx::query(AssertSqlSafe(sql.to_owned()))
                .execute(s.pool())
                .await
                .with_context(|| sql.to_owned())?
                .rows_affected(),
            Sql::Postgres(s) => sqlx::query(AssertSqlSafe(sql.to_owned()))
                .execute(s.pool())
                .await
                .with_context(|| sql.to_owned())?
                .rows_affected(),
        })
    }

    async fn rows(&self, sql: &str) -> anyhow::Result<usize> {
        Ok(match self {
            Sql::Sqlite(s) => sqlx::query(AssertSqlSafe(sql.to_owned()))
                .fetch_all(s.pool())
                .await?
                .len(),
            Sql::Postgres(s) => sqlx::query(AssertSqlSafe(sql.to_owned()))
                .fetch_all(s.pool())
                .await?
                .len(),
        })
    }

    fn uuid(&self, hex12: &str, prefix: &str) -> String {
        // A UUID-shaped id from a row number: `prefix` is 8-4-4-4 hex, `hex12` the last group.
        match self {
            Sql::Sqlite(_) => format!("'{prefix}-' || printf('%012x', {hex12})"),
            Sql::Postgres(_) => format!("('{prefix}-' || lpad(to_hex({hex12}), 12, '0'))::uuid"),
        }
    }
}

/// 2023-04-01 00:00 JST and the span of four fiscal years, in microseconds.
const FY2023_US: i64 = 1_680_274_800_000_000;
const FOUR_YEARS_US: i64 = 1461 * 86_400 * 1_000_000;

async fn load(
    sql: &Sql<'_>,
    args: &Args,
    ops: &[OrgId],
    regulator: OrgId,
    by: &str,
) -> anyhow::Result<()> {
    let pg = matches!(sql, Sql::Postgres(_));
    sql.exec("CREATE TABLE bench_orgs (k INTEGER PRIMARY KEY, id TEXT NOT NULL)")
        .await?;
    for (k, id) in ops.iter().enumerate() {
        sql.exec(&format!("INSERT INTO bench_orgs VALUES ({k}, '{id}')"))
            .await?;
    }
    let org_id = if pg { "o.id::uuid" } else { "o.id" };
    let (reg, by) = if pg {
        (format!("'{regulator}'::uuid"), format!("'{by}'::uuid"))
    } else {
        (format!("'{regulator}'"), format!("'{by}'"))
    };
    let n = args.reports;
    let batch: u64 = if pg { n } else { 100_000 };
    let case_id = sql.uuid("n", "00000000-0000-7000-8000");
    let sub1 = sql.uuid("n", "00000000-0000-7000-9000");
    let sub2 = sql.uuid("n", "00000000-0000-7000-a000");
    // One step per row (n × span would overflow 64 bits).
    let step = FOUR_YEARS_US / i64::try_from(n)?;
    let at = format!("({FY2023_US} + n * {step})");
    let causes = "CASE n % 9 WHEN 0 THEN 'unauthorized_access' WHEN 1 THEN 'misdelivery' \
                  WHEN 2 THEN 'missending' WHEN 3 THEN 'wrong_disposal' WHEN 4 THEN 'loss' \
                  WHEN 5 THEN 'theft' WHEN 6 THEN 'insider' WHEN 7 THEN 'unauthorized_access' \
                  ELSE NULL END";
    let sector = "'業種' || ((n / 3) % 20)";
    let items = "CASE n % 7 WHEN 0 THEN '[3]' WHEN 1 THEN '[1]' WHEN 2 THEN '[2, 3]' \
                 WHEN 3 THEN '[4]' WHEN 4 THEN '[]' WHEN 5 THEN '[3, 4]' ELSE '[1, 2]' END";
    let json = |e: &str| {
        if pg {
            format!("({e})::jsonb")
        } else {
            e.to_owned()
        }
    };
    let date = |e: &str| {
        if pg {
            format!(
                "to_char(to_timestamp(({e}) / 1000000 + 32400) AT TIME ZONE 'UTC', 'YYYY-MM-DD')::date"
            )
        } else {
            format!("date(({e}) / 1000000 + 32400, 'unixepoch')")
        }
    };
    let mut from = 1u64;
    while from <= n {
        let to = (from + batch - 1).min(n);
        let series = if pg {
            format!("FROM generate_series({from}::bigint, {to}::bigint) AS g(n)")
        } else {
            format!(
                "FROM (WITH RECURSIVE g(n) AS (SELECT {from} UNION ALL SELECT n + 1 FROM g \
                 WHERE n < {to}) SELECT n FROM g) AS g"
            )
        };
        let join = format!("JOIN bench_orgs o ON o.k = n % {OPERATORS}");
        let t = Instant::now();
        sql.exec(&format!(
            "INSERT INTO cases (id, org_id, title, known_on, facts, status, version, \
             created_at_us, updated_at_us) \
             SELECT {case_id}, {org_id}, '事案 ' || n, {known}, {facts}, 'closed', 1, {at}, {at} \
             {series} {join}",
            known = date(&format!("{at} - 86400000000")),
            facts = json("'{\"events\": [\"leak\"]}'"),
        ))
        .await?;
        // The 速報 of every case, then a 確報 20 days later for 30 % of them.
        for (id, seq, stage, later, filter) in [
            (&sub1, 1, "quick_report", 0i64, "true"),
            (
                &sub2,
                2,
                "final_report",
                20 * 86_400 * 1_000_000,
                "n % 10 < 3",
            ),
        ] {
            sql.exec(&format!(
                "INSERT INTO submissions (id, case_id, org_id, to_org, seq, stage, content, \
                 determination_seq, law_version, items, persons, cause, sector, \
                 final_report_due, submitted_at_us, submitted_by, idempotency_key, \
                 acknowledged_at_us, acknowledged_by) \
                 SELECT {id}, {case_id}, {org_id}, {reg}, {seq}, '{stage}', {content}, 1, \
                 '2024-04-01', {items}, CASE WHEN n % 50 = 0 THEN NULL ELSE (n * 7919) % 20000 END, \
                 {causes}, {sector}, NULL, {at} + {later}, {by}, NULL, NULL, NULL \
                 {series} {join} WHERE {filter}",
                content = json("'{\"form_version\": \"draft-2020-12\"}'"),
                items = json(items),
            ))
            .await?;
        }
        eprintln!("  rows {from}–{to} in {:.1} s", t.elapsed().as_secs_f64());
        from = to + 1;
    }
    sql.exec("DROP TABLE bench_orgs").await?;
    sql.exec("ANALYZE").await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    match args.backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir_in(&args.dir)?;
            let path = dir.path().join("roei.sqlite3");
            let store = Arc::new(SqliteStore::open(&path).await?);
            let result = run(&args, store.clone(), Sql::Sqlite(&store)).await;
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            eprintln!("database file: {:.0} MB (deleted now)", size as f64 / 1e6);
            store.pool().close().await;
            result
        }
        Backend::Postgres => {
            let admin = admin_options()?;
            let (_, name) = roei_store_postgres::scratch::create(&admin, PG_PREFIX).await?;
            eprintln!("created database {name}");
            let result = async {
                let store = Arc::new(PgStore::connect_with(admin.clone().database(&name)).await?);
                let result = run(&args, store.clone(), Sql::Postgres(&store)).await;
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

async fn run<S: Store + 'static>(args: &Args, store: Arc<S>, sql: Sql<'_>) -> anyhow::Result<()> {
    let now = Timestamp::now();
    let st: &dyn Store = &*store;
    let reg =
        accounts::create_organisation(st, "個人情報保護委員会", OrgKind::Regulator, None, now)
            .await?;
    accounts::create_user(
        st,
        None,
        reg.id,
        "bench@ppc.example",
        "審査官",
        Role::Member,
        PASSWORD,
        now,
    )
    .await?;
    let mut ops = Vec::new();
    let mut by = None;
    for i in 0..OPERATORS {
        let regime = if i % 7 == 3 {
            roei_law::Regime::LocalPublic
        } else {
            roei_law::Regime::Private
        };
        let o = accounts::create_organisation(
            st,
            &format!("事業者{i}"),
            OrgKind::Operator,
            Some(regime),
            now,
        )
        .await?;
        let u = accounts::create_user(
            st,
            None,
            o.id,
            &format!("op{i}@example.jp"),
            "担当",
            Role::Member,
            PASSWORD,
            now,
        )
        .await?;
        by.get_or_insert(u.id);
        ops.push(o.id);
    }
    let t = Instant::now();
    load(
        &sql,
        args,
        &ops,
        reg.id,
        &by.context("an operator user")?.to_string(),
    )
    .await?;
    let load_s = t.elapsed().as_secs_f64();
    let subs = sql.rows("SELECT id FROM submissions").await?;
    let cells = sql.rows("SELECT cases FROM statistics_cells").await?;
    println!(
        "loaded {} cases, {subs} submissions in {load_s:.1} s; statistics_cells: {cells} rows",
        args.reports
    );

    // The real server.
    let state = AppState::new(store.clone(), WebConfig::default());
    let (addr, stop) = spawn_server(roei_web::router(state)).await?;
    let login =
        accounts::login(st, "bench@ppc.example", PASSWORD, "bench", Timestamp::now()).await?;
    let cookie = format!("roei_session={}", login.token);
    let base = format!("http://{addr}");

    println!();
    println!("| what | runs | p50 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    for path in [
        "/statistics",
        "/statistics?fiscal_year=2025",
        "/statistics/package?fiscal_year=2025",
    ] {
        let lat = pages(&base, path, &cookie, args).await?;
        line(&format!("page `GET {path}`"), &lat);
    }
    stop.send(()).ok();

    let reg_lit = match sql {
        Sql::Sqlite(_) => format!("'{}'", reg.id),
        Sql::Postgres(_) => format!("'{}'::uuid", reg.id),
    };
    let plain =
        format!("SELECT cause, count(*) FROM submissions WHERE to_org = {reg_lit} GROUP BY cause");
    let once = format!(
        "SELECT s.cause, count(*) FROM submissions s WHERE s.to_org = {reg_lit} AND NOT EXISTS \
         (SELECT 1 FROM submissions l WHERE l.case_id = s.case_id AND l.seq > s.seq) \
         GROUP BY s.cause"
    );
    let cube = format!(
        "SELECT cause, sum(cases) FROM statistics_cells WHERE to_org = {reg_lit} GROUP BY cause"
    );
    for (what, q) in [
        (
            "SQL: plain `SELECT cause, count(*) FROM submissions … GROUP BY cause`",
            &plain,
        ),
        (
            "SQL: each case once (latest submission) over the raw rows",
            &once,
        ),
        ("SQL: the page's query on `statistics_cells`", &cube),
    ] {
        let mut lat = Vec::with_capacity(args.sql_runs);
        for _ in 0..args.sql_runs {
            let t = Instant::now();
            let n = sql.rows(q).await?;
            lat.push(t.elapsed());
            ensure!(n >= 8, "{what}: {n} rows");
        }
        lat.sort();
        line(what, &lat);
    }
    Ok(())
}

fn line(what: &str, lat: &[Duration]) {
    println!(
        "| {what} | {} | {:.2} | {:.2} | {:.2} |",
        lat.len(),
        pct(lat, 50.0),
        pct(lat, 99.0),
        ms(*lat.last().unwrap_or(&Duration::ZERO))
    );
}

async fn pages(base: &str, path: &str, cookie: &str, args: &Args) -> anyhow::Result<Vec<Duration>> {
    let per = args.requests / args.clients;
    let mut set = JoinSet::new();
    for _ in 0..args.clients {
        let url = format!("{base}{path}");
        let cookie = cookie.to_owned();
        set.spawn(async move {
            let http = reqwest::Client::new();
            let mut out = Vec::with_capacity(per);
            for _ in 0..per {
                let t = Instant::now();
                let res = http.get(&url).header("cookie", &cookie).send().await?;
                let status = res.status();
                let body = res.bytes().await?;
                out.push(t.elapsed());
                ensure!(status == 200 && body.len() > 1000, "{url}: {status}");
            }
            anyhow::Ok(out)
        });
    }
    let mut all = Vec::new();
    while let Some(r) = set.join_next().await {
        all.extend(r??);
    }
    all.sort();
    Ok(all)
}
