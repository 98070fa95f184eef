//! `roei audit verify`: walks the hash-chained audit log and names the first broken link.
//!
//! The chain proves that no stored event was changed, removed or reordered — except at its
//! end: deleting the newest events leaves a shorter chain that is still intact. Keep the head
//! printed by an earlier run (or by `roei backup`) somewhere else and pass it back with
//! `--expect-head SEQ:HASH` to detect that too.

use roei_domain::Store;
use roei_domain::audit::{BrokenLink, ChainError, GENESIS, verify_store};

use crate::BadInput;

/// Events read per page.
pub const PAGE: i64 = 1000;

/// The newest event of the chain: its `seq` and `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.seq, self.hash)
    }
}

/// What the walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every link holds (and the expected head, if any, is in the chain).
    Intact { events: u64, head: Option<Head> },
    /// The first place where the chain (or the expected head) does not hold.
    Broken(BrokenLink),
}

impl Outcome {
    /// The line `roei audit verify` prints.
    pub fn line(&self) -> String {
        match self {
            Outcome::Intact { events, head } => {
                let head = head
                    .as_ref()
                    .map_or_else(|| format!("0 {GENESIS}"), Head::to_string);
                format!("audit chain OK: {events} events, head {head}")
            }
            Outcome::Broken(b) => format!("audit chain BROKEN at event {}: {}", b.seq, b.problem),
        }
    }
}

/// Parses `SEQ:HASH` as printed by `roei audit verify` (`SEQ HASH`, with a colon).
pub fn parse_head(s: &str) -> Result<Head, BadInput> {
    let bad = || {
        BadInput(format!(
            "--expect-head: \"{s}\" is not SEQ:HASH (an event number and its 64-hex-digit hash, as printed by `roei audit verify`)"
        ))
    };
    let (seq, hash) = s.trim().split_once(':').ok_or_else(bad)?;
    let seq: i64 = seq.trim().parse().map_err(|_| bad())?;
    let hash = hash.trim().to_ascii_lowercase();
    if seq < 1 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    Ok(Head { seq, hash })
}

/// Walks the whole chain in pages of [`PAGE`] (`roei_domain::audit::verify_store`); with
/// `expect`, also checks that this event is still in the chain with this hash.
pub async fn verify_chain(store: &dyn Store, expect: Option<&Head>) -> anyhow::Result<Outcome> {
    match verify_store(store, PAGE, expect.map(|h| (h.seq, h.hash.as_str()))).await {
        Ok(s) => Ok(Outcome::Intact {
            events: s.events,
            head: s.head.map(|(seq, hash)| Head { seq, hash }),
        }),
        Err(ChainError::Broken(b)) => Ok(Outcome::Broken(b)),
        Err(ChainError::Store(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_parse_strictly() {
        let h = parse_head(&format!("12:{}", "A".repeat(64))).unwrap();
        assert_eq!(h.seq, 12);
        assert_eq!(h.hash, "a".repeat(64));
        for bad in [
            "12",
            "x:abc",
            "0:abc",
            &format!("-1:{}", "a".repeat(64)),
            "3:zz",
        ] {
            assert!(parse_head(bad).is_err(), "{bad}");
        }
    }
}
