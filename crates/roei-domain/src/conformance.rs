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
use crate::casework;
use crate::model::{CaseId, CaseStatus, Entrustment, OrgKind, Organisation, Role, User};
use crate::records::{ApiToken, OutboxMessage, RegulatorAction, RegulatorActionKind, Session};
use crate::report::{ReportContent, ReportStage, Submission, SubmissionId};
use crate::reporting::{self, SubmitRequest};
use crate::service::{self, Actor};
use crate::{DomainError, Store, StoreError};

pub use crate::sharing::conformance::{police_contacts_ship_and_edit, sharing_scope_round_trip};
mod statistics;
pub use statistics::{statistics_are_the_regulators_alone, statistics_count_each_case_once};

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
    operator_of(store, name, email, role, Regime::Private).await
}

/// An operator under `regime` with one user of `role`.
async fn operator_of(
    store: &dyn Store,
    name: &str,
    email: &str,
    role: Role,
    regime: Regime,
) -> Actor {
    let org = Organisation::new(name, OrgKind::Operator, Some(regime), now(0)).unwrap();
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

/// The whole chain, read 3 events at a time (so paging is exercised too).
async fn verify_all(store: &dyn Store) -> Result<u64, audit::BrokenLink> {
    match audit::verify_store(store, 3, None).await {
        Ok(s) => Ok(s.events),
        Err(audit::ChainError::Broken(b)) => Err(b),
        Err(audit::ChainError::Store(e)) => panic!("{e}"),
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
    assert_eq!(store.audit_head().await.unwrap(), None);
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
    assert_eq!(store.audit_head().await.unwrap(), Some(login));
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

async fn regulator(store: &dyn Store, email: &str) -> Actor {
    let org = Organisation::new("個人情報保護委員会", OrgKind::Regulator, None, now(0)).unwrap();
    store
        .create_organisation(&org, &draft("org.create", "ppc"))
        .await
        .unwrap();
    let user = User::new(
        org.id,
        email,
        "審査官",
        Role::Member,
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

fn complete_content() -> ReportContent {
    let mut c: ReportContent = serde_json::from_value(serde_json::json!({
        "form_version": "draft-2020-12",
        "header": {"reporter_name": "株式会社ロエイ", "contact_name": "山田", "contact_phone": "03-0000-0000"},
        "summary": {"discovered_on": "2026-11-30", "incident": ["leak"], "certainty": "occurred",
                    "has_entruster": false, "has_entrustee": false, "course_of_events": "設定ミスで公開"},
        "data_items": {"media": ["electronic"], "kinds": ["customer"], "items": ["name", "email"]},
        "persons": {"count": 1500},
        "cause": {"actor": "reporter", "category": "other", "category_other": "設定ミス", "details": "公開設定"},
        "secondary_harm": {"status": "no"},
        "individual_response": {"status": "done", "details": "メールで通知"},
        "publication": {"status": "none"},
        "prevention": {"done": "設定の点検"},
        "other": "特になし"
    }))
    .unwrap();
    c.header.sector = Some("小売業".into());
    c
}

async fn submit(
    store: &dyn Store,
    actor: &Actor,
    case: CaseId,
    stage: ReportStage,
    content: ReportContent,
    key: Option<&str>,
) -> Result<(Submission, bool), DomainError> {
    let view = reporting::draft(store, actor, case).await?;
    let saved =
        reporting::save_draft(store, actor, case, view.draft.version, content, now(20)).await?;
    reporting::submit(
        store,
        actor,
        case,
        SubmitRequest {
            stage,
            draft_version: saved.draft.version,
            to_org: None,
            idempotency_key: key.map(str::to_owned),
        },
        now(30),
    )
    .await
}

pub async fn reports_are_versioned_and_immutable(store: Arc<dyn Store>) {
    let op = operator(&*store, "株式会社ロエイ", "a@example.jp", Role::Member).await;
    let reg = regulator(&*store, "r@ppc.example").await;
    let (case, _) = service::open_case(&*store, &op, "誤公開", facts(1500), now(1))
        .await
        .unwrap();
    // The prefilled draft is not stored until saved.
    let view = reporting::draft(&*store, &op, case.id).await.unwrap();
    assert_eq!(view.draft.version, 0);
    assert_eq!(view.draft.content.persons.count, Some(1500));
    assert!(
        store
            .report_draft(op.org.id, case.id)
            .await
            .unwrap()
            .is_none()
    );
    // Saving checks the version read.
    let mut quick = view.draft.content.clone();
    quick.header.contact_name = Some("山田".into());
    let saved = reporting::save_draft(&*store, &op, case.id, 0, quick.clone(), now(2))
        .await
        .unwrap();
    assert_eq!(saved.draft.version, 1);
    assert!(matches!(
        reporting::save_draft(&*store, &op, case.id, 0, quick.clone(), now(3)).await,
        Err(DomainError::Conflict(_))
    ));
    assert_eq!(
        store
            .report_draft(op.org.id, case.id)
            .await
            .unwrap()
            .unwrap(),
        saved.draft
    );
    // A 確報 needs all nine matters.
    let incomplete = reporting::submit(
        &*store,
        &op,
        case.id,
        SubmitRequest {
            stage: ReportStage::FinalReport,
            draft_version: 1,
            to_org: None,
            idempotency_key: None,
        },
        now(4),
    )
    .await;
    assert!(matches!(incomplete, Err(DomainError::Incomplete(ref m)) if !m.is_empty()));
    // 速報 with an idempotency key; a retry returns the first result.
    let (first, replayed) = submit(
        &*store,
        &op,
        case.id,
        ReportStage::QuickReport,
        quick.clone(),
        Some("k-1"),
    )
    .await
    .unwrap();
    assert!(!replayed);
    assert_eq!(first.seq, 1);
    assert_eq!(first.to_org, reg.org.id);
    assert_eq!(first.items, vec![4]);
    let (again, replayed) = reporting::submit(
        &*store,
        &op,
        case.id,
        SubmitRequest {
            stage: ReportStage::QuickReport,
            draft_version: 99,
            to_org: None,
            idempotency_key: Some("k-1".into()),
        },
        now(5),
    )
    .await
    .unwrap();
    assert!(replayed);
    assert_eq!(again, first);
    // A second 速報 is refused; the 確報 goes through and the diff names the changed fields.
    assert!(matches!(
        submit(&*store, &op, case.id, ReportStage::QuickReport, quick.clone(), None).await,
        Err(DomainError::Invalid { ref field, .. }) if field == "stage"
    ));
    let (fin, _) = submit(
        &*store,
        &op,
        case.id,
        ReportStage::FinalReport,
        complete_content(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(fin.seq, 2);
    assert_eq!(fin.sector.as_deref(), Some("小売業"));
    let views = reporting::submissions(&*store, &op, case.id).await.unwrap();
    assert_eq!(views.len(), 2);
    assert_eq!(views[0].submission, first, "a submission is never changed");
    assert!(
        views[1]
            .changes
            .iter()
            .any(|c| c.field == "summary.course_of_events")
    );
    // The store refuses a duplicate seq or key.
    let mut dup = fin.clone();
    dup.id = SubmissionId::new();
    dup.idempotency_key = None;
    assert!(matches!(
        store.create_submission(&dup, &draft("x", "y")).await,
        Err(StoreError::Conflict(_))
    ));
    dup.seq = 3;
    dup.idempotency_key = Some("k-1".into());
    assert!(matches!(
        store.create_submission(&dup, &draft("x", "y")).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.submissions(case.id).await.unwrap().len(), 2);
    // The regulator sees both versions; another operator sees nothing.
    assert_eq!(
        reporting::submissions(&*store, &reg, case.id)
            .await
            .unwrap()
            .len(),
        2
    );
    let other = operator(&*store, "他社", "b@example.jp", Role::Admin).await;
    assert!(matches!(
        reporting::submissions(&*store, &other, case.id).await,
        Err(DomainError::NotFound)
    ));
    assert_eq!(verify_all(&*store).await.map(|n| n > 0), Ok(true));
}

pub async fn inbox_and_board_read_models(store: Arc<dyn Store>) {
    let op = operator(&*store, "株式会社ロエイ", "a@example.jp", Role::Member).await;
    let reg = regulator(&*store, "r@ppc.example").await;
    let (c1, _) = service::open_case(&*store, &op, "一件目", facts(1500), now(1))
        .await
        .unwrap();
    let (c2, _) = service::open_case(&*store, &op, "二件目", facts(10), now(2))
        .await
        .unwrap();
    // Nothing submitted: the regulator's inbox is empty, drafts are invisible.
    assert!(store.inbox(reg.org.id).await.unwrap().is_empty());
    reporting::save_draft(&*store, &op, c2.id, 0, complete_content(), now(3))
        .await
        .unwrap();
    assert!(store.inbox(reg.org.id).await.unwrap().is_empty());
    let overviews = store.case_overviews(Some(op.org.id)).await.unwrap();
    assert_eq!(overviews.len(), 2);
    let o1 = overviews.iter().find(|o| o.case.id == c1.id).unwrap();
    assert!(o1.report_required);
    assert_eq!(o1.items, vec![4]);
    assert_eq!(o1.final_report_due, Some(jiff::civil::date(2027, 1, 4)));
    assert_eq!(o1.quick_report_to, Some(jiff::civil::date(2026, 12, 4)));
    assert!(o1.stages.is_empty());
    let o2 = overviews.iter().find(|o| o.case.id == c2.id).unwrap();
    assert!(!o2.report_required);
    // The first case gets a 速報.
    let (q, _) = submit(
        &*store,
        &op,
        c1.id,
        ReportStage::QuickReport,
        complete_content(),
        None,
    )
    .await
    .unwrap();
    let inbox = store.inbox(reg.org.id).await.unwrap();
    assert_eq!(inbox.len(), 1);
    let row = &inbox[0];
    assert_eq!((row.case_id, row.org_id), (c1.id, op.org.id));
    assert_eq!(row.org_name, "株式会社ロエイ");
    assert_eq!(row.title, "一件目");
    assert_eq!(row.latest.id, q.id);
    assert_eq!(row.latest.persons, Some(1500));
    assert_eq!(row.latest.cause.as_deref(), Some("other"));
    assert_eq!(row.latest.sector.as_deref(), Some("小売業"));
    assert!(row.has_quick_report && !row.has_final_report);
    assert_eq!(row.first_submitted_at, q.submitted_at);
    let o1 = store
        .case_overviews(None)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.case.id == c1.id)
        .unwrap();
    assert_eq!(o1.stages, vec![ReportStage::QuickReport]);
    // 確報 overdue once the due date passes.
    let late = reporting::inbox(
        &*store,
        &reg,
        &reporting::InboxFilter {
            final_overdue: true,
            ..Default::default()
        },
        jiff::civil::date(2027, 1, 9),
    )
    .await
    .unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].days_overdue, Some(5));
    // Closing removes it from the board.
    let closed = service::set_case_status(&*store, &op, c2.id, 1, CaseStatus::Closed, now(9))
        .await
        .unwrap();
    assert_eq!((closed.status, closed.version), (CaseStatus::Closed, 2));
    assert!(matches!(
        service::set_case_status(&*store, &op, c2.id, 1, CaseStatus::Open, now(9)).await,
        Err(DomainError::Conflict(_))
    ));
    let other = operator(&*store, "他社", "b@example.jp", Role::Admin).await;
    assert!(matches!(
        store
            .set_case_status(
                other.org.id,
                c1.id,
                1,
                CaseStatus::Closed,
                now(9),
                &draft("x", "y")
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let board = reporting::board(&*store, &op, jiff::civil::date(2026, 12, 1))
        .await
        .unwrap();
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].next, Some(ReportStage::FinalReport));
    assert_eq!(board[0].days_left, Some(34));
    assert!(
        store
            .case_overviews(Some(other.org.id))
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn casework_records_round_trip(store: Arc<dyn Store>) {
    let entruster = operator(&*store, "委託元株式会社", "e@example.jp", Role::Admin).await;
    let op = operator(&*store, "委託先株式会社", "a@example.jp", Role::Member).await;
    let reg = regulator(&*store, "r@ppc.example").await;
    service_entrust(&*store, &entruster, &op).await;
    let mut f = facts(1500);
    f.entrustee = true;
    f.cause = Some(roei_law::Cause::UnauthorizedAccess);
    let (case, first) = service::open_case(&*store, &op, "委託先での不正アクセス", f, now(1))
        .await
        .unwrap();
    assert!(first.report_required);
    let (notice, case2) = casework::notify_entruster(
        &*store,
        &op,
        case.id,
        casework::EntrusterNoticeRequest {
            version: case.version,
            entruster_org: Some(entruster.org.id),
            entruster_name: None,
            content: None,
        },
        now(2),
    )
    .await
    .unwrap();
    assert_eq!(notice.entruster_name, "委託元株式会社");
    assert!(case2.facts.entruster_notified);
    assert_eq!(case2.version, case.version + 1);
    let dets = store.determinations(op.org.id, case.id).await.unwrap();
    assert_eq!(dets.len(), 2);
    assert!(
        !dets[1].report_required,
        "the entrustee's duty is discharged"
    );
    assert_eq!(
        store.entruster_notices(case.id).await.unwrap(),
        vec![notice.clone()]
    );
    assert_eq!(
        casework::received_entruster_notices(&*store, &entruster)
            .await
            .unwrap(),
        vec![notice.clone()]
    );
    // A stale version writes nothing.
    let stale = store
        .create_entruster_notice(&notice, Some((1, &dets[1])), &draft("x", "y"))
        .await;
    assert!(stale.is_err());
    assert_eq!(store.entruster_notices(case.id).await.unwrap().len(), 1);
    // Police report.
    let pr = casework::record_police_report(
        &*store,
        &op,
        case.id,
        casework::PoliceReportRequest {
            prefecture_code: "13".into(),
            reported_on: jiff::civil::date(2026, 12, 1),
            receipt_number: Some("第123号".into()),
            note: None,
        },
        now(3) + jiff::SignedDuration::from_hours(24 * 30),
    )
    .await
    .unwrap();
    assert_eq!(store.police_reports(case.id).await.unwrap(), vec![pr]);
    // The thread opens with a submission; the regulator acknowledges once.
    assert!(
        casework::post_message(&*store, &op, case.id, "よろしくお願いします", now(4))
            .await
            .is_err()
    );
    let mut content = complete_content();
    content.cause.category = Some("unauthorized_access".into());
    let (sub, _) = submit(
        &*store,
        &op,
        case.id,
        ReportStage::QuickReport,
        content,
        None,
    )
    .await
    .unwrap();
    let m1 = casework::post_message(&*store, &op, case.id, "速報を提出しました", now(5))
        .await
        .unwrap();
    let m2 = casework::post_message(&*store, &reg, case.id, "攻撃手法を教えてください", now(6))
        .await
        .unwrap();
    assert_eq!(m2.org_id, op.org.id);
    assert_eq!(store.messages(case.id).await.unwrap(), vec![m1, m2]);
    let ack = casework::regulator_action(
        &*store,
        &reg,
        case.id,
        casework::RegulatorActionRequest {
            kind: RegulatorActionKind::Acknowledge,
            submission_id: Some(sub.id),
            prefecture_code: None,
            note: None,
        },
        now(7),
    )
    .await
    .unwrap();
    let again = RegulatorAction {
        id: uuid::Uuid::now_v7(),
        ..ack.clone()
    };
    assert!(matches!(
        store
            .create_regulator_action(&again, &draft("x", "y"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let intro = casework::regulator_action(
        &*store,
        &reg,
        case.id,
        casework::RegulatorActionRequest {
            kind: RegulatorActionKind::PoliceIntroduction,
            submission_id: None,
            prefecture_code: Some("13".into()),
            note: Some("警視庁への通報をご検討ください".into()),
        },
        now(8),
    )
    .await
    .unwrap();
    // Once per case: the use case refuses a second introduction, and so does the store
    // (a unique index) when two writers race past the check.
    let twice = casework::regulator_action(
        &*store,
        &reg,
        case.id,
        casework::RegulatorActionRequest {
            kind: RegulatorActionKind::PoliceIntroduction,
            submission_id: None,
            prefecture_code: Some("14".into()),
            note: None,
        },
        now(8),
    )
    .await;
    assert!(matches!(twice, Err(DomainError::Conflict(_))), "{twice:?}");
    let raced = RegulatorAction {
        id: uuid::Uuid::now_v7(),
        ..intro.clone()
    };
    assert!(matches!(
        store
            .create_regulator_action(&raced, &draft("x", "y"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.regulator_actions(case.id).await.unwrap(),
        vec![ack.clone(), intro]
    );
    let subs = store.submissions(case.id).await.unwrap();
    assert_eq!(subs[0].acknowledged_at, Some(ack.at));
    assert_eq!(subs[0].acknowledged_by, Some(reg.user.id));
    assert_eq!(verify_all(&*store).await.map(|n| n > 0), Ok(true));
}

async fn service_entrust(store: &dyn Store, entruster: &Actor, entrustee: &Actor) {
    let e = Entrustment {
        entruster: entruster.org.id,
        entrustee: entrustee.org.id,
        created_at: now(0),
    };
    store
        .create_entrustment(&e, &draft("entrustment.create", "e"))
        .await
        .unwrap();
}

pub async fn sessions_tokens_and_throttling(store: Arc<dyn Store>) {
    let a = operator(&*store, "株式会社ロエイ", "a@example.jp", Role::Member).await;
    let s = Session {
        token_hash: "h1".into(),
        user_id: a.user.id,
        csrf_token: "c1".into(),
        created_at: now(0),
        expires_at: now(100),
    };
    store
        .create_session(&s, &draft("user.login", "u"))
        .await
        .unwrap();
    assert_eq!(store.session("h1", now(50)).await.unwrap(), Some(s.clone()));
    assert_eq!(
        store.session("h1", now(100)).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(store.session("nope", now(50)).await.unwrap(), None);
    let s2 = Session {
        token_hash: "h2".into(),
        expires_at: now(1000),
        ..s.clone()
    };
    store
        .create_session(&s2, &draft("user.login", "u"))
        .await
        .unwrap();
    assert_eq!(store.delete_expired_sessions(now(500)).await.unwrap(), 1);
    store
        .delete_session("h2", &draft("user.logout", "u"))
        .await
        .unwrap();
    assert_eq!(store.session("h2", now(50)).await.unwrap(), None);
    store
        .delete_session("h2", &draft("user.logout", "u"))
        .await
        .unwrap();
    store
        .create_session(&s2, &draft("user.login", "u"))
        .await
        .unwrap();
    store.delete_user_sessions(a.user.id).await.unwrap();
    assert_eq!(store.session("h2", now(50)).await.unwrap(), None);

    let t = ApiToken {
        id: uuid::Uuid::now_v7(),
        user_id: a.user.id,
        name: "CI".into(),
        token_hash: "th".into(),
        created_at: now(0),
        revoked_at: None,
    };
    store
        .create_api_token(&t, &draft("api_token.issue", "u"))
        .await
        .unwrap();
    assert_eq!(store.api_token("th").await.unwrap(), Some(t.clone()));
    let other = operator(&*store, "他社", "b@example.jp", Role::Admin).await;
    assert!(matches!(
        store
            .revoke_api_token(other.user.id, t.id, now(1), &draft("x", "y"))
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .revoke_api_token(a.user.id, t.id, now(1), &draft("x", "y"))
        .await
        .unwrap();
    assert_eq!(store.api_token("th").await.unwrap(), None);
    let listed = store.api_tokens(a.user.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].revoked_at, Some(now(1)));
    assert!(matches!(
        store
            .revoke_api_token(a.user.id, t.id, now(2), &draft("x", "y"))
            .await,
        Err(StoreError::NotFound)
    ));

    for i in 0..3 {
        store
            .record_login_failure("email:a@example.jp", now(i))
            .await
            .unwrap();
    }
    store
        .record_login_failure("email:other", now(1))
        .await
        .unwrap();
    assert_eq!(
        store
            .login_failures("email:a@example.jp", now(0))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .login_failures("email:a@example.jp", now(1))
            .await
            .unwrap(),
        2
    );
    store
        .clear_login_failures("email:a@example.jp")
        .await
        .unwrap();
    assert_eq!(
        store
            .login_failures("email:a@example.jp", now(0))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store.login_failures("email:other", now(0)).await.unwrap(),
        1
    );
}

pub async fn outbox_runs_each_message_once(store: Arc<dyn Store>) {
    let a = operator(&*store, "株式会社ロエイ", "a@example.jp", Role::Member).await;
    let msg = |key: &str, at: i64| OutboxMessage {
        id: uuid::Uuid::now_v7(),
        dedupe_key: key.into(),
        kind: "reminder.final_report".into(),
        org_id: Some(a.org.id),
        case_id: None,
        recipient: "a@example.jp".into(),
        subject: "件名".into(),
        body: "本文".into(),
        created_at: now(at),
        claimed_until: None,
        claimed_by: None,
        sent_at: None,
        attempts: 0,
        last_error: None,
    };
    assert!(
        store
            .enqueue_outbox(&msg("k1", 1), &draft("outbox.enqueue", "k1"))
            .await
            .unwrap()
    );
    assert!(
        !store
            .enqueue_outbox(&msg("k1", 2), &draft("outbox.enqueue", "k1"))
            .await
            .unwrap()
    );
    assert!(
        store
            .enqueue_outbox(&msg("k2", 3), &draft("outbox.enqueue", "k2"))
            .await
            .unwrap()
    );
    assert_eq!(
        verify_all(&*store).await,
        Ok(4),
        "no audit event for the duplicate"
    );
    let got = store.claim_outbox("w1", now(10), now(70), 1).await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].dedupe_key, "k1");
    assert_eq!(got[0].attempts, 1);
    assert_eq!(got[0].claimed_by.as_deref(), Some("w1"));
    let got2 = store.claim_outbox("w2", now(10), now(70), 5).await.unwrap();
    assert_eq!(
        got2.iter()
            .map(|m| m.dedupe_key.as_str())
            .collect::<Vec<_>>(),
        ["k2"]
    );
    assert!(
        store
            .claim_outbox("w3", now(20), now(80), 5)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store.finish_outbox(got[0].id, "w2", Ok(now(11))).await,
        Err(StoreError::Conflict(_))
    ));
    store
        .finish_outbox(got[0].id, "w1", Ok(now(11)))
        .await
        .unwrap();
    store
        .finish_outbox(got2[0].id, "w2", Err("smtp down".into()))
        .await
        .unwrap();
    // The failed one comes back after its claim expires; the sent one never does.
    assert!(
        store
            .claim_outbox("w3", now(60), now(120), 5)
            .await
            .unwrap()
            .is_empty()
    );
    let retry = store
        .claim_outbox("w3", now(71), now(130), 5)
        .await
        .unwrap();
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].dedupe_key, "k2");
    assert_eq!(retry[0].attempts, 2);
    assert_eq!(retry[0].last_error.as_deref(), Some("smtp down"));
    let listed = store.list_outbox(Some(a.org.id), 10).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].dedupe_key, "k2", "newest first");
    assert_eq!(listed[1].sent_at, Some(now(11)));
    assert_eq!(store.list_outbox(None, 1).await.unwrap().len(), 1);
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
            case!(reports_are_versioned_and_immutable);
            case!(inbox_and_board_read_models);
            case!(casework_records_round_trip);
            case!(sessions_tokens_and_throttling);
            case!(outbox_runs_each_message_once);
            case!(police_contacts_ship_and_edit);
            case!(sharing_scope_round_trip);
            case!(statistics_count_each_case_once);
            case!(statistics_are_the_regulators_alone);
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn tampering_is_detected() {
                let (store, tamper) = super::$fresh().await;
                c::tampering_is_detected(store, tamper).await;
            }
        }
    };
}
