//! roei-store-postgres — the [`Store`] of roei-domain on PostgreSQL (sqlx, concrete
//! [`PgPool`]).
//!
//! * The schema is embedded (`migrations/`) and brought up to date by [`PgStore::connect`].
//! * Every change commits in one transaction with its audit event, or neither does.
//! * The audit chain holds with several server processes on one database: inside each writing
//!   transaction the store takes a transaction-scoped advisory lock ([`AUDIT_LOCK_KEY`]) before
//!   it reads the last event and inserts the next one sealed on it, so appends are serialized
//!   across every connection to the database and commit in the order of their `seq`.
//! * Timestamps are stored as microseconds since the epoch (`bigint`), dates as `date` (read
//!   back as ISO text), facts and determinations as `jsonb`; the audit payload is `text`
//!   because the chain hash covers its exact bytes.
//! * Case reads are always filtered by organisation.

use std::fmt::Display;
use std::str::FromStr;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use roei_domain::audit::{self, AuditDraft, AuditEvent};
use roei_domain::model::{
    CaseId, DeterminationRecord, Entrustment, IncidentCase, OrgId, Organisation, User, UserId,
    parse_regime,
};
use roei_domain::{Store, StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::types::Json;
use sqlx::{Postgres, Row, Transaction};
use uuid::Uuid;

/// The embedded schema migrations.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The key of the advisory lock that serializes audit appends (ASCII "roeiaudt").
pub const AUDIT_LOCK_KEY: i64 = 0x726f_6569_6175_6474;

/// Column lists, so that every read decodes the same shape.
macro_rules! org_cols {
    () => {
        "id, name, kind, regime, created_at_us"
    };
}
macro_rules! user_cols {
    () => {
        "id, org_id, email, display_name, role, password_hash, created_at_us"
    };
}
macro_rules! case_cols {
    () => {
        "id, org_id, title, known_on::text AS known_on, facts, status, version, created_at_us, \
         updated_at_us"
    };
}
macro_rules! determination_cols {
    () => {
        "case_id, seq, facts, law_version, report_required, \
         final_report_due::text AS final_report_due, determination, assessed_at_us, assessed_by"
    };
}
macro_rules! audit_cols {
    () => {
        "seq, at_us, actor, org, action, subject, payload, prev_hash, hash"
    };
}

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects a pool to `url` (`postgres://user@host:port/database`) and runs the
    /// migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Backend(format!("bad PostgreSQL URL: {e}")))?;
        Self::connect_with(options).await
    }

    /// Connects a pool with `options` and runs the migrations.
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Backend(format!("cannot connect to PostgreSQL: {e}")))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migrating the database failed: {e}")))?;
        Ok(Self { pool })
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Starts a writing transaction. READ COMMITTED is asked for explicitly (whatever the
    /// server's default): each statement then sees what committed before it started, which
    /// is what lets the read of the last audit event, after the advisory lock, see the
    /// event that the previous lock holder committed.
    async fn begin(&self) -> StoreResult<Transaction<'static, Postgres>> {
        self.pool
            .begin_with("BEGIN ISOLATION LEVEL READ COMMITTED")
            .await
            .map_err(backend)
    }
}

/// Appends `draft` to the chain inside `conn`'s transaction: takes the audit lock (held until
/// the transaction ends), seals the event on the last one and inserts it.
async fn append_in(conn: &mut PgConnection, draft: &AuditDraft) -> StoreResult<AuditEvent> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(AUDIT_LOCK_KEY)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    let last = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
    let last: Option<(i64, String)> = match last {
        Some(row) => Some((
            get(&row, "audit_events", "seq")?,
            get(&row, "audit_events", "hash")?,
        )),
        None => None,
    };
    let event = audit::seal(last.as_ref().map(|(seq, hash)| (seq, hash.as_str())), draft);
    sqlx::query(concat!(
        "INSERT INTO audit_events (",
        audit_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(event.seq)
    .bind(event.at.as_microsecond())
    .bind(event.actor.map(|a| a.0))
    .bind(event.org.map(|o| o.0))
    .bind(&event.action)
    .bind(&event.subject)
    .bind(&event.payload)
    .bind(&event.prev_hash)
    .bind(&event.hash)
    .execute(&mut *conn)
    .await
    .map_err(backend)?;
    Ok(event)
}

/// Inserts a determination record inside a transaction.
async fn insert_determination(
    conn: &mut PgConnection,
    record: &DeterminationRecord,
) -> StoreResult<()> {
    sqlx::query(concat!(
        "INSERT INTO determinations (case_id, seq, facts, law_version, report_required, ",
        "final_report_due, determination, assessed_at_us, assessed_by) ",
        "VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9)"
    ))
    .bind(record.case_id.0)
    .bind(record.seq)
    .bind(Json(&record.facts))
    .bind(&record.law_version)
    .bind(record.report_required)
    .bind(record.final_report_due.map(|d| d.to_string()))
    .bind(Json(&record.determination))
    .bind(record.assessed_at.as_microsecond())
    .bind(record.assessed_by.map(|u| u.0))
    .execute(&mut *conn)
    .await
    .map_err(|e| {
        conflict_or_backend(
            e,
            format!(
                "determination {} of case {} exists already",
                record.seq, record.case_id
            ),
        )
    })?;
    Ok(())
}

/// Checks that a determination record goes with the case it is stored for.
#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn create_organisation(&self, org: &Organisation, audit: &AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(concat!(
            "INSERT INTO organisations (",
            org_cols!(),
            ") VALUES ($1, $2, $3, $4, $5)"
        ))
        .bind(org.id.0)
        .bind(&org.name)
        .bind(org.kind.as_str())
        .bind(org.regime.map(roei_law::Regime::as_str))
        .bind(org.created_at.as_microsecond())
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_or_backend(e, format!("organisation {} exists already", org.id)))?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn organisation(&self, id: OrgId) -> StoreResult<Option<Organisation>> {
        sqlx::query(concat!(
            "SELECT ",
            org_cols!(),
            " FROM organisations WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        .as_ref()
        .map(org_from_row)
        .transpose()
    }

    async fn list_organisations(&self) -> StoreResult<Vec<Organisation>> {
        sqlx::query(concat!(
            "SELECT ",
            org_cols!(),
            " FROM organisations ORDER BY created_at_us, id"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(org_from_row)
        .collect()
    }

    async fn create_user(&self, user: &User, audit: &AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(concat!(
            "INSERT INTO users (",
            user_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(user.id.0)
        .bind(user.org_id.0)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(user.created_at.as_microsecond())
        .execute(&mut *tx)
        .await
        .map_err(|e| match unique_constraint(&e) {
            Some(c) if c.contains("email") => StoreError::Conflict(format!(
                "the e-mail address \"{}\" is already in use",
                user.email
            )),
            Some(_) => StoreError::Conflict(format!("user {} exists already", user.id)),
            None => backend(e),
        })?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        sqlx::query(concat!(
            "SELECT ",
            user_cols!(),
            " FROM users WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        .as_ref()
        .map(user_from_row)
        .transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        sqlx::query(concat!(
            "SELECT ",
            user_cols!(),
            " FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        .as_ref()
        .map(user_from_row)
        .transpose()
    }

    async fn list_users(&self, org: OrgId) -> StoreResult<Vec<User>> {
        sqlx::query(concat!(
            "SELECT ",
            user_cols!(),
            " FROM users WHERE org_id = $1 ORDER BY created_at_us, id"
        ))
        .bind(org.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(user_from_row)
        .collect()
    }

    async fn set_password_hash(
        &self,
        id: UserId,
        hash: &str,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn create_entrustment(&self, e: &Entrustment, audit: &AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO entrustments (entruster, entrustee, created_at_us) VALUES ($1, $2, $3)",
        )
        .bind(e.entruster.0)
        .bind(e.entrustee.0)
        .bind(e.created_at.as_microsecond())
        .execute(&mut *tx)
        .await
        .map_err(|err| {
            conflict_or_backend(
                err,
                format!(
                    "organisation {} already entrusts data to organisation {}",
                    e.entruster, e.entrustee
                ),
            )
        })?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn entrusters_of(&self, entrustee: OrgId) -> StoreResult<Vec<OrgId>> {
        sqlx::query(
            "SELECT entruster FROM entrustments WHERE entrustee = $1 \
             ORDER BY created_at_us, entruster",
        )
        .bind(entrustee.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(|row| get(row, "entrustments", "entruster").map(OrgId))
        .collect()
    }

    async fn create_case(
        &self,
        case: &IncidentCase,
        first: &DeterminationRecord,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        first.check_case(case.id)?;
        let mut tx = self.begin().await?;
        sqlx::query(concat!(
            "INSERT INTO cases (id, org_id, title, known_on, facts, status, version, ",
            "created_at_us, updated_at_us) VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8, $9)"
        ))
        .bind(case.id.0)
        .bind(case.org_id.0)
        .bind(&case.title)
        .bind(case.known_on.to_string())
        .bind(Json(&case.facts))
        .bind(case.status.as_str())
        .bind(case.version)
        .bind(case.created_at.as_microsecond())
        .bind(case.updated_at.as_microsecond())
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_or_backend(e, format!("case {} exists already", case.id)))?;
        insert_determination(&mut tx, first).await?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn case(&self, org: OrgId, id: CaseId) -> StoreResult<Option<IncidentCase>> {
        sqlx::query(concat!(
            "SELECT ",
            case_cols!(),
            " FROM cases WHERE org_id = $1 AND id = $2"
        ))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        .as_ref()
        .map(case_from_row)
        .transpose()
    }

    async fn list_cases(&self, org: OrgId) -> StoreResult<Vec<IncidentCase>> {
        sqlx::query(concat!(
            "SELECT ",
            case_cols!(),
            " FROM cases WHERE org_id = $1 ORDER BY created_at_us DESC, id DESC"
        ))
        .bind(org.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(case_from_row)
        .collect()
    }

    async fn update_case_facts(
        &self,
        org: OrgId,
        expected_version: i64,
        record: &DeterminationRecord,
        audit: &AuditDraft,
    ) -> StoreResult<IncidentCase> {
        let (id, facts, at) = (record.case_id, &record.facts, record.assessed_at);
        let mut tx = self.begin().await?;
        let updated = sqlx::query(concat!(
            "UPDATE cases SET facts = $1, known_on = $2::date, version = version + 1, ",
            "updated_at_us = $3 WHERE org_id = $4 AND id = $5 AND version = $6 RETURNING ",
            case_cols!()
        ))
        .bind(Json(facts))
        .bind(facts.known_on.to_string())
        .bind(at.as_microsecond())
        .bind(org.0)
        .bind(id.0)
        .bind(expected_version)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        let Some(row) = updated else {
            let current = sqlx::query("SELECT version FROM cases WHERE org_id = $1 AND id = $2")
                .bind(org.0)
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
            return Err(match current {
                None => StoreError::NotFound,
                Some(row) => {
                    let version: i64 = get(&row, "cases", "version")?;
                    StoreError::Conflict(format!(
                        "the case was changed by someone else (version {version})"
                    ))
                }
            });
        };
        let case = case_from_row(&row)?;
        insert_determination(&mut tx, record).await?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)?;
        Ok(case)
    }

    async fn determinations(
        &self,
        org: OrgId,
        id: CaseId,
    ) -> StoreResult<Vec<DeterminationRecord>> {
        sqlx::query(concat!(
            "SELECT ",
            determination_cols!(),
            " FROM determinations WHERE case_id = $2 ",
            "AND EXISTS (SELECT 1 FROM cases WHERE cases.id = $2 AND cases.org_id = $1) ",
            "ORDER BY seq"
        ))
        .bind(org.0)
        .bind(id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(determination_from_row)
        .collect()
    }

    async fn append_audit(&self, audit: &AuditDraft) -> StoreResult<AuditEvent> {
        let mut tx = self.begin().await?;
        let event = append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)?;
        Ok(event)
    }

    async fn audit_events(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEvent>> {
        sqlx::query(concat!(
            "SELECT ",
            audit_cols!(),
            " FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(after)
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(audit_from_row)
        .collect()
    }
}

// Errors.

/// A database failure.
#[allow(clippy::needless_pass_by_value, reason = "the shape `map_err` wants")]
fn backend(e: sqlx::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// The constraint named by a unique violation (SQLSTATE 23505), if `e` is one.
fn unique_constraint(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => {
            Some(db.constraint().unwrap_or_default().to_owned())
        }
        _ => None,
    }
}

/// `Conflict(message)` for a unique violation, else a backend error.
fn conflict_or_backend(e: sqlx::Error, message: String) -> StoreError {
    if unique_constraint(&e).is_some() {
        StoreError::Conflict(message)
    } else {
        backend(e)
    }
}

/// A stored value that does not decode, naming where it is.
fn bad_value(table: &str, column: &str, e: impl Display) -> StoreError {
    StoreError::Backend(format!(
        "{table}.{column}: the stored value does not decode: {e}"
    ))
}

// Decoding rows.

fn get<'r, T>(row: &'r PgRow, table: &str, column: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
{
    row.try_get(column).map_err(|e| bad_value(table, column, e))
}

fn parsed<T>(row: &PgRow, table: &str, column: &str) -> StoreResult<T>
where
    T: FromStr,
    T::Err: Display,
{
    let text: String = get(row, table, column)?;
    text.parse().map_err(|e| bad_value(table, column, e))
}

fn parsed_opt<T>(row: &PgRow, table: &str, column: &str) -> StoreResult<Option<T>>
where
    T: FromStr,
    T::Err: Display,
{
    let text: Option<String> = get(row, table, column)?;
    text.map(|t| t.parse().map_err(|e| bad_value(table, column, e)))
        .transpose()
}

fn timestamp(row: &PgRow, table: &str, column: &str) -> StoreResult<Timestamp> {
    let us: i64 = get(row, table, column)?;
    Timestamp::from_microsecond(us).map_err(|e| bad_value(table, column, e))
}

fn json<T: serde::de::DeserializeOwned>(row: &PgRow, table: &str, column: &str) -> StoreResult<T> {
    let Json(value) = get::<Json<T>>(row, table, column)?;
    Ok(value)
}

fn org_from_row(row: &PgRow) -> StoreResult<Organisation> {
    const T: &str = "organisations";
    let regime: Option<String> = get(row, T, "regime")?;
    Ok(Organisation {
        id: OrgId(get(row, T, "id")?),
        name: get(row, T, "name")?,
        kind: parsed(row, T, "kind")?,
        regime: regime
            .map(|r| parse_regime(&r).map_err(|e| bad_value(T, "regime", e)))
            .transpose()?,
        created_at: timestamp(row, T, "created_at_us")?,
    })
}

fn user_from_row(row: &PgRow) -> StoreResult<User> {
    const T: &str = "users";
    Ok(User {
        id: UserId(get(row, T, "id")?),
        org_id: OrgId(get(row, T, "org_id")?),
        email: get(row, T, "email")?,
        display_name: get(row, T, "display_name")?,
        role: parsed(row, T, "role")?,
        password_hash: get(row, T, "password_hash")?,
        created_at: timestamp(row, T, "created_at_us")?,
    })
}

fn case_from_row(row: &PgRow) -> StoreResult<IncidentCase> {
    const T: &str = "cases";
    Ok(IncidentCase {
        id: CaseId(get(row, T, "id")?),
        org_id: OrgId(get(row, T, "org_id")?),
        title: get(row, T, "title")?,
        known_on: parsed::<Date>(row, T, "known_on")?,
        facts: json(row, T, "facts")?,
        status: parsed(row, T, "status")?,
        version: get(row, T, "version")?,
        created_at: timestamp(row, T, "created_at_us")?,
        updated_at: timestamp(row, T, "updated_at_us")?,
    })
}

fn determination_from_row(row: &PgRow) -> StoreResult<DeterminationRecord> {
    const T: &str = "determinations";
    Ok(DeterminationRecord {
        case_id: CaseId(get(row, T, "case_id")?),
        seq: get(row, T, "seq")?,
        facts: json(row, T, "facts")?,
        law_version: get(row, T, "law_version")?,
        report_required: get(row, T, "report_required")?,
        final_report_due: parsed_opt::<Date>(row, T, "final_report_due")?,
        determination: json(row, T, "determination")?,
        assessed_at: timestamp(row, T, "assessed_at_us")?,
        assessed_by: get::<Option<Uuid>>(row, T, "assessed_by")?.map(UserId),
    })
}

fn audit_from_row(row: &PgRow) -> StoreResult<AuditEvent> {
    const T: &str = "audit_events";
    Ok(AuditEvent {
        seq: get(row, T, "seq")?,
        at: timestamp(row, T, "at_us")?,
        actor: get::<Option<Uuid>>(row, T, "actor")?.map(UserId),
        org: get::<Option<Uuid>>(row, T, "org")?.map(OrgId),
        action: get(row, T, "action")?,
        subject: get(row, T, "subject")?,
        payload: get(row, T, "payload")?,
        prev_hash: get(row, T, "prev_hash")?,
        hash: get(row, T, "hash")?,
    })
}
