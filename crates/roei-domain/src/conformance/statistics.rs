//! Conformance cases of [`crate::statistics::StatisticsStore`]: every count the store makes is
//! checked against the same count made in Rust over the submissions themselves.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use roei_law::Regime;

use super::{complete_content, draft, facts, now, operator_of, regulator};
use crate::model::{CaseId, OrgKind, Organisation, Role, User};
use crate::report::{ReportStage, Submission, SubmissionId};
use crate::service::{self, Actor};
use crate::statistics::{self, Count, Dimension, FiscalYear, PersonsBracket};
use crate::suppression::recoverable;
use crate::{DomainError, Store};

/// What one submission says, for the test's own count.
#[derive(Debug, Clone)]
struct Sent {
    case: CaseId,
    to: crate::model::OrgId,
    public: bool,
    at: Timestamp,
    stage: ReportStage,
    items: Vec<u8>,
    persons: Option<u64>,
    cause: Option<&'static str>,
    sector: Option<&'static str>,
}

async fn send(store: &dyn Store, op: &Actor, seq: i64, s: &Sent) {
    let mut content = complete_content();
    content.persons.count = s.persons;
    let sub = Submission {
        id: SubmissionId::new(),
        case_id: s.case,
        org_id: op.org.id,
        to_org: s.to,
        seq,
        stage: s.stage,
        persons: s.persons,
        cause: s.cause.map(str::to_owned),
        sector: s.sector.map(str::to_owned),
        content,
        determination_seq: 1,
        law_version: "2024-04-01".into(),
        items: s.items.clone(),
        final_report_due: None,
        submitted_at: s.at,
        submitted_by: op.user.id,
        idempotency_key: None,
        acknowledged_at: None,
        acknowledged_by: None,
    };
    store
        .create_submission(&sub, &draft("report.submit", "case"))
        .await
        .unwrap();
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// The keys of one case (its latest submission; the year of its first), as the domain defines
/// them.
fn keys(first: &Sent, latest: &Sent, d: Dimension) -> Vec<String> {
    match d {
        Dimension::FiscalYear => vec![FiscalYear::of_moment(first.at).to_string()],
        Dimension::Item if latest.items.is_empty() => vec!["none".into()],
        Dimension::Item => latest
            .items
            .iter()
            .map(|i| format!("rule{}:{i}", if latest.public { 43 } else { 7 }))
            .collect(),
        Dimension::Cause => vec![latest.cause.unwrap_or("unknown").to_owned()],
        Dimension::Sector => vec![
            latest
                .sector
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .unwrap_or("unknown")
                .to_owned(),
        ],
        Dimension::Persons => vec![PersonsBracket::of(latest.persons).code().to_owned()],
        Dimension::Stage => vec![latest.stage.as_str().to_owned()],
    }
}

/// The test's own count over `sent` (in order of sending), for regulator `to`.
fn expected(
    sent: &[Sent],
    to: crate::model::OrgId,
    fy: Option<FiscalYear>,
    rows: Dimension,
    cols: Option<Dimension>,
) -> Vec<Count> {
    let mut cases: BTreeMap<CaseId, (Sent, Sent)> = BTreeMap::new();
    for s in sent.iter().filter(|s| s.to == to) {
        cases
            .entry(s.case)
            .and_modify(|(_, l)| *l = s.clone())
            .or_insert_with(|| (s.clone(), s.clone()));
    }
    let mut counts: BTreeMap<(String, Option<String>), u64> = BTreeMap::new();
    for (first, latest) in cases.values() {
        if fy.is_some_and(|y| FiscalYear::of_moment(first.at) != y) {
            continue;
        }
        for r in keys(first, latest, rows) {
            let cs: Vec<Option<String>> = match cols {
                None => vec![None],
                Some(c) => keys(first, latest, c).into_iter().map(Some).collect(),
            };
            for c in cs {
                *counts.entry((r.clone(), c)).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .map(|((row, col), cases)| Count { row, col, cases })
        .collect()
}

/// The store's order is its collation's; the test compares in byte order.
fn sorted(mut v: Vec<Count>) -> Vec<Count> {
    v.sort();
    v
}

const DIMENSIONS: [Dimension; 6] = [
    Dimension::FiscalYear,
    Dimension::Item,
    Dimension::Cause,
    Dimension::Sector,
    Dimension::Persons,
    Dimension::Stage,
];

#[allow(clippy::many_single_char_names, clippy::too_many_lines)]
pub async fn statistics_count_each_case_once(store: Arc<dyn Store>) {
    use ReportStage::{FinalReport as F, QuickReport as Q, Supplement as S};
    let a = operator_of(
        &*store,
        "株式会社ロエイ",
        "a@example.jp",
        Role::Member,
        Regime::Private,
    )
    .await;
    let b = operator_of(
        &*store,
        "国の機関",
        "b@example.go.jp",
        Role::Member,
        Regime::NationalPublic,
    )
    .await;
    let reg = regulator(&*store, "r@ppc.example").await;
    let other = regulator(&*store, "r@fsa.example").await;
    let case = async |op: &Actor| {
        let mut f = facts(10);
        f.regime = op.org.regime.unwrap_or_default();
        service::open_case(&*store, op, "事案", f, now(1))
            .await
            .unwrap()
            .0
            .id
    };
    let (c1, c2, c3, c4, c5, c6, c7) = (
        case(&a).await,
        case(&a).await,
        case(&b).await,
        case(&a).await,
        case(&a).await,
        case(&a).await,
        case(&b).await,
    );
    let s = |case, to, public, at: &str, stage, items: &[u8], persons, cause, sector| Sent {
        case,
        to,
        public,
        at: ts(at),
        stage,
        items: items.to_vec(),
        persons,
        cause,
        sector,
    };
    let (r, o) = (reg.org.id, other.org.id);
    let ua = Some("unauthorized_access");
    let plan: Vec<(&Actor, Sent)> = vec![
        // 23:59:59 on 3/31 in Japan: FY2025; later versions move it but keep its year.
        (
            &a,
            s(
                c1,
                r,
                false,
                "2026-03-31T14:59:59Z",
                Q,
                &[3],
                Some(100),
                ua,
                Some("小売業"),
            ),
        ),
        // 00:00 on 4/1 in Japan: FY2026; nothing known.
        (
            &a,
            s(
                c2,
                r,
                false,
                "2026-03-31T15:00:00Z",
                Q,
                &[],
                None,
                None,
                None,
            ),
        ),
        // A public body: 規則43条.
        (
            &b,
            s(
                c3,
                r,
                true,
                "2026-06-01T01:00:00Z",
                Q,
                &[4],
                Some(1000),
                Some("loss"),
                Some("  公務 "),
            ),
        ),
        (
            &a,
            s(
                c1,
                r,
                false,
                "2026-05-01T01:00:00Z",
                F,
                &[3, 4],
                Some(101),
                ua,
                Some("小売業"),
            ),
        ),
        // To another regulator: never in `reg`'s counts.
        (
            &a,
            s(
                c4,
                o,
                false,
                "2026-06-02T01:00:00Z",
                Q,
                &[1],
                Some(5),
                ua,
                Some("小売業"),
            ),
        ),
        (
            &a,
            s(
                c5,
                r,
                false,
                "2026-07-01T01:00:00Z",
                F,
                &[1, 2],
                Some(10_000),
                Some("missending"),
                Some("小売業"),
            ),
        ),
        (
            &a,
            s(
                c6,
                r,
                false,
                "2026-08-01T01:00:00Z",
                Q,
                &[2],
                Some(10_001),
                Some("missending"),
                Some("製造業"),
            ),
        ),
        (
            &b,
            s(
                c7,
                r,
                true,
                "2027-01-05T01:00:00Z",
                F,
                &[1, 4, 5],
                Some(0),
                Some("theft"),
                Some("公務"),
            ),
        ),
        // A 追完 with nothing changed in the keys but the stage; then one that changes them.
        (
            &a,
            s(
                c1,
                r,
                false,
                "2026-06-01T02:00:00Z",
                S,
                &[3, 4],
                Some(101),
                ua,
                Some("小売業"),
            ),
        ),
        (
            &a,
            s(
                c5,
                r,
                false,
                "2026-07-02T01:00:00Z",
                S,
                &[1],
                Some(1),
                Some("loss"),
                Some("製造業"),
            ),
        ),
        (
            &b,
            s(
                c3,
                r,
                true,
                "2026-06-10T01:00:00Z",
                F,
                &[4],
                Some(1000),
                Some("loss"),
                Some("公務"),
            ),
        ),
    ];
    let mut sent: Vec<Sent> = Vec::new();
    let mut seqs: BTreeMap<CaseId, i64> = BTreeMap::new();
    for (op, s) in plan {
        let seq = seqs.entry(s.case).or_default();
        *seq += 1;
        send(&*store, op, *seq, &s).await;
        sent.push(s);
        // After every submission, every count agrees.
        for fy in [None, Some(FiscalYear(2025)), Some(FiscalYear(2026))] {
            for d in DIMENSIONS {
                let got = sorted(store.statistics_counts(r, fy, d, None).await.unwrap());
                assert_eq!(got, expected(&sent, r, fy, d, None), "{d:?} in {fy:?}");
            }
        }
    }
    for fy in [None, Some(FiscalYear(2026)), Some(FiscalYear(2024))] {
        for rows in DIMENSIONS {
            for cols in DIMENSIONS {
                if statistics::check_dimensions(rows, Some(cols)).is_err() {
                    assert!(
                        store
                            .statistics_counts(r, fy, rows, Some(cols))
                            .await
                            .is_err()
                    );
                    continue;
                }
                let got = sorted(
                    store
                        .statistics_counts(r, fy, rows, Some(cols))
                        .await
                        .unwrap(),
                );
                assert_eq!(
                    got,
                    expected(&sent, r, fy, rows, Some(cols)),
                    "{rows:?} × {cols:?} in {fy:?}"
                );
            }
        }
    }
    // Spot checks of what the oracle computed.
    let years = sorted(
        store
            .statistics_counts(r, None, Dimension::FiscalYear, None)
            .await
            .unwrap(),
    );
    let years: Vec<(&str, u64)> = years.iter().map(|c| (c.row.as_str(), c.cases)).collect();
    assert_eq!(years, [("2025", 1), ("2026", 5)]);
    let persons = sorted(
        store
            .statistics_counts(r, Some(FiscalYear(2026)), Dimension::Persons, None)
            .await
            .unwrap(),
    );
    let persons: Vec<(&str, u64)> = persons.iter().map(|c| (c.row.as_str(), c.cases)).collect();
    assert_eq!(
        persons,
        [("1-100", 1), ("10001-", 1), ("101-1000", 1), ("unknown", 2)]
    );
    let other_counts = store
        .statistics_counts(o, None, Dimension::Cause, None)
        .await
        .unwrap();
    assert_eq!(
        other_counts,
        [Count {
            row: "unauthorized_access".into(),
            col: None,
            cases: 1
        }]
    );
}

pub async fn statistics_are_the_regulators_alone(store: Arc<dyn Store>) {
    let a = operator_of(
        &*store,
        "株式会社ロエイ",
        "a@example.jp",
        Role::Member,
        Regime::Private,
    )
    .await;
    let reg = regulator(&*store, "r@ppc.example").await;
    let police_org = Organisation::new("警察庁", OrgKind::Police, None, now(0)).unwrap();
    store
        .create_organisation(&police_org, &draft("org.create", "npa"))
        .await
        .unwrap();
    let police_user = User::new(
        police_org.id,
        "p@npa.example",
        "連絡",
        Role::Member,
        "$argon2id$fake".into(),
        now(0),
    )
    .unwrap();
    store
        .create_user(&police_user, &draft("user.create", "p"))
        .await
        .unwrap();
    let police = Actor {
        user: police_user,
        org: police_org,
    };
    // Twelve cases: eleven unauthorized accesses of 1–100 persons and one loss.
    for i in 0..12 {
        let id = service::open_case(&*store, &a, "事案", facts(10), now(1))
            .await
            .unwrap()
            .0
            .id;
        let cause = if i == 0 {
            "loss"
        } else {
            "unauthorized_access"
        };
        let s = Sent {
            case: id,
            to: reg.org.id,
            public: false,
            at: ts("2026-05-01T01:00:00Z"),
            stage: ReportStage::QuickReport,
            items: vec![3],
            persons: Some(10),
            cause: Some(cause),
            sector: Some(if i < 10 { "小売業" } else { "製造業" }),
        };
        send(&*store, &a, 1, &s).await;
    }
    let fy = Some(FiscalYear(2026));
    for who in [&a, &police] {
        assert!(matches!(
            statistics::statistics(&*store, who, fy).await,
            Err(DomainError::NotFound)
        ));
        assert!(matches!(
            statistics::police_package(&*store, who, Some(FiscalYear(2026)), 5, now(9)).await,
            Err(DomainError::NotFound)
        ));
    }
    let stats = statistics::statistics(&*store, &reg, fy).await.unwrap();
    assert_eq!(stats.total, 12);
    assert_eq!(stats.fiscal_years, [FiscalYear(2026)]);
    let pkg = statistics::police_package(&*store, &reg, Some(FiscalYear(2026)), 5, now(9))
        .await
        .unwrap();
    assert_eq!(pkg.threshold, 5);
    for t in &pkg.tables {
        // Rebuild the table and mask from the package: nothing hidden can be recovered.
        let raw = stats.tables.iter().find(|r| r.id == t.id).unwrap();
        let mask = crate::suppression::Mask {
            cells: t
                .cells
                .iter()
                .map(|r| r.iter().map(Option::is_none).collect())
                .collect(),
            row_totals: t
                .row_totals
                .as_ref()
                .map(|r| r.iter().map(Option::is_none).collect())
                .unwrap_or_default(),
            col_totals: t
                .col_totals
                .as_ref()
                .map(|r| r.iter().map(Option::is_none).collect())
                .unwrap_or_default(),
            total: t.total_hidden,
        };
        assert_eq!(recoverable(&raw.counts, &mask), vec![], "{}", t.id);
        for v in t.cells.iter().flatten().flatten() {
            assert!(*v == 0 || *v >= 5, "{} shows {v}", t.id);
        }
    }
    // The sector table: 10 and 2 → the 2 is hidden, and with it the 10 (else 12 − 10).
    let sector = pkg.tables.iter().find(|t| t.id == "sector").unwrap();
    assert_eq!(sector.cells, [vec![None], vec![None]]);
    assert_eq!(sector.total, Some(12));
    assert!(matches!(
        statistics::police_package(&*store, &reg, Some(FiscalYear(2026)), 2, now(9)).await,
        Err(DomainError::Invalid { field, .. }) if field == "threshold"
    ));
}
