//! The row memo: what the keyed cells of a table row (name, kana, birth date, e-mail, phone,
//! card and My Number columns) gave, remembered by a hash of those cells' text.
//!
//! A leaked order table or access log holds the same customer on many rows, spelled the same
//! way each time. The keyed cells are the expensive part of a row: each one is validated and
//! normalized, hashed into an identifier key, and looked up in the identifier table (a cache
//! miss per key). When a row's keyed cells are exactly those of a row already read, their keys
//! are already linked into one person (with a card number among them, if any), so the row
//! only needs their items and one of their keys (to link any identifier found in its other
//! cells to the same person).
//!
//! The memo is a lossy cache of fixed shape: three entries per 64-byte bucket, the newest
//! first; an entry pushed out is simply forgotten, and a row whose cells are not remembered is
//! read in full. So it never changes a result, only the time taken. It grows while rows are
//! missed, up to [`MAX_BUCKETS`] (32 MB), and switches itself off for good when, after
//! [`WARM`] lookups, fewer than one lookup in [`OFF_BELOW`] is a hit (a customer master, a
//! table of mostly different people: looking up costs more than the hits save). The workers
//! reading chunks of one file share one memo, of a size fixed for the file ([`SharedMemo`]).

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering, fence};

/// What a row's keyed cells gave.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Remembered {
    /// The items (bits of `DataItem`).
    pub items: u64,
    /// One of their identifier keys (0: they gave none). Whether a card number was among
    /// them is not needed: it was linked with them, on the person already.
    pub rep: u64,
}

/// Three rows' keyed cells: their hashes (0: empty), what they gave (the items in 32 bits:
/// keyed cells give only the first few items, see [`RowMemo::put`]). 64 bytes, one cache line:
/// with two entries a bucket, the 2 % of buckets that three of a file's customers fell into
/// pushed each other out all the time (580,000 misses for 300,000 customers' cells).
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(64))]
struct Bucket {
    sigs: [u64; WAYS],
    reps: [u64; WAYS],
    items: [u32; WAYS],
}

const WAYS: usize = 3;
const _: () = assert!(std::mem::size_of::<Bucket>() == 64);

const FIRST_BUCKETS: usize = 1 << 8;
/// 2^19 buckets of 64 bytes: 32 MB, 1.5 million rows' keyed cells.
pub const MAX_BUCKETS: usize = 1 << 19;
/// Lookups per hit-rate check.
const WINDOW: u32 = 1 << 16;
/// Lookups after which a memo that hits too rarely is switched off (before, most misses are
/// the first sight of a person, whatever the table).
pub const WARM: u64 = 1 << 20;
/// Fewer hits in a window than one lookup in this many switch the memo off.
pub const OFF_BELOW: u32 = 5;
const SEED: u64 = 0x726f_6569_6d65_6d6f; // "roeimemo"

#[derive(Debug, Clone, Default)]
pub struct RowMemo {
    buckets: Vec<Bucket>,
    /// Attached to a memo that other workers of the same file use too (see [`SharedMemo`]):
    /// rows are remembered there, not in `buckets`.
    shared: Option<Arc<SharedMemo>>,
    /// Rows remembered since the memo last grew.
    stored: usize,
    /// Lookups in all, and in the current window, and the window's hits.
    seen: u64,
    lookups: u32,
    hits: u32,
    off: bool,
    /// Hits in all, for tests that must see the memo used.
    #[cfg(test)]
    found: u64,
}

/// The hasher of one row's keyed cells; `layout` tells tables with different columns apart.
pub fn row_hasher(layout: u64) -> impl Hasher {
    let mut h = foldhash::quality::FixedState::with_seed(SEED).build_hasher();
    h.write_u64(layout);
    h
}

impl RowMemo {
    /// A memo whose rows are remembered in `table`, which other workers use too.
    pub fn attached(table: Arc<SharedMemo>) -> RowMemo {
        RowMemo {
            shared: Some(table),
            ..RowMemo::default()
        }
    }

    /// Whether rows are still worth looking up.
    pub fn on(&self) -> bool {
        !self.off
    }

    #[allow(clippy::cast_possible_truncation)]
    fn bucket(&self, sig: u64) -> usize {
        // The top bits (the identifier table takes the low ones of its own hashes).
        (sig >> (64 - self.buckets.len().trailing_zeros())) as usize
    }

    /// Reads the bucket of `sig` (and returns something of it, to be thrown away): the rows
    /// of a batch are touched first, so that their buckets come from memory together instead
    /// of one cache miss after another.
    pub fn touch(&self, sig: u64) -> u64 {
        if let Some(t) = &self.shared {
            return t.touch(sig.max(1));
        }
        if self.buckets.is_empty() {
            return 0;
        }
        self.buckets[self.bucket(sig.max(1))].sigs[0]
    }

    /// What the cells hashed to `sig` gave, when remembered.
    pub fn get(&mut self, sig: u64) -> Option<Remembered> {
        let sig = sig.max(1);
        self.lookups += 1;
        let found = if let Some(t) = &self.shared {
            if self.off { None } else { t.get(sig) }
        } else if self.buckets.is_empty() {
            None
        } else {
            let b = &self.buckets[self.bucket(sig)];
            b.sigs.iter().position(|&s| s == sig).map(|w| Remembered {
                items: u64::from(b.items[w]),
                rep: b.reps[w],
            })
        };
        if found.is_some() {
            self.hits += 1;
            #[cfg(test)]
            {
                self.found += 1;
            }
        }

        if self.lookups == WINDOW {
            self.seen += u64::from(WINDOW);
            if self.seen >= WARM && self.hits < WINDOW / OFF_BELOW {
                self.off = true;
                self.buckets = Vec::new();
            }
            self.lookups = 0;
            self.hits = 0;
        }
        found
    }

    /// Remembers what the cells hashed to `sig` gave (not when an item past the 32nd is among
    /// them, which keyed cells do not give).
    pub fn put(&mut self, sig: u64, got: Remembered) {
        let Ok(items) = u32::try_from(got.items) else {
            return;
        };
        if self.off {
            return;
        }
        let sig = sig.max(1);
        if let Some(t) = &self.shared {
            t.put(sig, items, got.rep);
            return;
        }
        if self.buckets.is_empty() {
            self.buckets = vec![Bucket::default(); FIRST_BUCKETS];
        } else if self.stored >= self.buckets.len() / 2 && self.buckets.len() < MAX_BUCKETS {
            // Half as many rows stored since it last grew as there are buckets: bigger, well
            // before rows push each other out (growing late cost as many misses again as there are customers).
            self.grow();
        }
        self.stored += 1;
        self.insert(sig, items, got.rep);
    }

    fn insert(&mut self, sig: u64, items: u32, rep: u64) {
        let i = self.bucket(sig);
        let b = &mut self.buckets[i];
        b.sigs.copy_within(..WAYS - 1, 1);
        b.reps.copy_within(..WAYS - 1, 1);
        b.items.copy_within(..WAYS - 1, 1);
        (b.sigs[0], b.reps[0], b.items[0]) = (sig, rep, items);
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.buckets);
        self.buckets = vec![Bucket::default(); old.len() * 2];
        // The older entries first, so that each bucket keeps its newer ones in front.
        for way in (0..WAYS).rev() {
            for b in &old {
                if b.sigs[way] != 0 {
                    self.insert(b.sigs[way], b.items[way], b.reps[way]);
                }
            }
        }
        self.stored = 0;
    }

    /// Lets go of the memory (the table is done).
    pub fn release(&mut self) {
        self.buckets = Vec::new();
        self.shared = None;
    }

    /// A memo that is off from the start: every row is read in full.
    #[cfg(test)]
    pub fn switched_off() -> RowMemo {
        RowMemo {
            off: true,
            ..RowMemo::default()
        }
    }

    #[cfg(test)]
    fn buckets(&self) -> usize {
        self.buckets.len()
    }

    /// How many lookups found their row.
    #[cfg(test)]
    pub fn found(&self) -> u64 {
        self.found
    }
}

/// One row memo that the workers reading chunks of one file share: a customer seen by one
/// worker is not read in full again by the other (each found every customer once, with a
/// memo of its own). It has the shape of [`Bucket`]s and does not grow (it is sized for the
/// file, see [`SharedMemo::for_bytes`]).
///
/// Each bucket is guarded by a version number (a sequence lock): a writer makes it odd while
/// it writes and even again after, and a reader takes an entry only when the version was even
/// and unchanged around its reads, so an entry is never read half written. A writer that
/// finds the bucket being written by another worker does not wait: the row is not remembered.
#[derive(Debug)]
pub struct SharedMemo {
    buckets: Box<[SharedBucket]>,
}

#[derive(Debug, Default)]
#[repr(align(64))]
struct SharedBucket {
    version: AtomicU32,
    items: [AtomicU32; WAYS],
    sigs: [AtomicU64; WAYS],
    reps: [AtomicU64; WAYS],
}

const _: () = assert!(std::mem::size_of::<SharedBucket>() == 64);

impl SharedMemo {
    /// A memo for a file of `bytes` bytes: a bucket per 512 bytes (rows are rarely shorter
    /// than 64 bytes: an eighth as many buckets as rows), from the first size to the largest.
    pub fn for_bytes(bytes: u64) -> SharedMemo {
        let want = usize::try_from(bytes / 512).unwrap_or(MAX_BUCKETS);
        let n = want.next_power_of_two().clamp(FIRST_BUCKETS, MAX_BUCKETS);
        SharedMemo {
            buckets: (0..n).map(|_| SharedBucket::default()).collect(),
        }
    }

    #[allow(clippy::cast_possible_truncation)]
    fn bucket(&self, sig: u64) -> &SharedBucket {
        &self.buckets[(sig >> (64 - self.buckets.len().trailing_zeros())) as usize]
    }

    fn touch(&self, sig: u64) -> u64 {
        self.bucket(sig).sigs[0].load(Ordering::Relaxed)
    }

    fn get(&self, sig: u64) -> Option<Remembered> {
        let b = self.bucket(sig);
        let before = b.version.load(Ordering::Acquire);
        if before & 1 != 0 {
            return None;
        }
        let w = b
            .sigs
            .iter()
            .position(|s| s.load(Ordering::Relaxed) == sig)?;
        let got = Remembered {
            items: u64::from(b.items[w].load(Ordering::Relaxed)),
            rep: b.reps[w].load(Ordering::Relaxed),
        };
        // The reads above happen before the version is read again.
        fence(Ordering::Acquire);
        (b.version.load(Ordering::Relaxed) == before).then_some(got)
    }

    fn put(&self, sig: u64, items: u32, rep: u64) {
        let b = self.bucket(sig);
        let v = b.version.load(Ordering::Relaxed);
        if v & 1 != 0
            || b.version
                .compare_exchange(v, v.wrapping_add(1), Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        // The odd version is seen before any of the writes below.
        fence(Ordering::Release);
        for w in (1..WAYS).rev() {
            let r = Ordering::Relaxed;
            b.sigs[w].store(b.sigs[w - 1].load(r), r);
            b.reps[w].store(b.reps[w - 1].load(r), r);
            b.items[w].store(b.items[w - 1].load(r), r);
        }
        b.sigs[0].store(sig, Ordering::Relaxed);
        b.reps[0].store(rep, Ordering::Relaxed);
        b.items[0].store(items, Ordering::Relaxed);
        b.version.store(v.wrapping_add(2), Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn got(n: u64) -> Remembered {
        Remembered {
            items: n,
            rep: n + 1,
        }
    }

    #[test]
    fn remembers_what_fits_and_forgets_without_confusing() {
        let mut m = RowMemo::default();
        assert_eq!(m.get(7), None);
        m.put(7, got(7));
        assert_eq!(m.get(7), Some(got(7)));
        // Many more rows than entries: whatever is found is what was put under that hash.
        for s in 1..100_000u64 {
            let sig = s.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            m.put(sig, got(s));
        }
        let mut found = 0;
        for s in 1..100_000u64 {
            let sig = s.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            if let Some(g) = m.get(sig) {
                assert_eq!(g, got(s));
                found += 1;
            }
        }
        // It grew to hold most of them.
        assert!(found > 60_000, "{found}");
        assert!(m.buckets() > FIRST_BUCKETS);
    }

    #[test]
    fn growing_keeps_entries() {
        let mut m = RowMemo::default();
        m.put(5 << 32, got(1));
        m.put(6 << 32, got(2));
        m.grow();
        assert_eq!(m.get(5 << 32), Some(got(1)));
        assert_eq!(m.get(6 << 32), Some(got(2)));
    }

    #[test]
    fn a_bucket_keeps_its_three_newest_rows() {
        let mut m = RowMemo::default();
        // Same top bits: one bucket, before and after growing.
        for s in 1..=4u64 {
            m.put(s, got(s));
        }
        let kept = |m: &mut RowMemo| (1..=4u64).map(|s| m.get(s).is_some()).collect::<Vec<_>>();
        assert_eq!(kept(&mut m), [false, true, true, true]);
        m.grow();
        assert_eq!(kept(&mut m), [false, true, true, true]);
        // The oldest of them goes next.
        m.put(5, got(5));
        assert_eq!(m.get(2), None);
        assert_eq!(m.get(5), Some(got(5)));
    }

    #[test]
    fn items_past_the_32nd_are_not_remembered_cut_short() {
        let mut m = RowMemo::default();
        let many = Remembered {
            items: 1 << 40 | 1,
            rep: 9,
        };
        m.put(3, many);
        assert_eq!(m.get(3), None);
    }

    #[test]
    fn attached_memos_share_their_rows() {
        let table = Arc::new(SharedMemo::for_bytes(0));
        assert_eq!(table.buckets.len(), FIRST_BUCKETS);
        let (mut a, mut b) = (
            RowMemo::attached(Arc::clone(&table)),
            RowMemo::attached(Arc::clone(&table)),
        );
        // Put by one, found by the other.
        a.put(7, got(7));
        assert_eq!(b.get(7), Some(got(7)));
        assert_eq!(a.get(7), Some(got(7)));
        // Three a bucket, the newest kept (same top bits: one bucket).
        for s in 1..=4u64 {
            b.put(s << 8, got(s));
        }
        let kept: Vec<bool> = (1..=4u64).map(|s| a.get(s << 8).is_some()).collect();
        assert_eq!(kept, [false, true, true, true]);
        assert_eq!(a.get(7), None);
        // Items past the 32nd are not remembered, nor anything once switched off.
        a.put(
            3,
            Remembered {
                items: 1 << 40,
                rep: 1,
            },
        );
        assert_eq!(b.get(3), None);
        b.off = true;
        b.put(5, got(5));
        assert_eq!(a.get(5), None);
        // Sized for the file.
        assert_eq!(SharedMemo::for_bytes(1 << 30).buckets.len(), MAX_BUCKETS);
        assert_eq!(SharedMemo::for_bytes(1 << 25).buckets.len(), 1 << 16);
    }

    #[test]
    fn a_shared_entry_is_never_read_half_written() {
        // Four threads put and get rows of the same few buckets, as fast as they can: every
        // entry found must be the one put under its hash.
        let table = Arc::new(SharedMemo::for_bytes(0));
        let found: u64 = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..4u64)
                .map(|t| {
                    let mut m = RowMemo::attached(Arc::clone(&table));
                    scope.spawn(move || {
                        let mut found = 0u64;
                        let mut rng = crate::generate::Rng::new(t);
                        for _ in 0..200_000 {
                            // Two buckets, 16 rows.
                            let s = 1 + rng.below(16);
                            let sig = (s & 1) << 63 | s;
                            match m.get(sig) {
                                Some(g) => {
                                    assert_eq!(g, got(s), "row {s}");
                                    found += 1;
                                }
                                None => m.put(sig, got(s)),
                            }
                        }
                        found
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).sum()
        });
        assert!(found > 100_000, "{found}");
    }

    #[test]
    fn stays_on_while_rows_repeat() {
        let mut m = RowMemo::default();
        let mut rng = crate::generate::Rng::new(3);
        for _ in 0..2 * WARM {
            let sig = (1 + rng.below(50_000)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            if m.get(sig).is_none() {
                m.put(sig, got(1));
            }
        }
        assert!(m.on());
    }

    #[test]
    fn switches_off_when_nothing_repeats() {
        let mut m = RowMemo::default();
        let mut s = 0u64;
        while m.on() {
            s += 1;
            let sig = s.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            assert_eq!(m.get(sig), None);
            m.put(sig, got(s));
            assert!(
                s <= WARM + u64::from(WINDOW),
                "not switched off after {s} lookups"
            );
        }
        assert_eq!(m.buckets(), 0);
        // Off: nothing is stored or found any more.
        m.put(1, got(1));
        assert_eq!(m.get(1), None);
    }
}
