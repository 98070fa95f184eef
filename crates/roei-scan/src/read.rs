//! Readers: containers (.gz, .zip, with zip-bomb limits), encodings (UTF-8, Shift_JIS/CP932),
//! formats (CSV/TSV, JSON Lines, JSON arrays, text, XLSX), and the parallel chunked path for
//! large plain files.

use std::borrow::Cow;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{self, BufReader, Cursor, Read, Seek};
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use memchr::{memchr, memrchr};
use wide::u8x16;

use crate::dict::{Kind, header_kind};
use crate::link::{Linker, SharedLinker};
use crate::memo::{RowMemo, SharedMemo, row_hasher};
use crate::record::{Record, Tally, keyed};
use crate::{Encoding, FileError, ScanOptions};

const SAMPLE: usize = 64 * 1024;
const READ: usize = 1 << 20;
/// The piece of a chunk read at once: it stays in a core's cache while it is read.
const PIECE: usize = 256 << 10;
const GZIP: &[u8] = &[0x1f, 0x8b];
const ZIP: &[u8] = b"PK\x03\x04";

/// What one leaf file gave.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub files: u64,
    pub bytes: u64,
    pub tally: Tally,
    pub errors: Vec<FileError>,
}

impl Outcome {
    pub fn merge(mut self, other: Outcome) -> Outcome {
        self.files += other.files;
        self.bytes += other.bytes;
        self.tally.merge(other.tally);
        self.errors.extend(other.errors);
        self
    }
}

/// The scan of one leaf file in progress.
struct Leaf {
    name: String,
    bytes: u64,
    tally: Tally,
    problems: Vec<String>,
    more_problems: u64,
    /// The content could be read at all (a sample was decoded).
    opened: bool,
}

impl Leaf {
    fn new(name: String) -> Self {
        Leaf {
            name,
            bytes: 0,
            tally: Tally::default(),
            problems: Vec::new(),
            more_problems: 0,
            opened: false,
        }
    }

    /// Adds what `other` (another part of the same file) read; its problems come after ours.
    fn absorb(&mut self, other: Leaf) {
        self.opened |= other.opened;
        self.bytes += other.bytes;
        self.tally.merge(other.tally);
        for p in other.problems {
            self.problem(p);
        }
        self.more_problems += other.more_problems;
    }

    fn problem(&mut self, p: String) {
        if self.problems.is_empty() {
            self.problems.push(p);
        } else {
            self.more_problems += 1;
        }
    }

    fn done(mut self) -> Outcome {
        // The file is read: what its rows were is of no more use.
        self.tally.memo.release();
        let counted = self.opened && (self.tally.records > 0 || self.problems.is_empty());
        let errors = self
            .problems
            .into_iter()
            .map(|p| FileError {
                path: self.name.clone(),
                error: if self.more_problems > 0 {
                    format!("{p} (and {} more problems)", self.more_problems)
                } else {
                    p
                },
            })
            .collect();
        Outcome {
            files: u64::from(counted),
            bytes: self.bytes,
            tally: self.tally,
            errors,
        }
    }
}

pub(crate) struct Ctx<'a> {
    pub opts: &'a ScanOptions,
    pub progress: &'a (dyn Fn(u64) + Sync),
}

fn failed(name: &str, error: String) -> Outcome {
    Outcome {
        errors: vec![FileError {
            path: name.to_owned(),
            error,
        }],
        ..Outcome::default()
    }
}

/// Counts the bytes pulled from the underlying source (the compressed side of a container).
struct Counting<'a, R> {
    inner: R,
    count: Arc<AtomicU64>,
    progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(p) = self.progress {
            p(n as u64);
        }
        Ok(n)
    }
}

/// Stops a decompressing stream that expands beyond the limits (a zip bomb).
struct Limited<R> {
    inner: R,
    out: u64,
    /// Compressed bytes consumed so far, or a fixed compressed size.
    input: Arc<AtomicU64>,
    max_ratio: u64,
    ratio_after: u64,
    max_total: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        let input = self.input.load(Ordering::Relaxed).max(1);
        if self.out > self.max_total {
            return Err(io::Error::other(format!(
                "expands to more than {} bytes: stopped (zip bomb?)",
                self.max_total
            )));
        }
        if self.out > self.ratio_after && self.out / input > self.max_ratio {
            return Err(io::Error::other(format!(
                "expands more than {}:1: stopped (zip bomb?)",
                self.max_ratio
            )));
        }
        Ok(n)
    }
}

fn inner_name(name: &str) -> String {
    for ext in [".gz", ".GZ", ".gzip"] {
        if let Some(s) = name.strip_suffix(ext) {
            return s.to_owned();
        }
    }
    format!("{name}!")
}

/// One file on disk.
pub(crate) fn scan_file(path: &Path, ctx: &Ctx<'_>) -> Outcome {
    let name = path.display().to_string();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return failed(&name, format!("cannot open: {e}")),
    };
    let size = file.metadata().map_or(0, |m| m.len());
    let mut magic = [0u8; 4];
    let got = file.read_at(&mut magic, 0).unwrap_or(0);
    let magic = &magic[..got];
    if magic.starts_with(ZIP) {
        (ctx.progress)(size);
        return scan_zip(&name, BufReader::new(file), 0, ctx);
    }
    if !magic.starts_with(GZIP)
        && size >= 2 * ctx.opts.chunk_size as u64
        && let Some(o) = scan_chunked(&name, &file, size, ctx)
    {
        return o;
    }
    let count = Arc::new(AtomicU64::new(0));
    let mut r = Counting {
        inner: file,
        count,
        progress: Some(ctx.progress),
    };
    scan_stream(name.clone(), &name, &mut r, 0, ctx)
}

/// Bytes in memory (an upload).
pub(crate) fn scan_memory(name: &str, data: &[u8], ctx: &Ctx<'_>) -> Outcome {
    if data.starts_with(ZIP) {
        return scan_zip(name, Cursor::new(data), 0, ctx);
    }
    let mut r = data;
    scan_stream(name.to_owned(), name, &mut r, 0, ctx)
}

fn fill(r: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> io::Result<usize> {
    let start = buf.len();
    buf.resize(start + want, 0);
    let mut got = 0;
    let res = loop {
        if got == want {
            break Ok(());
        }
        match r.read(&mut buf[start + got..]) {
            Ok(0) => break Ok(()),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => break Err(e),
        }
    };
    buf.truncate(start + got);
    res.map(|()| got)
}

fn gz_stream(name: String, hint: &str, r: &mut dyn Read, depth: u32, ctx: &Ctx<'_>) -> Outcome {
    let l = &ctx.opts.limits;
    if depth >= l.max_depth {
        return failed(&name, "containers nested too deep".to_owned());
    }
    let count = Arc::new(AtomicU64::new(0));
    let counting = Counting {
        inner: r,
        count: count.clone(),
        progress: None,
    };
    let mut limited = Limited {
        inner: flate2::read::MultiGzDecoder::new(BufReader::with_capacity(READ, counting)),
        out: 0,
        input: count,
        max_ratio: l.max_ratio,
        ratio_after: l.ratio_after,
        max_total: l.max_expanded,
    };
    let hint = inner_name(hint);
    scan_stream(name, &hint, &mut limited, depth + 1, ctx)
}

/// A stream of unknown content: sniffs containers, binary, encoding and format, then reads.
///
/// `name` is what errors say; `hint` the name whose extension tells the format (`a.csv` for
/// `a.csv.gz`).
fn scan_stream(name: String, hint: &str, r: &mut dyn Read, depth: u32, ctx: &Ctx<'_>) -> Outcome {
    let mut sample = Vec::with_capacity(SAMPLE);
    if let Err(e) = fill(r, &mut sample, SAMPLE)
        && sample.is_empty()
    {
        return failed(&name, format!("cannot read: {e}"));
    }
    if sample.is_empty() {
        return failed(&name, "empty file".to_owned());
    }
    if sample.starts_with(GZIP) {
        let mut chained = Cursor::new(sample).chain(r);
        return gz_stream(name, hint, &mut chained, depth, ctx);
    }
    if sample.starts_with(ZIP) {
        if depth >= ctx.opts.limits.max_depth {
            return failed(&name, "containers nested too deep".to_owned());
        }
        let mut all = sample;
        let cap = ctx.opts.limits.max_nested;
        let mut chained = r.take(cap as u64 + 1);
        if let Err(e) = chained.read_to_end(&mut all) {
            return failed(&name, format!("cannot read: {e}"));
        }
        if all.len() > cap {
            return failed(
                &name,
                format!("archive inside an archive larger than {cap} bytes: not scanned"),
            );
        }
        return scan_zip(&name, Cursor::new(all), depth + 1, ctx);
    }
    let mut leaf = Leaf::new(name);
    if is_binary(&sample) {
        leaf.problem("binary file (not text, CSV, JSON or XLSX): not scanned".to_owned());
        return leaf.done();
    }
    leaf.opened = true;
    let enc = detect_encoding(&sample, ctx.opts.encoding);
    let fmt = detect_format(hint, &sample);
    if fmt == Format::JsonArray {
        json_array(&mut leaf, sample, r, enc);
        return leaf.done();
    }
    let mut lines = Lines::new(fmt, enc, ctx.opts.limits.max_record, true);
    let mut buf = sample;
    let mut eof = false;
    let mut skipping = false;
    let max = ctx.opts.limits.max_record;
    let mut offset = 0u64;
    loop {
        if skipping {
            if let Some(nl) = memchr(b'\n', &buf) {
                offset += nl as u64 + 1;
                buf.drain(..=nl);
                skipping = false;
            } else {
                offset += buf.len() as u64;
                buf.clear();
            }
        }
        if !skipping {
            let used = lines.block(&buf, eof, offset, &mut leaf);
            offset += used as u64;
            buf.drain(..used);
            if buf.len() > max {
                leaf.problem(format!(
                    "line {}: longer than {max} bytes: skipped",
                    lines.line + 1
                ));
                lines.line += 1;
                offset += buf.len() as u64;
                buf.clear();
                skipping = true;
            }
        }
        if eof {
            break;
        }
        match fill(r, &mut buf, READ) {
            Ok(0) => eof = true,
            Ok(_) => {}
            Err(e) => {
                // What came before the break counts; the broken tail does not.
                lines.block(&buf, false, offset, &mut leaf);
                leaf.problem(format!(
                    "cannot read past byte {}: {e}",
                    offset + buf.len() as u64
                ));
                break;
            }
        }
    }
    leaf.bytes = offset;
    leaf.done()
}

fn is_binary(sample: &[u8]) -> bool {
    if memchr(0, sample).is_some() {
        return true;
    }
    let control = sample
        .iter()
        .filter(|b| **b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
        .count();
    control * 10 > sample.len()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Enc {
    Utf8 { fallback: bool },
    Sjis { fallback: bool },
}

fn detect_encoding(sample: &[u8], choice: Encoding) -> Enc {
    match choice {
        Encoding::Utf8 => return Enc::Utf8 { fallback: false },
        Encoding::ShiftJis => return Enc::Sjis { fallback: false },
        Encoding::Auto => {}
    }
    if sample.starts_with(b"\xEF\xBB\xBF") {
        return Enc::Utf8 { fallback: true };
    }
    let utf8 = match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if utf8 {
        return Enc::Utf8 { fallback: true };
    }
    let cut = memrchr(b'\n', sample).map_or(sample.len(), |n| n + 1);
    if encoding_rs::SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(&sample[..cut])
        .is_some()
    {
        Enc::Sjis { fallback: true }
    } else {
        Enc::Utf8 { fallback: true }
    }
}

fn sjis(b: &[u8]) -> Option<Cow<'_, str>> {
    encoding_rs::SHIFT_JIS.decode_without_bom_handling_and_without_replacement(b)
}

fn decode(b: &[u8], enc: Enc) -> Option<Cow<'_, str>> {
    match enc {
        Enc::Utf8 { fallback } => match std::str::from_utf8(b) {
            Ok(s) => Some(Cow::Borrowed(s)),
            Err(_) if fallback => sjis(b),
            Err(_) => None,
        },
        Enc::Sjis { fallback } => sjis(b).or_else(|| {
            if fallback {
                std::str::from_utf8(b).ok().map(Cow::Borrowed)
            } else {
                None
            }
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Jsonl,
    JsonArray,
    Csv(u8),
}

fn extension(name: &str) -> String {
    let base = name.rsplit(['/', '!']).next().unwrap_or(name);
    base.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn detect_format(name: &str, sample: &[u8]) -> Format {
    let text = String::from_utf8_lossy(sample);
    let text = text.trim_start_matches('\u{feff}');
    let first = text.trim_start().chars().next();
    let ext = extension(name);
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let l1 = lines.next().unwrap_or("");
    let l2 = lines.next();
    let delim = || {
        let tabs = l1.matches('\t').count();
        let commas = l1.matches(',').count();
        if tabs > commas { b'\t' } else { b',' }
    };
    match ext.as_str() {
        "json" | "jsonl" | "ndjson" if first == Some('[') => return Format::JsonArray,
        "json" | "jsonl" | "ndjson" => return Format::Jsonl,
        "tsv" | "tab" => return Format::Csv(b'\t'),
        "csv" => return Format::Csv(delim()),
        "txt" | "log" | "md" | "text" => return Format::Text,
        _ => {}
    }
    if first == Some('[') {
        return Format::JsonArray;
    }
    if first == Some('{') && l1.trim_end().ends_with('}') {
        return Format::Jsonl;
    }
    let d = delim();
    let count = |l: &str| l.bytes().filter(|b| *b == d).count();
    let n1 = count(l1);
    if n1 >= 1 && l2.is_none_or(|l| count(l) == n1) {
        return Format::Csv(d);
    }
    Format::Text
}

/// Line-based reading (text, JSON Lines, CSV/TSV): complete records out of a byte block.
struct Lines {
    fmt: Format,
    enc: Enc,
    line: u64,
    /// CSV: the header's column kinds once the first record was seen.
    header: Option<Vec<Option<Kind>>>,
    header_done: bool,
    rec: Record,
    cell: String,
    bom_done: bool,
    /// The block being read holds a quote somewhere.
    quotes: bool,
    max: usize,
    /// Line numbers are known (one pass from the start), else errors name byte offsets.
    numbered: bool,
    /// CSV: the row memo's name for the header's columns (see [`layout_of`]); set with the
    /// header by [`Lines::set_header`].
    layout: Option<u64>,
    /// CSV: the header's columns split into keyed and other ones, for rows whose delimiters
    /// are known (see [`Lines::remembering_cut`]).
    plan: Plan,
    /// CSV rows waiting for the row memo (ended by [`Lines::block`]).
    waiting: Waiting,
    /// Delimiters and line ends of the block being read (see [`mark_cuts`]).
    marks: Vec<u32>,
    /// Where the delimiters of the record being read are in `marks`, when known.
    cut: Option<Cut>,
    /// Unquoted CSV blocks are read with [`Lines::unquoted_records`] (off only in tests, to
    /// compare).
    marked: bool,
}

impl Lines {
    fn new(fmt: Format, enc: Enc, max: usize, numbered: bool) -> Self {
        Lines {
            fmt,
            enc,
            max,
            numbered,
            line: 0,
            header: None,
            header_done: !matches!(fmt, Format::Csv(_)),
            rec: Record::new(),
            cell: String::new(),
            bom_done: false,
            quotes: true,
            layout: None,
            plan: Plan::default(),
            waiting: Waiting::default(),
            marks: Vec::new(),
            cut: None,
            marked: true,
        }
    }

    /// Reads the complete records of `buf` (all of it when `eof`); returns the bytes used.
    /// Every record read is counted when it returns (none is left waiting).
    fn block(&mut self, buf: &[u8], eof: bool, offset: u64, leaf: &mut Leaf) -> usize {
        let used = self.block_records(buf, eof, offset, leaf);
        self.resolve(leaf);
        used
    }

    fn block_records(&mut self, buf: &[u8], eof: bool, offset: u64, leaf: &mut Leaf) -> usize {
        let mut pos = 0;
        let mut buf = buf;
        if !self.bom_done && !buf.is_empty() {
            self.bom_done = true;
            if buf.starts_with(b"\xEF\xBB\xBF") {
                buf = &buf[3..];
                pos = 3;
                let used = self.records(buf, eof, offset + 3, leaf);
                return used + pos;
            }
        }
        pos += self.records(buf, eof, offset, leaf);
        pos
    }

    fn records(&mut self, buf: &[u8], eof: bool, offset: u64, leaf: &mut Leaf) -> usize {
        // UTF-8 is checked once for the block (SIMD), not line by line: the lines of the
        // valid prefix are cut from it as text.
        // Shift_JIS lines are decoded one by one (`None`).
        // Only up to the last line end when more follows: a block may end inside a character.
        let whole = if eof {
            buf
        } else {
            memchr::memrchr(b'\n', buf).map_or(&buf[..0], |nl| &buf[..=nl])
        };
        let valid: Option<&str> = match self.enc {
            Enc::Utf8 { .. } => Some(match simdutf8::compat::from_utf8(whole) {
                Ok(s) => s,
                Err(e) => simdutf8::basic::from_utf8(&whole[..e.valid_up_to()]).unwrap_or(""),
            }),
            Enc::Sjis { .. } => None,
        };
        let text_of = |s: usize, e: usize| valid.and_then(|v| v.get(s..e));
        let mut start = 0;
        let csv = matches!(self.fmt, Format::Csv(_));
        // One SIMD search for quotes in the whole block; without any, no line needs a look.
        self.quotes = csv && memchr(b'"', buf).is_some();
        self.cut = None;
        if self.marked && csv && !self.quotes && valid.is_some() && u32::try_from(buf.len()).is_ok()
        {
            return self.unquoted_records(buf, valid, eof, offset, leaf);
        }
        let mut in_quotes = false;
        let mut lines_in_rec = 0u64;
        let mut scan_from = 0;
        while start < buf.len() {
            let Some(nl) = memchr(b'\n', &buf[scan_from..]).map(|n| n + scan_from) else {
                if eof {
                    self.line += lines_in_rec + 1;
                    self.one(
                        &buf[start..],
                        text_of(start, buf.len()),
                        offset + start as u64,
                        leaf,
                    );
                    return buf.len();
                }
                return start;
            };
            lines_in_rec += 1;
            if self.quotes {
                let line = &buf[scan_from..nl];
                if in_quotes || memchr(b'"', line).is_some() {
                    in_quotes = quote_state(line, in_quotes, self.delim());
                    if in_quotes {
                        scan_from = nl + 1;
                        if scan_from >= buf.len() && eof {
                            self.line += lines_in_rec;
                            self.one(
                                &buf[start..],
                                text_of(start, buf.len()),
                                offset + start as u64,
                                leaf,
                            );
                            return buf.len();
                        }
                        continue;
                    }
                }
            }
            self.line += lines_in_rec;
            lines_in_rec = 0;
            self.one(
                &buf[start..nl],
                text_of(start, nl),
                offset + start as u64,
                leaf,
            );
            start = nl + 1;
            scan_from = start;
        }
        start
    }

    /// [`Lines::records`] of a CSV block without quotes: one pass finds every line end and
    /// delimiter ([`mark_cuts`]), so a record is neither searched for its end nor for its
    /// cells.
    fn unquoted_records(
        &mut self,
        buf: &[u8],
        valid: Option<&str>,
        eof: bool,
        offset: u64,
        leaf: &mut Leaf,
    ) -> usize {
        let text_of = |s: usize, e: usize| valid.and_then(|v| v.get(s..e));
        let d = self.delim();
        mark_cuts(buf, d, &mut self.marks);
        let (mut start, mut first) = (0usize, 0usize);
        for i in 0..self.marks.len() {
            let m = self.marks[i];
            if m & LINE_END == 0 {
                continue;
            }
            let nl = (m & !LINE_END) as usize;
            self.line += 1;
            let text = text_of(start, nl);
            self.cut_at(first, i, start, text.is_some());
            self.one(&buf[start..nl], text, offset + start as u64, leaf);
            start = nl + 1;
            first = i + 1;
        }
        if eof && start < buf.len() {
            self.line += 1;
            let text = text_of(start, buf.len());
            self.cut_at(first, self.marks.len(), start, text.is_some());
            self.one(&buf[start..], text, offset + start as u64, leaf);
            start = buf.len();
        }
        self.cut = None;
        start
    }

    /// The delimiters of the record starting at `start` are `marks[first..end]` (used when
    /// `known`: the record is text).
    fn cut_at(&mut self, first: usize, end: usize, start: usize, known: bool) {
        #[allow(clippy::cast_possible_truncation)] // blocks are under 4 GiB (see `records`)
        let base = start as u32;
        self.cut = known.then_some(Cut { first, end, base });
    }

    fn delim(&self) -> u8 {
        match self.fmt {
            Format::Csv(d) => d,
            _ => b',',
        }
    }

    /// One record's bytes (without its newline).
    fn place(&self, at: u64) -> String {
        if self.numbered {
            format!("line {} (byte {at})", self.line)
        } else {
            format!("byte {at}")
        }
    }

    /// `checked`: the same bytes, already known to be UTF-8.
    fn one(&mut self, raw: &[u8], checked: Option<&str>, at: u64, leaf: &mut Leaf) {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.len() > self.max {
            leaf.problem(format!(
                "{}: longer than {} bytes: skipped",
                self.place(at),
                self.max
            ));
            return;
        }
        let text = match checked {
            Some(t) => Some(Cow::Borrowed(t.strip_suffix('\r').unwrap_or(t))),
            None => decode(raw, self.enc),
        };
        let Some(text) = text else {
            let what = match self.enc {
                Enc::Utf8 { fallback: false } => "invalid UTF-8",
                Enc::Sjis { fallback: false } => "invalid Shift_JIS",
                _ => "neither UTF-8 nor Shift_JIS",
            };
            leaf.problem(format!("{}: {what}: skipped", self.place(at)));
            return;
        };
        if crate::normalize::trim(&text).is_empty() {
            return;
        }
        match self.fmt {
            Format::Text => {
                self.rec.free(&text);
                self.rec.finish(&mut leaf.tally);
            }
            Format::Jsonl | Format::JsonArray => {
                match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(v) => json_record(&mut self.rec, &v, &mut leaf.tally),
                    Err(e) => {
                        leaf.problem(format!("{}: not JSON ({e}): read as text", self.place(at)));
                        self.rec.free(&text);
                        self.rec.finish(&mut leaf.tally);
                    }
                }
            }
            Format::Csv(d) => {
                if !self.header_done {
                    self.header_done = true;
                    let mut cells = Vec::new();
                    for_each_cell(&text, d, true, &mut self.cell, |_, c| {
                        cells.push(c.to_owned());
                    });
                    if let Some(kinds) = header_kinds(&cells) {
                        self.set_header(kinds);
                        return;
                    }
                }
                match self.layout {
                    Some(layout) if leaf.tally.memo.on() => {
                        self.remembering(&text, d, layout, leaf);
                    }
                    _ => self.cells(&text, d, leaf),
                }
            }
        }
    }

    fn set_header(&mut self, kinds: Vec<Option<Kind>>) {
        self.layout = layout_of(&kinds);
        self.plan = Plan::of(&kinds);
        self.header = Some(kinds);
    }

    /// A CSV record's cells, read in column order.
    fn cells(&mut self, text: &str, d: u8, leaf: &mut Leaf) {
        let header = self.header.as_deref().unwrap_or(&[]);
        let rec = &mut self.rec;
        let cut = self.cut.map(|c| c.of(&self.marks));
        each_cell(text, d, self.quotes, cut, &mut self.cell, |i, c| {
            // An empty cell says nothing, whatever its column.
            if !c.is_empty() {
                rec.field(header.get(i).copied().flatten(), c);
            }
        });
        rec.finish(&mut leaf.tally);
    }

    /// A CSV record whose table has keyed columns (see [`crate::memo`]): the other cells are
    /// read now; the keyed cells wait, with what the others gave, for one look-up of the
    /// batch's rows in the row memo ([`Lines::resolve`]), and are read only when no earlier
    /// row had exactly them.
    fn remembering(&mut self, text: &str, d: u8, layout: u64, leaf: &mut Leaf) {
        if let Some(cut) = self.cut
            && cut.cells() == self.plan.columns
        {
            self.remembering_cut(text, d, layout, cut, leaf);
            return;
        }
        let header = self.header.as_deref().unwrap_or(&[]);
        let rec = &mut self.rec;
        let w = &mut self.waiting;
        let (cells_from, text_from) = (w.cells.len(), w.text.len());
        w.meta.clear();
        let cut = self.cut.map(|c| c.of(&self.marks));
        each_cell(text, d, self.quotes, cut, &mut self.cell, |i, c| {
            if c.is_empty() {
                return;
            }
            match header.get(i).copied().flatten() {
                Some(k) if keyed(k) => {
                    // Where each cell is and how long: the text alone would not tell
                    // `a,bc` from `ab,c`.
                    let col = u32::try_from(i).unwrap_or(u32::MAX);
                    let len = u32::try_from(c.len()).unwrap_or(u32::MAX);
                    w.meta.extend_from_slice(&col.to_le_bytes());
                    w.meta.extend_from_slice(&len.to_le_bytes());
                    let start = w.text.len();
                    w.text.push_str(c);
                    w.cells.push((k, start, w.text.len()));
                }
                kind => rec.field(kind, c),
            }
        });
        if rec.person_touched() {
            // A label in another cell gave a name or a birth date (`氏名：…` in a note): what
            // the keyed cells give then depends on it, so the row is read again as it is.
            w.cells.truncate(cells_from);
            w.text.truncate(text_from);
            rec.clear();
            self.cells(text, d, leaf);
            return;
        }
        // One hash over all of them (hashing cell by cell costs a call per cell).
        let mut h = row_hasher(layout);
        h.write(&w.meta);
        h.write(&w.text.as_bytes()[text_from..]);
        self.wait(h.finish(), None, leaf);
    }

    /// [`Lines::remembering`] of a row whose delimiters are known (`cut`) and which has the
    /// header's number of cells: the other cells are read straight from the text, and the
    /// keyed cells are kept as they are, joined by the delimiter (no cell holds one), which is
    /// also what is hashed.
    fn remembering_cut(&mut self, text: &str, d: u8, layout: u64, cut: Cut, leaf: &mut Leaf) {
        let (cut, base) = cut.of(&self.marks);
        let span = |first: usize, last: usize| {
            let s = if first == 0 {
                0
            } else {
                (cut[first - 1] - base) as usize + 1
            };
            let e = cut.get(last).map_or(text.len(), |&e| (e - base) as usize);
            (s, e)
        };
        let rec = &mut self.rec;
        for &(col, kind) in &self.plan.other {
            let (s, e) = span(col, col);
            if s < e {
                rec.field(kind, &text[s..e]);
            }
        }
        if rec.person_touched() {
            rec.clear();
            self.cells(text, d, leaf);
            return;
        }
        let w = &mut self.waiting;
        let text_from = w.text.len();
        for (i, &(first, last)) in self.plan.runs.iter().enumerate() {
            if i > 0 {
                w.text.push(char::from(d));
            }
            let (s, e) = span(first, last);
            w.text.push_str(&text[s..e]);
        }
        let mut h = row_hasher(layout ^ JOINED);
        h.write(&w.text.as_bytes()[text_from..]);
        let joined = Some((text_from, w.text.len()));
        self.wait(h.finish(), joined, leaf);
    }

    /// Sets the row being read aside, with what its other cells gave, to wait for the row
    /// memo under `sig` (its keyed cells were put in [`Waiting`]).
    fn wait(&mut self, sig: u64, joined: Option<(usize, usize)>, leaf: &mut Leaf) {
        let w = &mut self.waiting;
        let (items, card) = self.rec.take_part(&mut w.keys);
        w.rows.push(WaitingRow {
            sig,
            items,
            card,
            keys_end: w.keys.len(),
            cells_end: w.cells.len(),
            joined,
        });
        if w.rows.len() >= MEMO_BATCH {
            self.resolve(leaf);
        }
    }

    /// Ends the rows waiting for the row memo: their buckets are read first, all of them,
    /// then each row is ended with what an earlier row's keyed cells gave, or by reading its
    /// own.
    fn resolve(&mut self, leaf: &mut Leaf) {
        let delim = char::from(self.delim());
        let w = &mut self.waiting;
        if w.rows.is_empty() {
            return;
        }
        let tally = &mut leaf.tally;
        let mut touched = 0u64;
        for r in &w.rows {
            touched ^= tally.memo.touch(r.sig);
        }
        std::hint::black_box(touched);
        let (mut keys_from, mut cells_from) = (0, 0);
        for r in &w.rows {
            let keys = &w.keys[keys_from..r.keys_end];
            if let Some(got) = tally.memo.get(r.sig) {
                self.rec
                    .finish_remembered(r.items, r.card, keys, got, tally);
            } else {
                if let Some((start, end)) = r.joined {
                    let cells = w.text[start..end].split(delim);
                    for (&k, c) in self.plan.keyed.iter().zip(cells) {
                        if !c.is_empty() {
                            self.rec.field(Some(k), c);
                        }
                    }
                } else {
                    for &(k, start, end) in &w.cells[cells_from..r.cells_end] {
                        self.rec.field(Some(k), &w.text[start..end]);
                    }
                }
                let got = self.rec.finish_keyed(r.items, r.card, keys, tally);
                tally.memo.put(r.sig, got);
            }
            keys_from = r.keys_end;
            cells_from = r.cells_end;
        }
        w.rows.clear();
        w.keys.clear();
        w.cells.clear();
        w.text.clear();
    }
}

/// Rows looked up in the row memo at once (see [`Lines::resolve`]).
const MEMO_BATCH: usize = 32;

/// Rows waiting for the row memo, and what their cells gave so far.
#[derive(Debug, Default)]
struct Waiting {
    rows: Vec<WaitingRow>,
    /// The keys of the rows' other cells.
    keys: Vec<u64>,
    /// The rows' keyed cells: their column kinds and places in `text`.
    cells: Vec<(Kind, usize, usize)>,
    text: String,
    /// The row being read: its keyed cells' column numbers and lengths, as bytes to hash.
    meta: Vec<u8>,
}

#[derive(Debug)]
struct WaitingRow {
    /// The hash of the keyed cells.
    sig: u64,
    /// What the other cells gave: items, a valid card number among them.
    items: u64,
    card: bool,
    /// Where the row's keys and cells end in [`Waiting`].
    keys_end: usize,
    cells_end: usize,
    /// A row read by [`Lines::remembering_cut`]: where its joined keyed cells are in
    /// [`Waiting::text`] (it has no `cells`).
    joined: Option<(usize, usize)>,
}

/// Set apart the hashes of joined keyed cells ([`Lines::remembering_cut`]) from those of
/// cells hashed with their places ([`Lines::remembering`]).
const JOINED: u64 = 0x6a6f_696e_6564_0001;

/// Where a record's delimiters are in the block's marks ([`mark_cuts`]): `marks[first..end]`,
/// less `base` (where the record starts in the block).
#[derive(Debug, Clone, Copy)]
struct Cut {
    first: usize,
    end: usize,
    base: u32,
}

impl Cut {
    fn cells(self) -> usize {
        self.end - self.first + 1
    }

    /// The delimiters, and `base`, as [`each_cell`] takes them.
    fn of(self, marks: &[u32]) -> (&[u32], u32) {
        (&marks[self.first..self.end], self.base)
    }
}

/// A header's columns for [`Lines::remembering_cut`].
#[derive(Debug, Default, Clone)]
struct Plan {
    columns: usize,
    /// The columns read on every row, and their kinds.
    other: Vec<(usize, Option<Kind>)>,
    /// The keyed columns' kinds, in order, and the runs of adjacent keyed columns (first and
    /// last column).
    keyed: Vec<Kind>,
    runs: Vec<(usize, usize)>,
}

impl Plan {
    fn of(header: &[Option<Kind>]) -> Plan {
        let mut p = Plan {
            columns: header.len(),
            ..Plan::default()
        };
        for (col, &kind) in header.iter().enumerate() {
            match kind {
                Some(k) if keyed(k) => {
                    p.keyed.push(k);
                    match p.runs.last_mut() {
                        Some(run) if run.1 + 1 == col => run.1 = col,
                        _ => p.runs.push((col, col)),
                    }
                }
                kind => p.other.push((col, kind)),
            }
        }
        p
    }
}

/// What tells one table's columns from another's in the row memo: a hash of the header's
/// column kinds, or `None` when no column is keyed (there is nothing to remember).
fn layout_of(header: &[Option<Kind>]) -> Option<u64> {
    if !header.iter().flatten().any(|k| keyed(*k)) {
        return None;
    }
    let mut h = row_hasher(0);
    header.hash(&mut h);
    Some(h.finish())
}

/// Whether a line leaves a CSV quoted field open (quotes open only at a field's start).
fn quote_state(line: &[u8], mut in_quotes: bool, delim: u8) -> bool {
    let mut at_start = !in_quotes;
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if in_quotes {
            if b == b'"' {
                if line.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' && at_start {
            in_quotes = true;
        }
        at_start = !in_quotes && b == delim;
        i += 1;
    }
    in_quotes
}

/// Calls `f` with the position of each `byte` in `bytes`, in order. Cells are short, so a search
/// restarted for each would cost more than it saves; this compares sixteen bytes at a time and
/// walks the bits of the matches.
fn each_at(bytes: &[u8], byte: u8, mut f: impl FnMut(usize)) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let pattern = u64::from(byte) * 0x0101_0101_0101_0101;
    // 16 bytes at a time (one vector compare and its bit mask), then 8 at a time (SWAR).
    let splat = u8x16::splat(byte);
    let mut wide = bytes.chunks_exact(16);
    let mut base = 0;
    for c in &mut wide {
        let mut v = [0u8; 16];
        v.copy_from_slice(c);
        let mut found = u8x16::new(v).simd_eq(splat).to_bitmask();
        while found != 0 {
            f(base + found.trailing_zeros() as usize);
            found &= found - 1;
        }
        base += 16;
    }
    let mut chunks = wide.remainder().chunks_exact(8);
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        let zero_where_equal = u64::from_le_bytes(word) ^ pattern;
        // The high bit of each byte that is zero, exactly (no carry crosses a byte).
        let mut found = !(((zero_where_equal & LOW7) + LOW7) | zero_where_equal | LOW7);
        while found != 0 {
            f(base + (found.trailing_zeros() / 8) as usize);
            found &= found - 1;
        }
        base += 8;
    }
    for (j, &c) in chunks.remainder().iter().enumerate() {
        if c == byte {
            f(base + j);
        }
    }
}

/// A line end in [`mark_cuts`]' positions.
const LINE_END: u32 = 1 << 31;

/// The positions of `delim` and of line ends (with [`LINE_END`] set) in `b`, in order, found
/// 64 bytes at a time (four vector compares per byte and their bit masks). `b` is shorter
/// than 2 GiB.
fn mark_cuts(b: &[u8], delim: u8, out: &mut Vec<u32>) {
    out.clear();
    let (d, n) = (u8x16::splat(delim), u8x16::splat(b'\n'));
    let mut wide = b.chunks_exact(64);
    let mut base = 0u32;
    for c in &mut wide {
        let (mut dm, mut nm) = (0u64, 0u64);
        for (k, q) in c.chunks_exact(16).enumerate() {
            let mut v = [0u8; 16];
            v.copy_from_slice(q);
            let v = u8x16::new(v);
            dm |= u64::from(v.simd_eq(d).to_bitmask()) << (16 * k);
            nm |= u64::from(v.simd_eq(n).to_bitmask()) << (16 * k);
        }
        let mut all = dm | nm;
        while all != 0 {
            let i = all.trailing_zeros();
            #[allow(clippy::cast_possible_truncation)] // a bit, 0 or 1
            let end = ((nm >> i) & 1) as u32;
            out.push((base + i) | (end << 31));
            all &= all - 1;
        }
        base += 64;
    }
    for (j, &c) in wide.remainder().iter().enumerate() {
        #[allow(clippy::cast_possible_truncation)] // under 64
        let at = base + j as u32;
        if c == b'\n' {
            out.push(at | LINE_END);
        } else if c == delim {
            out.push(at);
        }
    }
}

/// The cells of a record: at the delimiters `cut` when they are known (a record without
/// quotes), else by [`for_each_cell`].
fn each_cell(
    text: &str,
    delim: u8,
    quotes: bool,
    cut: Option<(&[u32], u32)>,
    scratch: &mut String,
    mut f: impl FnMut(usize, &str),
) {
    let Some((cut, base)) = cut else {
        for_each_cell(text, delim, quotes, scratch, f);
        return;
    };
    let mut start = 0;
    for (col, &at) in cut.iter().enumerate() {
        let at = (at - base) as usize;
        f(col, &text[start..at]);
        start = at + 1;
    }
    f(cut.len(), &text[start..]);
}

/// Splits a CSV record into cells (RFC 4180 quoting); `scratch` holds unescaped quoted cells.
/// `quotes`: the text may hold a quote (else it is not searched for one).
fn for_each_cell(
    text: &str,
    delim: u8,
    quotes: bool,
    scratch: &mut String,
    mut f: impl FnMut(usize, &str),
) {
    if !quotes || memchr(b'"', text.as_bytes()).is_none() {
        let mut start = 0;
        let mut col = 0;
        each_at(text.as_bytes(), delim, |at| {
            f(col, &text[start..at]);
            col += 1;
            start = at + 1;
        });
        f(col, &text[start..]);
        return;
    }
    let mut col = 0;
    let mut chars = text.char_indices().peekable();
    let d = char::from(delim);
    loop {
        scratch.clear();
        let mut quoted = false;
        if let Some((_, '"')) = chars.peek() {
            quoted = true;
            chars.next();
        }
        let mut ended = true;
        while let Some((_, c)) = chars.next() {
            if quoted {
                if c == '"' {
                    if matches!(chars.peek(), Some((_, '"'))) {
                        chars.next();
                        scratch.push('"');
                    } else {
                        quoted = false;
                    }
                } else {
                    scratch.push(c);
                }
            } else if c == d {
                ended = false;
                break;
            } else {
                scratch.push(c);
            }
        }
        f(col, scratch);
        col += 1;
        if ended {
            break;
        }
    }
}

/// The first row is a header when a cell is a known header word, or when every cell is a
/// non-empty word without digits or `@`.
pub(crate) fn header_kinds_pub(cells: &[String]) -> Option<Vec<Option<Kind>>> {
    header_kinds(cells)
}

fn header_kinds(cells: &[String]) -> Option<Vec<Option<Kind>>> {
    let kinds: Vec<Option<Kind>> = cells.iter().map(|c| header_kind(c)).collect();
    let known = kinds.iter().any(Option::is_some);
    let wordy = cells.len() >= 2
        && cells.iter().all(|c| {
            let t = c.trim();
            !t.is_empty() && !t.contains('@') && !t.chars().any(|ch| ch.is_ascii_digit())
        });
    (known || wordy).then_some(kinds)
}

/// A JSON object (any nesting): each key names its value's kind; other values are read by
/// content.
fn json_record(rec: &mut Record, v: &serde_json::Value, tally: &mut Tally) {
    json_fields(rec, None, v, 0);
    rec.finish(tally);
}

fn json_fields(rec: &mut Record, kind: Option<Kind>, v: &serde_json::Value, depth: u32) {
    use serde_json::Value as V;
    if depth > 64 {
        return;
    }
    match v {
        V::Object(m) => {
            for (k, v) in m {
                let kk = header_kind(k).or(kind);
                json_fields(rec, kk, v, depth + 1);
            }
        }
        V::Array(a) => {
            for v in a {
                json_fields(rec, kind, v, depth + 1);
            }
        }
        V::String(s) => rec.field(kind, s),
        V::Number(n) => rec.field(kind, &n.to_string()),
        V::Bool(_) | V::Null => {}
    }
}

/// A JSON array of objects, element by element (memory: one element at a time).
fn json_array(leaf: &mut Leaf, sample: Vec<u8>, r: &mut dyn Read, enc: Enc) {
    use serde::de::{Deserializer as _, SeqAccess, Visitor};
    struct V<'a> {
        tally: &'a mut Tally,
        rec: Record,
    }
    impl<'de> Visitor<'de> for V<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON array")
        }
        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            while let Some(v) = seq.next_element::<serde_json::Value>()? {
                json_record(&mut self.rec, &v, self.tally);
            }
            Ok(())
        }
    }
    if matches!(enc, Enc::Sjis { .. }) {
        leaf.problem("a JSON array in Shift_JIS: JSON must be UTF-8".to_owned());
        return;
    }
    let count = Arc::new(AtomicU64::new(0));
    let reader = BufReader::with_capacity(
        READ,
        Counting {
            inner: Cursor::new(sample).chain(r),
            count: count.clone(),
            progress: None,
        },
    );
    let mut de = serde_json::Deserializer::from_reader(reader);
    let visitor = V {
        tally: &mut leaf.tally,
        rec: Record::new(),
    };
    let res = de.deserialize_seq(visitor).and_then(|()| de.end());
    leaf.bytes = count.load(Ordering::Relaxed);
    if let Err(e) = res {
        leaf.problem(format!("invalid JSON: {e}"));
    }
}

/// A large plain file, in chunks read in parallel; `None` when its format needs one pass
/// (a JSON array, a CSV with quoted line breaks).
fn scan_chunked(name: &str, file: &File, size: u64, ctx: &Ctx<'_>) -> Option<Outcome> {
    let mut sample = vec![0u8; SAMPLE];
    let n = file.read_at(&mut sample, 0).ok()?;
    sample.truncate(n);
    if sample.is_empty() || is_binary(&sample) {
        return None;
    }
    let enc = detect_encoding(&sample, ctx.opts.encoding);
    let fmt = detect_format(name, &sample);
    if fmt == Format::JsonArray {
        return None;
    }
    let max = ctx.opts.limits.max_record;
    let mut lead = Lines::new(fmt, enc, max, false);
    let mut head = Leaf::new(name.to_owned());
    head.opened = true;
    let mut body_start = 0u64;
    if let Format::Csv(d) = fmt {
        // Quoted line breaks anywhere in the sample: read in one pass.
        let mut q = false;
        for line in sample.split(|b| *b == b'\n') {
            q = quote_state(line, q, d);
            if q {
                return None;
            }
        }
        let nl = memchr(b'\n', &sample)?;
        lead.block(&sample[..=nl], false, 0, &mut head);
        body_start = nl as u64 + 1;
    }
    let header = lead.header.clone();
    let chunk = ctx.opts.chunk_size as u64;
    let starts: Vec<u64> = (0..size.div_ceil(chunk.max(1)))
        .map(|k| body_start + k * chunk)
        .take_while(|s| *s < size)
        .collect();
    // One tally per worker, not per chunk (merging costs a lookup per distinct identifier):
    // each worker takes the next chunk from a shared counter until none is left, so a worker
    // slowed by the machine simply reads fewer chunks.
    let parts = ChunkParts {
        fmt,
        enc,
        max,
        header: header.as_deref(),
        body_start,
        chunk,
        piece: usize::try_from(chunk / 4).unwrap_or(PIECE).clamp(64, PIECE),
        size,
    };
    let next = AtomicUsize::new(0);
    let workers = rayon::current_num_threads().clamp(1, starts.len().max(1));
    // Several workers link into one table (no merge at the end); one keeps its own.
    let table = (workers > 1).then(|| Arc::new(SharedLinker::default()));
    // And remember rows in one memo: a customer read in full by one is not by the other.
    let memo = (workers > 1).then(|| Arc::new(SharedMemo::for_bytes(size)));
    let done: Mutex<Vec<(Option<u64>, Leaf)>> = Mutex::new(Vec::with_capacity(workers));
    rayon::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| {
                let mut leaf = Leaf::new(name.to_owned());
                if let Some(t) = &table {
                    leaf.tally.linker = Linker::attached(Arc::clone(t));
                }
                if let Some(m) = &memo {
                    leaf.tally.memo = RowMemo::attached(Arc::clone(m));
                }
                // Where the first problem this worker kept was seen (chunks are taken in order).
                let mut first_at = None;
                let mut buf = Vec::new();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&s) = starts.get(k) else { break };
                    let had = !leaf.problems.is_empty();
                    scan_chunk(file, s, &parts, &mut buf, &mut leaf, ctx);
                    if !had && !leaf.problems.is_empty() {
                        first_at = Some(s);
                    }
                }
                leaf.tally.linker.detach();
                done.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push((first_at, leaf));
            });
        }
    });
    let mut leaves = done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // The problem kept is the first in the file, whichever worker saw it.
    leaves.sort_by_key(|(at, _)| at.unwrap_or(u64::MAX));
    let mut total = head;
    total.bytes = body_start;
    for (_, leaf) in leaves {
        total.absorb(leaf);
    }
    if let Some(t) = table {
        let t = Arc::into_inner(t).expect("every worker has detached");
        total.tally.linker.merge(t.into_linker());
    }
    Some(total.done())
}

/// What every chunk of a file shares.
struct ChunkParts<'a> {
    fmt: Format,
    enc: Enc,
    max: usize,
    header: Option<&'a [Option<Kind>]>,
    body_start: u64,
    chunk: u64,
    /// The bytes read at once within a chunk (see [`scan_chunk`]).
    piece: usize,
    size: u64,
}

/// Reads the lines that start in the chunk at `s` into `leaf`; `buf` is reused from chunk to
/// chunk.
///
/// The chunk is read a piece at a time ([`ChunkParts::piece`] bytes) and each piece is read
/// whole (UTF-8 check, quote search, lines) while it is still in the core's cache: reading
/// all of a chunk first and then passing over it three times went out to memory each time.
fn scan_chunk(
    file: &File,
    s: u64,
    p: &ChunkParts<'_>,
    buf: &mut Vec<u8>,
    leaf: &mut Leaf,
    ctx: &Ctx<'_>,
) {
    let end = (s + p.chunk).min(p.size);
    leaf.opened = true;
    chunk_lines(file, s, end, p, buf, leaf);
    (ctx.progress)(end - s);
    leaf.bytes += end - s;
}

fn chunk_lines(
    file: &File,
    s: u64,
    end: u64,
    p: &ChunkParts<'_>,
    buf: &mut Vec<u8>,
    leaf: &mut Leaf,
) {
    let mut lines = Lines::new(p.fmt, p.enc, p.max, false);
    if let Some(h) = p.header {
        lines.set_header(h.to_vec());
    }
    lines.header_done = true;
    lines.bom_done = s > 0;
    // `buf` holds the file's bytes from `at` to `at + buf.len`.
    let mut at = s;
    let mut buf = Window { bytes: buf, len: 0 };
    let read = |buf: &mut Window<'_>, from: u64, want: usize, leaf: &mut Leaf| -> Option<usize> {
        let old = buf.len;
        // Grown when it must be (zeroed then), never cleared: the bytes are read over.
        if buf.bytes.len() < old + want {
            buf.bytes.resize(old + want, 0);
        }
        let mut got = 0;
        while got < want {
            match file.read_at(&mut buf.bytes[old + got..old + want], from + got as u64) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    leaf.problem(format!("cannot read at byte {}: {e}", from + got as u64));
                    return None;
                }
            }
        }
        buf.len = old + got;
        Some(got)
    };
    // Lines that start in this chunk: after the first newline unless at a line start.
    if s > p.body_start {
        let mut prev = [0u8; 1];
        let at_start = file.read_exact_at(&mut prev, s - 1).is_ok() && prev[0] == b'\n';
        if !at_start {
            loop {
                if at >= end {
                    return;
                }
                let want = usize::try_from(end - at).unwrap_or(usize::MAX).min(p.piece);
                let Some(n) = read(&mut buf, at, want, leaf) else {
                    return;
                };
                if n == 0 {
                    return;
                }
                if let Some(nl) = memchr(b'\n', buf.data()) {
                    at += nl as u64 + 1;
                    buf.drain(nl + 1);
                    break;
                }
                at += n as u64;
                buf.len = 0;
            }
        }
    }
    // Where the bytes read so far end, and whether the line being skipped (longer than the
    // record limit, reported) is still running.
    let mut filled = at + buf.len as u64;
    let mut skipping = false;
    loop {
        let in_chunk = filled < end;
        // Within the chunk a piece at a time; past its end, only the line that started in it.
        let want = if in_chunk {
            usize::try_from(end - filled)
                .unwrap_or(usize::MAX)
                .min(p.piece)
        } else {
            p.piece.min(64 * 1024)
        };
        let Some(n) = read(&mut buf, filled, want, leaf) else {
            break;
        };
        filled += n as u64;
        let file_end = filled >= p.size || n == 0;
        if skipping {
            if let Some(nl) = memchr(b'\n', buf.data()) {
                at += nl as u64 + 1;
                buf.drain(nl + 1);
                skipping = false;
            } else {
                at += buf.len as u64;
                buf.len = 0;
                if !in_chunk || file_end {
                    break;
                }
                continue;
            }
        }
        if at >= end {
            break;
        }
        if !in_chunk {
            // The rest of the chunk's last line is in `buf` once a newline is: that line ends
            // the chunk (its bytes past the newline are the next chunk's).
            let past = usize::try_from(end - at).unwrap_or(usize::MAX).min(buf.len);
            if let Some(nl) = memchr(b'\n', &buf.data()[past..]) {
                buf.len = past + nl + 1;
                lines.block(buf.data(), true, at, leaf);
                break;
            }
        }
        let last = file_end || (!in_chunk && buf.len > p.max);
        let used = lines.block(buf.data(), last, at, leaf);
        if last {
            break;
        }
        at += used as u64;
        buf.drain(used);
        if buf.len > p.max {
            // One line longer than the record limit: reported once (its start is known), then
            // skipped to its end.
            lines.block(buf.data(), true, at, leaf);
            at += buf.len as u64;
            buf.len = 0;
            skipping = true;
        }
    }
}

/// The bytes of a file read so far: the first `len` of `bytes`, which only grows.
struct Window<'a> {
    bytes: &'a mut Vec<u8>,
    len: usize,
}

impl Window<'_> {
    fn data(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Forgets the first `n` bytes.
    fn drain(&mut self, n: usize) {
        self.bytes.copy_within(n..self.len, 0);
        self.len -= n;
    }
}

/// A .zip archive (or an .xlsx workbook, which is one).
fn scan_zip<R: Read + Seek>(name: &str, r: R, depth: u32, ctx: &Ctx<'_>) -> Outcome {
    let l = &ctx.opts.limits;
    let mut zip = match zip::ZipArchive::new(r) {
        Ok(z) => z,
        Err(e) => return failed(name, format!("not a readable zip archive: {e}")),
    };
    let is_xlsx = zip.index_for_name("xl/workbook.xml").is_some();
    let mut declared = 0u64;
    for i in 0..zip.len() {
        if let Ok(f) = zip.by_index_raw(i) {
            declared = declared.saturating_add(f.size());
        }
    }
    if is_xlsx {
        if declared > l.max_expanded {
            return failed(
                name,
                format!(
                    "workbook expands to more than {} bytes: not scanned (zip bomb?)",
                    l.max_expanded
                ),
            );
        }
        let mut r = zip.into_inner();
        if r.rewind().is_err() {
            return failed(name, "cannot rewind the workbook".to_owned());
        }
        return crate::xlsx::scan(name, r, declared);
    }
    let mut out = Outcome::default();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                out.errors.push(FileError {
                    path: format!("{name}!#{i}"),
                    error: format!("cannot read the entry: {e}"),
                });
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let entry_name = format!("{name}!{}", entry.name().unwrap_or(Cow::Borrowed("?")));
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        if size > l.ratio_after && size / packed > l.max_ratio {
            out.errors.push(FileError {
                path: entry_name,
                error: format!(
                    "compressed {}:1 (more than {}:1): not scanned (zip bomb?)",
                    size / packed,
                    l.max_ratio
                ),
            });
            continue;
        }
        total = total.saturating_add(size);
        if total > l.max_expanded {
            out.errors.push(FileError {
                path: entry_name,
                error: format!(
                    "the archive expands to more than {} bytes: the rest not scanned (zip bomb?)",
                    l.max_expanded
                ),
            });
            break;
        }
        // Sizes in the archive may lie: the reader is held to them too.
        let cap = size.max(1).min(l.max_expanded);
        let mut limited = Limited {
            inner: &mut entry,
            out: 0,
            input: Arc::new(AtomicU64::new(packed)),
            max_ratio: l.max_ratio,
            ratio_after: l.ratio_after.max(cap),
            max_total: cap,
        };
        let o = if extension(&entry_name) == "xlsx" {
            let mut all = Vec::new();
            match limited.read_to_end(&mut all) {
                Ok(_) => scan_zip(&entry_name, Cursor::new(all), depth + 1, ctx),
                Err(e) => failed(&entry_name, format!("cannot read: {e}")),
            }
        } else {
            let hint = entry_name.clone();
            scan_stream(entry_name, &hint, &mut limited, depth + 1, ctx)
        };
        out = out.merge(o);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_at_finds_every_delimiter() {
        // Every length around the 8-byte words, delimiters at every place, non-ASCII between.
        let mut rng = crate::generate::Rng::new(7);
        for len in 0..100 {
            for _ in 0..50 {
                let b: Vec<u8> = (0..len)
                    .map(|_| *rng.pick(&[b',', b'a', b'0', 0xE3, 0x80, 0x2C ^ 0x80, b'\t']))
                    .collect();
                let mut got = Vec::new();
                each_at(&b, b',', |at| got.push(at));
                let want: Vec<usize> = (0..b.len()).filter(|&i| b[i] == b',').collect();
                assert_eq!(got, want, "{b:?}");
            }
        }
    }

    #[test]
    fn quotes_and_cells() {
        assert!(quote_state(b"a,\"b", false, b','));
        assert!(!quote_state(b"a,\"b\"\"c\",d", false, b','));
        assert!(
            !quote_state(b"x\"y", false, b','),
            "a quote inside a field is a character"
        );
        let mut s = String::new();
        let mut v = Vec::new();
        for_each_cell("a,\"b,\"\"c\"\"\",d", b',', true, &mut s, |i, c| {
            v.push((i, c.to_owned()));
        });
        assert_eq!(
            v,
            vec![(0, "a".into()), (1, "b,\"c\"".into()), (2, "d".into())]
        );
    }

    /// Records, item counts, persons and persons with a card number of a CSV read in one
    /// block, with the row memo or without.
    /// Records, records per item, (persons, persons with a card number).
    type Counts = (u64, Vec<u64>, (u64, u64));

    fn read_csv(csv: &str, memo: bool, block: usize) -> Counts {
        read_csv_marked(csv, memo, block, true)
    }

    fn read_csv_marked(csv: &str, memo: bool, block: usize, marked: bool) -> Counts {
        read_csv_found(csv, memo, block, marked).0
    }

    /// The counts, and how many rows the memo found.
    fn read_csv_found(csv: &str, memo: bool, block: usize, marked: bool) -> (Counts, u64) {
        let mut leaf = Leaf::new("t.csv".into());
        if !memo {
            leaf.tally.memo = crate::memo::RowMemo::switched_off();
        }
        let mut lines = Lines::new(
            Format::Csv(b','),
            Enc::Utf8 { fallback: false },
            1 << 20,
            true,
        );
        lines.marked = marked;
        // In blocks of about `block` bytes, cut at line ends, as the readers do.
        let b = csv.as_bytes();
        let mut at = 0;
        while at < b.len() {
            let end = (at + block).min(b.len());
            let used = lines.block(&b[at..end], end == b.len(), at as u64, &mut leaf);
            at += if used == 0 { b.len() - at } else { used };
        }
        let t = &mut leaf.tally;
        let found = t.memo.found();
        (
            (t.records, t.item_records().to_vec(), t.linker.count()),
            found,
        )
    }

    #[test]
    fn the_row_memo_changes_no_count() {
        use crate::generate::{Person, Rng, card_number};
        use std::fmt::Write as _;
        // Few people on many rows, their keyed cells repeated exactly or not, and other cells
        // that add identifiers (linked to the same person), a name or a birth date (the row is
        // read again as it is), or nothing.
        let mut rng = Rng::new(11);
        let people: Vec<Person> = (0..40).map(|i| Person::new(&mut rng, i)).collect();
        let mut csv = String::from(
            "注文番号,氏名,フリガナ,生年月日,メールアドレス,電話番号,住所,カード番号,備考\n",
        );
        for row in 0..4000u64 {
            let k = rng.below(40);
            let p = &people[usize::try_from(k).unwrap_or(0)];
            // Card numbers for some people only, in their column or in a note.
            let card = match rng.below(4) {
                _ if k >= 8 => String::new(),
                0 => String::new(),
                1 => "1234".into(),
                _ => card_number(&mut rng, k),
            };
            let note = match rng.below(9) {
                0 if (8..12).contains(&k) => {
                    format!("カード {}", card_number(&mut rng, 1000 + row))
                }
                // Groups of four people share an address given in a note only.
                1 => format!("連絡先 group{}@example.com", k / 4),
                2 => format!("氏名：{} {}", p.family, p.given),
                3 => "生年月日 1990-01-02".into(),
                4 => format!("注文 {}", crate::generate::order_number(&mut rng)),
                _ => String::new(),
            };
            let name = if rng.chance(10) {
                String::new()
            } else {
                format!("{} {}", p.family, p.given)
            };
            let birth = format!(
                "{}-{:02}-{:02}",
                p.birth / 10_000,
                p.birth / 100 % 100,
                p.birth % 100
            );
            let kana = format!("{}{}", p.family_kana, p.given_kana);
            let address = rng.pick(&["東京都千代田区丸の内1-1", "大阪府大阪市北区梅田2-2", ""]);
            let email = if rng.chance(10) {
                "-".into()
            } else {
                p.email.clone()
            };
            writeln!(
                csv,
                "{row},{name},{kana},{birth},{email},{},{address},{card},{note}",
                p.phone
            )
            .expect("a String takes any text");
        }
        let want = read_csv(&csv, false, csv.len());
        // 40 people, in groups of four through the notes; a few more joined by a name in a
        // note with a birth date in another.
        assert!((2..=10).contains(&want.2.0), "{want:?}");
        assert!(want.2.1 > 0 && want.2.1 < want.2.0, "{want:?}");
        // The memo is used: 40 people's cells on 4,000 rows.
        let (counts, found) = read_csv_found(&csv, true, csv.len(), true);
        assert_eq!(counts, want);
        assert!(found > 2000, "{found} rows found in the memo");
        for block in [csv.len(), 4096, 700] {
            assert_eq!(read_csv(&csv, true, block), want, "blocks of {block}");
            // The delimiters found in one pass over the block, or line by line.
            for memo in [false, true] {
                assert_eq!(
                    read_csv_marked(&csv, memo, block, false),
                    want,
                    "blocks of {block}, line by line, memo {memo}"
                );
            }
        }
        // Lines ending in CRLF, and a last line without its newline.
        let crlf = csv.replace('\n', "\r\n");
        let crlf = crlf.trim_end();
        for block in [crlf.len(), 1000, 333] {
            assert_eq!(
                read_csv(crlf, true, block),
                read_csv_marked(crlf, true, block, false),
                "CRLF, blocks of {block}"
            );
        }
        // The second row's keyed cells are remembered; its note's card number is its own.
        let two = "番号,氏名,生年月日,メール,備考\n\
                   1,山田 太郎,1990-01-01,a@example.com,\n\
                   2,山田 太郎,1990-01-01,a@example.com,カード 4111111111111111\n";
        for memo in [false, true] {
            let (counts, found) = read_csv_found(two, memo, two.len(), true);
            assert_eq!(counts.2, (1, 1), "memo: {memo}");
            assert_eq!(found, u64::from(memo), "memo: {memo}");
        }
    }

    #[test]
    fn keyed_cells_joined_keep_their_borders() {
        // The keyed cells of a row are remembered as they are, runs of adjacent ones joined by
        // the delimiter: `a,bc` is not `ab,c`, whether the cells are next to each other (氏名,
        // 生年月日) or apart (氏名 … 生年月日).
        for header in ["氏名,生年月日,番号,備考", "氏名,番号,生年月日,備考"] {
            let row = |name: &str, birth: &str, n: u32| {
                if header.starts_with("氏名,生年月日") {
                    format!("{name},{birth},{n},\n")
                } else {
                    format!("{name},{n},{birth},\n")
                }
            };
            let mut csv = format!("{header}\n");
            for n in 0..2 {
                csv += &row("山田 太郎", "1990-01-02", n);
                csv += &row("山田 太郎1", "990-01-02", n);
            }
            // More and fewer cells than the header: read cell by cell.
            csv += &row("佐藤 花子", "1985-05-05", 5).replace('\n', ",extra\n");
            csv += &row("佐藤 花子", "1985-05-05", 6).replace(",\n", "\n");
            csv += &row("佐藤 花子", "1985-05-05", 7);
            let (want, _) = read_csv_found(&csv, false, csv.len(), true);
            // 山田 太郎, 佐藤 花子, and each row without a valid birth date (no identifier):
            // had `山田 太郎1`, `990-01-02` been remembered as `山田 太郎1990-01-02`, its rows
            // would have found the first row.
            assert_eq!(want.0, 7, "{header}");
            assert_eq!(want.2, (4, 0), "{header}: {want:?}");
            let (got, found) = read_csv_found(&csv, true, csv.len(), true);
            assert_eq!(got, want, "{header}");
            // Rows 3 and 4 found rows 1 and 2, the row with fewer cells the one with more
            // (both hashed cell by cell); the last row is hashed joined, as they are not.
            assert_eq!(found, 3, "{header}");
        }
    }

    #[test]
    fn mark_cuts_finds_every_delimiter_and_line_end() {
        let mut rng = crate::generate::Rng::new(5);
        let mut out = Vec::new();
        for len in 0..300usize {
            let b: Vec<u8> = (0..len)
                .map(|_| *rng.pick(&[b'a', b',', b'\n', b'\t', 0xE3, b'"', b'\r']))
                .collect();
            for delim in [b',', b'\t'] {
                mark_cuts(&b, delim, &mut out);
                let want: Vec<u32> = b
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &c)| {
                        let i = u32::try_from(i).unwrap();
                        (c == b'\n')
                            .then_some(i | LINE_END)
                            .or((c == delim).then_some(i))
                    })
                    .collect();
                assert_eq!(out, want, "{b:?}");
            }
        }
    }

    #[test]
    fn formats() {
        assert_eq!(detect_format("a.csv", b"x,y\n1,2\n"), Format::Csv(b','));
        assert_eq!(detect_format("a", b"x\ty\n1\t2\n"), Format::Csv(b'\t'));
        assert_eq!(detect_format("a", b"[{\"a\":1}]"), Format::JsonArray);
        assert_eq!(detect_format("a", b"{\"a\":1}\n{\"a\":2}\n"), Format::Jsonl);
        assert_eq!(detect_format("a", b"hello, world\nbye\n"), Format::Text);
        assert_eq!(detect_format("a.log", b"x,y\n1,2\n"), Format::Text);
    }
}
