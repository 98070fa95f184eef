//! The conformance suite every [`Store`] backend runs against a real, empty database.
//!
//! A backend's test file provides `async fn fresh() -> (Arc<dyn Store>, Box<dyn Tamper>)` and
//! expands [`crate::conformance_tests!`]`(fresh)`, which makes one `#[tokio::test]` per case.

#![allow(clippy::missing_panics_doc, clippy::unwrap_used)]

use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;
use roei_law::{Facts, Regime};

use crate::audit::{self, AuditDraft};
use crate::model::{CaseId, Entrustment, OrgKind, Organisation, Role, User};
use crate::service::{self, Actor};
use crate::{DomainError, Store, StoreError};

/// Direct writes to the database, bypassing the store, to prove tampering is detected.
#[async_trait]
pub trait Tamper: Send + Sync {
    /// Overwrites the payload of audit event `seq`.
    async fn set_audit_payload(&self, seq: i64, payload: &str);
    /// Deletes audit event `seq`.
    async fn delete_audit(&self, seq: i64);
}

fn now(offset_s: i64) -> Timestamp {
    Timestamp::from_second(1_795_000_000 + offset_s).unwrap()
}

fn draft(action: &str, subject: &str) -> AuditDraft {
    AuditDraft::new(
        now(0),
        None,
        None,
        action,
        subject,
        &serde_json::json!({"k": "v"}),
    )
}

async fn operator(store: &dyn Store, name: &str, email: &str, role: Role) -> Actor {
    let org = Organisation::new(name, OrgKind::Operator, Some(Regime::Private), now(0)).unwrap();
    store
        .create_organisation(&org, &draft("org.create", name))
        .await
        .unwrap();
    let user = User::new(
        org.id,
        email,
        "担当者",
        role,
        "$argon2id$fake".into(),
        now(0),
    )
    .unwrap();
    store
        .create_user(&user, &draft("user.create", email))
        .await
        .unwrap();
    Actor { user, org }
}

fn facts(persons: u64) -> Facts {
    Facts::from_json(&format!(
        r#"{{"known_on":"2026-11-30","events":["leak"],"data_items":["name","email"],"cause":"misconfiguration","persons":{persons}}}"#
    ))
    .unwrap()
}

async fn verify_all(store: &dyn Store) -> Result<u64, audit::BrokenLink> {
    let mut state = None;
    let mut total = 0;
    let mut after = 0;
    loop {
        let page = store.audit_events(after, 3).await.unwrap();
        if page.is_empty() {
            return Ok(total);
        }
        after = page.last().unwrap().seq;
        total += audit::verify(&page, &mut state)?;
    }
}

pub async fn organisations_and_users_round_trip(store: Arc<dyn Store>) {
    let a = operator(&*store, "株式会社ロエイ", "Officer@Example.JP", Role::Admin).await;
    let got = store.organisation(a.org.id).await.unwrap().unwrap();
    assert_eq!(got, a.org);
    assert_eq!(
        store.list_organisations().await.unwrap(),
        vec![a.org.clone()]
    );
    let u = store
        .user_by_email("officer@example.jp")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u, a.user);
    assert_eq!(u.password_hash, "$argon2id$fake");
    assert_eq!(store.user(a.user.id).await.unwrap().unwrap(), a.user);
    assert_eq!(
        store.list_users(a.org.id).await.unwrap(),
        vec![a.user.clone()]
    );
    let regulator =
        Organisation::new("個人情報保護委員会", OrgKind::Regulator, None, now(1)).unwrap();
    store
        .create_organisation(&regulator, &draft("org.create", "ppc"))
        .await
        .unwrap();
    assert_eq!(
        store
            .organisation(regulator.id)
            .await
            .unwrap()
            .unwrap()
            .regime,
        None
    );
    store
        .set_password_hash(a.user.id, "$argon2id$new", &draft("user.password", "u"))
        .await
        .unwrap();
    assert_eq!(
        store.user(a.user.id).await.unwrap().unwrap().password_hash,
        "$argon2id$new"
    );
    assert!(matches!(
        store
            .set_password_hash(
                crate::model::UserId::new(),
                "x",
                &draft("user.password", "u")
            )
            .await,
        Err(StoreError::NotFound)
    ));
}

pub async fn a_failed_change_writes_nothing(store: Arc<dyn Store>) {
    let a = operator(&*store, "A社", "a@example.jp", Role::Admin).await;
    let before = store.audit_events(0, 1000).await.unwrap().len();
    let dup = User::new(
        a.org.id,
        "A@example.jp",
        "別人",
        Role::Member,
        "h".into(),
        now(2),
    )
    .unwrap();
    let err = store
        .create_user(&dup, &draft("user.create", "dup"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(
        store.audit_events(0, 1000).await.unwrap().len(),
        before,
        "no audit event for a failed change"
    );
    assert_eq!(store.list_users(a.org.id).await.unwrap().len(), 1);
}

pub async fn cases_are_scoped_to_their_organisation(store: Arc<dyn Store>) {
    let a = operator(&*store, "A社", "a@example.jp", Role::Member).await;
    let b = operator(&*store, "B社", "b@example.jp", Role::Member).await;
    let (case, first) = service::open_case(&*store, &a, "誤設定による公開", facts(1500), now(10))
        .await
        .unwrap();
    assert_eq!(first.seq, 1);
    assert!(first.report_required);
    assert_eq!(store.case(a.org.id, case.id).await.unwrap().unwrap(), case);
    assert_eq!(store.case(b.org.id, case.id).await.unwrap(), None);
    assert!(store.list_cases(b.org.id).await.unwrap().is_empty());
    assert!(
        store
            .determinations(b.org.id, case.id)
            .await
            .unwrap()
            .is_empty()
    );
    let err = service::update_facts(&*store, &b, case.id, 1, facts(10), now(11))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::NotFound), "{err:?}");
    let (case2, _) = service::open_case(&*store, &a, "二件目", facts(3), now(12))
        .await
        .unwrap();
    let ids: Vec<CaseId> = store
        .list_cases(a.org.id)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, vec![case2.id, case.id], "newest first");
}

pub async fn facts_changes_keep_the_determination_history(store: Arc<dyn Store>) {
    let a = operator(&*store, "A社", "a@example.jp", Role::Member).await;
    let (case, _) = service::open_case(&*store, &a, "件名", facts(1500), now(10))
        .await
        .unwrap();
    let (updated, second) = service::update_facts(&*store, &a, case.id, 1, facts(10), now(20))
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.facts, facts(10));
    assert_eq!(updated.updated_at, now(20));
    assert_eq!(second.seq, 2);
    assert!(!second.report_required);
    let history = store.determinations(a.org.id, case.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[0].report_required && !history[1].report_required);
    assert_eq!(
        history[0].determination["reasons"][0]["provision"],
        "ruleset"
    );
    assert!(history[0].determination["reasons"][0]["text_en"].is_string());
    assert_eq!(history[1], second);
    // A stale version is a conflict and changes nothing.
    let err = service::update_facts(&*store, &a, case.id, 1, facts(5000), now(30))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Conflict(_)), "{err:?}");
    assert_eq!(
        store.determinations(a.org.id, case.id).await.unwrap().len(),
        2
    );
    assert_eq!(
        store
            .case(a.org.id, case.id)
            .await
            .unwrap()
            .unwrap()
            .version,
        2
    );
}

pub async fn roles_and_kinds_are_enforced(store: Arc<dyn Store>) {
    let viewer = operator(&*store, "A社", "v@example.jp", Role::Viewer).await;
    let err = service::open_case(&*store, &viewer, "x", facts(1), now(1))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)));
    let member = operator(&*store, "B社", "m@example.jp", Role::Member).await;
    let err = service::open_case(&*store, &member, "  ", facts(1), now(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Invalid { ref field, .. } if field == "title"),
        "{err:?}"
    );
    let mut public = facts(1);
    public.regime = Regime::NationalPublic;
    let err = service::open_case(&*store, &member, "x", public, now(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Invalid { ref field, .. } if field == "facts.regime"),
        "{err:?}"
    );
    assert!(store.list_cases(member.org.id).await.unwrap().is_empty());
}

pub async fn entrustments_link_organisations(store: Arc<dyn Store>) {
    let entruster = operator(&*store, "委託元社", "x@example.jp", Role::Admin).await;
    let entrustee = operator(&*store, "委託先社", "y@example.jp", Role::Admin).await;
    let link = Entrustment {
        entruster: entruster.org.id,
        entrustee: entrustee.org.id,
        created_at: now(5),
    };
    store
        .create_entrustment(&link, &draft("entrustment.create", "l"))
        .await
        .unwrap();
    assert_eq!(
        store.entrusters_of(entrustee.org.id).await.unwrap(),
        vec![entruster.org.id]
    );
    assert!(
        store
            .entrusters_of(entruster.org.id)
            .await
            .unwrap()
            .is_empty()
    );
    let err = store
        .create_entrustment(&link, &draft("entrustment.create", "l"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)));
}

pub async fn the_audit_chain_verifies(store: Arc<dyn Store>) {
    let a = operator(&*store, "A社", "a@example.jp", Role::Member).await;
    let (case, _) = service::open_case(&*store, &a, "件名", facts(1500), now(10))
        .await
        .unwrap();
    service::update_facts(&*store, &a, case.id, 1, facts(10), now(20))
        .await
        .unwrap();
    let login = store
        .append_audit(&draft("user.login", "a@example.jp"))
        .await
        .unwrap();
    let events = store.audit_events(0, 100).await.unwrap();
    assert_eq!(events.len(), 5);
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    assert_eq!(events[0].prev_hash, audit::GENESIS);
    assert_eq!(events[4], login);
    assert_eq!(events[2].action, "case.open");
    assert_eq!(verify_all(&*store).await, Ok(5));
}

pub async fn concurrent_writers_never_fork_the_chain(store: Arc<dyn Store>) {
    let mut tasks = Vec::new();
    for i in 0..40 {
        let s = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            s.append_audit(&draft("test.concurrent", &format!("n:{i}")))
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(verify_all(&*store).await, Ok(40));
}

pub async fn tampering_is_detected(store: Arc<dyn Store>, tamper: Box<dyn Tamper>) {
    for i in 0..5 {
        store
            .append_audit(&draft("test.event", &format!("n:{i}")))
            .await
            .unwrap();
    }
    assert_eq!(verify_all(&*store).await, Ok(5));
    tamper.set_audit_payload(3, r#"{"k":"forged"}"#).await;
    let err = verify_all(&*store).await.unwrap_err();
    assert_eq!(err.seq, 3);
    tamper.set_audit_payload(3, r#"{"k":"v"}"#).await;
    assert_eq!(verify_all(&*store).await, Ok(5));
    tamper.delete_audit(2).await;
    assert_eq!(verify_all(&*store).await.unwrap_err().seq, 2);
}

/// Expands to one `#[tokio::test]` per conformance case. `$fresh` is an
/// `async fn() -> (Arc<dyn Store>, Box<dyn Tamper>)` giving an empty, migrated database.
#[macro_export]
macro_rules! conformance_tests {
    ($fresh:ident) => {
        mod conformance {
            use $crate::conformance as c;
            macro_rules! case {
                ($name:ident) => {
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $name() {
                        let (store, _tamper) = super::$fresh().await;
                        c::$name(store).await;
                    }
                };
            }
            case!(organisations_and_users_round_trip);
            case!(a_failed_change_writes_nothing);
            case!(cases_are_scoped_to_their_organisation);
            case!(facts_changes_keep_the_determination_history);
            case!(roles_and_kinds_are_enforced);
            case!(entrustments_link_organisations);
            case!(the_audit_chain_verifies);
            case!(concurrent_writers_never_fork_the_chain);
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn tampering_is_detected() {
                let (store, tamper) = super::$fresh().await;
                c::tampering_is_detected(store, tamper).await;
            }
        }
    };
}
