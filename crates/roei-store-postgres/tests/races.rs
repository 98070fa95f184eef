//! The store's optimistic-concurrency and once-only rules hold when two server instances (two
//! `PgStore` pools on one database) race: of concurrent saves of one draft version, concurrent
//! submissions with one `seq` or one idempotency key, and concurrent acknowledgements of one
//! submission, exactly one succeeds and the others get `Conflict`; the audit chain stays whole.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

mod common;

use std::future::Future;
use std::sync::Arc;

use roei_domain::audit;
use roei_domain::model::{CaseId, OrgKind, Organisation, Role, User};
use roei_domain::records::{RegulatorAction, RegulatorActionKind};
use roei_domain::report::{ReportContent, ReportDraft, ReportStage, Submission, SubmissionId};
use roei_domain::service::{self, Actor};
use roei_domain::{Store, StoreError, StoreResult};
use roei_law::{Facts, Regime};
use roei_store_postgres::PgStore;
use uuid::Uuid;

use common::{at, create_database, draft};

/// Attempts per race (half on each pool).
const RACERS: usize = 10;

async fn actor(store: &PgStore, kind: OrgKind, email: &str) -> Actor {
    let regime = (kind == OrgKind::Operator).then_some(Regime::Private);
    let org = Organisation::new(email, kind, regime, at(0)).unwrap();
    store
        .create_organisation(&org, &draft("org.create", email))
        .await
        .unwrap();
    let user = User::new(
        org.id,
        email,
        "担当者",
        Role::Admin,
        "$argon2id$fake".into(),
        at(0),
    )
    .unwrap();
    store
        .create_user(&user, &draft("user.create", email))
        .await
        .unwrap();
    Actor { user, org }
}

/// Runs `RACERS` attempts at once, alternating the two pools; returns how many succeeded, and
/// checks every failure is a `Conflict`.
async fn race<F, Fut>(pools: &[Arc<PgStore>; 2], attempt: F) -> usize
where
    F: Fn(Arc<PgStore>, usize) -> Fut,
    Fut: Future<Output = StoreResult<()>> + Send + 'static,
{
    let tasks: Vec<_> = (0..RACERS)
        .map(|i| tokio::spawn(attempt(Arc::clone(&pools[i % 2]), i)))
        .collect();
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => won += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("expected Ok or Conflict, got {e:?}"),
        }
    }
    won
}

fn submission(op: &Actor, reg: &Actor, case: CaseId, seq: i64, key: Option<&str>) -> Submission {
    Submission {
        id: SubmissionId::new(),
        case_id: case,
        org_id: op.org.id,
        to_org: reg.org.id,
        seq,
        stage: ReportStage::QuickReport,
        content: ReportContent::empty(),
        determination_seq: 1,
        law_version: "2024-04-01".into(),
        items: vec![4],
        persons: Some(1500),
        cause: None,
        sector: None,
        final_report_due: None,
        submitted_at: at(10),
        submitted_by: op.user.id,
        idempotency_key: key.map(str::to_owned),
        acknowledged_at: None,
        acknowledged_by: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_from_two_pools_get_one_winner() {
    let options = create_database().await;
    let one = Arc::new(PgStore::connect_with(options.clone()).await.unwrap());
    let two = Arc::new(PgStore::connect_with(options).await.unwrap());
    let pools = [Arc::clone(&one), Arc::clone(&two)];
    let op = Arc::new(actor(&one, OrgKind::Operator, "a@example.jp").await);
    let reg = Arc::new(actor(&one, OrgKind::Regulator, "r@ppc.example").await);
    let facts = Facts::from_json(
        r#"{"known_on":"2026-11-30","events":["leak"],"data_items":["name","email"],"cause":"misconfiguration","persons":1500}"#,
    )
    .unwrap();
    let (case, _) = service::open_case(&*one, &op, "誤公開", facts, at(1))
        .await
        .unwrap();

    // Draft: one first save, then one save of version 2.
    for version in [1, 2] {
        let o = Arc::clone(&op);
        let won = race(&pools, move |store, i| {
            let mut content = ReportContent::empty();
            content.other = Some(format!("racer {i}"));
            let d = ReportDraft {
                case_id: case.id,
                org_id: o.org.id,
                content,
                version,
                updated_at: at(2),
                updated_by: Some(o.user.id),
            };
            async move {
                store
                    .save_report_draft(&d, &draft("report.save_draft", "d"))
                    .await
            }
        })
        .await;
        assert_eq!(won, 1, "saves of draft version {version}");
        let stored = two.report_draft(op.org.id, case.id).await.unwrap().unwrap();
        assert_eq!(stored.version, version);
    }

    // Submissions: one per seq, one per idempotency key.
    let (o, r) = (Arc::clone(&op), Arc::clone(&reg));
    let won = race(&pools, move |store, _| {
        let s = submission(&o, &r, case.id, 1, None);
        async move {
            store
                .create_submission(&s, &draft("report.submit", "s"))
                .await
        }
    })
    .await;
    assert_eq!(won, 1, "submissions with seq 1");
    let (o, r) = (Arc::clone(&op), Arc::clone(&reg));
    let won = race(&pools, move |store, i| {
        let s = submission(&o, &r, case.id, 2 + i64::try_from(i).unwrap(), Some("k-1"));
        async move {
            store
                .create_submission(&s, &draft("report.submit", "s"))
                .await
        }
    })
    .await;
    assert_eq!(won, 1, "submissions with one idempotency key");
    let subs = one.submissions(case.id).await.unwrap();
    assert_eq!(subs.len(), 2);
    assert_eq!(
        one.submission_by_key(op.org.id, "k-1").await.unwrap(),
        Some(subs[1].clone())
    );

    // Acknowledgement: once.
    let target = subs[0].id;
    let (o, r) = (Arc::clone(&op), Arc::clone(&reg));
    let won = race(&pools, move |store, i| {
        let a = RegulatorAction {
            id: Uuid::now_v7(),
            case_id: case.id,
            org_id: o.org.id,
            regulator_org: r.org.id,
            kind: RegulatorActionKind::Acknowledge,
            submission_id: Some(target),
            prefecture_code: None,
            note: Some(format!("racer {i}")),
            at: at(20),
            by: r.user.id,
        };
        async move {
            store
                .create_regulator_action(&a, &draft("regulator.acknowledge", "a"))
                .await
        }
    })
    .await;
    assert_eq!(won, 1, "acknowledgements of one submission");
    assert_eq!(two.regulator_actions(case.id).await.unwrap().len(), 1);
    let acked = &two.submissions(case.id).await.unwrap()[0];
    assert_eq!(acked.acknowledged_at, Some(at(20)));
    assert_eq!(acked.acknowledged_by, Some(reg.user.id));

    // Only the winners were audited, in one unbroken chain: 2 organisations, 2 users, the
    // case, 2 draft saves, 2 submissions and 1 acknowledgement.
    let events = one.audit_events(0, 1000).await.unwrap();
    assert_eq!(audit::verify(&events, &mut None), Ok(10));
}
