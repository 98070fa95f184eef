//! Document downloads over HTTP on the real server (SQLite and PostgreSQL): a submission's
//! report PDF for the operator and the regulator, the case's letters from its draft, the
//! e-mail text, the errors. Who may download what is in authorization.rs.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

mod common;

use common::{Backend, Client, complete_report, ransomware_facts, start, world};
use serde_json::{Value, json};

macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(Backend::Postgres).await;
            }
        }
    };
}

on_both!(downloads);

fn header<'a>(r: &'a common::Resp, name: &str) -> &'a str {
    r.headers.get(name).map_or("", |v| v.to_str().unwrap_or(""))
}

async fn downloads(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    let b = Client::login(&server, "member@b.example").await;
    let reg = Client::login(&server, "member@ppc.example").await;

    // B (A's entrustee) opens a case and saves a draft with a character outside the fonts.
    let mut facts = ransomware_facts();
    facts["entrustee"] = json!(true);
    let r = b
        .post(
            "/api/v1/cases",
            &json!({"title": "委託先の漏えい", "facts": facts}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["case"]["id"].as_str().unwrap().to_owned();
    let mut content: Value = complete_report();
    content["header"]["representative"] = json!("代表取締役　𠮷田 一郎");
    let r = b
        .put(
            &format!("/api/v1/cases/{id}/report/draft"),
            &json!({"version": 0, "content": content}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    for (kind, ctype) in [
        ("report", "application/pdf"),
        ("notice", "application/pdf"),
        ("entruster-notice", "application/pdf"),
        ("announcement", "application/pdf"),
        ("notice-email", "text/plain; charset=utf-8"),
    ] {
        let r = b.get(&format!("/api/v1/cases/{id}/documents/{kind}")).await;
        assert_eq!(r.status, 200, "{kind}: {}", r.body);
        assert_eq!(header(&r, "content-type"), ctype, "{kind}");
        assert!(
            header(&r, "content-disposition")
                .starts_with(&format!("attachment; filename=\"{kind}-")),
            "{kind}: {}",
            header(&r, "content-disposition")
        );
        let body = r.body.as_str().unwrap();
        if kind == "notice-email" {
            assert!(body.starts_with("件名：【重要】"), "{body}");
            assert!(body.contains("𠮷田"), "the e-mail keeps the text as typed");
            assert_eq!(header(&r, "x-roei-missing-glyphs"), "");
        } else {
            assert!(body.starts_with("%PDF-"), "{kind}");
            assert_eq!(header(&r, "x-roei-missing-glyphs"), "U+20BB7", "{kind}");
        }
    }

    let r = b
        .get(&format!("/api/v1/cases/{id}/documents/contract"))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["code"], "document_input_invalid");
    assert_eq!(r.body["field"], "kind");

    // Submitted: the 速報's PDF for B and for the regulator it went to; no second version yet.
    let r = b
        .post(
            &format!("/api/v1/cases/{id}/report/submissions"),
            &json!({"stage": "quick_report", "draft_version": 1}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    for who in [&b, &reg] {
        let r = who
            .get(&format!("/api/v1/cases/{id}/report/submissions/1/pdf"))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(header(&r, "content-type"), "application/pdf");
        assert!(header(&r, "content-disposition").contains("report-1-quick_report.pdf"));
    }
    let a = b
        .get(&format!("/api/v1/cases/{id}/report/submissions/1/pdf"))
        .await;
    let again = reg
        .get(&format!("/api/v1/cases/{id}/report/submissions/1/pdf"))
        .await;
    assert_eq!(
        a.body, again.body,
        "the same submission gives the same bytes"
    );
    let r = b
        .get(&format!("/api/v1/cases/{id}/report/submissions/2/pdf"))
        .await;
    assert_eq!(r.status, 404);
}
