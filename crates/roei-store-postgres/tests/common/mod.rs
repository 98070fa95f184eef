//! Test databases for this crate's own integration tests, made the way `conformance.rs` makes
//! them: a brand-new database `roei_test_<uuid v7>` on the server named by
//! `ROEI_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`), left behind
//! when the test ends; each new one first drops the test databases more than an hour old.

#![allow(dead_code, clippy::missing_panics_doc)]

use std::str::FromStr;
use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use roei_domain::audit::AuditDraft;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, Connection, Row};
use uuid::Uuid;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const PREFIX: &str = "roei_test_";
/// Test databases older than this are dropped by the next test run.
const STALE_AFTER: Duration = Duration::from_hours(1);

/// The server the tests use (its own database is only used to create the test databases).
fn admin_options() -> PgConnectOptions {
    let url = std::env::var("ROEI_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned());
    PgConnectOptions::from_str(&url)
        .unwrap_or_else(|e| panic!("ROEI_TEST_DATABASE_URL is not a PostgreSQL URL: {e}"))
}

/// Creates an empty database and returns the options to connect to it.
pub async fn create_database() -> PgConnectOptions {
    let admin = admin_options();
    let mut conn = PgConnection::connect_with(&admin)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not reachable at {}:{} (set ROEI_TEST_DATABASE_URL to a server \
             where the user may CREATE DATABASE): {e}",
                admin.get_host(),
                admin.get_port()
            )
        });
    drop_stale_databases(&mut conn).await;
    let name = format!("{PREFIX}{}", Uuid::now_v7().simple());
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
    conn.close().await.ok();
    admin.database(&name)
}

/// Best effort: drops the test databases created more than [`STALE_AFTER`] ago. Several test
/// processes may race for the same database; whoever loses ignores the error.
async fn drop_stale_databases(conn: &mut PgConnection) {
    let Ok(rows) = sqlx::query("SELECT datname FROM pg_database WHERE starts_with(datname, $1)")
        .bind(PREFIX)
        .fetch_all(&mut *conn)
        .await
    else {
        return;
    };
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    for row in rows {
        let name: String = row.get("datname");
        let Some(created) = name
            .strip_prefix(PREFIX)
            .and_then(|id| Uuid::try_parse(id).ok())
            .and_then(|id| id.get_timestamp())
        else {
            continue;
        };
        let (secs, nanos) = created.to_unix();
        if now.saturating_sub(Duration::new(secs, nanos)) > STALE_AFTER {
            // The name is ours (prefix + hex digits), so it is safe to splice in.
            let _ = sqlx::query(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut *conn)
            .await;
        }
    }
}

/// A fixed instant, `offset_s` seconds after 2026-11-18.
pub fn at(offset_s: i64) -> Timestamp {
    Timestamp::from_second(1_795_000_000 + offset_s).expect("in range")
}

/// An audit draft for a test change.
pub fn draft(action: &str, subject: &str) -> AuditDraft {
    AuditDraft::new(
        at(0),
        None,
        None,
        action,
        subject,
        &serde_json::json!({"subject": subject}),
    )
}
