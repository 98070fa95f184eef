//! Opening the configured store: PostgreSQL when `database_url` is set, else the SQLite file
//! `<data_dir>/roei.sqlite3`. Migrations run on open.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::Context as _;
use roei_domain::Store;
use roei_store_postgres::PgStore;
use roei_store_sqlite::SqliteStore;

use crate::config::Resolved;

/// An open store, with what kind it is.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite {
        store: Arc<SqliteStore>,
        path: PathBuf,
    },
    Postgres {
        store: Arc<PgStore>,
    },
}

impl Backend {
    /// The store behind the domain's trait.
    pub fn store(&self) -> Arc<dyn Store> {
        match self {
            Backend::Sqlite { store, .. } => store.clone(),
            Backend::Postgres { store } => store.clone(),
        }
    }

    /// Closes the connections (SQLite then checkpoints and removes its -wal and -shm files).
    pub async fn close(&self) {
        match self {
            Backend::Sqlite { store, .. } => store.pool().close().await,
            Backend::Postgres { store } => store.pool().close().await,
        }
    }

    /// `sqlite: PATH` or `postgres`, for the listening line.
    pub fn describe(&self) -> String {
        match self {
            Backend::Sqlite { path, .. } => format!("sqlite: {}", path.display()),
            Backend::Postgres { .. } => "postgres".to_owned(),
        }
    }
}

/// Whether a missing SQLite database may be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Create the data directory and the database (serve, admin).
    Create,
    /// Refuse: the command reads an existing database (audit verify, backup).
    Refuse,
}

/// Opens the store the settings name.
pub async fn open(r: &Resolved, missing: Missing) -> anyhow::Result<Backend> {
    if let Some(url) = &r.config.database_url {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(r
                .bad(
                    "database_url",
                    "not a PostgreSQL URL (postgres://USER[:PASSWORD]@HOST:PORT/DATABASE)",
                )
                .into());
        }
        sqlx::postgres::PgConnectOptions::from_str(url)
            .map_err(|e| r.bad("database_url", format!("not a PostgreSQL URL: {e}")))?;
        let store = PgStore::connect(url)
            .await
            .context("opening the PostgreSQL database")?;
        return Ok(Backend::Postgres {
            store: Arc::new(store),
        });
    }
    let dir = &r.config.data_dir;
    let path = r.config.sqlite_path();
    match missing {
        Missing::Create => {
            std::fs::create_dir_all(dir).map_err(|e| {
                r.bad(
                    "data_dir",
                    format!("cannot create the directory {}: {e}", dir.display()),
                )
            })?;
        }
        Missing::Refuse => {
            if !path.is_file() {
                return Err(r
                    .bad(
                        "data_dir",
                        format!(
                            "there is no roei database at {} (`roei serve` creates it)",
                            path.display()
                        ),
                    )
                    .into());
            }
        }
    }
    let store = SqliteStore::open(&path)
        .await
        .with_context(|| format!("opening the SQLite database {}", path.display()))?;
    Ok(Backend::Sqlite {
        store: Arc::new(store),
        path,
    })
}
