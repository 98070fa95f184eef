//! The leak-scope scan in the server, on SQLite and on PostgreSQL: the case page's upload
//! (multipart, read in memory, never stored), its result, applying its facts to the case through
//! the facts update, the upload limit; and `POST /api/v1/scan`.

#![allow(
    clippy::unwrap_used,
    clippy::missing_panics_doc,
    clippy::too_many_lines
)]

mod common;

use common::{Backend, Client, ransomware_facts, world};
use serde_json::json;

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

on_both!(case_page_scans_uploads_and_applies_the_facts);
on_both!(api_scans_a_body_within_the_limit);

fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .expect("a csrf_token input")
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

fn hidden(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no {name} input"))
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

fn text_of(html: &str, id: &str) -> String {
    html.split(&format!("id=\"{id}\">"))
        .nth(1)
        .unwrap_or_else(|| panic!("no #{id}"))
        .split('<')
        .next()
        .unwrap()
        .to_owned()
}

async fn server(backend: Backend, limit: usize) -> common::Server {
    common::start_with_config(
        common::database(backend).await,
        common::TestClock::at("2026-11-20T01:00:00Z"),
        roei_web::WebConfig {
            scan_upload_limit: limit,
            ..roei_web::WebConfig::default()
        },
    )
    .await
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn html_login(http: &reqwest::Client, base: &str, email: &str) {
    let login = http.get(format!("{base}/login")).send().await.unwrap();
    let csrf = csrf_of(&login.text().await.unwrap());
    let r = http
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", email),
            ("password", common::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}

const CUSTOMERS: &str = "氏名,生年月日,メールアドレス,カード番号,注文番号\n山田 太郎,1980-01-02,taro@example.jp,4111 1111 1111 1111,4111111111111112\n佐藤 花子,1990-03-04,hanako@example.jp,,4000000000000001\n";

fn members_sjis() -> Vec<u8> {
    encoding_rs::SHIFT_JIS
        .encode("お名前,生年月日,病名\r\n山田　太郎,昭和55年1月2日,糖尿病\r\n鈴木 一郎,S60.5.6,高血圧症\r\n")
        .0
        .into_owned()
}

fn form(csrf: &str, files: Vec<(&'static str, Vec<u8>)>) -> reqwest::multipart::Form {
    let mut f = reqwest::multipart::Form::new().text("csrf_token", csrf.to_owned());
    for (name, data) in files {
        f = f.part(
            "files",
            reqwest::multipart::Part::bytes(data).file_name(name),
        );
    }
    f
}

async fn case_page_scans_uploads_and_applies_the_facts(backend: Backend) {
    let server = server(backend, 1024 * 1024).await;
    world(&*server.db.store).await;
    let api = Client::login(&server, "member@a.example").await;
    let mut facts = ransomware_facts();
    facts["persons"] = json!(2);
    let r = api
        .post(
            "/api/v1/cases",
            &json!({"title": "会員情報の漏えい", "facts": facts}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["case"]["id"].as_str().unwrap().to_owned();
    let base = server.url.clone();
    let http = browser();
    html_login(&http, &base, "member@a.example").await;

    let case_page = http
        .get(format!("{base}/cases/{id}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(case_page.contains(&format!("href=\"/cases/{id}/scan\"")));
    let page = http
        .get(format!("{base}/cases/{id}/scan"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csrf = csrf_of(&page.text().await.unwrap());

    // Two files scanned together: 山田 is one person across the UTF-8 and the Shift_JIS file.
    let r = http
        .post(format!("{base}/cases/{id}/scan"))
        .multipart(form(
            &csrf,
            vec![
                ("customers.csv", CUSTOMERS.as_bytes().to_vec()),
                ("members.csv", members_sjis()),
                ("empty.txt", Vec::new()),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert_eq!(text_of(&html, "scan-persons"), "3", "{html}");
    assert_eq!(text_of(&html, "scan-card-persons"), "1");
    assert!(html.contains("empty.txt"), "the unreadable file is named");
    assert_eq!(
        hidden(&html, "data_items"),
        "birth_date,card_number,email,medical_history,name"
    );

    // Without the CSRF token: refused, nothing scanned.
    let r = http
        .post(format!("{base}/cases/{id}/scan"))
        .multipart(form(
            "",
            vec![("customers.csv", CUSTOMERS.as_bytes().to_vec())],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Over the limit: refused with the reason (without reading the rest: the server closes the
    // connection, so this browser gets one of its own).
    let big = browser();
    html_login(&big, &base, "member@a.example").await;
    let page = big
        .get(format!("{base}/cases/{id}/scan"))
        .send()
        .await
        .unwrap();
    let big_csrf = csrf_of(&page.text().await.unwrap());
    let r = big
        .post(format!("{base}/cases/{id}/scan"))
        .multipart(form(
            &big_csrf,
            vec![("big.csv", vec![b'a'; 2 * 1024 * 1024])],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("scan-error"));

    // Apply: items added, persons the larger; the case re-assessed.
    let r = http
        .post(format!("{base}/cases/{id}/scan/apply"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("expected_version", &hidden(&html, "expected_version")),
            ("data_items", &hidden(&html, "data_items")),
            ("persons", &hidden(&html, "persons")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let case = api.get(&format!("/api/v1/cases/{id}")).await;
    let f = &case.body["case"]["facts"];
    assert_eq!(f["persons"], 3);
    assert_eq!(
        f["data_items"],
        json!([
            "name",
            "address",
            "phone",
            "email",
            "birth_date",
            "card_number",
            "medical_history"
        ])
    );
    assert_eq!(case.body["determination"]["report_required"], true);
    let dets = api.get(&format!("/api/v1/cases/{id}/determinations")).await;
    assert_eq!(
        dets.body.as_array().unwrap().len(),
        2,
        "a new determination"
    );

    // A viewer sees the page but gets no apply form; an unknown code changes nothing.
    let viewer = browser();
    html_login(&viewer, &base, "viewer@a.example").await;
    let p = viewer
        .get(format!("{base}/cases/{id}/scan"))
        .send()
        .await
        .unwrap();
    assert_eq!(p.status(), 200);
    let r = http
        .post(format!("{base}/cases/{id}/scan/apply"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("expected_version", "2"),
            ("data_items", "name,blood_type"),
            ("persons", "9"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        api.get(&format!("/api/v1/cases/{id}")).await.body["case"]["facts"]["persons"],
        3
    );
    // A garbled version is refused by name (it used to fall back to the current version, which
    // would have overwritten a concurrent change), and changes nothing.
    let r = http
        .post(format!("{base}/cases/{id}/scan/apply"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("expected_version", "two"),
            ("data_items", "name"),
            ("persons", "9"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("expected_version"));
    assert_eq!(
        api.get(&format!("/api/v1/cases/{id}")).await.body["case"]["facts"]["persons"],
        3
    );
    // Another operator's case is not found.
    let other = browser();
    html_login(&other, &base, "admin@b.example").await;
    let p = other
        .get(format!("{base}/cases/{id}/scan"))
        .send()
        .await
        .unwrap();
    assert_eq!(p.status(), 404);
}

async fn api_scans_a_body_within_the_limit(backend: Backend) {
    let server = server(backend, 64 * 1024).await;
    world(&*server.db.store).await;
    let api = Client::login(&server, "member@a.example").await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/scan?name=customers.csv", server.url);
    let token = api
        .post("/api/v1/tokens", &json!({"name": "scan"}))
        .await
        .body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = http
        .post(&url)
        .bearer_auth(&token)
        .body(CUSTOMERS)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["files"], 1);
    assert_eq!(v["records"], 2);
    assert_eq!(v["persons"], 2);
    assert_eq!(v["persons_with_card_number"], 1);
    assert_eq!(
        v["facts"],
        json!({"data_items": ["birth_date", "card_number", "email", "name"], "persons": 2})
    );
    // Too large: 413 with the stable code.
    let r = http
        .post(&url)
        .bearer_auth(&token)
        .body(vec![b'x'; 100 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["code"], "payload_too_large");
    // Anonymous: 401.
    let r = http.post(&url).body(CUSTOMERS).send().await.unwrap();
    assert_eq!(r.status(), 401);
}
