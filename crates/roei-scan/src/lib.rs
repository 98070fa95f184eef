//! roei-scan: how many persons, and which kinds of personal data, are in a set of leaked files
//! (scan-contract.md). Readers for CSV/TSV, JSON Lines, JSON arrays, plain text and XLSX,
//! inside .gz and .zip; UTF-8 and Shift_JIS (CP932); detectors with validators; the linkage
//! rule over identifier keys across files.
//!
//! No HTTP, no database, no clock: the caller measures the elapsed time and passes it to
//! [`Scan::report`]. It reads the files it is given (that is its input), in parallel on the
//! current rayon pool.

mod dict;
pub mod generate;
mod link;
mod memo;
mod normalize;
mod read;
mod record;
pub mod validate;
mod xlsx;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use roei_law::DataItem;
use serde::Serialize;

pub use dict::{Kind, header_kind};
pub use normalize::normalize;

/// `--encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 (with or without BOM) or Shift_JIS, per file (and per line when a file mixes
    /// them).
    #[default]
    Auto,
    Utf8,
    ShiftJis,
}

/// Bounds that keep a hostile input from exhausting memory.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest expansion ratio of compressed data (uncompressed / compressed)…
    pub max_ratio: u64,
    /// …checked once this many bytes came out (small files may compress well).
    pub ratio_after: u64,
    /// Most bytes one archive or compressed stream may expand to.
    pub max_expanded: u64,
    /// Longest record (line) read; a longer one is skipped and reported.
    pub max_record: usize,
    /// Containers inside containers (a .gz in a .zip is 2).
    pub max_depth: u32,
    /// Largest archive inside an archive (read into memory to open it).
    pub max_nested: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_ratio: 200,
            ratio_after: 16 << 20,
            max_expanded: 64 << 30,
            max_record: 16 << 20,
            max_depth: 3,
            max_nested: 512 << 20,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub encoding: Encoding,
    pub limits: Limits,
    /// Plain files of at least twice this size are read in chunks of this size, in parallel.
    pub chunk_size: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            encoding: Encoding::Auto,
            limits: Limits::default(),
            chunk_size: 8 << 20,
        }
    }
}

/// A file that could not be read (entirely or in part).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FileError {
    pub path: String,
    pub error: String,
}

/// The scan so far; [`Scan::report`] turns it into the contract's output.
#[derive(Debug, Default)]
pub struct Scan {
    out: read::Outcome,
}

impl Scan {
    /// Adds another scan (of other files): persons are linked across both.
    pub fn merge(&mut self, other: Scan) {
        let me = std::mem::take(&mut self.out);
        self.out = me.merge(other.out);
    }

    /// Adds errors found outside the scan (paths that could not be listed).
    pub fn add_errors(&mut self, errors: Vec<FileError>) {
        self.out.errors.extend(errors);
    }

    /// Distinct identifiers held (the scan's memory grows with this).
    pub fn identifiers(&mut self) -> usize {
        self.out.tally.linker.identifiers()
    }

    /// The contract's output, with the wall time the caller measured.
    pub fn report(mut self, elapsed_ms: u64) -> Report {
        let (persons, with_card) = self.out.tally.linker.count();
        let counts = *self.out.tally.item_records();
        let mut items: Vec<DataItem> = DataItem::ALL
            .iter()
            .copied()
            .filter(|i| counts[*i as usize] > 0)
            .collect();
        items.sort_by_key(|i| i.code());
        let item_records = items
            .iter()
            .map(|i| (i.code(), counts[*i as usize]))
            .collect();
        let mut errors = self.out.errors;
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        Report {
            files: self.out.files,
            bytes: self.out.bytes,
            records: self.out.tally.records,
            persons,
            persons_with_card_number: with_card,
            facts: Facts {
                data_items: items.clone(),
                persons,
            },
            items,
            item_records,
            errors,
            elapsed_ms,
        }
    }
}

/// `facts`: ready to merge into an assess facts object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub data_items: Vec<DataItem>,
    pub persons: u64,
}

/// The output of `roei scan` (scan-contract.md §Output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub files: u64,
    pub bytes: u64,
    pub records: u64,
    pub persons: u64,
    pub persons_with_card_number: u64,
    pub items: Vec<DataItem>,
    pub item_records: BTreeMap<&'static str, u64>,
    pub facts: Facts,
    pub errors: Vec<FileError>,
    pub elapsed_ms: u64,
}

/// The files under `paths` (directories walked recursively, in name order), and the paths
/// that could not be listed.
pub fn list_files(paths: &[PathBuf]) -> (Vec<(PathBuf, u64)>, Vec<FileError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        walk(p, &mut files, &mut errors);
    }
    (files, errors)
}

fn walk(p: &Path, files: &mut Vec<(PathBuf, u64)>, errors: &mut Vec<FileError>) {
    let err = |e: std::io::Error| FileError {
        path: p.display().to_string(),
        error: format!("cannot open: {e}"),
    };
    let meta = match std::fs::metadata(p) {
        Ok(m) => m,
        Err(e) => return errors.push(err(e)),
    };
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(p) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => return errors.push(err(e)),
        };
        entries.sort();
        for e in entries {
            walk(&e, files, errors);
        }
    } else {
        files.push((p.to_path_buf(), meta.len()));
    }
}

/// Scans files (from [`list_files`]) in parallel on the current rayon pool; `progress` gets
/// the number of bytes read as they are read.
pub fn scan_files(
    files: &[(PathBuf, u64)],
    opts: &ScanOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Scan {
    let ctx = read::Ctx { opts, progress };
    let out = files
        .par_iter()
        .map(|(p, _)| read::scan_file(p, &ctx))
        .reduce(read::Outcome::default, read::Outcome::merge);
    Scan { out }
}

/// Scans `paths` (files or directories).
pub fn scan_paths(paths: &[PathBuf], opts: &ScanOptions, progress: &(dyn Fn(u64) + Sync)) -> Scan {
    let (files, errors) = list_files(paths);
    let mut scan = scan_files(&files, opts, progress);
    scan.out.errors.extend(errors);
    scan
}

/// Scans one file held in memory (an upload), named `name` (its extension helps to tell the
/// format).
pub fn scan_bytes(name: &str, data: &[u8], opts: &ScanOptions) -> Scan {
    let ctx = read::Ctx {
        opts,
        progress: &|_| {},
    };
    Scan {
        out: read::scan_memory(name, data, &ctx),
    }
}
