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

/// The outbox messages of `c`'s organisation of one kind.
async fn mails(c: &Client, kind: &str) -> Vec<serde_json::Value> {
    let r = c.get("/api/v1/outbox").await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == kind)
        .cloned()
        .collect()
}

fn recipients(ms: &[serde_json::Value]) -> Vec<&str> {
    let mut v: Vec<&str> = ms
        .iter()
        .map(|m| m["recipient"].as_str().unwrap())
        .collect();
    v.sort_unstable();
    v
}

/// A consent request (覚書5条) is mailed to the originator's members and admins, and its
/// decision to every user of the requesting organisation, in Japanese with the item's title,
/// the decision and the item's path; each once, in the same transaction as the request or the
/// decision.
async fn consent_mail(backend: Backend) {
    let server: Server = common::start(backend).await;
    let world = common::world(&*server.state.store).await;
    let now = jiff::Timestamp::now();
    let osaka = roei_domain::accounts::create_organisation(
        &*server.state.store,
        "大阪府警察",
        roei_domain::model::OrgKind::Police,
        None,
        now,
    )
    .await
    .unwrap();
    let reg = Client::login(&server, "member@ppc.example").await;
    let npa = Client::login(&server, "member@npa.example").await;
    let r = reg
        .post(
            "/api/v1/shared-items",
            &json!({
                "kind": "attack_methods",
                "title": "VPN装置を狙う攻撃手法",
                "body": {"text": "認証情報の窃取"},
                "scope": {"tlp": "AMBER", "recipients": [world.police.id.to_string()],
                          "purpose": "被害防止"},
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let item = r.body["id"].as_str().unwrap().to_owned();
    let path = format!("/sharing/items/{item}");

    // The NPA asks to pass it on to Osaka: the regulator's members and admins are told.
    let forward = json!({"to_org": osaka.id.to_string(), "reason": "大阪府内の被害防止のため"});
    let r = npa
        .post(&format!("/api/v1/shared-items/{item}/forward"), &forward)
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    let first = r.body["request"]["id"].as_str().unwrap().to_owned();
    let asked = mails(&reg, "consent.request").await;
    assert_eq!(
        recipients(&asked),
        ["admin@ppc.example", "member@ppc.example"],
        "viewers cannot decide"
    );
    let m = &asked[0];
    assert_eq!(
        m["subject"],
        "【同意の求め】「VPN装置を狙う攻撃手法」を大阪府警察へ共有することについて"
    );
    let body = m["body"].as_str().unwrap();
    for text in [
        "警察庁サイバー警察局から",
        "大阪府内の被害防止のため",
        &path,
        "覚書5条",
    ] {
        assert!(body.contains(text), "{text}: {body}");
    }
    assert!(mails(&npa, "consent.request").await.is_empty());

    // Refused: every user of the NPA is told, with the note; once, however often one asks.
    let r = reg
        .post(
            &format!("/api/v1/consent-requests/{first}/decision"),
            &json!({"approve": false, "note": "現時点では共有範囲外"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = reg
        .post(
            &format!("/api/v1/consent-requests/{first}/decision"),
            &json!({"approve": true}),
        )
        .await;
    assert_eq!(r.status, 409);
    let refused = mails(&npa, "consent.refused").await;
    assert_eq!(
        recipients(&refused),
        [
            "admin@npa.example",
            "member@npa.example",
            "viewer@npa.example"
        ]
    );
    assert_eq!(
        refused[0]["subject"],
        "【不同意】「VPN装置を狙う攻撃手法」を大阪府警察へ共有することに同意されませんでした"
    );
    let body = refused[0]["body"].as_str().unwrap();
    for text in [
        "個人情報保護委員会が同意しませんでした",
        "大阪府警察へは共有されません",
        "回答の理由：現時点では共有範囲外",
        &path,
    ] {
        assert!(body.contains(text), "{text}: {body}");
    }
    assert!(mails(&npa, "consent.approved").await.is_empty());
    assert!(mails(&reg, "consent.refused").await.is_empty());

    // Asked again and approved on the item's page: the NPA is told; Osaka now sees the item.
    let r = npa
        .post(&format!("/api/v1/shared-items/{item}/forward"), &forward)
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    let second = r.body["request"]["id"].as_str().unwrap().to_owned();
    assert_eq!(mails(&reg, "consent.request").await.len(), 4);
    let (status, _) = form(
        &reg,
        &format!("/sharing/consents/{second}"),
        &[("decision", "approve"), ("note", ""), ("item", &item)],
    )
    .await;
    assert_eq!(status, 303);
    let approved = mails(&npa, "consent.approved").await;
    assert_eq!(approved.len(), 3);
    assert_eq!(
        approved[0]["subject"],
        "【同意】「VPN装置を狙う攻撃手法」を大阪府警察へ共有することに同意されました"
    );
    let body = approved[0]["body"].as_str().unwrap();
    assert!(body.contains("大阪府警察は共有先に加わり"), "{body}");
    assert!(!body.contains("回答の理由"), "no note, no line");
    assert!(body.contains(&path));

    // Every message once (its own dedupe key), nothing sent yet, no case attached.
    let all = server.state.store.list_outbox(None, 100).await.unwrap();
    assert_eq!(all.len(), 4 + 3 + 3);
    let keys: std::collections::BTreeSet<_> = all.iter().map(|m| m.dedupe_key.clone()).collect();
    assert_eq!(keys.len(), all.len());
    assert!(
        all.iter()
            .all(|m| m.sent_at.is_none() && m.case_id.is_none())
    );
    // The audit events name who was told.
    let events = server.state.store.audit_events(0, 1000).await.unwrap();
    let request = events
        .iter()
        .find(|e| e.action == "consent.request")
        .unwrap();
    assert!(
        request.payload.contains("admin@ppc.example"),
        "{}",
        request.payload
    );
    let refuse = events
        .iter()
        .find(|e| e.action == "consent.refuse")
        .unwrap();
    assert!(
        refuse.payload.contains("viewer@npa.example"),
        "{}",
        refuse.payload
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_mail_sqlite() {
    consent_mail(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_mail_postgres() {
    consent_mail(Backend::Postgres).await;
}
