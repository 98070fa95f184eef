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
    CaseId, DeterminationRecord, Entrustment, IncidentCase, OrgId, Organisation, User, UserId,
};
use async_trait::async_trait;

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

#[async_trait]
pub trait Store: Send + Sync {
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

    // Audit.
    /// Appends an event that goes with no other change (e.g. a login).
    async fn append_audit(&self, audit: &AuditDraft) -> StoreResult<AuditEvent>;
    /// Up to `limit` events with `seq > after`, in order (none when `limit` ≤ 0).
    async fn audit_events(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEvent>>;
}
