//! Statistics over the real server, on SQLite and on PostgreSQL: the JSON API (snapshots, the
//! same on both databases), the pages with their SVG charts (snapshot) and tables, the CSV
//! exports, the police package with its hidden cells, the memorandum's term, and who may see
//! what.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

mod common;

use common::{Backend, Client, Server, World, complete_report, world};
use jiff::Timestamp;
use roei_domain::model::{OrgKind, Role};
use roei_domain::report::{ReportContent, ReportStage};
use roei_domain::reporting::{self, SubmitRequest};
use roei_domain::service::{self, Actor};
use roei_domain::{Store, accounts};
use roei_law::Facts;
use serde_json::{Value, json};

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

/// Every number of a package's tables (cells and totals) that is shown.
fn shown_numbers(tables: &Value) -> Vec<u64> {
    let mut out = Vec::new();
    for t in tables.as_array().unwrap() {
        let cells = t["cells"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap());
        let margins = ["row_totals", "col_totals"]
            .into_iter()
            .filter_map(|k| t[k].as_array())
            .flatten();
        out.extend(
            cells
                .chain(margins)
                .chain([&t["total"]])
                .filter_map(Value::as_u64),
        );
    }
    out
}

/// A form posted with the session's CSRF token (no redirect followed): status, Location, body.
async fn post_form(c: &Client, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let mut all: Vec<(&str, &str)> = vec![("csrf_token", c.csrf.as_deref().unwrap())];
    all.extend_from_slice(fields);
    let r = c
        .http
        .post(format!("{}{path}", c.base))
        .form(&all)
        .send()
        .await
        .unwrap();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status().as_u16(), location, r.text().await.unwrap())
}

/// The regulator publishes the FY2026 package to the NPA under a designated scope (API and
/// page): the NPA sees it with the hidden cells and never the counts behind them, another
/// police organisation and the operators do not; only regulator members and admins publish;
/// a bad scope is refused naming its field with nothing stored; readings are audited.
async fn publish_over(backend: Backend) {
    let server = common::start(backend).await;
    let w = seed(&server).await;
    let store = &*server.db.store;
    let now = Timestamp::now();
    let osaka = accounts::create_organisation(store, "大阪府警察", OrgKind::Police, None, now)
        .await
        .unwrap();
    accounts::create_user(
        store,
        None,
        osaka.id,
        "member@osaka.example",
        "大阪 一郎",
        Role::Member,
        common::PASSWORD,
        now,
    )
    .await
    .unwrap();
    let reg = Client::login(&server, "member@ppc.example").await;
    let npa = Client::login(&server, "member@npa.example").await;
    let other_police = Client::login(&server, "member@osaka.example").await;
    let operator = Client::login(&server, "admin@a.example").await;
    let viewer = Client::login(&server, "viewer@ppc.example").await;
    let npa_id = w.police.id.to_string();
    let scope = json!({
        "tlp": "AMBER",
        "recipients": [npa_id],
        "purpose": "漏えい等の発生状況の共有",
        "onward_sharing": false,
    });
    let body = |scope: Value| json!({"fiscal_year": 2026, "threshold": 5, "scope": scope});

    // A bad scope (or year, threshold) is refused naming the field, and nothing changes.
    let head = store.audit_head().await.unwrap().unwrap().seq;
    let with = |k: &str, v: Value| {
        let mut s = scope.clone();
        s[k] = v;
        s
    };
    for (b, field) in [
        (body(with("purpose", json!("  "))), "scope.purpose"),
        (body(with("recipients", json!([]))), "scope.recipients"),
        (
            body(with("recipients", json!([w.op_a.id.to_string()]))),
            "scope.recipients[0]",
        ),
        (
            body(with("recipients", json!([w.regulator.id.to_string()]))),
            "scope.recipients[0]",
        ),
        (
            body(with("onward_sharing", json!(true))),
            "scope.onward_sharing",
        ),
        (
            body(with("expires_at", json!("2026-11-01T00:00:00Z"))),
            "scope.expires_at",
        ),
        (
            json!({"fiscal_year": 2026, "threshold": 2, "scope": scope}),
            "threshold",
        ),
    ] {
        let r = reg.post("/api/v1/statistics/package/share", &b).await;
        assert_eq!(r.status, 422, "{field}: {}", r.body);
        assert_eq!(r.body["code"], "invalid_input", "{field}");
        assert_eq!(r.body["field"], field, "{}", r.body);
    }
    let r = reg
        .post(
            "/api/v1/statistics/package/share",
            &body(with("tlp", json!("PURPLE"))),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.body["field"], "scope.tlp");
    assert_eq!(store.audit_head().await.unwrap().unwrap().seq, head);
    let listed = reg.get("/api/v1/shared-items").await;
    assert_eq!(listed.body, json!([]), "nothing was shared");

    // Only regulator members and admins publish: 403 with a stable code for anyone else.
    for c in [&operator, &npa, &viewer] {
        let r = c
            .post("/api/v1/statistics/package/share", &body(scope.clone()))
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(r.body["code"], "forbidden");
    }
    let (status, _, _) = post_form(
        &operator,
        "/statistics/package/share",
        &[
            ("fiscal_year", "2026"),
            ("tlp", "AMBER"),
            ("recipients", &npa_id),
            ("purpose", "x"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(store.audit_head().await.unwrap().unwrap().seq, head);

    // The regulator publishes through the API: the body is the package as published.
    let pkg = reg
        .get("/api/v1/statistics/package?fiscal_year=2026&threshold=5")
        .await;
    assert_eq!(pkg.status, 200);
    let r = reg
        .post("/api/v1/statistics/package/share", &body(scope.clone()))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.headers["location"].to_str().unwrap(),
        format!("/api/v1/shared-items/{id}")
    );
    assert_eq!(r.body["kind"], "statistics_package");
    assert_eq!(r.body["title"], "漏えい等報告の統計パッケージ（2026年度）");
    assert_eq!(r.body["scope"]["recipients"], json!([npa_id]));
    assert_eq!(
        r.body["body"], pkg.body,
        "the package exactly as the API gives it"
    );

    // The NPA (named) sees it with the hidden cells; the counts behind them are not there.
    let listed = npa.get("/api/v1/shared-items").await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "{}", listed.body);
    assert_eq!(listed.body[0]["id"], id.as_str());
    let seen = npa.get(&format!("/api/v1/shared-items/{id}")).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    let tables = &seen.body["item"]["body"]["tables"];
    let cross = tables
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "cause_by_persons")
        .unwrap();
    let row = cross["rows"]
        .as_array()
        .unwrap()
        .iter()
        .position(|k| k["code"] == "misdelivery")
        .unwrap();
    assert!(
        cross["cells"][row]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v.is_null() || v == 0)
    );
    assert!(
        cross["row_totals"][row].is_null(),
        "the single misdelivery is hidden"
    );
    let numbers = shown_numbers(tables);
    assert!(!numbers.is_empty());
    assert!(
        numbers.iter().all(|n| *n == 0 || *n >= 5),
        "a number of 1–4 shown: {numbers:?}"
    );
    let page = npa.get(&format!("/sharing/items/{id}")).await;
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap();
    assert!(html.contains("id=\"item-package\""), "{html}");
    assert!(html.contains("id=\"table-cause_by_persons\""));
    assert!(html.contains("hidden-cell"));
    assert!(html.contains("TLP:AMBER"));

    // Another police organisation and an operator do not see it (the same 404 as no item).
    for c in [&other_police, &operator] {
        assert_eq!(c.get("/api/v1/shared-items").await.body, json!([]));
        assert_eq!(
            c.get(&format!("/api/v1/shared-items/{id}")).await.status,
            404
        );
        assert_eq!(c.get(&format!("/sharing/items/{id}")).await.status, 404);
    }

    // The page: the regulator's member sees the form (the viewer does not) and publishes with
    // it; a bad scope shows the form again with the field named and nothing stored.
    let p = reg
        .get("/statistics/package?fiscal_year=2026&threshold=5")
        .await;
    let html = p.body.as_str().unwrap();
    assert!(html.contains("id=\"publish-form\""));
    assert!(html.contains(&format!("id=\"recipient-{npa_id}\"")));
    assert!(!html.contains(&format!("id=\"recipient-{}\"", w.regulator.id)));
    let p = viewer
        .get("/statistics/package?fiscal_year=2026&threshold=5")
        .await;
    assert!(!p.body.as_str().unwrap().contains("id=\"publish-form\""));
    let head = store.audit_head().await.unwrap().unwrap().seq;
    let (status, _, html) = post_form(
        &reg,
        "/statistics/package/share",
        &[
            ("fiscal_year", "2026"),
            ("threshold", "5"),
            ("title", "2026年度 統計"),
            ("tlp", "AMBER"),
            ("purpose", "共有"),
            ("expires_on", "2027-03-31"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"publish-error\""), "{html}");
    assert!(html.contains("scope.recipients"));
    assert!(
        html.contains("value=\"2026年度 統計\""),
        "the form keeps what was typed"
    );
    // Showing the page again records one reading of the package, nothing else.
    let events = store.audit_events(head, 100).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["statistics.package.read"]
    );
    let (status, location, _) = post_form(
        &reg,
        "/statistics/package/share",
        &[
            ("fiscal_year", "2026"),
            ("threshold", "10"),
            ("title", "2026年度 統計"),
            ("tlp", "AMBER+STRICT"),
            ("recipients", &npa_id),
            ("purpose", "共有"),
            ("expires_on", "2027-03-31"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let second = location.strip_prefix("/sharing/items/").unwrap().to_owned();
    let seen = npa.get(&format!("/api/v1/shared-items/{second}")).await;
    assert_eq!(seen.status, 200);
    assert_eq!(seen.body["item"]["title"], "2026年度 統計");
    assert_eq!(seen.body["item"]["scope"]["tlp"], "AMBER+STRICT");
    assert_eq!(seen.body["item"]["body"]["threshold"], 10);
    assert!(seen.body["item"]["scope"]["expires_at"].is_string());
    let numbers = shown_numbers(&seen.body["item"]["body"]["tables"]);
    assert!(numbers.iter().all(|n| *n == 0 || *n >= 10), "{numbers:?}");
    assert_eq!(
        other_police
            .get(&format!("/api/v1/shared-items/{second}"))
            .await
            .status,
        404
    );

    // Audited: each reading of the package by the regulator (API, page, downloads), the
    // shares, and the NPA's readings of the items.
    reg.get("/statistics/package.csv?fiscal_year=2026").await;
    reg.get("/statistics/package.json?fiscal_year=2026").await;
    let events = store.audit_events(0, 10_000).await.unwrap();
    let reads: Vec<String> = events
        .iter()
        .filter(|e| e.action == "statistics.package.read")
        .map(|e| {
            assert_eq!(e.subject, "statistics_package:2026");
            let p: Value = serde_json::from_str(&e.payload).unwrap();
            p["via"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(reads, ["api", "page", "page", "page", "csv", "json"]);
    for (action, subject) in [
        ("shared_item.share", format!("shared_item:{id}")),
        ("shared_item.share", format!("shared_item:{second}")),
        ("shared_item.view", format!("shared_item:{id}")),
    ] {
        assert!(
            events
                .iter()
                .any(|e| e.action == action && e.subject == subject),
            "{action} {subject}"
        );
    }
    let npa_views = events
        .iter()
        .filter(|e| e.action == "shared_item.view" && e.org == Some(w.police.id))
        .count();
    assert_eq!(npa_views, 3, "API twice, page once");
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

#[tokio::test]
async fn package_published_on_sqlite() {
    publish_over(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn package_published_on_postgres() {
    publish_over(Backend::Postgres).await;
}
