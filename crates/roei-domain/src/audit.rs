//! The append-only, hash-chained audit log. Each event's hash covers its own content and the
//! previous event's hash, so changing, removing or reordering any stored event breaks the chain
//! from that point; [`verify`] names the first broken link.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{OrgId, UserId, truncate};

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append; the store gives it its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditDraft {
    pub at: Timestamp,
    pub actor: Option<UserId>,
    pub org: Option<OrgId>,
    /// What happened, e.g. `case.open`, `user.login`.
    pub action: String,
    /// What it happened to, e.g. `case:0193…`.
    pub subject: String,
    /// Details, as canonical JSON text (serde_json of a `Value`: keys sorted).
    pub payload: String,
}

impl AuditDraft {
    pub fn new(
        at: Timestamp,
        actor: Option<UserId>,
        org: Option<OrgId>,
        action: &str,
        subject: impl Into<String>,
        payload: &serde_json::Value,
    ) -> Self {
        Self {
            at: truncate(at),
            actor,
            org,
            action: action.to_owned(),
            subject: subject.into(),
            payload: payload.to_string(),
        }
    }
}

/// An event in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// 1, 2, 3… without gaps.
    pub seq: i64,
    pub at: Timestamp,
    pub actor: Option<UserId>,
    pub org: Option<OrgId>,
    pub action: String,
    pub subject: String,
    pub payload: String,
    /// Hex SHA-256 of the previous event ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// Hex SHA-256 of this event's content and `prev_hash`.
    pub hash: String,
}

impl AuditEvent {
    /// The event's content, as it was drafted.
    pub fn content(&self) -> AuditDraft {
        AuditDraft {
            at: self.at,
            actor: self.actor,
            org: self.org,
            action: self.action.clone(),
            subject: self.subject.clone(),
            payload: self.payload.clone(),
        }
    }
}

/// The hash of event `seq` with this content, chained to `prev_hash`.
pub fn chain_hash(seq: i64, content: &AuditDraft, prev_hash: &str) -> String {
    let AuditDraft {
        at,
        actor,
        org,
        action,
        subject,
        payload,
    } = content;
    let mut h = Sha256::new();
    // Length-prefixed fields: no two different events hash the same input.
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(&seq.to_be_bytes());
    field(&at.as_microsecond().to_be_bytes());
    field(
        actor
            .map(|a| a.0.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(org.map(|o| o.0.to_string()).unwrap_or_default().as_bytes());
    field(action.as_bytes());
    field(subject.as_bytes());
    field(payload.as_bytes());
    field(prev_hash.as_bytes());
    hex::encode(h.finalize())
}

/// Seals `draft` as the event after `prev` (None for the first event).
pub fn seal(prev: Option<(&i64, &str)>, draft: &AuditDraft) -> AuditEvent {
    let (seq, prev_hash) = match prev {
        Some((seq, hash)) => (seq + 1, hash.to_owned()),
        None => (1, GENESIS.to_owned()),
    };
    // Stored timestamps have microsecond precision; seal what will be stored.
    let draft = &AuditDraft {
        at: truncate(draft.at),
        ..draft.clone()
    };
    let hash = chain_hash(seq, draft, &prev_hash);
    AuditEvent {
        seq,
        at: draft.at,
        actor: draft.actor,
        org: draft.org,
        action: draft.action.clone(),
        subject: draft.subject.clone(),
        payload: draft.payload.clone(),
        prev_hash,
        hash,
    }
}

/// The first place where the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at event {seq}: {problem}")]
pub struct BrokenLink {
    pub seq: i64,
    pub problem: String,
}

/// Walks events in order of `seq` and checks every link. Feed it in pages; `state` carries the
/// last verified (seq, hash) between pages. Returns the number of events checked.
pub fn verify<'a>(
    events: impl IntoIterator<Item = &'a AuditEvent>,
    state: &mut Option<(i64, String)>,
) -> Result<u64, BrokenLink> {
    let mut n = 0;
    for e in events {
        let (want_seq, want_prev) = match state {
            Some((seq, hash)) => (*seq + 1, hash.as_str()),
            None => (1, GENESIS),
        };
        if e.seq != want_seq {
            return Err(BrokenLink {
                seq: want_seq,
                problem: format!(
                    "expected event {want_seq}, found event {} (an event was removed or inserted)",
                    e.seq
                ),
            });
        }
        if e.prev_hash != want_prev {
            return Err(BrokenLink {
                seq: e.seq,
                problem: "its prev_hash does not match the previous event's hash".into(),
            });
        }
        let recomputed = chain_hash(e.seq, &e.content(), &e.prev_hash);
        if recomputed != e.hash {
            return Err(BrokenLink {
                seq: e.seq,
                problem: "its content does not match its hash (the event was altered)".into(),
            });
        }
        *state = Some((e.seq, e.hash.clone()));
        n += 1;
    }
    Ok(n)
}

/// What a walk over a whole stored chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSummary {
    /// Events checked.
    pub events: u64,
    /// The newest event's `seq` and `hash` (None for an empty log).
    pub head: Option<(i64, String)>,
}

/// Why a walk over a stored chain failed.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error(transparent)]
    Broken(#[from] BrokenLink),
    #[error(transparent)]
    Store(#[from] crate::StoreError),
}

/// Walks the whole chain in `store`, `page` events at a time, and checks every link. With
/// `expect` (a head recorded earlier, kept outside the database), also checks that this event
/// is still in the chain with this hash: the chain alone cannot show that its newest events
/// were deleted.
pub async fn verify_store(
    store: &dyn crate::Store,
    page: i64,
    expect: Option<(i64, &str)>,
) -> Result<ChainSummary, ChainError> {
    let mut state: Option<(i64, String)> = None;
    let mut events = 0;
    let mut seen_expected: Option<String> = None;
    loop {
        let after = state.as_ref().map_or(0, |(seq, _)| *seq);
        let batch = store.audit_events(after, page).await?;
        if let Some((seq, _)) = expect
            && let Some(found) = batch.iter().find(|e| e.seq == seq)
        {
            seen_expected = Some(found.hash.clone());
        }
        events += verify(&batch, &mut state)?;
        if i64::try_from(batch.len()).unwrap_or(i64::MAX) < page || batch.is_empty() {
            break;
        }
    }
    if let Some((seq, hash)) = expect {
        let last = state.as_ref().map_or(0, |(s, _)| *s);
        match seen_expected {
            None => {
                return Err(BrokenLink {
                    seq,
                    problem: format!(
                        "the expected head event is missing: the chain ends at event {last}, so the newest {} event(s) were deleted (or this is another database)",
                        seq - last
                    ),
                }
                .into());
            }
            Some(found) if found != hash => {
                return Err(BrokenLink {
                    seq,
                    problem: format!(
                        "its hash is {found}, not the expected {hash}: the chain was rewritten from there (or this is another database)"
                    ),
                }
                .into());
            }
            Some(_) => {}
        }
    }
    Ok(ChainSummary {
        events,
        head: state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditEvent> {
        let mut out: Vec<AuditEvent> = Vec::new();
        for i in 0..n {
            let d = AuditDraft::new(
                Timestamp::from_second(1_700_000_000 + i64::try_from(i).unwrap()).unwrap(),
                None,
                None,
                "test.event",
                format!("thing:{i}"),
                &serde_json::json!({"i": i}),
            );
            let e = seal(out.last().map(|e| (&e.seq, e.hash.as_str())), &d);
            out.push(e);
        }
        out
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        let mut state = None;
        assert_eq!(verify(&c, &mut state), Ok(5));
    }

    #[test]
    fn tampering_names_the_first_broken_link() {
        let mut c = chain(5);
        c[2].payload = r#"{"i":99}"#.into();
        let err = verify(&c, &mut None).unwrap_err();
        assert_eq!(err.seq, 3);
        assert!(err.problem.contains("altered"));

        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify(&c, &mut None).unwrap_err().seq, 2);

        // Rehashing an altered event still breaks the next link.
        let mut c = chain(5);
        c[2].payload = r#"{"i":99}"#.into();
        c[2].hash = chain_hash(c[2].seq, &c[2].content(), &c[2].prev_hash);
        let err = verify(&c, &mut None).unwrap_err();
        assert_eq!(err.seq, 4);
    }

    #[test]
    fn verification_works_in_pages() {
        let c = chain(6);
        let mut state = None;
        assert_eq!(verify(&c[..3], &mut state), Ok(3));
        assert_eq!(verify(&c[3..], &mut state), Ok(3));
    }
}
