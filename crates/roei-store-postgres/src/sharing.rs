//! [`SharingStore`] on PostgreSQL: police contacts, shared items with their current scope (the
//! `shared_item_recipients` rows repeat the scope's recipients for the inbox query), read
//! receipts, threads and consent requests (migration 0004). As everywhere in this store, the
//! audit event is the last statement of each transaction; scope changes and consent decisions
//! are conditional updates (`WHERE scope_version = $n`, `WHERE status = 'pending'`).

use async_trait::async_trait;
use jiff::Timestamp;
use roei_domain::audit::AuditDraft;
use roei_domain::model::{CaseId, OrgId, UserId};
use roei_domain::records::OutboxMessage;
use roei_domain::sharing::contacts::PoliceContact;
use roei_domain::sharing::{
    ConsentRequest, ConsentStatus, ReadReceipt, Reply, SharedItem, SharingScope, SharingStore,
};
use roei_domain::{StoreError, StoreResult};
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::types::Json;
use uuid::Uuid;

use super::{
    PgStore, append_in, backend, conflict_or_backend, get, insert_outbox, json, parsed, timestamp,
    timestamp_opt,
};

fn contact_from(row: &PgRow) -> StoreResult<PoliceContact> {
    const T: &str = "police_contacts";
    Ok(PoliceContact {
        prefecture_code: get(row, T, "prefecture_code")?,
        prefecture: get(row, T, "prefecture")?,
        police_hq: get(row, T, "police_hq")?,
        contact_name: get(row, T, "contact_name")?,
        phone: get(row, T, "phone")?,
        url: get(row, T, "url")?,
        source: get(row, T, "source")?,
        retrieved: get(row, T, "retrieved")?,
        confidence: get(row, T, "confidence")?,
        updated_at: timestamp_opt(row, T, "updated_at_us")?,
        updated_by: get::<Option<Uuid>>(row, T, "updated_by")?.map(UserId),
    })
}

fn item_from(row: &PgRow) -> StoreResult<SharedItem> {
    const T: &str = "shared_items";
    Ok(SharedItem {
        id: get(row, T, "id")?,
        kind: parsed(row, T, "kind")?,
        title: get(row, T, "title")?,
        body: json(row, T, "body")?,
        originator_org: OrgId(get(row, T, "originator_org")?),
        created_by: UserId(get(row, T, "created_by")?),
        created_at: timestamp(row, T, "created_at_us")?,
        source_case: get::<Option<Uuid>>(row, T, "source_case")?.map(CaseId),
        scope: json(row, T, "scope")?,
        scope_version: get(row, T, "scope_version")?,
        revoked_at: timestamp_opt(row, T, "revoked_at_us")?,
    })
}

fn receipt_from(row: &PgRow) -> StoreResult<ReadReceipt> {
    const T: &str = "shared_item_views";
    Ok(ReadReceipt {
        id: get(row, T, "id")?,
        item_id: get(row, T, "item_id")?,
        org_id: OrgId(get(row, T, "org_id")?),
        user_id: UserId(get(row, T, "user_id")?),
        via: parsed(row, T, "via")?,
        at: timestamp(row, T, "at_us")?,
    })
}

fn reply_from(row: &PgRow) -> StoreResult<Reply> {
    const T: &str = "shared_item_replies";
    Ok(Reply {
        id: get(row, T, "id")?,
        item_id: get(row, T, "item_id")?,
        author_org: OrgId(get(row, T, "author_org")?),
        author: UserId(get(row, T, "author")?),
        body: get(row, T, "body")?,
        at: timestamp(row, T, "at_us")?,
    })
}

fn consent_from(row: &PgRow) -> StoreResult<ConsentRequest> {
    const T: &str = "consent_requests";
    Ok(ConsentRequest {
        id: get(row, T, "id")?,
        item_id: get(row, T, "item_id")?,
        originator_org: OrgId(get(row, T, "originator_org")?),
        requested_by_org: OrgId(get(row, T, "requested_by_org")?),
        requested_by: UserId(get(row, T, "requested_by")?),
        to_org: OrgId(get(row, T, "to_org")?),
        reason: get(row, T, "reason")?,
        requested_at: timestamp(row, T, "requested_at_us")?,
        status: parsed(row, T, "status")?,
        decided_by: get::<Option<Uuid>>(row, T, "decided_by")?.map(UserId),
        decided_at: timestamp_opt(row, T, "decided_at_us")?,
        decision_note: get(row, T, "decision_note")?,
    })
}

/// Replaces the recipients rows of `item` with `scope`'s.
async fn set_recipients(
    conn: &mut PgConnection,
    item: Uuid,
    scope: &SharingScope,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM shared_item_recipients WHERE item_id = $1")
        .bind(item)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    let orgs: Vec<Uuid> = scope.recipients.iter().map(|o| o.0).collect();
    sqlx::query(
        "INSERT INTO shared_item_recipients (item_id, org_id) SELECT $1, unnest($2::uuid[])",
    )
    .bind(item)
    .bind(&orgs)
    .execute(&mut *conn)
    .await
    .map_err(backend)?;
    Ok(())
}

async fn update_scope_in(
    conn: &mut PgConnection,
    id: Uuid,
    expected_version: i64,
    scope: &SharingScope,
    revoked_at: Option<Timestamp>,
) -> StoreResult<SharedItem> {
    let row = sqlx::query(
        "UPDATE shared_items SET scope = $1, tlp = $2, scope_version = scope_version + 1, \
         revoked_at_us = COALESCE($3, revoked_at_us) WHERE id = $4 AND scope_version = $5 \
         RETURNING *",
    )
    .bind(Json(scope))
    .bind(scope.tlp.as_str())
    .bind(revoked_at.map(Timestamp::as_microsecond))
    .bind(id)
    .bind(expected_version)
    .fetch_optional(&mut *conn)
    .await
    .map_err(backend)?;
    let Some(row) = row else {
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT 1::bigint FROM shared_items WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)?;
        return Err(match exists {
            None => StoreError::NotFound,
            Some(_) => StoreError::Conflict(format!(
                "the scope of item {id} changed since version {expected_version}"
            )),
        });
    };
    set_recipients(conn, id, scope).await?;
    item_from(&row)
}

#[async_trait]
impl SharingStore for PgStore {
    async fn police_contacts(&self) -> StoreResult<Vec<PoliceContact>> {
        sqlx::query("SELECT * FROM police_contacts ORDER BY prefecture_code")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(contact_from)
            .collect()
    }

    async fn police_contact(&self, code: &str) -> StoreResult<Option<PoliceContact>> {
        sqlx::query("SELECT * FROM police_contacts WHERE prefecture_code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(contact_from)
            .transpose()
    }

    async fn update_police_contact(
        &self,
        c: &PoliceContact,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE police_contacts SET contact_name = $1, phone = $2, url = $3, source = $4, \
             retrieved = $5, confidence = $6, updated_at_us = $7, updated_by = $8 \
             WHERE prefecture_code = $9",
        )
        .bind(&c.contact_name)
        .bind(&c.phone)
        .bind(&c.url)
        .bind(&c.source)
        .bind(&c.retrieved)
        .bind(&c.confidence)
        .bind(c.updated_at.map(Timestamp::as_microsecond))
        .bind(c.updated_by.map(|u| u.0))
        .bind(&c.prefecture_code)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn create_shared_item(&self, item: &SharedItem, audit: &AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO shared_items (id, kind, title, body, originator_org, created_by, \
             created_at_us, source_case, tlp, scope, scope_version, revoked_at_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(item.id)
        .bind(item.kind.as_str())
        .bind(&item.title)
        .bind(Json(&item.body))
        .bind(item.originator_org.0)
        .bind(item.created_by.0)
        .bind(item.created_at.as_microsecond())
        .bind(item.source_case.map(|c| c.0))
        .bind(item.scope.tlp.as_str())
        .bind(Json(&item.scope))
        .bind(item.scope_version)
        .bind(item.revoked_at.map(Timestamp::as_microsecond))
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_or_backend(e, format!("shared item {} exists already", item.id)))?;
        set_recipients(&mut tx, item.id, &item.scope).await?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn shared_item(&self, id: Uuid) -> StoreResult<Option<SharedItem>> {
        sqlx::query("SELECT * FROM shared_items WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(item_from)
            .transpose()
    }

    async fn shared_item_candidates(&self, org: OrgId) -> StoreResult<Vec<SharedItem>> {
        sqlx::query(
            "SELECT * FROM shared_items WHERE originator_org = $1 OR tlp = 'CLEAR' \
             OR id IN (SELECT item_id FROM shared_item_recipients WHERE org_id = $1) \
             ORDER BY created_at_us DESC, id DESC",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
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
        let mut tx = self.begin().await?;
        let item = update_scope_in(&mut tx, id, expected_version, scope, revoked_at).await?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)?;
        Ok(item)
    }

    async fn record_view(&self, r: &ReadReceipt, audit: &AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO shared_item_views (id, item_id, org_id, user_id, via, at_us) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(r.id)
        .bind(r.item_id)
        .bind(r.org_id.0)
        .bind(r.user_id.0)
        .bind(r.via.as_str())
        .bind(r.at.as_microsecond())
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_or_backend(e, format!("read receipt {} exists already", r.id)))?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn read_receipts(&self, item: Uuid) -> StoreResult<Vec<ReadReceipt>> {
        sqlx::query("SELECT * FROM shared_item_views WHERE item_id = $1 ORDER BY at_us, id")
            .bind(item)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(receipt_from)
            .collect()
    }

    async fn create_reply(&self, r: &Reply, audit: &AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO shared_item_replies (id, item_id, author_org, author, body, at_us) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(r.id)
        .bind(r.item_id)
        .bind(r.author_org.0)
        .bind(r.author.0)
        .bind(&r.body)
        .bind(r.at.as_microsecond())
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_or_backend(e, format!("reply {} exists already", r.id)))?;
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn replies(&self, item: Uuid) -> StoreResult<Vec<Reply>> {
        sqlx::query("SELECT * FROM shared_item_replies WHERE item_id = $1 ORDER BY at_us, id")
            .bind(item)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
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
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO consent_requests (id, item_id, originator_org, requested_by_org, \
             requested_by, to_org, reason, requested_at_us, status, decided_by, decided_at_us, \
             decision_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(c.id)
        .bind(c.item_id)
        .bind(c.originator_org.0)
        .bind(c.requested_by_org.0)
        .bind(c.requested_by.0)
        .bind(c.to_org.0)
        .bind(&c.reason)
        .bind(c.requested_at.as_microsecond())
        .bind(c.status.as_str())
        .bind(c.decided_by.map(|u| u.0))
        .bind(c.decided_at.map(Timestamp::as_microsecond))
        .bind(&c.decision_note)
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_or_backend(e, format!("consent request {} exists already", c.id)))?;
        for m in notify {
            insert_outbox(&mut tx, m).await?;
        }
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    async fn consent_request(&self, id: Uuid) -> StoreResult<Option<ConsentRequest>> {
        sqlx::query("SELECT * FROM consent_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(consent_from)
            .transpose()
    }

    async fn consent_requests(&self, item: Uuid) -> StoreResult<Vec<ConsentRequest>> {
        sqlx::query(
            "SELECT * FROM consent_requests WHERE item_id = $1 ORDER BY requested_at_us, id",
        )
        .bind(item)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(consent_from)
        .collect()
    }

    async fn consent_requests_involving(&self, org: OrgId) -> StoreResult<Vec<ConsentRequest>> {
        sqlx::query(
            "SELECT * FROM consent_requests WHERE originator_org = $1 OR requested_by_org = $1 \
             ORDER BY requested_at_us DESC, id DESC",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
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
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "UPDATE consent_requests SET status = $1, decided_by = $2, decided_at_us = $3, \
             decision_note = $4 WHERE id = $5 AND status = 'pending' RETURNING *",
        )
        .bind(status.as_str())
        .bind(by.0)
        .bind(at.as_microsecond())
        .bind(note)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        let Some(row) = row else {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT 1::bigint FROM consent_requests WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
            return Err(match exists {
                None => StoreError::NotFound,
                Some(_) => {
                    StoreError::Conflict(format!("consent request {id} was decided already"))
                }
            });
        };
        let request = consent_from(&row)?;
        if let Some((version, scope)) = grant {
            update_scope_in(&mut tx, request.item_id, version, scope, None).await?;
        }
        for m in notify {
            insert_outbox(&mut tx, m).await?;
        }
        append_in(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)?;
        Ok(request)
    }
}
