//! roei-store-sqlite — the [`Store`] on one SQLite file.
//!
//! * The file is opened in WAL mode with `synchronous = FULL` (an acknowledged write survives a
//!   kill or power loss), foreign keys on and a 5 s busy timeout; the embedded migrations
//!   (`migrations/`) run on [`SqliteStore::open`].
//! * Every change and its audit event commit in one `BEGIN IMMEDIATE` transaction: the write
//!   lock is taken before the last audit event is read, so no other writer — in this process or
//!   another — can seal an event on the same predecessor.
//! * Ids are UUID text, timestamps microseconds since the epoch, dates `YYYY-MM-DD`, facts,
//!   determinations, report contents and item lists JSON text. A stored value that does not
//!   decode is a [`StoreError::Backend`] naming its table and column.
//! * The read models (the deadline board, the regulator's inbox) are one query each, whatever
//!   the number of cases.
//! * Claiming outbox messages chooses and marks them in one `BEGIN IMMEDIATE` transaction, so
//!   two workers — two stores on one file included — never hold the same message.

mod sharing;
mod statistics;

use std::fmt::Display;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use roei_domain::audit::{AuditDraft, AuditEvent, seal};
use roei_domain::model::{
    CaseId, CaseStatus, DeterminationRecord, Entrustment, IncidentCase, OrgId, Organisation, User,
    UserId, parse_regime,
};
use roei_domain::records::{
    ApiToken, CaseOverview, EntrusterNotice, InboxRow, Message, OutboxMessage, PoliceReport,
    RegulatorAction, RegulatorActionKind, Session, SubmissionSummary,
};
use roei_domain::report::{ReportContent, ReportDraft, Submission};
use roei_domain::{Store, StoreError, StoreResult};
use roei_law::Facts;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::types::Uuid;
use sqlx::{Row, Sqlite, Transaction};
use tokio::sync::{Mutex, MutexGuard};

/// The schema, embedded at compile time.
/// Bytes of the database file each connection maps into memory for reading.
const MMAP_SIZE: u64 = 256 * 1024 * 1024;
/// Page cache per connection, in KiB (SQLite's negative `cache_size`).
const CACHE_SIZE_KIB: i64 = -16 * 1024;

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
            .busy_timeout(BUSY_TIMEOUT)
            // Reads go through a memory map and a larger page cache instead of a pread() of
            // each page per query (docs/perf.md, "Pages under load").
            .pragma("mmap_size", MMAP_SIZE.to_string())
            .pragma("cache_size", CACHE_SIZE_KIB.to_string());
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

    /// Opens an existing database without writing to it (no migrations, no journal-mode
    /// change): for inspecting a backup.
    pub async fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .connect_with(options)
            .await
            .map_err(|e| backend(format!("opening {} read-only", path.display()), &e))?;
        Ok(Self {
            pool,
            write_gate: Mutex::new(()),
        })
    }

    /// Writes a consistent copy of the database to `target` (which must not exist) while
    /// other connections keep reading and writing (`VACUUM INTO`).
    pub async fn backup_into(&self, target: &Path) -> Result<(), StoreError> {
        let name = target.to_str().ok_or_else(|| {
            StoreError::Backend(format!("{} is not a UTF-8 path", target.display()))
        })?;
        sqlx::query("VACUUM INTO ?")
            .bind(name)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| backend(format!("writing the backup {}", target.display()), &e))
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

    fn timestamp_opt(&self, column: &str) -> StoreResult<Option<Timestamp>> {
        let us: Option<i64> = self.get(column)?;
        us.map(|us| Timestamp::from_microsecond(us).map_err(|e| self.bad(column, e)))
            .transpose()
    }

    /// An INTEGER holding 0 or 1 (or any integer, read as "not zero").
    fn flag(&self, column: &str) -> StoreResult<bool> {
        let n: i64 = self.get(column)?;
        Ok(n != 0)
    }

    /// A count of persons: a non-negative INTEGER.
    fn persons(&self, column: &str) -> StoreResult<Option<u64>> {
        let n: Option<i64> = self.get(column)?;
        n.map(|n| u64::try_from(n).map_err(|e| self.bad(column, format!("{n}: {e}"))))
            .transpose()
    }

    fn content(&self, column: &str) -> StoreResult<ReportContent> {
        let s: String = self.get(column)?;
        serde_json::from_str(&s).map_err(|e| self.bad(column, e))
    }

    /// A JSON array of item numbers (規則7条 / 43条).
    fn items(&self, column: &str) -> StoreResult<Vec<u8>> {
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

fn report_draft_from(row: &SqliteRow) -> StoreResult<ReportDraft> {
    let c = Cols::new(row, "report_drafts");
    Ok(ReportDraft {
        case_id: c.parse("case_id")?,
        org_id: c.parse("org_id")?,
        content: c.content("content")?,
        version: c.get("version")?,
        updated_at: c.timestamp("updated_at_us")?,
        updated_by: c.parse_opt("updated_by")?,
    })
}

fn submission_from(row: &SqliteRow) -> StoreResult<Submission> {
    let c = Cols::new(row, "submissions");
    Ok(Submission {
        id: c.parse("id")?,
        case_id: c.parse("case_id")?,
        org_id: c.parse("org_id")?,
        to_org: c.parse("to_org")?,
        seq: c.get("seq")?,
        stage: c.parse("stage")?,
        content: c.content("content")?,
        determination_seq: c.get("determination_seq")?,
        law_version: c.text("law_version")?,
        items: c.items("items")?,
        persons: c.persons("persons")?,
        cause: c.get("cause")?,
        sector: c.get("sector")?,
        final_report_due: c.parse_opt("final_report_due")?,
        submitted_at: c.timestamp("submitted_at_us")?,
        submitted_by: c.parse("submitted_by")?,
        idempotency_key: c.get("idempotency_key")?,
        acknowledged_at: c.timestamp_opt("acknowledged_at_us")?,
        acknowledged_by: c.parse_opt("acknowledged_by")?,
    })
}

/// A row of the inbox query: the latest submission's columns, the case's title, the
/// organisation's name and the aggregates over the case's submissions to the regulator.
fn inbox_row_from(row: &SqliteRow) -> StoreResult<InboxRow> {
    let s = Cols::new(row, "submissions");
    Ok(InboxRow {
        case_id: s.parse("case_id")?,
        org_id: s.parse("org_id")?,
        org_name: Cols::new(row, "organisations").text("name")?,
        title: Cols::new(row, "cases").text("title")?,
        latest: SubmissionSummary {
            id: s.parse("id")?,
            seq: s.get("seq")?,
            stage: s.parse("stage")?,
            items: s.items("items")?,
            persons: s.persons("persons")?,
            cause: s.get("cause")?,
            sector: s.get("sector")?,
            final_report_due: s.parse_opt("final_report_due")?,
            submitted_at: s.timestamp("submitted_at_us")?,
            acknowledged_at: s.timestamp_opt("acknowledged_at_us")?,
        },
        has_quick_report: s.flag("has_quick_report")?,
        has_final_report: s.flag("has_final_report")?,
        first_submitted_at: s.timestamp("first_submitted_at_us")?,
    })
}

/// A row of the deadline board query: the case's columns, its latest determination's and the
/// stages of its submissions as a JSON array.
fn case_overview_from(row: &SqliteRow) -> StoreResult<CaseOverview> {
    let d = Cols::new(row, "determinations");
    let items: Option<String> = d.get("items")?;
    let items = items.ok_or_else(|| d.bad("determination", "it has no items array"))?;
    let items: Vec<u8> =
        serde_json::from_str(&items).map_err(|e| d.bad("determination", format!("items: {e}")))?;
    let quick_report_to: Option<String> = d.get("quick_report_to")?;
    let quick_report_to = quick_report_to
        .map(|s| {
            s.parse::<Date>()
                .map_err(|e| d.bad("determination", format!("quick_report_guide.to: {e}")))
        })
        .transpose()?;
    let s = Cols::new(row, "submissions");
    let stages: String = s.get("stages")?;
    let stages: Vec<String> = serde_json::from_str(&stages).map_err(|e| s.bad("stage", e))?;
    let stages = stages
        .iter()
        .map(|st| st.parse().map_err(|e| s.bad("stage", e)))
        .collect::<StoreResult<_>>()?;
    Ok(CaseOverview {
        case: case_from(row)?,
        law_version: d.text("law_version")?,
        report_required: d.get("report_required")?,
        items,
        quick_report_to,
        final_report_due: d.parse_opt("final_report_due")?,
        stages,
    })
}

fn entruster_notice_from(row: &SqliteRow) -> StoreResult<EntrusterNotice> {
    let c = Cols::new(row, "entruster_notices");
    Ok(EntrusterNotice {
        id: c.parse("id")?,
        case_id: c.parse("case_id")?,
        org_id: c.parse("org_id")?,
        entruster_org: c.parse_opt("entruster_org")?,
        entruster_name: c.text("entruster_name")?,
        content: c.content("content")?,
        sent_at: c.timestamp("sent_at_us")?,
        sent_by: c.parse("sent_by")?,
    })
}

fn police_report_from(row: &SqliteRow) -> StoreResult<PoliceReport> {
    let c = Cols::new(row, "police_reports");
    Ok(PoliceReport {
        id: c.parse("id")?,
        case_id: c.parse("case_id")?,
        org_id: c.parse("org_id")?,
        prefecture_code: c.text("prefecture_code")?,
        reported_on: c.date("reported_on")?,
        receipt_number: c.get("receipt_number")?,
        note: c.get("note")?,
        recorded_at: c.timestamp("recorded_at_us")?,
        recorded_by: c.parse("recorded_by")?,
    })
}

fn message_from(row: &SqliteRow) -> StoreResult<Message> {
    let c = Cols::new(row, "messages");
    Ok(Message {
        id: c.parse("id")?,
        case_id: c.parse("case_id")?,
        org_id: c.parse("org_id")?,
        author_org: c.parse("author_org")?,
        author: c.parse("author")?,
        body: c.text("body")?,
        sent_at: c.timestamp("sent_at_us")?,
    })
}

fn regulator_action_from(row: &SqliteRow) -> StoreResult<RegulatorAction> {
    let c = Cols::new(row, "regulator_actions");
    Ok(RegulatorAction {
        id: c.parse("id")?,
        case_id: c.parse("case_id")?,
        org_id: c.parse("org_id")?,
        regulator_org: c.parse("regulator_org")?,
        kind: c.parse("kind")?,
        submission_id: c.parse_opt("submission_id")?,
        prefecture_code: c.get("prefecture_code")?,
        note: c.get("note")?,
        at: c.timestamp("at_us")?,
        by: c.parse("by_user")?,
    })
}

fn session_from(row: &SqliteRow) -> StoreResult<Session> {
    let c = Cols::new(row, "sessions");
    Ok(Session {
        token_hash: c.text("token_hash")?,
        user_id: c.parse("user_id")?,
        csrf_token: c.text("csrf_token")?,
        created_at: c.timestamp("created_at_us")?,
        expires_at: c.timestamp("expires_at_us")?,
    })
}

fn api_token_from(row: &SqliteRow) -> StoreResult<ApiToken> {
    let c = Cols::new(row, "api_tokens");
    Ok(ApiToken {
        id: c.parse("id")?,
        user_id: c.parse("user_id")?,
        name: c.text("name")?,
        token_hash: c.text("token_hash")?,
        created_at: c.timestamp("created_at_us")?,
        revoked_at: c.timestamp_opt("revoked_at_us")?,
    })
}

fn outbox_from(row: &SqliteRow) -> StoreResult<OutboxMessage> {
    let c = Cols::new(row, "outbox");
    Ok(OutboxMessage {
        id: c.parse("id")?,
        dedupe_key: c.text("dedupe_key")?,
        kind: c.text("kind")?,
        org_id: c.parse_opt("org_id")?,
        case_id: c.parse_opt("case_id")?,
        recipient: c.text("recipient")?,
        subject: c.text("subject")?,
        body: c.text("body")?,
        created_at: c.timestamp("created_at_us")?,
        claimed_until: c.timestamp_opt("claimed_until_us")?,
        claimed_by: c.get("claimed_by")?,
        sent_at: c.timestamp_opt("sent_at_us")?,
        attempts: c.get("attempts")?,
        last_error: c.get("last_error")?,
    })
}

fn content_json(content: &ReportContent) -> StoreResult<String> {
    serde_json::to_string(content)
        .map_err(|e| StoreError::Backend(format!("encoding a report content: {e}")))
}

fn items_json(items: &[u8]) -> StoreResult<String> {
    serde_json::to_string(items)
        .map_err(|e| StoreError::Backend(format!("encoding an item list: {e}")))
}

/// A count of persons as SQLite's signed 64-bit INTEGER.
fn persons_int(persons: Option<u64>) -> StoreResult<Option<i64>> {
    persons
        .map(|n| {
            i64::try_from(n).map_err(|_| {
                StoreError::Backend(format!(
                    "{n} persons cannot be stored (at most {})",
                    i64::MAX
                ))
            })
        })
        .transpose()
}

/// SQLite reads a negative LIMIT as "no limit"; the contract means none.
fn positive_limit(limit: i64) -> Option<i64> {
    (limit > 0).then_some(limit)
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

/// `NotFound` unless case `id` exists and belongs to `org`.
async fn case_of_org_in(conn: &mut SqliteConnection, org: OrgId, id: CaseId) -> StoreResult<()> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM cases WHERE org_id = ? AND id = ?")
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| backend("reading a case", &e))?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

/// After an update of `org`'s case `id` that matched no row: `NotFound` when the case is not
/// `org`'s, else `Conflict` naming its current version.
async fn case_unchanged(conn: &mut SqliteConnection, org: OrgId, id: CaseId) -> StoreError {
    let current: Result<Option<i64>, _> =
        sqlx::query_scalar("SELECT version FROM cases WHERE org_id = ? AND id = ?")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await;
    match current {
        Err(e) => backend("reading a case", &e),
        Ok(None) => StoreError::NotFound,
        Ok(Some(version)) => StoreError::Conflict(format!(
            "the case was changed by someone else (version {version})"
        )),
    }
}

async fn read_case_in(
    conn: &mut SqliteConnection,
    org: OrgId,
    id: CaseId,
) -> StoreResult<IncidentCase> {
    let row = sqlx::query("SELECT * FROM cases WHERE org_id = ? AND id = ?")
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| backend("reading a case", &e))?;
    case_from(&row)
}

/// Replaces the facts of `org`'s case `record.case_id` if its version is `expected_version`,
/// appends `record` and returns the case as stored (no audit event: the caller appends it).
async fn update_facts_in(
    conn: &mut SqliteConnection,
    org: OrgId,
    expected_version: i64,
    record: &DeterminationRecord,
) -> StoreResult<IncidentCase> {
    let (id, facts, at) = (record.case_id, &record.facts, record.assessed_at);
    let done = sqlx::query(
        "UPDATE cases SET facts = ?, known_on = ?, version = version + 1, updated_at_us = ? \
         WHERE org_id = ? AND id = ? AND version = ?",
    )
    .bind(facts_json(facts)?)
    .bind(facts.known_on.to_string())
    .bind(at.as_microsecond())
    .bind(org.to_string())
    .bind(id.to_string())
    .bind(expected_version)
    .execute(&mut *conn)
    .await
    .map_err(|e| backend("updating a case", &e))?;
    if done.rows_affected() == 0 {
        return Err(case_unchanged(conn, org, id).await);
    }
    insert_determination(conn, record).await?;
    read_case_in(conn, org, id).await
}

/// `Conflict` for a unique-constraint violation: the message of the first rule whose columns
/// (`table.column`, as SQLite names them) the error names, else "`what` exists already".
/// Adds an outbox message in `conn`'s transaction unless one with its `dedupe_key` exists;
/// returns whether it was added.
pub(crate) async fn insert_outbox(
    conn: &mut SqliteConnection,
    m: &OutboxMessage,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO outbox (id, dedupe_key, kind, org_id, case_id, recipient, subject, \
         body, created_at_us, claimed_until_us, claimed_by, sent_at_us, attempts, \
         last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(m.id.to_string())
    .bind(&m.dedupe_key)
    .bind(&m.kind)
    .bind(m.org_id.map(|o| o.to_string()))
    .bind(m.case_id.map(|c| c.to_string()))
    .bind(&m.recipient)
    .bind(&m.subject)
    .bind(&m.body)
    .bind(m.created_at.as_microsecond())
    .bind(m.claimed_until.map(Timestamp::as_microsecond))
    .bind(&m.claimed_by)
    .bind(m.sent_at.map(Timestamp::as_microsecond))
    .bind(m.attempts)
    .bind(&m.last_error)
    .execute(&mut *conn)
    .await
    .map_err(|e| unique_conflict(&e, format_args!("outbox message {}", m.id), &[]))?;
    Ok(done.rows_affected() > 0)
}

fn unique_conflict(err: &sqlx::Error, what: impl Display, rules: &[(&str, String)]) -> StoreError {
    match err.as_database_error() {
        Some(db) if db.is_unique_violation() => {
            let message = db.message();
            rules
                .iter()
                .find(|(columns, _)| message.contains(columns))
                .map_or_else(
                    || StoreError::Conflict(format!("{what} exists already")),
                    |(_, m)| StoreError::Conflict(m.clone()),
                )
        }
        _ => backend(format!("storing {what}"), err),
    }
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
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            let case = update_facts_in(&mut tx, org, expected_version, record).await?;
            append_in(&mut tx, audit).await?;
            Ok(case)
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

    async fn set_case_status(
        &self,
        org: OrgId,
        id: CaseId,
        expected_version: i64,
        status: CaseStatus,
        at: Timestamp,
        audit: &AuditDraft,
    ) -> StoreResult<IncidentCase> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            let done = sqlx::query(
                "UPDATE cases SET status = ?, version = version + 1, updated_at_us = ? \
                 WHERE org_id = ? AND id = ? AND version = ?",
            )
            .bind(status.as_str())
            .bind(at.as_microsecond())
            .bind(org.to_string())
            .bind(id.to_string())
            .bind(expected_version)
            .execute(&mut *tx)
            .await
            .map_err(|e| backend("updating a case's status", &e))?;
            if done.rows_affected() == 0 {
                return Err(case_unchanged(&mut tx, org, id).await);
            }
            append_in(&mut tx, audit).await?;
            read_case_in(&mut tx, org, id).await
        }
        .await;
        finish(tx, result).await
    }

    async fn case_overviews(&self, org: Option<OrgId>) -> StoreResult<Vec<CaseOverview>> {
        // One query: each open case joined with its latest determination, the items and the
        // 速報 window read from the determination's JSON, the stages of its submissions
        // aggregated in order.
        macro_rules! overviews {
            ($filter:literal) => {
                concat!(
                    "SELECT c.*, d.law_version, d.report_required, d.final_report_due, \
                     json_extract(d.determination, '$.items') AS items, \
                     json_extract(d.determination, '$.quick_report_guide.to') AS quick_report_to, \
                     (SELECT json_group_array(s.stage ORDER BY s.seq) FROM submissions s \
                      WHERE s.case_id = c.id) AS stages \
                     FROM cases c \
                     JOIN determinations d ON d.case_id = c.id \
                      AND d.seq = (SELECT max(seq) FROM determinations WHERE case_id = c.id) \
                     WHERE c.status = 'open' ",
                    $filter,
                    " ORDER BY d.final_report_due IS NULL, d.final_report_due, c.known_on, \
                      c.created_at_us, c.id"
                )
            };
        }
        let query = match org {
            Some(org) => sqlx::query(overviews!("AND c.org_id = ?")).bind(org.to_string()),
            None => sqlx::query(overviews!("")),
        };
        query
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing case overviews", &e))?
            .iter()
            .map(case_overview_from)
            .collect()
    }

    async fn report_draft(&self, org: OrgId, case: CaseId) -> StoreResult<Option<ReportDraft>> {
        sqlx::query("SELECT * FROM report_drafts WHERE org_id = ? AND case_id = ?")
            .bind(org.to_string())
            .bind(case.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| backend("reading a report draft", &e))?
            .as_ref()
            .map(report_draft_from)
            .transpose()
    }

    async fn save_report_draft(&self, draft: &ReportDraft, audit: &AuditDraft) -> StoreResult<()> {
        let content = content_json(&draft.content)?;
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            case_of_org_in(&mut tx, draft.org_id, draft.case_id).await?;
            let stored: Option<i64> =
                sqlx::query_scalar("SELECT version FROM report_drafts WHERE case_id = ?")
                    .bind(draft.case_id.to_string())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| backend("reading a report draft", &e))?;
            let stored = stored.unwrap_or(0);
            if stored != draft.version - 1 {
                return Err(StoreError::Conflict(format!(
                    "the report draft was changed by someone else (version {stored})"
                )));
            }
            sqlx::query(
                "INSERT INTO report_drafts (case_id, org_id, content, version, updated_at_us, \
                 updated_by) VALUES (?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (case_id) DO UPDATE SET content = excluded.content, \
                 version = excluded.version, updated_at_us = excluded.updated_at_us, \
                 updated_by = excluded.updated_by",
            )
            .bind(draft.case_id.to_string())
            .bind(draft.org_id.to_string())
            .bind(content)
            .bind(draft.version)
            .bind(draft.updated_at.as_microsecond())
            .bind(draft.updated_by.map(|u| u.to_string()))
            .execute(&mut *tx)
            .await
            .map_err(|e| backend("storing a report draft", &e))?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn create_submission(&self, sub: &Submission, audit: &AuditDraft) -> StoreResult<()> {
        let content = content_json(&sub.content)?;
        let items = items_json(&sub.items)?;
        let persons = persons_int(sub.persons)?;
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            case_of_org_in(&mut tx, sub.org_id, sub.case_id).await?;
            sqlx::query(
                "INSERT INTO submissions (id, case_id, org_id, to_org, seq, stage, content, \
                 determination_seq, law_version, items, persons, cause, sector, final_report_due, \
                 submitted_at_us, submitted_by, idempotency_key, acknowledged_at_us, \
                 acknowledged_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(sub.id.to_string())
            .bind(sub.case_id.to_string())
            .bind(sub.org_id.to_string())
            .bind(sub.to_org.to_string())
            .bind(sub.seq)
            .bind(sub.stage.as_str())
            .bind(content)
            .bind(sub.determination_seq)
            .bind(&sub.law_version)
            .bind(items)
            .bind(persons)
            .bind(&sub.cause)
            .bind(&sub.sector)
            .bind(sub.final_report_due.map(|d| d.to_string()))
            .bind(sub.submitted_at.as_microsecond())
            .bind(sub.submitted_by.to_string())
            .bind(&sub.idempotency_key)
            .bind(sub.acknowledged_at.map(Timestamp::as_microsecond))
            .bind(sub.acknowledged_by.map(|u| u.to_string()))
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                unique_conflict(
                    &e,
                    format_args!("submission {}", sub.id),
                    &[
                        (
                            "submissions.seq",
                            format!("case {} already has a submission {}", sub.case_id, sub.seq),
                        ),
                        (
                            "submissions.idempotency_key",
                            format!(
                                "the idempotency key \"{}\" was used already",
                                sub.idempotency_key.as_deref().unwrap_or_default()
                            ),
                        ),
                    ],
                )
            })?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn submissions(&self, case: CaseId) -> StoreResult<Vec<Submission>> {
        sqlx::query("SELECT * FROM submissions WHERE case_id = ? ORDER BY seq")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing submissions", &e))?
            .iter()
            .map(submission_from)
            .collect()
    }

    async fn submission_by_key(&self, org: OrgId, key: &str) -> StoreResult<Option<Submission>> {
        sqlx::query("SELECT * FROM submissions WHERE org_id = ? AND idempotency_key = ?")
            .bind(org.to_string())
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| backend("reading a submission", &e))?
            .as_ref()
            .map(submission_from)
            .transpose()
    }

    async fn inbox(&self, regulator: OrgId) -> StoreResult<Vec<InboxRow>> {
        // One query: the regulator's submissions grouped by case, joined back to the latest
        // one, its case and its organisation.
        sqlx::query(
            "WITH agg AS ( \
               SELECT case_id, max(seq) AS latest_seq, \
                      min(submitted_at_us) AS first_submitted_at_us, \
                      max(stage = 'quick_report') AS has_quick_report, \
                      max(stage = 'final_report') AS has_final_report \
               FROM submissions WHERE to_org = ? GROUP BY case_id) \
             SELECT s.id, s.case_id, s.org_id, s.seq, s.stage, s.items, s.persons, s.cause, \
                    s.sector, s.final_report_due, s.submitted_at_us, s.acknowledged_at_us, \
                    o.name, c.title, a.first_submitted_at_us, a.has_quick_report, \
                    a.has_final_report \
             FROM agg a \
             JOIN submissions s ON s.case_id = a.case_id AND s.seq = a.latest_seq \
             JOIN cases c ON c.id = s.case_id \
             JOIN organisations o ON o.id = s.org_id \
             ORDER BY s.submitted_at_us DESC, s.id DESC",
        )
        .bind(regulator.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| backend("listing the inbox", &e))?
        .iter()
        .map(inbox_row_from)
        .collect()
    }

    async fn create_entruster_notice(
        &self,
        notice: &EntrusterNotice,
        update: Option<(i64, &DeterminationRecord)>,
        audit: &AuditDraft,
    ) -> StoreResult<Option<IncidentCase>> {
        if let Some((_, record)) = update {
            record.check_case(notice.case_id)?;
        }
        let content = content_json(&notice.content)?;
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            let case = if let Some((expected_version, record)) = update {
                Some(update_facts_in(&mut tx, notice.org_id, expected_version, record).await?)
            } else {
                case_of_org_in(&mut tx, notice.org_id, notice.case_id).await?;
                None
            };
            sqlx::query(
                "INSERT INTO entruster_notices (id, case_id, org_id, entruster_org, \
                 entruster_name, content, sent_at_us, sent_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(notice.id.to_string())
            .bind(notice.case_id.to_string())
            .bind(notice.org_id.to_string())
            .bind(notice.entruster_org.map(|o| o.to_string()))
            .bind(&notice.entruster_name)
            .bind(content)
            .bind(notice.sent_at.as_microsecond())
            .bind(notice.sent_by.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                unique_conflict(&e, format_args!("entruster notice {}", notice.id), &[])
            })?;
            append_in(&mut tx, audit).await?;
            Ok(case)
        }
        .await;
        finish(tx, result).await
    }

    async fn entruster_notices(&self, case: CaseId) -> StoreResult<Vec<EntrusterNotice>> {
        sqlx::query("SELECT * FROM entruster_notices WHERE case_id = ? ORDER BY sent_at_us, id")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing entruster notices", &e))?
            .iter()
            .map(entruster_notice_from)
            .collect()
    }

    async fn entruster_notices_received(
        &self,
        entruster: OrgId,
    ) -> StoreResult<Vec<EntrusterNotice>> {
        sqlx::query(
            "SELECT * FROM entruster_notices WHERE entruster_org = ? \
             ORDER BY sent_at_us DESC, id DESC",
        )
        .bind(entruster.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| backend("listing entruster notices", &e))?
        .iter()
        .map(entruster_notice_from)
        .collect()
    }

    async fn create_police_report(&self, r: &PoliceReport, audit: &AuditDraft) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            case_of_org_in(&mut tx, r.org_id, r.case_id).await?;
            sqlx::query(
                "INSERT INTO police_reports (id, case_id, org_id, prefecture_code, reported_on, \
                 receipt_number, note, recorded_at_us, recorded_by) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(r.id.to_string())
            .bind(r.case_id.to_string())
            .bind(r.org_id.to_string())
            .bind(&r.prefecture_code)
            .bind(r.reported_on.to_string())
            .bind(&r.receipt_number)
            .bind(&r.note)
            .bind(r.recorded_at.as_microsecond())
            .bind(r.recorded_by.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_conflict(&e, format_args!("police report {}", r.id), &[]))?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn police_reports(&self, case: CaseId) -> StoreResult<Vec<PoliceReport>> {
        sqlx::query("SELECT * FROM police_reports WHERE case_id = ? ORDER BY recorded_at_us, id")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing police reports", &e))?
            .iter()
            .map(police_report_from)
            .collect()
    }

    async fn create_message(&self, m: &Message, audit: &AuditDraft) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            case_of_org_in(&mut tx, m.org_id, m.case_id).await?;
            sqlx::query(
                "INSERT INTO messages (id, case_id, org_id, author_org, author, body, sent_at_us) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(m.id.to_string())
            .bind(m.case_id.to_string())
            .bind(m.org_id.to_string())
            .bind(m.author_org.to_string())
            .bind(m.author.to_string())
            .bind(&m.body)
            .bind(m.sent_at.as_microsecond())
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_conflict(&e, format_args!("message {}", m.id), &[]))?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn messages(&self, case: CaseId) -> StoreResult<Vec<Message>> {
        sqlx::query("SELECT * FROM messages WHERE case_id = ? ORDER BY sent_at_us, id")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing messages", &e))?
            .iter()
            .map(message_from)
            .collect()
    }

    async fn create_regulator_action(
        &self,
        action: &RegulatorAction,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            case_of_org_in(&mut tx, action.org_id, action.case_id).await?;
            if action.kind == RegulatorActionKind::Acknowledge {
                let Some(submission) = action.submission_id else {
                    return Err(StoreError::NotFound);
                };
                let done = sqlx::query(
                    "UPDATE submissions SET acknowledged_at_us = ?, acknowledged_by = ? \
                     WHERE id = ? AND case_id = ? AND acknowledged_at_us IS NULL",
                )
                .bind(action.at.as_microsecond())
                .bind(action.by.to_string())
                .bind(submission.to_string())
                .bind(action.case_id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(|e| backend("acknowledging a submission", &e))?;
                if done.rows_affected() == 0 {
                    let exists: Option<i64> = sqlx::query_scalar(
                        "SELECT 1 FROM submissions WHERE id = ? AND case_id = ?",
                    )
                    .bind(submission.to_string())
                    .bind(action.case_id.to_string())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| backend("reading a submission", &e))?;
                    return Err(match exists {
                        None => StoreError::NotFound,
                        Some(_) => StoreError::Conflict(format!(
                            "submission {submission} was acknowledged already"
                        )),
                    });
                }
            }
            sqlx::query(
                "INSERT INTO regulator_actions (id, case_id, org_id, regulator_org, kind, \
                 submission_id, prefecture_code, note, at_us, by_user) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(action.id.to_string())
            .bind(action.case_id.to_string())
            .bind(action.org_id.to_string())
            .bind(action.regulator_org.to_string())
            .bind(action.kind.as_str())
            .bind(action.submission_id.map(|s| s.to_string()))
            .bind(&action.prefecture_code)
            .bind(&action.note)
            .bind(action.at.as_microsecond())
            .bind(action.by.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                unique_conflict(&e, format_args!("regulator action {}", action.id), &[])
            })?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn regulator_actions(&self, case: CaseId) -> StoreResult<Vec<RegulatorAction>> {
        sqlx::query("SELECT * FROM regulator_actions WHERE case_id = ? ORDER BY at_us, id")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing regulator actions", &e))?
            .iter()
            .map(regulator_action_from)
            .collect()
    }

    async fn create_session(&self, s: &Session, audit: &AuditDraft) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at_us, \
                 expires_at_us) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&s.token_hash)
            .bind(s.user_id.to_string())
            .bind(&s.csrf_token)
            .bind(s.created_at.as_microsecond())
            .bind(s.expires_at.as_microsecond())
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_conflict(&e, "a session with this token", &[]))?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<Session>> {
        sqlx::query("SELECT * FROM sessions WHERE token_hash = ? AND expires_at_us > ?")
            .bind(token_hash)
            .bind(now.as_microsecond())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| backend("reading a session", &e))?
            .as_ref()
            .map(session_from)
            .transpose()
    }

    async fn delete_session(&self, token_hash: &str, audit: &AuditDraft) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
                .bind(token_hash)
                .execute(&mut *tx)
                .await
                .map_err(|e| backend("deleting a session", &e))?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn delete_user_sessions(&self, user: UserId) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user.to_string())
            .execute(&mut *tx)
            .await
            .map(|_| ())
            .map_err(|e| backend("deleting a user's sessions", &e));
        finish(tx, result).await
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        let (_gate, mut tx) = self.begin().await?;
        let result = sqlx::query("DELETE FROM sessions WHERE expires_at_us <= ?")
            .bind(now.as_microsecond())
            .execute(&mut *tx)
            .await
            .map(|done| done.rows_affected())
            .map_err(|e| backend("deleting expired sessions", &e));
        finish(tx, result).await
    }

    async fn create_api_token(&self, t: &ApiToken, audit: &AuditDraft) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            sqlx::query(
                "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at_us, \
                 revoked_at_us) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(t.id.to_string())
            .bind(t.user_id.to_string())
            .bind(&t.name)
            .bind(&t.token_hash)
            .bind(t.created_at.as_microsecond())
            .bind(t.revoked_at.map(Timestamp::as_microsecond))
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                unique_conflict(
                    &e,
                    format_args!("API token {}", t.id),
                    &[(
                        "api_tokens.token_hash",
                        "an API token with this hash exists already".to_owned(),
                    )],
                )
            })?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        sqlx::query("SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at_us IS NULL")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| backend("reading an API token", &e))?
            .as_ref()
            .map(api_token_from)
            .transpose()
    }

    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiToken>> {
        sqlx::query("SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at_us, id")
            .bind(user.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing API tokens", &e))?
            .iter()
            .map(api_token_from)
            .collect()
    }

    async fn revoke_api_token(
        &self,
        user: UserId,
        id: Uuid,
        at: Timestamp,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            let done = sqlx::query(
                "UPDATE api_tokens SET revoked_at_us = ? \
                 WHERE id = ? AND user_id = ? AND revoked_at_us IS NULL",
            )
            .bind(at.as_microsecond())
            .bind(id.to_string())
            .bind(user.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| backend("revoking an API token", &e))?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn record_login_failure(&self, key: &str, at: Timestamp) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = sqlx::query("INSERT INTO login_failures (key, at_us) VALUES (?, ?)")
            .bind(key)
            .bind(at.as_microsecond())
            .execute(&mut *tx)
            .await
            .map(|_| ())
            .map_err(|e| backend("recording a failed login", &e));
        finish(tx, result).await
    }

    async fn login_failures(&self, key: &str, since: Timestamp) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT count(*) FROM login_failures WHERE key = ? AND at_us >= ?")
            .bind(key)
            .bind(since.as_microsecond())
            .fetch_one(&self.pool)
            .await
            .map_err(|e| backend("counting failed logins", &e))
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = sqlx::query("DELETE FROM login_failures WHERE key = ?")
            .bind(key)
            .execute(&mut *tx)
            .await
            .map(|_| ())
            .map_err(|e| backend("clearing failed logins", &e));
        finish(tx, result).await
    }

    async fn enqueue_outbox(&self, m: &OutboxMessage, audit: &AuditDraft) -> StoreResult<bool> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            if !insert_outbox(&mut tx, m).await? {
                return Ok(false);
            }
            append_in(&mut tx, audit).await?;
            Ok(true)
        }
        .await;
        finish(tx, result).await
    }

    async fn claim_outbox(
        &self,
        worker: &str,
        now: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMessage>> {
        let Some(limit) = positive_limit(limit) else {
            return Ok(Vec::new());
        };
        // BEGIN IMMEDIATE holds the write lock from the choice of rows to their update: no
        // other writer, in this process or another, can claim the same rows in between.
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            let mut claimed = sqlx::query(
                "UPDATE outbox SET claimed_until_us = ?, claimed_by = ?, attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM outbox WHERE sent_at_us IS NULL \
                   AND (claimed_until_us IS NULL OR claimed_until_us < ?) \
                   ORDER BY created_at_us, id LIMIT ?) \
                 RETURNING *",
            )
            .bind(until.as_microsecond())
            .bind(worker)
            .bind(now.as_microsecond())
            .bind(limit)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| backend("claiming outbox messages", &e))?
            .iter()
            .map(outbox_from)
            .collect::<StoreResult<Vec<_>>>()?;
            // RETURNING gives no order.
            claimed.sort_by_key(|m| (m.created_at, m.id));
            Ok(claimed)
        }
        .await;
        finish(tx, result).await
    }

    async fn finish_outbox(
        &self,
        id: Uuid,
        worker: &str,
        result: Result<Timestamp, String>,
    ) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let outcome = async {
            let query = match &result {
                Ok(at) => sqlx::query(
                    "UPDATE outbox SET sent_at_us = ?, claimed_until_us = NULL, claimed_by = NULL \
                     WHERE id = ? AND claimed_by = ? AND sent_at_us IS NULL",
                )
                .bind(at.as_microsecond()),
                Err(error) => sqlx::query(
                    "UPDATE outbox SET last_error = ? \
                     WHERE id = ? AND claimed_by = ? AND sent_at_us IS NULL",
                )
                .bind(error),
            };
            let done = query
                .bind(id.to_string())
                .bind(worker)
                .execute(&mut *tx)
                .await
                .map_err(|e| backend("finishing an outbox message", &e))?;
            if done.rows_affected() > 0 {
                return Ok(());
            }
            let row = sqlx::query("SELECT claimed_by, sent_at_us FROM outbox WHERE id = ?")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| backend("reading an outbox message", &e))?
                .ok_or(StoreError::NotFound)?;
            let c = Cols::new(&row, "outbox");
            let holder: Option<String> = c.get("claimed_by")?;
            Err(StoreError::Conflict(
                match (c.timestamp_opt("sent_at_us")?, holder) {
                    (Some(at), _) => format!("outbox message {id} was sent already (at {at})"),
                    (None, Some(other)) => {
                        format!("outbox message {id} is held by {other}, not {worker}")
                    }
                    (None, None) => format!("outbox message {id} is not held by {worker}"),
                },
            ))
        }
        .await;
        finish(tx, outcome).await
    }

    async fn list_outbox(&self, org: Option<OrgId>, limit: i64) -> StoreResult<Vec<OutboxMessage>> {
        let Some(limit) = positive_limit(limit) else {
            return Ok(Vec::new());
        };
        let query = match org {
            Some(org) => sqlx::query(
                "SELECT * FROM outbox WHERE org_id = ? \
                 ORDER BY created_at_us DESC, id DESC LIMIT ?",
            )
            .bind(org.to_string()),
            None => {
                sqlx::query("SELECT * FROM outbox ORDER BY created_at_us DESC, id DESC LIMIT ?")
            }
        };
        query
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing the outbox", &e))?
            .iter()
            .map(outbox_from)
            .collect()
    }

    async fn append_audit(&self, audit: &AuditDraft) -> StoreResult<AuditEvent> {
        let (_gate, mut tx) = self.begin().await?;
        let result = append_in(&mut tx, audit).await;
        finish(tx, result).await
    }

    async fn audit_events(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEvent>> {
        let Some(limit) = positive_limit(limit) else {
            return Ok(Vec::new());
        };
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

    async fn audit_head(&self) -> StoreResult<Option<AuditEvent>> {
        sqlx::query("SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| backend("reading the audit head", &e))?
            .as_ref()
            .map(audit_event_from)
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_of_persons_beyond_sqlite_integers_is_refused() {
        assert_eq!(persons_int(None).unwrap(), None);
        assert_eq!(persons_int(Some(1500)).unwrap(), Some(1500));
        assert_eq!(persons_int(Some(i64::MAX as u64)).unwrap(), Some(i64::MAX));
        assert!(matches!(
            persons_int(Some(u64::MAX)),
            Err(StoreError::Backend(m)) if m.contains(&u64::MAX.to_string())
        ));
    }

    #[test]
    fn no_limit_means_none() {
        assert_eq!(positive_limit(0), None);
        assert_eq!(positive_limit(-1), None);
        assert_eq!(positive_limit(3), Some(3));
    }
}
