//! The roei-domain conformance suite on PostgreSQL, plus this backend's own tests.
//!
//! Each test gets a brand-new database `roei_test_<uuid v7>` on the server named by
//! `ROEI_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`). The
//! databases are left behind when a test ends (the suite's tests own no teardown); instead,
//! each `fresh()` first drops the test databases more than an hour old, which it can tell from
//! the time stamp inside the UUID v7 of their names. If PostgreSQL cannot be reached the tests
//! fail, saying so.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;
use roei_domain::audit::{self, AuditDraft};
use roei_domain::conformance::Tamper;
use roei_domain::model::{OrgKind, Organisation};
use roei_domain::{Store, StoreError};
use roei_store_postgres::PgStore;

mod common;
use sqlx::postgres::PgPool;

/// Writes to the audit table behind the store's back.
struct PgTamper {
    pool: PgPool,
}

#[async_trait]
impl Tamper for PgTamper {
    async fn set_audit_payload(&self, seq: i64, payload: &str) {
        let done = sqlx::query("UPDATE audit_events SET payload = $1 WHERE seq = $2")
            .bind(payload)
            .bind(seq)
            .execute(&self.pool)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1, "no audit event {seq}");
    }

    async fn delete_audit(&self, seq: i64) {
        let done = sqlx::query("DELETE FROM audit_events WHERE seq = $1")
            .bind(seq)
            .execute(&self.pool)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1, "no audit event {seq}");
    }
}

/// A store on a brand-new, migrated database.
async fn fresh_store() -> PgStore {
    let options = common::create_database().await;
    PgStore::connect_with(options).await.unwrap()
}

async fn fresh() -> (Arc<dyn Store>, Box<dyn Tamper>) {
    let store = fresh_store().await;
    let tamper = PgTamper {
        pool: store.pool().clone(),
    };
    (Arc::new(store), Box::new(tamper))
}

roei_domain::conformance_tests!(fresh);

fn draft(subject: &str) -> AuditDraft {
    AuditDraft::new(
        Timestamp::from_second(1_795_000_000).unwrap(),
        None,
        None,
        "test.instance",
        subject,
        &serde_json::json!({"subject": subject}),
    )
}

/// Two server instances (two pools) on one database append concurrently; the chain stays one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_never_fork_the_chain() {
    let options = common::create_database().await;
    let one = Arc::new(PgStore::connect_with(options.clone()).await.unwrap());
    let two = Arc::new(PgStore::connect_with(options).await.unwrap());
    let mut tasks = Vec::new();
    for i in 0..50 {
        for (name, store) in [("one", &one), ("two", &two)] {
            let store = Arc::clone(store);
            tasks.push(tokio::spawn(async move {
                store
                    .append_audit(&draft(&format!("{name}:{i}")))
                    .await
                    .unwrap()
            }));
        }
    }
    let mut returned: Vec<i64> = Vec::new();
    for t in tasks {
        returned.push(t.await.unwrap().seq);
    }
    returned.sort_unstable();
    assert_eq!(
        returned,
        (1..=100).collect::<Vec<i64>>(),
        "each append got its own seq"
    );

    // Both instances read the same, intact chain of 100 events.
    for store in [&one, &two] {
        let events = store.audit_events(0, 1000).await.unwrap();
        assert_eq!(events.len(), 100);
        assert_eq!(audit::verify(&events, &mut None), Ok(100));
        for name in ["one", "two"] {
            let n = events
                .iter()
                .filter(|e| e.subject.starts_with(name))
                .count();
            assert_eq!(n, 50, "events from instance {name}");
        }
    }
}

/// A stored value that does not decode is a backend error naming the table and column.
#[tokio::test]
async fn an_undecodable_row_names_its_table_and_column() {
    let store = fresh_store().await;
    let now = Timestamp::from_second(1_795_000_000).unwrap();
    let org = Organisation::new("A社", OrgKind::Regulator, None, now).unwrap();
    store
        .create_organisation(&org, &draft("org"))
        .await
        .unwrap();
    sqlx::query("UPDATE organisations SET kind = 'bank' WHERE id = $1")
        .bind(org.id.0)
        .execute(store.pool())
        .await
        .unwrap();
    let err = store.organisation(org.id).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Backend(m) if m.contains("organisations.kind") && m.contains("bank")),
        "{err:?}"
    );
    let err = store.list_organisations().await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Backend(m) if m.contains("organisations.kind")),
        "{err:?}"
    );
}
