//! `roei audit verify`: walks the hash-chained audit log and names the first broken link.
//!
//! The chain proves that no stored event was changed, removed or reordered — except at its
//! end: deleting the newest events leaves a shorter chain that is still intact. Keep the head
//! printed by an earlier run (or by `roei backup`) somewhere else and pass it back with
//! `--expect-head SEQ:HASH` to detect that too.

use roei_domain::Store;
use roei_domain::audit::{BrokenLink, GENESIS, verify};

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

/// Walks the whole chain in pages of [`PAGE`]; with `expect`, also checks that this event is
/// still in the chain with this hash.
pub async fn verify_chain(store: &dyn Store, expect: Option<&Head>) -> anyhow::Result<Outcome> {
    let mut state: Option<(i64, String)> = None;
    let mut events = 0u64;
    let mut seen_expected: Option<String> = None;
    loop {
        let after = state.as_ref().map_or(0, |(seq, _)| *seq);
        let page = store.audit_events(after, PAGE).await?;
        if let Some(e) = expect
            && let Some(found) = page.iter().find(|ev| ev.seq == e.seq)
        {
            seen_expected = Some(found.hash.clone());
        }
        match verify(&page, &mut state) {
            Ok(n) => events += n,
            Err(broken) => return Ok(Outcome::Broken(broken)),
        }
        if i64::try_from(page.len()).unwrap_or(i64::MAX) < PAGE {
            break;
        }
    }
    let head = state.map(|(seq, hash)| Head { seq, hash });
    if let Some(e) = expect {
        let last = head.as_ref().map_or(0, |h| h.seq);
        match seen_expected {
            None => {
                return Ok(Outcome::Broken(BrokenLink {
                    seq: e.seq,
                    problem: format!(
                        "the expected head event is missing: the chain ends at event {last}, so the newest {} event(s) were deleted (or this is another database)",
                        e.seq - last
                    ),
                }));
            }
            Some(hash) if hash != e.hash => {
                return Ok(Outcome::Broken(BrokenLink {
                    seq: e.seq,
                    problem: format!(
                        "its hash is {hash}, not the expected {}: the chain was rewritten from there (or this is another database)",
                        e.hash
                    ),
                }));
            }
            Some(_) => {}
        }
    }
    Ok(Outcome::Intact { events, head })
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
