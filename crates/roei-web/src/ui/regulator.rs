//! The regulator's pages: the inbox of submitted reports with its filters, and the report view
//! (the latest version in full, every version with its changes, the Commission's actions and the
//! message thread with the reporter), with the forms to acknowledge a version, introduce police
//! reporting and send a message.
//!
//! Only a regulator's users reach these pages; anyone else (and a case the regulator received
//! nothing for) gets the same 404 as an absent page.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::{Form, Query};
use roei_domain::casework::{self, RegulatorActionRequest};
use roei_domain::model::{CaseId, OrgKind};
use roei_domain::records::{PREFECTURES, RegulatorAction, RegulatorActionKind};
use roei_domain::report::{CURRENT_FORM_VERSION, FormOptions, ReportStage, SubmissionId};
use roei_domain::reporting::{self, InboxEntry, InboxFilter, SubmissionView};
use roei_domain::{DomainError, records};
use serde::Deserialize;

use super::cases::{case_id, items_label};
use super::forms::FieldErrors;
use super::report::{changes_view, fill, matters_view, option_label, stage_label, thousands};
use super::{Chrome, Lang, Page, redirect, render};
use crate::AppState;

pub(crate) const TEXT: &[(&str, &str, &str)] = &[
    ("inbox.title", "受信箱", "Inbox"),
    (
        "inbox.intro",
        "事業者から提出された漏えい等報告です。新しいものから順に表示しています。",
        "Leak reports submitted by operators, newest first.",
    ),
    ("inbox.filter.title", "絞り込み", "Filter"),
    ("inbox.filter.any", "すべて", "All"),
    ("inbox.filter.stage", "最新の報告", "Latest stage"),
    (
        "inbox.filter.item",
        "該当号（規則7条・43条）",
        "Item (Rule 7 / Rule 43)",
    ),
    ("inbox.filter.sector", "業種", "Sector"),
    (
        "inbox.filter.sector_hint",
        "報告書の「業種」と一致するものを表示します",
        "Shows reports whose sector is exactly this",
    ),
    ("inbox.filter.cause", "原因", "Cause"),
    ("inbox.filter.persons", "本人の数", "Number of persons"),
    (
        "inbox.filter.overdue",
        "確報の期限を過ぎたものだけを表示",
        "Only final reports overdue",
    ),
    (
        "inbox.filter.overdue_hint",
        "速報を受け、確報の期限を過ぎても確報が届いていない事案",
        "A quick report was received and the final report is past due",
    ),
    ("inbox.filter.apply", "絞り込む", "Apply"),
    ("inbox.filter.clear", "条件をクリア", "Clear"),
    ("inbox.filter.loading", "読み込み中…", "Loading…"),
    ("inbox.persons.b1", "1～100人", "1–100"),
    ("inbox.persons.b2", "101～1,000人", "101–1,000"),
    ("inbox.persons.b3", "1,001～10,000人", "1,001–10,000"),
    ("inbox.persons.b4", "10,001人以上", "over 10,000"),
    (
        "inbox.item.1",
        "1号 要配慮個人情報",
        "item 1: sensitive information",
    ),
    (
        "inbox.item.2",
        "2号 財産的被害のおそれ",
        "item 2: risk of financial damage",
    ),
    (
        "inbox.item.3",
        "3号 不正の目的のおそれ",
        "item 3: possibly malicious act",
    ),
    (
        "inbox.item.4",
        "4号 本人の数（千人超・行政機関等は百人超）",
        "item 4: number of persons (over 1,000; public bodies over 100)",
    ),
    (
        "inbox.item.5",
        "5号 条例要配慮個人情報（43条）",
        "item 5: ordinance-defined sensitive information (Rule 43)",
    ),
    ("inbox.table.caption", "受信した報告", "Reports received"),
    ("inbox.col.org", "事業者", "Operator"),
    ("inbox.col.title", "事案名", "Case"),
    ("inbox.col.stage", "最新の報告", "Latest stage"),
    ("inbox.col.items", "該当号", "Items"),
    ("inbox.col.persons", "本人の数", "Persons"),
    ("inbox.col.cause", "原因", "Cause"),
    ("inbox.col.submitted", "提出日時", "Submitted at"),
    ("inbox.col.final_due", "確報期限", "Final report due"),
    ("inbox.col.overdue", "期限", "Deadline"),
    ("inbox.col.ack", "受理", "Acknowledged"),
    ("inbox.acked", "受理済み", "Acknowledged"),
    ("inbox.not_acked", "未受理", "Not acknowledged"),
    ("inbox.on_time", "—", "—"),
    (
        "inbox.overdue_days",
        "確報期限超過 {n}日",
        "Final report overdue by {n} days",
    ),
    ("inbox.count", "{n}件", "{n} reports"),
    (
        "inbox.page.showing",
        "（{from}～{to}件目を表示）",
        "(showing {from}–{to})",
    ),
    ("inbox.page.nav", "ページ", "Pages"),
    ("inbox.page.prev", "← 前のページ", "← Previous page"),
    ("inbox.page.next", "次のページ →", "Next page →"),
    (
        "inbox.empty",
        "条件に合う報告はありません。",
        "No report matches.",
    ),
    (
        "inbox.error.stage",
        "速報・確報・追完から選んでください",
        "Choose quick report, final report or supplement",
    ),
    (
        "inbox.error.item",
        "1号から5号までの中から選んでください",
        "Choose an item from 1 to 5",
    ),
    (
        "inbox.error.cause",
        "原因の選択肢から選んでください",
        "Choose one of the causes",
    ),
    (
        "inbox.error.sector",
        "300文字以内で入力してください",
        "Enter at most 300 characters",
    ),
    (
        "inbox.error.persons",
        "人数の区分から選んでください（下限・上限は0以上の整数）",
        "Choose a bracket (a minimum or maximum must be a whole number, 0 or more)",
    ),
    (
        "inbox.error.persons_range",
        "下限が上限を超えています",
        "The minimum is above the maximum",
    ),
    (
        "inbox.error.overdue",
        "チェックボックスの値が正しくありません",
        "The checkbox value is not valid",
    ),
    ("inbox.back", "受信箱へ戻る", "Back to the inbox"),
    (
        "inbox.report.operator",
        "報告した事業者",
        "Reporting operator",
    ),
    ("inbox.report.latest", "最新の版", "Latest version"),
    ("inbox.report.version", "第{n}版", "Version {n}"),
    ("inbox.report.content", "報告内容", "Report content"),
    ("inbox.report.form_version", "様式の版", "Form version"),
    (
        "inbox.report.versions",
        "提出された版と変更点",
        "Versions and changes",
    ),
    ("inbox.report.col.version", "版", "Version"),
    ("inbox.report.col.stage", "種別", "Stage"),
    ("inbox.report.col.submitted", "提出日時", "Submitted at"),
    ("inbox.report.col.ack", "受理", "Acknowledged"),
    (
        "inbox.report.changes_from",
        "第{p}版から第{n}版への変更",
        "Changes from version {p} to version {n}",
    ),
    (
        "inbox.report.no_changes",
        "前の版からの変更はありません。",
        "Nothing changed from the previous version.",
    ),
    ("inbox.diff.matter", "事項", "Matter"),
    ("inbox.diff.field", "項目", "Field"),
    ("inbox.diff.before", "変更前", "Before"),
    ("inbox.diff.after", "変更後", "After"),
    (
        "inbox.actions.title",
        "委員会の対応",
        "The Commission's actions",
    ),
    (
        "inbox.actions.none",
        "まだ対応の記録はありません。",
        "No action recorded yet.",
    ),
    ("inbox.actions.col.at", "日時", "At"),
    ("inbox.actions.col.kind", "対応", "Action"),
    ("inbox.actions.col.detail", "内容", "Details"),
    ("inbox.action.acknowledge", "受理", "Acknowledged"),
    (
        "inbox.action.police_introduction",
        "警察への通報の紹介",
        "Police reporting introduced",
    ),
    ("inbox.ack.title", "受理", "Acknowledge"),
    ("inbox.ack.button", "受理する", "Acknowledge"),
    (
        "inbox.ack.target",
        "第{n}版（{stage}）を受理します。",
        "Acknowledges version {n} ({stage}).",
    ),
    (
        "inbox.ack.all_done",
        "提出されたすべての版を受理済みです。",
        "Every version submitted has been acknowledged.",
    ),
    (
        "inbox.ack.conflict",
        "この版はすでに受理されています。二重に受理することはできません。",
        "This version has already been acknowledged; it cannot be acknowledged twice.",
    ),
    (
        "inbox.police.title",
        "警察への通報の紹介",
        "Introduce police reporting",
    ),
    (
        "inbox.police.help",
        "不正アクセス事案について、事業者に都道府県警察への通報を紹介します（覚書4条(1)イ）。事業者には紹介先の都道府県警察が表示されます。",
        "For an unauthorized-access case, introduces the operator to reporting to the prefectural police (memorandum Art. 4(1)(i)). The operator is shown the prefecture's police.",
    ),
    (
        "inbox.police.prefecture",
        "紹介先の都道府県警察",
        "Prefectural police",
    ),
    ("inbox.police.choose", "選択してください", "Choose"),
    (
        "inbox.police.note",
        "事業者への連絡事項",
        "Note to the operator",
    ),
    (
        "inbox.police.button",
        "警察への通報を紹介",
        "Introduce police reporting",
    ),
    (
        "inbox.police.not_applicable",
        "この事案の原因は不正アクセスではないため、警察への通報の紹介は行えません。",
        "The cause of this case is not unauthorized access: police reporting cannot be introduced.",
    ),
    (
        "inbox.police.error.prefecture",
        "都道府県を選んでください",
        "Choose a prefecture",
    ),
    (
        "inbox.messages.title",
        "事業者とのやり取り",
        "Messages with the operator",
    ),
    (
        "inbox.messages.none",
        "まだメッセージはありません。",
        "No messages yet.",
    ),
    ("inbox.messages.body", "メッセージ", "Message"),
    (
        "inbox.messages.hint",
        "追加の情報提供の依頼などを事業者に送ります",
        "For example, a request for more information",
    ),
    ("inbox.messages.send", "送信する", "Send"),
    (
        "inbox.messages.error.empty",
        "メッセージを入力してください",
        "Enter a message",
    ),
    (
        "inbox.viewer_note",
        "閲覧者のため、受理・警察への通報の紹介・メッセージの送信はできません。",
        "As a viewer you cannot acknowledge, introduce police reporting or send messages.",
    ),
    ("inbox.yes", "有", "Yes"),
    ("inbox.no", "無", "No"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox_page))
        .route("/inbox/{id}", get(report_page))
        .route("/inbox/{id}/acknowledge", post(acknowledge))
        .route("/inbox/{id}/police-introduction", post(police_introduction))
        .route("/inbox/{id}/messages", post(post_message))
}

/// Every regulator page starts here: anyone else sees the 404 page.
fn require_regulator(page: &Page) -> Result<(), DomainError> {
    if page.actor.org.kind == OrgKind::Regulator {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

fn current_options() -> Option<&'static FormOptions> {
    FormOptions::get(CURRENT_FORM_VERSION)
}

// ---------------------------------------------------------------------------------------------
// The inbox.

/// The persons brackets of the filter: (value, text key, min, max).
const PERSONS_BRACKETS: &[(&str, &str, u64, Option<u64>)] = &[
    ("1-100", "inbox.persons.b1", 1, Some(100)),
    ("101-1000", "inbox.persons.b2", 101, Some(1000)),
    ("1001-10000", "inbox.persons.b3", 1001, Some(10_000)),
    ("10001-", "inbox.persons.b4", 10_001, None),
];

/// The filter as typed (a GET form: every value kept as it came).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InboxForm {
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub item: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub cause: String,
    /// A bracket of [`PERSONS_BRACKETS`].
    #[serde(default)]
    pub persons: String,
    /// Bounds for a link; override the bracket's.
    #[serde(default)]
    pub persons_min: String,
    #[serde(default)]
    pub persons_max: String,
    #[serde(default)]
    pub final_overdue: String,
    /// The page of the results (1-based; anything else is page 1).
    #[serde(default)]
    pub page: String,
}

/// Rows per page of the inbox.
pub const INBOX_PAGE_SIZE: usize = 50;

impl InboxForm {
    /// The filters as a query string (without the page), for the page links.
    fn query_without_page(&self) -> String {
        [
            ("stage", &self.stage),
            ("item", &self.item),
            ("sector", &self.sector),
            ("cause", &self.cause),
            ("persons", &self.persons),
            ("persons_min", &self.persons_min),
            ("persons_max", &self.persons_max),
            ("final_overdue", &self.final_overdue),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::encode_query(v)))
        .collect::<Vec<_>>()
        .join("&")
    }

    fn overdue_checked(&self) -> bool {
        matches!(self.final_overdue.as_str(), "1" | "true" | "on")
    }

    /// The domain's filter, or the errors beside each bad control.
    fn parse(&self, c: &Chrome) -> (InboxFilter, FieldErrors) {
        let mut f = InboxFilter::default();
        let mut errors = FieldErrors::default();
        let stage = self.stage.trim();
        if !stage.is_empty() {
            match stage.parse::<ReportStage>() {
                Ok(s) => f.stage = Some(s),
                Err(_) => errors.add("stage", c.s("inbox.error.stage")),
            }
        }
        let item = self.item.trim();
        if !item.is_empty() {
            match item.parse::<u8>() {
                Ok(i) if (1..=5).contains(&i) => f.item = Some(i),
                _ => errors.add("item", c.s("inbox.error.item")),
            }
        }
        let cause = self.cause.trim();
        if !cause.is_empty() {
            if current_options().is_some_and(|o| FormOptions::label(&o.cause, cause).is_some()) {
                f.cause = Some(cause.to_owned());
            } else {
                errors.add("cause", c.s("inbox.error.cause"));
            }
        }
        let sector = self.sector.trim();
        if !sector.is_empty() {
            if sector.chars().count() > 300 {
                errors.add("sector", c.s("inbox.error.sector"));
            } else {
                f.sector = Some(sector.to_owned());
            }
        }
        self.parse_persons(&mut f, &mut errors, c);
        match self.final_overdue.as_str() {
            "" | "0" | "false" => {}
            _ if self.overdue_checked() => f.final_overdue = true,
            _ => errors.add("final_overdue", c.s("inbox.error.overdue")),
        }
        (f, errors)
    }

    fn parse_persons(&self, f: &mut InboxFilter, errors: &mut FieldErrors, c: &Chrome) {
        let bracket = self.persons.trim();
        if !bracket.is_empty() {
            if let Some((_, _, min, max)) = PERSONS_BRACKETS.iter().find(|b| b.0 == bracket) {
                f.persons_min = Some(*min);
                f.persons_max = *max;
            } else {
                errors.add("persons", c.s("inbox.error.persons"));
                return;
            }
        }
        for (raw, slot) in [
            (self.persons_min.trim(), &mut f.persons_min),
            (self.persons_max.trim(), &mut f.persons_max),
        ] {
            if raw.is_empty() {
                continue;
            }
            let Ok(n) = raw.parse::<u64>() else {
                errors.add("persons", c.s("inbox.error.persons"));
                return;
            };
            *slot = Some(n);
        }
        if let (Some(lo), Some(hi)) = (f.persons_min, f.persons_max)
            && lo > hi
        {
            errors.add("persons", c.s("inbox.error.persons_range"));
        }
    }
}

/// An option of a filter's select.
#[derive(Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices<'a>(
    current: &str,
    options: impl IntoIterator<Item = (String, String)> + 'a,
) -> Vec<Choice> {
    options
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == current.trim(),
            value,
            label,
        })
        .collect()
}

/// One row of the inbox table.
#[derive(Debug)]
pub struct InboxRowView {
    pub id: String,
    pub org_name: String,
    pub title: String,
    pub stage: &'static str,
    pub stage_code: &'static str,
    pub items: String,
    pub persons: String,
    pub cause: String,
    pub submitted_at: String,
    pub final_due: String,
    pub overdue: Option<String>,
    pub acknowledged_at: Option<String>,
}

fn cause_label(code: Option<&str>, lang: Lang) -> String {
    match code {
        None => "—".to_owned(),
        Some(code) => current_options()
            .and_then(|o| FormOptions::label(&o.cause, code))
            .map_or_else(|| code.to_owned(), |o| option_label(o, lang).to_owned()),
    }
}

fn inbox_row(e: &InboxEntry, c: &Chrome) -> InboxRowView {
    let r = &e.row;
    let l = &r.latest;
    InboxRowView {
        id: r.case_id.to_string(),
        org_name: r.org_name.clone(),
        title: r.title.clone(),
        stage: stage_label(l.stage, c.lang),
        stage_code: l.stage.as_str(),
        items: items_label(&l.items, c.lang),
        persons: l.persons.map_or_else(|| "—".to_owned(), thousands),
        cause: cause_label(l.cause.as_deref(), c.lang),
        submitted_at: c.moment(l.submitted_at),
        final_due: c.opt_date(l.final_report_due),
        overdue: e
            .days_overdue
            .map(|d| fill(c.s("inbox.overdue_days"), &[("n", &d.to_string())])),
        acknowledged_at: l.acknowledged_at.map(|t| c.moment(t)),
    }
}

#[derive(Template)]
#[template(path = "regulator/inbox.html")]
struct InboxPage<'a> {
    c: &'a Chrome,
    form: &'a InboxForm,
    errors: FieldErrors,
    stages: Vec<Choice>,
    items: Vec<Choice>,
    causes: Vec<Choice>,
    brackets: Vec<Choice>,
    sectors: Vec<String>,
    /// (field, "label: message") for the error summary.
    summary: Vec<(String, String)>,
    rows: Vec<InboxRowView>,
    count: String,
    /// "51–100件目" when there is more than one page.
    showing: Option<String>,
    prev_page: Option<String>,
    next_page: Option<String>,
}

async fn inbox_page(
    State(st): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Query(form): Query<InboxForm>,
) -> Response {
    if let Err(e) = require_regulator(&page) {
        return page.fail(&e);
    }
    let c = &page.c;
    let (filter, errors) = form.parse(c);
    let store = &*st.store;
    // Every row (for the sector suggestions), then the filtered ones.
    let all = match reporting::inbox(store, &page.actor, &InboxFilter::default(), c.today).await {
        Ok(all) => all,
        Err(e) => return page.fail(&e),
    };
    let filtered_rows;
    let filtered: &[reporting::InboxEntry] = if !errors.is_empty() {
        &[]
    } else if filter == InboxFilter::default() {
        &all
    } else {
        match reporting::inbox(store, &page.actor, &filter, c.today).await {
            Ok(rows) => {
                filtered_rows = rows;
                &filtered_rows
            }
            Err(e) => return page.fail(&e),
        }
    };
    // One page of rows: only those are turned into views.
    let total = filtered.len();
    let pages = total.div_ceil(INBOX_PAGE_SIZE).max(1);
    let page_no = form
        .page
        .parse::<usize>()
        .ok()
        .filter(|p| *p >= 1)
        .unwrap_or(1)
        .min(pages);
    let rows: Vec<InboxRowView> = filtered
        .iter()
        .skip((page_no - 1) * INBOX_PAGE_SIZE)
        .take(INBOX_PAGE_SIZE)
        .map(|e| inbox_row(e, c))
        .collect();
    let qs = form.query_without_page();
    let page_link = |n: usize| {
        if qs.is_empty() {
            format!("/inbox?page={n}")
        } else {
            format!("/inbox?{qs}&page={n}")
        }
    };
    let prev_page = (page_no > 1).then(|| page_link(page_no - 1));
    let next_page = (page_no < pages).then(|| page_link(page_no + 1));
    let showing = (total > INBOX_PAGE_SIZE).then(|| {
        fill(
            c.s("inbox.page.showing"),
            &[
                ("from", &((page_no - 1) * INBOX_PAGE_SIZE + 1).to_string()),
                (
                    "to",
                    &((page_no - 1) * INBOX_PAGE_SIZE + rows.len()).to_string(),
                ),
            ],
        )
    });
    let mut sectors: Vec<String> = all
        .iter()
        .filter_map(|e| e.row.latest.sector.clone())
        .collect();
    sectors.sort();
    sectors.dedup();
    let lang = c.lang;
    let stages = choices(
        &form.stage,
        [
            ReportStage::QuickReport,
            ReportStage::FinalReport,
            ReportStage::Supplement,
        ]
        .map(|s| (s.as_str().to_owned(), stage_label(s, lang).to_owned())),
    );
    let items = choices(
        &form.item,
        (1..=5u8).map(|i| (i.to_string(), c.s(&format!("inbox.item.{i}")).to_owned())),
    );
    let causes = choices(
        &form.cause,
        current_options()
            .map(|o| o.cause.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|o| (o.code.clone(), option_label(o, lang).to_owned())),
    );
    let brackets = choices(
        &form.persons,
        PERSONS_BRACKETS
            .iter()
            .map(|(v, key, _, _)| ((*v).to_owned(), c.s(key).to_owned())),
    );
    let count = fill(c.s("inbox.count"), &[("n", &total.to_string())]);
    let summary = errors
        .0
        .iter()
        .map(|(field, message)| {
            let label = if field == "final_overdue" {
                c.s("inbox.filter.overdue")
            } else {
                c.s(&format!("inbox.filter.{field}"))
            };
            (field.clone(), format!("{label}: {message}"))
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = render(
        status,
        &InboxPage {
            c,
            form: &form,
            errors,
            stages,
            items,
            causes,
            brackets,
            sectors,
            summary,
            rows,
            count,
            showing,
            prev_page,
            next_page,
        },
    );
    // htmx does not swap an error response: a bad filter sent by htmx loads the whole page,
    // which shows the errors beside the controls.
    if status != StatusCode::OK
        && headers.contains_key("hx-request")
        && let Ok(v) = HeaderValue::from_str(&inbox_url(&form))
    {
        res.headers_mut().insert("hx-redirect", v);
    }
    res
}

/// The inbox URL with this filter.
fn inbox_url(f: &InboxForm) -> String {
    let pairs = [
        ("stage", &f.stage),
        ("item", &f.item),
        ("sector", &f.sector),
        ("cause", &f.cause),
        ("persons", &f.persons),
        ("persons_min", &f.persons_min),
        ("persons_max", &f.persons_max),
        ("final_overdue", &f.final_overdue),
    ];
    let q: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::encode_query(v)))
        .collect();
    if q.is_empty() {
        "/inbox".to_owned()
    } else {
        format!("/inbox?{}", q.join("&"))
    }
}

// ---------------------------------------------------------------------------------------------
// The report view.

/// A submitted version with its changes from the one before.
#[derive(Debug)]
pub struct VersionView {
    pub seq: i64,
    pub name: String,
    pub stage: &'static str,
    pub submitted_at: String,
    pub acknowledged_at: Option<String>,
    /// The caption of the changes table (none for the first version).
    pub changes_caption: Option<String>,
    pub changes: Vec<super::report::ChangeView>,
}

/// A regulator action, in the list.
#[derive(Debug)]
pub struct ActionView {
    pub kind: &'static str,
    pub label: &'static str,
    pub at: String,
    pub detail: String,
}

/// A message of the thread.
#[derive(Debug)]
pub struct MessageView {
    pub author: String,
    pub mine: bool,
    pub at: String,
    pub body: String,
}

/// The police introduction form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PoliceForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub prefecture_code: String,
    #[serde(default)]
    pub note: String,
}

/// The message form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub body: String,
}

/// The acknowledge form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AckForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub submission_id: String,
}

/// What a failed post shows again on the report view.
#[derive(Debug, Default)]
struct Redo {
    police: PoliceForm,
    message: MessageForm,
    errors: FieldErrors,
    /// A message above the actions (a refused acknowledgement or introduction).
    alert: Option<String>,
}

/// The version to acknowledge: the latest not yet acknowledged.
#[derive(Debug)]
pub struct AckTarget {
    pub id: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "regulator/report.html")]
struct ReportPage<'a> {
    c: &'a Chrome,
    id: String,
    title: String,
    org_name: String,
    can_write: bool,
    latest_seq: i64,
    latest_name: String,
    latest_stage: &'static str,
    latest_submitted_at: String,
    form_version: String,
    matters: Vec<super::report::MatterView>,
    versions: Vec<VersionView>,
    actions: Vec<ActionView>,
    messages: Vec<MessageView>,
    ack_target: Option<AckTarget>,
    police_allowed: bool,
    prefectures: Vec<Choice>,
    police: PoliceForm,
    message: MessageForm,
    errors: FieldErrors,
    alert: Option<String>,
}

async fn report_page(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    match report_response(&st, &page, &id, StatusCode::OK, Redo::default()).await {
        Ok(res) => res,
        Err(e) => page.fail(&e),
    }
}

fn version_name(seq: i64, c: &Chrome) -> String {
    fill(c.s("inbox.report.version"), &[("n", &seq.to_string())])
}

fn versions_view(subs: &[SubmissionView], c: &Chrome) -> Vec<VersionView> {
    subs.iter()
        .enumerate()
        .map(|(i, s)| {
            let sub = &s.submission;
            VersionView {
                seq: sub.seq,
                name: version_name(sub.seq, c),
                stage: stage_label(sub.stage, c.lang),
                submitted_at: c.moment(sub.submitted_at),
                acknowledged_at: sub.acknowledged_at.map(|t| c.moment(t)),
                changes_caption: i.checked_sub(1).map(|p| {
                    fill(
                        c.s("inbox.report.changes_from"),
                        &[
                            ("p", &subs[p].submission.seq.to_string()),
                            ("n", &sub.seq.to_string()),
                        ],
                    )
                }),
                changes: changes_view(&s.changes, &sub.content.form_version, c),
            }
        })
        .collect()
}

fn action_view(a: &RegulatorAction, subs: &[SubmissionView], c: &Chrome) -> ActionView {
    let mut detail = Vec::new();
    if let Some(sid) = a.submission_id
        && let Some(s) = subs.iter().find(|s| s.submission.id == sid)
    {
        let (name, stage) = (
            version_name(s.submission.seq, c),
            stage_label(s.submission.stage, c.lang),
        );
        detail.push(match c.lang {
            Lang::Ja => format!("{name}（{stage}）"),
            Lang::En => format!("{name}: {stage}"),
        });
    }
    if let Some(code) = &a.prefecture_code {
        detail.push(records::prefecture(code).map_or_else(|_| code.clone(), str::to_owned));
    }
    if let Some(note) = &a.note {
        detail.push(note.clone());
    }
    ActionView {
        kind: a.kind.as_str(),
        label: c.s(&format!("inbox.action.{}", a.kind.as_str())),
        at: c.moment(a.at),
        detail: detail.join(" ／ "),
    }
}

async fn report_response(
    st: &AppState,
    page: &Page,
    id: &str,
    status: StatusCode,
    redo: Redo,
) -> Result<Response, DomainError> {
    require_regulator(page)?;
    let store = &*st.store;
    let c = &page.c;
    let id = case_id(id)?;
    let subs = reporting::submissions(store, &page.actor, id).await?;
    let Some(latest) = subs.last().map(|s| &s.submission) else {
        return Err(DomainError::NotFound);
    };
    let row = reporting::inbox(store, &page.actor, &InboxFilter::default(), c.today)
        .await?
        .into_iter()
        .find(|e| e.row.case_id == id);
    let (title, org_name) = row.map_or_else(
        || {
            let name = latest
                .content
                .header
                .reporter_name
                .clone()
                .unwrap_or_default();
            (name.clone(), name)
        },
        |e| (e.row.title, e.row.org_name),
    );
    let actions = casework::regulator_actions(store, &page.actor, id).await?;
    let messages = casework::thread(store, &page.actor, id).await?;
    let ack_target = subs
        .iter()
        .rev()
        .map(|s| &s.submission)
        .find(|s| s.acknowledged_at.is_none())
        .map(|s| AckTarget {
            id: s.id.to_string(),
            text: fill(
                c.s("inbox.ack.target"),
                &[
                    ("n", &s.seq.to_string()),
                    ("stage", stage_label(s.stage, c.lang)),
                ],
            ),
        });
    let police_allowed = subs
        .iter()
        .any(|s| s.submission.cause.as_deref() == Some("unauthorized_access"));
    let prefectures = choices(
        &redo.police.prefecture_code,
        PREFECTURES
            .iter()
            .enumerate()
            .map(|(i, name)| (format!("{:02}", i + 1), (*name).to_owned())),
    );
    let messages = messages
        .into_iter()
        .map(|t| MessageView {
            author: format!("{}（{}）", t.author_name, t.author_org_name),
            mine: t.message.author_org == page.actor.org.id,
            at: c.moment(t.message.sent_at),
            body: t.message.body,
        })
        .collect();
    let page_view = ReportPage {
        c,
        id: id.to_string(),
        title,
        can_write: page.actor.user.role.can_write(),
        latest_seq: latest.seq,
        latest_name: version_name(latest.seq, c),
        latest_stage: stage_label(latest.stage, c.lang),
        latest_submitted_at: c.moment(latest.submitted_at),
        form_version: latest.content.form_version.clone(),
        matters: matters_view(&latest.content, c.s("report.blank"), "", c),
        versions: versions_view(&subs, c),
        actions: actions.iter().map(|a| action_view(a, &subs, c)).collect(),
        messages,
        ack_target,
        police_allowed,
        prefectures,
        police: redo.police,
        message: redo.message,
        errors: redo.errors,
        alert: redo.alert,
        org_name,
    };
    Ok(render(status, &page_view))
}

/// The report view again after a refused post (or the error page when even that fails).
async fn redo_page(
    st: &AppState,
    page: &Page,
    id: &str,
    status: StatusCode,
    redo: Redo,
) -> Response {
    match report_response(st, page, id, status, redo).await {
        Ok(res) => res,
        Err(e) => page.fail(&e),
    }
}

async fn acknowledge(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(form): Form<AckForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    let result = async {
        require_regulator(&page)?;
        let case = case_id(&id)?;
        let submission = match form.submission_id.trim() {
            "" => latest_unacknowledged(&st, &page, case).await?,
            raw => raw.parse::<SubmissionId>().map_err(|_| {
                DomainError::invalid("submission_id", "is not a submission of this case")
            })?,
        };
        let req = RegulatorActionRequest {
            kind: RegulatorActionKind::Acknowledge,
            submission_id: Some(submission),
            prefecture_code: None,
            note: None,
        };
        casework::regulator_action(&*st.store, &page.actor, case, req, st.now()).await
    }
    .await;
    match result {
        Ok(a) => {
            metrics::counter!("roei_acknowledgements_total").increment(1);
            redirect(&format!("/inbox/{}", a.case_id))
        }
        Err(DomainError::Conflict(_)) => {
            let redo = Redo {
                alert: Some(page.c.s("inbox.ack.conflict").to_owned()),
                ..Redo::default()
            };
            redo_page(&st, &page, &id, StatusCode::CONFLICT, redo).await
        }
        Err(e @ DomainError::Invalid { .. }) => {
            let redo = Redo {
                alert: Some(e.to_string()),
                ..Redo::default()
            };
            redo_page(&st, &page, &id, StatusCode::UNPROCESSABLE_ENTITY, redo).await
        }
        Err(e) => page.fail(&e),
    }
}

/// The latest version not yet acknowledged; `Conflict` when every version is.
async fn latest_unacknowledged(
    st: &AppState,
    page: &Page,
    case: CaseId,
) -> Result<SubmissionId, DomainError> {
    reporting::submissions(&*st.store, &page.actor, case)
        .await?
        .iter()
        .rev()
        .find(|s| s.submission.acknowledged_at.is_none())
        .map(|s| s.submission.id)
        .ok_or_else(|| DomainError::Conflict("every version is acknowledged".into()))
}

async fn police_introduction(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(form): Form<PoliceForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    if let Err(e) = require_regulator(&page) {
        return page.fail(&e);
    }
    let case = match case_id(&id) {
        Ok(c) => c,
        Err(e) => return page.fail(&e),
    };
    let code = form.prefecture_code.trim().to_owned();
    if code.is_empty() {
        let mut errors = FieldErrors::default();
        errors.add("prefecture_code", page.c.s("inbox.police.error.prefecture"));
        let redo = Redo {
            police: form,
            errors,
            ..Redo::default()
        };
        return redo_page(&st, &page, &id, StatusCode::UNPROCESSABLE_ENTITY, redo).await;
    }
    let req = RegulatorActionRequest {
        kind: RegulatorActionKind::PoliceIntroduction,
        submission_id: None,
        prefecture_code: Some(code),
        note: Some(form.note.clone()),
    };
    match casework::regulator_action(&*st.store, &page.actor, case, req, st.now()).await {
        Ok(a) => redirect(&format!("/inbox/{}", a.case_id)),
        Err(e) => match &e {
            DomainError::Invalid { field, problem } => {
                let mut redo = Redo {
                    police: form,
                    ..Redo::default()
                };
                if field == "prefecture_code" || field == "note" {
                    redo.errors.add(field.clone(), problem.clone());
                } else {
                    redo.alert = Some(format!(
                        "{} ({problem})",
                        page.c.s("inbox.police.not_applicable")
                    ));
                }
                redo_page(&st, &page, &id, StatusCode::UNPROCESSABLE_ENTITY, redo).await
            }
            DomainError::Conflict(m) => {
                let redo = Redo {
                    police: form,
                    alert: Some(m.clone()),
                    ..Redo::default()
                };
                redo_page(&st, &page, &id, StatusCode::CONFLICT, redo).await
            }
            _ => page.fail(&e),
        },
    }
}

async fn post_message(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(form): Form<MessageForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    if let Err(e) = require_regulator(&page) {
        return page.fail(&e);
    }
    let case = match case_id(&id) {
        Ok(c) => c,
        Err(e) => return page.fail(&e),
    };
    if form.body.trim().is_empty() {
        let mut errors = FieldErrors::default();
        errors.add("body", page.c.s("inbox.messages.error.empty"));
        let redo = Redo {
            message: form,
            errors,
            ..Redo::default()
        };
        return redo_page(&st, &page, &id, StatusCode::UNPROCESSABLE_ENTITY, redo).await;
    }
    match casework::post_message(&*st.store, &page.actor, case, &form.body, st.now()).await {
        Ok(m) => redirect(&format!("/inbox/{}", m.case_id)),
        Err(e) => match FieldErrors::from_domain(&e, str::to_owned) {
            Some(errors) => {
                let redo = Redo {
                    message: form,
                    errors,
                    ..Redo::default()
                };
                redo_page(&st, &page, &id, StatusCode::UNPROCESSABLE_ENTITY, redo).await
            }
            None => page.fail(&e),
        },
    }
}
