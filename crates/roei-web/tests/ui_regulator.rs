//! The regulator's pages over HTTP, on SQLite and on PostgreSQL: the inbox and its filters, the
//! report view with its diffs, acknowledging, introducing police reporting, the message thread,
//! and who may see what. The data is set up through the JSON API; the pages are used the way a
//! browser without JavaScript uses them (a cookie session from the login form, forms posted
//! with the page's CSRF token).

#![allow(
    clippy::unwrap_used,
    clippy::missing_panics_doc,
    clippy::too_many_lines,
    clippy::many_single_char_names
)]

mod common;

use common::{Backend, Client, Server, complete_report, ransomware_facts, start, world};
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

on_both!(inbox_lists_and_filters);
on_both!(report_view_shows_content_and_diff);
on_both!(acknowledge_police_introduction_and_messages);
on_both!(only_the_regulator_sees_reports);

/// A browser: a cookie session from the HTML login form, no redirects followed.
struct Browser {
    http: reqwest::Client,
    base: String,
}

struct Page {
    status: u16,
    location: Option<String>,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Page {
    fn has(&self, needle: &str) -> bool {
        self.body.contains(needle)
    }
}

/// The value of the first `name="…" value="…"` input of a page.
fn input_value(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no input {name} in the page"))
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

/// The HTML from the element with `id` to the end of its table (or the next 4,000 bytes).
fn element<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element #{id}"));
    let rest = &html[start..];
    let end = rest.find("</table>").unwrap_or(rest.len().min(4000));
    &rest[..end]
}

impl Browser {
    async fn login(server: &Server, email: &str) -> Self {
        let b = Self {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: server.url.clone(),
        };
        let page = b.get("/login").await;
        assert_eq!(page.status, 200);
        let csrf = input_value(&page.body, "csrf_token");
        let r = b
            .post(
                "/login",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("email", email),
                    ("password", common::PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "login {email}: {}", r.body);
        b
    }

    async fn page(res: reqwest::Response) -> Page {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let location = headers
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        Page {
            status,
            location,
            headers,
            body: res.text().await.unwrap(),
        }
    }

    async fn get(&self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }

    async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut req = self.http.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Self::page(req.send().await.unwrap()).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        Self::page(
            self.http
                .post(format!("{}{path}", self.base))
                .form(form)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// The CSRF token of the session, read from a page's hidden input.
    async fn csrf(&self, path: &str) -> String {
        input_value(&self.get(path).await.body, "csrf_token")
    }
}

/// Facts of a mis-sent e-mail with medical history of 30 persons (item 1 only).
fn missent_facts() -> Value {
    json!({
        "known_on": "2026-11-18",
        "occurred_on": "2026-11-17",
        "events": ["leak"],
        "suspected": false,
        "data_items": ["name", "medical_history"],
        "cause": "missent_email",
        "persons": 30
    })
}

/// Opens a case, saves the prefilled draft with a contact, submits the 速報; with `complete`,
/// saves the complete report and submits the 確報. Returns the case id.
async fn submitted_case(c: &Client, title: &str, facts: Value, complete: bool) -> String {
    let r = c
        .post("/api/v1/cases", &json!({"title": title, "facts": facts}))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["case"]["id"].as_str().unwrap().to_owned();
    let d = c.get(&format!("/api/v1/cases/{id}/report/draft")).await;
    let mut content = d.body["draft"]["content"].clone();
    content["header"]["contact_name"] = json!("佐藤花子");
    content["header"]["contact_phone"] = json!("03-1234-5678");
    let r = c
        .put(
            &format!("/api/v1/cases/{id}/report/draft"),
            &json!({"version": 0, "content": content}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let subs = format!("/api/v1/cases/{id}/report/submissions");
    let r = c
        .post(&subs, &json!({"stage": "quick_report", "draft_version": 1}))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    if complete {
        let r = c
            .put(
                &format!("/api/v1/cases/{id}/report/draft"),
                &json!({"version": 1, "content": complete_report()}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = c
            .post(&subs, &json!({"stage": "final_report", "draft_version": 2}))
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    id
}

/// Case 1 (operator A): ransomware, 1,500 persons, items 3 and 4, 速報 then 確報.
/// Case 2 (operator B): mis-sent e-mail, 30 persons, item 1, 速報 only.
async fn two_cases(server: &Server) -> (String, String) {
    let a = Client::login(server, "member@a.example").await;
    let b = Client::login(server, "member@b.example").await;
    let one = submitted_case(&a, "ランサムウェア被害", ransomware_facts(), true).await;
    // An hour later (the inbox is newest first).
    server.clock.set("2026-11-20T02:00:00Z");
    let two = submitted_case(&b, "診療情報のメール誤送信", missent_facts(), false).await;
    // The determinations are what the filters below rely on.
    let ppc = Client::login(server, "member@ppc.example").await;
    let inbox = ppc.get("/api/v1/inbox").await;
    let rows = inbox.body.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{}", inbox.body);
    let row = |id: &str| rows.iter().find(|r| r["case_id"] == json!(id)).unwrap();
    assert_eq!(row(&one)["latest"]["items"], json!([3, 4]));
    assert_eq!(row(&one)["latest"]["stage"], json!("final_report"));
    assert_eq!(row(&two)["latest"]["items"], json!([1]));
    assert_eq!(row(&two)["latest"]["cause"], json!("missending"));
    assert_eq!(row(&two)["latest"]["persons"], json!(30));
    (one, two)
}

/// Which of the cases a page's inbox table lists.
fn listed(p: &Page, ids: &[&str]) -> Vec<bool> {
    ids.iter()
        .map(|id| p.has(&format!("id=\"case-link-{id}\"")))
        .collect()
}

async fn inbox_lists_and_filters(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    let (one, two) = two_cases(&server).await;
    let ids = [one.as_str(), two.as_str()];
    let ppc = Browser::login(&server, "member@ppc.example").await;

    // Everything, newest first, with each column.
    let p = ppc.get("/inbox").await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(listed(&p, &ids), [true, true]);
    assert!(p.has("<caption>受信した報告</caption>"));
    assert!(p.has("<th scope=\"col\">事業者</th>"));
    assert!(p.has("hx-get=\"/inbox\" hx-target=\"#inbox-results\""));
    let table = element(&p.body, "inbox-table");
    assert!(table.contains("2026-11-20 11:00") && table.contains("2026-11-20 10:00"));
    let first = table.find(&two).unwrap();
    let second = table.find(&one).unwrap();
    assert!(first < second, "newest first");
    let row_one = &table[table.find(&format!("data-case-id=\"{one}\"")).unwrap()..];
    let row_one = &row_one[..row_one.find("</tr>").unwrap()];
    for cell in [
        "株式会社エー",
        "ランサムウェア被害",
        "確報",
        "3号・4号",
        "1,500",
        "不正アクセス",
        "2027-01-18",
        "未受理",
    ] {
        assert!(row_one.contains(cell), "row lacks {cell}: {row_one}");
    }
    assert!(!row_one.contains("確報期限超過"));
    assert!(p.has("2件"));

    // Each filter narrows.
    for (query, expect) in [
        ("stage=quick_report", [false, true]),
        ("stage=final_report", [true, false]),
        ("stage=supplement", [false, false]),
        ("item=1", [false, true]),
        ("item=3", [true, false]),
        ("item=4", [true, false]),
        ("item=2", [false, false]),
        ("persons=1-100", [false, true]),
        ("persons=1001-10000", [true, false]),
        ("persons=10001-", [false, false]),
        ("persons_min=31", [true, false]),
        ("persons_max=30", [false, true]),
        ("cause=unauthorized_access", [true, false]),
        ("cause=missending", [false, true]),
        ("sector=%E5%B0%8F%E5%A3%B2%E6%A5%AD", [true, false]),
        ("final_overdue=1", [false, false]),
        ("stage=quick_report&item=1&persons=1-100", [false, true]),
        ("stage=quick_report&item=3", [false, false]),
    ] {
        let p = ppc.get(&format!("/inbox?{query}")).await;
        assert_eq!(p.status, 200, "{query}: {}", p.body);
        assert_eq!(listed(&p, &ids), expect, "{query}");
        if expect == [false, false] {
            assert!(p.has("条件に合う報告はありません。"), "{query}");
        }
    }
    // The chosen values stay chosen.
    let p = ppc.get("/inbox?stage=quick_report&persons=1-100").await;
    assert!(p.has("<option value=\"quick_report\" selected>"));
    assert!(p.has("<option value=\"1-100\" selected>"));

    // Bad values: 422, the error beside its control, the other values kept.
    let p = ppc.get("/inbox?item=9&stage=final_report").await;
    assert_eq!(p.status, 422);
    assert!(p.has("id=\"item-error\">1号から5号までの中から選んでください"));
    assert!(p.has("<option value=\"final_report\" selected>"));
    assert!(p.has(
        "<a href=\"#field-item\">該当号（規則7条・43条）: 1号から5号までの中から選んでください</a>"
    ));
    assert!(!p.has("id=\"stage-error\""));
    assert!(
        !p.has("hx-get=\"/inbox\""),
        "a bad filter's form reloads whole pages"
    );
    assert_eq!(
        listed(&p, &ids),
        [false, false],
        "no rows under bad filters"
    );
    let p = ppc.get("/inbox?persons_min=many&cause=missending").await;
    assert_eq!(p.status, 422);
    assert!(p.has("id=\"persons-error\""));
    assert!(p.has("<option value=\"missending\" selected>"));
    assert!(p.has("name=\"persons_min\" value=\"many\""));
    for bad in [
        "persons=lots",
        "stage=draft",
        "cause=aliens",
        "final_overdue=maybe",
        "persons_min=200&persons_max=100",
    ] {
        let p = ppc.get(&format!("/inbox?{bad}")).await;
        assert_eq!(p.status, 422, "{bad}");
        assert!(p.has("class=\"field-error\""), "{bad}");
        assert!(p.has("id=\"error-summary\""), "{bad}");
    }
    // Asked by htmx, a bad filter loads the whole page (htmx does not swap a 422).
    let p = ppc
        .get_with(
            "/inbox?item=9",
            &[("hx-request", "true"), ("hx-current-url", "/inbox")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert_eq!(p.headers["hx-redirect"], "/inbox?item=9");

    // 確報 overdue: case 2's 確報 (item 1, 30 days) is past due; case 1 sent its 確報.
    server.clock.set("2026-12-20T01:00:00Z");
    let api = Client::login(&server, "member@ppc.example").await;
    let late = api.get("/api/v1/inbox?final_overdue=true").await;
    assert_eq!(late.body.as_array().unwrap().len(), 1, "{}", late.body);
    let days = late.body[0]["days_overdue"].as_i64().unwrap();
    assert!(days > 0);
    let ppc = Browser::login(&server, "member@ppc.example").await;
    let p = ppc.get("/inbox?final_overdue=1").await;
    assert_eq!(p.status, 200);
    assert_eq!(listed(&p, &ids), [false, true]);
    assert!(p.has(&format!("確報期限超過 {days}日")), "{}", p.body);
    assert!(p.has("id=\"filter-final-overdue\" name=\"final_overdue\" value=\"1\" checked"));
    let p = ppc.get("/inbox").await;
    assert_eq!(listed(&p, &ids), [true, true]);
    assert_eq!(p.body.matches("確報期限超過").count(), 1);

    // English.
    let r = ppc.get("/prefs?lang=en&back=/inbox").await;
    assert!(r.status == 303 || r.status == 302, "{}", r.status);
    let p = ppc.get("/inbox").await;
    assert!(p.has("<caption>Reports received</caption>"));
    assert!(p.has(&format!("Final report overdue by {days} days")));
}

async fn report_view_shows_content_and_diff(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    let (one, two) = two_cases(&server).await;
    let ppc = Browser::login(&server, "member@ppc.example").await;

    let p = ppc.get(&format!("/inbox/{one}")).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.has("<h1 id=\"case-title\">ランサムウェア被害</h1>"));
    assert!(p.has("<dd id=\"report-operator\">株式会社エー</dd>"));
    // The latest version (the 確報) in full, labelled, option codes as their labels.
    let content = element(&p.body, "report-content");
    for text in [
        "第2版",
        "報告者の氏名又は名称",
        "1. 概要",
        "2. 漏えい等が発生し、又は発生したおそれがある個人データの項目",
        "4. 原因",
        "9. その他参考となる事項",
        "発生したおそれがある",
        "電子媒体",
        "顧客情報",
        "氏名、電話番号、メールアドレス、その他",
        "1,500",
        "不正アクセス",
        "攻撃手法",
        "VPN機器",
        "対応済（対応中）",
        "ホームページに掲載",
        "2026-11-25",
        "多要素認証の導入（2027年3月）",
        "小売業",
    ] {
        assert!(content.contains(text), "content lacks {text}");
    }
    assert!(
        !content.contains("unauthorized_access"),
        "codes shown as labels"
    );
    // Both versions, and the changes from the 速報 to the 確報.
    assert!(p.has("id=\"version-1\""));
    assert!(p.has("id=\"version-2\""));
    assert!(!p.has("id=\"diff-1\""), "the first version has no diff");
    let diff = element(&p.body, "diff-2");
    assert!(diff.contains("<caption>第1版から第2版への変更</caption>"));
    let row = &diff[diff
        .find("data-field=\"summary.course_of_events\" data-matter=\"1\"")
        .unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("事実経過"));
    assert!(row.contains("class=\"diff-old\""));
    assert!(
        row.contains("class=\"diff-new\"")
            && row.contains("11月18日、ファイルサーバが暗号化されていることを確認。")
    );
    let row = &diff[diff.find("data-field=\"header.sector\"").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("業種") && row.contains("記入なし") && row.contains("小売業"));
    assert!(!diff.contains("data-field=\"persons.count\""), "unchanged");
    // The PDF of the latest version, and of each version, as submitted: the links download.
    let latest = format!("/api/v1/cases/{one}/report/submissions/2/pdf");
    assert!(
        p.has(&format!("<a href=\"{latest}\" download id=\"report-pdf\">")),
        "the report view links the PDF"
    );
    for seq in [1, 2] {
        let href = format!("/api/v1/cases/{one}/report/submissions/{seq}/pdf");
        assert!(p.has(&format!(
            "<a href=\"{href}\" download id=\"version-{seq}-pdf\">"
        )));
        let r = ppc
            .http
            .get(format!("{}{href}", ppc.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{href}");
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));
    }

    // The other case: a 速報 only, no diff, and no police introduction for a mis-sent e-mail.
    let p = ppc.get(&format!("/inbox/{two}")).await;
    assert_eq!(p.status, 200);
    assert!(p.has("<dd id=\"report-operator\">株式会社ビー</dd>"));
    assert!(p.has("誤送信（メールを含む）"));
    assert!(!p.has("class=\"diff-new\""));
    assert!(p.has("id=\"police-not-applicable\""));
    assert!(!p.has("id=\"police-form\""));
    assert!(p.has("id=\"acknowledge\""));

    // In English: the same page, every label translated.
    ppc.get("/prefs?lang=en&back=/inbox").await;
    let p = ppc.get(&format!("/inbox/{one}")).await;
    assert_eq!(p.status, 200);
    for text in [
        "4. Cause",
        "unauthorized access",
        "Changes from version 1 to version 2",
        "id=\"acknowledge\">Acknowledge</button>",
        "Introduce police reporting</button>",
    ] {
        assert!(p.has(text), "English page lacks {text}");
    }
    assert!(!p.has("[?]"), "no missing text");
}

async fn acknowledge_police_introduction_and_messages(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    let (one, two) = two_cases(&server).await;
    let ppc = Browser::login(&server, "member@ppc.example").await;
    let a = Client::login(&server, "member@a.example").await;
    let view = format!("/inbox/{one}");

    // Acknowledge: the latest unacknowledged version (the 確報, version 2).
    let p = ppc.get(&view).await;
    assert!(p.has("<button class=\"btn\" type=\"submit\" id=\"acknowledge\">受理する</button>"));
    assert!(p.has("第2版（確報）を受理します。"));
    let csrf = input_value(&p.body, "csrf_token");
    let sub = input_value(&p.body, "submission_id");
    let subs = a
        .get(&format!("/api/v1/cases/{one}/report/submissions"))
        .await;
    assert_eq!(subs.body[1]["submission"]["id"], json!(sub));
    // A forged form changes nothing.
    let r = ppc
        .post(
            &format!("{view}/acknowledge"),
            &[("csrf_token", "forged"), ("submission_id", &sub)],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = ppc
        .post(
            &format!("{view}/acknowledge"),
            &[("csrf_token", &csrf), ("submission_id", &sub)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some(view.as_str()));
    let subs = a
        .get(&format!("/api/v1/cases/{one}/report/submissions"))
        .await;
    assert!(subs.body[1]["submission"]["acknowledged_at"].is_string());
    assert!(subs.body[0]["submission"]["acknowledged_at"].is_null());
    let p = ppc.get(&view).await;
    let versions = element(&p.body, "versions-table");
    let v2 = &versions[versions.find("id=\"version-2\"").unwrap()..];
    assert!(v2[..v2.find("</tr>").unwrap()].contains("受理済み"));
    assert!(p.has("第1版（速報）を受理します。"), "next: version 1");
    let actions = element(&p.body, "actions-table");
    assert!(actions.contains("data-kind=\"acknowledge\""));
    assert!(actions.contains("第2版（確報）"));
    // The same form again: a clear conflict, nothing recorded twice.
    let r = ppc
        .post(
            &format!("{view}/acknowledge"),
            &[("csrf_token", &csrf), ("submission_id", &sub)],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.has("id=\"action-alert\""));
    assert!(r.has("この版はすでに受理されています。"));
    let acts = a
        .get(&format!("/api/v1/cases/{one}/regulator-actions"))
        .await;
    assert_eq!(acts.body.as_array().unwrap().len(), 1, "{}", acts.body);
    // Without a named version, the latest unacknowledged one (version 1); then none is left.
    let r = ppc
        .post(&format!("{view}/acknowledge"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let p = ppc.get(&view).await;
    assert!(p.has("id=\"acknowledged-all\""));
    assert!(!p.has("id=\"acknowledge\""));
    let r = ppc
        .post(&format!("{view}/acknowledge"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(r.status, 409);
    assert!(r.has("この版はすでに受理されています。"));

    // Police introduction: a prefecture is required; then recorded and shown to both sides.
    let p = ppc.get(&view).await;
    assert!(p.has("id=\"police-form\""));
    assert!(p.has("<option value=\"13\">東京都</option>"));
    assert!(p.has("<option value=\"47\">沖縄県</option>"));
    let r = ppc
        .post(
            &format!("{view}/police-introduction"),
            &[
                ("csrf_token", &csrf),
                ("prefecture_code", ""),
                ("note", "ご検討ください"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.has("id=\"prefecture_code-error\">都道府県を選んでください"));
    assert!(r.has(">ご検討ください</textarea>"), "the note is kept");
    let r = ppc
        .post(
            &format!("{view}/police-introduction"),
            &[
                ("csrf_token", &csrf),
                ("prefecture_code", "48"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.has("id=\"prefecture_code-error\""));
    let r = ppc
        .post(
            &format!("{view}/police-introduction"),
            &[
                ("csrf_token", &csrf),
                ("prefecture_code", "13"),
                ("note", "警視庁サイバー犯罪対策課への通報をご検討ください"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some(view.as_str()));
    let acts = a
        .get(&format!("/api/v1/cases/{one}/regulator-actions"))
        .await;
    let intro = acts
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == json!("police_introduction"))
        .unwrap();
    assert_eq!(intro["prefecture_code"], json!("13"));
    let p = ppc.get(&view).await;
    let actions = element(&p.body, "actions-table");
    assert!(actions.contains("data-kind=\"police_introduction\""));
    assert!(actions.contains("警察への通報の紹介"));
    assert!(actions.contains("東京都"));
    assert!(actions.contains("警視庁サイバー犯罪対策課への通報をご検討ください"));
    // Refused for a cause other than unauthorized access.
    let r = ppc
        .post(
            &format!("/inbox/{two}/police-introduction"),
            &[("csrf_token", &csrf), ("prefecture_code", "13")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.has("id=\"action-alert\""));
    assert!(r.has("警察への通報の紹介は行えません"));
    let b = Client::login(&server, "member@b.example").await;
    let acts = b
        .get(&format!("/api/v1/cases/{two}/regulator-actions"))
        .await;
    assert_eq!(acts.body, json!([]));

    // Messages: an empty one is refused beside the field; a real one is posted and shown.
    let r = ppc
        .post(
            &format!("{view}/messages"),
            &[("csrf_token", &csrf), ("body", "   ")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.has("id=\"body-error\">メッセージを入力してください"));
    assert!(r.has("aria-invalid=\"true\""));
    let thread = a.get(&format!("/api/v1/cases/{one}/messages")).await;
    assert_eq!(thread.body, json!([]), "nothing posted");
    let r = ppc
        .post(
            &format!("{view}/messages"),
            &[
                ("csrf_token", &csrf),
                ("body", "侵入経路について追加でご報告ください。"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some(view.as_str()));
    server.clock.set("2026-11-20T03:00:00Z");
    let reply = a
        .post(
            &format!("/api/v1/cases/{one}/messages"),
            &json!({"body": "VPN機器の脆弱性と判明しました。"}),
        )
        .await;
    assert_eq!(reply.status, 201);
    let thread = a.get(&format!("/api/v1/cases/{one}/messages")).await;
    assert_eq!(thread.body.as_array().unwrap().len(), 2);
    assert_eq!(
        thread.body[0]["body"],
        json!("侵入経路について追加でご報告ください。")
    );
    let p = ppc.get(&view).await;
    let t = &p.body[p.body.find("id=\"thread\"").unwrap()..];
    let mine = t.find("侵入経路について追加でご報告ください。").unwrap();
    let theirs = t.find("VPN機器の脆弱性と判明しました。").unwrap();
    assert!(mine < theirs, "oldest first");
    // Each message names its author and the author's organisation.
    assert!(t.contains(
        "<li class=\"mine\"><p class=\"meta\">個人情報保護委員会 member（個人情報保護委員会） —"
    ));
    assert!(t.contains("<li><p class=\"meta\">株式会社エー member（株式会社エー） —"));

    // The audit chain holds what the pages did.
    let events = server.db.store.audit_events(0, 100_000).await.unwrap();
    for (action, n) in [
        ("regulator.acknowledge", 2),
        ("regulator.police_introduction", 1),
        ("message.post", 2),
    ] {
        assert_eq!(
            events.iter().filter(|e| e.action == action).count(),
            n,
            "{action}"
        );
    }
}

async fn only_the_regulator_sees_reports(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    let (one, _) = two_cases(&server).await;
    let view = format!("/inbox/{one}");

    // A viewer of the regulator reads but sees no buttons, and cannot post.
    let viewer = Browser::login(&server, "viewer@ppc.example").await;
    let p = viewer.get(&view).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.has("ランサムウェア被害"));
    assert!(p.has("id=\"viewer-note\""));
    for control in [
        "id=\"acknowledge\"",
        "id=\"acknowledge-form\"",
        "id=\"police-form\"",
        "id=\"message-form\"",
        "受理する</button>",
    ] {
        assert!(!p.has(control), "viewer sees {control}");
    }
    let csrf = input_value(&p.body, "csrf_token");
    let r = viewer
        .post(&format!("{view}/acknowledge"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(r.status, 403);
    let r = viewer
        .post(
            &format!("{view}/messages"),
            &[("csrf_token", &csrf), ("body", "閲覧者から")],
        )
        .await;
    assert_eq!(r.status, 403);

    // The operator (even for its own case) and the police: the 404 page, for pages and posts.
    for email in ["member@a.example", "admin@a.example", "member@npa.example"] {
        let b = Browser::login(&server, email).await;
        let home = if email.ends_with("@npa.example") {
            "/home"
        } else {
            "/board"
        };
        let csrf = b.csrf(home).await;
        for path in ["/inbox", view.as_str()] {
            let p = b.get(path).await;
            assert_eq!(p.status, 404, "{email} {path}");
            assert!(p.has("見つかりません"), "{email} {path}");
        }
        for (path, form) in [
            ("acknowledge", vec![("csrf_token", csrf.as_str())]),
            (
                "messages",
                vec![("csrf_token", csrf.as_str()), ("body", "x")],
            ),
            (
                "police-introduction",
                vec![("csrf_token", csrf.as_str()), ("prefecture_code", "13")],
            ),
        ] {
            let r = b.post(&format!("{view}/{path}"), &form).await;
            assert_eq!(r.status, 404, "{email} POST {path}: {}", r.body);
        }
    }
    let a = Client::login(&server, "member@a.example").await;
    let thread = a.get(&format!("/api/v1/cases/{one}/messages")).await;
    assert_eq!(thread.body, json!([]), "nobody else posted");

    // A case the regulator received nothing for, a random id, a malformed id: 404.
    let r = a
        .post(
            "/api/v1/cases",
            &json!({"title": "下書きだけの事案", "facts": ransomware_facts()}),
        )
        .await;
    let draft_only = r.body["case"]["id"].as_str().unwrap().to_owned();
    let ppc = Browser::login(&server, "member@ppc.example").await;
    for path in [
        format!("/inbox/{draft_only}"),
        format!("/inbox/{}", uuid::Uuid::now_v7()),
        "/inbox/not-a-case".to_owned(),
    ] {
        let p = ppc.get(&path).await;
        assert_eq!(p.status, 404, "{path}");
        assert!(p.has("見つかりません"));
    }
    let p = ppc.get("/inbox").await;
    assert!(!p.has(&draft_only), "drafts never reach the inbox");
    // Not signed in: to the login page.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = anon
        .get(format!("{}{view}", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );
}
