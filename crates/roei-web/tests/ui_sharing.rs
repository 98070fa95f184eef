//! The sharing pages over HTTP: the police start page, the contacts (regulator admins edit,
//! audited; a confirmed contact shows as confirmed to the operator), who reaches which page.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

mod common;

use common::{Backend, Client, Server};
use roei_domain::model::Role;
use serde_json::json;

async fn form(c: &Client, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut all: Vec<(&str, &str)> = vec![("csrf_token", c.csrf.as_deref().unwrap())];
    all.extend_from_slice(fields);
    let r = c
        .http
        .post(format!("{}{path}", c.base))
        .form(&all)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn page(c: &Client, path: &str) -> (u16, String) {
    let r = c.get(path).await;
    (r.status, r.body.as_str().unwrap_or_default().to_owned())
}

async fn pages(backend: Backend) {
    let server: Server = common::start(backend).await;
    let world = common::world(&*server.state.store).await;
    let reg_admin = Client::login(&server, "admin@ppc.example").await;
    let reg_member = Client::login(&server, "member@ppc.example").await;
    let police = Client::login(&server, "member@npa.example").await;
    let op = Client::login(&server, "member@a.example").await;

    // Who reaches what.
    assert_eq!(page(&police, "/home").await.0, 200);
    let r = reg_member.get("/home").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.headers["location"], "/inbox");
    assert_eq!(page(&op, "/sharing").await.0, 404);
    assert_eq!(page(&op, "/settings/police-contacts").await.0, 404);
    assert_eq!(page(&police, "/settings/police-contacts").await.0, 404);
    let (status, html) = page(&reg_member, "/settings/police-contacts").await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("<tr id=\"contact-").count(), 47);
    assert!(
        !html.contains("<td class=\"contact-status\">確認済み</td>"),
        "nothing is confirmed as shipped"
    );
    assert_eq!(
        page(&reg_member, "/settings/police-contacts/15").await.0,
        403
    );

    // A regulator admin confirms Niigata's contact; a bad number is refused beside nothing
    // changed.
    let (status, html) = form(
        &reg_admin,
        "/settings/police-contacts/15",
        &[("phone", "call us"), ("source", "x")],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("phone"));
    let before = server.state.store.audit_head().await.unwrap().unwrap().seq;
    let (status, _) = form(
        &reg_admin,
        "/settings/police-contacts/15",
        &[
            ("contact_name", "サイバー犯罪対策課"),
            ("phone", "025-285-0110"),
            ("url", ""),
            ("source", "新潟県警察に電話で確認"),
            ("retrieved", "2026-11-20"),
            ("confirmed", "on"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let head = server.state.store.audit_head().await.unwrap().unwrap();
    assert_eq!(
        (head.seq, head.action.as_str()),
        (before + 1, "police_contact.update")
    );
    let (_, html) = page(&reg_member, "/settings/police-contacts").await;
    assert!(html.contains("025-285-0110"));
    assert_eq!(
        html.matches("<td class=\"contact-status\">確認済み</td>")
            .count(),
        1
    );

    // The operator's police page after an introduction to Niigata shows it as confirmed.
    let a = &op;
    let r = a
        .post(
            "/api/v1/cases",
            &json!({"title": "不正アクセス", "facts": common::ransomware_facts()}),
        )
        .await;
    let id = r.body["case"]["id"].as_str().unwrap().to_owned();
    a.put(
        &format!("/api/v1/cases/{id}/report/draft"),
        &json!({"version": 0, "content": common::complete_report()}),
    )
    .await;
    let r = a
        .post(
            &format!("/api/v1/cases/{id}/report/submissions"),
            &json!({"stage": "quick_report", "draft_version": 1}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = reg_member
        .post(
            &format!("/api/v1/cases/{id}/regulator-actions"),
            &json!({"kind": "police_introduction", "prefecture_code": "15"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = reg_member
        .post(
            &format!("/api/v1/cases/{id}/regulator-actions"),
            &json!({"kind": "police_introduction", "prefecture_code": "13"}),
        )
        .await;
    assert_eq!(r.status, 409, "once per case: {}", r.body);
    let (status, html) = page(a, &format!("/cases/{id}/police-report")).await;
    assert_eq!(status, 200);
    assert!(html.contains("025-285-0110"));
    assert!(html.contains("data-status=\"ct.status.confirmed\""));
    assert!(!html.contains("この番号は確認されていません"));
    assert!(html.contains("https://www.npa.go.jp/bureau/cyber/soudan.html"));

    // A prefecture with no contact at all shows the NPA's reception only.
    let notice = a.get("/api/v1/police-contacts/17").await;
    assert_eq!(notice.body["status"], "none");
    assert_eq!(
        notice.body["npa_online_url"],
        "https://www.npa.go.jp/bureau/cyber/soudan.html"
    );
    let _ = (world, Role::Admin);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharing_pages_sqlite() {
    pages(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharing_pages_postgres() {
    pages(Backend::Postgres).await;
}
