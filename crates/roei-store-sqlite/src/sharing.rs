//! [`SharingStore`] on SQLite: police contacts, shared items with their current scope (the
//! `shared_item_recipients` rows repeat the scope's recipients for the inbox query), read
//! receipts, threads and consent requests (migration 0004).

use async_trait::async_trait;
use jiff::Timestamp;
use roei_domain::audit::AuditDraft;
use roei_domain::model::{OrgId, UserId};
use roei_domain::records::OutboxMessage;
use roei_domain::sharing::contacts::PoliceContact;
use roei_domain::sharing::{
    ConsentRequest, ConsentStatus, ReadReceipt, Reply, SharedItem, SharingScope, SharingStore,
};
use roei_domain::{StoreError, StoreResult};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::types::Uuid;

use super::{Cols, SqliteStore, append_in, backend, finish, insert_outbox, unique_conflict};

fn contact_from(row: &SqliteRow) -> StoreResult<PoliceContact> {
    let c = Cols::new(row, "police_contacts");
    Ok(PoliceContact {
        prefecture_code: c.text("prefecture_code")?,
        prefecture: c.text("prefecture")?,
        police_hq: c.text("police_hq")?,
        contact_name: c.get("contact_name")?,
        phone: c.get("phone")?,
        url: c.get("url")?,
        source: c.text("source")?,
        retrieved: c.get("retrieved")?,
        confidence: c.text("confidence")?,
        updated_at: c.timestamp_opt("updated_at_us")?,
        updated_by: c.parse_opt("updated_by")?,
    })
}

fn item_from(row: &SqliteRow) -> StoreResult<SharedItem> {
    let c = Cols::new(row, "shared_items");
    let scope: SharingScope =
        serde_json::from_value(c.json("scope")?).map_err(|e| c.bad("scope", e))?;
    Ok(SharedItem {
        id: c.parse("id")?,
        kind: c.parse("kind")?,
        title: c.text("title")?,
        body: c.json("body")?,
        originator_org: c.parse("originator_org")?,
        created_by: c.parse("created_by")?,
        created_at: c.timestamp("created_at_us")?,
        source_case: c.parse_opt("source_case")?,
        scope,
        scope_version: c.get("scope_version")?,
        revoked_at: c.timestamp_opt("revoked_at_us")?,
    })
}

fn receipt_from(row: &SqliteRow) -> StoreResult<ReadReceipt> {
    let c = Cols::new(row, "shared_item_views");
    Ok(ReadReceipt {
        id: c.parse("id")?,
        item_id: c.parse("item_id")?,
        org_id: c.parse("org_id")?,
        user_id: c.parse("user_id")?,
        via: c.parse("via")?,
        at: c.timestamp("at_us")?,
    })
}

fn reply_from(row: &SqliteRow) -> StoreResult<Reply> {
    let c = Cols::new(row, "shared_item_replies");
    Ok(Reply {
        id: c.parse("id")?,
        item_id: c.parse("item_id")?,
        author_org: c.parse("author_org")?,
        author: c.parse("author")?,
        body: c.text("body")?,
        at: c.timestamp("at_us")?,
    })
}

fn consent_from(row: &SqliteRow) -> StoreResult<ConsentRequest> {
    let c = Cols::new(row, "consent_requests");
    Ok(ConsentRequest {
        id: c.parse("id")?,
        item_id: c.parse("item_id")?,
        originator_org: c.parse("originator_org")?,
        requested_by_org: c.parse("requested_by_org")?,
        requested_by: c.parse("requested_by")?,
        to_org: c.parse("to_org")?,
        reason: c.text("reason")?,
        requested_at: c.timestamp("requested_at_us")?,
        status: c.parse("status")?,
        decided_by: c.parse_opt("decided_by")?,
        decided_at: c.timestamp_opt("decided_at_us")?,
        decision_note: c.get("decision_note")?,
    })
}

fn scope_json(scope: &SharingScope) -> StoreResult<String> {
    serde_json::to_string(scope).map_err(|e| StoreError::Backend(format!("encoding a scope: {e}")))
}

/// Replaces the recipients rows of `item` with `scope`'s.
async fn set_recipients(
    conn: &mut SqliteConnection,
    item: Uuid,
    scope: &SharingScope,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM shared_item_recipients WHERE item_id = ?")
        .bind(item.to_string())
        .execute(&mut *conn)
        .await
        .map_err(|e| backend("clearing recipients", &e))?;
    for org in &scope.recipients {
        sqlx::query("INSERT INTO shared_item_recipients (item_id, org_id) VALUES (?, ?)")
            .bind(item.to_string())
            .bind(org.to_string())
            .execute(&mut *conn)
            .await
            .map_err(|e| backend("storing a recipient", &e))?;
    }
    Ok(())
}

async fn update_scope_in(
    conn: &mut SqliteConnection,
    id: Uuid,
    expected_version: i64,
    scope: &SharingScope,
    revoked_at: Option<Timestamp>,
) -> StoreResult<SharedItem> {
    let done = sqlx::query(
        "UPDATE shared_items SET scope = ?, tlp = ?, scope_version = scope_version + 1, \
         revoked_at_us = COALESCE(?, revoked_at_us) WHERE id = ? AND scope_version = ?",
    )
    .bind(scope_json(scope)?)
    .bind(scope.tlp.as_str())
    .bind(revoked_at.map(Timestamp::as_microsecond))
    .bind(id.to_string())
    .bind(expected_version)
    .execute(&mut *conn)
    .await
    .map_err(|e| backend("updating a scope", &e))?;
    let row = sqlx::query("SELECT * FROM shared_items WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| backend("reading a shared item", &e))?;
    let Some(row) = row else {
        return Err(StoreError::NotFound);
    };
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "the scope of item {id} changed since version {expected_version}"
        )));
    }
    set_recipients(conn, id, scope).await?;
    item_from(&row)
}

#[async_trait]
impl SharingStore for SqliteStore {
    async fn police_contacts(&self) -> StoreResult<Vec<PoliceContact>> {
        sqlx::query("SELECT * FROM police_contacts ORDER BY prefecture_code")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing police contacts", &e))?
            .iter()
            .map(contact_from)
            .collect()
    }

    async fn police_contact(&self, code: &str) -> StoreResult<Option<PoliceContact>> {
        sqlx::query("SELECT * FROM police_contacts WHERE prefecture_code = ?")
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| backend("reading a police contact", &e))?
            .as_ref()
            .map(contact_from)
            .transpose()
    }

    async fn update_police_contact(
        &self,
        c: &PoliceContact,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            let done = sqlx::query(
                "UPDATE police_contacts SET contact_name = ?, phone = ?, url = ?, source = ?, \
                 retrieved = ?, confidence = ?, updated_at_us = ?, updated_by = ? \
                 WHERE prefecture_code = ?",
            )
            .bind(&c.contact_name)
            .bind(&c.phone)
            .bind(&c.url)
            .bind(&c.source)
            .bind(&c.retrieved)
            .bind(&c.confidence)
            .bind(c.updated_at.map(Timestamp::as_microsecond))
            .bind(c.updated_by.map(|u| u.to_string()))
            .bind(&c.prefecture_code)
            .execute(&mut *tx)
            .await
            .map_err(|e| backend("updating a police contact", &e))?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn create_shared_item(&self, item: &SharedItem, audit: &AuditDraft) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            sqlx::query(
                "INSERT INTO shared_items (id, kind, title, body, originator_org, created_by, \
                 created_at_us, source_case, tlp, scope, scope_version, revoked_at_us) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(item.id.to_string())
            .bind(item.kind.as_str())
            .bind(&item.title)
            .bind(item.body.to_string())
            .bind(item.originator_org.to_string())
            .bind(item.created_by.to_string())
            .bind(item.created_at.as_microsecond())
            .bind(item.source_case.map(|c| c.to_string()))
            .bind(item.scope.tlp.as_str())
            .bind(scope_json(&item.scope)?)
            .bind(item.scope_version)
            .bind(item.revoked_at.map(Timestamp::as_microsecond))
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_conflict(&e, format_args!("shared item {}", item.id), &[]))?;
            set_recipients(&mut tx, item.id, &item.scope).await?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn shared_item(&self, id: Uuid) -> StoreResult<Option<SharedItem>> {
        sqlx::query("SELECT * FROM shared_items WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| backend("reading a shared item", &e))?
            .as_ref()
            .map(item_from)
            .transpose()
    }

    async fn shared_item_candidates(&self, org: OrgId) -> StoreResult<Vec<SharedItem>> {
        sqlx::query(
            "SELECT * FROM shared_items WHERE originator_org = ?1 OR tlp = 'CLEAR' \
             OR id IN (SELECT item_id FROM shared_item_recipients WHERE org_id = ?1) \
             ORDER BY created_at_us DESC, id DESC",
        )
        .bind(org.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| backend("listing shared items", &e))?
        .iter()
        .map(item_from)
        .collect()
    }

    async fn update_scope(
        &self,
        id: Uuid,
        expected_version: i64,
        scope: &SharingScope,
        revoked_at: Option<Timestamp>,
        audit: &AuditDraft,
    ) -> StoreResult<SharedItem> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            let item = update_scope_in(&mut tx, id, expected_version, scope, revoked_at).await?;
            append_in(&mut tx, audit).await?;
            Ok(item)
        }
        .await;
        finish(tx, result).await
    }

    async fn record_view(&self, r: &ReadReceipt, audit: &AuditDraft) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            sqlx::query(
                "INSERT INTO shared_item_views (id, item_id, org_id, user_id, via, at_us) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(r.id.to_string())
            .bind(r.item_id.to_string())
            .bind(r.org_id.to_string())
            .bind(r.user_id.to_string())
            .bind(r.via.as_str())
            .bind(r.at.as_microsecond())
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_conflict(&e, format_args!("read receipt {}", r.id), &[]))?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn read_receipts(&self, item: Uuid) -> StoreResult<Vec<ReadReceipt>> {
        sqlx::query("SELECT * FROM shared_item_views WHERE item_id = ? ORDER BY at_us, id")
            .bind(item.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing read receipts", &e))?
            .iter()
            .map(receipt_from)
            .collect()
    }

    async fn create_reply(&self, r: &Reply, audit: &AuditDraft) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            sqlx::query(
                "INSERT INTO shared_item_replies (id, item_id, author_org, author, body, at_us) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(r.id.to_string())
            .bind(r.item_id.to_string())
            .bind(r.author_org.to_string())
            .bind(r.author.to_string())
            .bind(&r.body)
            .bind(r.at.as_microsecond())
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_conflict(&e, format_args!("reply {}", r.id), &[]))?;
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn replies(&self, item: Uuid) -> StoreResult<Vec<Reply>> {
        sqlx::query("SELECT * FROM shared_item_replies WHERE item_id = ? ORDER BY at_us, id")
            .bind(item.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing replies", &e))?
            .iter()
            .map(reply_from)
            .collect()
    }

    async fn create_consent_request(
        &self,
        c: &ConsentRequest,
        notify: &[OutboxMessage],
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            sqlx::query(
                "INSERT INTO consent_requests (id, item_id, originator_org, requested_by_org, \
                 requested_by, to_org, reason, requested_at_us, status, decided_by, \
                 decided_at_us, decision_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(c.id.to_string())
            .bind(c.item_id.to_string())
            .bind(c.originator_org.to_string())
            .bind(c.requested_by_org.to_string())
            .bind(c.requested_by.to_string())
            .bind(c.to_org.to_string())
            .bind(&c.reason)
            .bind(c.requested_at.as_microsecond())
            .bind(c.status.as_str())
            .bind(c.decided_by.map(|u| u.to_string()))
            .bind(c.decided_at.map(Timestamp::as_microsecond))
            .bind(&c.decision_note)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_conflict(&e, format_args!("consent request {}", c.id), &[]))?;
            for m in notify {
                insert_outbox(&mut tx, m).await?;
            }
            append_in(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        finish(tx, result).await
    }

    async fn consent_request(&self, id: Uuid) -> StoreResult<Option<ConsentRequest>> {
        sqlx::query("SELECT * FROM consent_requests WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| backend("reading a consent request", &e))?
            .as_ref()
            .map(consent_from)
            .transpose()
    }

    async fn consent_requests(&self, item: Uuid) -> StoreResult<Vec<ConsentRequest>> {
        sqlx::query("SELECT * FROM consent_requests WHERE item_id = ? ORDER BY requested_at_us, id")
            .bind(item.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| backend("listing consent requests", &e))?
            .iter()
            .map(consent_from)
            .collect()
    }

    async fn consent_requests_involving(&self, org: OrgId) -> StoreResult<Vec<ConsentRequest>> {
        sqlx::query(
            "SELECT * FROM consent_requests WHERE originator_org = ?1 OR requested_by_org = ?1 \
             ORDER BY requested_at_us DESC, id DESC",
        )
        .bind(org.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| backend("listing consent requests", &e))?
        .iter()
        .map(consent_from)
        .collect()
    }

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
    ) -> StoreResult<ConsentRequest> {
        let (_gate, mut tx) = self.begin().await?;
        let result = async {
            let done = sqlx::query(
                "UPDATE consent_requests SET status = ?, decided_by = ?, decided_at_us = ?, \
                 decision_note = ? WHERE id = ? AND status = 'pending'",
            )
            .bind(status.as_str())
            .bind(by.to_string())
            .bind(at.as_microsecond())
            .bind(note)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| backend("deciding a consent request", &e))?;
            let row = sqlx::query("SELECT * FROM consent_requests WHERE id = ?")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| backend("reading a consent request", &e))?
                .ok_or(StoreError::NotFound)?;
            let request = consent_from(&row)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "consent request {id} was decided already"
                )));
            }
            if let Some((version, scope)) = grant {
                update_scope_in(&mut tx, request.item_id, version, scope, None).await?;
            }
            for m in notify {
                insert_outbox(&mut tx, m).await?;
            }
            append_in(&mut tx, audit).await?;
            Ok(request)
        }
        .await;
        finish(tx, result).await
    }
}
