//! The operator's case-work pages in the browser, on SQLite and on PostgreSQL: the entruster
//! notice (and what the entruster receives), the police report record, the thread with the
//! regulator and the incident register with its CSV. Setup goes through the JSON API; the pages
//! are driven like a browser does: a cookie session from the HTML login form and form posts
//! carrying the page's CSRF token.

#![allow(
    clippy::unwrap_used,
    clippy::missing_panics_doc,
    clippy::too_many_lines,
    clippy::doc_markdown
)]

mod common;

use common::{Backend, Client, Server, ransomware_facts, start, world};
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

on_both!(entrustee_notifies_its_entruster_in_the_browser);
on_both!(police_report_is_recorded_with_errors_beside_the_fields);
on_both!(thread_opens_with_the_first_submission);
on_both!(register_lists_every_case_and_exports_csv);

/// A browser: cookies kept, redirects not followed.
struct Browser {
    http: reqwest::Client,
    base: String,
}

struct Page {
    status: u16,
    html: String,
    location: Option<String>,
}

/// The value of the first hidden `csrf_token` input.
fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .expect("a csrf_token input")
        .split('"')
        .next()
        .unwrap()
        .to_owned()
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
        let login = b.get("/login").await;
        assert_eq!(login.status, 200);
        let csrf = csrf_of(&login.html);
        let r = b
            .http
            .post(format!("{}/login", b.base))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("email", email),
                ("password", common::PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "HTML login of {email}");
        b
    }

    async fn page(res: reqwest::Response) -> Page {
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        Page {
            status,
            html: res.text().await.unwrap(),
            location,
        }
    }

    async fn get(&self, path: &str) -> Page {
        Self::page(
            self.http
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Posts `fields` to `path` with the CSRF token read from the page at `path`.
    async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.html);
        let csrf = csrf_of(&page.html);
        self.post(path, &csrf, fields).await
    }

    async fn post(&self, path: &str, csrf: &str, fields: &[(&str, &str)]) -> Page {
        let mut form = vec![("csrf_token", csrf)];
        form.extend_from_slice(fields);
        Self::page(
            self.http
                .post(format!("{}{path}", self.base))
                .form(&form)
                .send()
                .await
                .unwrap(),
        )
        .await
    }
}

/// The HTML of the element with `id` up to its first closing `</li>`/`</div>`/`</p>`/`</table>`
/// (enough to look inside one element).
fn element<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element #{id} in {html}"));
    let rest = &html[start..];
    let end = ["</li>", "</div>", "</p>", "</table>", "</select>"]
        .iter()
        .filter_map(|t| rest.find(t))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

async fn open_case(c: &Client, title: &str, facts: &Value) -> String {
    let r = c
        .post("/api/v1/cases", &json!({"title": title, "facts": facts}))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["case"]["id"].as_str().unwrap().to_owned()
}

/// Saves the prefilled draft and submits it as the 速報.
async fn submit_quick_report(c: &Client, case_id: &str) {
    let d = c
        .get(&format!("/api/v1/cases/{case_id}/report/draft"))
        .await;
    assert_eq!(d.status, 200, "{}", d.body);
    let saved = c
        .put(
            &format!("/api/v1/cases/{case_id}/report/draft"),
            &json!({"version": 0, "content": d.body["draft"]["content"]}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let sub = c
        .post(
            &format!("/api/v1/cases/{case_id}/report/submissions"),
            &json!({"stage": "quick_report", "draft_version": 1}),
        )
        .await;
    assert_eq!(sub.status, 201, "{}", sub.body);
}

async fn entrustee_notifies_its_entruster_in_the_browser(backend: Backend) {
    let server = start(backend).await;
    let w = world(&*server.db.store).await;
    let b_api = Client::login(&server, "member@b.example").await;
    let mut facts = ransomware_facts();
    facts["entrustee"] = json!(true);
    let case_id = open_case(&b_api, "委託業務サーバへの不正アクセス", &facts).await;
    let path = format!("/cases/{case_id}/entruster-notice");

    let b = Browser::login(&server, "member@b.example").await;
    let page = b.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains("id=\"entruster-notice-form\""));
    // A is B's only entruster: offered and chosen.
    let select = element(&page.html, "entruster_org");
    assert!(
        select.contains(&format!(
            "<option value=\"{}\" selected>株式会社エー</option>",
            w.op_a.id
        )),
        "{select}"
    );
    assert!(!select.contains("個人情報保護委員会"), "only entrusters");
    // Before the notice B must report.
    assert!(
        element(&page.html, "entruster-verdict").contains("個人情報保護委員会への報告が必要です")
    );
    assert!(!page.html.contains("id=\"entruster-exempt\""));
    assert!(page.html.contains("id=\"notices-none\""));
    // The matters are prefilled from the case.
    assert!(element(&page.html, "persons").contains("value=\"1500\""));

    // No entruster chosen and a bad number: errors beside the fields, everything kept.
    let bad = b
        .submit(
            &path,
            &[
                ("version", "1"),
                ("entruster_org", ""),
                ("course_of_events", "11月18日に侵入を確認 <b>"),
                ("persons", "千五百"),
                ("contact_name", "佐藤花子"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert!(bad.html.contains("id=\"error-summary\""));
    assert!(bad.html.contains("id=\"entruster_org-error\""));
    assert!(element(&bad.html, "entruster_org-error").contains("通知先の委託元を選んでください"));
    assert!(bad.html.contains("id=\"persons-error\""));
    assert!(element(&bad.html, "persons").contains("aria-invalid=\"true\""));
    assert!(element(&bad.html, "persons").contains("value=\"千五百\""));
    assert!(
        bad.html
            .contains("11月18日に侵入を確認 &#60;b&#62;</textarea>")
            || bad
                .html
                .contains("11月18日に侵入を確認 &lt;b&gt;</textarea>"),
        "typed text kept (escaped)"
    );
    assert!(element(&bad.html, "contact_name").contains("value=\"佐藤花子\""));
    // An outside entruster without a name.
    let bad = b
        .submit(&path, &[("version", "1"), ("entruster_org", "other")])
        .await;
    assert_eq!(bad.status, 422);
    assert!(element(&bad.html, "entruster_name-error").contains("委託元の名称を入力してください"));
    // Not an entruster of B (the regulator's id): the use case refuses, beside the select.
    let bad = b
        .submit(
            &path,
            &[
                ("version", "1"),
                ("entruster_org", &w.regulator.id.to_string()),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("id=\"entruster_org-error\""));
    // A bad CSRF token changes nothing.
    let forged = b
        .post(
            &path,
            "forged",
            &[("version", "1"), ("entruster_org", &w.op_a.id.to_string())],
        )
        .await;
    assert_eq!(forged.status, 403);

    // The notice to A.
    let ok = b
        .submit(
            &path,
            &[
                ("version", "1"),
                ("entruster_org", &w.op_a.id.to_string()),
                ("course_of_events", "11月18日、委託業務サーバの暗号化を確認"),
                ("persons", "1500"),
                ("contact_name", "佐藤花子"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.html);
    assert_eq!(ok.location.as_deref(), Some(path.as_str()));
    let page = b.get(&path).await;
    assert_eq!(page.status, 200);
    // Re-assessed: the exemption of 規則9条 applies, B no longer reports.
    assert!(element(&page.html, "entruster-verdict").contains("報告義務はありません"));
    assert!(page.html.contains("id=\"entruster-exempt\""));
    let list = element(&page.html, "entruster-notices");
    assert!(list.contains("株式会社エー"), "{list}");
    assert!(list.contains("2026-11-20 10:00"), "sent at, JST: {list}");
    let reassessed = page
        .html
        .split("class=\"notice-reassessed\"")
        .nth(1)
        .unwrap()
        .split("</p>")
        .next()
        .unwrap();
    assert!(reassessed.contains("#2"), "{reassessed}");
    assert!(reassessed.contains("報告義務はありません"), "{reassessed}");
    assert!(
        reassessed.contains("委託元へ通知済み（規則9条）"),
        "{reassessed}"
    );
    let dets = b_api
        .get(&format!("/api/v1/cases/{case_id}/determinations"))
        .await;
    assert_eq!(dets.body[1]["report_required"], json!(false));
    let notices = b_api
        .get(&format!("/api/v1/cases/{case_id}/entruster-notices"))
        .await;
    assert_eq!(
        notices.body[0]["content"]["summary"]["course_of_events"],
        json!("11月18日、委託業務サーバの暗号化を確認")
    );
    assert_eq!(
        notices.body[0]["content"]["header"]["contact_name"],
        json!("佐藤花子")
    );

    // A, the entruster, sees what B told it; it cannot open B's case pages.
    let a = Browser::login(&server, "member@a.example").await;
    let got = a.get("/entruster-notices").await;
    assert_eq!(got.status, 200);
    let list = got
        .html
        .split("id=\"received-notices\"")
        .nth(1)
        .unwrap()
        .split("</ol>")
        .next()
        .unwrap();
    assert!(list.contains("株式会社ビー"), "{list}");
    assert!(
        got.html.contains("11月18日、委託業務サーバの暗号化を確認"),
        "{}",
        got.html
    );
    assert!(element(&a.get("/register").await.html, "link-received").contains("（1）"));
    for p in [
        format!("/cases/{case_id}/entruster-notice"),
        format!("/cases/{case_id}/police-report"),
        format!("/cases/{case_id}/messages"),
        format!("/cases/{}/police-report", uuid::Uuid::now_v7()),
        "/cases/not-a-uuid/messages".to_owned(),
    ] {
        let r = a.get(&p).await;
        assert_eq!(r.status, 404, "{p}");
        assert!(r.html.contains("見つかりません"), "{p}: the 404 page");
    }
    // …nor post to them (its own CSRF token, another organisation's case).
    let csrf = csrf_of(&a.get("/register").await.html);
    let r = a
        .post(
            &format!("/cases/{case_id}/police-report"),
            &csrf,
            &[("prefecture_code", "13"), ("reported_on", "2026-11-19")],
        )
        .await;
    assert_eq!(r.status, 404);
    let r = a
        .post(
            &format!("/cases/{case_id}/entruster-notice"),
            &csrf,
            &[
                ("version", "2"),
                ("entruster_org", "other"),
                ("entruster_name", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        b_api
            .get(&format!("/api/v1/cases/{case_id}/entruster-notices"))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1,
        "nothing was sent by A"
    );

    // A case not handled as an entrustee: no form, an explanation.
    let own = open_case(&b_api, "自社の事案", &ransomware_facts()).await;
    let page = b.get(&format!("/cases/{own}/entruster-notice")).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("id=\"not-entrustee\""));
    assert!(!page.html.contains("id=\"entruster-notice-form\""));
    // English.
    b.get("/prefs?lang=en&back=/").await;
    let page = b.get(&path).await;
    assert!(page.html.contains("Notice to the entruster"));
    assert!(element(&page.html, "entruster-verdict").contains("No report is required"));
}

async fn police_report_is_recorded_with_errors_beside_the_fields(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    let a_api = Client::login(&server, "member@a.example").await;
    let ppc = Client::login(&server, "member@ppc.example").await;
    let case_id = open_case(&a_api, "ランサムウェア被害", &ransomware_facts()).await;
    let path = format!("/cases/{case_id}/police-report");
    let a = Browser::login(&server, "member@a.example").await;

    let page = a.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("id=\"police-report-form\""));
    assert!(!page.html.contains("id=\"police-introduction\""));
    assert!(page.html.contains("id=\"police-reports-none\""));
    let select = element(&page.html, "prefecture_code");
    assert_eq!(select.matches("<option value=\"").count(), 48, "47 + none");
    assert!(select.contains("<option value=\"01\">01 北海道</option>"));
    assert!(select.contains("<option value=\"47\">47 沖縄県</option>"));

    // A prefecture that does not exist.
    let bad = a
        .submit(
            &path,
            &[
                ("prefecture_code", "48"),
                ("reported_on", "2026-11-19"),
                ("receipt_number", "R-8-1234"),
                ("note", "生活安全部サイバー犯罪対策課"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert!(bad.html.contains("id=\"error-summary\""));
    assert!(
        element(&bad.html, "prefecture_code-error").contains("都道府県を一覧から選んでください")
    );
    assert!(element(&bad.html, "prefecture_code").contains("aria-invalid=\"true\""));
    assert!(!bad.html.contains("id=\"reported_on-error\""));
    assert!(element(&bad.html, "reported_on").contains("value=\"2026-11-19\""));
    assert!(element(&bad.html, "receipt_number").contains("value=\"R-8-1234\""));
    assert!(
        bad.html
            .contains(">生活安全部サイバー犯罪対策課</textarea>")
    );
    // A date that is not one.
    let bad = a
        .submit(
            &path,
            &[
                ("prefecture_code", "13"),
                ("reported_on", "2026-13-45"),
                ("receipt_number", "R-8-1234"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(element(&bad.html, "reported_on-error").contains("YYYY-MM-DD"));
    assert!(element(&bad.html, "reported_on").contains("value=\"2026-13-45\""));
    assert!(element(&bad.html, "reported_on").contains("aria-invalid=\"true\""));
    assert!(element(&bad.html, "prefecture_code").contains("<option value=\"13\" selected>"));
    assert!(!bad.html.contains("id=\"prefecture_code-error\""));
    // A date in the future: the use case refuses, beside the date.
    let bad = a
        .submit(
            &path,
            &[("prefecture_code", "13"), ("reported_on", "2027-01-01")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(element(&bad.html, "reported_on-error").contains("future"));
    assert!(
        a_api
            .get(&format!("/api/v1/cases/{case_id}/police-reports"))
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing recorded"
    );

    // A good one.
    let ok = a
        .submit(
            &path,
            &[
                ("prefecture_code", "13"),
                ("reported_on", "2026-11-19"),
                ("receipt_number", "R-8-1234"),
                ("note", "生活安全部サイバー犯罪対策課"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.html);
    assert_eq!(ok.location.as_deref(), Some(path.as_str()));
    let page = a.get(&path).await;
    let table = element(&page.html, "police-reports");
    assert!(table.contains("東京都（13）"), "{table}");
    assert!(table.contains("2026-11-19（木）"), "{table}");
    assert!(table.contains("R-8-1234"));
    assert!(table.contains("生活安全部サイバー犯罪対策課"));
    let api = a_api
        .get(&format!("/api/v1/cases/{case_id}/police-reports"))
        .await;
    assert_eq!(api.body[0]["prefecture_code"], json!("13"));
    assert_eq!(api.body[0]["receipt_number"], json!("R-8-1234"));

    // The Commission introduces police reporting: the notice on top, its prefecture chosen.
    submit_quick_report(&a_api, &case_id).await;
    let intro = ppc
        .post(
            &format!("/api/v1/cases/{case_id}/regulator-actions"),
            &json!({"kind": "police_introduction", "prefecture_code": "27",
                    "note": "大阪府警察への通報をご検討ください"}),
        )
        .await;
    assert_eq!(intro.status, 201, "{}", intro.body);
    let page = a.get(&path).await;
    let notice = page.html.find("id=\"police-introduction\"").unwrap();
    assert!(notice < page.html.find("id=\"police-report-form\"").unwrap());
    assert!(element(&page.html, "police-suggested").contains("大阪府（27）"));
    assert!(page.html.contains("大阪府警察への通報をご検討ください"));
    assert!(element(&page.html, "prefecture_code").contains("<option value=\"27\" selected>"));

    // A viewer sees the records, no form, and cannot post.
    let v = Browser::login(&server, "viewer@a.example").await;
    let page = v.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(!page.html.contains("id=\"police-report-form\""));
    assert!(page.html.contains("R-8-1234"));
    let csrf = csrf_of(&page.html);
    let r = v
        .post(
            &path,
            &csrf,
            &[("prefecture_code", "13"), ("reported_on", "2026-11-19")],
        )
        .await;
    assert_eq!(r.status, 403);
}

async fn thread_opens_with_the_first_submission(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    let a_api = Client::login(&server, "member@a.example").await;
    let ppc = Client::login(&server, "member@ppc.example").await;
    let case_id = open_case(&a_api, "ランサムウェア被害", &ransomware_facts()).await;
    let path = format!("/cases/{case_id}/messages");
    let a = Browser::login(&server, "member@a.example").await;

    // Before any submission: said plainly, no form; a post is refused.
    let page = a.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(element(&page.html, "thread-closed").contains("最初の報告"));
    assert!(!page.html.contains("id=\"message-form\""));
    let csrf = csrf_of(&page.html);
    let r = a.post(&path, &csrf, &[("body", "こんにちは")]).await;
    assert_eq!(r.status, 409);
    assert!(r.html.contains("id=\"thread-closed\""));
    assert_eq!(
        a_api
            .get(&format!("/api/v1/cases/{case_id}/messages"))
            .await
            .body,
        json!([])
    );

    // After the 速報 the thread is open.
    submit_quick_report(&a_api, &case_id).await;
    let page = a.get(&path).await;
    assert!(!page.html.contains("id=\"thread-closed\""));
    assert!(page.html.contains("id=\"message-form\""));
    assert!(page.html.contains("id=\"messages-none\""));
    // Empty: the error beside the field.
    let bad = a.submit(&path, &[("body", "  \r\n ")]).await;
    assert_eq!(bad.status, 422);
    assert!(element(&bad.html, "body-error").contains("メッセージを入力してください"));
    assert!(element(&bad.html, "message-body").contains("aria-invalid=\"true\""));
    assert!(bad.html.contains("id=\"error-summary\""));

    let ok = a
        .submit(
            &path,
            &[("body", "侵入経路を調査中です。\n来週報告します。")],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.html);
    assert_eq!(ok.location.as_deref(), Some(path.as_str()));
    server.clock.set("2026-11-20T02:30:00Z");
    let q = ppc
        .post(
            &format!("/api/v1/cases/{case_id}/messages"),
            &json!({"body": "侵入経路について追加でご報告ください。"}),
        )
        .await;
    assert_eq!(q.status, 201, "{}", q.body);

    let page = a.get(&path).await;
    let thread = page
        .html
        .split("id=\"thread\"")
        .nth(1)
        .unwrap()
        .split("</ol>")
        .next()
        .unwrap();
    let items: Vec<&str> = thread.split("<li ").skip(1).collect();
    assert_eq!(items.len(), 2, "{thread}");
    // Oldest first; the operator's own message marked.
    assert!(items[0].contains("class=\"mine\""), "{}", items[0]);
    assert!(items[0].contains("侵入経路を調査中です。\n来週報告します。"));
    assert!(items[0].contains("株式会社エー member"));
    assert!(items[0].contains("2026-11-20 10:00"));
    assert!(!items[1].contains("class=\"mine\""), "{}", items[1]);
    assert!(items[1].contains("侵入経路について追加でご報告ください。"));
    assert!(items[1].contains("個人情報保護委員会 member"));
    assert!(items[1].contains("2026-11-20 11:30"));

    // A viewer reads, without a form.
    let v = Browser::login(&server, "viewer@a.example").await;
    let page = v.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("侵入経路について追加でご報告ください。"));
    assert!(!page.html.contains("id=\"message-form\""));
    // The regulator has its own pages: these are the operator's (404).
    let reg = Browser::login(&server, "member@ppc.example").await;
    assert_eq!(reg.get(&path).await.status, 404);
}

/// Parses CSV strictly: records end in CRLF; a bare LF or CR is allowed only inside quotes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut at_start = true;
    while let Some(ch) = chars.next() {
        if quoted {
            if ch == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cell.push(ch);
            }
            continue;
        }
        match ch {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            '"' => panic!("a quote inside an unquoted cell: {cell}"),
            ',' => {
                record.push(std::mem::take(&mut cell));
                at_start = true;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
                at_start = true;
            }
            '\n' => panic!("a bare LF outside quotes"),
            c => {
                cell.push(c);
                at_start = false;
            }
        }
    }
    assert!(!quoted, "unterminated quote");
    assert!(
        cell.is_empty() && record.is_empty(),
        "the last record ends in CRLF"
    );
    records
}

async fn register_lists_every_case_and_exports_csv(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    let a_api = Client::login(&server, "member@a.example").await;
    let b_api = Client::login(&server, "member@b.example").await;
    let formula = open_case(&a_api, "=HYPERLINK(\"x\")", &ransomware_facts()).await;
    submit_quick_report(&a_api, &formula).await;
    let r = a_api
        .post(
            "/api/v1/cases",
            &json!({"title": "紛失, USBメモリ（社員名簿3名）",
                    "facts": {"known_on": "2026-11-10", "events": ["loss"], "suspected": false,
                              "data_items": ["name"], "cause": "loss", "persons": 3}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        r.body["determination"]["report_required"],
        json!(false),
        "{}",
        r.body
    );
    let minor = r.body["case"]["id"].as_str().unwrap().to_owned();
    // Closed cases stay in the register.
    let closed = a_api
        .put(
            &format!("/api/v1/cases/{minor}/status"),
            &json!({"version": 1, "status": "closed"}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    open_case(&b_api, "B社の事案", &ransomware_facts()).await;

    let a = Browser::login(&server, "member@a.example").await;
    let page = a.get("/register").await;
    assert_eq!(page.status, 200);
    assert!(!page.html.contains("B社の事案"), "only A's cases");
    let row = page
        .html
        .split(&format!("id=\"register-{minor}\""))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(row.contains("紛失, USBメモリ（社員名簿3名）"));
    assert!(row.contains("2026-11-10（火）"), "{row}");
    assert!(row.contains("終了"), "closed: {row}");
    assert!(row.contains("<td class=\"required\">いいえ</td>"), "{row}");
    assert!(row.contains("<details>"), "{row}");
    assert!(
        row.contains("class=\"cite\""),
        "reasons with citations: {row}"
    );
    let row = page
        .html
        .split(&format!("id=\"register-{formula}\""))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(row.contains("HYPERLINK("), "{row}");
    assert!(row.contains("<td class=\"required\">はい</td>"), "{row}");
    assert!(row.contains("3号・4号"), "{row}");
    assert!(row.contains("2027-01-18"), "確報 due: {row}");
    assert!(row.contains("速報"), "stages: {row}");
    assert!(page.html.contains("href=\"/register.csv\""));

    // The CSV.
    let res = a
        .http
        .get(format!("{}/register.csv", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        res.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"roei-register-2026-11-20.csv\""
    );
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(
        text.starts_with("事案ID,知った日,事案名,状態,報告義務,"),
        "{text}"
    );
    assert!(
        text.contains(",\"'=HYPERLINK(\"\"x\"\")\","),
        "guarded and quoted: {text}"
    );
    assert!(
        text.contains(",\"紛失, USBメモリ（社員名簿3名）\","),
        "{text}"
    );
    let records = parse_csv(text);
    assert_eq!(records.len(), 3, "header + 2 cases: {records:?}");
    assert!(records.iter().all(|r| r.len() == 11), "{records:?}");
    assert_eq!(records[0][10], "判定理由");
    let by_id = |id: &str| records.iter().find(|r| r[0] == id).unwrap().clone();
    let f = by_id(&formula);
    assert_eq!(f[1], "2026-11-18");
    assert_eq!(f[2], "'=HYPERLINK(\"x\")");
    assert_eq!(f[3], "対応中");
    assert_eq!(f[4], "はい");
    assert_eq!(f[6], "2027-01-18");
    assert_eq!(f[7], "速報");
    assert!(f[10].contains('\n'), "reasons one per line: {:?}", f[10]);
    assert!(text.contains(&format!("{formula},")));
    let m = by_id(&minor);
    assert_eq!(m[2], "紛失, USBメモリ（社員名簿3名）");
    assert_eq!(m[3], "終了");
    assert_eq!(m[4], "いいえ");
    assert_eq!(m[6], "");
    assert!(m[10].contains('〔'), "citations: {:?}", m[10]);
    // No cell starts with a formula character.
    for r in &records {
        for cell in r {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        }
    }

    // In English: the header and the words.
    a.get("/prefs?lang=en&back=/register").await;
    let text = a
        .http
        .get(format!("{}/register.csv", server.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let records = parse_csv(text.trim_start_matches('\u{feff}'));
    assert_eq!(records[0][0], "Case ID");
    assert_eq!(records[0][4], "Report required");
    assert_eq!(records.iter().find(|r| r[0] == minor).unwrap()[4], "No");

    // Not for the regulator.
    let reg = Browser::login(&server, "member@ppc.example").await;
    assert_eq!(reg.get("/register").await.status, 404);
    assert_eq!(reg.get("/register.csv").await.status, 404);
}

/// The interview's live preview is marked for `assets/app.js`, which base.html loads and the
/// server serves: a preview answer that arrives while the user is typing must not be swapped in
/// over the typed text (the script compares what was sent with what the form holds now).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interview_preview_guard_script_is_served_and_used() {
    let server = start(Backend::Sqlite).await;
    world(&*server.db.store).await;
    let b = Browser::login(&server, "member@a.example").await;
    let page = b.get("/cases/new").await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains("<script src=\"/assets/app.js\" defer></script>")
    );
    let form = page
        .html
        .split("<form")
        .find(|f| f.contains("id=\"interview-form\""))
        .expect("the interview form");
    assert!(form.contains("data-live-preview"), "{form}");
    let res = reqwest::get(format!("{}/assets/app.js", server.url))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let js = res.text().await.unwrap();
    assert!(js.contains("htmx:beforeSwap") && js.contains("data-live-preview"));
}
