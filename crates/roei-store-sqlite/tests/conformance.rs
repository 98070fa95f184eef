//! The shared Store conformance suite, each case on a fresh SQLite file.

use std::sync::Arc;

use async_trait::async_trait;
use roei_domain::Store;
use roei_domain::conformance::Tamper;
use roei_store_sqlite::SqliteStore;
use sqlx::SqlitePool;
use tempfile::TempDir;

/// Raw writes that bypass the store. Holds the temporary directory so the database file lives
/// as long as the test's handles to it.
struct RawSql {
    pool: SqlitePool,
    _dir: TempDir,
}

#[async_trait]
impl Tamper for RawSql {
    async fn set_audit_payload(&self, seq: i64, payload: &str) {
        let done = sqlx::query("UPDATE audit_events SET payload = ? WHERE seq = ?")
            .bind(payload)
            .bind(seq)
            .execute(&self.pool)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1, "no audit event {seq}");
    }

    async fn delete_audit(&self, seq: i64) {
        let done = sqlx::query("DELETE FROM audit_events WHERE seq = ?")
            .bind(seq)
            .execute(&self.pool)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1, "no audit event {seq}");
    }
}

async fn fresh() -> (Arc<dyn Store>, Box<dyn Tamper>) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("roei.db"))
        .await
        .unwrap();
    let pool = store.pool().clone();
    (Arc::new(store), Box::new(RawSql { pool, _dir: dir }))
}

roei_domain::conformance_tests!(fresh);
