//! The operator's deadline board, the guided interview (new case and changed facts) with the
//! live determination beside it, and the case page.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use roei_domain::model::{CaseId, CaseStatus, DeterminationRecord, IncidentCase};
use roei_domain::records::RegulatorActionKind;
use roei_domain::reporting::{self, BoardCard, Urgency};
use roei_domain::{DomainError, casework, service};
use roei_law::interview::{self, Need, Question};
use roei_law::{Cause, DataForm, DataItem, Event, Facts, Regime};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::FieldErrors;
use super::{Chrome, Lang, Page, redirect, render};
use crate::AppState;

pub(crate) const TEXT: &[(&str, &str, &str)] = &[
    ("board.title", "期限ボード", "Deadline board"),
    (
        "board.intro",
        "対応中の事案を、期限の迫っている順に表示しています。期限を過ぎたものは赤で示します。",
        "Open cases, most urgent first. Overdue cases are marked in red.",
    ),
    (
        "board.empty",
        "対応中の事案はありません。",
        "No open cases.",
    ),
    ("board.new", "新しい事案を登録する", "Open a new case"),
    (
        "board.next.quick_report",
        "次: 速報",
        "Next: quick report (速報)",
    ),
    (
        "board.next.final_report",
        "次: 確報",
        "Next: final report (確報)",
    ),
    (
        "board.next.none",
        "期限のある対応はありません",
        "Nothing due",
    ),
    ("board.due", "期限", "Due"),
    ("board.days_left", "残り", "Days left"),
    ("board.days_over", "超過", "Overdue by"),
    ("board.known_on", "知った日", "Known on"),
    ("board.items", "該当号", "Items"),
    ("board.not_reportable", "報告対象外", "Not reportable"),
    ("urgency.overdue", "期限超過", "Overdue"),
    ("urgency.due_soon", "期限間近", "Due soon"),
    ("urgency.open", "対応中", "Open"),
    ("urgency.nothing_due", "期限なし", "Nothing due"),
    ("interview.title_new", "事案の登録", "Open a case"),
    ("interview.title_edit", "事実関係の変更", "Change the facts"),
    (
        "interview.intro",
        "分かっていることから答えてください。判定に必要な質問だけが表示され、回答するたびに右の判定が更新されます。",
        "Answer what you know. Only the questions the determination still needs are shown; the determination beside them updates with each answer.",
    ),
    ("interview.case_title", "事案名", "Case title"),
    (
        "interview.case_title_hint",
        "社内で事案を識別できる名前（例: 会員サイトへの不正アクセス）",
        "A name to identify the case (e.g. unauthorized access to the member site)",
    ),
    (
        "interview.for_report",
        "判定には影響しません",
        "Does not change the determination",
    ),
    ("interview.update", "判定を更新", "Update the determination"),
    (
        "interview.create",
        "この内容で事案を登録",
        "Open the case with these facts",
    ),
    (
        "interview.save",
        "変更を保存して再判定",
        "Save and re-assess",
    ),
    ("interview.updating", "更新中…", "Updating…"),
    ("interview.unknown", "不明", "Unknown"),
    ("interview.select", "選択してください", "Choose"),
    ("interview.regime", "適用される規律", "Regime"),
    (
        "data_form.personal_data",
        "個人データ（保有個人情報）",
        "Personal data",
    ),
    (
        "data_form.being_acquired",
        "取得しようとしている個人情報（個人データとして取り扱う予定）",
        "Personal information being acquired (to be handled as personal data)",
    ),
    (
        "data_form.not_personal_data",
        "個人データではない（散在情報）",
        "Not personal data (scattered information)",
    ),
    ("items.group.basic", "基本情報", "Basic information"),
    ("items.group.financial", "決済・金融", "Payment and banking"),
    (
        "items.group.sensitive",
        "要配慮個人情報",
        "Sensitive personal information",
    ),
    ("det.title", "判定", "Determination"),
    (
        "det.required",
        "個人情報保護委員会への報告が必要です",
        "A report to the Commission is required",
    ),
    (
        "det.not_required",
        "報告義務はありません",
        "No report is required",
    ),
    ("det.items", "該当する号", "Items that apply"),
    ("det.exemptions", "除外・免除", "Exclusions"),
    ("det.notice", "本人への通知", "Notice to individuals"),
    ("det.notice.required", "必要", "Required"),
    ("det.notice.not_required", "不要", "Not required"),
    ("det.quick", "速報（目安）", "Quick report (guide)"),
    ("det.final", "確報期限", "Final report due"),
    (
        "det.rolled",
        "行政機関の休日のため繰り延べた日",
        "Days skipped (government holidays)",
    ),
    ("det.entruster", "委託元への通知", "Notice to the entruster"),
    ("det.police", "警察への相談・通報", "Police"),
    (
        "det.police.recommended",
        "推奨（都道府県警察のサイバー犯罪相談窓口）",
        "Recommended (prefectural police cyber-crime desk)",
    ),
    ("det.reasons", "理由（条文）", "Reasons (provisions)"),
    ("det.version", "適用規定", "Rule set"),
    ("det.days", "日以内", "days"),
    (
        "det.live",
        "回答に応じて自動で更新されます",
        "Updates as you answer",
    ),
    (
        "det.waiting",
        "「何が起きましたか」に答えると、ここに判定が表示されます。",
        "Answer \"What happened\" and the determination appears here.",
    ),
    (
        "exemption.not_an_incident",
        "漏えい等に当たらない",
        "not a leak, loss or damage",
    ),
    (
        "exemption.advanced_encryption",
        "高度な暗号化等の措置",
        "advanced encryption",
    ),
    (
        "exemption.pseudonymized",
        "仮名加工情報",
        "pseudonymized information",
    ),
    (
        "exemption.entrustee_notified_entruster",
        "委託元へ通知済み（規則9条）",
        "entruster notified (Rule 9)",
    ),
    (
        "exemption.not_personal_data",
        "個人データではない",
        "not personal data",
    ),
    ("case.known_on", "知った日", "Known on"),
    ("case.status", "状態", "Status"),
    ("case.status.open", "対応中", "Open"),
    ("case.status.closed", "終了", "Closed"),
    ("case.edit_facts", "事実関係を変更", "Change the facts"),
    ("case.close", "事案を終了する", "Close the case"),
    ("case.reopen", "事案を再開する", "Reopen the case"),
    ("case.next", "次にすること", "What to do next"),
    (
        "case.report",
        "報告書を作成・提出",
        "Draft and submit the report",
    ),
    ("case.history", "提出履歴と差分", "Submissions and changes"),
    (
        "case.entruster_notice",
        "委託元への通知",
        "Notice to the entruster",
    ),
    (
        "case.police_report",
        "警察への通報の記録",
        "Police report record",
    ),
    (
        "case.messages",
        "委員会とのやり取り",
        "Messages with the Commission",
    ),
    ("case.determinations", "判定の履歴", "Determination history"),
    ("case.assessed_at", "判定日時", "Assessed at"),
    ("case.submissions", "提出済みの報告", "Submitted reports"),
    (
        "case.no_submissions",
        "まだ提出していません。",
        "Nothing submitted yet.",
    ),
    ("case.acknowledged", "受理済み", "Acknowledged"),
    ("case.not_acknowledged", "未受理", "Not yet acknowledged"),
    (
        "case.police_introduced",
        "個人情報保護委員会から、都道府県警察への通報の紹介がありました。",
        "The Commission has introduced reporting to the prefectural police.",
    ),
    (
        "case.opened",
        "事案を登録しました。",
        "The case was opened.",
    ),
    (
        "case.saved",
        "事実関係を保存し、再判定しました。",
        "The facts were saved and re-assessed.",
    ),
    ("yesno.yes", "はい", "Yes"),
    ("yesno.no", "いいえ", "No"),
    ("yesno.unknown", "不明・未確認", "Unknown"),
    (
        "error.events_required",
        "少なくとも一つ選択してください",
        "Choose at least one",
    ),
    (
        "error.date",
        "日付を YYYY-MM-DD の形で入力してください",
        "Enter a date as YYYY-MM-DD",
    ),
    (
        "error.number",
        "0以上の整数で入力してください",
        "Enter a whole number, 0 or more",
    ),
    (
        "error.choice",
        "選択肢から選んでください",
        "Choose one of the options",
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/board", get(board))
        .route("/cases/new", get(new_case).post(new_case_post))
        .route("/cases/{id}", get(case_page))
        .route("/cases/{id}/facts", get(edit_facts).post(edit_facts_post))
        .route("/cases/{id}/status", post(set_status))
}

/// Parses a case id from a path; a malformed id is simply not found.
pub fn case_id(raw: &str) -> Result<CaseId, DomainError> {
    Uuid::parse_str(raw)
        .map(CaseId)
        .map_err(|_| DomainError::NotFound)
}

// ---------------------------------------------------------------------------------------------
// The deadline board.

/// One card, ready to show.
#[derive(Debug)]
pub struct CardView {
    pub id: String,
    pub title: String,
    pub urgency: &'static str,
    pub next_key: &'static str,
    pub due: String,
    pub days: Option<i64>,
    pub overdue: bool,
    pub known_on: String,
    pub items: String,
    pub reportable: bool,
}

fn card_view(c: &Chrome, card: &BoardCard) -> CardView {
    let o = &card.overview;
    CardView {
        id: o.case.id.to_string(),
        title: o.case.title.clone(),
        urgency: match card.urgency {
            Urgency::Overdue => "overdue",
            Urgency::DueSoon => "due_soon",
            Urgency::Open => "open",
            Urgency::NothingDue => "nothing_due",
        },
        next_key: match card.next {
            Some(reporting_stage) => match reporting_stage.as_str() {
                "quick_report" => "board.next.quick_report",
                _ => "board.next.final_report",
            },
            None => "board.next.none",
        },
        due: c.opt_date(card.due),
        days: card.days_left.map(i64::abs),
        overdue: card.urgency == Urgency::Overdue,
        known_on: c.date(o.case.known_on),
        items: items_label(&o.items, c.lang),
        reportable: o.report_required,
    }
}

/// `3号・4号` / `items 3, 4`.
pub fn items_label(items: &[u8], lang: Lang) -> String {
    if items.is_empty() {
        return "—".into();
    }
    match lang {
        Lang::Ja => items
            .iter()
            .map(|i| format!("{i}号"))
            .collect::<Vec<_>>()
            .join("・"),
        Lang::En => format!(
            "item{} {}",
            if items.len() > 1 { "s" } else { "" },
            items
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage<'a> {
    c: &'a Chrome,
    cards: Vec<CardView>,
}

async fn board(State(st): State<AppState>, page: Page) -> Response {
    match reporting::board(&*st.store, &page.actor, page.c.today).await {
        Ok(cards) => {
            let cards = cards
                .iter()
                .filter(|card| card.overview.case.status == CaseStatus::Open)
                .map(|card| card_view(&page.c, card))
                .collect();
            render(StatusCode::OK, &BoardPage { c: &page.c, cards })
        }
        Err(e) => page.fail(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// The interview form.

/// The interview as posted: every control as typed, so a bad answer is shown again as it was.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FactsForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub expected_version: String,
    #[serde(default)]
    pub known_on: String,
    #[serde(default)]
    pub occurred_on: String,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub suspected: String,
    #[serde(default)]
    pub data_form: String,
    #[serde(default)]
    pub pseudonymized: String,
    #[serde(default)]
    pub recovered_before_viewed: String,
    #[serde(default)]
    pub copy_kept_elsewhere: String,
    #[serde(default)]
    pub advanced_encryption: String,
    #[serde(default)]
    pub key_compromised: String,
    #[serde(default)]
    pub data_items: Vec<String>,
    #[serde(default)]
    pub sensitive: String,
    #[serde(default)]
    pub ordinance_sensitive: String,
    #[serde(default)]
    pub financial_damage_risk: String,
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub malicious: String,
    #[serde(default)]
    pub persons: String,
    #[serde(default)]
    pub entrustee: String,
    #[serde(default)]
    pub entruster_notified: String,
    #[serde(default)]
    pub notice_difficult: String,
    #[serde(default)]
    pub non_disclosure_info: String,
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}

fn opt_yes_no(b: Option<bool>) -> String {
    b.map(yes_no).unwrap_or_default()
}

impl FactsForm {
    /// The form filled from stored facts.
    pub fn from_facts(f: &Facts) -> Self {
        Self {
            known_on: f.known_on.to_string(),
            occurred_on: f.occurred_on.map(|d| d.to_string()).unwrap_or_default(),
            events: f.events.iter().map(|e| e.en().to_owned()).collect(),
            suspected: yes_no(f.suspected),
            data_form: match f.data_form {
                DataForm::PersonalData => "personal_data",
                DataForm::BeingAcquired => "being_acquired",
                DataForm::NotPersonalData => "not_personal_data",
            }
            .to_owned(),
            pseudonymized: yes_no(f.pseudonymized),
            recovered_before_viewed: yes_no(f.recovered_before_viewed),
            copy_kept_elsewhere: yes_no(f.copy_kept_elsewhere),
            advanced_encryption: yes_no(f.advanced_encryption),
            key_compromised: yes_no(f.key_compromised),
            data_items: f.data_items.iter().map(|i| i.code().to_owned()).collect(),
            sensitive: opt_yes_no(f.sensitive),
            ordinance_sensitive: yes_no(f.ordinance_sensitive),
            financial_damage_risk: opt_yes_no(f.financial_damage_risk),
            cause: f.cause.map(|c| c.code().to_owned()).unwrap_or_default(),
            malicious: opt_yes_no(f.malicious),
            persons: f.persons.map(|p| p.to_string()).unwrap_or_default(),
            entrustee: yes_no(f.entrustee),
            entruster_notified: yes_no(f.entruster_notified),
            notice_difficult: yes_no(f.notice_difficult),
            non_disclosure_info: yes_no(f.non_disclosure_info),
            ..Self::default()
        }
    }

    fn raw(&self, q: Question) -> &str {
        match q {
            Question::KnownOn => &self.known_on,
            Question::OccurredOn => &self.occurred_on,
            Question::Suspected => &self.suspected,
            Question::DataForm => &self.data_form,
            Question::Pseudonymized => &self.pseudonymized,
            Question::RecoveredBeforeViewed => &self.recovered_before_viewed,
            Question::CopyKeptElsewhere => &self.copy_kept_elsewhere,
            Question::AdvancedEncryption => &self.advanced_encryption,
            Question::KeyCompromised => &self.key_compromised,
            Question::Sensitive => &self.sensitive,
            Question::OrdinanceSensitive => &self.ordinance_sensitive,
            Question::FinancialDamageRisk => &self.financial_damage_risk,
            Question::Cause => &self.cause,
            Question::Malicious => &self.malicious,
            Question::Persons => &self.persons,
            Question::Entrustee => &self.entrustee,
            Question::EntrusterNotified => &self.entruster_notified,
            Question::NoticeDifficult => &self.notice_difficult,
            Question::NonDisclosureInfo => &self.non_disclosure_info,
            Question::Events | Question::DataItems => "",
        }
    }
}

/// Every question the form may ask, in order.
const ALL_QUESTIONS: &[Question] = &[
    Question::KnownOn,
    Question::Events,
    Question::Suspected,
    Question::OccurredOn,
    Question::DataForm,
    Question::Pseudonymized,
    Question::RecoveredBeforeViewed,
    Question::CopyKeptElsewhere,
    Question::AdvancedEncryption,
    Question::KeyCompromised,
    Question::DataItems,
    Question::Sensitive,
    Question::OrdinanceSensitive,
    Question::FinancialDamageRisk,
    Question::Cause,
    Question::Malicious,
    Question::Persons,
    Question::Entrustee,
    Question::EntrusterNotified,
    Question::NoticeDifficult,
    Question::NonDisclosureInfo,
];

/// Parses the answers to the questions in `shown` (the others keep their defaults), collecting
/// an error per bad answer. Always returns facts the interview can run on.
fn parse_facts(
    form: &FactsForm,
    regime: Regime,
    today: jiff::civil::Date,
    shown: &[Question],
    c: &Chrome,
) -> (Facts, FieldErrors) {
    let mut errors = FieldErrors::default();
    let mut f = Facts {
        regime,
        known_on: today,
        occurred_on: None,
        events: Vec::new(),
        suspected: false,
        recovered_before_viewed: false,
        copy_kept_elsewhere: false,
        data_form: DataForm::PersonalData,
        data_items: Vec::new(),
        sensitive: None,
        ordinance_sensitive: false,
        financial_damage_risk: None,
        cause: None,
        malicious: None,
        persons: None,
        advanced_encryption: false,
        key_compromised: false,
        pseudonymized: false,
        entrustee: false,
        entruster_notified: false,
        notice_difficult: false,
        non_disclosure_info: false,
    };
    let yes = |s: &str| s == "yes";
    let tri = |s: &str| match s {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    for q in shown {
        let raw = form.raw(*q).trim();
        match q {
            Question::KnownOn => match roei_law::facts::parse_iso_date(raw) {
                Ok(d) => f.known_on = d,
                Err(_) => errors.add("known_on", c.s("error.date")),
            },
            Question::OccurredOn if !raw.is_empty() => match roei_law::facts::parse_iso_date(raw) {
                Ok(d) => f.occurred_on = Some(d),
                Err(_) => errors.add("occurred_on", c.s("error.date")),
            },
            Question::OccurredOn => {}
            Question::Events => {
                for e in &form.events {
                    let ev = match e.as_str() {
                        "leak" => Event::Leak,
                        "loss" => Event::Loss,
                        "damage" => Event::Damage,
                        _ => {
                            errors.add("events", c.s("error.choice"));
                            continue;
                        }
                    };
                    if !f.events.contains(&ev) {
                        f.events.push(ev);
                    }
                }
            }
            Question::Suspected => f.suspected = yes(raw),
            Question::DataForm => {
                f.data_form = match raw {
                    "" | "personal_data" => DataForm::PersonalData,
                    "being_acquired" => DataForm::BeingAcquired,
                    "not_personal_data" => DataForm::NotPersonalData,
                    _ => {
                        errors.add("data_form", c.s("error.choice"));
                        DataForm::PersonalData
                    }
                }
            }
            Question::Pseudonymized => f.pseudonymized = yes(raw),
            Question::RecoveredBeforeViewed => f.recovered_before_viewed = yes(raw),
            Question::CopyKeptElsewhere => f.copy_kept_elsewhere = yes(raw),
            Question::AdvancedEncryption => f.advanced_encryption = yes(raw),
            Question::KeyCompromised => f.key_compromised = yes(raw),
            Question::DataItems => {
                for code in &form.data_items {
                    match DataItem::from_code(code) {
                        Some(i) if !f.data_items.contains(&i) => f.data_items.push(i),
                        Some(_) => {}
                        None => errors.add("data_items", c.s("error.choice")),
                    }
                }
            }
            Question::Sensitive => f.sensitive = tri(raw),
            Question::OrdinanceSensitive => f.ordinance_sensitive = yes(raw),
            Question::FinancialDamageRisk => f.financial_damage_risk = tri(raw),
            Question::Cause | Question::Persons if raw.is_empty() => {}
            Question::Cause => match Cause::from_code(raw) {
                Some(x) => f.cause = Some(x),
                None => errors.add("cause", c.s("error.choice")),
            },
            Question::Malicious => f.malicious = tri(raw),
            Question::Persons => {
                let digits: String = raw
                    .chars()
                    .filter(|ch| *ch != ',' && *ch != '，')
                    .map(|ch| match ch {
                        '０'..='９' => {
                            char::from_u32(ch as u32 - '０' as u32 + '0' as u32).unwrap_or(ch)
                        }
                        other => other,
                    })
                    .collect();
                match digits.parse::<u64>() {
                    Ok(n) => f.persons = Some(n),
                    Err(_) => errors.add("persons", c.s("error.number")),
                }
            }
            Question::Entrustee => f.entrustee = yes(raw),
            Question::EntrusterNotified => f.entruster_notified = yes(raw),
            Question::NoticeDifficult => f.notice_difficult = yes(raw),
            Question::NonDisclosureInfo => f.non_disclosure_info = yes(raw),
        }
    }
    (f, errors)
}

/// Runs the interview to its fixed point: the facts are read from the questions shown, and the
/// questions shown follow from the facts.
fn interview_state(
    form: &FactsForm,
    regime: Regime,
    today: jiff::civil::Date,
    c: &Chrome,
) -> (Facts, Vec<interview::Ask>, FieldErrors) {
    let (mut facts, mut errors) = parse_facts(form, regime, today, ALL_QUESTIONS, c);
    let mut asks = interview::questions(&facts);
    for _ in 0..6 {
        let shown: Vec<Question> = asks.iter().map(|a| a.question).collect();
        let (f, e) = parse_facts(form, regime, today, &shown, c);
        let next = interview::questions(&f);
        facts = f;
        errors = e;
        if next == asks {
            break;
        }
        asks = next;
    }
    (facts, asks, errors)
}

/// An option of a choice control.
#[derive(Debug)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// A group of data-item checkboxes.
#[derive(Debug)]
pub struct OptGroup {
    pub label: &'static str,
    pub options: Vec<Opt>,
}

/// One question, ready to show.
#[derive(Debug)]
pub struct QuestionView {
    pub field: &'static str,
    pub label: &'static str,
    pub why: &'static str,
    pub for_report: bool,
    /// `date`, `checks`, `yesno`, `tri`, `select`, `number`, `items`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Opt>,
    pub groups: Vec<OptGroup>,
    pub error: Option<String>,
}

fn question_view(
    ask: &interview::Ask,
    form: &FactsForm,
    errors: &FieldErrors,
    c: &Chrome,
) -> QuestionView {
    let q = ask.question;
    let lang = c.lang;
    let label = match lang {
        Lang::Ja => q.ja(),
        Lang::En => q.en(),
    };
    let why = match lang {
        Lang::Ja => ask.why_ja,
        Lang::En => ask.why_en,
    };
    let kind = match q {
        Question::KnownOn | Question::OccurredOn => "date",
        Question::Events => "checks",
        Question::Sensitive | Question::FinancialDamageRisk | Question::Malicious => "tri",
        Question::DataForm | Question::Cause => "select",
        Question::Persons => "number",
        Question::DataItems => "items",
        _ => "yesno",
    };
    let pick = |en: &str, ja: &str| -> String {
        match lang {
            Lang::Ja => ja.to_owned(),
            Lang::En => en.to_owned(),
        }
    };
    let options = match q {
        Question::Events => [Event::Leak, Event::Loss, Event::Damage]
            .iter()
            .map(|e| Opt {
                value: e.en().to_owned(),
                label: pick(e.en(), e.ja()),
                checked: form.events.iter().any(|v| v == e.en()),
            })
            .collect(),
        Question::DataForm => ["personal_data", "being_acquired", "not_personal_data"]
            .iter()
            .map(|v| Opt {
                value: (*v).to_owned(),
                label: c.s(&format!("data_form.{v}")).to_owned(),
                checked: form.data_form == *v
                    || (form.data_form.is_empty() && *v == "personal_data"),
            })
            .collect(),
        Question::Cause => std::iter::once(Opt {
            value: String::new(),
            label: c.s("interview.select").to_owned(),
            checked: form.cause.is_empty(),
        })
        .chain(Cause::ALL.iter().map(|x| Opt {
            value: x.code().to_owned(),
            label: pick(x.en(), x.ja()),
            checked: form.cause == x.code(),
        }))
        .collect(),
        _ => Vec::new(),
    };
    let groups = if q == Question::DataItems {
        let group = |label: &'static str, pred: &dyn Fn(DataItem) -> bool| OptGroup {
            label,
            options: DataItem::ALL
                .iter()
                .filter(|i| pred(**i))
                .map(|i| Opt {
                    value: i.code().to_owned(),
                    label: pick(i.en(), i.ja()),
                    checked: form.data_items.iter().any(|v| v == i.code()),
                })
                .collect(),
        };
        let financial = |i: DataItem| {
            matches!(
                i,
                DataItem::CardNumber
                    | DataItem::CardLast4
                    | DataItem::CardExpiry
                    | DataItem::CardSecurityCode
                    | DataItem::BankAccount
                    | DataItem::BankPin
                    | DataItem::OnlineBankingCredentials
                    | DataItem::PaymentServiceCredentials
                    | DataItem::Password
            )
        };
        vec![
            group(c.s("items.group.basic"), &|i| {
                !i.is_sensitive() && !financial(i)
            }),
            group(c.s("items.group.financial"), &financial),
            group(c.s("items.group.sensitive"), &DataItem::is_sensitive),
        ]
    } else {
        Vec::new()
    };
    QuestionView {
        field: q.field(),
        label,
        why,
        for_report: ask.need == Need::ForTheReport,
        kind,
        value: form.raw(q).to_owned(),
        options,
        groups,
        error: errors.get(q.field()).map(str::to_owned),
    }
}

// ---------------------------------------------------------------------------------------------
// The determination panel.

/// A determination, ready to show (from a stored record, so the page shows what was decided).
#[derive(Debug)]
pub struct DetView {
    pub required: bool,
    pub rule: String,
    pub law_version: String,
    pub items: Vec<String>,
    pub exemptions: Vec<&'static str>,
    pub notice: Option<bool>,
    pub quick: Option<String>,
    pub final_due: Option<String>,
    pub final_days: Option<i64>,
    pub rolled: Vec<String>,
    pub entruster_notice_required: bool,
    pub police: bool,
    pub reasons: Vec<(String, String)>,
}

fn item_text(rule: &str, item: u8, lang: Lang) -> String {
    let public = rule.contains("43");
    let (ja, en) = match item {
        1 => ("要配慮個人情報", "sensitive personal information"),
        2 => ("財産的被害のおそれ", "risk of financial damage"),
        3 => ("不正の目的のおそれ", "possibly malicious act"),
        4 if public => ("本人の数が百人超", "over 100 persons"),
        4 => ("本人の数が千人超", "over 1,000 persons"),
        5 => (
            "条例要配慮個人情報",
            "ordinance-defined sensitive information",
        ),
        _ => ("", ""),
    };
    match lang {
        Lang::Ja => format!("{rule}{item}号（{ja}）"),
        Lang::En => format!(
            "{} item {item} ({en})",
            if public { "Rule 43" } else { "Rule 7" }
        ),
    }
}

impl DetView {
    /// From a stored determination record.
    pub fn from_record(r: &DeterminationRecord, c: &Chrome) -> Self {
        let d = &r.determination;
        let lang = c.lang;
        let s = |k: &str| {
            d.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let date = |v: Option<&serde_json::Value>| {
            v.and_then(|v| v.as_str())
                .and_then(|s| roei_law::facts::parse_iso_date(s).ok())
        };
        let rule = s("rule");
        let items: Vec<String> = r
            .items()
            .iter()
            .map(|i| item_text(&rule, *i, lang))
            .collect();
        let exemptions = d
            .get("exemptions")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.as_str())
                    .map(|e| c.s(&format!("exemption.{e}")))
                    .collect()
            })
            .unwrap_or_default();
        let quick = d.get("quick_report_guide").and_then(|g| {
            let from = date(g.get("from"))?;
            let to = date(g.get("to"))?;
            Some(format!("{} ～ {}", c.date(from), c.date(to)))
        });
        let rolled = d
            .get("final_report_rolled_over")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| {
                        let day = date(x.get("date"))?;
                        let why = x
                            .get(if lang == Lang::Ja { "why" } else { "why_en" })
                            .and_then(|v| v.as_str())
                            .unwrap_or_default();
                        Some(format!("{}: {why}", c.date(day)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let reasons = d
            .get("reasons")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .map(|x| {
                        let get = |k: &str| {
                            x.get(k)
                                .and_then(|v| v.as_str())
                                .unwrap_or_default()
                                .to_owned()
                        };
                        match lang {
                            Lang::Ja => (get("citation"), get("text")),
                            Lang::En => (get("citation_en"), get("text_en")),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            required: r.report_required,
            rule,
            law_version: r.law_version.clone(),
            items,
            exemptions,
            notice: d
                .get("individual_notice_required")
                .and_then(serde_json::Value::as_bool),
            quick,
            final_due: r.final_report_due.map(|x| c.date(x)),
            final_days: d
                .get("final_report_days")
                .and_then(serde_json::Value::as_i64),
            rolled,
            entruster_notice_required: d
                .get("entruster_notice_required")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false),
            police: d
                .get("police_consultation_recommended")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false),
            reasons,
        }
    }
}

#[derive(Template)]
#[template(path = "interview.html")]
struct InterviewPage<'a> {
    c: &'a Chrome,
    /// `/cases/new` or `/cases/{id}/facts`.
    action: String,
    editing: bool,
    case_id: String,
    form: &'a FactsForm,
    regime_label: &'static str,
    questions: Vec<QuestionView>,
    det: Option<DetView>,
    errors: FieldErrors,
    /// (field, "label: message") in the form's order.
    summary: Vec<(String, String)>,
}

fn regime_label(r: Regime, c: &Chrome) -> &'static str {
    c.s(&format!("setup.regime.{}", r.as_str()))
}

#[allow(clippy::too_many_arguments)]
fn interview_response(
    page: &Page,
    status: StatusCode,
    action: String,
    editing: bool,
    case_id: String,
    form: &FactsForm,
    extra_errors: FieldErrors,
) -> Response {
    let c = &page.c;
    let regime = page.actor.org.regime.unwrap_or_default();
    let (facts, asks, mut errors) = interview_state(form, regime, c.today, c);
    errors.0.extend(extra_errors.0);
    let det = (!facts.events.is_empty() && facts.validate().is_ok()).then(|| {
        DetView::from_record(
            &DeterminationRecord::assess(CaseId(Uuid::nil()), 0, &facts, None, c.now),
            c,
        )
    });
    let questions: Vec<QuestionView> = asks
        .iter()
        .map(|a| question_view(a, form, &errors, c))
        .collect();
    // The summary follows the form's order and names each field.
    let summary = errors.summary(|field| {
        if field == "title" {
            return Some((0, c.s("interview.case_title").to_owned()));
        }
        let i = questions.iter().position(|q| q.field == field)?;
        Some((i + 1, questions[i].label.to_owned()))
    });
    render(
        status,
        &InterviewPage {
            c,
            action,
            editing,
            case_id,
            form,
            regime_label: regime_label(regime, c),
            questions,
            det,
            errors,
            summary,
        },
    )
}

/// What a save refuses beyond the answers' own errors (`parsed`, which the page shows anyway):
/// a missing title, no event, the facts' cross-field rules.
fn save_errors(
    form: &FactsForm,
    facts: &Facts,
    parsed: &FieldErrors,
    need_title: bool,
    c: &Chrome,
) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if need_title && form.title.trim().is_empty() {
        errors.add(
            "title",
            if c.is_ja() {
                "事案名を入力してください"
            } else {
                "enter a title"
            },
        );
    }
    if facts.events.is_empty() && !parsed.has("events") {
        errors.add("events", c.s("error.events_required"));
    }
    if errors.is_empty()
        && parsed.is_empty()
        && let Err(e) = facts.validate()
    {
        errors.add(e.field, e.problem);
    }
    errors
}

async fn new_case(page: Page) -> Response {
    let form = FactsForm {
        known_on: page.c.today.to_string(),
        ..FactsForm::default()
    };
    interview_response(
        &page,
        StatusCode::OK,
        "/cases/new".into(),
        false,
        String::new(),
        &form,
        FieldErrors::default(),
    )
}

async fn new_case_post(
    State(st): State<AppState>,
    page: Page,
    Form(form): Form<FactsForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    let redo = |status, errors| {
        interview_response(
            &page,
            status,
            "/cases/new".into(),
            false,
            String::new(),
            &form,
            errors,
        )
    };
    if form.action != "create" {
        return redo(StatusCode::OK, FieldErrors::default());
    }
    let regime = page.actor.org.regime.unwrap_or_default();
    let (facts, _, parsed) = interview_state(&form, regime, page.c.today, &page.c);
    let errors = save_errors(&form, &facts, &parsed, true, &page.c);
    if !parsed.is_empty() || !errors.is_empty() {
        return redo(StatusCode::UNPROCESSABLE_ENTITY, errors);
    }
    match service::open_case(&*st.store, &page.actor, &form.title, facts, st.now()).await {
        Ok((case, _)) => redirect(&format!("/cases/{}", case.id)),
        Err(e) => match FieldErrors::from_domain(&e, facts_field) {
            Some(errors) => redo(StatusCode::UNPROCESSABLE_ENTITY, errors),
            None => page.fail(&e),
        },
    }
}

/// A use case's field path (`facts.persons`) as the form's control name.
fn facts_field(f: &str) -> String {
    f.strip_prefix("facts.").unwrap_or(f).to_owned()
}

async fn edit_facts(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let case = match load_case(&st, &page, &id).await {
        Ok(c) => c,
        Err(e) => return page.fail(&e),
    };
    let mut form = FactsForm::from_facts(&case.facts);
    form.expected_version = case.version.to_string();
    interview_response(
        &page,
        StatusCode::OK,
        format!("/cases/{}/facts", case.id),
        true,
        case.id.to_string(),
        &form,
        FieldErrors::default(),
    )
}

async fn edit_facts_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(form): Form<FactsForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    let case = match load_case(&st, &page, &id).await {
        Ok(c) => c,
        Err(e) => return page.fail(&e),
    };
    let action = format!("/cases/{}/facts", case.id);
    let redo = |status, errors| {
        interview_response(
            &page,
            status,
            action.clone(),
            true,
            case.id.to_string(),
            &form,
            errors,
        )
    };
    if form.action != "save" {
        return redo(StatusCode::OK, FieldErrors::default());
    }
    let regime = page.actor.org.regime.unwrap_or_default();
    let (facts, _, parsed) = interview_state(&form, regime, page.c.today, &page.c);
    let errors = save_errors(&form, &facts, &parsed, false, &page.c);
    if !parsed.is_empty() || !errors.is_empty() {
        return redo(StatusCode::UNPROCESSABLE_ENTITY, errors);
    }
    let version = form.expected_version.parse().unwrap_or(case.version);
    match service::update_facts(&*st.store, &page.actor, case.id, version, facts, st.now()).await {
        Ok(_) => redirect(&format!("/cases/{}", case.id)),
        Err(e) => match FieldErrors::from_domain(&e, facts_field) {
            Some(errors) => redo(StatusCode::UNPROCESSABLE_ENTITY, errors),
            None => page.fail(&e),
        },
    }
}

async fn load_case(st: &AppState, page: &Page, id: &str) -> Result<IncidentCase, DomainError> {
    service::operator_case(&*st.store, &page.actor, case_id(id)?).await
}

// ---------------------------------------------------------------------------------------------
// The case page.

/// A submitted version, in a list.
#[derive(Debug)]
pub struct SubmissionRow {
    pub seq: i64,
    pub stage: &'static str,
    pub submitted_at: String,
    pub acknowledged_at: Option<String>,
}

/// A past determination, in the history.
#[derive(Debug)]
pub struct DetHistoryRow {
    pub seq: i64,
    pub at: String,
    pub required: bool,
    pub items: String,
    pub due: String,
    pub law_version: String,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage<'a> {
    c: &'a Chrome,
    case: &'a IncidentCase,
    id: String,
    open: bool,
    can_write: bool,
    known_on: String,
    det: DetView,
    card: Option<CardView>,
    history: Vec<DetHistoryRow>,
    submissions: Vec<SubmissionRow>,
    police_introduced: bool,
}

async fn case_page(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    match case_page_inner(&st, &page, &id).await {
        Ok(res) => res,
        Err(e) => page.fail(&e),
    }
}

async fn case_page_inner(st: &AppState, page: &Page, id: &str) -> Result<Response, DomainError> {
    let store = &*st.store;
    let case = load_case(st, page, id).await?;
    let c = &page.c;
    let records = service::determinations(store, &page.actor, case.id).await?;
    let Some(latest) = records.last() else {
        return Err(DomainError::NotFound);
    };
    let subs = reporting::submissions(store, &page.actor, case.id).await?;
    let actions = casework::regulator_actions(store, &page.actor, case.id).await?;
    // The case's card, from what is loaded already (the board would read every case).
    let overview = roei_domain::records::CaseOverview {
        case: case.clone(),
        law_version: latest.law_version.clone(),
        report_required: latest.report_required,
        items: latest.items(),
        quick_report_to: latest
            .determination
            .pointer("/quick_report_guide/to")
            .and_then(|v| v.as_str())
            .and_then(|s| roei_law::facts::parse_iso_date(s).ok()),
        final_report_due: latest.final_report_due,
        stages: subs.iter().map(|s| s.submission.stage).collect(),
    };
    let card = (case.status == CaseStatus::Open)
        .then(|| card_view(c, &reporting::board_card(overview, c.today)));
    let history = records
        .iter()
        .rev()
        .map(|r| DetHistoryRow {
            seq: r.seq,
            at: c.moment(r.assessed_at),
            required: r.report_required,
            items: items_label(&r.items(), c.lang),
            due: c.opt_date(r.final_report_due),
            law_version: r.law_version.clone(),
        })
        .collect();
    let submissions = subs
        .iter()
        .map(|s| SubmissionRow {
            seq: s.submission.seq,
            stage: match c.lang {
                Lang::Ja => s.submission.stage.ja(),
                Lang::En => stage_en(s.submission.stage.as_str()),
            },
            submitted_at: c.moment(s.submission.submitted_at),
            acknowledged_at: s.submission.acknowledged_at.map(|t| c.moment(t)),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &CasePage {
            c,
            case: &case,
            id: case.id.to_string(),
            open: case.status == CaseStatus::Open,
            can_write: page.actor.user.role.can_write(),
            known_on: c.date(case.known_on),
            det: DetView::from_record(latest, c),
            card,
            history,
            submissions,
            police_introduced: actions
                .iter()
                .any(|a| a.kind == RegulatorActionKind::PoliceIntroduction),
        },
    ))
}

/// The English name of a report stage.
pub fn stage_en(stage: &str) -> &'static str {
    match stage {
        "quick_report" => "Quick report (速報)",
        "final_report" => "Final report (確報)",
        _ => "Supplement (追完)",
    }
}

#[derive(Debug, Default, Deserialize)]
struct StatusForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    expected_version: i64,
}

async fn set_status(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    let status = match form.status.as_str() {
        "closed" => CaseStatus::Closed,
        _ => CaseStatus::Open,
    };
    let result = async {
        let id = case_id(&id)?;
        service::set_case_status(
            &*st.store,
            &page.actor,
            id,
            form.expected_version,
            status,
            st.now(),
        )
        .await
    }
    .await;
    match result {
        Ok(case) => redirect(&format!("/cases/{}", case.id)),
        Err(e) => page.fail(&e),
    }
}
