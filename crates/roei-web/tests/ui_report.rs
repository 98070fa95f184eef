//! The operator's report pages over HTTP, on SQLite and on PostgreSQL: the editor of the nine
//! matters (prefilled, errors beside their fields, typed text kept, the 確報 checklist, the
//! optimistic version), the confirmation page, submitting a 速報 and a 確報 once each, and the
//! history with its diff; another organisation's users get 404 and viewers read only. Used
//! the way a browser without JavaScript uses them: a cookie session from the login form and
//! forms posted with the page's CSRF token.

#![allow(
    clippy::unwrap_used,
    clippy::missing_panics_doc,
    clippy::too_many_lines,
    clippy::many_single_char_names
)]

mod common;

use common::{Backend, Server, start, world};

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

on_both!(edit_confirm_submit_and_history);
on_both!(other_organisations_and_viewers);

/// A browser: a cookie session from the HTML login form, no redirects followed.
struct Browser {
    http: reqwest::Client,
    base: String,
}

struct Page {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Page {
    fn has(&self, needle: &str) -> bool {
        self.body.contains(needle)
    }

    #[track_caller]
    fn must(&self, needle: &str) {
        assert!(self.has(needle), "missing {needle:?} in:\n{}", self.body);
    }

    #[track_caller]
    fn must_not(&self, needle: &str) {
        assert!(
            !self.has(needle),
            "unexpected {needle:?} in:\n{}",
            self.body
        );
    }
}

/// The value of the first `name="…" value="…"` input of a page.
fn input_value(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no input {name} in the page:\n{html}"))
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

/// The HTML of the element with `id`, up to the end of its first `</tag>` (`tag` = `table`,
/// `li`, `div`…).
fn element<'a>(html: &'a str, id: &str, tag: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element #{id} in:\n{html}"));
    let start = html[..start].rfind('<').unwrap_or(start);
    let rest = &html[start..];
    let end = rest
        .find(&format!("</{tag}>"))
        .map_or(rest.len(), |i| i + tag.len() + 3);
    &rest[..end]
}

/// The opening tag of the element with `id`.
fn tag<'a>(html: &'a str, id: &str) -> &'a str {
    let el = element(html, id, "NONE");
    &el[..=el.find('>').unwrap()]
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
        let location = res
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        Page {
            status,
            location,
            body: res.text().await.unwrap(),
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

    async fn post<K: AsRef<str>, V: AsRef<str>>(&self, path: &str, form: &[(K, V)]) -> Page {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
        Self::page(
            self.http
                .post(format!("{}{path}", self.base))
                .form(&pairs)
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

type Fields = Vec<(String, String)>;

fn fields(pairs: &[(&str, &str)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Replaces (or adds) every value of `name`.
fn set(f: &mut Fields, name: &str, value: &str) {
    f.retain(|(k, _)| k != name);
    f.push((name.to_owned(), value.to_owned()));
}

/// Opens a case through the interview form: ransomware on 1,500 customers, known 2026-11-18.
async fn open_case(b: &Browser, title: &str) -> String {
    let csrf = b.csrf("/cases/new").await;
    let r = b
        .post(
            "/cases/new",
            &[
                ("csrf_token", csrf.as_str()),
                ("action", "create"),
                ("title", title),
                ("known_on", "2026-11-18"),
                ("occurred_on", "2026-11-15"),
                ("events", "leak"),
                ("suspected", "yes"),
                ("data_form", "personal_data"),
                ("data_items", "name"),
                ("data_items", "phone"),
                ("data_items", "email"),
                ("data_items", "address"),
                ("cause", "ransomware"),
                ("malicious", "yes"),
                ("persons", "1500"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "open case: {}", r.body);
    let loc = r.location.unwrap();
    let id = loc.strip_prefix("/cases/").unwrap().to_owned();
    assert_eq!(id.len(), 36, "{loc}");
    id
}

/// What a 速報 knows: the reporter, the contact, the summary, the persons.
fn quick_report(csrf: &str, version: &str, action: &str) -> Fields {
    fields(&[
        ("csrf_token", csrf),
        ("action", action),
        ("expected_version", version),
        ("form_version", "draft-2020-12"),
        ("header_reporter_name", "株式会社エー"),
        ("header_contact_name", "佐藤花子"),
        ("header_contact_phone", "03-1234-5678"),
        ("summary_occurred_on", "2026-11-15"),
        ("summary_discovered_on", "2026-11-18"),
        ("summary_incident", "leak"),
        ("summary_certainty", "suspected"),
        ("summary_applicable_items", "3"),
        ("summary_applicable_items", "4"),
        (
            "summary_course_of_events",
            "11月18日、ファイルサーバが暗号化されていることを確認。",
        ),
        ("data_items_items", "name"),
        ("data_items_items", "phone"),
        ("data_items_items", "email"),
        ("data_items_items", "other"),
        ("data_items_items_other", "住所"),
        ("persons_count", "1500"),
        ("cause_category", "unauthorized_access"),
        ("cause_attack_method", "ランサムウェア"),
    ])
}

/// All nine matters, for the 確報 (the contact person changes).
fn complete_report(csrf: &str, version: &str, action: &str) -> Fields {
    let mut f = quick_report(csrf, version, action);
    for (k, v) in [
        ("header_address", "東京都千代田区1-1"),
        ("header_representative", "代表取締役 山田太郎"),
        ("header_sector", "小売業"),
        ("header_contact_department", "情報セキュリティ室"),
        ("header_contact_email", "security@a.example"),
        ("summary_discoverer", "社内システム担当者"),
        ("summary_has_entruster", "no"),
        ("summary_has_entrustee", "no"),
        (
            "summary_external_investigation",
            "外部のフォレンジック調査会社に依頼済み",
        ),
        ("data_items_media", "electronic"),
        ("data_items_kinds", "customer"),
        ("persons_with_card", "0"),
        ("cause_actor", "reporter"),
        ("cause_attack_point", "VPN機器"),
        ("cause_details", "VPN機器の脆弱性を突かれて侵入された"),
        ("secondary_harm_status", "unknown"),
        ("secondary_harm_details", "現時点で確認されていない"),
        ("individual_response_status", "done"),
        ("individual_response_details", "対象者へ電子メールで通知"),
        ("publication_status", "done"),
        ("publication_date", "2026-11-25"),
        ("publication_methods", "website"),
        (
            "publication_text",
            "不正アクセスによる個人情報漏えいのおそれに関するお知らせ",
        ),
        ("prevention_done", "VPN機器の更新"),
        ("prevention_planned", "多要素認証の導入（2027年3月）"),
        ("other", "特になし"),
    ] {
        set(&mut f, k, v);
    }
    set(&mut f, "header_contact_name", "鈴木一郎");
    f
}

async fn edit_confirm_submit_and_history(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    let b = Browser::login(&server, "member@a.example").await;
    let id = open_case(&b, "ファイルサーバのランサムウェア被害").await;
    let editor = format!("/cases/{id}/report");

    // The case page links to the editor; the editor is prefilled from the case.
    let case = b.get(&format!("/cases/{id}")).await;
    case.must(&format!("href=\"{editor}\""));
    let p = b.get(&editor).await;
    assert_eq!(p.status, 200, "{}", p.body);
    p.must("ファイルサーバのランサムウェア被害");
    p.must("name=\"header_reporter_name\" value=\"株式会社エー\"");
    p.must("name=\"summary_discovered_on\" value=\"2026-11-18\"");
    p.must("name=\"summary_occurred_on\" value=\"2026-11-15\"");
    p.must("name=\"persons_count\" value=\"1500\"");
    p.must("name=\"expected_version\" value=\"0\"");
    assert!(tag(&p.body, "summary_incident-leak").contains("checked"));
    assert!(tag(&p.body, "summary_certainty-suspected").contains("checked"));
    assert!(tag(&p.body, "summary_applicable_items-3").contains("checked"));
    assert!(tag(&p.body, "cause_category-unauthorized_access").contains("checked"));
    assert!(!tag(&p.body, "summary_incident-loss").contains("checked"));
    // Every control is labelled; the matters are numbered fieldsets; options come from the data.
    p.must("<label for=\"header_corporate_number\">法人番号</label>");
    p.must("<legend><h2>1. 概要</h2></legend>");
    p.must("<legend><h2>4. 原因</h2></legend>");
    p.must("<legend><h2>9. その他参考となる事項</h2></legend>");
    p.must("誤送信（メールを含む）");
    p.must("<label for=\"data_items_items_other\">項目（その他の内容）</label>");
    // The determination at the top.
    let det = element(&p.body, "report-det", "section");
    assert!(det.contains("3号"), "{det}");
    assert!(det.contains("report-det-final"), "{det}");
    // The checklist: the persons are there, the course of events is not.
    assert!(tag(&p.body, "check-3").contains("done"));
    let todo = element(&p.body, "check-1", "ul");
    assert!(todo.contains("class=\"todo\""), "{todo}");
    assert!(
        todo.contains("href=\"#field-summary_course_of_events\""),
        "{todo}"
    );
    // A first report may be a 速報 or a 確報; the 確報 is blocked while matters are missing.
    p.must("id=\"confirm-quick-report\"");
    assert!(tag(&p.body, "confirm-final-report").contains("disabled"));
    p.must("id=\"final-blocked\"");
    p.must("id=\"save-report\"");
    p.must_not("id=\"confirm-supplement\"");

    // A bad number: 422, the error beside the field, everything typed kept.
    let csrf = input_value(&p.body, "csrf_token");
    let mut f = quick_report(&csrf, "0", "save");
    set(&mut f, "persons_with_card", "約20人");
    let r = b.post(&editor, &f).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let field = element(&r.body, "field-persons_with_card", "div");
    assert!(field.contains("has-error"), "{field}");
    assert!(
        field.contains("<p class=\"field-error\" id=\"persons_with_card-error\">0以上の整数で入力してください</p>"),
        "{field}"
    );
    assert!(field.contains("value=\"約20人\""), "{field}");
    assert!(field.contains("aria-invalid=\"true\""), "{field}");
    assert!(field.contains("persons_with_card-error\""), "{field}");
    let summary = element(&r.body, "error-summary", "div");
    assert!(
        summary.contains("href=\"#field-persons_with_card\""),
        "{summary}"
    );
    r.must("11月18日、ファイルサーバが暗号化されていることを確認。</textarea>");
    r.must("name=\"header_contact_name\" value=\"佐藤花子\"");
    // A value the domain refuses (validate()): beside its field too.
    let mut f = quick_report(&csrf, "0", "save");
    set(&mut f, "header_corporate_number", "12345");
    let r = b.post(&editor, &f).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let field = element(&r.body, "field-header_corporate_number", "div");
    assert!(
        field.contains("法人番号は13桁の数字で入力してください"),
        "{field}"
    );
    assert!(field.contains("value=\"12345\""), "{field}");
    r.must("name=\"header_contact_phone\" value=\"03-1234-5678\"");
    // Nothing was saved.
    let p = b.get(&editor).await;
    p.must("name=\"expected_version\" value=\"0\"");

    // Save: version 1, the typed values shown again after the redirect.
    let r = b.post(&editor, &quick_report(&csrf, "0", "save")).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some(&*format!("{editor}?saved=1")));
    let p = b.get(r.location.as_deref().unwrap()).await;
    p.must("id=\"report-notice\"");
    p.must("第1版");
    p.must("name=\"expected_version\" value=\"1\"");
    p.must("name=\"header_contact_name\" value=\"佐藤花子\"");
    assert!(tag(&p.body, "summary_applicable_items-4").contains("checked"));
    assert!(!tag(&p.body, "check-1").contains("done"));
    assert!(tag(&p.body, "check-0").contains("done"));
    let todo = element(&p.body, "check-5", "ul");
    assert!(
        todo.contains("href=\"#field-secondary_harm_status\""),
        "{todo}"
    );

    // A second click of the same Save is no conflict: nothing was lost.
    let r = b.post(&editor, &quick_report(&csrf, "0", "save")).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some(&*format!("{editor}?saved=1")));
    // Saving from a stale page: 409, a clear message, what was typed kept.
    let mut f = quick_report(&csrf, "0", "save");
    set(&mut f, "header_sector", "小売業（競合）");
    let r = b.post(&editor, &f).await;
    assert_eq!(r.status, 409, "{}", r.body);
    r.must("別の担当者が保存しています（現在は第1版）");
    r.must("name=\"header_sector\" value=\"小売業（競合）\"");
    r.must("name=\"expected_version\" value=\"1\"");

    // 速報: the button goes to the confirmation of the saved version (nothing changed).
    let r = b
        .post(&editor, &quick_report(&csrf, "1", "confirm_quick_report"))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let confirm = format!("/cases/{id}/report/confirm?stage=quick_report");
    assert_eq!(r.location.as_deref(), Some(&*confirm));
    let p = b.get(&confirm).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(element(&p.body, "confirm-stage", "dd").contains("速報"));
    p.must("id=\"confirm-first\"");
    p.must("name=\"draft_version\" value=\"1\"");
    p.must("11月18日、ファイルサーバが暗号化されていることを確認。");
    p.must("佐藤花子");
    p.must("2026-11-18");
    p.must("氏名、電話番号、メールアドレス、その他");
    // Blank fields of a 速報 read 未確定.
    let cause = element(&p.body, "confirm-matter-4", "section");
    assert!(
        cause.contains("data-field=\"cause_details\">未確定</dd>"),
        "{cause}"
    );
    assert!(cause.contains("不正アクセス"), "{cause}");
    let key = input_value(&p.body, "idempotency_key");
    assert!(key.len() >= 32, "{key}");
    p.must("id=\"send-report\"");
    let send = fields(&[
        ("csrf_token", &csrf),
        ("stage", "quick_report"),
        ("draft_version", "1"),
        ("idempotency_key", &key),
    ]);
    // A double click sends once.
    let r1 = b.post(&confirm, &send).await;
    let r2 = b.post(&confirm, &send).await;
    assert_eq!(r1.status, 303, "{}", r1.body);
    assert_eq!(r2.status, 303, "{}", r2.body);
    let history = format!("/cases/{id}/history");
    assert_eq!(
        r1.location.as_deref(),
        Some(&*format!("{history}?submitted=1#version-1"))
    );
    assert_eq!(r1.location, r2.location);
    let h = b.get(r1.location.as_deref().unwrap()).await;
    assert_eq!(h.status, 200, "{}", h.body);
    h.must("送信しました（第1版・速報）");
    assert!(element(&h.body, "history-row-1", "tr").contains("速報"));
    h.must_not("history-row-2");
    h.must("id=\"version-1-content\"");

    // After a 速報 only the 確報 may follow, and it is blocked while matters are missing.
    let p = b.get(&editor).await;
    p.must_not("id=\"confirm-quick-report\"");
    assert!(tag(&p.body, "confirm-final-report").contains("disabled"));
    let final_confirm = format!("/cases/{id}/report/confirm?stage=final_report");
    let p = b.get(&final_confirm).await;
    assert_eq!(p.status, 200);
    let missing = element(&p.body, "confirm-missing", "div");
    assert!(!missing.contains("事実経過"), "{missing}");
    assert!(missing.contains("二次被害の有無"), "{missing}");
    assert!(
        missing.contains("#field-secondary_harm_status"),
        "{missing}"
    );
    p.must_not("id=\"send-report\"");
    // Posted anyway: refused with the missing list.
    let r = b
        .post(
            &final_confirm,
            &fields(&[
                ("csrf_token", &csrf),
                ("stage", "final_report"),
                ("draft_version", "1"),
                ("idempotency_key", "a-forced-final-report-1"),
            ]),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        element(&r.body, "confirm-missing", "div").contains("実施済の措置又は今後実施予定の措置")
    );

    // Complete the report and go to the 確報 confirmation in one step (saved as version 2).
    let r = b
        .post(
            &editor,
            &complete_report(&csrf, "1", "confirm_final_report"),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some(&*final_confirm));
    let p = b.get(&editor).await;
    p.must("id=\"checklist-complete\"");
    p.must_not("class=\"todo\"");
    assert!(!tag(&p.body, "confirm-final-report").contains("disabled"));
    let p = b.get(&final_confirm).await;
    p.must_not("id=\"confirm-missing\"");
    p.must("name=\"draft_version\" value=\"2\"");
    let diff = element(&p.body, "confirm-diff", "table");
    assert!(
        diff.contains("<td class=\"diff-old\">佐藤花子</td>"),
        "{diff}"
    );
    assert!(
        diff.contains("<td class=\"diff-new\">鈴木一郎</td>"),
        "{diff}"
    );
    // Not a 速報: an empty field would read 記入なし, and none is left but the card count 0.
    p.must_not(">未確定</dd>");
    let key = input_value(&p.body, "idempotency_key");
    let r = b
        .post(
            &final_confirm,
            &fields(&[
                ("csrf_token", &csrf),
                ("stage", "final_report"),
                ("draft_version", "2"),
                ("idempotency_key", &key),
            ]),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.location.as_deref(),
        Some(&*format!("{history}?submitted=2#version-2"))
    );
    let h = b.get(&history).await;
    assert!(element(&h.body, "history-row-2", "tr").contains("確報"));
    assert!(element(&h.body, "history-row-1", "tr").contains("速報"));
    let diff = element(&h.body, "diff-2", "table");
    assert!(
        diff.contains("<td class=\"diff-old\">佐藤花子</td>"),
        "{diff}"
    );
    assert!(
        diff.contains("<td class=\"diff-new\">鈴木一郎</td>"),
        "{diff}"
    );
    assert!(diff.contains("data-field=\"cause.details\""), "{diff}");
    assert!(
        diff.contains("<td class=\"diff-new\">VPN機器の脆弱性を突かれて侵入された</td>"),
        "{diff}"
    );
    h.must_not("id=\"diff-1\"");
    // Each version's content, read-only.
    let v1 = element(&h.body, "version-1-content", "details");
    assert!(v1.contains("佐藤花子") && !v1.contains("鈴木一郎"), "{v1}");
    // After the 確報 only a 追完; with nothing changed it cannot be sent.
    let p = b.get(&editor).await;
    p.must("id=\"confirm-supplement\"");
    p.must_not("id=\"confirm-final-report\"");
    let p = b
        .get(&format!("/cases/{id}/report/confirm?stage=supplement"))
        .await;
    p.must("追完には変更が必要です");
    p.must_not("id=\"send-report\"");

    // English.
    let r = b.get(&format!("/prefs?lang=en&back={editor}")).await;
    assert!(r.status == 303 || r.status == 302, "{}", r.status);
    let p = b.get(&editor).await;
    p.must("<legend><h2>1. Summary</h2></legend>");
    p.must("Submit a supplement");
}

async fn other_organisations_and_viewers(backend: Backend) {
    let server = start(backend).await;
    world(&*server.db.store).await;
    let a = Browser::login(&server, "member@a.example").await;
    let id = open_case(&a, "誤送信").await;
    let csrf = a.csrf(&format!("/cases/{id}/report")).await;
    let r = a
        .post(
            &format!("/cases/{id}/report"),
            &quick_report(&csrf, "0", "save"),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    // Another organisation's member: 404 on every route, reading or writing.
    let b = Browser::login(&server, "member@b.example").await;
    let b_csrf = b.csrf("/board").await;
    for path in [
        format!("/cases/{id}/report"),
        format!("/cases/{id}/report/confirm?stage=quick_report"),
        format!("/cases/{id}/history"),
        "/cases/00000000-0000-7000-8000-000000000000/report".to_owned(),
        "/cases/00000000-0000-7000-8000-000000000000/history".to_owned(),
        "/cases/not-a-case/report".to_owned(),
    ] {
        let p = b.get(&path).await;
        assert_eq!(p.status, 404, "{path}: {}", p.body);
        p.must("見つかりません");
        p.must_not("誤送信");
    }
    let r = b
        .post(
            &format!("/cases/{id}/report"),
            &quick_report(&b_csrf, "1", "save"),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = b
        .post(
            &format!("/cases/{id}/report/confirm?stage=quick_report"),
            &fields(&[
                ("csrf_token", &b_csrf),
                ("stage", "quick_report"),
                ("draft_version", "1"),
                ("idempotency_key", "b-tries-a-case"),
            ]),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);

    // A viewer of A reads everything but has no save or submit buttons; posts are refused.
    let v = Browser::login(&server, "viewer@a.example").await;
    let p = v.get(&format!("/cases/{id}/report")).await;
    assert_eq!(p.status, 200, "{}", p.body);
    p.must("id=\"report-readonly\"");
    p.must("name=\"header_contact_name\" value=\"佐藤花子\"");
    p.must_not("id=\"save-report\"");
    p.must_not("id=\"confirm-quick-report\"");
    p.must_not("id=\"confirm-final-report\"");
    assert!(tag(&p.body, "matter-1").contains("disabled"));
    let p = v
        .get(&format!("/cases/{id}/report/confirm?stage=quick_report"))
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    p.must("11月18日、ファイルサーバが暗号化されていることを確認。");
    p.must_not("id=\"send-report\"");
    let p = v.get(&format!("/cases/{id}/history")).await;
    assert_eq!(p.status, 200);
    p.must("id=\"history-empty\"");
    let v_csrf = v.csrf("/board").await;
    let r = v
        .post(
            &format!("/cases/{id}/report"),
            &quick_report(&v_csrf, "1", "save"),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = v
        .post(
            &format!("/cases/{id}/report/confirm?stage=quick_report"),
            &fields(&[
                ("csrf_token", &v_csrf),
                ("stage", "quick_report"),
                ("draft_version", "1"),
                ("idempotency_key", "viewer-tries"),
            ]),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // A forged CSRF token is refused before anything else.
    let r = a
        .post(
            &format!("/cases/{id}/report"),
            &quick_report("forged", "1", "save"),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // Nothing was submitted by anyone.
    let h = a.get(&format!("/cases/{id}/history")).await;
    h.must("id=\"history-empty\"");
}
