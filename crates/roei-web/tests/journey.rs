//! Every use case end to end over HTTP, on SQLite and on PostgreSQL: the real server on a random
//! port, logged-in clients, the JSON API.

#![allow(
    clippy::unwrap_used,
    clippy::missing_panics_doc,
    clippy::too_many_lines,
    clippy::many_single_char_names
)]

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

on_both!(operator_and_regulator_journey);
on_both!(bad_input_is_refused_and_changes_nothing);
on_both!(sessions_csrf_tokens_and_throttling);
on_both!(entrustee_notifies_its_entruster);
on_both!(service_endpoints);

async fn audit_count(server: &common::Server) -> usize {
    server
        .db
        .store
        .audit_events(0, 100_000)
        .await
        .unwrap()
        .len()
}

async fn operator_and_regulator_journey(backend: Backend) {
    let server = start(backend).await;
    let w = world(&*server.db.store).await;
    let a = Client::login(&server, "member@a.example").await;
    let ppc = Client::login(&server, "member@ppc.example").await;

    // Open a case: the determination says item 3, 60 days.
    let r = a
        .post(
            "/api/v1/cases",
            &json!({"title": "ランサムウェア被害", "facts": ransomware_facts()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let case_id = r.body["case"]["id"].as_str().unwrap().to_owned();
    let det = &r.body["determination"]["determination"];
    assert_eq!(det["report_required"], json!(true));
    assert_eq!(det["items"], json!([3, 4]));
    assert_eq!(det["final_report_days"], json!(60));
    assert_eq!(det["final_report_due"], json!("2027-01-18"));
    assert!(det["reasons"][0]["citation"].is_string());
    assert_eq!(r.body["determination"]["law_version"], json!("2024-04-01"));

    // The board shows it with the 速報 next.
    let board = a.get("/api/v1/board").await;
    assert_eq!(board.status, 200);
    assert_eq!(board.body[0]["overview"]["case"]["id"], json!(case_id));
    assert_eq!(board.body[0]["next"], json!("quick_report"));

    // The draft is prefilled from the case.
    let d = a
        .get(&format!("/api/v1/cases/{case_id}/report/draft"))
        .await;
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.body["draft"]["version"], json!(0));
    assert_eq!(d.body["draft"]["content"]["persons"]["count"], json!(1500));
    assert_eq!(
        d.body["draft"]["content"]["header"]["reporter_name"],
        json!("株式会社エー")
    );
    assert!(!d.body["missing_for_final"].as_array().unwrap().is_empty());
    let mut content = d.body["draft"]["content"].clone();
    content["header"]["contact_name"] = json!("佐藤花子");
    content["header"]["contact_phone"] = json!("03-1234-5678");
    let saved = a
        .put(
            &format!("/api/v1/cases/{case_id}/report/draft"),
            &json!({"version": 0, "content": content}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["draft"]["version"], json!(1));

    // The regulator sees nothing yet.
    assert_eq!(ppc.get("/api/v1/inbox").await.body, json!([]));
    assert_eq!(
        ppc.get(&format!("/api/v1/cases/{case_id}/report/submissions"))
            .await
            .status,
        404
    );

    // A 確報 now is refused, listing what is missing.
    let r = a
        .post(
            &format!("/api/v1/cases/{case_id}/report/submissions"),
            &json!({"stage": "final_report", "draft_version": 1}),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["code"], json!("report_incomplete"));
    assert!(
        r.body["missing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["field"] == json!("summary.course_of_events"))
    );

    // Submit the 速報 with an idempotency key; the retry answers the same.
    let path = format!("/api/v1/cases/{case_id}/report/submissions");
    let body = json!({"stage": "quick_report", "draft_version": 1});
    let first = a
        .send(
            reqwest::Method::POST,
            &path,
            Some(&body),
            &[("Idempotency-Key", "quick-1")],
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = a
        .send(
            reqwest::Method::POST,
            &path,
            Some(&body),
            &[("Idempotency-Key", "quick-1")],
        )
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(first.body["to_org"], json!(w.regulator.id.to_string()));

    // The regulator's inbox has it; it acknowledges and asks a question.
    let inbox = ppc.get("/api/v1/inbox").await;
    assert_eq!(inbox.status, 200);
    assert_eq!(inbox.body.as_array().unwrap().len(), 1);
    assert_eq!(inbox.body[0]["latest"]["stage"], json!("quick_report"));
    assert_eq!(inbox.body[0]["org_name"], json!("株式会社エー"));
    let filtered = ppc.get("/api/v1/inbox?item=3&stage=quick_report").await;
    assert_eq!(filtered.body.as_array().unwrap().len(), 1);
    let none = ppc.get("/api/v1/inbox?item=1").await;
    assert_eq!(none.body, json!([]));
    let bad = ppc.get("/api/v1/inbox?stage=draft").await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.body["field"], json!("stage"));
    let ack = ppc
        .post(
            &format!("/api/v1/cases/{case_id}/regulator-actions"),
            &json!({"kind": "acknowledge", "submission_id": first.body["id"]}),
        )
        .await;
    assert_eq!(ack.status, 201, "{}", ack.body);
    let twice = ppc
        .post(
            &format!("/api/v1/cases/{case_id}/regulator-actions"),
            &json!({"kind": "acknowledge", "submission_id": first.body["id"]}),
        )
        .await;
    assert_eq!(twice.status, 409);
    let intro = ppc
        .post(
            &format!("/api/v1/cases/{case_id}/regulator-actions"),
            &json!({"kind": "police_introduction", "prefecture_code": "13",
                    "note": "警視庁サイバー犯罪対策課への通報をご検討ください"}),
        )
        .await;
    assert_eq!(intro.status, 201, "{}", intro.body);
    let q = ppc
        .post(
            &format!("/api/v1/cases/{case_id}/messages"),
            &json!({"body": "侵入経路について追加でご報告ください。"}),
        )
        .await;
    assert_eq!(q.status, 201, "{}", q.body);
    let reply = a
        .post(
            &format!("/api/v1/cases/{case_id}/messages"),
            &json!({"body": "VPN機器の脆弱性と判明しました。確報でご報告します。"}),
        )
        .await;
    assert_eq!(reply.status, 201);
    let thread = a.get(&format!("/api/v1/cases/{case_id}/messages")).await;
    assert_eq!(thread.body.as_array().unwrap().len(), 2);
    let actions = a
        .get(&format!("/api/v1/cases/{case_id}/regulator-actions"))
        .await;
    assert_eq!(actions.body.as_array().unwrap().len(), 2);

    // The operator records its police report.
    let pr = a
        .post(
            &format!("/api/v1/cases/{case_id}/police-reports"),
            &json!({"prefecture_code": "13", "reported_on": "2026-11-19",
                    "receipt_number": "令和8年第1234号"}),
        )
        .await;
    assert_eq!(pr.status, 201, "{}", pr.body);
    assert_eq!(
        a.get(&format!("/api/v1/cases/{case_id}/police-reports"))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // 確報 overdue once the due date has passed without one.
    let late = ppc
        .get("/api/v1/inbox?final_overdue=true&today=2027-01-19")
        .await;
    assert_eq!(late.body.as_array().unwrap().len(), 1);
    assert_eq!(late.body[0]["days_overdue"], json!(1));
    let board = a.get("/api/v1/board?today=2027-01-19").await;
    assert_eq!(board.body[0]["urgency"], json!("overdue"));

    // Complete the report and submit the 確報; the regulator sees the diff.
    let saved = a
        .put(
            &format!("/api/v1/cases/{case_id}/report/draft"),
            &json!({"version": 1, "content": complete_report()}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["missing_for_final"], json!([]));
    assert_eq!(saved.body["next_stages"], json!(["final_report"]));
    let fin = a
        .post(&path, &json!({"stage": "final_report", "draft_version": 2}))
        .await;
    assert_eq!(fin.status, 201, "{}", fin.body);
    assert_eq!(fin.body["seq"], json!(2));
    let versions = ppc.get(&path).await;
    assert_eq!(versions.status, 200);
    let changes = versions.body[1]["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["field"] == json!("summary.course_of_events") && c["matter"] == json!(1))
    );
    // The first version is as it was sent (only the regulator's acknowledgement was added).
    for k in [
        "id",
        "seq",
        "stage",
        "content",
        "submitted_at",
        "items",
        "persons",
    ] {
        assert_eq!(
            versions.body[0]["submission"][k], first.body[k],
            "{k} never edited"
        );
    }
    assert!(versions.body[0]["submission"]["acknowledged_at"].is_string());
    let late = ppc
        .get("/api/v1/inbox?final_overdue=true&today=2027-01-19")
        .await;
    assert_eq!(late.body, json!([]));

    // A 追完 must change something; then it goes through.
    let same = a
        .post(&path, &json!({"stage": "supplement", "draft_version": 2}))
        .await;
    assert_eq!(same.status, 422);
    let mut more = complete_report();
    more["other"] = json!("2026年12月に外部調査報告書を受領予定");
    a.put(
        &format!("/api/v1/cases/{case_id}/report/draft"),
        &json!({"version": 2, "content": more}),
    )
    .await;
    let sup = a
        .post(&path, &json!({"stage": "supplement", "draft_version": 3}))
        .await;
    assert_eq!(sup.status, 201, "{}", sup.body);

    // Facts change: re-assessed, history kept.
    let mut facts = ransomware_facts();
    facts["persons"] = json!(1800);
    let upd = a
        .put(
            &format!("/api/v1/cases/{case_id}/facts"),
            &json!({"version": 1, "facts": facts}),
        )
        .await;
    assert_eq!(upd.status, 200, "{}", upd.body);
    let stale = a
        .put(
            &format!("/api/v1/cases/{case_id}/facts"),
            &json!({"version": 1, "facts": facts}),
        )
        .await;
    assert_eq!(stale.status, 409);
    let dets = a
        .get(&format!("/api/v1/cases/{case_id}/determinations"))
        .await;
    assert_eq!(dets.body.as_array().unwrap().len(), 2);

    // Close it: off the board.
    let closed = a
        .put(
            &format!("/api/v1/cases/{case_id}/status"),
            &json!({"version": 2, "status": "closed"}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(a.get("/api/v1/board").await.body, json!([]));

    // Every change is in the audit chain, which verifies.
    let events = server.db.store.audit_events(0, 100_000).await.unwrap();
    let mut state = None;
    roei_domain::audit::verify(&events, &mut state).unwrap();
    for action in [
        "case.open",
        "report.save_draft",
        "report.submit",
        "regulator.acknowledge",
        "regulator.police_introduction",
        "message.post",
        "police_report.record",
        "case.update_facts",
        "case.set_status",
        "user.login",
    ] {
        assert!(
            events.iter().any(|e| e.action == action),
            "no {action} event"
        );
    }
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "report.submit")
            .count(),
        3,
        "the idempotent retry stored nothing"
    );
}

async fn bad_input_is_refused_and_changes_nothing(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    let a = Client::login(&server, "member@a.example").await;
    let before = audit_count(&server).await;
    let cases: &[(&str, Value, &str, &str)] = &[
        (
            "/api/v1/cases",
            json!({"title": "x", "facts": {"known_on": "2026-02-30", "events": ["leak"]}}),
            "invalid_input",
            "facts.known_on",
        ),
        (
            "/api/v1/cases",
            json!({"title": "x", "facts": {"known_on": "2026-11-01", "events": []}}),
            "invalid_input",
            "facts.events",
        ),
        (
            "/api/v1/cases",
            json!({"title": "x", "facts": {"known_on": "2026-11-01", "events": ["leak"], "persons": -3}}),
            "invalid_input",
            "facts.persons",
        ),
        (
            "/api/v1/cases",
            json!({"title": "", "facts": ransomware_facts()}),
            "invalid_input",
            "title",
        ),
        (
            "/api/v1/cases",
            json!({"title": "x", "facts": ransomware_facts(), "extra": 1}),
            "invalid_json",
            "extra",
        ),
        (
            "/api/v1/cases",
            json!({"title": 5, "facts": ransomware_facts()}),
            "invalid_json",
            "title",
        ),
    ];
    for (path, body, code, field) in cases {
        let r = a.post(path, body).await;
        assert!(
            r.status == 400 || r.status == 422,
            "{body}: {} {}",
            r.status,
            r.body
        );
        assert_eq!(r.body["code"], json!(code), "{body}: {}", r.body);
        // An unknown top-level key has no field path; its message names it.
        if *field != "extra" {
            assert_eq!(r.body["field"], json!(field), "{body}: {}", r.body);
        }
        assert!(
            r.body["message"].as_str().unwrap().contains(field),
            "{}",
            r.body
        );
    }
    // Not JSON at all.
    let r = a
        .send(
            reqwest::Method::POST,
            "/api/v1/cases",
            None,
            &[("content-type", "text/plain")],
        )
        .await;
    assert_eq!(r.status, 415);
    assert_eq!(audit_count(&server).await, before, "nothing was written");

    // Report content: unknown option, naming the field path.
    let r = a
        .post(
            "/api/v1/cases",
            &json!({"title": "誤送信", "facts": ransomware_facts()}),
        )
        .await;
    let case_id = r.body["case"]["id"].as_str().unwrap().to_owned();
    let mut content = complete_report();
    content["data_items"]["items"] = json!(["name", "shoe_size"]);
    let r = a
        .put(
            &format!("/api/v1/cases/{case_id}/report/draft"),
            &json!({"version": 0, "content": content}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["field"], json!("content.data_items.items[1]"));
    let mut content = complete_report();
    content["persons"]["cuont"] = json!(3);
    let r = a
        .put(
            &format!("/api/v1/cases/{case_id}/report/draft"),
            &json!({"version": 0, "content": content}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.body["field"], json!("content.persons.cuont"));
    // Submitting without a saved draft; a bad stage; a bad police prefecture; a bad date.
    let sub = format!("/api/v1/cases/{case_id}/report/submissions");
    let r = a
        .post(&sub, &json!({"stage": "quick_report", "draft_version": 0}))
        .await;
    assert_eq!(
        (r.status, r.body["field"].clone()),
        (422, json!("draft_version"))
    );
    let r = a
        .post(&sub, &json!({"stage": "interim", "draft_version": 0}))
        .await;
    assert_eq!((r.status, r.body["field"].clone()), (400, json!("stage")));
    let r = a
        .post(
            &format!("/api/v1/cases/{case_id}/police-reports"),
            &json!({"prefecture_code": "48", "reported_on": "2026-11-19"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["field"].clone()),
        (422, json!("prefecture_code"))
    );
    let r = a
        .post(
            &format!("/api/v1/cases/{case_id}/police-reports"),
            &json!({"prefecture_code": "13", "reported_on": "2027-01-01"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["field"].clone()),
        (422, json!("reported_on"))
    );
    // Messages before any submission: the thread is not open.
    let r = a
        .post(
            &format!("/api/v1/cases/{case_id}/messages"),
            &json!({"body": "こんにちは"}),
        )
        .await;
    assert_eq!(r.status, 409);
    // Unknown case ids and malformed ids.
    let r = a
        .get(&format!("/api/v1/cases/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(
        (r.status, r.body["code"].clone()),
        (404, json!("not_found"))
    );
    let r = a.get("/api/v1/cases/not-a-uuid").await;
    assert_eq!(r.status, 422);
    let r = a.get("/api/v1/nothing-here").await;
    assert_eq!(
        (r.status, r.body["code"].clone()),
        (404, json!("not_found"))
    );
}

async fn sessions_csrf_tokens_and_throttling(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    // Anonymous.
    let anon = Client::anonymous(&server);
    let r = anon.get("/api/v1/me").await;
    assert_eq!(
        (r.status, r.body["code"].clone()),
        (401, json!("unauthenticated"))
    );
    // A session without the CSRF header cannot change anything.
    let mut a = Client::login(&server, "member@a.example").await;
    let csrf = a.csrf.take();
    let r = a
        .post(
            "/api/v1/cases",
            &json!({"title": "x", "facts": ransomware_facts()}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["code"].clone()),
        (403, json!("csrf_failed"))
    );
    a.csrf = Some("wrong".into());
    assert_eq!(
        a.post(
            "/api/v1/cases",
            &json!({"title": "x", "facts": ransomware_facts()})
        )
        .await
        .status,
        403
    );
    a.csrf = csrf;
    assert_eq!(
        a.get("/api/v1/me").await.body["user"]["email"],
        json!("member@a.example")
    );
    // API tokens: issued once, work without CSRF, revocable.
    let t = a.post("/api/v1/tokens", &json!({"name": "CI"})).await;
    assert_eq!(t.status, 201, "{}", t.body);
    let token = t.body["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("roei_"));
    assert!(a.get("/api/v1/tokens").await.body[0].get("token").is_none());
    let mut bot = Client::anonymous(&server);
    bot.bearer = Some(token.clone());
    let r = bot
        .post(
            "/api/v1/cases",
            &json!({"title": "自動登録", "facts": ransomware_facts()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = t.body["id"].as_str().unwrap();
    let r = a
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(bot.get("/api/v1/me").await.status, 401);
    // Logout ends the session.
    let r = a.post("/api/v1/auth/logout", &json!({})).await;
    assert_eq!(r.status, 204);
    assert_eq!(a.get("/api/v1/me").await.status, 401);
    // Throttling: 5 failures, then 429 even with the right password.
    let c = Client::anonymous(&server);
    for _ in 0..5 {
        let r = c
            .post(
                "/api/v1/auth/login",
                &json!({"email": "viewer@a.example", "password": "wrong-password"}),
            )
            .await;
        assert_eq!(r.status, 401);
    }
    let r = c
        .post(
            "/api/v1/auth/login",
            &json!({"email": "viewer@a.example", "password": common::PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 429);
    assert!(r.headers.contains_key("retry-after"));
    // After the window, it works again.
    server.clock.set("2026-11-20T01:20:00Z");
    let r = c
        .post(
            "/api/v1/auth/login",
            &json!({"email": "viewer@a.example", "password": common::PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let events = server.db.store.audit_events(0, 100_000).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "user.login_failed")
            .count(),
        5
    );
    // Sessions expire.
    server.clock.set("2026-11-21T01:20:00Z");
    assert_eq!(c.get("/api/v1/me").await.status, 401);
}

async fn entrustee_notifies_its_entruster(backend: Backend) {
    let server = start(backend).await;
    let w = world(&*server.db.store).await;
    let b = Client::login(&server, "member@b.example").await;
    let a = Client::login(&server, "admin@a.example").await;
    let mut facts = ransomware_facts();
    facts["entrustee"] = json!(true);
    let r = b
        .post(
            "/api/v1/cases",
            &json!({"title": "委託業務サーバへの不正アクセス", "facts": facts}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let case_id = r.body["case"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.body["determination"]["determination"]["entruster_notice_required"],
        json!(true)
    );
    // Not an entruster of B: refused.
    let r = b
        .post(
            &format!("/api/v1/cases/{case_id}/entruster-notices"),
            &json!({"version": 1, "entruster_org": w.regulator.id}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["field"].clone()),
        (422, json!("entruster_org"))
    );
    let r = b
        .post(
            &format!("/api/v1/cases/{case_id}/entruster-notices"),
            &json!({"version": 1, "entruster_org": w.op_a.id}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["case"]["facts"]["entruster_notified"], json!(true));
    assert_eq!(r.body["notice"]["entruster_name"], json!("株式会社エー"));
    // Re-assessed: B's own report is no longer required; the history shows why.
    let dets = b
        .get(&format!("/api/v1/cases/{case_id}/determinations"))
        .await;
    let last = &dets.body[1]["determination"];
    assert_eq!(last["report_required"], json!(false));
    assert!(
        last["exemptions"]
            .as_array()
            .unwrap()
            .contains(&json!("entrustee_notified_entruster"))
    );
    // A sees the notice; A cannot read B's case.
    let got = a.get("/api/v1/entruster-notices/received").await;
    assert_eq!(got.body.as_array().unwrap().len(), 1);
    assert_eq!(got.body[0]["case_id"], json!(case_id));
    assert_eq!(a.get(&format!("/api/v1/cases/{case_id}")).await.status, 404);
    // A notice to an entruster outside roei, by name.
    let r = b
        .post(
            &format!("/api/v1/cases/{case_id}/entruster-notices"),
            &json!({"version": 2, "entruster_name": "株式会社シー"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        b.get(&format!("/api/v1/cases/{case_id}/entruster-notices"))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

async fn service_endpoints(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    let anon = Client::anonymous(&server);
    let h = anon.get("/healthz").await;
    assert_eq!(h.status, 200);
    assert_eq!(h.body["status"], json!("ok"));
    let doc = anon.get("/api/openapi.json").await;
    assert_eq!(doc.status, 200);
    let paths = doc.body["paths"].as_object().unwrap();
    for p in [
        "/api/v1/cases",
        "/api/v1/cases/{case_id}/report/submissions",
        "/api/v1/inbox",
        "/api/v1/board",
        "/api/v1/auth/login",
    ] {
        assert!(paths.contains_key(p), "OpenAPI lacks {p}");
    }
    let schemas = doc.body["components"]["schemas"].as_object().unwrap();
    for name in [
        "ReportContent",
        "Submission",
        "SubmissionView",
        "DraftView",
        "BoardCard",
        "InboxEntry",
        "ErrorBody",
        "CaseWithDetermination",
    ] {
        assert!(
            schemas.contains_key(name),
            "OpenAPI lacks the schema {name}"
        );
    }
    let m = anon.get("/metrics").await;
    assert_eq!(m.status, 200);
    assert!(
        m.body
            .as_str()
            .unwrap()
            .contains("roei_http_requests_total"),
        "{}",
        m.body
    );
    // The HTML login form: CSRF-protected form post.
    let page = anon.get("/login").await;
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap().to_owned();
    let csrf = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let forged = anon
        .http
        .post(format!("{}/login", server.url))
        .form(&[
            ("csrf_token", "forged"),
            ("email", "member@a.example"),
            ("password", common::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    // The refused form set a fresh token; fetch the page again to read it.
    let html = anon.get("/login").await.body.as_str().unwrap().to_owned();
    let csrf2 = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(csrf, csrf2);
    let ok = anon
        .http
        .post(format!("{}/login", server.url))
        .form(&[
            ("csrf_token", csrf2.as_str()),
            ("email", "member@a.example"),
            ("password", common::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);
    let home = anon.get("/").await;
    assert_eq!(home.status, 303, "/ sends an operator to the board");
    let board = anon.get("/board").await;
    assert!(board.body.as_str().unwrap().contains("株式会社エー"));
}
