//! The storage contract of sharing, a supertrait of [`crate::Store`]. Rules as for `Store`:
//! every change commits with its audit event in one transaction, or neither does.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::contacts::PoliceContact;
use super::{ConsentRequest, ConsentStatus, ReadReceipt, Reply, SharedItem, SharingScope};
use crate::StoreResult;
use crate::audit::AuditDraft;
use crate::model::{OrgId, UserId};
use crate::records::OutboxMessage;

#[async_trait]
pub trait SharingStore: Send + Sync {
    // The prefectural police contacts (reference data, 47 rows shipped by migration 0004).
    /// By prefecture code.
    async fn police_contacts(&self) -> StoreResult<Vec<PoliceContact>>;
    async fn police_contact(&self, code: &str) -> StoreResult<Option<PoliceContact>>;
    /// Replaces the row of `c.prefecture_code` (`NotFound` when there is none).
    async fn update_police_contact(&self, c: &PoliceContact, audit: &AuditDraft)
    -> StoreResult<()>;

    // Shared items.
    /// `Conflict` when the id exists.
    async fn create_shared_item(&self, item: &SharedItem, audit: &AuditDraft) -> StoreResult<()>;
    async fn shared_item(&self, id: Uuid) -> StoreResult<Option<SharedItem>>;
    /// The items `org` originated, is a named recipient of, or that are TLP:CLEAR — newest
    /// first. Only candidates: the caller decides on each (`sharing::scope::decide`).
    async fn shared_item_candidates(&self, org: OrgId) -> StoreResult<Vec<SharedItem>>;
    /// Replaces the item's scope (and sets `revoked_at` when given) if its `scope_version` is
    /// still `expected_version` (else `Conflict`); returns the item as stored (version + 1).
    async fn update_scope(
        &self,
        id: Uuid,
        expected_version: i64,
        scope: &SharingScope,
        revoked_at: Option<Timestamp>,
        audit: &AuditDraft,
    ) -> StoreResult<SharedItem>;

    // Read receipts and the thread.
    async fn record_view(&self, r: &ReadReceipt, audit: &AuditDraft) -> StoreResult<()>;
    /// Oldest first.
    async fn read_receipts(&self, item: Uuid) -> StoreResult<Vec<ReadReceipt>>;
    async fn create_reply(&self, r: &Reply, audit: &AuditDraft) -> StoreResult<()>;
    /// Oldest first.
    async fn replies(&self, item: Uuid) -> StoreResult<Vec<Reply>>;

    // Consent requests (forwarding beyond the scope).
    /// Stores a request and, in the same transaction, adds the `notify` messages to the outbox
    /// (each unless one with its `dedupe_key` exists, as [`crate::Store::enqueue_outbox`]).
    async fn create_consent_request(
        &self,
        c: &ConsentRequest,
        notify: &[OutboxMessage],
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    async fn consent_request(&self, id: Uuid) -> StoreResult<Option<ConsentRequest>>;
    /// Of one item, oldest first.
    async fn consent_requests(&self, item: Uuid) -> StoreResult<Vec<ConsentRequest>>;
    /// Those `org` made or must decide (it originated the item), newest first.
    async fn consent_requests_involving(&self, org: OrgId) -> StoreResult<Vec<ConsentRequest>>;
    /// Decides a pending request (`Conflict` when it is decided already). With `grant`, the
    /// item's scope is replaced in the same transaction exactly like [`Self::update_scope`];
    /// the `notify` messages are added to the outbox in it too (as in
    /// [`Self::create_consent_request`]).
    #[allow(clippy::too_many_arguments)]
    async fn decide_consent(
        &self,
        id: Uuid,
        status: ConsentStatus,
        by: UserId,
        at: Timestamp,
        note: Option<&str>,
        grant: Option<(i64, &SharingScope)>,
        notify: &[OutboxMessage],
        audit: &AuditDraft,
    ) -> StoreResult<ConsentRequest>;
}
