//! `seed_demo` on both stores: every state the demo promises, made through the use cases.

mod common;

use jiff::Timestamp;
use roei_cli::audit::{Outcome, verify_chain};
use roei_cli::demo::{DEMO_PASSWORD, OPERATOR_A, OPERATOR_B, seed_demo};
use roei_domain::Store;
use roei_domain::accounts;
use roei_domain::model::OrgKind;
use roei_domain::report::ReportStage;
use roei_domain::reporting::{self, InboxFilter, Urgency};
use roei_domain::service::{Actor, jst_today};
use roei_domain::statistics::{self, FiscalYear};
use roei_store_postgres::PgStore;
use roei_store_sqlite::SqliteStore;

async fn actor(store: &dyn Store, email: &str) -> Actor {
    let user = store.user_by_email(email).await.unwrap().unwrap();
    let org = store.organisation(user.org_id).await.unwrap().unwrap();
    Actor { user, org }
}

async fn check_demo(store: &dyn Store) {
    let now = Timestamp::now();
    let today = jst_today(now);
    let logins = seed_demo(store, now).await.unwrap();
    assert_eq!(logins.len(), 8);
    for l in &logins {
        assert_eq!(l.password, DEMO_PASSWORD);
        accounts::login(store, l.email, l.password, "test", now)
            .await
            .unwrap_or_else(|e| panic!("{} cannot log in: {e}", l.email));
    }

    // The four of the story and the three reporters of the statistics history.
    let orgs = store.list_organisations().await.unwrap();
    assert_eq!(orgs.len(), 8);
    let a = orgs.iter().find(|o| o.name == OPERATOR_A).unwrap();
    let b = orgs.iter().find(|o| o.name == OPERATOR_B).unwrap();
    assert_eq!(a.kind, OrgKind::Operator);
    assert_eq!(store.entrusters_of(b.id).await.unwrap(), vec![a.id]);

    // Operator A's board: (d) overdue, (a) open, (c) and (b) with nothing due.
    let viewer = actor(store, "viewer@shoji.example").await;
    let board = reporting::board(store, &viewer, today).await.unwrap();
    assert_eq!(board.len(), 4, "{board:#?}");
    let card = |needle: &str| {
        board
            .iter()
            .find(|c| c.overview.case.title.contains(needle))
            .unwrap_or_else(|| panic!("no case {needle}"))
    };
    let ransomware = card("ランサムウェア");
    assert_eq!(ransomware.overview.items, vec![3]);
    assert_eq!(ransomware.overview.stages, vec![ReportStage::QuickReport]);
    assert_eq!(
        ransomware.overview.case.known_on,
        today.checked_sub(jiff::Span::new().days(10)).unwrap()
    );
    assert_eq!(ransomware.next, Some(ReportStage::FinalReport));
    let missent = card("誤送信");
    assert!(!missent.overview.report_required);
    assert_eq!(missent.urgency, Urgency::NothingDue);
    let skimming = card("Webスキミング");
    assert_eq!(
        skimming.overview.stages,
        vec![ReportStage::QuickReport, ReportStage::FinalReport]
    );
    let misconfig = card("公開設定");
    assert_eq!(misconfig.urgency, Urgency::Overdue);
    assert_eq!(misconfig.overview.stages, vec![ReportStage::QuickReport]);

    // The 確報 is complete, acknowledged, and the thread has the regulator's message.
    let member = actor(store, "member@shoji.example").await;
    let subs = reporting::submissions(store, &member, skimming.overview.case.id)
        .await
        .unwrap();
    assert_eq!(subs.len(), 2);
    assert!(subs[1].submission.content.missing().is_empty());
    assert!(subs[1].submission.acknowledged_at.is_some());
    assert!(
        subs[1].changes.iter().any(|c| c.field == "persons.count"),
        "the 確報 corrects the 速報's count"
    );
    let messages = store.messages(skimming.overview.case.id).await.unwrap();
    let officer = actor(store, "officer@ppc.example").await;
    assert_eq!(messages[0].author_org, officer.org.id);
    assert_eq!(messages.len(), 2);
    // The ransomware case has a police report and a draft newer than the 速報.
    assert_eq!(
        store
            .police_reports(ransomware.overview.case.id)
            .await
            .unwrap()
            .len(),
        1
    );
    let draft = reporting::draft(store, &member, ransomware.overview.case.id)
        .await
        .unwrap();
    assert_eq!(draft.draft.version, 2);

    // The regulator's inbox: the story's three cases (and the statistics history's, all with
    // their 確報); only (d)'s 確報 is overdue.
    let inbox = reporting::inbox(store, &officer, &InboxFilter::default(), today)
        .await
        .unwrap();
    let story: Vec<_> = inbox.iter().filter(|e| e.row.org_id == a.id).collect();
    assert_eq!(story.len(), 3);
    assert!(inbox.len() > 30, "{}", inbox.len());
    let overdue = reporting::inbox(
        store,
        &officer,
        &InboxFilter {
            final_overdue: true,
            ..InboxFilter::default()
        },
        today,
    )
    .await
    .unwrap();
    assert_eq!(overdue.len(), 1, "{overdue:#?}");
    assert_eq!(overdue[0].row.latest.persons, Some(1200));
    assert!(overdue[0].days_overdue.unwrap() > 0);

    // Statistics: three fiscal years, large cells and small ones; the police package of last
    // year hides some.
    let stats = statistics::statistics(store, &officer, None).await.unwrap();
    let this_year = FiscalYear::of(today);
    assert_eq!(
        stats.fiscal_years,
        [
            FiscalYear(this_year.0 - 2),
            FiscalYear(this_year.0 - 1),
            this_year
        ]
    );
    let last_year = FiscalYear(this_year.0 - 1);
    let pkg = statistics::police_package(store, &officer, Some(last_year), 5, now)
        .await
        .unwrap();
    let hidden: usize = pkg.tables.iter().map(|t| t.hidden).sum();
    assert!(hidden >= 2, "{pkg:#?}");
    let year = statistics::statistics(store, &officer, Some(last_year))
        .await
        .unwrap();
    let cause = year.tables.iter().find(|t| t.id == "cause").unwrap();
    assert!(cause.counts.cells.iter().any(|r| r[0] >= 5));
    assert!(cause.counts.cells.iter().any(|r| (1..5).contains(&r[0])));

    // B, as A's entrustee, notified A; its own duty to report is discharged.
    let b_admin = actor(store, "admin@joho.example").await;
    let b_cases = store.list_cases(b.id).await.unwrap();
    assert_eq!(b_cases.len(), 1);
    assert!(b_cases[0].facts.entruster_notified);
    let received = store.entruster_notices_received(a.id).await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].org_id, b_admin.org.id);
    let dets = store.determinations(b.id, b_cases[0].id).await.unwrap();
    assert!(!dets.last().unwrap().report_required);

    // The cooperation: the NPA sees the attack-method summary under GREEN; the prefectural
    // police is not a recipient.
    let liaison = actor(store, "liaison@npa.example").await;
    let shared = roei_domain::sharing::list_items(
        store,
        &liaison,
        &roei_domain::sharing::ItemFilter::default(),
        now,
    )
    .await
    .unwrap();
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0].scope.tlp, roei_domain::sharing::Tlp::Green);
    let osaka = actor(store, "liaison@osaka-police.example").await;
    assert!(
        roei_domain::sharing::list_items(
            store,
            &osaka,
            &roei_domain::sharing::ItemFilter::default(),
            now
        )
        .await
        .unwrap()
        .is_empty()
    );

    // The chain holds, and a second seeding changes nothing.
    let Outcome::Intact { head, .. } = verify_chain(store, None).await.unwrap() else {
        panic!("the demo's audit chain is broken");
    };
    let again = seed_demo(store, Timestamp::now()).await.unwrap();
    assert_eq!(again, logins);
    assert_eq!(store.list_organisations().await.unwrap().len(), 8);
    let Outcome::Intact { head: after, .. } = verify_chain(store, None).await.unwrap() else {
        panic!("broken");
    };
    assert_eq!(head, after, "no new audit events");
}

#[tokio::test]
async fn the_demo_seeds_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("roei.sqlite3"))
        .await
        .unwrap();
    check_demo(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_seeds_on_postgres() {
    let (url, name) = common::create_pg_database().await;
    let result = tokio::spawn(async move {
        let store = PgStore::connect(&url).await.unwrap();
        check_demo(&store).await;
        store.pool().close().await;
    })
    .await;
    common::drop_pg_database(&name).await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}
