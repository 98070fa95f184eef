//! Test databases for this crate's own integration tests, made the way `conformance.rs` makes
//! them: a brand-new database `roei_test_<uuid v7>` on the server named by
//! `ROEI_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`), left behind
//! when the test ends; each new one first drops the test databases more than an hour old.

#![allow(dead_code, clippy::missing_panics_doc)]

use std::str::FromStr;

use jiff::Timestamp;
use roei_domain::audit::AuditDraft;
use sqlx::postgres::PgConnectOptions;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The server the tests use (its own database is only used to create the test databases).
pub fn admin_options() -> PgConnectOptions {
    let url = std::env::var("ROEI_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned());
    PgConnectOptions::from_str(&url)
        .unwrap_or_else(|e| panic!("ROEI_TEST_DATABASE_URL is not a PostgreSQL URL: {e}"))
}

/// Creates an empty database and returns the options to connect to it.
pub async fn create_database() -> PgConnectOptions {
    roei_store_postgres::scratch::create(&admin_options(), "roei_test_")
        .await
        .unwrap_or_else(|e| panic!("{e} (set ROEI_TEST_DATABASE_URL)"))
        .0
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
