//! What the conformance suite cannot see: data survives closing and reopening the file, the
//! migrations can run again, and a stored value that does not decode is reported by name.

use jiff::Timestamp;
use roei_domain::audit::AuditDraft;
use roei_domain::model::{OrgKind, Organisation, Role, User};
use roei_domain::service::{self, Actor};
use roei_domain::{Store, StoreError};
use roei_law::{Facts, Regime};
use roei_store_sqlite::SqliteStore;

fn now(offset_s: i64) -> Timestamp {
    Timestamp::from_second(1_795_000_000 + offset_s).unwrap()
}

fn draft(action: &str) -> AuditDraft {
    AuditDraft::new(now(0), None, None, action, "test", &serde_json::json!({}))
}

async fn operator(store: &dyn Store) -> Actor {
    let org = Organisation::new(
        "株式会社ロエイ",
        OrgKind::Operator,
        Some(Regime::Private),
        now(0),
    )
    .unwrap();
    store
        .create_organisation(&org, &draft("org.create"))
        .await
        .unwrap();
    let user = User::new(
        org.id,
        "a@example.jp",
        "担当者",
        Role::Member,
        "h".into(),
        now(0),
    )
    .unwrap();
    store
        .create_user(&user, &draft("user.create"))
        .await
        .unwrap();
    Actor { user, org }
}

fn facts() -> Facts {
    Facts::from_json(
        r#"{"known_on":"2026-11-30","events":["leak"],"data_items":["name"],"cause":"misconfiguration","persons":1500}"#,
    )
    .unwrap()
}

#[tokio::test]
async fn a_committed_case_survives_reopening_and_migrations_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roei.db");

    let store = SqliteStore::open(&path).await.unwrap();
    let a = operator(&store).await;
    let (case, first) = service::open_case(&store, &a, "誤設定による公開", facts(), now(10))
        .await
        .unwrap();
    let events = store.audit_events(0, 100).await.unwrap();
    drop(store);

    // Reopening runs the migrations again on a migrated file.
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(
        store.case(a.org.id, case.id).await.unwrap(),
        Some(case.clone())
    );
    assert_eq!(
        store.determinations(a.org.id, case.id).await.unwrap(),
        vec![first]
    );
    assert_eq!(
        store.user_by_email("a@example.jp").await.unwrap(),
        Some(a.user.clone())
    );
    assert_eq!(store.audit_events(0, 100).await.unwrap(), events);

    // And once more, explicitly, on the open pool: nothing to do, nothing lost.
    sqlx::migrate!("./migrations")
        .run(store.pool())
        .await
        .unwrap();
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let shipped = sqlx::migrate!("./migrations").iter().count();
    assert_eq!(usize::try_from(applied).unwrap(), shipped);
    assert!(shipped >= 3, "the page indexes (0003) are among them");
    assert_eq!(store.list_cases(a.org.id).await.unwrap(), vec![case]);

    // The chain continues where it left off.
    let next = store.append_audit(&draft("user.login")).await.unwrap();
    assert_eq!(next.seq, events.last().unwrap().seq + 1);
    assert_eq!(next.prev_hash, events.last().unwrap().hash);
}

#[tokio::test]
async fn the_file_is_opened_for_durability() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("roei.db"))
        .await
        .unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(sync, 2, "synchronous = FULL");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(busy, 5000);
}

#[tokio::test]
async fn a_value_that_does_not_decode_names_its_table_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("roei.db"))
        .await
        .unwrap();
    let a = operator(&store).await;
    sqlx::query("UPDATE organisations SET kind = 'bank' WHERE id = ?")
        .bind(a.org.id.to_string())
        .execute(store.pool())
        .await
        .unwrap();
    let err = store.organisation(a.org.id).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Backend(m) if m.contains("organisations.kind") && m.contains("bank")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_user_of_a_missing_organisation_is_refused_without_an_audit_event() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("roei.db"))
        .await
        .unwrap();
    let ghost = roei_domain::model::OrgId::new();
    let user = User::new(
        ghost,
        "x@example.jp",
        "誰か",
        Role::Admin,
        "h".into(),
        now(0),
    )
    .unwrap();
    assert!(
        store
            .create_user(&user, &draft("user.create"))
            .await
            .is_err()
    );
    assert!(store.audit_events(0, 10).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_stores_on_one_file_never_fork_the_chain() {
    // Two stores stand for two processes: each has its own in-process write queue, so only
    // BEGIN IMMEDIATE and the busy timeout keep their writers apart.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roei.db");
    let stores = [
        std::sync::Arc::new(SqliteStore::open(&path).await.unwrap()),
        std::sync::Arc::new(SqliteStore::open(&path).await.unwrap()),
    ];
    let mut tasks = Vec::new();
    for i in 0..60 {
        let store = std::sync::Arc::clone(&stores[i % 2]);
        tasks.push(tokio::spawn(async move {
            store.append_audit(&draft("test.concurrent")).await.unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let events = stores[0].audit_events(0, 1000).await.unwrap();
    let mut state = None;
    assert_eq!(roei_domain::audit::verify(&events, &mut state), Ok(60));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_stores_on_one_file_never_claim_the_same_outbox_message() {
    use roei_domain::records::OutboxMessage;
    use sqlx::types::Uuid;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roei.db");
    let stores = [
        std::sync::Arc::new(SqliteStore::open(&path).await.unwrap()),
        std::sync::Arc::new(SqliteStore::open(&path).await.unwrap()),
    ];
    for i in 0..20 {
        let m = OutboxMessage {
            id: Uuid::now_v7(),
            dedupe_key: format!("k{i}"),
            kind: "reminder.final_report".into(),
            org_id: None,
            case_id: None,
            recipient: "a@example.jp".into(),
            subject: "件名".into(),
            body: "本文".into(),
            created_at: now(i),
            claimed_until: None,
            claimed_by: None,
            sent_at: None,
            attempts: 0,
            last_error: None,
        };
        assert!(
            stores[usize::try_from(i).unwrap() % 2]
                .enqueue_outbox(&m, &draft("outbox.enqueue"))
                .await
                .unwrap()
        );
    }
    let mut tasks = Vec::new();
    for (w, store) in stores.iter().enumerate() {
        let store = std::sync::Arc::clone(store);
        tasks.push(tokio::spawn(async move {
            let worker = format!("w{w}");
            let mut got = Vec::new();
            loop {
                let batch = store
                    .claim_outbox(&worker, now(100), now(400), 1)
                    .await
                    .unwrap();
                if batch.is_empty() {
                    return got;
                }
                for m in batch {
                    assert_eq!(m.claimed_by.as_deref(), Some(worker.as_str()));
                    assert_eq!(m.attempts, 1, "{} was claimed twice", m.dedupe_key);
                    got.push(m.id);
                }
                tokio::task::yield_now().await;
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let unique: std::collections::HashSet<_> = all.iter().copied().collect();
    assert_eq!(all.len(), 20, "every message claimed exactly once");
    assert_eq!(unique.len(), 20);
    // Each holder can finish its own messages, and nobody else's.
    let listed = stores[0].list_outbox(None, 100).await.unwrap();
    assert!(
        listed
            .iter()
            .all(|m| m.attempts == 1 && m.claimed_by.is_some())
    );
    let m = &listed[0];
    let holder = m.claimed_by.clone().unwrap();
    let other = if holder == "w0" { "w1" } else { "w0" };
    assert!(matches!(
        stores[1].finish_outbox(m.id, other, Ok(now(101))).await,
        Err(StoreError::Conflict(_))
    ));
    stores[1]
        .finish_outbox(m.id, &holder, Ok(now(101)))
        .await
        .unwrap();
    assert!(matches!(
        stores[0].finish_outbox(m.id, &holder, Ok(now(102))).await,
        Err(StoreError::Conflict(msg)) if msg.contains("sent already")
    ));
    assert!(matches!(
        stores[0]
            .finish_outbox(Uuid::now_v7(), &holder, Ok(now(102)))
            .await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn a_determination_without_items_names_its_table_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("roei.db"))
        .await
        .unwrap();
    let a = operator(&store).await;
    let (case, _) = service::open_case(&store, &a, "誤設定による公開", facts(), now(10))
        .await
        .unwrap();
    // A board card reads its items and 速報 window from the determination's JSON.
    let board = store.case_overviews(Some(a.org.id)).await.unwrap();
    assert_eq!(board.len(), 1);
    sqlx::query("UPDATE determinations SET determination = '{}' WHERE case_id = ?")
        .bind(case.id.to_string())
        .execute(store.pool())
        .await
        .unwrap();
    let err = store.case_overviews(None).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Backend(m) if m.contains("determinations.determination")),
        "{err:?}"
    );
}
