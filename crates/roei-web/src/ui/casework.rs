//! The operator's work around a case: the notice to the entruster (規則9条) and the notices an
//! entruster received, the record of the report to the prefectural police, the thread with the
//! regulator, and the incident register of every case (page and CSV for Excel).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::Form;
use roei_domain::casework::ReceivedNotice;
use roei_domain::casework::{EntrusterNoticeRequest, PoliceReportRequest};
use roei_domain::model::{CaseStatus, DeterminationRecord, IncidentCase, OrgId};
use roei_domain::records::{PREFECTURES, RegulatorActionKind, prefecture};
use roei_domain::report::ReportContent;
use roei_domain::{DomainError, casework, reporting, service};
use serde::Deserialize;

use super::cases::{DetView, case_id, items_label, stage_en};
use super::forms::FieldErrors;
use super::{Chrome, Lang, Page, redirect, render};
use crate::AppState;

pub(crate) const TEXT: &[(&str, &str, &str)] = &[
    ("cw.back_to_case", "事案に戻る", "Back to the case"),
    ("cw.case", "事案", "Case"),
    (
        "cw.viewer",
        "閲覧者は記録を見ることだけができます。",
        "Viewers can only read the records.",
    ),
    // The entruster notice.
    ("cw.en.title", "委託元への通知", "Notice to the entruster"),
    (
        "cw.en.intro",
        "委託先（受託者）として個人データを取り扱っていた場合、知っている事項を速やかに委託元へ通知すれば、自らの報告義務は免除されます（法26条1項ただし書、規則9条）。その後は委託元が報告します。",
        "An entrustee that promptly notifies its entruster of what it knows is relieved of its own duty to report (Art. 26(1) proviso, Rule 9); the entruster then reports.",
    ),
    (
        "cw.en.not_entrustee",
        "この事案は委託先としての取扱いになっていません。委託を受けて取り扱っていた個人データの事案であれば、事実関係の「委託先として取り扱っていた」を「はい」にしてください。",
        "This case is not handled as an entrustee. If the data was handled on behalf of an entruster, answer \"handled as an entrustee\" with Yes in the facts.",
    ),
    ("cw.en.verdict", "現在の判定", "Current determination"),
    (
        "cw.en.exempt",
        "委託元へ通知済みのため、自らの報告義務は免除されています（規則9条）。",
        "The entruster has been notified: the duty to report is discharged (Rule 9).",
    ),
    ("cw.en.form", "通知を送る", "Send the notice"),
    ("cw.en.to", "通知先の委託元", "Entruster to notify"),
    (
        "cw.en.to_hint",
        "roei を利用している委託元を選ぶと、委託元の画面に通知が届きます。",
        "An entruster using roei sees the notice on its own pages.",
    ),
    ("cw.en.choose", "選択してください", "Choose"),
    (
        "cw.en.other",
        "roei を利用していない委託元（名称を入力）",
        "An entruster outside roei (enter its name)",
    ),
    (
        "cw.en.no_entrusters",
        "roei 上で委託関係が登録されている委託元はありません。",
        "No entruster is linked to your organisation in roei.",
    ),
    ("cw.en.name", "委託元の名称", "Entruster's name"),
    (
        "cw.en.name_hint",
        "roei を利用していない委託元のときに入力します。",
        "For an entruster outside roei.",
    ),
    (
        "cw.en.matters",
        "現時点で把握している事項",
        "What is known so far",
    ),
    (
        "cw.en.matters_hint",
        "報告書の下書き（まだなければ事案の内容から作った初期値）に、以下の内容を反映して通知します。分からない事項は空欄で構いません。",
        "The notice carries the report draft (or a first draft made from the case) with what you enter below. Leave unknown matters empty.",
    ),
    (
        "cw.en.course_of_events",
        "概要（事実経過）",
        "Summary (course of events)",
    ),
    ("cw.en.persons", "本人の数", "Number of persons"),
    ("cw.en.cause", "原因", "Cause"),
    (
        "cw.en.secondary_harm",
        "二次被害又はそのおそれの有無及びその内容",
        "Secondary harm or its risk",
    ),
    (
        "cw.en.individual_response",
        "本人への対応の実施状況",
        "Measures for the individuals",
    ),
    (
        "cw.en.prevention",
        "再発防止のための措置",
        "Measures to prevent recurrence",
    ),
    (
        "cw.en.other_matters",
        "その他参考となる事項",
        "Other matters",
    ),
    ("cw.en.contact_name", "連絡先（担当者名）", "Contact person"),
    ("cw.en.contact_phone", "連絡先（電話番号）", "Contact phone"),
    ("cw.en.discovered_on", "発覚日", "Discovered on"),
    ("cw.en.occurred_on", "発生日", "Occurred on"),
    ("cw.en.submit", "委託元へ通知する", "Notify the entruster"),
    ("cw.en.history", "送った通知", "Notices sent"),
    (
        "cw.en.none",
        "まだ通知していません。",
        "No notice sent yet.",
    ),
    ("cw.en.sent_at", "通知日時", "Sent at"),
    ("cw.en.sent_to", "通知先", "Sent to"),
    ("cw.en.in_roei", "roei で送信", "sent in roei"),
    ("cw.en.outside", "roei 外", "outside roei"),
    ("cw.en.reassessed", "再判定", "Re-assessment"),
    (
        "cw.en.no_reassessment",
        "（既に通知済みとして判定されていたため、再判定はありません）",
        "(already assessed as notified: no re-assessment)",
    ),
    ("cw.en.content", "通知した事項", "Matters notified"),
    (
        "cw.en.received_link",
        "委託先から受け取った通知",
        "Notices received from entrustees",
    ),
    (
        "cw.en.error.choose",
        "通知先の委託元を選んでください",
        "Choose the entruster to notify",
    ),
    (
        "cw.en.error.name",
        "委託元の名称を入力してください",
        "Enter the entruster's name",
    ),
    // Received notices.
    (
        "cw.rcv.title",
        "委託先から受け取った通知",
        "Notices received from entrustees",
    ),
    (
        "cw.rcv.intro",
        "委託先が漏えい等を知り、委託元である貴組織に通知した事項です。委託元は遅くともこの通知を受けた時に漏えい等を知ったことになり、報告対象であれば自ら報告します。",
        "What your entrustees told you as their entruster. You know of the incident at the latest when the notice reaches you; if it is reportable, you report it yourself.",
    ),
    (
        "cw.rcv.none",
        "受け取った通知はありません。",
        "No notice received.",
    ),
    ("cw.rcv.from", "通知元（委託先）", "From (entrustee)"),
    (
        "cw.rcv.open_case",
        "この通知をもとに事案を登録する",
        "Open a case for it",
    ),
    // The police report.
    (
        "cw.police.title",
        "警察への通報の記録",
        "Police report record",
    ),
    (
        "cw.police.intro",
        "不正アクセス等の事案で都道府県警察に通報・相談したときは、その記録を残してください。",
        "When you reported an unauthorized-access case to the prefectural police, record it here.",
    ),
    (
        "cw.police.introduced",
        "個人情報保護委員会から、都道府県警察への通報の紹介がありました。",
        "The Commission introduced reporting to the prefectural police.",
    ),
    (
        "cw.police.suggested",
        "紹介された都道府県警察",
        "Prefectural police suggested",
    ),
    (
        "cw.police.nationwide",
        "連絡先が確認できていない場合は、警察庁のサイバー事案に関するオンライン受付（選んだ都道府県警察に転送されます）も利用できます。",
        "Where no contact is confirmed, the National Police Agency's online reception forwards to the chosen prefectural police.",
    ),
    ("cw.police.introduced_at", "紹介日時", "Introduced at"),
    ("cw.police.form", "通報を記録する", "Record a report"),
    (
        "cw.police.prefecture",
        "通報先の都道府県警察",
        "Prefectural police",
    ),
    ("cw.police.reported_on", "通報日", "Reported on"),
    ("cw.police.receipt", "受理番号", "Receipt number (受理番号)"),
    (
        "cw.police.receipt_hint",
        "警察から受理番号を伝えられた場合に入力します。",
        "If the police gave you one.",
    ),
    ("cw.police.note", "備考", "Note"),
    (
        "cw.police.note_hint",
        "担当部署・担当者、相談の内容など",
        "The department, the officer, what was discussed",
    ),
    ("cw.police.submit", "記録する", "Record"),
    ("cw.police.list", "記録済みの通報", "Recorded reports"),
    (
        "cw.police.none",
        "記録はまだありません。",
        "Nothing recorded yet.",
    ),
    ("cw.police.recorded_at", "記録日時", "Recorded at"),
    (
        "cw.police.error.prefecture",
        "都道府県を一覧から選んでください",
        "Choose a prefecture from the list",
    ),
    // The thread with the regulator.
    (
        "cw.msg.title",
        "個人情報保護委員会とのやり取り",
        "Messages with the Commission",
    ),
    (
        "cw.msg.closed",
        "委員会とのやり取りは、最初の報告（速報または確報）を提出すると始まります。提出するまで、委員会はこの事案を知りません。",
        "The thread with the Commission opens with the first report (quick or final). Until then, the Commission does not know of this case.",
    ),
    (
        "cw.msg.to_report",
        "報告書を作成・提出する",
        "Draft and submit the report",
    ),
    (
        "cw.msg.none",
        "まだメッセージはありません。",
        "No messages yet.",
    ),
    ("cw.msg.mine", "自組織", "Your organisation"),
    ("cw.msg.body", "メッセージ", "Message"),
    (
        "cw.msg.hint",
        "委員会の担当者に送られます（10,000文字まで）。",
        "Sent to the Commission's case handler (up to 10,000 characters).",
    ),
    ("cw.msg.send", "送信する", "Send"),
    (
        "cw.msg.error.empty",
        "メッセージを入力してください",
        "Write a message",
    ),
    // The register.
    ("cw.reg.title", "事案台帳", "Incident register"),
    (
        "cw.reg.intro",
        "報告対象かどうかにかかわらず、すべての事案と判定の理由を記録しています。",
        "Every case, reportable or not, with the reasoning of its determination.",
    ),
    ("cw.reg.csv", "CSV でダウンロード", "Download as CSV"),
    ("cw.reg.none", "事案はまだありません。", "No cases yet."),
    ("cw.reg.known_on", "知った日", "Known on"),
    ("cw.reg.case_title", "事案名", "Title"),
    ("cw.reg.status", "状態", "Status"),
    ("cw.reg.required", "報告義務", "Report required"),
    ("cw.reg.items", "該当号", "Items"),
    ("cw.reg.final_due", "確報期限", "Final report due"),
    ("cw.reg.stages", "提出済み", "Submitted"),
    ("cw.reg.reasons", "判定理由", "Reasoning"),
    ("cw.reg.show_reasons", "理由を表示", "Show the reasoning"),
    ("cw.reg.exemptions", "除外・免除", "Exclusions"),
    ("cw.reg.case_id", "事案ID", "Case ID"),
    ("cw.reg.law_version", "適用規定", "Rule set"),
    (
        "cw.reg.received",
        "委託先から受け取った通知",
        "Notices received from entrustees",
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/cases/{id}/entruster-notice",
            get(entruster_get).post(entruster_post),
        )
        .route("/entruster-notices", get(received))
        .route(
            "/cases/{id}/police-report",
            get(police_get).post(police_post),
        )
        .route(
            "/cases/{id}/messages",
            get(messages_get).post(messages_post),
        )
        .route("/register", get(register))
        .route("/register.csv", get(register_csv))
}

// ---------------------------------------------------------------------------------------------
// Shared pieces.

/// An option of a select.
#[derive(Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The actor's case named in the path (another organisation's or a malformed id: not found).
async fn load_case(st: &AppState, page: &Page, raw: &str) -> Result<IncidentCase, DomainError> {
    service::operator_case(&*st.store, &page.actor, case_id(raw)?).await
}

/// The error summary in the order of `order` (the form's fields), each "label: message".
fn summary(errors: &FieldErrors, order: &[(&str, &str)], c: &Chrome) -> Vec<(String, String)> {
    errors.summary(|field| {
        let i = order.iter().position(|(f, _)| *f == field)?;
        Some((i, c.s(order[i].1).to_owned()))
    })
}

fn opt_text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Whether the determination discharges the entrustee (規則9条).
fn entrustee_exempt(r: &DeterminationRecord) -> bool {
    r.determination
        .get("exemptions")
        .and_then(|v| v.as_array())
        .is_some_and(|a| {
            a.iter()
                .any(|e| e.as_str() == Some("entrustee_notified_entruster"))
        })
}

/// The matters of a notice worth showing: (label, value) of the filled ones.
fn content_rows(content: &ReportContent, c: &Chrome) -> Vec<(&'static str, String)> {
    let mut rows = Vec::new();
    if let Some(d) = content.summary.occurred_on {
        rows.push((c.s("cw.en.occurred_on"), c.date(d)));
    }
    if let Some(d) = content.summary.discovered_on {
        rows.push((c.s("cw.en.discovered_on"), c.date(d)));
    }
    if let Some(n) = content.persons.count {
        rows.push((c.s("cw.en.persons"), n.to_string()));
    }
    for (key, value) in [
        ("cw.en.course_of_events", &content.summary.course_of_events),
        ("cw.en.cause", &content.cause.details),
        ("cw.en.secondary_harm", &content.secondary_harm.details),
        (
            "cw.en.individual_response",
            &content.individual_response.details,
        ),
        ("cw.en.prevention", &content.prevention.done),
        ("cw.en.other_matters", &content.other),
        ("cw.en.contact_name", &content.header.contact_name),
        ("cw.en.contact_phone", &content.header.contact_phone),
    ] {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            rows.push((c.s(key), v.to_owned()));
        }
    }
    rows
}

// ---------------------------------------------------------------------------------------------
// The entruster notice.

/// The notice form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NoticeForm {
    pub csrf_token: String,
    pub version: String,
    /// An entruster organisation's id, `other`, or empty.
    pub entruster_org: String,
    pub entruster_name: String,
    pub course_of_events: String,
    pub persons: String,
    pub cause_details: String,
    pub secondary_harm: String,
    pub individual_response: String,
    pub prevention: String,
    pub other: String,
    pub contact_name: String,
    pub contact_phone: String,
}

/// The matters typed on the notice form: (control name, label key, multi-line).
const MATTERS: [(&str, &str, bool); 9] = [
    ("course_of_events", "cw.en.course_of_events", true),
    ("persons", "cw.en.persons", false),
    ("cause_details", "cw.en.cause", true),
    ("secondary_harm", "cw.en.secondary_harm", true),
    ("individual_response", "cw.en.individual_response", true),
    ("prevention", "cw.en.prevention", true),
    ("other", "cw.en.other_matters", true),
    ("contact_name", "cw.en.contact_name", false),
    ("contact_phone", "cw.en.contact_phone", false),
];

/// The notice form's fields in order, for the error summary.
const NOTICE_ORDER: [(&str, &str); 11] = [
    ("entruster_org", "cw.en.to"),
    ("entruster_name", "cw.en.name"),
    ("course_of_events", "cw.en.course_of_events"),
    ("persons", "cw.en.persons"),
    ("cause_details", "cw.en.cause"),
    ("secondary_harm", "cw.en.secondary_harm"),
    ("individual_response", "cw.en.individual_response"),
    ("prevention", "cw.en.prevention"),
    ("other", "cw.en.other_matters"),
    ("contact_name", "cw.en.contact_name"),
    ("contact_phone", "cw.en.contact_phone"),
];

impl NoticeForm {
    fn from_content(content: &ReportContent) -> Self {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            course_of_events: s(&content.summary.course_of_events),
            persons: content
                .persons
                .count
                .map(|n| n.to_string())
                .unwrap_or_default(),
            cause_details: s(&content.cause.details),
            secondary_harm: s(&content.secondary_harm.details),
            individual_response: s(&content.individual_response.details),
            prevention: s(&content.prevention.done),
            other: s(&content.other),
            contact_name: s(&content.header.contact_name),
            contact_phone: s(&content.header.contact_phone),
            ..Self::default()
        }
    }

    fn matter(&self, name: &str) -> &str {
        match name {
            "course_of_events" => &self.course_of_events,
            "persons" => &self.persons,
            "cause_details" => &self.cause_details,
            "secondary_harm" => &self.secondary_harm,
            "individual_response" => &self.individual_response,
            "prevention" => &self.prevention,
            "other" => &self.other,
            "contact_name" => &self.contact_name,
            "contact_phone" => &self.contact_phone,
            _ => "",
        }
    }

    /// Puts what was typed into `content`.
    fn apply(&self, content: &mut ReportContent, errors: &mut FieldErrors, c: &Chrome) {
        content.summary.course_of_events = opt_text(&self.course_of_events);
        content.persons.count = match self.persons.trim() {
            "" => None,
            p => {
                if let Ok(n) = p.parse::<u64>() {
                    Some(n)
                } else {
                    errors.add("persons", c.s("error.number"));
                    None
                }
            }
        };
        content.cause.details = opt_text(&self.cause_details);
        content.secondary_harm.details = opt_text(&self.secondary_harm);
        content.individual_response.details = opt_text(&self.individual_response);
        content.prevention.done = opt_text(&self.prevention);
        content.other = opt_text(&self.other);
        content.header.contact_name = opt_text(&self.contact_name);
        content.header.contact_phone = opt_text(&self.contact_phone);
    }
}

/// A use case's field path as the notice form's control name.
fn notice_field(f: &str) -> String {
    match f {
        "summary.course_of_events" => "course_of_events",
        "persons.count" | "persons.with_card" => "persons",
        "cause.details" => "cause_details",
        "secondary_harm.details" => "secondary_harm",
        "individual_response.details" => "individual_response",
        "prevention.done" => "prevention",
        "header.contact_name" => "contact_name",
        "header.contact_phone" => "contact_phone",
        other => other,
    }
    .to_owned()
}

/// A matter's control, ready to show.
#[derive(Debug)]
pub struct MatterView {
    pub name: &'static str,
    pub label: &'static str,
    pub multiline: bool,
    pub value: String,
    pub error: Option<String>,
}

/// A notice sent, in the history.
#[derive(Debug)]
pub struct NoticeRow {
    pub id: String,
    pub at: String,
    pub to: String,
    pub in_roei: bool,
    /// The determination made with it: (seq, report required, exempt under 規則9条).
    pub reassessed: Option<(i64, bool, bool)>,
    pub matters: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "casework/entruster_notice.html")]
struct EntrusterPage<'a> {
    c: &'a Chrome,
    id: String,
    title: String,
    entrustee: bool,
    can_write: bool,
    exempt: bool,
    det: DetView,
    form: &'a NoticeForm,
    entrusters: Vec<Choice>,
    other_selected: bool,
    matters: Vec<MatterView>,
    errors: FieldErrors,
    summary: Vec<(String, String)>,
    notices: Vec<NoticeRow>,
}

async fn entruster_get(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let result = async {
        let case = load_case(&st, &page, &id).await?;
        let mut form = if case.facts.entrustee && page.actor.user.role.can_write() {
            let draft = reporting::draft(&*st.store, &page.actor, case.id).await?;
            NoticeForm::from_content(&draft.draft.content)
        } else {
            NoticeForm::default()
        };
        form.version = case.version.to_string();
        if let [only] = casework::entrusters(&*st.store, &page.actor)
            .await?
            .as_slice()
        {
            form.entruster_org = only.id.to_string();
        }
        entruster_page(
            &st,
            &page,
            StatusCode::OK,
            &case,
            &form,
            FieldErrors::default(),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| page.fail(&e))
}

async fn entruster_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    case: &IncidentCase,
    form: &NoticeForm,
    errors: FieldErrors,
) -> Result<Response, DomainError> {
    let store = &*st.store;
    let c = &page.c;
    let records = service::determinations(store, &page.actor, case.id).await?;
    let Some(latest) = records.last() else {
        return Err(DomainError::NotFound);
    };
    let sent = casework::entruster_notices(store, &page.actor, case.id).await?;
    let entrusters: Vec<Choice> = casework::entrusters(store, &page.actor)
        .await?
        .into_iter()
        .map(|org| {
            let value = org.id.to_string();
            Choice {
                selected: form.entruster_org == value,
                label: org.name,
                value,
            }
        })
        .collect();
    let notices = sent
        .iter()
        .rev()
        .map(|n| NoticeRow {
            id: n.id.to_string(),
            at: c.moment(n.sent_at),
            to: n.entruster_name.clone(),
            in_roei: n.entruster_org.is_some(),
            reassessed: records
                .iter()
                .find(|r| r.assessed_at == n.sent_at && r.facts.entruster_notified)
                .map(|r| (r.seq, r.report_required, entrustee_exempt(r))),
            matters: content_rows(&n.content, c),
        })
        .collect();
    let matters = MATTERS
        .iter()
        .map(|(name, label, multiline)| MatterView {
            name,
            label: c.s(label),
            multiline: *multiline,
            value: form.matter(name).to_owned(),
            error: errors.get(name).map(str::to_owned),
        })
        .collect();
    let summary = summary(&errors, &NOTICE_ORDER, c);
    Ok(render(
        status,
        &EntrusterPage {
            c,
            id: case.id.to_string(),
            title: case.title.clone(),
            entrustee: case.facts.entrustee,
            can_write: page.actor.user.role.can_write(),
            exempt: entrustee_exempt(latest),
            det: DetView::from_record(latest, c),
            form,
            entrusters,
            other_selected: form.entruster_org == "other",
            matters,
            errors,
            summary,
            notices,
        },
    ))
}

async fn entruster_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(form): Form<NoticeForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    let result = async {
        let case = load_case(&st, &page, &id).await?;
        let c = &page.c;
        let mut errors = FieldErrors::default();
        let mut entruster_org = None;
        let mut entruster_name = None;
        match form.entruster_org.trim() {
            "" => errors.add("entruster_org", c.s("cw.en.error.choose")),
            "other" => match opt_text(&form.entruster_name) {
                Some(n) => entruster_name = Some(n),
                None => errors.add("entruster_name", c.s("cw.en.error.name")),
            },
            v => match v.parse::<OrgId>() {
                Ok(o) => entruster_org = Some(o),
                Err(_) => errors.add("entruster_org", c.s("error.choice")),
            },
        }
        let draft = reporting::draft(&*st.store, &page.actor, case.id).await?;
        let mut content = draft.draft.content;
        form.apply(&mut content, &mut errors, c);
        if !errors.is_empty() {
            return entruster_page(
                &st,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                &case,
                &form,
                errors,
            )
            .await;
        }
        let req = EntrusterNoticeRequest {
            version: form.version.trim().parse().unwrap_or(case.version),
            entruster_org,
            entruster_name,
            content: Some(content),
        };
        match casework::notify_entruster(&*st.store, &page.actor, case.id, req, st.now()).await {
            Ok(_) => Ok(redirect(&format!("/cases/{}/entruster-notice", case.id))),
            Err(e) => match FieldErrors::from_domain(&e, notice_field) {
                Some(errors) => {
                    entruster_page(
                        &st,
                        &page,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &case,
                        &form,
                        errors,
                    )
                    .await
                }
                None => Err(e),
            },
        }
    }
    .await;
    result.unwrap_or_else(|e| page.fail(&e))
}

// ---------------------------------------------------------------------------------------------
// The notices received as entruster.

/// A notice received, ready to show.
#[derive(Debug)]
pub struct ReceivedRow {
    pub id: String,
    pub at: String,
    pub from: String,
    pub to: String,
    pub matters: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "casework/received.html")]
struct ReceivedPage<'a> {
    c: &'a Chrome,
    can_write: bool,
    rows: Vec<ReceivedRow>,
}

fn received_rows(page: &Page, notices: &[ReceivedNotice]) -> Vec<ReceivedRow> {
    notices
        .iter()
        .map(|r| ReceivedRow {
            id: r.notice.id.to_string(),
            at: page.c.moment(r.notice.sent_at),
            from: r.from.clone(),
            to: r.notice.entruster_name.clone(),
            matters: content_rows(&r.notice.content, &page.c),
        })
        .collect()
}

async fn received(State(st): State<AppState>, page: Page) -> Response {
    let result = async {
        let notices = casework::received_entruster_notices_named(&*st.store, &page.actor).await?;
        let rows = received_rows(&page, &notices);
        Ok::<_, DomainError>(render(
            StatusCode::OK,
            &ReceivedPage {
                c: &page.c,
                can_write: page.actor.user.role.can_write(),
                rows,
            },
        ))
    }
    .await;
    result.unwrap_or_else(|e| page.fail(&e))
}

// ---------------------------------------------------------------------------------------------
// The police report.

/// The police report form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PoliceForm {
    pub csrf_token: String,
    pub prefecture_code: String,
    pub reported_on: String,
    pub receipt_number: String,
    pub note: String,
}

const POLICE_ORDER: [(&str, &str); 4] = [
    ("prefecture_code", "cw.police.prefecture"),
    ("reported_on", "cw.police.reported_on"),
    ("receipt_number", "cw.police.receipt"),
    ("note", "cw.police.note"),
];

/// The regulator's introduction of police reporting.
#[derive(Debug)]
pub struct IntroView {
    pub at: String,
    pub prefecture: Option<String>,
    pub note: Option<String>,
    /// The prefectural police's contact as kept (with how far it is confirmed).
    pub contact: Option<super::sharing::ContactRow>,
}

/// A recorded police report.
#[derive(Debug)]
pub struct PoliceRow {
    pub prefecture: String,
    pub reported_on: String,
    pub receipt_number: String,
    pub note: String,
    pub recorded_at: String,
}

#[derive(Template)]
#[template(path = "casework/police_report.html")]
struct PolicePage<'a> {
    c: &'a Chrome,
    id: String,
    title: String,
    can_write: bool,
    form: &'a PoliceForm,
    prefectures: Vec<Choice>,
    intros: Vec<IntroView>,
    /// The NPA's nationwide online reception (name, address).
    npa: (&'static str, &'static str),
    reports: Vec<PoliceRow>,
    errors: FieldErrors,
    summary: Vec<(String, String)>,
}

fn prefecture_label(code: &str) -> String {
    prefecture(code).map_or_else(|_| code.to_owned(), |name| format!("{name}（{code}）"))
}

async fn police_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    case: &IncidentCase,
    form: &PoliceForm,
    errors: FieldErrors,
) -> Result<Response, DomainError> {
    let store = &*st.store;
    let c = &page.c;
    let actions = casework::regulator_actions(store, &page.actor, case.id).await?;
    let reports = casework::police_reports(store, &page.actor, case.id).await?;
    let mut intros = Vec::new();
    for a in actions
        .iter()
        .filter(|a| a.kind == RegulatorActionKind::PoliceIntroduction)
    {
        let contact = match a.prefecture_code.as_deref() {
            Some(code) => Some(super::sharing::contact_row(
                c,
                &roei_domain::sharing::contacts::contact_notice(store, code)
                    .await?
                    .contact,
            )),
            None => None,
        };
        intros.push(IntroView {
            at: c.moment(a.at),
            prefecture: a.prefecture_code.as_deref().map(prefecture_label),
            note: a.note.clone(),
            contact,
        });
    }
    let prefectures = PREFECTURES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let value = format!("{:02}", i + 1);
            Choice {
                selected: form.prefecture_code == value,
                label: format!("{value} {name}"),
                value,
            }
        })
        .collect();
    let reports = reports
        .iter()
        .map(|r| PoliceRow {
            prefecture: prefecture_label(&r.prefecture_code),
            reported_on: c.date(r.reported_on),
            receipt_number: r.receipt_number.clone().unwrap_or_default(),
            note: r.note.clone().unwrap_or_default(),
            recorded_at: c.moment(r.recorded_at),
        })
        .collect();
    let summary = summary(&errors, &POLICE_ORDER, c);
    Ok(render(
        status,
        &PolicePage {
            c,
            id: case.id.to_string(),
            title: case.title.clone(),
            can_write: page.actor.user.role.can_write(),
            form,
            prefectures,
            intros,
            npa: (
                roei_domain::sharing::contacts::NPA_ONLINE_RECEPTION_NAME,
                roei_domain::sharing::contacts::NPA_ONLINE_RECEPTION_URL,
            ),
            reports,
            errors,
            summary,
        },
    ))
}

async fn police_get(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let result = async {
        let case = load_case(&st, &page, &id).await?;
        // The prefecture the Commission suggested, if it did.
        let suggested = casework::regulator_actions(&*st.store, &page.actor, case.id)
            .await?
            .into_iter()
            .rev()
            .find(|a| a.kind == RegulatorActionKind::PoliceIntroduction)
            .and_then(|a| a.prefecture_code);
        let form = PoliceForm {
            prefecture_code: suggested.unwrap_or_default(),
            reported_on: page.c.today.to_string(),
            ..PoliceForm::default()
        };
        police_page(
            &st,
            &page,
            StatusCode::OK,
            &case,
            &form,
            FieldErrors::default(),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| page.fail(&e))
}

async fn police_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(form): Form<PoliceForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    let result = async {
        let case = load_case(&st, &page, &id).await?;
        let c = &page.c;
        let mut errors = FieldErrors::default();
        let code = form.prefecture_code.trim();
        if prefecture(code).is_err() {
            errors.add("prefecture_code", c.s("cw.police.error.prefecture"));
        }
        let reported_on = roei_law::facts::parse_iso_date(form.reported_on.trim()).ok();
        if reported_on.is_none() {
            errors.add("reported_on", c.s("error.date"));
        }
        let Some(reported_on) = reported_on.filter(|_| errors.is_empty()) else {
            return police_page(
                &st,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                &case,
                &form,
                errors,
            )
            .await;
        };
        let req = PoliceReportRequest {
            prefecture_code: code.to_owned(),
            reported_on,
            receipt_number: opt_text(&form.receipt_number),
            note: opt_text(&form.note),
        };
        match casework::record_police_report(&*st.store, &page.actor, case.id, req, st.now()).await
        {
            Ok(_) => Ok(redirect(&format!("/cases/{}/police-report", case.id))),
            Err(e) => match FieldErrors::from_domain(&e, str::to_owned) {
                Some(errors) => {
                    police_page(
                        &st,
                        &page,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &case,
                        &form,
                        errors,
                    )
                    .await
                }
                None => Err(e),
            },
        }
    }
    .await;
    result.unwrap_or_else(|e| page.fail(&e))
}

// ---------------------------------------------------------------------------------------------
// The thread with the regulator.

/// The message form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MessageForm {
    pub csrf_token: String,
    pub body: String,
}

/// A message, ready to show.
#[derive(Debug)]
pub struct MessageView {
    pub id: String,
    pub author: String,
    pub org: String,
    pub mine: bool,
    pub at: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "casework/messages.html")]
struct MessagesPage<'a> {
    c: &'a Chrome,
    id: String,
    title: String,
    open: bool,
    can_write: bool,
    form: &'a MessageForm,
    messages: Vec<MessageView>,
    errors: FieldErrors,
    summary: Vec<(String, String)>,
}

/// Whether the thread is open: something was submitted.
async fn thread_open(st: &AppState, page: &Page, case: &IncidentCase) -> Result<bool, DomainError> {
    Ok(!reporting::submissions(&*st.store, &page.actor, case.id)
        .await?
        .is_empty())
}

async fn messages_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    case: &IncidentCase,
    form: &MessageForm,
    errors: FieldErrors,
) -> Result<Response, DomainError> {
    let c = &page.c;
    let open = thread_open(st, page, case).await?;
    let messages: Vec<MessageView> = casework::thread(&*st.store, &page.actor, case.id)
        .await?
        .into_iter()
        .map(|t| MessageView {
            id: t.message.id.to_string(),
            author: t.author_name,
            org: t.author_org_name,
            mine: t.message.author_org == page.actor.org.id,
            at: c.moment(t.message.sent_at),
            body: t.message.body,
        })
        .collect();
    let summary = summary(&errors, &[("body", "cw.msg.body")], c);
    Ok(render(
        status,
        &MessagesPage {
            c,
            id: case.id.to_string(),
            title: case.title.clone(),
            open,
            can_write: page.actor.user.role.can_write(),
            form,
            messages,
            errors,
            summary,
        },
    ))
}

async fn messages_get(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let result = async {
        let case = load_case(&st, &page, &id).await?;
        messages_page(
            &st,
            &page,
            StatusCode::OK,
            &case,
            &MessageForm::default(),
            FieldErrors::default(),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| page.fail(&e))
}

async fn messages_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(form): Form<MessageForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    let result = async {
        let case = load_case(&st, &page, &id).await?;
        if !page.actor.user.role.can_write() {
            return Err(DomainError::Forbidden(
                "viewers cannot post messages".into(),
            ));
        }
        if !thread_open(&st, &page, &case).await? {
            // The page says the thread is not open yet.
            return messages_page(
                &st,
                &page,
                StatusCode::CONFLICT,
                &case,
                &form,
                FieldErrors::default(),
            )
            .await;
        }
        if form.body.trim().is_empty() {
            let mut errors = FieldErrors::default();
            errors.add("body", page.c.s("cw.msg.error.empty"));
            return messages_page(
                &st,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                &case,
                &form,
                errors,
            )
            .await;
        }
        match casework::post_message(&*st.store, &page.actor, case.id, &form.body, st.now()).await {
            Ok(_) => Ok(redirect(&format!("/cases/{}/messages", case.id))),
            Err(DomainError::Conflict(_)) => {
                messages_page(
                    &st,
                    &page,
                    StatusCode::CONFLICT,
                    &case,
                    &form,
                    FieldErrors::default(),
                )
                .await
            }
            Err(e) => match FieldErrors::from_domain(&e, str::to_owned) {
                Some(errors) => {
                    messages_page(
                        &st,
                        &page,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &case,
                        &form,
                        errors,
                    )
                    .await
                }
                None => Err(e),
            },
        }
    }
    .await;
    result.unwrap_or_else(|e| page.fail(&e))
}

// ---------------------------------------------------------------------------------------------
// The incident register.

/// One case of the register.
#[derive(Debug)]
pub struct RegisterRow {
    pub id: String,
    pub known_on: String,
    pub known_on_iso: String,
    pub title: String,
    pub open: bool,
    pub required: bool,
    pub items: String,
    pub final_due: String,
    pub final_due_iso: String,
    pub stages: String,
    pub exemptions: Vec<&'static str>,
    pub law_version: String,
    /// (citation, text) in the user's language.
    pub reasons: Vec<(String, String)>,
}

async fn register_rows(st: &AppState, page: &Page) -> Result<Vec<RegisterRow>, DomainError> {
    let store = &*st.store;
    let c = &page.c;
    let entries = reporting::register(store, &page.actor).await?;
    let mut rows = Vec::with_capacity(entries.len());
    for reporting::RegisterEntry {
        case,
        latest,
        stages,
    } in &entries
    {
        let det = DetView::from_record(latest, c);
        let stages = stages
            .iter()
            .map(|s| match c.lang {
                Lang::Ja => s.ja(),
                Lang::En => stage_en(s.as_str()),
            })
            .collect::<Vec<_>>()
            .join(if c.is_ja() { "・" } else { ", " });
        rows.push(RegisterRow {
            id: case.id.to_string(),
            known_on: c.date(case.known_on),
            known_on_iso: case.known_on.to_string(),
            title: case.title.clone(),
            open: case.status == CaseStatus::Open,
            required: latest.report_required,
            items: items_label(&latest.items(), c.lang),
            final_due: c.opt_date(latest.final_report_due),
            final_due_iso: latest
                .final_report_due
                .map(|d| d.to_string())
                .unwrap_or_default(),
            stages,
            exemptions: det.exemptions,
            law_version: latest.law_version.clone(),
            reasons: det.reasons,
        });
    }
    Ok(rows)
}

#[derive(Template)]
#[template(path = "casework/register.html")]
struct RegisterPage<'a> {
    c: &'a Chrome,
    rows: Vec<RegisterRow>,
    received: usize,
}

async fn register(State(st): State<AppState>, page: Page) -> Response {
    let result = async {
        let rows = register_rows(&st, &page).await?;
        let received = casework::received_entruster_notices(&*st.store, &page.actor)
            .await?
            .len();
        Ok::<_, DomainError>(render(
            StatusCode::OK,
            &RegisterPage {
                c: &page.c,
                rows,
                received,
            },
        ))
    }
    .await;
    result.unwrap_or_else(|e| page.fail(&e))
}

/// Appends one CSV cell: a leading `= + - @` (or tab, CR) gets an apostrophe so a spreadsheet
/// does not run it as a formula; a cell with a comma, quote or line break is quoted.
fn csv_cell(out: &mut String, value: &str) {
    let guarded;
    let v = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{value}");
        guarded.as_str()
    } else {
        value
    };
    if v.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

/// Appends a CSV record ending in CRLF.
pub(crate) fn csv_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_cell(out, cell.as_ref());
    }
    out.push_str("\r\n");
}

/// The register as CSV: UTF-8 with a BOM (Excel in Japan reads it right), CRLF line ends.
fn register_csv_text(rows: &[RegisterRow], c: &Chrome) -> String {
    let mut out = String::from("\u{feff}");
    let header: Vec<&str> = [
        "cw.reg.case_id",
        "cw.reg.known_on",
        "cw.reg.case_title",
        "cw.reg.status",
        "cw.reg.required",
        "cw.reg.items",
        "cw.reg.final_due",
        "cw.reg.stages",
        "cw.reg.exemptions",
        "cw.reg.law_version",
        "cw.reg.reasons",
    ]
    .iter()
    .map(|k| c.s(k))
    .collect();
    csv_row(&mut out, &header);
    for r in rows {
        let reasons = r
            .reasons
            .iter()
            .map(|(cite, text)| format!("〔{cite}〕{text}"))
            .collect::<Vec<_>>()
            .join("\n");
        csv_row(
            &mut out,
            &[
                r.id.as_str(),
                &r.known_on_iso,
                &r.title,
                c.s(if r.open {
                    "case.status.open"
                } else {
                    "case.status.closed"
                }),
                c.s(if r.required {
                    "common.yes"
                } else {
                    "common.no"
                }),
                &r.items,
                &r.final_due_iso,
                &r.stages,
                &r.exemptions.join(if c.is_ja() { "、" } else { "; " }),
                &r.law_version,
                &reasons,
            ],
        );
    }
    out
}

async fn register_csv(State(st): State<AppState>, page: Page) -> Response {
    match register_rows(&st, &page).await {
        Ok(rows) => {
            let body = register_csv_text(&rows, &page.c);
            let disposition = format!(
                "attachment; filename=\"roei-register-{}.csv\"",
                page.c.today
            );
            let mut res = body.into_response();
            let headers = res.headers_mut();
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                headers.insert(CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(e) => page.fail(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_guarded() {
        let mut out = String::new();
        csv_row(
            &mut out,
            &[
                "plain",
                "a,b",
                "say \"hi\"",
                "two\nlines",
                "=HYPERLINK(\"x\")",
                "+1",
                "-1",
                "@SUM(A1)",
                "2026-11-18",
            ],
        );
        assert_eq!(
            out,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"'=HYPERLINK(\"\"x\"\")\",'+1,'-1,'@SUM(A1),2026-11-18\r\n"
        );
    }

    #[test]
    fn every_key_is_prefixed() {
        for (k, _, _) in TEXT {
            assert!(k.starts_with("cw."), "{k}");
        }
    }
}
