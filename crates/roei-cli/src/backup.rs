//! `roei backup`: a consistent copy of the SQLite database, taken online (`VACUUM INTO`
//! through a connection of the store's pool) while the server keeps running.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use roei_domain::Store as _;
use roei_store_sqlite::SqliteStore;

use crate::BadInput;
use crate::audit::Head;

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub bytes: u64,
    /// The newest audit event in the copy (None when the log is empty).
    pub head: Option<Head>,
}

/// Copies the database into `output`, which must not exist.
pub async fn backup(store: &SqliteStore, output: &Path) -> anyhow::Result<BackupInfo> {
    if output.exists() || output.is_symlink() {
        return Err(BadInput(format!(
            "--output: {} exists; roei backup never overwrites a file",
            output.display()
        ))
        .into());
    }
    let path = std::path::absolute(output)
        .map_err(|e| BadInput(format!("--output: {}: {e}", output.display())))?;
    if let Some(parent) = path.parent()
        && !parent.is_dir()
    {
        return Err(BadInput(format!(
            "--output: the directory {} does not exist",
            parent.display()
        ))
        .into());
    }
    if path.to_str().is_none() {
        return Err(BadInput(format!("--output: {} is not UTF-8", path.display())).into());
    }
    store.backup_into(&path).await?;
    let bytes = std::fs::metadata(&path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    let head = backup_head(&path).await?;
    Ok(BackupInfo { path, bytes, head })
}

/// The newest audit event of the database file at `path`, read without changing the file.
async fn backup_head(path: &Path) -> anyhow::Result<Option<Head>> {
    let copy = SqliteStore::open_read_only(path)
        .await
        .with_context(|| format!("opening the backup {}", path.display()))?;
    let head = copy.audit_head().await?;
    copy.pool().close().await;
    Ok(head.map(|e| Head {
        seq: e.seq,
        hash: e.hash,
    }))
}

/// `1.2 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    #[allow(clippy::cast_precision_loss)]
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{size:.1} {}", UNITS[unit])
    }
}
