//! The linkage rule: union-find over identifier keys (64-bit hashes of e-mail, phone, My Number,
//! card number, name + birth date). Memory grows with the number of distinct identifiers, not
//! with the input.
//!
//! The keys live in one open-addressing table whose slots are also the union-find's nodes
//! (key, parent, card flag in 16 bytes): looking a key up and reading its parent is one cache
//! line. Records are linked in batches; before a batch is linked, every key's home slot is read
//! once, independently of the others, so that the processor fetches them from memory in
//! parallel instead of one cache miss after another.
//!
//! The workers reading the chunks of one large file link into one [`SharedLinker`] at once
//! (compare-and-swap on the slots), instead of each building a table of its own and merging
//! them at the end: no serial merge, and one table's memory instead of one per worker.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{
    AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering::Relaxed, Ordering::SeqCst,
};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};

use rayon::prelude::*;

/// What an identifier is; part of its key so that a phone number and a My Number with the same
/// digits stay apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum KeyTag {
    Email = 1,
    Phone = 2,
    MyNumber = 3,
    Card = 4,
    NameBirth = 5,
}

const SEED: u64 = 0x726f_6569_7363_616e; // "roeiscan"

/// The hasher of every key, started with the identifier's tag.
fn hasher(tag: KeyTag) -> impl Hasher {
    let mut h = foldhash::quality::FixedState::with_seed(SEED).build_hasher();
    h.write_u8(tag as u8);
    h
}

/// The 64-bit key of an identifier value (already normalized); never 0 (0 marks an empty slot).
pub fn key(tag: KeyTag, value: &[u8]) -> u64 {
    let mut h = hasher(tag);
    h.write(value);
    h.finish().max(1)
}

/// The key of a name (its name key) with a birth date (`yyyymmdd`), hashed from the two parts
/// (the name, a 0 byte, the date) without building one value of them.
pub fn name_birth_key(name: &[u8], birth: u32) -> u64 {
    let mut h = hasher(KeyTag::NameBirth);
    h.write(name);
    h.write_u8(0);
    h.write_u32(birth);
    h.finish().max(1)
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// 0: empty.
    key: u64,
    /// The parent node (a slot index); a root is its own parent.
    parent: u32,
    /// At a root: a person with a valid card number.
    card: bool,
}

/// Records linked at once (see the module's note on memory-level parallelism).
const BATCH: usize = 64;
const MIN_SLOTS: usize = 1 << 10;
/// Keys of the other table merged at once.
const MERGE_BATCH: usize = 256;

/// The table is grown before more than 5/8 of its slots are taken.
fn fits(keys: usize, slots: usize) -> bool {
    (keys + 1) * 8 <= slots * 5
}

/// The slot where the search for `k` starts in a table of `slots` (a power of two) slots.
#[allow(clippy::cast_possible_truncation)]
fn home(k: u64, slots: usize) -> usize {
    (k as usize) & (slots - 1)
}

/// The records of a batch: each one's keys (ending at its end in `pending`) and card flag.
fn each_record<'a>(
    pending: &'a [u64],
    records: &'a [(u32, bool)],
) -> impl Iterator<Item = (&'a [u64], bool)> {
    let mut start = 0;
    records.iter().map(move |&(end, card)| {
        let keys = &pending[start..end as usize];
        start = end as usize;
        (keys, card)
    })
}

/// Distinct persons under the linkage rule.
#[derive(Debug, Clone)]
pub struct Linker {
    slots: Vec<Slot>,
    len: usize,
    /// Records with personal data and no identifier: one person each.
    singles: u64,
    /// Keys of the records not yet linked, and each record's end in `pending` and card flag.
    pending: Vec<u64>,
    records: Vec<(u32, bool)>,
    /// Attached to a table shared with other workers: records are linked there, not in
    /// `slots` (see [`Linker::attached`]).
    shared: Option<Arc<SharedLinker>>,
}

impl Default for Linker {
    fn default() -> Self {
        Linker {
            slots: Vec::new(),
            len: 0,
            singles: 0,
            pending: Vec::with_capacity(BATCH * 8),
            records: Vec::with_capacity(BATCH),
            shared: None,
        }
    }
}

impl Linker {
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    fn home(&self, k: u64) -> usize {
        home(k, self.slots.len())
    }

    /// A linker whose records are linked in `table`, which other workers link into too. Its
    /// own count holds only the records without identifiers; [`Linker::detach`] it when done,
    /// then take the persons from [`SharedLinker::into_linker`].
    pub fn attached(table: Arc<SharedLinker>) -> Linker {
        Linker {
            shared: Some(table),
            ..Linker::default()
        }
    }

    /// Links what is buffered into the shared table and lets go of it.
    pub fn detach(&mut self) {
        self.flush();
        self.shared = None;
    }

    /// The node of `k`, inserted as a root of its own when new.
    fn node(&mut self, k: u64) -> u32 {
        if !fits(self.len, self.slots.len()) {
            self.grow();
        }
        let mask = self.mask();
        let mut i = self.home(k);
        loop {
            let s = self.slots[i];
            if s.key == k {
                return u32::try_from(i).expect("fewer than 2^32 slots");
            }
            if s.key == 0 {
                let n = u32::try_from(i).expect("fewer than 2^32 slots");
                self.slots[i] = Slot {
                    key: k,
                    parent: n,
                    card: false,
                };
                self.len += 1;
                return n;
            }
            i = (i + 1) & mask;
        }
    }

    /// Doubles the table; parents are renumbered to the new slots.
    fn grow(&mut self) {
        self.grow_holding(&mut []);
    }

    /// [`Self::grow`], renumbering also the slot numbers the caller holds in `held`
    /// (`u32::MAX`: none).
    fn grow_holding(&mut self, held: &mut [u32]) {
        let old = std::mem::take(&mut self.slots);
        let size = (old.len() * 2).max(MIN_SLOTS);
        self.slots = vec![Slot::default(); size];
        let mask = size - 1;
        let mut moved = vec![0u32; old.len()];
        for (o, s) in old.iter().enumerate() {
            if s.key == 0 {
                continue;
            }
            let mut i = self.home(s.key);
            while self.slots[i].key != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = *s;
            moved[o] = u32::try_from(i).expect("fewer than 2^32 slots");
        }
        for s in &mut self.slots {
            if s.key != 0 {
                s.parent = moved[s.parent as usize];
            }
        }
        for h in held.iter_mut().filter(|h| **h != u32::MAX) {
            *h = moved[*h as usize];
        }
    }

    /// Room for `more` keys without growing: slot numbers held meanwhile stay valid.
    fn reserve(&mut self, more: usize) {
        self.reserve_holding(more, &mut []);
    }

    /// [`Self::reserve`], renumbering the slot numbers in `held` if the table grows.
    fn reserve_holding(&mut self, more: usize, held: &mut [u32]) {
        while !fits(self.len + more, self.slots.len()) {
            self.grow_holding(held);
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        loop {
            let p = self.slots[x as usize].parent;
            if p == x {
                return x;
            }
            let gp = self.slots[p as usize].parent;
            self.slots[x as usize].parent = gp;
            x = p;
        }
    }

    fn union(&mut self, a: u32, b: u32) -> u32 {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return ra;
        }
        // Lower slot index stays the root: deterministic whatever the order of the batch.
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.slots[child as usize].parent = root;
        if self.slots[child as usize].card {
            self.slots[root as usize].card = true;
        }
        root
    }

    fn link(&mut self, keys: &[u64], has_card: bool) {
        let Some((&first, rest)) = keys.split_first() else {
            return;
        };
        let mut root = self.node(first);
        for &k in rest {
            let n = self.node(k);
            root = self.union(root, n);
        }
        if has_card {
            let r = self.find(root);
            self.slots[r as usize].card = true;
        }
    }

    /// Links the buffered records.
    fn flush(&mut self) {
        if self.records.is_empty() {
            return;
        }
        if let Some(table) = &self.shared {
            table.link(&self.pending, &self.records);
            self.pending.clear();
            self.records.clear();
            return;
        }
        // Grown for the whole batch before the home slots are touched (and so that no node
        // moves while the batch is linked).
        self.reserve(self.pending.len());
        // Read every key's home slot once, independently of the others: the loads overlap.
        let mut touch = 0u64;
        for &k in &self.pending {
            let s = self.slots[self.home(k)];
            touch ^= s.key ^ u64::from(s.parent);
        }
        // Then, the same way, the parent of each key found at home (usually its root, after
        // path halving): the second load of `find`, which would otherwise miss one at a time.
        for &k in &self.pending {
            let s = self.slots[self.home(k)];
            if s.key == k {
                touch ^= u64::from(self.slots[s.parent as usize].parent);
            }
        }
        std::hint::black_box(touch);
        let pending = std::mem::take(&mut self.pending);
        let records = std::mem::take(&mut self.records);
        for (keys, card) in each_record(&pending, &records) {
            self.link(keys, card);
        }
        self.pending = pending;
        self.pending.clear();
        self.records = records;
        self.records.clear();
    }

    /// One record: its identifier keys (may be empty), whether one of them is a valid card
    /// number, whether it holds personal data at all.
    pub fn add(&mut self, keys: &[u64], has_card: bool, personal: bool) {
        if keys.is_empty() {
            if personal {
                self.singles += 1;
            }
            return;
        }
        self.pending.extend_from_slice(keys);
        let end = u32::try_from(self.pending.len()).expect("small batches");
        self.records.push((end, has_card));
        if self.records.len() >= BATCH {
            self.flush();
        }
    }

    /// Folds `other` in: its components are joined to ours through the keys they share. The
    /// smaller table is folded into the larger (merging costs a lookup per key folded in).
    /// Neither may be attached to a shared table.
    pub fn merge(&mut self, mut other: Linker) {
        debug_assert!(
            self.shared.is_none() && other.shared.is_none(),
            "detach before merging"
        );
        self.flush();
        other.flush();
        if other.len > self.len {
            std::mem::swap(self, &mut other);
        }
        self.singles += other.singles;
        if other.len == 0 {
            return;
        }
        // The node here of each of `other`'s roots.
        let mut mine: Vec<u32> = vec![u32::MAX; other.slots.len()];
        // `other`'s keys in batches, as in `flush`: the slots a batch needs are read once,
        // independently, before it is linked. The table grows between batches, as the keys
        // that are new here require (most are usually shared), not for all of `other` at once.
        let mut batch: Vec<u32> = Vec::with_capacity(MERGE_BATCH);
        let n = other.slots.len();
        let mut i = 0;
        while i < n {
            batch.clear();
            while i < n && batch.len() < MERGE_BATCH {
                if other.slots[i].key != 0 {
                    batch.push(u32::try_from(i).expect("u32 slots"));
                }
                i += 1;
            }
            self.reserve_holding(batch.len(), &mut mine);
            let mut touch = 0u64;
            for &j in &batch {
                let o = other.slots[j as usize];
                let s = self.slots[self.home(o.key)];
                touch ^= s.key ^ u64::from(other.slots[o.parent as usize].parent);
            }
            // Second round, with what the first brought in: the node here of the key's root
            // there, and the parent here of the key.
            for &j in &batch {
                let o = other.slots[j as usize];
                touch ^= u64::from(mine[o.parent as usize]);
                let s = self.slots[self.home(o.key)];
                if s.key == o.key {
                    touch ^= u64::from(self.slots[s.parent as usize].parent);
                }
            }
            std::hint::black_box(touch);
            for &j in &batch {
                let k = other.slots[j as usize].key;
                let r = other.find(j) as usize;
                let here = self.node(k);
                mine[r] = if mine[r] == u32::MAX {
                    here
                } else {
                    self.union(mine[r], here)
                };
            }
        }
        for (r, m) in mine.into_iter().enumerate() {
            if m != u32::MAX && other.slots[r].card {
                let root = self.find(m);
                self.slots[root as usize].card = true;
            }
        }
    }

    /// (persons, persons with a card number).
    pub fn count(&mut self) -> (u64, u64) {
        self.flush();
        let mut persons = self.singles;
        let mut with_card = 0;
        for (i, s) in self.slots.iter().enumerate() {
            if s.key != 0 && s.parent as usize == i {
                persons += 1;
                if s.card {
                    with_card += 1;
                }
            }
        }
        (persons, with_card)
    }

    /// Distinct identifiers held.
    pub fn identifiers(&mut self) -> usize {
        self.flush();
        self.len
    }
}

/// A slot of [`SharedLinker`]: [`Slot`] with atomic fields.
#[derive(Debug)]
struct SharedSlot {
    key: AtomicU64,
    parent: AtomicU32,
    /// At a root: a person with a valid card number (set elsewhere too, harmlessly).
    card: AtomicBool,
}

/// One identifier table that several workers link records into at once.
///
/// Keys are inserted with a compare-and-swap on an empty slot; a union sets, with a
/// compare-and-swap, the parent of the root with the larger slot number to the other root.
/// Every parent is therefore a smaller slot number than its child (growing the table keeps
/// that: each person's root becomes the member in the lowest new slot), so no interleaving
/// makes a cycle, and the persons found do not depend on it. The table only grows while no
/// batch is being linked (a write lock; batches hold the read lock), when the keys already
/// in it and those that the batches in progress may still add would fill more than 5/8.
#[derive(Debug)]
pub struct SharedLinker {
    slots: RwLock<Vec<SharedSlot>>,
    /// Keys in the table, plus the keys of the batches being linked (they may all be new).
    claimed: AtomicUsize,
}

impl Default for SharedLinker {
    fn default() -> Self {
        SharedLinker {
            slots: RwLock::new(empty_shared(MIN_SLOTS)),
            claimed: AtomicUsize::new(0),
        }
    }
}

fn empty_shared(size: usize) -> Vec<SharedSlot> {
    (0..size)
        .map(|i| SharedSlot {
            key: AtomicU64::new(0),
            // An empty slot is its own root already: a key stored in it needs no second write.
            parent: AtomicU32::new(u32::try_from(i).expect("fewer than 2^32 slots")),
            card: AtomicBool::new(false),
        })
        .collect()
}

fn shared_home(slots: &[SharedSlot], k: u64) -> usize {
    home(k, slots.len())
}

/// The slot of `k`, taken when new (`taken` counts it).
fn shared_node(slots: &[SharedSlot], k: u64, taken: &mut usize) -> u32 {
    let mask = slots.len() - 1;
    let mut i = shared_home(slots, k);
    loop {
        let s = &slots[i];
        let mut now = s.key.load(Relaxed);
        if now == 0 {
            match s.key.compare_exchange(0, k, Relaxed, Relaxed) {
                Ok(_) => {
                    *taken += 1;
                    return u32::try_from(i).expect("fewer than 2^32 slots");
                }
                Err(other) => now = other,
            }
        }
        if now == k {
            return u32::try_from(i).expect("fewer than 2^32 slots");
        }
        i = (i + 1) & mask;
    }
}

fn shared_find(slots: &[SharedSlot], mut x: u32) -> u32 {
    loop {
        let p = slots[x as usize].parent.load(Relaxed);
        if p == x {
            return x;
        }
        let gp = slots[p as usize].parent.load(Relaxed);
        if gp != p {
            // Path halving; if another worker changed the parent meanwhile, its value stands.
            let _ = slots[x as usize]
                .parent
                .compare_exchange(p, gp, Relaxed, Relaxed);
        }
        x = p;
    }
}

fn shared_union(slots: &[SharedSlot], a: u32, b: u32) -> u32 {
    loop {
        let (ra, rb) = (shared_find(slots, a), shared_find(slots, b));
        if ra == rb {
            return ra;
        }
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        // Only a root is linked: if `child` was linked meanwhile, look again.
        if slots[child as usize]
            .parent
            .compare_exchange(child, root, SeqCst, Relaxed)
            .is_ok()
        {
            // A card flag set at `child` before it was linked moves up (see `shared_card`).
            if slots[child as usize].card.load(SeqCst) {
                shared_card(slots, root);
            }
            return root;
        }
    }
}

/// Sets the card flag at the root of `x`. The flag is set, then the root checked to be one
/// still; a union links, then checks the flag of what it linked (both sequentially
/// consistent): whichever comes second sees the other, so a flag always reaches the root.
fn shared_card(slots: &[SharedSlot], mut x: u32) {
    loop {
        let r = shared_find(slots, x);
        slots[r as usize].card.store(true, SeqCst);
        if slots[r as usize].parent.load(SeqCst) == r {
            return;
        }
        x = r;
    }
}

impl SharedLinker {
    /// The table, with room for `more` new keys until the guard is dropped and `more` is
    /// taken off `claimed` again.
    fn room(&self, more: usize) -> RwLockReadGuard<'_, Vec<SharedSlot>> {
        loop {
            {
                let slots = self.slots.read().unwrap_or_else(PoisonError::into_inner);
                let claimed = self.claimed.fetch_add(more, Relaxed) + more;
                if fits(claimed, slots.len()) {
                    return slots;
                }
                self.claimed.fetch_sub(more, Relaxed);
            }
            let mut slots = self.slots.write().unwrap_or_else(PoisonError::into_inner);
            // No batch is in progress: `claimed` is the number of keys.
            if !fits(self.claimed.load(Relaxed) + more, slots.len()) {
                *slots = grown(&slots);
            }
        }
    }

    /// Links one batch of records (as [`Linker::flush`]: `records` ends in `pending`).
    fn link(&self, pending: &[u64], records: &[(u32, bool)]) {
        let slots = self.room(pending.len());
        // The home slots, then the parents found there, read independently first (see the
        // module's note).
        let mut touch = 0u64;
        for &k in pending {
            let s = &slots[shared_home(&slots, k)];
            touch ^= s.key.load(Relaxed) ^ u64::from(s.parent.load(Relaxed));
        }
        for &k in pending {
            let s = &slots[shared_home(&slots, k)];
            if s.key.load(Relaxed) == k {
                touch ^= u64::from(slots[s.parent.load(Relaxed) as usize].parent.load(Relaxed));
            }
        }
        std::hint::black_box(touch);
        let mut taken = 0;
        for (keys, card) in each_record(pending, records) {
            if let Some((&first, rest)) = keys.split_first() {
                let mut root = shared_node(&slots, first, &mut taken);
                for &k in rest {
                    let n = shared_node(&slots, k, &mut taken);
                    root = shared_union(&slots, root, n);
                }
                if card {
                    shared_card(&slots, root);
                }
            }
        }
        // The keys that turned out not to be new give their room back.
        self.claimed.fetch_sub(pending.len() - taken, Relaxed);
    }

    /// The table as a [`Linker`] of its own, once every worker has detached.
    pub fn into_linker(self) -> Linker {
        let shared = self
            .slots
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let slots: Vec<Slot> = shared
            .par_iter()
            .map(|s| Slot {
                key: s.key.load(Relaxed),
                parent: s.parent.load(Relaxed),
                card: s.card.load(Relaxed),
            })
            .collect();
        Linker {
            // No batch is in progress: the keys claimed are the keys.
            len: self.claimed.into_inner(),
            slots,
            ..Linker::default()
        }
    }
}

/// `old` in a table twice its size. Each person's members point straight at the member in the
/// lowest new slot, so parents stay lower than their children.
fn grown(old: &[SharedSlot]) -> Vec<SharedSlot> {
    let size = old.len() * 2;
    let new = empty_shared(size);
    let mask = size - 1;
    let none = u32::MAX;
    let mut moved = vec![none; old.len()];
    for (o, s) in old.iter().enumerate() {
        let k = s.key.load(Relaxed);
        if k == 0 {
            continue;
        }
        let mut i = shared_home(&new, k);
        while new[i].key.load(Relaxed) != 0 {
            i = (i + 1) & mask;
        }
        new[i].key.store(k, Relaxed);
        moved[o] = u32::try_from(i).expect("fewer than 2^32 slots");
    }
    // The old root of each old slot (full path compression on a plain copy of the parents),
    // then the lowest new slot among each root's members.
    let mut parent: Vec<u32> = old.iter().map(|s| s.parent.load(Relaxed)).collect();
    let mut lowest = vec![none; old.len()];
    for (o, &to) in moved.iter().enumerate() {
        if to == none {
            continue;
        }
        let start = u32::try_from(o).expect("u32 slots");
        let mut r = start;
        while parent[r as usize] != r {
            r = parent[r as usize];
        }
        let mut x = start;
        while parent[x as usize] != r {
            let next = parent[x as usize];
            parent[x as usize] = r;
            x = next;
        }
        lowest[r as usize] = lowest[r as usize].min(to);
    }
    for (o, &to) in moved.iter().enumerate() {
        if to != none {
            let root = lowest[parent[o] as usize];
            new[to as usize].parent.store(root, Relaxed);
            // The flag of any member is the person's: it goes to the new root.
            if old[o].card.load(Relaxed) {
                new[root as usize].card.store(true, Relaxed);
            }
        }
    }
    new
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitive_and_merge() {
        let e = |s: &str| key(KeyTag::Email, s.as_bytes());
        let p = |s: &str| key(KeyTag::Phone, s.as_bytes());
        let mut a = Linker::default();
        a.add(&[e("a"), p("1")], false, true);
        a.add(&[p("1"), e("b")], false, true);
        a.add(&[], false, true);
        a.add(&[], false, false);
        let mut b = Linker::default();
        b.add(
            &[e("b"), key(KeyTag::Card, b"4111111111111111")],
            true,
            true,
        );
        b.add(&[e("c")], false, true);
        assert_eq!(b.clone().count(), (2, 1));
        a.merge(b);
        assert_eq!(a.count(), (3, 1));
        assert_ne!(e("1"), p("1"), "the tag keeps kinds apart");
    }

    #[test]
    fn merge_that_grows_the_table_keeps_components() {
        // Records linking key i with key i+1 for even i: components {i, i+1}. Split between two
        // linkers so that merging doubles the table several times; the count must equal the
        // count of one linker given all records.
        let k = |i: u64| key(KeyTag::Phone, &i.to_le_bytes());
        let mut one = Linker::default();
        let mut a = Linker::default();
        let mut b = Linker::default();
        for i in (0..20_000u64).step_by(2) {
            let rec = [k(i), k(i + 1), k(i / 3 * 3)];
            one.add(&rec, i % 7 == 0, true);
            if i < 2_000 {
                a.add(&rec, i % 7 == 0, true);
            } else {
                b.add(&rec, i % 7 == 0, true);
            }
        }
        a.add(&[], false, true);
        a.merge(b);
        let mut expect = one.clone();
        expect.singles += 1;
        assert_eq!(a.count(), expect.count());
    }

    /// Records linking keys `i`, `i + 1` and `i / 3 * 3` for even `i`, some with a card.
    fn chain_records(n: u64) -> Vec<([u64; 3], bool)> {
        let k = |i: u64| key(KeyTag::Phone, &i.to_le_bytes());
        (0..n)
            .step_by(2)
            .map(|i| ([k(i), k(i + 1), k(i / 3 * 3)], i % 7 == 0))
            .collect()
    }

    #[test]
    fn workers_linking_into_one_shared_table_find_the_persons_of_one_linker() {
        // Four threads, each a quarter of the records in an order of its own, into a table
        // that starts at its smallest and doubles many times while they link.
        let records = chain_records(200_000);
        let mut one = Linker::default();
        for (keys, card) in &records {
            one.add(keys, *card, true);
        }
        let expect = one.count();
        for round in 0..3u64 {
            let table = Arc::new(SharedLinker::default());
            std::thread::scope(|s| {
                for w in 0..4u64 {
                    let table = Arc::clone(&table);
                    let records = &records;
                    s.spawn(move || {
                        let mut l = Linker::attached(table);
                        let mine: Vec<_> = records
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| (*i as u64 + round) % 4 == w)
                            .collect();
                        let backwards = (w + round) % 2 == 1;
                        for j in 0..mine.len() {
                            let (_, (keys, card)) =
                                mine[if backwards { mine.len() - 1 - j } else { j }];
                            l.add(keys, *card, true);
                        }
                        l.add(&[], false, true);
                        l.detach();
                        assert_eq!(l.count(), (1, 0), "only the record without keys stays here");
                    });
                }
            });
            let mut linked = Arc::into_inner(table).expect("detached").into_linker();
            assert_eq!(linked.identifiers(), one.identifiers(), "round {round}");
            assert_eq!(linked.count(), expect, "round {round}");
        }
    }

    #[test]
    fn growing_the_shared_table_keeps_parents_below_children() {
        let records = chain_records(20_000);
        let table = SharedLinker::default();
        for chunk in records.chunks(50) {
            let mut pending = Vec::new();
            let mut ends = Vec::new();
            for (keys, card) in chunk {
                pending.extend_from_slice(keys);
                ends.push((u32::try_from(pending.len()).unwrap(), *card));
            }
            table.link(&pending, &ends);
            let slots = table.slots.read().unwrap();
            for (i, s) in slots.iter().enumerate() {
                assert!(s.parent.load(Relaxed) as usize <= i, "slot {i}");
            }
        }
    }
}
