//! The linkage rule: union-find over identifier keys (64-bit hashes of e-mail, phone, My Number,
//! card number, name + birth date). Memory grows with the number of distinct identifiers, not
//! with the input.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

/// Keys are already uniform hashes: the map uses them as they are.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(*b) ^ (self.0 >> 56);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap = HashMap<u64, u32, BuildHasherDefault<KeyHasher>>;

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

/// The 64-bit key of an identifier value (already normalized).
pub fn key(tag: KeyTag, value: &[u8]) -> u64 {
    let mut h = foldhash::quality::FixedState::with_seed(SEED).build_hasher();
    h.write_u8(tag as u8);
    h.write(value);
    h.finish()
}

/// Distinct persons under the linkage rule.
#[derive(Debug, Default, Clone)]
pub struct Linker {
    index: KeyMap,
    parent: Vec<u32>,
    card: Vec<bool>,
    /// Records with personal data and no identifier: one person each.
    singles: u64,
}

impl Linker {
    fn node(&mut self, k: u64) -> u32 {
        let next = u32::try_from(self.parent.len()).expect("fewer than 2^32 identifiers");
        let n = *self.index.entry(k).or_insert(next);
        if n == next {
            self.parent.push(n);
            self.card.push(false);
        }
        n
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) -> u32 {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return ra;
        }
        // The older node stays the root: roots of long-lived components do not move.
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[child as usize] = root;
        if self.card[child as usize] {
            self.card[root as usize] = true;
        }
        root
    }

    /// One record: its identifier keys (may be empty), whether one of them is a valid card
    /// number, whether it holds personal data at all.
    pub fn add(&mut self, keys: &[u64], has_card: bool, personal: bool) {
        let Some((&first, rest)) = keys.split_first() else {
            if personal {
                self.singles += 1;
            }
            return;
        };
        let mut root = self.node(first);
        for &k in rest {
            let n = self.node(k);
            root = self.union(root, n);
        }
        if has_card {
            let r = self.find(root);
            self.card[r as usize] = true;
        }
    }

    /// Folds `other` in: its components are joined to ours through the keys they share.
    pub fn merge(&mut self, mut other: Linker) {
        if self.parent.is_empty() {
            let singles = self.singles;
            *self = other;
            self.singles += singles;
            return;
        }
        self.singles += other.singles;
        let mut mine: Vec<u32> = vec![u32::MAX; other.parent.len()];
        let entries: Vec<(u64, u32)> = other.index.iter().map(|(k, n)| (*k, *n)).collect();
        for (k, n) in entries {
            let r = other.find(n) as usize;
            let here = self.node(k);
            mine[r] = if mine[r] == u32::MAX {
                here
            } else {
                self.union(mine[r], here)
            };
        }
        for (r, m) in mine.into_iter().enumerate() {
            if m != u32::MAX && other.card[r] {
                let root = self.find(m);
                self.card[root as usize] = true;
            }
        }
    }

    /// (persons, persons with a card number).
    pub fn count(&mut self) -> (u64, u64) {
        let mut persons = self.singles;
        let mut with_card = 0;
        for i in 0..self.parent.len() {
            let i = u32::try_from(i).expect("u32 nodes");
            if self.find(i) == i {
                persons += 1;
                if self.card[i as usize] {
                    with_card += 1;
                }
            }
        }
        (persons, with_card)
    }

    /// Distinct identifiers held.
    pub fn identifiers(&self) -> usize {
        self.parent.len()
    }
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
}
