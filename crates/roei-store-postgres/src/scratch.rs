//! Throw-away databases for tests and benchmarks: `CREATE DATABASE <prefix><uuid v7>` on a
//! server where the user may create databases, after dropping this prefix's databases older
//! than an hour (left behind by killed runs; the age is read from the UUID v7 in the name).

use std::time::{Duration, SystemTime};

use roei_domain::StoreError;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, Connection, Row};
use uuid::Uuid;

/// How old a scratch database must be before another run drops it.
pub const STALE_AFTER: Duration = Duration::from_hours(1);

fn err(what: &str, e: &impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("{what}: {e}"))
}

/// Creates an empty database named `prefix` + a UUID v7 (prefix: lower-case letters and `_`);
/// returns the options to connect to it and its name.
pub async fn create(
    admin: &PgConnectOptions,
    prefix: &str,
) -> Result<(PgConnectOptions, String), StoreError> {
    assert!(
        prefix.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
        "a scratch prefix is lower-case letters and underscores"
    );
    let mut conn = PgConnection::connect_with(admin).await.map_err(|e| {
        err(
            &format!(
                "PostgreSQL is not reachable at {}:{} (the user must be allowed to CREATE DATABASE)",
                admin.get_host(),
                admin.get_port()
            ),
            &e,
        )
    })?;
    drop_stale(&mut conn, prefix).await;
    let name = format!("{prefix}{}", Uuid::now_v7().simple());
    // The name is ours (prefix + hex digits), so it is safe to splice in.
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .map_err(|e| err(&format!("creating the database {name}"), &e))?;
    conn.close().await.ok();
    Ok((admin.clone().database(&name), name))
}

/// Drops a database made by [`create`] (best effort).
pub async fn drop(admin: &PgConnectOptions, name: &str) {
    if let Ok(mut conn) = PgConnection::connect_with(admin).await {
        let _ = sqlx::query(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
        conn.close().await.ok();
    }
}

/// Drops `prefix`'s databases older than [`STALE_AFTER`]. Concurrent runs may race for one;
/// the loser ignores the error.
async fn drop_stale(conn: &mut PgConnection, prefix: &str) {
    let Ok(rows) = sqlx::query("SELECT datname FROM pg_database WHERE starts_with(datname, $1)")
        .bind(prefix)
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
        let Some((secs, nanos)) = name
            .strip_prefix(prefix)
            .and_then(|id| Uuid::try_parse(id).ok())
            .and_then(|id| id.get_timestamp())
            .map(|t| t.to_unix())
        else {
            continue;
        };
        if now.saturating_sub(Duration::new(secs, nanos)) > STALE_AFTER {
            let _ = sqlx::query(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut *conn)
            .await;
        }
    }
}
