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
    assert_eq!(applied, 1);
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
