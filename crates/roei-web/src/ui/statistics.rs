//! The regulator's statistics pages: counts of the reports received by fiscal year, item,
//! cause, sector, persons bracket and stage, each as a server-rendered SVG bar chart (title and
//! description for screen readers) beside its table; CSV export; the statistics package for the
//! police with its hidden cells (page, JSON and CSV); and the settings page with the
//! memorandum's term.
//!
//! Only a regulator's users reach them (the use cases answer `NotFound` to anyone else).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::{Form, Query};
use roei_domain::DomainError;
use roei_domain::memorandum::{self, MemorandumTerm};
use roei_domain::model::OrgKind;
use roei_domain::statistics::{
    self, DEFAULT_THRESHOLD, FiscalYear, Key, PackageRead, PackageTable, StatTable, Statistics,
    StatisticsPackage,
};
use serde::Deserialize;

use super::casework::csv_row;
use super::regulator::Choice;
use super::report::{fill, thousands};
use super::sharing::{Check, form_scope, recipient_checks, tlp_checks};
use super::{Chrome, Lang, Page, redirect, render};
use crate::AppState;

pub(crate) const TEXT: &[(&str, &str, &str)] = &[
    ("nav.statistics", "統計", "Statistics"),
    ("nav.settings", "設定", "Settings"),
    (
        "stats.title",
        "漏えい等報告の統計",
        "Statistics of leak reports",
    ),
    (
        "stats.intro",
        "受け付けた報告を、事案ごとに最新の報告で1件として数えています。年度（4月～翌年3月）は最初の報告を受け付けた日（日本時間）によります。",
        "Each case is counted once, by its latest report. The fiscal year (April–March) is that of the day its first report was received (Japan time).",
    ),
    ("stats.filter.title", "年度", "Fiscal year"),
    ("stats.filter.fy", "年度", "Fiscal year"),
    ("stats.filter.all_years", "すべての年度", "All years"),
    ("stats.filter.show", "表示", "Show"),
    ("stats.total", "合計", "Total"),
    ("stats.count", "{fy}：{n}件", "{fy}: {n} reports"),
    ("stats.col.cases", "件数", "Reports"),
    ("stats.csv", "CSV でダウンロード", "Download as CSV"),
    (
        "stats.package.link",
        "警察への統計パッケージ（少数秘匿）",
        "Statistics package for the police (small counts hidden)",
    ),
    ("stats.empty", "まだ報告はありません。", "No reports yet."),
    (
        "stats.chart.desc",
        "{title}の棒グラフ。{list}。同じ数値を右の表に示します。",
        "Bar chart of {title}. {list}. The table beside it gives the same numbers.",
    ),
    (
        "stats.item_note",
        "1件の報告が複数の号に該当することがあるため、合計はありません。",
        "One report may have several items, so there is no total.",
    ),
    ("stats.cross.row", "原因", "Cause"),
    ("stats.head.fiscal_year", "年度", "Fiscal year"),
    ("stats.head.item", "該当号", "Item"),
    ("stats.head.cause", "原因", "Cause"),
    ("stats.head.sector", "業種", "Sector"),
    ("stats.head.persons", "本人の数", "Persons"),
    ("stats.head.stage", "報告の段階", "Stage"),
    ("stats.head.cause_by_persons", "原因", "Cause"),
    (
        "stats.error.fiscal_year",
        "年度は 2026 のような西暦の年で選んでください",
        "Choose a fiscal year such as 2026",
    ),
    (
        "stats.error.threshold",
        "秘匿の基準は 3 から 100 までの整数で入力してください",
        "The threshold must be a whole number from 3 to 100",
    ),
    (
        "pkg.title",
        "警察への統計パッケージ",
        "Statistics package for the police",
    ),
    (
        "pkg.intro",
        "覚書第4条(2)ロ(イ)により警察庁と共有する統計です。基準未満の件数（0件を除く）を秘匿し、合計から逆算できないよう他のセルも秘匿しています。",
        "Statistics shared with the National Police Agency under Art. 4(2)ロ(イ) of the memorandum. Counts below the threshold (zeros excepted) are hidden, and other cells too, so that none can be worked out from the totals.",
    ),
    (
        "pkg.threshold",
        "秘匿の基準（この件数未満を秘匿）",
        "Threshold (counts below it are hidden)",
    ),
    ("pkg.show", "作成", "Make"),
    ("pkg.hidden", "秘匿", "hidden"),
    ("pkg.hidden_count", "秘匿したセル：{n}", "Hidden cells: {n}"),
    ("pkg.json", "JSON でダウンロード", "Download as JSON"),
    ("pkg.csv", "CSV でダウンロード", "Download as CSV"),
    ("pkg.back", "統計に戻る", "Back to the statistics"),
    ("pkg.publish.title", "警察へ共有", "Publish to the police"),
    (
        "pkg.publish.help",
        "このパッケージ（秘匿後の数値のみ）を、指定した共有範囲で警察と共有します（覚書4条(2)ロ(イ)・5条）。共有先の組織だけが閲覧できます。",
        "Shares this package (the numbers after hiding only) with the police under the designated scope (memorandum Art. 4(2)ロ(イ) and 5). Only the recipient organisations see it.",
    ),
    ("pkg.publish.title_field", "件名", "Title"),
    (
        "pkg.publish.send",
        "警察へ共有する",
        "Publish to the police",
    ),
    (
        "pkg.need_year",
        "パッケージは年度ごとに作成します。年度を選んでください。",
        "A package covers one fiscal year: choose one.",
    ),
    ("set.title", "設定", "Settings"),
    (
        "set.memo.title",
        "警察庁との覚書の有効期間",
        "Term of the memorandum with the NPA",
    ),
    (
        "set.memo.intro",
        "個人情報保護委員会と警察庁サイバー警察局の連携に関する覚書 第6条：有効期間は令和5年4月1日から令和6年3月31日まで。期間満了日の3か月前までにいずれからも申出がなければ1年間延長され、以後も同様です。",
        "Memorandum between the PPC and the NPA Cyber Police Bureau, Art. 6: in force from 2023-04-01 to 2024-03-31, extended by one year at a time unless either side objects three months before it expires.",
    ),
    ("set.memo.term", "現在の期間", "Current term"),
    ("set.memo.term_n", "第{n}期（{fy}）", "Term {n} ({fy})"),
    ("set.memo.period", "期間", "Period"),
    (
        "set.memo.deadline",
        "この期間の申出期限",
        "Objection deadline of this term",
    ),
    ("set.memo.next", "次の申出期限", "Next objection deadline"),
    ("set.memo.days", "あと{n}日", "{n} days left"),
    ("set.memo.today", "本日が期限です", "Today is the deadline"),
    (
        "set.memo.renews",
        "申出がなければ延長される日",
        "Renews (if nobody objects) on",
    ),
    (
        "set.memo.closed",
        "この期間の申出期限は過ぎました。次の期間（{renews}から）は延長が確定しています。",
        "This term's objection deadline has passed: the next term (from {renews}) will follow.",
    ),
    (
        "set.memo.assumption",
        "roei は申出の有無を記録していません。いずれからも申出がなかったものとして表示しています。期限は「期間満了日の3か月前」の応当日（12月31日）を含むものと読んでいます。",
        "roei does not record objections: the term is shown as if neither side has objected. The deadline is read as the day three months before expiry (31 December), that day included.",
    ),
    (
        "set.memo.not_yet",
        "覚書は令和5年4月1日から効力を生じます。",
        "The memorandum takes effect on 2023-04-01.",
    ),
];

/// The statistics pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/statistics", get(statistics_page))
        .route("/statistics.csv", get(statistics_csv))
        .route("/statistics/package", get(package_page))
        .route("/statistics/package/share", post(publish_post))
        .route("/statistics/package.json", get(package_json))
        .route("/statistics/package.csv", get(package_csv))
        .route("/settings/memorandum", get(memorandum_page))
}

// ---------------------------------------------------------------------------------------------
// Charts.

/// A horizontal bar chart in SVG: one bar per row, the label on the left, the number at the end
/// of the bar; `<title>` and `<desc>` name the chart and list every value for screen readers.
#[derive(Debug, Template)]
#[template(path = "statistics/chart.svg", escape = "html")]
pub struct BarChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: u32,
    pub height: u32,
    pub label_x: u32,
    pub bar_x: u32,
    pub bar_h: u32,
    pub bars: Vec<Bar>,
}

/// One bar of a [`BarChart`].
#[derive(Debug)]
pub struct Bar {
    pub label: String,
    pub value: String,
    pub y: u32,
    pub text_y: u32,
    pub width: u32,
    pub value_x: u32,
}

const CHART_WIDTH: u32 = 640;
const LABEL_WIDTH: u32 = 250;
const BAR_AREA: u32 = 330;
const ROW: u32 = 26;
const BAR_H: u32 = 18;

impl BarChart {
    /// The chart of `rows` (label, count).
    pub fn new(id: &str, title: &str, rows: &[(String, u64)], c: &Chrome) -> Self {
        let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
        let bars = rows
            .iter()
            .zip(0u32..)
            .map(|((label, n), i)| {
                let width = if max == 0 {
                    0
                } else {
                    u32::try_from(u128::from(*n) * u128::from(BAR_AREA) / u128::from(max))
                        .unwrap_or(BAR_AREA)
                };
                let y = 10 + i * ROW;
                Bar {
                    label: label.clone(),
                    value: thousands(*n),
                    y,
                    text_y: y + 13,
                    width,
                    value_x: LABEL_WIDTH + 10 + width + 6,
                }
            })
            .collect::<Vec<_>>();
        let sep = if c.lang == Lang::Ja { "、" } else { "; " };
        let list = rows
            .iter()
            .map(|(l, n)| format!("{l} {}", thousands(*n)))
            .collect::<Vec<_>>()
            .join(sep);
        Self {
            id: id.to_owned(),
            title: title.to_owned(),
            desc: fill(
                c.s("stats.chart.desc"),
                &[("title", title), ("list", &list)],
            ),
            width: CHART_WIDTH,
            height: 20 + ROW * u32::try_from(bars.len()).unwrap_or(0),
            label_x: LABEL_WIDTH,
            bar_x: LABEL_WIDTH + 10,
            bar_h: BAR_H,
            bars,
        }
    }

    pub fn svg(&self) -> String {
        self.render().unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------------
// Tables as shown.

/// A number of a table as shown: its text, or hidden (秘匿).
#[derive(Debug, Clone)]
pub struct CellView {
    pub text: String,
    pub hidden: bool,
}

impl CellView {
    fn of(v: Option<u64>) -> Self {
        match v {
            Some(n) => Self {
                text: thousands(n),
                hidden: false,
            },
            None => Self {
                text: "x".into(),
                hidden: true,
            },
        }
    }
}

#[derive(Debug)]
pub struct RowView {
    pub label: String,
    pub cells: Vec<CellView>,
    pub total: Option<CellView>,
}

/// A table (one-way or cross) ready for the template.
#[derive(Debug)]
pub struct TableView {
    pub id: String,
    pub title: String,
    /// The heading of the row labels' column.
    pub head: String,
    pub cols: Vec<String>,
    pub rows: Vec<RowView>,
    pub col_totals: Option<Vec<CellView>>,
    pub total: Option<CellView>,
    pub note: Option<&'static str>,
    /// The SVG chart (one-way tables of the statistics page).
    pub chart: Option<String>,
    pub hidden: usize,
}

fn label(k: &Key, lang: Lang) -> String {
    match lang {
        Lang::Ja => k.ja.clone(),
        Lang::En => k.en.clone(),
    }
}

fn title(ja: &str, en: &str, lang: Lang) -> String {
    match lang {
        Lang::Ja => ja.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// The view of one of the statistics' tables, with its chart when one-way.
fn stat_view(t: &StatTable, c: &Chrome) -> TableView {
    let mut v = package_view(&PackageTable::unmasked(t), c);
    if t.counts.row_totals.is_none() {
        let rows: Vec<(String, u64)> = t
            .rows
            .iter()
            .zip(&t.counts.cells)
            .map(|(k, r)| (label(k, c.lang), r[0]))
            .collect();
        v.chart = Some(BarChart::new(&t.id, &v.title, &rows, c).svg());
    }
    v
}

/// The view of a package table (hidden numbers shown as `x`).
pub(crate) fn package_view(t: &PackageTable, c: &Chrome) -> TableView {
    let lang = c.lang;
    let cross = t.row_totals.is_some();
    TableView {
        id: t.id.clone(),
        title: title(&t.title_ja, &t.title_en, lang),
        head: c.s(&format!("stats.head.{}", t.id)).to_owned(),
        cols: if cross {
            t.cols.iter().map(|k| label(k, lang)).collect()
        } else {
            vec![c.s("stats.col.cases").to_owned()]
        },
        rows: t
            .rows
            .iter()
            .enumerate()
            .map(|(i, k)| RowView {
                label: label(k, lang),
                cells: t.cells[i].iter().map(|v| CellView::of(*v)).collect(),
                total: t.row_totals.as_ref().map(|r| CellView::of(r[i])),
            })
            .collect(),
        col_totals: t
            .col_totals
            .as_ref()
            .map(|r| r.iter().map(|v| CellView::of(*v)).collect()),
        total: if t.total_hidden {
            Some(CellView::of(None))
        } else {
            t.total.map(|n| CellView::of(Some(n)))
        },
        note: (t.id == "item").then(|| c.s("stats.item_note")),
        chart: None,
        hidden: t.hidden,
    }
}

// ---------------------------------------------------------------------------------------------
// The statistics page.

#[derive(Debug, Default, Deserialize)]
pub struct StatsForm {
    #[serde(default)]
    pub fiscal_year: String,
    #[serde(default)]
    pub threshold: String,
}

impl StatsForm {
    /// The year asked for (`None`: all), or the message for a bad one.
    fn year(&self, c: &Chrome) -> Result<Option<FiscalYear>, &'static str> {
        let s = self.fiscal_year.trim();
        if s.is_empty() {
            return Ok(None);
        }
        FiscalYear::parse("fiscal_year", s)
            .map(Some)
            .map_err(|_| c.s("stats.error.fiscal_year"))
    }

    fn threshold(&self, c: &Chrome) -> Result<u64, &'static str> {
        let s = self.threshold.trim();
        if s.is_empty() {
            return Ok(DEFAULT_THRESHOLD);
        }
        s.parse::<u64>()
            .ok()
            .and_then(|t| statistics::check_threshold(t).ok())
            .ok_or_else(|| c.s("stats.error.threshold"))
    }
}

fn fy_label(fy: FiscalYear, lang: Lang) -> String {
    match lang {
        Lang::Ja => fy.label_ja(),
        Lang::En => fy.label_en(),
    }
}

fn year_choices(stats: &Statistics, chosen: Option<FiscalYear>, c: &Chrome) -> Vec<Choice> {
    let mut years = stats.fiscal_years.clone();
    let this = FiscalYear::of(c.today);
    if !years.contains(&this) {
        years.push(this);
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    years
        .into_iter()
        .map(|y| Choice {
            value: y.to_string(),
            label: fy_label(y, c.lang),
            selected: Some(y) == chosen,
        })
        .collect()
}

fn query_of(fy: Option<FiscalYear>) -> String {
    fy.map(|y| format!("?fiscal_year={y}")).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "statistics/page.html")]
struct StatisticsPage<'a> {
    c: &'a Chrome,
    error: Option<&'static str>,
    years: Vec<Choice>,
    total_text: String,
    csv_url: String,
    package_url: Option<String>,
    tables: Vec<TableView>,
}

async fn statistics_page(
    State(st): State<AppState>,
    page: Page,
    Query(form): Query<StatsForm>,
) -> Response {
    let c = &page.c;
    let (fy, error) = match form.year(c) {
        Ok(fy) => (fy, None),
        Err(e) => (None, Some(e)),
    };
    let stats = match statistics::statistics(&*st.store, &page.actor, fy).await {
        Ok(s) => s,
        Err(e) => return page.fail(&e),
    };
    let all = c.s("stats.filter.all_years");
    let total_text = fill(
        c.s("stats.count"),
        &[
            (
                "fy",
                &fy.map_or_else(|| all.to_owned(), |y| fy_label(y, c.lang)),
            ),
            ("n", &thousands(stats.total)),
        ],
    );
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        status,
        &StatisticsPage {
            c,
            error,
            years: year_choices(&stats, fy, c),
            total_text,
            csv_url: format!("/statistics.csv{}", query_of(fy)),
            package_url: fy.map(|y| format!("/statistics/package?fiscal_year={y}")),
            tables: stats.tables.iter().map(|t| stat_view(t, c)).collect(),
        },
    )
}

/// A table as CSV records: table id, table, row code, row, column code, column, number.
fn csv_table(
    out: &mut String,
    t: &TableView,
    id: &str,
    row_codes: &[String],
    col_codes: &[String],
    c: &Chrome,
) {
    let total = c.s("stats.total");
    for (r, code) in t.rows.iter().zip(row_codes) {
        for ((cell, col), col_code) in r.cells.iter().zip(&t.cols).zip(col_codes) {
            csv_row(
                out,
                &[id, &t.title, code, &r.label, col_code, col, &cell.text],
            );
        }
        if let Some(tot) = &r.total {
            csv_row(
                out,
                &[id, &t.title, code, &r.label, "total", total, &tot.text],
            );
        }
    }
    if let Some(cols) = &t.col_totals {
        for ((cell, col), col_code) in cols.iter().zip(&t.cols).zip(col_codes) {
            csv_row(
                out,
                &[id, &t.title, "total", total, col_code, col, &cell.text],
            );
        }
    }
    if let Some(tot) = &t.total {
        csv_row(
            out,
            &[id, &t.title, "total", total, "total", total, &tot.text],
        );
    }
}

fn csv_header(out: &mut String, c: &Chrome) {
    let head: &[&str] = if c.lang == Lang::Ja {
        &["表ID", "表", "行コード", "行", "列コード", "列", "件数"]
    } else {
        &[
            "table_id",
            "table",
            "row_code",
            "row",
            "column_code",
            "column",
            "count",
        ]
    };
    csv_row(out, head);
}

fn codes(keys: &[Key], cross: bool) -> Vec<String> {
    if cross {
        keys.iter().map(|k| k.code.clone()).collect()
    } else {
        vec!["cases".into()]
    }
}

/// The statistics as CSV: UTF-8 with a BOM, CRLF line ends (numbers without separators).
fn statistics_csv_text(stats: &Statistics, c: &Chrome) -> String {
    let tables: Vec<PackageTable> = stats.tables.iter().map(PackageTable::unmasked).collect();
    tables_csv(&tables, c)
}

/// Tables as CSV records (hidden numbers as `x`).
fn tables_csv(tables: &[PackageTable], c: &Chrome) -> String {
    let mut out = String::from("\u{feff}");
    csv_header(&mut out, c);
    for t in tables {
        let mut v = package_view(t, c);
        plain_numbers(&mut v);
        let rows: Vec<String> = t.rows.iter().map(|k| k.code.clone()).collect();
        csv_table(
            &mut out,
            &v,
            &t.id,
            &rows,
            &codes(&t.cols, t.row_totals.is_some()),
            c,
        );
    }
    out
}

/// Numbers without thousands separators, for spreadsheets.
fn plain_numbers(v: &mut TableView) {
    let strip = |cell: &mut CellView| cell.text = cell.text.replace(',', "");
    for r in &mut v.rows {
        r.cells.iter_mut().for_each(strip);
        r.total.iter_mut().for_each(strip);
    }
    if let Some(cols) = &mut v.col_totals {
        cols.iter_mut().for_each(strip);
    }
    v.total.iter_mut().for_each(strip);
}

fn download(body: String, content_type: &'static str, filename: &str) -> Response {
    let mut res = body.into_response();
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    res
}

async fn statistics_csv(
    State(st): State<AppState>,
    page: Page,
    Query(form): Query<StatsForm>,
) -> Response {
    let c = &page.c;
    let fy = match form.year(c) {
        Ok(fy) => fy,
        Err(m) => return page.fail(&DomainError::invalid("fiscal_year", m)),
    };
    match statistics::statistics(&*st.store, &page.actor, fy).await {
        Ok(stats) => download(
            statistics_csv_text(&stats, c),
            "text/csv; charset=utf-8",
            &format!(
                "roei-statistics-{}.csv",
                fy.map_or_else(|| "all".to_owned(), |y| y.to_string())
            ),
        ),
        Err(e) => page.fail(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// The police package.

#[derive(Template)]
#[template(path = "statistics/package.html")]
struct PackagePage<'a> {
    c: &'a Chrome,
    errors: Vec<(&'static str, &'static str)>,
    years: Vec<Choice>,
    threshold: String,
    basis: String,
    hidden_text: String,
    json_url: String,
    csv_url: String,
    tables: Vec<TableView>,
    /// The publish form is shown (a package was made and the user may publish it).
    publish: bool,
    fiscal_year: String,
    title: String,
    recipients: Vec<Check>,
    tlps: Vec<Check>,
    purpose: String,
    onward: bool,
    expires_on: String,
    /// Why the last publish was refused (it names the field).
    publish_alert: Option<String>,
}

/// The package for the form's year and threshold (the reading audited as `via`), or the
/// errors of the form.
async fn package_for(
    st: &AppState,
    page: &Page,
    form: &StatsForm,
    via: PackageRead,
) -> Result<Result<StatisticsPackage, Vec<(&'static str, &'static str)>>, DomainError> {
    let c = &page.c;
    let mut errors = Vec::new();
    let fy = match form.year(c) {
        Ok(Some(fy)) => Some(fy),
        Ok(None) => {
            errors.push(("fiscal_year", c.s("pkg.need_year")));
            None
        }
        Err(e) => {
            errors.push(("fiscal_year", e));
            None
        }
    };
    let threshold = form.threshold(c).unwrap_or_else(|e| {
        errors.push(("threshold", e));
        DEFAULT_THRESHOLD
    });
    match fy {
        Some(fy) if errors.is_empty() => {
            statistics::read_package(&*st.store, &page.actor, Some(fy), threshold, via, st.now())
                .await
                .map(Ok)
        }
        _ => {
            // Still only for a regulator: anyone else learns nothing from the errors.
            statistics::check_access(&page.actor)?;
            Ok(Err(errors))
        }
    }
}

/// The publish form as typed (the year and threshold of the package shown, its title and the
/// designated scope).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PublishForm {
    csrf_token: String,
    fiscal_year: String,
    threshold: String,
    title: String,
    tlp: String,
    recipients: Vec<String>,
    purpose: String,
    onward_sharing: Option<String>,
    expires_on: String,
}

/// The purpose a new publication proposes.
const PUBLISH_PURPOSE: &str = "漏えい等の発生状況の共有（覚書4条(2)ロ(イ)）";

async fn package_page(
    State(st): State<AppState>,
    page: Page,
    Query(form): Query<StatsForm>,
) -> Response {
    package_response(&st, &page, &form, None, None)
        .await
        .unwrap_or_else(|e| page.fail(&e))
}

/// The package page; with `publish`, the publish form as typed and why it was refused.
async fn package_response(
    st: &AppState,
    page: &Page,
    form: &StatsForm,
    publish: Option<&PublishForm>,
    publish_alert: Option<String>,
) -> Result<Response, DomainError> {
    let c = &page.c;
    let result = package_for(st, page, form, PackageRead::Page).await?;
    let stats = statistics::statistics(&*st.store, &page.actor, None).await?;
    let (mut status, pkg, errors) = match result {
        Ok(p) => (StatusCode::OK, Some(p), Vec::new()),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, None, e),
    };
    if publish_alert.is_some() {
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    let q = format!(
        "?fiscal_year={}&threshold={}",
        super::encode_query(form.fiscal_year.trim()),
        pkg.as_ref().map_or(DEFAULT_THRESHOLD, |p| p.threshold)
    );
    let chosen = pkg.as_ref().map(|p| p.fiscal_year);
    let may_publish = pkg.is_some() && page.actor.user.role.can_write();
    let fresh = PublishForm::default();
    let typed = publish.unwrap_or(&fresh);
    let recipients = if may_publish {
        recipient_checks(st, page, &typed.recipients, Some(OrgKind::Police)).await?
    } else {
        Vec::new()
    };
    Ok(render(
        status,
        &PackagePage {
            c,
            years: year_choices(&stats, chosen, c),
            threshold: if form.threshold.trim().is_empty() {
                DEFAULT_THRESHOLD.to_string()
            } else {
                form.threshold.trim().to_owned()
            },
            basis: pkg.as_ref().map_or_else(String::new, |p| {
                if c.lang == Lang::Ja {
                    p.basis_ja.clone()
                } else {
                    p.basis_en.clone()
                }
            }),
            hidden_text: fill(
                c.s("pkg.hidden_count"),
                &[(
                    "n",
                    &pkg.as_ref()
                        .map_or(0, |p| p.tables.iter().map(|t| t.hidden).sum::<usize>())
                        .to_string(),
                )],
            ),
            json_url: format!("/statistics/package.json{q}"),
            csv_url: format!("/statistics/package.csv{q}"),
            tables: pkg
                .as_ref()
                .map(|p| p.tables.iter().map(|t| package_view(t, c)).collect())
                .unwrap_or_default(),
            errors,
            publish: may_publish,
            fiscal_year: pkg
                .as_ref()
                .map_or_else(String::new, |p| p.fiscal_year.to_string()),
            title: match (publish, &pkg) {
                (Some(f), _) => f.title.clone(),
                (None, Some(p)) => statistics::default_package_title(p.fiscal_year),
                (None, None) => String::new(),
            },
            recipients,
            tlps: tlp_checks(if typed.tlp.is_empty() {
                "AMBER"
            } else {
                &typed.tlp
            }),
            purpose: if publish.is_some() {
                typed.purpose.clone()
            } else {
                PUBLISH_PURPOSE.to_owned()
            },
            onward: typed.onward_sharing.is_some(),
            expires_on: typed.expires_on.clone(),
            publish_alert,
        },
    ))
}

/// Publishes the package shown to the police under the scope of the form, then shows the new
/// shared item; a refused scope shows the package page again with the form as typed.
async fn publish_post(
    State(st): State<AppState>,
    page: Page,
    Form(f): Form<PublishForm>,
) -> Response {
    if let Some(r) = page.csrf_refusal(&f.csrf_token) {
        return r;
    }
    let stats_form = StatsForm {
        fiscal_year: f.fiscal_year.clone(),
        threshold: f.threshold.clone(),
    };
    let result = async {
        let fy = stats_form
            .year(&page.c)
            .map_err(|m| DomainError::invalid("fiscal_year", m))?;
        let threshold = stats_form
            .threshold(&page.c)
            .map_err(|m| DomainError::invalid("threshold", m))?;
        let scope = form_scope(
            &f.tlp,
            &f.recipients,
            &f.purpose,
            f.onward_sharing.is_some(),
            &f.expires_on,
        )?;
        statistics::publish_package(
            &*st.store,
            &page.actor,
            fy,
            threshold,
            Some(&f.title),
            scope,
            st.now(),
        )
        .await
    }
    .await;
    match result {
        Ok(item) => redirect(&format!("/sharing/items/{}", item.id)),
        Err(e @ DomainError::Invalid { .. }) => {
            package_response(&st, &page, &stats_form, Some(&f), Some(e.to_string()))
                .await
                .unwrap_or_else(|e| page.fail(&e))
        }
        Err(e) => page.fail(&e),
    }
}

async fn package_json(
    State(st): State<AppState>,
    page: Page,
    Query(form): Query<StatsForm>,
) -> Response {
    match package_for(&st, &page, &form, PackageRead::Json).await {
        Ok(Ok(p)) => match serde_json::to_string_pretty(&p) {
            Ok(body) => download(
                body,
                "application/json",
                &format!("roei-police-package-{}.json", p.fiscal_year),
            ),
            Err(e) => page.fail(&DomainError::Storage(e.to_string())),
        },
        Ok(Err(errors)) => page.fail(&DomainError::invalid(errors[0].0, errors[0].1)),
        Err(e) => page.fail(&e),
    }
}

async fn package_csv(
    State(st): State<AppState>,
    page: Page,
    Query(form): Query<StatsForm>,
) -> Response {
    match package_for(&st, &page, &form, PackageRead::Csv).await {
        Ok(Ok(p)) => download(
            tables_csv(&p.tables, &page.c),
            "text/csv; charset=utf-8",
            &format!("roei-police-package-{}.csv", p.fiscal_year),
        ),
        Ok(Err(errors)) => page.fail(&DomainError::invalid(errors[0].0, errors[0].1)),
        Err(e) => page.fail(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// Settings: the memorandum's term.

#[derive(Template)]
#[template(path = "statistics/settings.html")]
struct SettingsPage<'a> {
    c: &'a Chrome,
    term: Option<MemorandumTerm>,
    term_text: String,
    period: String,
    deadline: String,
    next: String,
    days: String,
    renews: String,
    closed: String,
}

async fn memorandum_page(page: Page) -> Response {
    let c = &page.c;
    // The settings page is the regulator's.
    if let Err(e) = statistics::check_access(&page.actor) {
        return page.fail(&e);
    }
    let term = match memorandum::term_for(&page.actor, c.today) {
        Ok(t) => t,
        Err(e) => return page.fail(&e),
    };
    let (mut term_text, mut period, mut deadline, mut next, mut days, mut renews, mut closed) =
        Default::default();
    if let Some(t) = &term {
        let fy = fy_label(FiscalYear(t.fiscal_year), c.lang);
        term_text = fill(
            c.s("set.memo.term_n"),
            &[("n", &t.term.to_string()), ("fy", &fy)],
        );
        period = format!("{} – {}", c.date(t.starts_on), c.date(t.expires_on));
        deadline = c.date(t.objection_deadline);
        next = c.date(t.next_objection_deadline);
        days = if t.days_to_next_objection_deadline == 0 {
            c.s("set.memo.today").to_owned()
        } else {
            fill(
                c.s("set.memo.days"),
                &[("n", &t.days_to_next_objection_deadline.to_string())],
            )
        };
        renews = c.date(t.renews_on);
        if !t.objection_open {
            closed = fill(c.s("set.memo.closed"), &[("renews", &renews)]);
        }
    }
    render(
        StatusCode::OK,
        &SettingsPage {
            c,
            term,
            term_text,
            period,
            deadline,
            next,
            days,
            renews,
            closed,
        },
    )
}
