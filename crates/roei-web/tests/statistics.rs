//! Statistics over the real server, on SQLite and on PostgreSQL: the JSON API (snapshots, the
//! same on both databases), the pages with their SVG charts (snapshot) and tables, the CSV
//! exports, the police package with its hidden cells, the memorandum's term, and who may see
//! what.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

mod common;

use common::{Backend, Client, Server, World, complete_report, world};
use jiff::Timestamp;
use roei_domain::Store;
use roei_domain::report::{ReportContent, ReportStage};
use roei_domain::reporting::{self, SubmitRequest};
use roei_domain::service::{self, Actor};
use roei_law::Facts;
use serde_json::json;

async fn actor(store: &dyn Store, email: &str) -> Actor {
    let user = store.user_by_email(email).await.unwrap().unwrap();
    let org = store.organisation(user.org_id).await.unwrap().unwrap();
    Actor { user, org }
}

/// One report: 速報 submitted at `at` (and a 確報 a day later when `final_report`).
async fn report(
    store: &dyn Store,
    who: &Actor,
    at: &str,
    cause: &str,
    persons: u64,
    sector: &str,
    final_report: bool,
) {
    let at: Timestamp = at.parse().unwrap();
    let known = roei_domain::service::jst_today(at);
    let facts = Facts::from_json(
        &json!({
            "known_on": known.to_string(),
            "events": ["leak"],
            "data_items": ["name", "email"],
            "cause": cause,
            "persons": persons,
        })
        .to_string(),
    )
    .unwrap();
    let (case, _) = service::open_case(store, who, "事案", facts, at)
        .await
        .unwrap();
    let mut content: ReportContent = serde_json::from_value(complete_report()).unwrap();
    content.persons.count = Some(persons);
    content.header.sector = Some(sector.into());
    content.cause.category = Some(
        match cause {
            "missent_email" => "missending",
            "misdelivery" => "misdelivery",
            "loss" => "loss",
            _ => "unauthorized_access",
        }
        .into(),
    );
    let mut version = 0;
    for (stage, later) in [
        (ReportStage::QuickReport, 0),
        (ReportStage::FinalReport, 86_400),
    ] {
        if stage == ReportStage::FinalReport && !final_report {
            break;
        }
        let when = at + jiff::SignedDuration::from_secs(later);
        version = reporting::save_draft(store, who, case.id, version, content.clone(), when)
            .await
            .unwrap()
            .draft
            .version;
        let req = SubmitRequest {
            stage,
            draft_version: version,
            to_org: None,
            idempotency_key: None,
        };
        reporting::submit(store, who, case.id, req, when)
            .await
            .unwrap();
    }
}

/// Thirteen cases over two fiscal years; FY2026 has a cause with one case (misdelivery) and a
/// sector with two.
async fn seed(server: &Server) -> World {
    let store = &*server.db.store;
    let w = world(store).await;
    let a = actor(store, "member@a.example").await;
    let b = actor(store, "member@b.example").await;
    // FY2025 (received before 2026-04-01 JST).
    report(
        store,
        &a,
        "2026-02-10T01:00:00Z",
        "unauthorized_access",
        1500,
        "小売業",
        true,
    )
    .await;
    report(
        store,
        &a,
        "2026-03-31T14:00:00Z",
        "unauthorized_access",
        200,
        "小売業",
        false,
    )
    .await;
    report(
        store,
        &b,
        "2026-03-02T01:00:00Z",
        "loss",
        30,
        "情報サービス業",
        true,
    )
    .await;
    // FY2026.
    for i in 0..7 {
        let at = format!("2026-05-{:02}T01:00:00Z", 10 + i);
        report(
            store,
            &a,
            &at,
            "unauthorized_access",
            1500,
            "小売業",
            i % 2 == 0,
        )
        .await;
    }
    report(
        store,
        &b,
        "2026-06-01T01:00:00Z",
        "missent_email",
        50,
        "小売業",
        false,
    )
    .await;
    report(
        store,
        &b,
        "2026-07-01T01:00:00Z",
        "missent_email",
        60,
        "情報サービス業",
        true,
    )
    .await;
    report(
        store,
        &a,
        "2026-08-01T01:00:00Z",
        "misdelivery",
        3,
        "情報サービス業",
        false,
    )
    .await;
    w
}

async fn statistics_over(backend: Backend) {
    let server = common::start(backend).await;
    seed(&server).await;
    let reg = Client::login(&server, "viewer@ppc.example").await;

    // The API: every year, one year, the package, the memorandum.
    let all = reg.get("/api/v1/statistics").await;
    assert_eq!(all.status, 200, "{}", all.body);
    insta::assert_json_snapshot!("api_statistics_all_years", all.body);
    let fy = reg.get("/api/v1/statistics?fiscal_year=2026").await;
    assert_eq!(fy.status, 200);
    assert_eq!(fy.body["total"], 10);
    insta::assert_json_snapshot!("api_statistics_fy2026", fy.body);
    let pkg = reg
        .get("/api/v1/statistics/package?fiscal_year=2026&threshold=5")
        .await;
    assert_eq!(pkg.status, 200, "{}", pkg.body);
    insta::assert_json_snapshot!("api_statistics_package_fy2026", pkg.body);
    // No published number of the package is between 1 and 4.
    for t in pkg.body["tables"].as_array().unwrap() {
        for v in t["cells"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap())
        {
            if let Some(n) = v.as_u64() {
                assert!(n == 0 || n >= 5, "{} shows {n}", t["id"]);
            }
        }
    }
    let memo = reg.get("/api/v1/memorandum?today=2026-12-31").await;
    assert_eq!(memo.status, 200);
    insta::assert_json_snapshot!("api_memorandum_2026_12_31", memo.body);

    // Bad input names its field and changes nothing.
    for (path, field) in [
        ("/api/v1/statistics?fiscal_year=26", "fiscal_year"),
        ("/api/v1/statistics/package", "fiscal_year"),
        (
            "/api/v1/statistics/package?fiscal_year=2026&threshold=2",
            "threshold",
        ),
        ("/api/v1/memorandum?today=2026-13-01", "today"),
    ] {
        let r = reg.get(path).await;
        assert_eq!(r.status, 422, "{path}: {}", r.body);
        assert_eq!(r.body["code"], "invalid_input", "{path}");
        assert_eq!(r.body["field"], field, "{path}");
    }
    let r = reg.get("/api/v1/statistics?year=2026").await;
    assert_eq!(r.status, 400);

    // Operators and the police never see statistics (the same 404 as an absent page).
    for email in ["admin@a.example", "member@npa.example"] {
        let c = Client::login(&server, email).await;
        assert_eq!(c.get("/api/v1/statistics").await.status, 404, "{email}");
        assert_eq!(
            c.get("/api/v1/statistics/package?fiscal_year=2026")
                .await
                .status,
            404
        );
        for page in [
            "/statistics",
            "/statistics.csv",
            "/statistics/package?fiscal_year=2026",
            "/statistics/package.json?fiscal_year=2026",
            "/statistics/package.csv?fiscal_year=2026",
            "/settings/memorandum",
        ] {
            assert_eq!(c.get(page).await.status, 404, "{email} {page}");
        }
    }
    let police = Client::login(&server, "member@npa.example").await;
    assert_eq!(police.get("/api/v1/memorandum").await.status, 200);

    // The page: a chart beside each one-way table, with its title and description.
    let page = reg.get("/statistics?fiscal_year=2026").await;
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap();
    for id in ["fiscal_year", "item", "cause", "sector", "persons", "stage"] {
        assert!(html.contains(&format!("id=\"chart-{id}\"")), "chart {id}");
        assert!(html.contains(&format!("id=\"table-{id}\"")), "table {id}");
    }
    assert!(html.contains("id=\"table-cause_by_persons\""));
    assert!(!html.contains("<script src=\"http"), "nothing from a CDN");
    let svg = svg_of(html, "chart-cause");
    assert!(svg.contains("role=\"img\"") && svg.contains("<title") && svg.contains("<desc"));
    insta::assert_snapshot!("svg_chart_cause_fy2026", svg);
    // A bad year is shown beside the control.
    let bad = reg.get("/statistics?fiscal_year=abc").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.as_str().unwrap().contains("error-summary"));

    // CSV: UTF-8 with a BOM, CRLF, the same numbers.
    let csv = reg
        .http
        .get(format!("{}/statistics.csv?fiscal_year=2026", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'));
    assert!(
        text.contains("cause,原因別の件数,misdelivery,誤交付,cases,件数,1\r\n"),
        "{text}"
    );

    // The package page and its downloads hide the small cells.
    let p = reg.get("/statistics/package?fiscal_year=2026").await;
    assert_eq!(p.status, 200);
    let html = p.body.as_str().unwrap();
    assert!(html.contains("hidden-cell"));
    let pcsv = reg
        .get("/statistics/package.csv?fiscal_year=2026&threshold=5")
        .await;
    assert_eq!(pcsv.status, 200);
    let text = pcsv.body.as_str().unwrap();
    assert!(
        text.contains(
            "cause_by_persons,原因×本人の数の件数,misdelivery,誤交付,1-100,1～100人,x\r\n"
        ),
        "{text}"
    );
    let pjson = reg
        .get("/statistics/package.json?fiscal_year=2026&threshold=5")
        .await;
    assert_eq!(pjson.status, 200);
    assert_eq!(pjson.body, pkg.body, "the download is the API's package");
    assert!(
        pjson.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("roei-police-package-2026.json")
    );

    // Settings: the memorandum's term (the server's clock is 2026-11-20).
    let s = reg.get("/settings/memorandum").await;
    assert_eq!(s.status, 200);
    let html = s.body.as_str().unwrap();
    assert!(html.contains("第4期（2026年度）"), "{html}");
    assert!(html.contains("2026-12-31"));
}

/// The `<svg id="…">…</svg>` of a page.
fn svg_of<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{id}\""
        ))
        .unwrap();
    let end = html[start..].find("</svg>").unwrap() + start + "</svg>".len();
    &html[start..end]
}

#[tokio::test]
async fn statistics_on_sqlite() {
    statistics_over(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_on_postgres() {
    statistics_over(Backend::Postgres).await;
}
