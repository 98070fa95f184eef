//! Two server instances (two `PgStore` pools) on one database share the mail outbox: a message
//! enqueued by both is stored once, and two workers claiming concurrently never get the same
//! message, so each one is sent exactly once.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use roei_domain::audit;
use roei_domain::model::{OrgKind, Organisation};
use roei_domain::records::OutboxMessage;
use roei_domain::{Store, StoreError};
use roei_law::Regime;
use roei_store_postgres::PgStore;
use uuid::Uuid;

use common::{at, create_database, draft};

const MESSAGES: usize = 50;

fn message(org: &Organisation, i: usize) -> OutboxMessage {
    OutboxMessage {
        id: Uuid::now_v7(),
        dedupe_key: format!("reminder.final_report_due:{i}"),
        kind: "reminder.final_report_due".into(),
        org_id: Some(org.id),
        case_id: None,
        recipient: format!("officer{i}@example.jp"),
        subject: format!("確報の期限 {i}"),
        body: "本文".into(),
        created_at: at(i64::try_from(i).unwrap()),
        claimed_until: None,
        claimed_by: None,
        sent_at: None,
        attempts: 0,
        last_error: None,
    }
}

/// Claims batches of 3 until none is left, finishing each message as sent; returns the ids
/// this worker claimed.
async fn work(store: Arc<PgStore>, worker: &'static str) -> Vec<Uuid> {
    let mut mine = Vec::new();
    loop {
        let batch = store
            .claim_outbox(worker, at(1000), at(1000 + 3600), 3)
            .await
            .unwrap();
        if batch.is_empty() {
            return mine;
        }
        assert!(batch.len() <= 3);
        for m in batch {
            assert_eq!(m.claimed_by.as_deref(), Some(worker));
            assert_eq!(m.claimed_until, Some(at(1000 + 3600)));
            assert_eq!(m.attempts, 1, "{} was claimed before", m.dedupe_key);
            assert_eq!(m.sent_at, None);
            store
                .finish_outbox(m.id, worker, Ok(at(2000)))
                .await
                .unwrap();
            mine.push(m.id);
            tokio::task::yield_now().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_pools_send_each_outbox_message_exactly_once() {
    let options = create_database().await;
    let one = Arc::new(PgStore::connect_with(options.clone()).await.unwrap());
    let two = Arc::new(PgStore::connect_with(options).await.unwrap());
    let org = Organisation::new(
        "株式会社ロエイ",
        OrgKind::Operator,
        Some(Regime::Private),
        at(0),
    )
    .unwrap();
    one.create_organisation(&org, &draft("org.create", "org"))
        .await
        .unwrap();

    // Every message is enqueued by both instances at once (each with its own id): one row each.
    let mut enqueues = Vec::new();
    for i in 0..MESSAGES {
        for store in [&one, &two] {
            let store = Arc::clone(store);
            let m = message(&org, i);
            enqueues.push(tokio::spawn(async move {
                store
                    .enqueue_outbox(&m, &draft("outbox.enqueue", &m.dedupe_key))
                    .await
                    .unwrap()
            }));
        }
    }
    let mut added = 0;
    for t in enqueues {
        if t.await.unwrap() {
            added += 1;
        }
    }
    assert_eq!(added, MESSAGES, "one enqueue per dedupe key wins");
    for store in [&one, &two] {
        let rows = store.list_outbox(None, 1000).await.unwrap();
        assert_eq!(rows.len(), MESSAGES);
        let keys: BTreeSet<&str> = rows.iter().map(|m| m.dedupe_key.as_str()).collect();
        assert_eq!(keys.len(), MESSAGES);
    }
    // The organisation and one audit event per message actually added.
    let events = one.audit_events(0, 1000).await.unwrap();
    assert_eq!(events.len(), 1 + MESSAGES);
    assert_eq!(
        audit::verify(&events, &mut None),
        Ok(u64::try_from(1 + MESSAGES).unwrap())
    );

    // Two workers, one per instance, claim concurrently.
    let w1 = tokio::spawn(work(Arc::clone(&one), "worker-1"));
    let w2 = tokio::spawn(work(Arc::clone(&two), "worker-2"));
    let (got1, got2) = (w1.await.unwrap(), w2.await.unwrap());
    eprintln!("worker-1 sent {}, worker-2 sent {}", got1.len(), got2.len());
    let all: BTreeSet<Uuid> = got1.iter().chain(&got2).copied().collect();
    assert_eq!(
        got1.len() + got2.len(),
        MESSAGES,
        "no message was claimed twice"
    );
    assert_eq!(all.len(), MESSAGES, "every message was claimed");

    let rows = two.list_outbox(Some(org.id), 1000).await.unwrap();
    assert_eq!(rows.len(), MESSAGES);
    for m in &rows {
        assert!(all.contains(&m.id));
        assert_eq!(m.sent_at, Some(at(2000)), "{} sent", m.dedupe_key);
        assert_eq!(m.attempts, 1, "{} claimed once", m.dedupe_key);
        assert_eq!((m.claimed_by.as_deref(), m.claimed_until), (None, None));
        assert_eq!(m.last_error, None);
    }
    // A sent message cannot be finished again, by either worker, and is never claimed again.
    let first = &rows[0];
    for worker in ["worker-1", "worker-2"] {
        assert!(matches!(
            one.finish_outbox(first.id, worker, Ok(at(3000))).await,
            Err(StoreError::Conflict(_))
        ));
    }
    assert!(matches!(
        one.finish_outbox(Uuid::now_v7(), "worker-1", Ok(at(3000)))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        one.claim_outbox("worker-3", at(999_999), at(1_000_000), 100)
            .await
            .unwrap()
            .is_empty()
    );
}
