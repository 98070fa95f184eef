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
//!   back as ISO text), facts, determinations, report contents and item lists as `jsonb`; the
//!   audit payload is `text` because the chain hash covers its exact bytes.
//! * Case reads are always filtered by organisation; a write that names a case and an
//!   organisation checks, inside its transaction, that the case is that organisation's
//!   (`NotFound` otherwise).
//! * Version checks (case, report draft) and the once-only acknowledgement are conditional
//!   statements (`UPDATE … WHERE version = $n`, `INSERT … ON CONFLICT DO NOTHING`), so of two
//!   racing writers the second waits for the first's row and then changes nothing.
//! * The audit event is always the last statement of a transaction, so the audit lock is never
//!   held while waiting for a row lock.
//! * The outbox is shared by every server: `dedupe_key` is unique, and [`Store::claim_outbox`]
//!   takes its rows with `FOR UPDATE SKIP LOCKED`, so two workers never get one message.
//! * The deadline board and the regulator's inbox are one query each.

pub mod scratch;
mod sharing;
mod statistics;

use std::fmt::Display;
use std::str::FromStr;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use roei_domain::audit::{self, AuditDraft, AuditEvent};
use roei_domain::model::{
    CaseId, CaseStatus, DeterminationRecord, Entrustment, IncidentCase, OrgId, Organisation, User,
    UserId, parse_regime,
};
use roei_domain::records::{
    ApiToken, CaseOverview, EntrusterNotice, InboxRow, Message, OutboxMessage, PoliceReport,
    RegulatorAction, RegulatorActionKind, Session, SubmissionSummary,
};
use roei_domain::report::{ReportDraft, Submission, SubmissionId};
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

macro_rules! draft_cols {
    () => {
        "case_id, org_id, content, version, updated_at_us, updated_by"
    };
}
macro_rules! submission_cols {
    () => {
        "id, case_id, org_id, to_org, seq, stage, content, determination_seq, law_version, \
         items, persons, cause, sector, final_report_due::text AS final_report_due, \
         submitted_at_us, submitted_by, idempotency_key, acknowledged_at_us, acknowledged_by"
    };
}
macro_rules! notice_cols {
    () => {
        "id, case_id, org_id, entruster_org, entruster_name, content, sent_at_us, sent_by"
    };
}
macro_rules! police_cols {
    () => {
        "id, case_id, org_id, prefecture_code, reported_on::text AS reported_on, \
         receipt_number, note, recorded_at_us, recorded_by"
    };
}
macro_rules! message_cols {
    () => {
        "id, case_id, org_id, author_org, author, body, sent_at_us"
    };
}
macro_rules! action_cols {
    () => {
        "id, case_id, org_id, regulator_org, kind, submission_id, prefecture_code, note, at_us, \
         by_user"
    };
}
macro_rules! session_cols {
    () => {
        "token_hash, user_id, csrf_token, created_at_us, expires_at_us"
    };
}
macro_rules! token_cols {
    () => {
        "id, user_id, name, token_hash, created_at_us, revoked_at_us"
    };
}
macro_rules! outbox_cols {
    () => {
        "id, dedupe_key, kind, org_id, case_id, recipient, subject, body, created_at_us, \
         claimed_until_us, claimed_by, sent_at_us, attempts, last_error"
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
/// Adds an outbox message in `conn`'s transaction unless one with its `dedupe_key` exists;
/// returns whether it was added. Of concurrent inserts of one dedupe key, the later ones wait
/// for the first to commit and then insert nothing.
pub(crate) async fn insert_outbox(conn: &mut PgConnection, m: &OutboxMessage) -> StoreResult<bool> {
    let done = sqlx::query(concat!(
        "INSERT INTO outbox (",
        outbox_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ",
        "ON CONFLICT (dedupe_key) DO NOTHING"
    ))
    .bind(m.id)
    .bind(&m.dedupe_key)
    .bind(&m.kind)
    .bind(m.org_id.map(|o| o.0))
    .bind(m.case_id.map(|c| c.0))
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
    .map_err(|e| conflict_or_backend(e, format!("outbox message {} exists already", m.id)))?;
    Ok(done.rows_affected() > 0)
}

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

/// Checks, inside a transaction, that case `id` is `org`'s (`NotFound` otherwise).
async fn case_of_org_in(conn: &mut PgConnection, org: OrgId, id: CaseId) -> StoreResult<()> {
    sqlx::query("SELECT 1 FROM cases WHERE org_id = $1 AND id = $2")
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

/// Why a conditional update of `org`'s case `id` touched no row: `NotFound` when the case is
/// not `org`'s, else `Conflict` naming the version it has now.
async fn case_unchanged(conn: &mut PgConnection, org: OrgId, id: CaseId) -> StoreError {
    let current = sqlx::query("SELECT version FROM cases WHERE org_id = $1 AND id = $2")
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await;
    match current {
        Err(e) => backend(e),
        Ok(None) => StoreError::NotFound,
        Ok(Some(row)) => match get::<i64>(&row, "cases", "version") {
            Ok(version) => StoreError::Conflict(format!(
                "the case was changed by someone else (version {version})"
            )),
            Err(e) => e,
        },
    }
}

/// [`Store::update_case_facts`] inside a transaction (without the audit event).
async fn update_facts_in(
    conn: &mut PgConnection,
    org: OrgId,
    expected_version: i64,
    record: &DeterminationRecord,
) -> StoreResult<IncidentCase> {
    let (id, facts, at) = (record.case_id, &record.facts, record.assessed_at);
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
    .fetch_optional(&mut *conn)
    .await
    .map_err(backend)?;
    let Some(row) = updated else {
        return Err(case_unchanged(conn, org, id).await);
    };
    let case = case_from_row(&row)?;
    insert_determination(conn, record).await?;
    Ok(case)
}

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
        let mut tx = self.begin().await?;
        let case = update_facts_in(&mut tx, org, expected_version, record).await?;
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

    async fn set_case_status(
        &self,
        org: OrgId,
        id: CaseId,
        expected_version: i64,
        status: CaseStatus,
        at: Timestamp,
        audit: &AuditDraft,
    ) -> StoreResult<IncidentCase> {
        let mut tx = self.begin().await?;
        let updated = sqlx::query(concat!(
            "UPDATE cases SET status = $1, version = version + 1, updated_at_us = $2 ",
            "WHERE org_id = $3 AND id = $4 AND version = $5 RETURNING ",
            case_cols!()
        ))
        .bind(status.as_str())
        .bind(at.as_microsecond())
        .bind(org.0)
        .bind(id.0)
        .bind(expected_version)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        let Some(row) = updated else {
            return Err(case_unchanged(&mut tx, org, id).await);
        };
        let case = case_from_row(&row)?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)?;
        Ok(case)
    }

    async fn case_overviews(&self, org: Option<OrgId>) -> StoreResult<Vec<CaseOverview>> {
        // One query: the latest determination of each open case (a LATERAL lookup on the
        // determinations' primary key) and its submitted stages, in submission order. Two
        // texts, not `($1 IS NULL OR c.org_id = $1)`: a prepared statement's generic plan
        // cannot use the organisation's index through that OR, and scans every case.
        macro_rules! overviews {
            ($filter:literal) => {
                concat!(
                    "SELECT c.id, c.org_id, c.title, c.known_on::text AS known_on, c.facts, ",
                    "c.status, c.version, c.created_at_us, c.updated_at_us, ",
                    "d.law_version, d.report_required, d.final_report_due::text AS final_report_due, ",
                    "COALESCE(d.determination -> 'items', '[]'::jsonb) AS items, ",
                    "d.determination -> 'quick_report_guide' ->> 'to' AS quick_report_to, ",
                    "COALESCE((SELECT jsonb_agg(s.stage ORDER BY s.seq) FROM submissions s ",
                    "WHERE s.case_id = c.id), '[]'::jsonb) AS stages ",
                    "FROM cases c ",
                    "JOIN LATERAL (SELECT law_version, report_required, final_report_due, ",
                    "determination FROM determinations WHERE determinations.case_id = c.id ",
                    "ORDER BY seq DESC LIMIT 1) d ON true ",
                    "WHERE c.status = 'open' ",
                    $filter,
                    " ORDER BY d.final_report_due ASC NULLS LAST, c.known_on, c.created_at_us, c.id"
                )
            };
        }
        let query = match org {
            Some(org) => sqlx::query(overviews!("AND c.org_id = $1")).bind(org.0),
            None => sqlx::query(overviews!("")),
        };
        query
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(overview_from_row)
            .collect()
    }

    async fn report_draft(&self, org: OrgId, case: CaseId) -> StoreResult<Option<ReportDraft>> {
        sqlx::query(concat!(
            "SELECT ",
            draft_cols!(),
            " FROM report_drafts WHERE org_id = $1 AND case_id = $2"
        ))
        .bind(org.0)
        .bind(case.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        .as_ref()
        .map(draft_from_row)
        .transpose()
    }

    async fn save_report_draft(&self, draft: &ReportDraft, audit: &AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        case_of_org_in(&mut tx, draft.org_id, draft.case_id).await?;
        // Both statements are conditional, so two concurrent saves of the same version cannot
        // both succeed: the second waits for the first's row (or key) and then finds the
        // version moved on.
        let done = if draft.version == 1 {
            sqlx::query(concat!(
                "INSERT INTO report_drafts (",
                draft_cols!(),
                ") VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id) DO NOTHING"
            ))
        } else {
            sqlx::query(
                "UPDATE report_drafts SET org_id = $2, content = $3, version = $4, \
                 updated_at_us = $5, updated_by = $6 \
                 WHERE case_id = $1 AND org_id = $2 AND version = $4 - 1",
            )
        }
        .bind(draft.case_id.0)
        .bind(draft.org_id.0)
        .bind(Json(&draft.content))
        .bind(draft.version)
        .bind(draft.updated_at.as_microsecond())
        .bind(draft.updated_by.map(|u| u.0))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 0 {
            let current = sqlx::query("SELECT version FROM report_drafts WHERE case_id = $1")
                .bind(draft.case_id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?
                .map(|row| get::<i64>(&row, "report_drafts", "version"))
                .transpose()?
                .unwrap_or(0);
            return Err(StoreError::Conflict(format!(
                "the report draft was changed by someone else (version {current}, not {})",
                draft.version - 1
            )));
        }
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn create_submission(&self, sub: &Submission, audit: &AuditDraft) -> StoreResult<()> {
        let persons = persons_to_db(sub.persons)?;
        let mut tx = self.begin().await?;
        case_of_org_in(&mut tx, sub.org_id, sub.case_id).await?;
        sqlx::query(concat!(
            "INSERT INTO submissions (id, case_id, org_id, to_org, seq, stage, content, ",
            "determination_seq, law_version, items, persons, cause, sector, final_report_due, ",
            "submitted_at_us, submitted_by, idempotency_key, acknowledged_at_us, acknowledged_by) ",
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::date, $15, $16, ",
            "$17, $18, $19)"
        ))
        .bind(sub.id.0)
        .bind(sub.case_id.0)
        .bind(sub.org_id.0)
        .bind(sub.to_org.0)
        .bind(sub.seq)
        .bind(sub.stage.as_str())
        .bind(Json(&sub.content))
        .bind(sub.determination_seq)
        .bind(&sub.law_version)
        .bind(Json(&sub.items))
        .bind(persons)
        .bind(&sub.cause)
        .bind(&sub.sector)
        .bind(sub.final_report_due.map(|d| d.to_string()))
        .bind(sub.submitted_at.as_microsecond())
        .bind(sub.submitted_by.0)
        .bind(&sub.idempotency_key)
        .bind(sub.acknowledged_at.map(Timestamp::as_microsecond))
        .bind(sub.acknowledged_by.map(|u| u.0))
        .execute(&mut *tx)
        .await
        .map_err(|e| match unique_constraint(&e).as_deref() {
            Some("submissions_case_seq") => StoreError::Conflict(format!(
                "case {} already has submission {}",
                sub.case_id, sub.seq
            )),
            Some("submissions_org_idempotency_key") => StoreError::Conflict(format!(
                "the idempotency key \"{}\" was used already",
                sub.idempotency_key.as_deref().unwrap_or_default()
            )),
            Some(_) => StoreError::Conflict(format!("submission {} exists already", sub.id)),
            None => backend(e),
        })?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn submissions(&self, case: CaseId) -> StoreResult<Vec<Submission>> {
        sqlx::query(concat!(
            "SELECT ",
            submission_cols!(),
            " FROM submissions WHERE case_id = $1 ORDER BY seq"
        ))
        .bind(case.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(submission_from_row)
        .collect()
    }

    async fn submission_by_key(&self, org: OrgId, key: &str) -> StoreResult<Option<Submission>> {
        sqlx::query(concat!(
            "SELECT ",
            submission_cols!(),
            " FROM submissions WHERE org_id = $1 AND idempotency_key = $2"
        ))
        .bind(org.0)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        .as_ref()
        .map(submission_from_row)
        .transpose()
    }

    async fn inbox(&self, regulator: OrgId) -> StoreResult<Vec<InboxRow>> {
        // One query: the submissions to `regulator` grouped by case, joined back to each
        // case's latest one, its case and its operator.
        sqlx::query(concat!(
            "SELECT l.id, l.case_id, l.org_id, o.name AS org_name, c.title, l.seq, l.stage, ",
            "l.items, l.persons, l.cause, l.sector, l.final_report_due::text AS final_report_due, ",
            "l.submitted_at_us, l.acknowledged_at_us, ",
            "a.has_quick_report, a.has_final_report, a.first_submitted_at_us ",
            "FROM (SELECT case_id, max(seq) AS latest_seq, ",
            "bool_or(stage = 'quick_report') AS has_quick_report, ",
            "bool_or(stage = 'final_report') AS has_final_report, ",
            "min(submitted_at_us) AS first_submitted_at_us ",
            "FROM submissions WHERE to_org = $1 GROUP BY case_id) a ",
            "JOIN submissions l ON l.case_id = a.case_id AND l.seq = a.latest_seq ",
            "JOIN cases c ON c.id = l.case_id ",
            "JOIN organisations o ON o.id = l.org_id ",
            "ORDER BY l.submitted_at_us DESC, l.id DESC"
        ))
        .bind(regulator.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(inbox_from_row)
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
        let mut tx = self.begin().await?;
        case_of_org_in(&mut tx, notice.org_id, notice.case_id).await?;
        let case = match update {
            Some((expected_version, record)) => {
                Some(update_facts_in(&mut tx, notice.org_id, expected_version, record).await?)
            }
            None => None,
        };
        sqlx::query(concat!(
            "INSERT INTO entruster_notices (",
            notice_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(notice.id)
        .bind(notice.case_id.0)
        .bind(notice.org_id.0)
        .bind(notice.entruster_org.map(|o| o.0))
        .bind(&notice.entruster_name)
        .bind(Json(&notice.content))
        .bind(notice.sent_at.as_microsecond())
        .bind(notice.sent_by.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            conflict_or_backend(e, format!("entruster notice {} exists already", notice.id))
        })?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)?;
        Ok(case)
    }

    async fn entruster_notices(&self, case: CaseId) -> StoreResult<Vec<EntrusterNotice>> {
        sqlx::query(concat!(
            "SELECT ",
            notice_cols!(),
            " FROM entruster_notices WHERE case_id = $1 ORDER BY sent_at_us, id"
        ))
        .bind(case.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(notice_from_row)
        .collect()
    }

    async fn entruster_notices_received(
        &self,
        entruster: OrgId,
    ) -> StoreResult<Vec<EntrusterNotice>> {
        sqlx::query(concat!(
            "SELECT ",
            notice_cols!(),
            " FROM entruster_notices WHERE entruster_org = $1 ORDER BY sent_at_us DESC, id DESC"
        ))
        .bind(entruster.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(notice_from_row)
        .collect()
    }

    async fn create_police_report(&self, r: &PoliceReport, audit: &AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        case_of_org_in(&mut tx, r.org_id, r.case_id).await?;
        sqlx::query(concat!(
            "INSERT INTO police_reports (id, case_id, org_id, prefecture_code, reported_on, ",
            "receipt_number, note, recorded_at_us, recorded_by) ",
            "VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9)"
        ))
        .bind(r.id)
        .bind(r.case_id.0)
        .bind(r.org_id.0)
        .bind(&r.prefecture_code)
        .bind(r.reported_on.to_string())
        .bind(&r.receipt_number)
        .bind(&r.note)
        .bind(r.recorded_at.as_microsecond())
        .bind(r.recorded_by.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_or_backend(e, format!("police report {} exists already", r.id)))?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn police_reports(&self, case: CaseId) -> StoreResult<Vec<PoliceReport>> {
        sqlx::query(concat!(
            "SELECT ",
            police_cols!(),
            " FROM police_reports WHERE case_id = $1 ORDER BY recorded_at_us, id"
        ))
        .bind(case.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(police_from_row)
        .collect()
    }

    async fn create_message(&self, m: &Message, audit: &AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        case_of_org_in(&mut tx, m.org_id, m.case_id).await?;
        sqlx::query(concat!(
            "INSERT INTO messages (",
            message_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(m.id)
        .bind(m.case_id.0)
        .bind(m.org_id.0)
        .bind(m.author_org.0)
        .bind(m.author.0)
        .bind(&m.body)
        .bind(m.sent_at.as_microsecond())
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_or_backend(e, format!("message {} exists already", m.id)))?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn messages(&self, case: CaseId) -> StoreResult<Vec<Message>> {
        sqlx::query(concat!(
            "SELECT ",
            message_cols!(),
            " FROM messages WHERE case_id = $1 ORDER BY sent_at_us, id"
        ))
        .bind(case.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(message_from_row)
        .collect()
    }

    async fn create_regulator_action(
        &self,
        action: &RegulatorAction,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        case_of_org_in(&mut tx, action.org_id, action.case_id).await?;
        if action.kind == RegulatorActionKind::Acknowledge {
            let Some(submission) = action.submission_id else {
                return Err(StoreError::NotFound);
            };
            // Conditional on "not acknowledged yet": of two concurrent acknowledgements the
            // second waits for the first's row lock, re-checks and changes nothing.
            let done = sqlx::query(
                "UPDATE submissions SET acknowledged_at_us = $1, acknowledged_by = $2 \
                 WHERE id = $3 AND case_id = $4 AND acknowledged_at_us IS NULL",
            )
            .bind(action.at.as_microsecond())
            .bind(action.by.0)
            .bind(submission.0)
            .bind(action.case_id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            if done.rows_affected() == 0 {
                let exists =
                    sqlx::query("SELECT 1 FROM submissions WHERE id = $1 AND case_id = $2")
                        .bind(submission.0)
                        .bind(action.case_id.0)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend)?;
                return Err(match exists {
                    None => StoreError::NotFound,
                    Some(_) => StoreError::Conflict(format!(
                        "submission {submission} was acknowledged already"
                    )),
                });
            }
        }
        sqlx::query(concat!(
            "INSERT INTO regulator_actions (",
            action_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(action.id)
        .bind(action.case_id.0)
        .bind(action.org_id.0)
        .bind(action.regulator_org.0)
        .bind(action.kind.as_str())
        .bind(action.submission_id.map(|s| s.0))
        .bind(&action.prefecture_code)
        .bind(&action.note)
        .bind(action.at.as_microsecond())
        .bind(action.by.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            conflict_or_backend(e, format!("regulator action {} exists already", action.id))
        })?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn regulator_actions(&self, case: CaseId) -> StoreResult<Vec<RegulatorAction>> {
        sqlx::query(concat!(
            "SELECT ",
            action_cols!(),
            " FROM regulator_actions WHERE case_id = $1 ORDER BY at_us, id"
        ))
        .bind(case.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(action_from_row)
        .collect()
    }

    async fn create_session(&self, s: &Session, audit: &AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(concat!(
            "INSERT INTO sessions (",
            session_cols!(),
            ") VALUES ($1, $2, $3, $4, $5)"
        ))
        .bind(&s.token_hash)
        .bind(s.user_id.0)
        .bind(&s.csrf_token)
        .bind(s.created_at.as_microsecond())
        .bind(s.expires_at.as_microsecond())
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_or_backend(e, "the session exists already".to_owned()))?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<Session>> {
        sqlx::query(concat!(
            "SELECT ",
            session_cols!(),
            " FROM sessions WHERE token_hash = $1 AND expires_at_us > $2"
        ))
        .bind(token_hash)
        .bind(now.as_microsecond())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        .as_ref()
        .map(session_from_row)
        .transpose()
    }

    async fn delete_session(&self, token_hash: &str, audit: &AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn delete_user_sessions(&self, user: UserId) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        Ok(
            sqlx::query("DELETE FROM sessions WHERE expires_at_us <= $1")
                .bind(now.as_microsecond())
                .execute(&self.pool)
                .await
                .map_err(backend)?
                .rows_affected(),
        )
    }

    async fn create_api_token(&self, t: &ApiToken, audit: &AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(concat!(
            "INSERT INTO api_tokens (",
            token_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind(t.id)
        .bind(t.user_id.0)
        .bind(&t.name)
        .bind(&t.token_hash)
        .bind(t.created_at.as_microsecond())
        .bind(t.revoked_at.map(Timestamp::as_microsecond))
        .execute(&mut *tx)
        .await
        .map_err(|e| match unique_constraint(&e).as_deref() {
            Some("api_tokens_token_hash") => {
                StoreError::Conflict("an API token with this hash exists already".to_owned())
            }
            Some(_) => StoreError::Conflict(format!("API token {} exists already", t.id)),
            None => backend(e),
        })?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        sqlx::query(concat!(
            "SELECT ",
            token_cols!(),
            " FROM api_tokens WHERE token_hash = $1 AND revoked_at_us IS NULL"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        .as_ref()
        .map(token_from_row)
        .transpose()
    }

    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiToken>> {
        sqlx::query(concat!(
            "SELECT ",
            token_cols!(),
            " FROM api_tokens WHERE user_id = $1 ORDER BY created_at_us, id"
        ))
        .bind(user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(token_from_row)
        .collect()
    }

    async fn revoke_api_token(
        &self,
        user: UserId,
        id: Uuid,
        at: Timestamp,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at_us = $1 \
             WHERE id = $2 AND user_id = $3 AND revoked_at_us IS NULL",
        )
        .bind(at.as_microsecond())
        .bind(id)
        .bind(user.0)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn record_login_failure(&self, key: &str, at: Timestamp) -> StoreResult<()> {
        sqlx::query("INSERT INTO login_failures (key, at_us) VALUES ($1, $2)")
            .bind(key)
            .bind(at.as_microsecond())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn login_failures(&self, key: &str, since: Timestamp) -> StoreResult<i64> {
        let row =
            sqlx::query("SELECT count(*) AS n FROM login_failures WHERE key = $1 AND at_us >= $2")
                .bind(key)
                .bind(since.as_microsecond())
                .fetch_one(&self.pool)
                .await
                .map_err(backend)?;
        get(&row, "login_failures", "n")
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn enqueue_outbox(&self, m: &OutboxMessage, audit: &AuditDraft) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        if !insert_outbox(&mut tx, m).await? {
            tx.rollback().await.map_err(backend)?;
            return Ok(false);
        }
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn claim_outbox(
        &self,
        worker: &str,
        now: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMessage>> {
        if limit <= 0 {
            return Ok(Vec::new());
        }
        // SKIP LOCKED: rows another worker is claiming right now are passed over, and a row
        // claimed and committed meanwhile is re-checked against the WHERE clause (READ
        // COMMITTED), so no message is handed to two workers.
        let mut claimed = sqlx::query(concat!(
            "UPDATE outbox SET claimed_by = $1, claimed_until_us = $3, attempts = attempts + 1 ",
            "WHERE id IN (SELECT id FROM outbox WHERE sent_at_us IS NULL ",
            "AND (claimed_until_us IS NULL OR claimed_until_us < $2) ",
            "ORDER BY created_at_us, id LIMIT $4 FOR UPDATE SKIP LOCKED) ",
            "RETURNING ",
            outbox_cols!()
        ))
        .bind(worker)
        .bind(now.as_microsecond())
        .bind(until.as_microsecond())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(outbox_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
        // RETURNING keeps no order.
        claimed.sort_by_key(|m| (m.created_at, m.id));
        Ok(claimed)
    }

    async fn finish_outbox(
        &self,
        id: Uuid,
        worker: &str,
        result: Result<Timestamp, String>,
    ) -> StoreResult<()> {
        let done = match &result {
            Ok(at) => sqlx::query(
                "UPDATE outbox SET sent_at_us = $3, claimed_until_us = NULL, claimed_by = NULL \
                 WHERE id = $1 AND claimed_by = $2 AND sent_at_us IS NULL",
            )
            .bind(id)
            .bind(worker)
            .bind(at.as_microsecond()),
            Err(error) => sqlx::query(
                "UPDATE outbox SET last_error = $3 \
                 WHERE id = $1 AND claimed_by = $2 AND sent_at_us IS NULL",
            )
            .bind(id)
            .bind(worker)
            .bind(error),
        }
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        let row = sqlx::query("SELECT claimed_by, sent_at_us FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .ok_or(StoreError::NotFound)?;
        let holder: Option<String> = get(&row, "outbox", "claimed_by")?;
        let sent = timestamp_opt(&row, "outbox", "sent_at_us")?;
        Err(StoreError::Conflict(match (sent, holder) {
            (Some(at), _) => format!("outbox message {id} was sent already (at {at})"),
            (None, Some(other)) => format!("outbox message {id} is held by {other}, not {worker}"),
            (None, None) => format!("outbox message {id} is not held by {worker}"),
        }))
    }

    async fn list_outbox(&self, org: Option<OrgId>, limit: i64) -> StoreResult<Vec<OutboxMessage>> {
        sqlx::query(concat!(
            "SELECT ",
            outbox_cols!(),
            " FROM outbox WHERE ($1::uuid IS NULL OR org_id = $1) ",
            "ORDER BY created_at_us DESC, id DESC LIMIT $2"
        ))
        .bind(org.map(|o| o.0))
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(outbox_from_row)
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

    async fn audit_head(&self) -> StoreResult<Option<AuditEvent>> {
        sqlx::query(concat!(
            "SELECT ",
            audit_cols!(),
            " FROM audit_events ORDER BY seq DESC LIMIT 1"
        ))
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        .as_ref()
        .map(audit_from_row)
        .transpose()
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

fn timestamp_opt(row: &PgRow, table: &str, column: &str) -> StoreResult<Option<Timestamp>> {
    let us: Option<i64> = get(row, table, column)?;
    us.map(|us| Timestamp::from_microsecond(us).map_err(|e| bad_value(table, column, e)))
        .transpose()
}

/// A count of persons as stored (`bigint`).
fn persons_to_db(persons: Option<u64>) -> StoreResult<Option<i64>> {
    persons
        .map(|p| {
            i64::try_from(p)
                .map_err(|_| StoreError::Backend(format!("{p} persons do not fit in a bigint")))
        })
        .transpose()
}

fn persons_opt(row: &PgRow, table: &str, column: &str) -> StoreResult<Option<u64>> {
    let n: Option<i64> = get(row, table, column)?;
    n.map(|n| u64::try_from(n).map_err(|e| bad_value(table, column, e)))
        .transpose()
}

fn draft_from_row(row: &PgRow) -> StoreResult<ReportDraft> {
    const T: &str = "report_drafts";
    Ok(ReportDraft {
        case_id: CaseId(get(row, T, "case_id")?),
        org_id: OrgId(get(row, T, "org_id")?),
        content: json(row, T, "content")?,
        version: get(row, T, "version")?,
        updated_at: timestamp(row, T, "updated_at_us")?,
        updated_by: get::<Option<Uuid>>(row, T, "updated_by")?.map(UserId),
    })
}

fn submission_from_row(row: &PgRow) -> StoreResult<Submission> {
    const T: &str = "submissions";
    Ok(Submission {
        id: SubmissionId(get(row, T, "id")?),
        case_id: CaseId(get(row, T, "case_id")?),
        org_id: OrgId(get(row, T, "org_id")?),
        to_org: OrgId(get(row, T, "to_org")?),
        seq: get(row, T, "seq")?,
        stage: parsed(row, T, "stage")?,
        content: json(row, T, "content")?,
        determination_seq: get(row, T, "determination_seq")?,
        law_version: get(row, T, "law_version")?,
        items: json(row, T, "items")?,
        persons: persons_opt(row, T, "persons")?,
        cause: get(row, T, "cause")?,
        sector: get(row, T, "sector")?,
        final_report_due: parsed_opt::<Date>(row, T, "final_report_due")?,
        submitted_at: timestamp(row, T, "submitted_at_us")?,
        submitted_by: UserId(get(row, T, "submitted_by")?),
        idempotency_key: get(row, T, "idempotency_key")?,
        acknowledged_at: timestamp_opt(row, T, "acknowledged_at_us")?,
        acknowledged_by: get::<Option<Uuid>>(row, T, "acknowledged_by")?.map(UserId),
    })
}

fn overview_from_row(row: &PgRow) -> StoreResult<CaseOverview> {
    const T: &str = "determinations";
    Ok(CaseOverview {
        case: case_from_row(row)?,
        law_version: get(row, T, "law_version")?,
        report_required: get(row, T, "report_required")?,
        items: json(row, T, "items")?,
        quick_report_to: parsed_opt::<Date>(row, T, "quick_report_to")?,
        final_report_due: parsed_opt::<Date>(row, T, "final_report_due")?,
        stages: json(row, "submissions", "stages")?,
    })
}

fn inbox_from_row(row: &PgRow) -> StoreResult<InboxRow> {
    const T: &str = "submissions";
    Ok(InboxRow {
        case_id: CaseId(get(row, T, "case_id")?),
        org_id: OrgId(get(row, T, "org_id")?),
        org_name: get(row, "organisations", "org_name")?,
        title: get(row, "cases", "title")?,
        latest: SubmissionSummary {
            id: SubmissionId(get(row, T, "id")?),
            seq: get(row, T, "seq")?,
            stage: parsed(row, T, "stage")?,
            items: json(row, T, "items")?,
            persons: persons_opt(row, T, "persons")?,
            cause: get(row, T, "cause")?,
            sector: get(row, T, "sector")?,
            final_report_due: parsed_opt::<Date>(row, T, "final_report_due")?,
            submitted_at: timestamp(row, T, "submitted_at_us")?,
            acknowledged_at: timestamp_opt(row, T, "acknowledged_at_us")?,
        },
        has_quick_report: get(row, T, "has_quick_report")?,
        has_final_report: get(row, T, "has_final_report")?,
        first_submitted_at: timestamp(row, T, "first_submitted_at_us")?,
    })
}

fn notice_from_row(row: &PgRow) -> StoreResult<EntrusterNotice> {
    const T: &str = "entruster_notices";
    Ok(EntrusterNotice {
        id: get(row, T, "id")?,
        case_id: CaseId(get(row, T, "case_id")?),
        org_id: OrgId(get(row, T, "org_id")?),
        entruster_org: get::<Option<Uuid>>(row, T, "entruster_org")?.map(OrgId),
        entruster_name: get(row, T, "entruster_name")?,
        content: json(row, T, "content")?,
        sent_at: timestamp(row, T, "sent_at_us")?,
        sent_by: UserId(get(row, T, "sent_by")?),
    })
}

fn police_from_row(row: &PgRow) -> StoreResult<PoliceReport> {
    const T: &str = "police_reports";
    Ok(PoliceReport {
        id: get(row, T, "id")?,
        case_id: CaseId(get(row, T, "case_id")?),
        org_id: OrgId(get(row, T, "org_id")?),
        prefecture_code: get(row, T, "prefecture_code")?,
        reported_on: parsed::<Date>(row, T, "reported_on")?,
        receipt_number: get(row, T, "receipt_number")?,
        note: get(row, T, "note")?,
        recorded_at: timestamp(row, T, "recorded_at_us")?,
        recorded_by: UserId(get(row, T, "recorded_by")?),
    })
}

fn message_from_row(row: &PgRow) -> StoreResult<Message> {
    const T: &str = "messages";
    Ok(Message {
        id: get(row, T, "id")?,
        case_id: CaseId(get(row, T, "case_id")?),
        org_id: OrgId(get(row, T, "org_id")?),
        author_org: OrgId(get(row, T, "author_org")?),
        author: UserId(get(row, T, "author")?),
        body: get(row, T, "body")?,
        sent_at: timestamp(row, T, "sent_at_us")?,
    })
}

fn action_from_row(row: &PgRow) -> StoreResult<RegulatorAction> {
    const T: &str = "regulator_actions";
    Ok(RegulatorAction {
        id: get(row, T, "id")?,
        case_id: CaseId(get(row, T, "case_id")?),
        org_id: OrgId(get(row, T, "org_id")?),
        regulator_org: OrgId(get(row, T, "regulator_org")?),
        kind: parsed(row, T, "kind")?,
        submission_id: get::<Option<Uuid>>(row, T, "submission_id")?.map(SubmissionId),
        prefecture_code: get(row, T, "prefecture_code")?,
        note: get(row, T, "note")?,
        at: timestamp(row, T, "at_us")?,
        by: UserId(get(row, T, "by_user")?),
    })
}

fn session_from_row(row: &PgRow) -> StoreResult<Session> {
    const T: &str = "sessions";
    Ok(Session {
        token_hash: get(row, T, "token_hash")?,
        user_id: UserId(get(row, T, "user_id")?),
        csrf_token: get(row, T, "csrf_token")?,
        created_at: timestamp(row, T, "created_at_us")?,
        expires_at: timestamp(row, T, "expires_at_us")?,
    })
}

fn token_from_row(row: &PgRow) -> StoreResult<ApiToken> {
    const T: &str = "api_tokens";
    Ok(ApiToken {
        id: get(row, T, "id")?,
        user_id: UserId(get(row, T, "user_id")?),
        name: get(row, T, "name")?,
        token_hash: get(row, T, "token_hash")?,
        created_at: timestamp(row, T, "created_at_us")?,
        revoked_at: timestamp_opt(row, T, "revoked_at_us")?,
    })
}

fn outbox_from_row(row: &PgRow) -> StoreResult<OutboxMessage> {
    const T: &str = "outbox";
    Ok(OutboxMessage {
        id: get(row, T, "id")?,
        dedupe_key: get(row, T, "dedupe_key")?,
        kind: get(row, T, "kind")?,
        org_id: get::<Option<Uuid>>(row, T, "org_id")?.map(OrgId),
        case_id: get::<Option<Uuid>>(row, T, "case_id")?.map(CaseId),
        recipient: get(row, T, "recipient")?,
        subject: get(row, T, "subject")?,
        body: get(row, T, "body")?,
        created_at: timestamp(row, T, "created_at_us")?,
        claimed_until: timestamp_opt(row, T, "claimed_until_us")?,
        claimed_by: get(row, T, "claimed_by")?,
        sent_at: timestamp_opt(row, T, "sent_at_us")?,
        attempts: get(row, T, "attempts")?,
        last_error: get(row, T, "last_error")?,
    })
}
