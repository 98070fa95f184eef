//! The storage contract. Each backend (roei-store-sqlite, roei-store-postgres) implements
//! [`Store`] and runs the shared conformance suite (`conformance` feature).
//!
//! Rules every implementation keeps:
//! * every change and its audit event commit in one transaction, or neither does;
//! * audit events get consecutive `seq` numbers and are sealed with [`crate::audit::seal`] on
//!   the previous event *inside* that transaction, so concurrent writers (several servers on
//!   one PostgreSQL) never fork the chain;
//! * case reads are scoped by organisation: another tenant's case is simply not found;
//! * timestamps are stored to the microsecond (`Timestamp::as_microsecond`), dates as
//!   `YYYY-MM-DD`, facts and determinations as JSON.

use crate::audit::{AuditDraft, AuditEvent};
use crate::model::{
    CaseId, CaseStatus, DeterminationRecord, Entrustment, IncidentCase, OrgId, Organisation, User,
    UserId,
};
use crate::records::{
    ApiToken, CaseOverview, EntrusterNotice, InboxRow, Message, OutboxMessage, PoliceReport,
    RegulatorAction, Session,
};
use crate::report::{ReportDraft, Submission};
use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist (or belongs to another tenant).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule or an optimistic-concurrency check failed.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database failed.
    #[error("database error: {0}")]
    Backend(String),
}

/// Result of the store.
pub type StoreResult<T> = Result<T, StoreError>;

/// The whole contract; the sharing part (覚書) is [`crate::sharing::SharingStore`] and the
/// statistics queries are [`crate::statistics::StatisticsStore`], which every store implements too.
#[async_trait]
pub trait Store:
    crate::sharing::SharingStore + crate::statistics::StatisticsStore + Send + Sync
{
    /// Which backend this is (`sqlite`, `postgres`).
    fn backend(&self) -> &'static str;

    // Organisations and users.
    async fn create_organisation(&self, org: &Organisation, audit: &AuditDraft) -> StoreResult<()>;
    async fn organisation(&self, id: OrgId) -> StoreResult<Option<Organisation>>;
    async fn list_organisations(&self) -> StoreResult<Vec<Organisation>>;
    /// `Conflict` when the e-mail is taken.
    async fn create_user(&self, user: &User, audit: &AuditDraft) -> StoreResult<()>;
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// Exact match: pass the address lower-cased, as `User::new` stores it.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    /// Oldest first.
    async fn list_users(&self, org: OrgId) -> StoreResult<Vec<User>>;
    /// `NotFound` when the user does not exist.
    async fn set_password_hash(
        &self,
        id: UserId,
        hash: &str,
        audit: &AuditDraft,
    ) -> StoreResult<()>;

    // Entrustments.
    /// `Conflict` when the link exists already.
    async fn create_entrustment(&self, e: &Entrustment, audit: &AuditDraft) -> StoreResult<()>;
    /// The organisations that entrust data to `entrustee`.
    async fn entrusters_of(&self, entrustee: OrgId) -> StoreResult<Vec<OrgId>>;

    // Cases.
    /// Stores a new case with its first determination (`first.seq` = 1; see
    /// [`DeterminationRecord::check_case`]).
    async fn create_case(
        &self,
        case: &IncidentCase,
        first: &DeterminationRecord,
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    /// The case if it belongs to `org`.
    async fn case(&self, org: OrgId, id: CaseId) -> StoreResult<Option<IncidentCase>>;
    /// `org`'s cases, newest first.
    async fn list_cases(&self, org: OrgId) -> StoreResult<Vec<IncidentCase>>;
    /// Replaces the facts of `org`'s case `record.case_id` with `record.facts`, if its version is
    /// still `expected_version` (else `Conflict`; `NotFound` when the case is not `org`'s);
    /// appends `record` (its `seq` is the next one), sets `updated_at` to `record.assessed_at`
    /// and returns the case as stored (version + 1).
    async fn update_case_facts(
        &self,
        org: OrgId,
        expected_version: i64,
        record: &DeterminationRecord,
        audit: &AuditDraft,
    ) -> StoreResult<IncidentCase>;
    /// The determinations of `org`'s case, oldest first (empty when not `org`'s).
    async fn determinations(&self, org: OrgId, id: CaseId)
    -> StoreResult<Vec<DeterminationRecord>>;

    /// Sets the status of `org`'s case if its version is still `expected_version` (else
    /// `Conflict`; `NotFound` when not `org`'s); bumps the version, sets `updated_at` to `at`
    /// and returns the case as stored.
    async fn set_case_status(
        &self,
        org: OrgId,
        id: CaseId,
        expected_version: i64,
        status: CaseStatus,
        at: Timestamp,
        audit: &AuditDraft,
    ) -> StoreResult<IncidentCase>;
    /// Open cases with their latest determination and the stages submitted, of `org` (or of
    /// every operator when `None`), ordered by `final_report_due` (nulls last) then by
    /// `known_on`.
    async fn case_overviews(&self, org: Option<OrgId>) -> StoreResult<Vec<CaseOverview>>;

    // Reports.
    /// The draft of `org`'s case, if one was saved.
    async fn report_draft(&self, org: OrgId, case: CaseId) -> StoreResult<Option<ReportDraft>>;
    /// Saves `draft` (whose `version` is the new version) if the stored draft's version is
    /// `draft.version - 1` (no stored draft counts as version 0); else `Conflict`. `NotFound`
    /// when the case is not `draft.org_id`'s.
    async fn save_report_draft(&self, draft: &ReportDraft, audit: &AuditDraft) -> StoreResult<()>;
    /// Stores a submission. `Conflict` when the case already has a submission with this `seq`
    /// or the organisation already used this `idempotency_key`; `NotFound` when the case is
    /// not `sub.org_id`'s.
    async fn create_submission(&self, sub: &Submission, audit: &AuditDraft) -> StoreResult<()>;
    /// The submissions of a case, oldest first (scoping is the caller's: check the case or
    /// `to_org` first).
    async fn submissions(&self, case: CaseId) -> StoreResult<Vec<Submission>>;
    /// `org`'s submission made with this idempotency key.
    async fn submission_by_key(&self, org: OrgId, key: &str) -> StoreResult<Option<Submission>>;
    /// One row per case with at least one submission to `regulator`, newest latest submission
    /// first.
    async fn inbox(&self, regulator: OrgId) -> StoreResult<Vec<InboxRow>>;

    // Around a case.
    /// Stores an entruster notice. When `update` is given (the case's expected version and the
    /// determination re-made with `entruster_notified`), applies it exactly like
    /// [`Store::update_case_facts`] in the same transaction and returns the case.
    async fn create_entruster_notice(
        &self,
        notice: &EntrusterNotice,
        update: Option<(i64, &DeterminationRecord)>,
        audit: &AuditDraft,
    ) -> StoreResult<Option<IncidentCase>>;
    /// The notices sent about a case, oldest first.
    async fn entruster_notices(&self, case: CaseId) -> StoreResult<Vec<EntrusterNotice>>;
    /// The notices an entruster organisation received, newest first.
    async fn entruster_notices_received(
        &self,
        entruster: OrgId,
    ) -> StoreResult<Vec<EntrusterNotice>>;
    async fn create_police_report(&self, r: &PoliceReport, audit: &AuditDraft) -> StoreResult<()>;
    /// Oldest first.
    async fn police_reports(&self, case: CaseId) -> StoreResult<Vec<PoliceReport>>;
    async fn create_message(&self, m: &Message, audit: &AuditDraft) -> StoreResult<()>;
    /// Oldest first.
    async fn messages(&self, case: CaseId) -> StoreResult<Vec<Message>>;
    /// Stores a regulator action. An `Acknowledge` also sets the submission's
    /// `acknowledged_at`/`acknowledged_by` (`Conflict` when it was acknowledged already;
    /// `NotFound` when the submission is not of `action.case_id`).
    async fn create_regulator_action(
        &self,
        action: &RegulatorAction,
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    /// Oldest first.
    async fn regulator_actions(&self, case: CaseId) -> StoreResult<Vec<RegulatorAction>>;

    // Sessions, API tokens, login throttling.
    /// Stores a session; `audit` records the login.
    async fn create_session(&self, s: &Session, audit: &AuditDraft) -> StoreResult<()>;
    /// The session with this token hash if it has not expired at `now`.
    async fn session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<Session>>;
    /// Removes a session (logout); no error when it does not exist.
    async fn delete_session(&self, token_hash: &str, audit: &AuditDraft) -> StoreResult<()>;
    /// Removes the sessions of a user (password reset).
    async fn delete_user_sessions(&self, user: UserId) -> StoreResult<()>;
    /// Removes every session expired at `now`; returns how many.
    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64>;
    async fn create_api_token(&self, t: &ApiToken, audit: &AuditDraft) -> StoreResult<()>;
    /// The token with this hash unless revoked.
    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<ApiToken>>;
    /// Oldest first, revoked ones included.
    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiToken>>;
    /// Revokes `user`'s token `id` (`NotFound` when not theirs or already revoked).
    async fn revoke_api_token(
        &self,
        user: UserId,
        id: Uuid,
        at: Timestamp,
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    /// Records a failed login for `key` (an e-mail or a client address).
    async fn record_login_failure(&self, key: &str, at: Timestamp) -> StoreResult<()>;
    /// Failed logins for `key` at or after `since`.
    async fn login_failures(&self, key: &str, since: Timestamp) -> StoreResult<i64>;
    /// Forgets `key`'s failures (after a successful login).
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;

    // Outbox.
    /// Adds a message unless one with the same `dedupe_key` exists; returns whether it was
    /// added. `audit` is appended only when it was.
    async fn enqueue_outbox(&self, m: &OutboxMessage, audit: &AuditDraft) -> StoreResult<bool>;
    /// Atomically takes up to `limit` unsent messages that no worker holds (claimed_until null
    /// or before `now`), oldest first, marking them held by `worker` until `until`, and
    /// increments their `attempts`. Two workers never get the same message while a claim
    /// holds.
    async fn claim_outbox(
        &self,
        worker: &str,
        now: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMessage>>;
    /// Marks a message held by `worker` sent (`Ok(at)`) or failed (`Err(error)`: released for
    /// a retry after its claim expires). `Conflict` when `worker` does not hold it.
    async fn finish_outbox(
        &self,
        id: Uuid,
        worker: &str,
        result: Result<Timestamp, String>,
    ) -> StoreResult<()>;
    /// Messages of `org` (all when `None`), newest first, at most `limit`.
    async fn list_outbox(&self, org: Option<OrgId>, limit: i64) -> StoreResult<Vec<OutboxMessage>>;

    // Audit.
    /// Appends an event that goes with no other change (e.g. a login).
    async fn append_audit(&self, audit: &AuditDraft) -> StoreResult<AuditEvent>;
    /// Up to `limit` events with `seq > after`, in order (none when `limit` ≤ 0).
    async fn audit_events(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEvent>>;
    /// The newest event (None when the log is empty). Also a cheap check that the database
    /// answers (`/healthz`).
    async fn audit_head(&self) -> StoreResult<Option<AuditEvent>>;
}
