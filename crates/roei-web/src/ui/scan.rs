//! The case page's leak-scope scan: upload the leaked files, see what `roei scan` finds in them
//! (persons, items), and apply it to the case's facts through the facts-update use case.
//!
//! The files are read into memory as they stream in (at most `scan_upload_limit` in all),
//! scanned, and dropped: they are never written to disk or to the database. Only what the user
//! then applies (item codes and a number of persons) is stored, as facts.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use roei_domain::model::IncidentCase;
use roei_domain::service;
use roei_law::DataItem;
use serde::Deserialize;

use super::cases::case_id;
use super::{Chrome, Page, error_page, redirect, render};
use crate::AppState;
use crate::api_scan::scan_uploads;

/// The page's words.
pub(crate) const TEXT: &[(&str, &str, &str)] = &[
    (
        "scan.title",
        "漏えいファイルの調査",
        "Scan the leaked files",
    ),
    (
        "scan.link",
        "漏えいファイルの調査（本人の数・項目）",
        "Scan the leaked files (persons, items)",
    ),
    (
        "scan.intro",
        "漏えいしたファイル（CSV・TSV・JSON・テキスト・XLSX、.gz・.zip も可。UTF-8 / Shift_JIS）を選ぶと、本人の数と個人データの項目を数えます。ファイルはメモリ上で読むだけで、保存しません。上限（合計, MiB）:",
        "Choose the leaked files (CSV, TSV, JSON, text, XLSX, also inside .gz and .zip; UTF-8 or Shift_JIS) to count the persons and the kinds of personal data in them. The files are read in memory only and never stored. Limit (in all, MiB):",
    ),
    ("scan.files", "ファイル", "Files"),
    ("scan.submit", "調査する", "Scan"),
    ("scan.result", "調査結果", "Result"),
    ("scan.persons", "本人の数", "Persons"),
    (
        "scan.card_persons",
        "うちクレジットカード番号を含む者",
        "of whom with a card number",
    ),
    (
        "scan.files_records",
        "ファイル / レコード",
        "Files / records",
    ),
    (
        "scan.none",
        "個人データの項目は見つかりませんでした。",
        "No personal data found.",
    ),
    ("scan.item", "項目", "Item"),
    ("scan.records", "レコード数", "Records"),
    ("scan.in_facts", "事案の事実", "In the case's facts"),
    ("scan.sensitive", "要配慮", "sensitive"),
    ("scan.new", "新規", "new"),
    (
        "scan.errors",
        "読めなかったファイル",
        "Files that could not be read",
    ),
    (
        "scan.apply_explain",
        "事案の事実に反映すると、項目を追加し、本人の数を大きい方にします。判定はやり直されます。本人の数:",
        "Applying adds the items to the case's facts and sets the number of persons to the larger of the two. The case is assessed again. Persons:",
    ),
    ("scan.unset", "未設定", "unset"),
    (
        "scan.apply",
        "事案の事実に反映する",
        "Apply to the case's facts",
    ),
    (
        "scan.choose",
        "ファイルを選んでください。",
        "Choose one or more files.",
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/cases/{id}/scan",
            // The upload limit is the scan's own (scan_upload_limit), checked while reading.
            get(scan_page)
                .post(scan_post)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/cases/{id}/scan/apply", axum::routing::post(apply_post))
}

/// One item found.
#[derive(Debug)]
pub struct ItemRow {
    pub code: &'static str,
    pub label: &'static str,
    pub records: u64,
    pub sensitive: bool,
    /// Already in the case's facts.
    pub known: bool,
}

/// What the page shows after a scan.
#[derive(Debug)]
pub struct ResultView {
    pub files: u64,
    pub records: u64,
    pub persons: u64,
    pub persons_with_card_number: u64,
    pub items: Vec<ItemRow>,
    pub errors: Vec<(String, String)>,
    pub elapsed_ms: u64,
    /// The item codes, comma-separated, for the apply form.
    pub codes: String,
    /// The number of persons the facts would get: the larger of the case's and the scan's.
    pub persons_after: u64,
}

#[derive(Template)]
#[template(path = "scan.html")]
struct ScanPage<'a> {
    c: &'a Chrome,
    id: String,
    title: String,
    version: i64,
    current_persons: Option<u64>,
    limit_mb: usize,
    can_write: bool,
    result: Option<ResultView>,
    error: Option<String>,
}

fn page_for<'a>(page: &'a Page, st: &AppState, case: &IncidentCase) -> ScanPage<'a> {
    ScanPage {
        c: &page.c,
        id: case.id.to_string(),
        title: case.title.clone(),
        version: case.version,
        current_persons: case.facts.persons,
        limit_mb: st.config.scan_upload_limit / (1024 * 1024),
        can_write: page.actor.user.role.can_write(),
        result: None,
        error: None,
    }
}

async fn load(st: &AppState, page: &Page, id: &str) -> Result<IncidentCase, Response> {
    let id = case_id(id).map_err(|e| page.fail(&e))?;
    service::operator_case(&*st.store, &page.actor, id)
        .await
        .map_err(|e| page.fail(&e))
}

async fn scan_page(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let case = match load(&st, &page, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    render(StatusCode::OK, &page_for(&page, &st, &case))
}

/// Reads the multipart form: the CSRF token and the files, all within `limit` bytes.
async fn read_form(
    mut mp: Multipart,
    limit: usize,
) -> Result<(String, Vec<(String, Vec<u8>)>), String> {
    let mut csrf = String::new();
    let mut files = Vec::new();
    let mut total = 0usize;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(format!("the upload could not be read: {e}")),
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "csrf_token" {
            csrf = field.text().await.map_err(|e| e.to_string())?;
            continue;
        }
        if name != "files" {
            continue;
        }
        let file_name = field.file_name().unwrap_or("upload").to_owned();
        let mut field = field;
        let mut data = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len();
                    if total > limit {
                        return Err(format!(
                            "the files are larger than the limit of {} MiB in all",
                            limit / (1024 * 1024)
                        ));
                    }
                    data.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(format!("the upload could not be read: {e}")),
            }
        }
        if !(file_name.is_empty() && data.is_empty()) {
            files.push((file_name, data));
        }
    }
    Ok((csrf, files))
}

async fn scan_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    mp: Multipart,
) -> Response {
    let case = match load(&st, &page, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut view = page_for(&page, &st, &case);
    let (csrf, files) = match read_form(mp, st.config.scan_upload_limit).await {
        Ok(x) => x,
        Err(message) => {
            view.error = Some(message);
            return render(StatusCode::PAYLOAD_TOO_LARGE, &view);
        }
    };
    if let Some(res) = page.csrf_refusal(&csrf) {
        return res;
    }
    if files.is_empty() {
        view.error = Some(page.c.s("scan.choose").to_owned());
        return render(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let Ok(report) = scan_uploads(files).await else {
        return error_page(
            &page.c,
            StatusCode::INTERNAL_SERVER_ERROR,
            "error.server.title",
            page.c.s("error.server.body"),
        );
    };
    let ja = page.c.is_ja();
    let items = report
        .items
        .iter()
        .map(|i| ItemRow {
            code: i.code(),
            label: if ja { i.ja() } else { i.en() },
            records: report.item_records.get(i.code()).copied().unwrap_or(0),
            sensitive: i.is_sensitive(),
            known: case.facts.data_items.contains(i),
        })
        .collect();
    view.result = Some(ResultView {
        files: report.files,
        records: report.records,
        persons: report.persons,
        persons_with_card_number: report.persons_with_card_number,
        items,
        errors: report
            .errors
            .iter()
            .map(|e| (e.path.clone(), e.error.clone()))
            .collect(),
        elapsed_ms: report.elapsed_ms,
        codes: report
            .items
            .iter()
            .map(|i| i.code())
            .collect::<Vec<_>>()
            .join(","),
        persons_after: service::facts_with_scan(&case.facts, &report.items, report.persons)
            .persons
            .unwrap_or(0),
    });
    render(StatusCode::OK, &view)
}

#[derive(Debug, Deserialize)]
struct ApplyForm {
    csrf_token: String,
    expected_version: String,
    /// Item codes, comma-separated.
    data_items: String,
    persons: String,
}

/// Applies a scan's facts: its items are added to the case's, and the number of persons
/// becomes the larger of the two (本人の数 is the maximum possible while not fixed).
async fn apply_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(form): Form<ApplyForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    let case = match load(&st, &page, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut items = Vec::new();
    for code in form
        .data_items
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let Some(item) = DataItem::from_code(code) else {
            let mut view = page_for(&page, &st, &case);
            view.error = Some(format!("data_items: unknown item code \"{code}\""));
            return render(StatusCode::UNPROCESSABLE_ENTITY, &view);
        };
        items.push(item);
    }
    let Ok(persons) = form.persons.trim().parse::<u64>() else {
        let mut view = page_for(&page, &st, &case);
        view.error = Some("persons: not a whole number".to_owned());
        return render(StatusCode::UNPROCESSABLE_ENTITY, &view);
    };
    let Ok(version) = form.expected_version.trim().parse::<i64>() else {
        let mut view = page_for(&page, &st, &case);
        view.error = Some("expected_version: not a whole number".to_owned());
        return render(StatusCode::UNPROCESSABLE_ENTITY, &view);
    };
    let applied = service::apply_scan(
        &*st.store,
        &page.actor,
        case.id,
        version,
        &items,
        persons,
        st.now(),
    );
    match applied.await {
        Ok(_) => redirect(&format!("/cases/{}", case.id)),
        Err(e) => page.fail(&e),
    }
}
