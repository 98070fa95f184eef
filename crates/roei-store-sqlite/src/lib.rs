//! roei-store-sqlite — the [`Store`] on one SQLite file.
//!
//! * The file is opened in WAL mode with `synchronous = FULL` (an acknowledged write survives a
//!   kill or power loss), foreign keys on and a 5 s busy timeout; the embedded migrations
//!   (`migrations/`) run on [`SqliteStore::open`].
//! * Every change and its audit event commit in one `BEGIN IMMEDIATE` transaction: the write
//!   lock is taken before the last audit event is read, so no other writer — in this process or
//!   another — can seal an event on the same predecessor.
//! * Ids are UUID text, timestamps microseconds since the epoch, dates `YYYY-MM-DD`, facts and
//!   determinations JSON text. A stored value that does not decode is a
//!   [`StoreError::Backend`] naming its table and column.

use std::fmt::Display;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use roei_domain::audit::{AuditDraft, AuditEvent, seal};
use roei_domain::model::{
    CaseId, DeterminationRecord, Entrustment, IncidentCase, OrgId, Organisation, User, UserId,
    parse_regime,
};
use roei_domain::{Store, StoreError, StoreResult};
use roei_law::Facts;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use tokio::sync::{Mutex, MutexGuard};

/// The schema, embedded at compile time.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a connection waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// roei's data in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Writers of this process queue here, in order, instead of spinning in SQLite's busy
    /// handler; `BEGIN IMMEDIATE` still guards against writers in other processes.
    write_gate: Mutex<()>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .connect_with(options)
            .await
            .map_err(|e| backend(format!("opening {}", path.display()), &e))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migrating {}: {e}", path.display())))?;
        Ok(Self {
            pool,
            write_gate: Mutex::new(()),
        })
    }

    /// The connection pool, for tools and tests that need raw SQL.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Starts a write transaction holding the database's write lock.
    async fn begin(&self) -> StoreResult<(MutexGuard<'_, ()>, Transaction<'static, Sqlite>)> {
        let gate = self.write_gate.lock().await;
        let tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| backend("beginning a transaction", &e))?;
        Ok((gate, tx))
    }
}

/// Commits `tx` if `result` is Ok, else rolls it back.
async fn finish<T>(tx: Transaction<'static, Sqlite>, result: StoreResult<T>) -> StoreResult<T> {
    match result {
        Ok(value) => {
            tx.commit().await.map_err(|e| backend("committing", &e))?;
            Ok(value)
        }
        Err(err) => {
            // A failed rollback leaves the transaction to be rolled back when the connection
            // is next used or closed; the original error is the one worth reporting.
            let _ = tx.rollback().await;
            Err(err)
        }
    }
}

fn backend(what: impl Display, err: &sqlx::Error) -> StoreError {
    StoreError::Backend(format!("{what}: {err}"))
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(sqlx::error::DatabaseError::is_unique_violation)
}

/// Seals `draft` on the last event and appends it. Call inside a write transaction only.
async fn append_in(conn: &mut SqliteConnection, draft: &AuditDraft) -> StoreResult<AuditEvent> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| backend("reading the last audit event", &e))?;
    let event = seal(last.as_ref().map(|(seq, hash)| (seq, hash.as_str())), draft);
    sqlx::query(
        "INSERT INTO audit_events (seq, at_us, actor, org, action, subject, payload, prev_hash, hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(event.seq)
    .bind(event.at.as_microsecond())
    .bind(event.actor.map(|a| a.to_string()))
    .bind(event.org.map(|o| o.to_string()))
    .bind(&event.action)
    .bind(&event.subject)
    .bind(&event.payload)
    .bind(&event.prev_hash)
    .bind(&event.hash)
    .execute(&mut *conn)
    .await
    .map_err(|e| backend("appending an audit event", &e))?;
    Ok(event)
}

// ---------------------------------------------------------------------------------------------
// Decoding rows.

/// A row of `table`, decoded column by column; every failure names `table.column`.
struct Cols<'r> {
    row: &'r SqliteRow,
    table: &'static str,
}

impl<'r> Cols<'r> {
    fn new(row: &'r SqliteRow, table: &'static str) -> Self {
        Self { row, table }
    }

    fn bad(&self, column: &str, problem: impl Display) -> StoreError {
        StoreError::Backend(format!(
            "{}.{column} holds a value that does not decode: {problem}",
            self.table
        ))
    }

    fn get<T>(&self, column: &str) -> StoreResult<T>
    where
        T: sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
    {
        self.row.try_get(column).map_err(|e| self.bad(column, e))
    }

    fn text(&self, column: &str) -> StoreResult<String> {
        self.get(column)
    }

    fn parse<T>(&self, column: &str) -> StoreResult<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        let s: String = self.get(column)?;
        s.parse().map_err(|e| self.bad(column, e))
    }

    fn parse_opt<T>(&self, column: &str) -> StoreResult<Option<T>>
    where
        T: FromStr,
        T::Err: Display,
    {
        let s: Option<String> = self.get(column)?;
        s.map(|s| s.parse().map_err(|e| self.bad(column, e)))
            .transpose()
    }

    fn timestamp(&self, column: &str) -> StoreResult<Timestamp> {
        let us: i64 = self.get(column)?;
        Timestamp::from_microsecond(us).map_err(|e| self.bad(column, e))
    }

    fn date(&self, column: &str) -> StoreResult<Date> {
        self.parse(column)
    }

    fn facts(&self, column: &str) -> StoreResult<Facts> {
        let s: String = self.get(column)?;
        serde_json::from_str(&s).map_err(|e| self.bad(column, e))
    }

    fn json(&self, column: &str) -> StoreResult<serde_json::Value> {
        let s: String = self.get(column)?;
        serde_json::from_str(&s).map_err(|e| self.bad(column, e))
    }
}

fn organisation_from(row: &SqliteRow) -> StoreResult<Organisation> {
    let c = Cols::new(row, "organisations");
    let regime: Option<String> = c.get("regime")?;
    Ok(Organisation {
        id: c.parse("id")?,
        name: c.text("name")?,
        kind: c.parse("kind")?,
        regime: regime
            .map(|r| parse_regime(&r).map_err(|e| c.bad("regime", e)))
            .transpose()?,
        created_at: c.timestamp("created_at_us")?,
    })
}

fn user_from(row: &SqliteRow) -> StoreResult<User> {
    let c = Cols::new(row, "users");
    Ok(User {
        id: c.parse("id")?,
        org_id: c.parse("org_id")?,
        email: c.text("email")?,
        display_name: c.text("display_name")?,
        role: c.parse("role")?,
        password_hash: c.text("password_hash")?,
        created_at: c.timestamp("created_at_us")?,
    })
}

fn case_from(row: &SqliteRow) -> StoreResult<IncidentCase> {
    let c = Cols::new(row, "cases");
    Ok(IncidentCase {
        id: c.parse("id")?,
        org_id: c.parse("org_id")?,
        title: c.text("title")?,
        known_on: c.date("known_on")?,
        facts: c.facts("facts")?,
        status: c.parse("status")?,
        version: c.get("version")?,
        created_at: c.timestamp("created_at_us")?,
        updated_at: c.timestamp("updated_at_us")?,
    })
}

fn determination_from(row: &SqliteRow) -> StoreResult<DeterminationRecord> {
    let c = Cols::new(row, "determinations");
    Ok(DeterminationRecord {
        case_id: c.parse("case_id")?,
        seq: c.get("seq")?,
        facts: c.facts("facts")?,
        law_version: c.text("law_version")?,
        report_required: c.get("report_required")?,
        final_report_due: c.parse_opt("final_report_due")?,
        determination: c.json("determination")?,
        assessed_at: c.timestamp("assessed_at_us")?,
        assessed_by: c.parse_opt("assessed_by")?,
    })
}

fn audit_event_from(row: &SqliteRow) -> StoreResult<AuditEvent> {
    let c = Cols::new(row, "audit_events");
    Ok(AuditEvent {
        seq: c.get("seq")?,
        at: c.timestamp("at_us")?,
        actor: c.parse_opt("actor")?,
        org: c.parse_opt("org")?,
        action: c.text("action")?,
        subject: c.text("subject")?,
        payload: c.text("payload")?,
        prev_hash: c.text("prev_hash")?,
        hash: c.text("hash")?,
    })
}

fn facts_json(facts: &Facts) -> StoreResult<String> {
    serde_json::to_string(facts).map_err(|e| StoreError::Backend(format!("encoding facts: {e}")))
}

// ---------------------------------------------------------------------------------------------
// Writes inside a transaction.

async fn insert_determination(
    conn: &mut SqliteConnection,
    record: &DeterminationRecord,
) -> StoreResult<()> {
    let determination = serde_json::to_string(&record.determination)
        .map_err(|e| StoreError::Backend(format!("encoding a determination: {e}")))?;
    sqlx::query(
        "INSERT INTO determinations (case_id, seq, facts, law_version, report_required, \
         final_report_due, determination, assessed_at_us, assessed_by) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(record.case_id.to_string())
    .bind(record.seq)
    .bind(facts_json(&record.facts)?)
    .bind(&record.law_version)
    .bind(record.report_required)
    .bind(record.final_report_due.map(|d| d.to_string()))
    .bind(determination)
    .bind(record.assessed_at.as_microsecond())
    .bind(record.assessed_by.map(|u| u.to_string()))
    .execute(&mut *conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Conflict(format!(
                "case {} already has a determination {}",
                record.case_id, record.seq
            ))
        } else {
            backend("storing a determination", &e)
        }
    })?;
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn create_organisation(&self, org: &Organisation, audit: &AuditDraft) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            sqlx::query(
                "INSERT INTO organisations (id, name, kind, regime, created_at_us) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(org.id.to_string())
            .bind(&org.name)
            .bind(org.kind.as_str())
            .bind(org.regime.map(roei_law::Regime::as_str))
            .bind(org.created_at.as_microsecond())
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict(format!("organisation {} exists already", org.id))
                } else {
                    backend("storing an organisation", &e)
                }
            })?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn organisation(&self, id: OrgId) -> StoreResult<Option<Organisation>> {
        sqlx::query("SELECT * FROM organisations WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| backend("reading an organisation", &e))?
            .as_ref()
            .map(organisation_from)
            .transpose()
    }

    async fn list_organisations(&self) -> StoreResult<Vec<Organisation>> {
        sqlx::query("SELECT * FROM organisations ORDER BY created_at_us, id")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing organisations", &e))?
            .iter()
            .map(organisation_from)
            .collect()
    }

    async fn create_user(&self, user: &User, audit: &AuditDraft) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            sqlx::query(
                "INSERT INTO users (id, org_id, email, display_name, role, password_hash, created_at_us) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(user.id.to_string())
            .bind(user.org_id.to_string())
            .bind(&user.email)
            .bind(&user.display_name)
            .bind(user.role.as_str())
            .bind(&user.password_hash)
            .bind(user.created_at.as_microsecond())
            .execute(&mut *tx)
            .await
            .map_err(|e| match e.as_database_error() {
                Some(db) if db.is_unique_violation() && db.message().contains("users.email") => {
                    StoreError::Conflict(format!("the e-mail address {} is taken", user.email))
                }
                Some(db) if db.is_unique_violation() => {
                    StoreError::Conflict(format!("user {} exists already", user.id))
                }
                _ => backend("storing a user", &e),
            })?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        sqlx::query("SELECT * FROM users WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| backend("reading a user", &e))?
            .as_ref()
            .map(user_from)
            .transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        sqlx::query("SELECT * FROM users WHERE email = ?")
            .bind(email)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| backend("reading a user", &e))?
            .as_ref()
            .map(user_from)
            .transpose()
    }

    async fn list_users(&self, org: OrgId) -> StoreResult<Vec<User>> {
        sqlx::query("SELECT * FROM users WHERE org_id = ? ORDER BY created_at_us, id")
            .bind(org.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing users", &e))?
            .iter()
            .map(user_from)
            .collect()
    }

    async fn set_password_hash(
        &self,
        id: UserId,
        hash: &str,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            let done = sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
                .bind(hash)
                .bind(id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(|e| backend("storing a password hash", &e))?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn create_entrustment(&self, e: &Entrustment, audit: &AuditDraft) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            sqlx::query(
                "INSERT INTO entrustments (entruster, entrustee, created_at_us) VALUES (?, ?, ?)",
            )
            .bind(e.entruster.to_string())
            .bind(e.entrustee.to_string())
            .bind(e.created_at.as_microsecond())
            .execute(&mut *tx)
            .await
            .map_err(|err| {
                if is_unique_violation(&err) {
                    StoreError::Conflict(format!(
                        "organisation {} already entrusts data to organisation {}",
                        e.entruster, e.entrustee
                    ))
                } else {
                    backend("storing an entrustment", &err)
                }
            })?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn entrusters_of(&self, entrustee: OrgId) -> StoreResult<Vec<OrgId>> {
        sqlx::query(
            "SELECT entruster FROM entrustments WHERE entrustee = ? ORDER BY created_at_us, entruster",
        )
        .bind(entrustee.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| backend("listing entrustments", &e))?
        .iter()
        .map(|row| Cols::new(row, "entrustments").parse("entruster"))
        .collect()
    }

    async fn create_case(
        &self,
        case: &IncidentCase,
        first: &DeterminationRecord,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        first.check_case(case.id)?;
        let facts = facts_json(&case.facts)?;
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            sqlx::query(
                "INSERT INTO cases (id, org_id, title, known_on, facts, status, version, \
                 created_at_us, updated_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(case.id.to_string())
            .bind(case.org_id.to_string())
            .bind(&case.title)
            .bind(case.known_on.to_string())
            .bind(facts)
            .bind(case.status.as_str())
            .bind(case.version)
            .bind(case.created_at.as_microsecond())
            .bind(case.updated_at.as_microsecond())
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict(format!("case {} exists already", case.id))
                } else {
                    backend("storing a case", &e)
                }
            })?;
            insert_determination(&mut tx, first).await?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn case(&self, org: OrgId, id: CaseId) -> StoreResult<Option<IncidentCase>> {
        sqlx::query("SELECT * FROM cases WHERE org_id = ? AND id = ?")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| backend("reading a case", &e))?
            .as_ref()
            .map(case_from)
            .transpose()
    }

    async fn list_cases(&self, org: OrgId) -> StoreResult<Vec<IncidentCase>> {
        sqlx::query("SELECT * FROM cases WHERE org_id = ? ORDER BY created_at_us DESC, id DESC")
            .bind(org.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing cases", &e))?
            .iter()
            .map(case_from)
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
        let facts_text = facts_json(facts)?;
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            let done = sqlx::query(
                "UPDATE cases SET facts = ?, known_on = ?, version = version + 1, updated_at_us = ? \
                 WHERE org_id = ? AND id = ? AND version = ?",
            )
            .bind(facts_text)
            .bind(facts.known_on.to_string())
            .bind(at.as_microsecond())
            .bind(org.to_string())
            .bind(id.to_string())
            .bind(expected_version)
            .execute(&mut *tx)
            .await
            .map_err(|e| backend("updating a case", &e))?;
            if done.rows_affected() == 0 {
                let current: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM cases WHERE org_id = ? AND id = ?")
                        .bind(org.to_string())
                        .bind(id.to_string())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(|e| backend("reading a case", &e))?;
                return Err(match current {
                    None => StoreError::NotFound,
                    Some(version) => StoreError::Conflict(format!(
                        "the case was changed by someone else (version {version})"
                    )),
                });
            }
            insert_determination(&mut tx, record).await?;
            append_in(&mut tx, audit).await?;
            let row = sqlx::query("SELECT * FROM cases WHERE org_id = ? AND id = ?")
                .bind(org.to_string())
                .bind(id.to_string())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| backend("reading a case", &e))?;
            case_from(&row)
        }
        .await;
        finish(tx, result).await
    }

    async fn determinations(
        &self,
        org: OrgId,
        id: CaseId,
    ) -> StoreResult<Vec<DeterminationRecord>> {
        sqlx::query(
            "SELECT d.* FROM determinations d JOIN cases c ON c.id = d.case_id \
             WHERE c.org_id = ? AND c.id = ? ORDER BY d.seq",
        )
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| backend("listing determinations", &e))?
        .iter()
        .map(determination_from)
        .collect()
    }

    async fn append_audit(&self, audit: &AuditDraft) -> StoreResult<AuditEvent> {
        let (_gate, mut tx) = self.begin().await?;
        let result = append_in(&mut tx, audit).await;
        finish(tx, result).await
    }

    async fn audit_events(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEvent>> {
        if limit <= 0 {
            // SQLite reads a negative LIMIT as "no limit"; the contract means none.
            return Ok(Vec::new());
        }
        sqlx::query("SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("reading audit events", &e))?
            .iter()
            .map(audit_event_from)
            .collect()
    }
}
