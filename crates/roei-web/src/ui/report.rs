//! The operator's report pages: the editor of the header and the nine matters of 規則8条1項
//! (別記様式第一) with the 確報 checklist, the confirmation page showing exactly what will be
//! sent, and the version history with the changes between versions.
//!
//! Every control is named after the domain's field path with `.` turned into `_`
//! (`summary.course_of_events` → `summary_course_of_events`), so a use case's error lands
//! beside its field. The editor's stage buttons save what was typed and open the
//! confirmation page for the saved draft version; only that page sends.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use jiff::civil::Date;
use roei_domain::auth::random_token;
use roei_domain::model::{CaseStatus, IncidentCase};
use roei_domain::report::{
    CURRENT_FORM_VERSION, FieldChange, FormOption, FormOptions, Missing, ReportContent,
    ReportStage, diff,
};
use roei_domain::reporting::{self, DraftView, SubmissionView, SubmitRequest};
use roei_domain::{DomainError, service};
use serde::Deserialize;
use serde_json::Value;

use super::cases::{DetView, case_id, items_label, stage_en};
use super::forms::FieldErrors;
use super::{Chrome, Lang, Page, redirect, render};
use crate::AppState;

pub(crate) const TEXT: &[(&str, &str, &str)] = &[
    ("report.title", "報告書の作成", "Report editor"),
    (
        "report.intro",
        "個人情報保護委員会への漏えい等報告（別記様式第一）の内容です。分かっていることから記入し、保存してください。速報は分かっている範囲で提出でき、確報では9つの事項すべてが必要です。",
        "The content of the breach report to the Commission (form 1). Fill in what you know and save. A quick report may be partial; a final report needs all nine matters.",
    ),
    ("report.back_to_case", "事案に戻る", "Back to the case"),
    ("report.det.title", "判定の要点", "Determination"),
    ("report.det.items", "該当する号", "Items that apply"),
    ("report.det.quick", "速報（目安）", "Quick report (guide)"),
    ("report.det.final", "確報期限", "Final report due"),
    (
        "report.det.not_required",
        "最新の判定では報告義務はありません。",
        "The latest determination requires no report.",
    ),
    ("report.version", "下書きの版", "Draft version"),
    ("report.saved_at", "最終保存", "Last saved"),
    (
        "report.never_saved",
        "まだ保存されていません。事案の情報から下書きを用意しました。",
        "Not saved yet: this draft was prepared from the case.",
    ),
    (
        "report.saved",
        "下書きを保存しました（第{v}版）。",
        "The draft was saved (version {v}).",
    ),
    (
        "report.conflict",
        "この下書きは、あなたが開いた後に別の担当者が保存しています（現在は第{v}版）。あなたの入力は下に残っています。必要なら別のタブで最新の内容を確認し、もう一度保存してください（もう一度保存すると、あなたの入力で上書きします）。",
        "Someone else saved this draft after you opened it (it is now version {v}). What you typed is kept below. Check the latest draft in another tab if needed, then save again (saving again overwrites it with your input).",
    ),
    (
        "report.viewer",
        "閲覧者のため、この報告書は表示のみです（保存・提出はできません）。",
        "You are a viewer: this report is read-only (no saving or submitting).",
    ),
    (
        "report.closed",
        "この事案は終了しています。提出するには事案を再開してください。",
        "This case is closed; reopen it to submit.",
    ),
    (
        "report.checklist.title",
        "確報に必要な事項",
        "What the final report still needs",
    ),
    (
        "report.checklist.intro",
        "確報には次のすべてが必要です（規則8条1項）。未記入の項目を選ぶと、その欄へ移動します。",
        "A final report needs all of these (Rule 8(1)). Choose a missing entry to go to its field.",
    ),
    ("report.checklist.done", "記入済み", "complete"),
    ("report.checklist.todo", "未記入あり", "incomplete"),
    (
        "report.checklist.complete",
        "すべての事項が記入されています。確報を提出できます。",
        "Every matter is filled in: the final report can be submitted.",
    ),
    ("report.matter.0", "報告者", "Reporter"),
    ("report.matter.1", "概要", "Summary"),
    (
        "report.matter.2",
        "漏えい等が発生し、又は発生したおそれがある個人データの項目",
        "Personal data items leaked, lost or damaged (or possibly so)",
    ),
    ("report.matter.3", "本人の数", "Number of persons"),
    ("report.matter.4", "原因", "Cause"),
    (
        "report.matter.5",
        "二次被害又はそのおそれの有無及びその内容",
        "Secondary harm or its risk, and what it is",
    ),
    (
        "report.matter.6",
        "本人への対応の実施状況",
        "Measures taken for the individuals",
    ),
    ("report.matter.7", "公表の実施状況", "Publication"),
    (
        "report.matter.8",
        "再発防止のための措置",
        "Measures to prevent recurrence",
    ),
    ("report.matter.9", "その他参考となる事項", "Other matters"),
    ("report.f.form_version", "様式の版", "Form version"),
    (
        "report.f.header.reporter_name",
        "報告者の氏名又は名称",
        "Reporter (name of the organisation)",
    ),
    ("report.f.header.address", "住所・所在地", "Address"),
    (
        "report.f.header.representative",
        "代表者の氏名",
        "Representative",
    ),
    (
        "report.f.header.corporate_number",
        "法人番号",
        "Corporate number",
    ),
    ("report.f.header.sector", "業種", "Sector"),
    (
        "report.f.header.contact_department",
        "担当部署",
        "Contact department",
    ),
    (
        "report.f.header.contact_name",
        "担当者の氏名",
        "Contact person",
    ),
    (
        "report.f.header.contact_phone",
        "担当者の電話番号",
        "Contact phone",
    ),
    (
        "report.f.header.contact_email",
        "担当者のメールアドレス",
        "Contact e-mail",
    ),
    ("report.f.summary.occurred_on", "発生日", "Date it occurred"),
    (
        "report.f.summary.discovered_on",
        "発覚日",
        "Date it was discovered",
    ),
    ("report.f.summary.incident", "発生事案", "What happened"),
    (
        "report.f.summary.certainty",
        "発生したか、そのおそれか",
        "Occurred, or may have occurred",
    ),
    ("report.f.summary.discoverer", "発見者", "Who discovered it"),
    (
        "report.f.summary.applicable_items",
        "規則7条各号該当性",
        "Items of Rule 7 that apply",
    ),
    (
        "report.f.summary.has_entruster",
        "委託元の有無",
        "Entruster",
    ),
    (
        "report.f.summary.has_entrustee",
        "委託先の有無",
        "Entrustee",
    ),
    (
        "report.f.summary.course_of_events",
        "事実経過",
        "Course of events",
    ),
    (
        "report.f.summary.external_investigation",
        "外部機関による調査の実施状況",
        "Investigation by an outside body",
    ),
    ("report.f.data_items.media", "媒体", "Medium"),
    (
        "report.f.data_items.media_other",
        "媒体（その他の内容）",
        "Medium (other: what)",
    ),
    ("report.f.data_items.kinds", "種類", "Kind of information"),
    (
        "report.f.data_items.kinds_other",
        "種類（その他の内容）",
        "Kind (other: what)",
    ),
    ("report.f.data_items.items", "項目", "Items"),
    (
        "report.f.data_items.items_other",
        "項目（その他の内容）",
        "Items (other: what)",
    ),
    ("report.f.persons.count", "人数", "Number of persons"),
    (
        "report.f.persons.with_card",
        "うちクレジットカード情報を含む人数",
        "Of whom with credit card information",
    ),
    ("report.f.cause.actor", "主体", "Where it happened"),
    ("report.f.cause.category", "原因", "Cause"),
    (
        "report.f.cause.category_other",
        "原因（その他の内容）",
        "Cause (other: what)",
    ),
    ("report.f.cause.attack_point", "攻撃箇所", "Point of attack"),
    ("report.f.cause.attack_method", "攻撃手法", "Attack method"),
    (
        "report.f.cause.details",
        "原因の詳細",
        "Details of the cause",
    ),
    (
        "report.f.secondary_harm.status",
        "二次被害又はそのおそれの有無",
        "Secondary harm or its risk",
    ),
    (
        "report.f.secondary_harm.details",
        "二次被害の内容",
        "What the secondary harm is",
    ),
    (
        "report.f.individual_response.status",
        "本人への対応",
        "Measures for the individuals",
    ),
    (
        "report.f.individual_response.details",
        "対応の詳細",
        "Details of the measures",
    ),
    (
        "report.f.publication.status",
        "事案の公表",
        "Publication of the incident",
    ),
    (
        "report.f.publication.date",
        "公表日（予定日）",
        "Date published (or planned)",
    ),
    (
        "report.f.publication.methods",
        "公表の方法",
        "How it is published",
    ),
    (
        "report.f.publication.methods_other",
        "公表の方法（その他の内容）",
        "How (other: what)",
    ),
    (
        "report.f.publication.text",
        "公表文",
        "Text of the publication",
    ),
    (
        "report.f.prevention.done",
        "実施済の措置",
        "Measures already taken",
    ),
    (
        "report.f.prevention.planned",
        "今後実施予定の措置（長期に講ずる措置を含む）及び完了時期",
        "Measures planned (incl. long-term) and when they will be complete",
    ),
    (
        "report.f.other",
        "その他参考となる事項",
        "Other matters for reference",
    ),
    (
        "report.h.header.reporter_name",
        "担当者の氏名ではなく、事業者等の名称を記入します。",
        "The organisation, not the person filling in the form.",
    ),
    (
        "report.h.header.corporate_number",
        "13桁の数字",
        "13 digits",
    ),
    (
        "report.h.header.contact_name",
        "確報には担当者と、電話番号又はメールアドレスのいずれかが必要です。",
        "A final report needs a contact person and a phone number or e-mail address.",
    ),
    ("report.h.date", "例: 2026-11-18", "e.g. 2026-11-18"),
    (
        "report.h.summary.occurred_on",
        "分からなければ空欄のままにします。例: 2026-11-18",
        "Leave blank if unknown. e.g. 2026-11-18",
    ),
    (
        "report.h.summary.course_of_events",
        "概要、発覚の経緯、発覚後の事実経過を時系列で記入します。",
        "A summary, how it was discovered and what happened since, in time order.",
    ),
    (
        "report.h.summary.external_investigation",
        "3号（不正の目的のおそれ）に該当する場合に記入します。",
        "Required when item 3 (possibly malicious act) applies.",
    ),
    (
        "report.h.persons.count",
        "確定していない場合は、最大となり得る人数を記入します。",
        "If not fixed, the largest number it may be.",
    ),
    (
        "report.h.cause.attack",
        "原因が不正アクセスの場合に記入します。",
        "Required when the cause is unauthorized access.",
    ),
    (
        "report.h.individual_response.details",
        "本人への通知を含みます。予定なしの場合はその理由を記入します。",
        "Including the notice to individuals; if none is planned, say why.",
    ),
    (
        "report.h.prevention",
        "確報には、実施済の措置又は今後実施予定の措置の少なくとも一方が必要です。",
        "A final report needs measures taken or measures planned (at least one).",
    ),
    (
        "report.h.other",
        "特になければ「特になし」と記入します。",
        "If nothing, write \"none\".",
    ),
    (
        "report.h.other_text",
        "「その他」を選んだ場合に記入します。",
        "Fill in when you choose \"other\".",
    ),
    ("report.undecided", "未確定", "Not yet known"),
    ("report.yes", "有", "Yes"),
    ("report.no", "無", "No"),
    (
        "report.item.1",
        "1号 要配慮個人情報",
        "Item 1: sensitive information",
    ),
    (
        "report.item.2",
        "2号 財産的被害のおそれ",
        "Item 2: risk of financial damage",
    ),
    (
        "report.item.3",
        "3号 不正の目的のおそれ",
        "Item 3: possibly malicious act",
    ),
    (
        "report.item.4",
        "4号 本人の数が千人を超える",
        "Item 4: over 1,000 persons",
    ),
    (
        "report.item.4_public",
        "4号 本人の数が百人を超える",
        "Item 4: over 100 persons",
    ),
    (
        "report.item.5",
        "5号 条例要配慮個人情報",
        "Item 5: ordinance-sensitive information",
    ),
    ("report.save", "下書きを保存", "Save the draft"),
    ("report.actions", "保存と提出", "Save and submit"),
    (
        "report.submit.quick_report",
        "速報として提出",
        "Submit as quick report (速報)",
    ),
    (
        "report.submit.final_report",
        "確報として提出",
        "Submit as final report (確報)",
    ),
    (
        "report.submit.supplement",
        "追完を提出",
        "Submit a supplement (追完)",
    ),
    (
        "report.submit.hint",
        "提出ボタンを押すと入力内容を保存し、送信内容の確認画面を表示します。まだ送信はされません。",
        "The submit buttons save what you typed and show what will be sent; nothing is sent yet.",
    ),
    (
        "report.final_blocked",
        "未記入の事項があるため、確報はまだ提出できません。「確報に必要な事項」を確認し、記入して保存してください。",
        "The final report cannot be submitted yet: some matters are missing. See \"What the final report still needs\", fill them in and save.",
    ),
    (
        "report.error.date",
        "日付を YYYY-MM-DD の形で入力してください",
        "Enter a date as YYYY-MM-DD",
    ),
    (
        "report.error.number",
        "0以上の整数で入力してください",
        "Enter a whole number, 0 or more",
    ),
    (
        "report.error.choice",
        "選択肢から選んでください",
        "Choose one of the options",
    ),
    (
        "report.error.twice",
        "同じ選択肢が重複しています",
        "An option is chosen twice",
    ),
    (
        "report.error.too_long",
        "{n}文字以内で入力してください",
        "Enter at most {n} characters",
    ),
    (
        "report.error.control",
        "使用できない制御文字が含まれています",
        "Contains characters that are not allowed",
    ),
    (
        "report.error.corporate_number",
        "法人番号は13桁の数字で入力してください",
        "A corporate number has 13 digits",
    ),
    (
        "report.error.email",
        "メールアドレスの形式で入力してください（例: security@example.jp）",
        "Enter an e-mail address (e.g. security@example.jp)",
    ),
    (
        "report.error.with_card",
        "本人の数を超えています",
        "More than the number of persons",
    ),
    (
        "report.error.occurred_after",
        "発生日が発覚日より後になっています",
        "The date it occurred is after the date it was discovered",
    ),
    (
        "report.error.item",
        "該当する号を選択肢から選んでください",
        "Choose items from the list",
    ),
    (
        "report.error.version",
        "フォームの版が不正です。ページを読み込み直してください",
        "The form's version is wrong; reload the page",
    ),
    (
        "report.confirm.title",
        "送信内容の確認",
        "Check what will be sent",
    ),
    (
        "report.confirm.intro",
        "次の内容をそのまま個人情報保護委員会に送信します。送信した版は変更できません（後から分かったことは追完で補います）。",
        "Exactly this will be sent to the Commission. A sent version cannot be changed (later facts go in a supplement).",
    ),
    ("report.confirm.stage", "報告の種類", "Kind of report"),
    ("report.confirm.send", "送信する", "Send"),
    (
        "report.confirm.edit",
        "修正する（編集画面に戻る）",
        "Make changes (back to the editor)",
    ),
    (
        "report.confirm.changes",
        "前回の提出（第{n}版）からの変更",
        "Changes from the last submission (version {n})",
    ),
    (
        "report.confirm.no_changes",
        "前回の提出から変更はありません。",
        "Nothing changed since the last submission.",
    ),
    (
        "report.confirm.first",
        "この事案で初めての提出です。",
        "This is the case's first submission.",
    ),
    (
        "report.confirm.content",
        "送信する内容",
        "What will be sent",
    ),
    (
        "report.confirm.missing",
        "確報には次の事項が不足しているため、送信できません。編集画面で記入してください。",
        "The final report lacks the following, so it cannot be sent. Fill them in in the editor.",
    ),
    (
        "report.confirm.not_saved",
        "下書きがまだ保存されていません。編集画面で保存してから確認してください。",
        "The draft has not been saved yet. Save it in the editor first.",
    ),
    (
        "report.confirm.stage_not_allowed",
        "この種類の報告は、現在は提出できません。",
        "This kind of report cannot be submitted now.",
    ),
    (
        "report.confirm.allowed",
        "現在提出できるもの",
        "What can be submitted now",
    ),
    (
        "report.confirm.draft_changed",
        "確認している間に下書きが変更されました。最新の内容を下に表示しています。確認してから送信してください。",
        "The draft changed while you were checking it. The latest content is shown below; check it before sending.",
    ),
    (
        "report.confirm.supplement_same",
        "追完には変更が必要です。下書きが前回の提出と同じです。",
        "A supplement must change something: the draft equals the last submission.",
    ),
    (
        "report.confirm.once",
        "送信ボタンを何度押しても、送信は一度だけです。",
        "Pressing the button more than once still sends only once.",
    ),
    ("report.blank.quick", "未確定", "Not yet determined"),
    ("report.blank", "記入なし", "Not given"),
    ("report.form_version", "様式", "Form version"),
    (
        "report.history.title",
        "提出履歴と差分",
        "Submissions and changes",
    ),
    (
        "report.history.empty",
        "まだ提出していません。",
        "Nothing has been submitted yet.",
    ),
    ("report.history.seq", "版", "Version"),
    ("report.history.stage", "種類", "Kind"),
    ("report.history.submitted", "提出日時", "Submitted"),
    ("report.history.acknowledged", "受理", "Acknowledged"),
    ("report.history.not_acknowledged", "未受理", "Not yet"),
    ("report.history.version", "第{n}版", "Version {n}"),
    (
        "report.history.changes",
        "第{n}版からの変更",
        "Changes from version {n}",
    ),
    (
        "report.history.no_changes",
        "前の版からの変更はありません。",
        "No changes from the version before.",
    ),
    (
        "report.history.content",
        "この版の内容を表示",
        "Show this version's content",
    ),
    ("report.history.basis", "判定の根拠", "Based on"),
    ("report.history.matter", "事項", "Matter"),
    ("report.history.field", "項目", "Field"),
    ("report.history.before", "変更前", "Before"),
    ("report.history.after", "変更後", "After"),
    (
        "report.history.submitted_notice",
        "送信しました（第{n}版・{stage}）。",
        "Sent (version {n}, {stage}).",
    ),
    (
        "report.history.edit",
        "報告書の編集へ",
        "Go to the report editor",
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/report", get(editor).post(editor_post))
        .route(
            "/cases/{id}/report/confirm",
            get(confirm).post(confirm_post),
        )
        .route("/cases/{id}/history", get(history))
}

// ---------------------------------------------------------------------------------------------
// The fields of the form, in its order.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Long,
    Date,
    Number,
    Tel,
    Email,
    /// One of an option list (with a "not yet known" choice).
    Radio,
    /// 有 / 無 / not yet known.
    Tri,
    /// Any of an option list.
    Checks,
    /// The items of 規則7条 (43条).
    Items,
}

/// One field of the report: its domain path, matter, widget, and the "other" free text of its
/// option list.
#[derive(Debug, Clone, Copy)]
struct Def {
    path: &'static str,
    matter: u8,
    kind: Kind,
    other: Option<&'static str>,
    hint: Option<&'static str>,
    max: usize,
}

const fn def(path: &'static str, matter: u8, kind: Kind) -> Def {
    Def {
        path,
        matter,
        kind,
        other: None,
        hint: None,
        max: 0,
    }
}

const fn hinted(mut d: Def, hint: &'static str) -> Def {
    d.hint = Some(hint);
    d
}

const fn with_other(mut d: Def, other: &'static str) -> Def {
    d.other = Some(other);
    d
}

const fn short(mut d: Def, max: usize) -> Def {
    d.max = max;
    d
}

const FIELDS: &[Def] = &[
    short(
        hinted(
            def("header.reporter_name", 0, Kind::Text),
            "report.h.header.reporter_name",
        ),
        300,
    ),
    short(def("header.address", 0, Kind::Text), 300),
    short(def("header.representative", 0, Kind::Text), 300),
    short(
        hinted(
            def("header.corporate_number", 0, Kind::Text),
            "report.h.header.corporate_number",
        ),
        13,
    ),
    short(def("header.sector", 0, Kind::Text), 300),
    short(def("header.contact_department", 0, Kind::Text), 300),
    short(
        hinted(
            def("header.contact_name", 0, Kind::Text),
            "report.h.header.contact_name",
        ),
        300,
    ),
    short(def("header.contact_phone", 0, Kind::Tel), 40),
    short(def("header.contact_email", 0, Kind::Email), 254),
    hinted(
        def("summary.occurred_on", 1, Kind::Date),
        "report.h.summary.occurred_on",
    ),
    hinted(def("summary.discovered_on", 1, Kind::Date), "report.h.date"),
    def("summary.incident", 1, Kind::Checks),
    def("summary.certainty", 1, Kind::Radio),
    short(def("summary.discoverer", 1, Kind::Text), 300),
    def("summary.applicable_items", 1, Kind::Items),
    def("summary.has_entruster", 1, Kind::Tri),
    def("summary.has_entrustee", 1, Kind::Tri),
    hinted(
        def("summary.course_of_events", 1, Kind::Long),
        "report.h.summary.course_of_events",
    ),
    hinted(
        def("summary.external_investigation", 1, Kind::Long),
        "report.h.summary.external_investigation",
    ),
    with_other(
        def("data_items.media", 2, Kind::Checks),
        "data_items.media_other",
    ),
    with_other(
        def("data_items.kinds", 2, Kind::Checks),
        "data_items.kinds_other",
    ),
    with_other(
        def("data_items.items", 2, Kind::Checks),
        "data_items.items_other",
    ),
    hinted(
        def("persons.count", 3, Kind::Number),
        "report.h.persons.count",
    ),
    def("persons.with_card", 3, Kind::Number),
    def("cause.actor", 4, Kind::Radio),
    with_other(
        def("cause.category", 4, Kind::Radio),
        "cause.category_other",
    ),
    hinted(
        def("cause.attack_point", 4, Kind::Text),
        "report.h.cause.attack",
    ),
    hinted(
        def("cause.attack_method", 4, Kind::Text),
        "report.h.cause.attack",
    ),
    def("cause.details", 4, Kind::Long),
    def("secondary_harm.status", 5, Kind::Radio),
    def("secondary_harm.details", 5, Kind::Long),
    def("individual_response.status", 6, Kind::Radio),
    hinted(
        def("individual_response.details", 6, Kind::Long),
        "report.h.individual_response.details",
    ),
    def("publication.status", 7, Kind::Radio),
    hinted(def("publication.date", 7, Kind::Date), "report.h.date"),
    with_other(
        def("publication.methods", 7, Kind::Checks),
        "publication.methods_other",
    ),
    def("publication.text", 7, Kind::Long),
    hinted(def("prevention.done", 8, Kind::Long), "report.h.prevention"),
    def("prevention.planned", 8, Kind::Long),
    hinted(def("other", 9, Kind::Long), "report.h.other"),
];

/// Every field path in the form's order, "other" texts right after their list.
fn all_paths() -> impl Iterator<Item = (u8, &'static str)> {
    FIELDS
        .iter()
        .flat_map(|d| std::iter::once((d.matter, d.path)).chain(d.other.map(|o| (d.matter, o))))
}

/// The control name of a domain field path: `summary.incident[2]` → `summary_incident`; the
/// draft's `version` is the hidden `expected_version`.
fn control_of(path: &str) -> String {
    let p = path.split('[').next().unwrap_or(path);
    match p {
        "version" => "expected_version".to_owned(),
        _ => p.replace('.', "_"),
    }
}

/// Whether the control named `name` is on the editor (errors of others have no link).
fn is_control(name: &str) -> bool {
    all_paths().any(|(_, p)| control_of(p) == name)
}

pub(crate) fn field_label(path: &str, c: &Chrome) -> String {
    let key = format!("report.f.{path}");
    if TEXT.iter().any(|(k, _, _)| *k == key) {
        c.s(&key).to_owned()
    } else {
        path.to_owned()
    }
}

/// `1. 概要`; the header is `報告者`.
pub(crate) fn matter_title(n: u8, c: &Chrome) -> String {
    let title = c.s(&format!("report.matter.{n}"));
    if n == 0 {
        title.to_owned()
    } else {
        format!("{n}. {title}")
    }
}

pub(crate) fn options_of(version: &str) -> &'static FormOptions {
    FormOptions::get(version)
        .or_else(|| FormOptions::get(CURRENT_FORM_VERSION))
        .expect("the current form version's options exist")
}

pub(crate) fn option_label(o: &FormOption, lang: Lang) -> &str {
    match lang {
        Lang::Ja => &o.ja,
        Lang::En => &o.en,
    }
}

fn item_label(n: u8, public: bool, c: &Chrome) -> &'static str {
    match n {
        4 if public => c.s("report.item.4_public"),
        1..=5 => c.s(&format!("report.item.{n}")),
        _ => "?",
    }
}

pub(crate) fn stage_label(stage: ReportStage, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => stage.ja(),
        Lang::En => stage_en(stage.as_str()),
    }
}

pub(crate) fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in pairs {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The form as posted.

/// The editor as posted: every control as typed, so a bad value is shown again as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    pub csrf_token: String,
    /// `save`, or `confirm_quick_report` / `confirm_final_report` / `confirm_supplement`.
    pub action: String,
    pub expected_version: String,
    pub form_version: String,
    pub header_reporter_name: String,
    pub header_address: String,
    pub header_representative: String,
    pub header_corporate_number: String,
    pub header_sector: String,
    pub header_contact_department: String,
    pub header_contact_name: String,
    pub header_contact_phone: String,
    pub header_contact_email: String,
    pub summary_occurred_on: String,
    pub summary_discovered_on: String,
    pub summary_incident: Vec<String>,
    pub summary_certainty: String,
    pub summary_discoverer: String,
    pub summary_applicable_items: Vec<String>,
    pub summary_has_entruster: String,
    pub summary_has_entrustee: String,
    pub summary_course_of_events: String,
    pub summary_external_investigation: String,
    pub data_items_media: Vec<String>,
    pub data_items_media_other: String,
    pub data_items_kinds: Vec<String>,
    pub data_items_kinds_other: String,
    pub data_items_items: Vec<String>,
    pub data_items_items_other: String,
    pub persons_count: String,
    pub persons_with_card: String,
    pub cause_actor: String,
    pub cause_category: String,
    pub cause_category_other: String,
    pub cause_attack_point: String,
    pub cause_attack_method: String,
    pub cause_details: String,
    pub secondary_harm_status: String,
    pub secondary_harm_details: String,
    pub individual_response_status: String,
    pub individual_response_details: String,
    pub publication_status: String,
    pub publication_date: String,
    pub publication_methods: Vec<String>,
    pub publication_methods_other: String,
    pub publication_text: String,
    pub prevention_done: String,
    pub prevention_planned: String,
    pub other: String,
}

fn opt_text(v: Option<&String>) -> String {
    v.cloned().unwrap_or_default()
}

fn opt_date(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn opt_num(n: Option<u64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn opt_bool(b: Option<bool>) -> String {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
    .to_owned()
}

/// A text as stored: trimmed, absent when blank.
fn text_value(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

fn date_value(errors: &mut FieldErrors, name: &str, v: &str, c: &Chrome) -> Option<Date> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    roei_law::facts::parse_iso_date(v)
        .map_err(|_| errors.add(name, c.s("report.error.date")))
        .ok()
}

fn number_value(errors: &mut FieldErrors, name: &str, v: &str, c: &Chrome) -> Option<u64> {
    let v: String = v
        .trim()
        .chars()
        .filter(|ch| !matches!(ch, ',' | '，' | '_'))
        .collect();
    if v.is_empty() {
        return None;
    }
    v.parse()
        .map_err(|_| errors.add(name, c.s("report.error.number")))
        .ok()
}

fn tri_value(errors: &mut FieldErrors, name: &str, v: &str, c: &Chrome) -> Option<bool> {
    match v {
        "yes" => Some(true),
        "no" => Some(false),
        "" => None,
        _ => {
            errors.add(name, c.s("report.error.choice"));
            None
        }
    }
}

impl ReportForm {
    /// The form filled from a draft.
    pub fn from_content(r: &ReportContent, version: i64) -> Self {
        let h = &r.header;
        let s = &r.summary;
        let d = &r.data_items;
        Self {
            expected_version: version.to_string(),
            form_version: r.form_version.clone(),
            header_reporter_name: opt_text(h.reporter_name.as_ref()),
            header_address: opt_text(h.address.as_ref()),
            header_representative: opt_text(h.representative.as_ref()),
            header_corporate_number: opt_text(h.corporate_number.as_ref()),
            header_sector: opt_text(h.sector.as_ref()),
            header_contact_department: opt_text(h.contact_department.as_ref()),
            header_contact_name: opt_text(h.contact_name.as_ref()),
            header_contact_phone: opt_text(h.contact_phone.as_ref()),
            header_contact_email: opt_text(h.contact_email.as_ref()),
            summary_occurred_on: opt_date(s.occurred_on),
            summary_discovered_on: opt_date(s.discovered_on),
            summary_incident: s.incident.clone(),
            summary_certainty: opt_text(s.certainty.as_ref()),
            summary_discoverer: opt_text(s.discoverer.as_ref()),
            summary_applicable_items: s.applicable_items.iter().map(u8::to_string).collect(),
            summary_has_entruster: opt_bool(s.has_entruster),
            summary_has_entrustee: opt_bool(s.has_entrustee),
            summary_course_of_events: opt_text(s.course_of_events.as_ref()),
            summary_external_investigation: opt_text(s.external_investigation.as_ref()),
            data_items_media: d.media.clone(),
            data_items_media_other: opt_text(d.media_other.as_ref()),
            data_items_kinds: d.kinds.clone(),
            data_items_kinds_other: opt_text(d.kinds_other.as_ref()),
            data_items_items: d.items.clone(),
            data_items_items_other: opt_text(d.items_other.as_ref()),
            persons_count: opt_num(r.persons.count),
            persons_with_card: opt_num(r.persons.with_card),
            cause_actor: opt_text(r.cause.actor.as_ref()),
            cause_category: opt_text(r.cause.category.as_ref()),
            cause_category_other: opt_text(r.cause.category_other.as_ref()),
            cause_attack_point: opt_text(r.cause.attack_point.as_ref()),
            cause_attack_method: opt_text(r.cause.attack_method.as_ref()),
            cause_details: opt_text(r.cause.details.as_ref()),
            secondary_harm_status: opt_text(r.secondary_harm.status.as_ref()),
            secondary_harm_details: opt_text(r.secondary_harm.details.as_ref()),
            individual_response_status: opt_text(r.individual_response.status.as_ref()),
            individual_response_details: opt_text(r.individual_response.details.as_ref()),
            publication_status: opt_text(r.publication.status.as_ref()),
            publication_date: opt_date(r.publication.date),
            publication_methods: r.publication.methods.clone(),
            publication_methods_other: opt_text(r.publication.methods_other.as_ref()),
            publication_text: opt_text(r.publication.text.as_ref()),
            prevention_done: opt_text(r.prevention.done.as_ref()),
            prevention_planned: opt_text(r.prevention.planned.as_ref()),
            other: opt_text(r.other.as_ref()),
            ..Self::default()
        }
    }

    /// The report as typed, with an error per value that is not a date, number or choice.
    /// Always returns content (bad values left out) so the checklist can follow the input.
    #[allow(clippy::many_single_char_names)]
    pub fn parse(&self, c: &Chrome) -> (ReportContent, FieldErrors) {
        let mut e = FieldErrors::default();
        let t = text_value;
        let mut r = ReportContent::empty();
        if !self.form_version.trim().is_empty() {
            self.form_version.trim().clone_into(&mut r.form_version);
        }
        let h = &mut r.header;
        h.reporter_name = t(&self.header_reporter_name);
        h.address = t(&self.header_address);
        h.representative = t(&self.header_representative);
        h.corporate_number = t(&self.header_corporate_number);
        h.sector = t(&self.header_sector);
        h.contact_department = t(&self.header_contact_department);
        h.contact_name = t(&self.header_contact_name);
        h.contact_phone = t(&self.header_contact_phone);
        h.contact_email = t(&self.header_contact_email);
        let s = &mut r.summary;
        s.occurred_on = date_value(&mut e, "summary_occurred_on", &self.summary_occurred_on, c);
        s.discovered_on = date_value(
            &mut e,
            "summary_discovered_on",
            &self.summary_discovered_on,
            c,
        );
        s.incident.clone_from(&self.summary_incident);
        s.certainty = t(&self.summary_certainty);
        s.discoverer = t(&self.summary_discoverer);
        for v in &self.summary_applicable_items {
            match v.trim().parse::<u8>() {
                Ok(n) => s.applicable_items.push(n),
                Err(_) if !e.has("summary_applicable_items") => {
                    e.add("summary_applicable_items", c.s("report.error.item"));
                }
                Err(_) => {}
            }
        }
        s.has_entruster = tri_value(
            &mut e,
            "summary_has_entruster",
            &self.summary_has_entruster,
            c,
        );
        s.has_entrustee = tri_value(
            &mut e,
            "summary_has_entrustee",
            &self.summary_has_entrustee,
            c,
        );
        s.course_of_events = t(&self.summary_course_of_events);
        s.external_investigation = t(&self.summary_external_investigation);
        let d = &mut r.data_items;
        d.media.clone_from(&self.data_items_media);
        d.media_other = t(&self.data_items_media_other);
        d.kinds.clone_from(&self.data_items_kinds);
        d.kinds_other = t(&self.data_items_kinds_other);
        d.items.clone_from(&self.data_items_items);
        d.items_other = t(&self.data_items_items_other);
        r.persons.count = number_value(&mut e, "persons_count", &self.persons_count, c);
        r.persons.with_card = number_value(&mut e, "persons_with_card", &self.persons_with_card, c);
        r.cause.actor = t(&self.cause_actor);
        r.cause.category = t(&self.cause_category);
        r.cause.category_other = t(&self.cause_category_other);
        r.cause.attack_point = t(&self.cause_attack_point);
        r.cause.attack_method = t(&self.cause_attack_method);
        r.cause.details = t(&self.cause_details);
        r.secondary_harm.status = t(&self.secondary_harm_status);
        r.secondary_harm.details = t(&self.secondary_harm_details);
        r.individual_response.status = t(&self.individual_response_status);
        r.individual_response.details = t(&self.individual_response_details);
        let p = &mut r.publication;
        p.status = t(&self.publication_status);
        p.date = date_value(&mut e, "publication_date", &self.publication_date, c);
        p.methods.clone_from(&self.publication_methods);
        p.methods_other = t(&self.publication_methods_other);
        p.text = t(&self.publication_text);
        r.prevention.done = t(&self.prevention_done);
        r.prevention.planned = t(&self.prevention_planned);
        r.other = t(&self.other);
        (r, e)
    }

    /// The typed value of a single-valued control.
    fn text(&self, path: &str) -> &str {
        match path {
            "header.reporter_name" => &self.header_reporter_name,
            "header.address" => &self.header_address,
            "header.representative" => &self.header_representative,
            "header.corporate_number" => &self.header_corporate_number,
            "header.sector" => &self.header_sector,
            "header.contact_department" => &self.header_contact_department,
            "header.contact_name" => &self.header_contact_name,
            "header.contact_phone" => &self.header_contact_phone,
            "header.contact_email" => &self.header_contact_email,
            "summary.occurred_on" => &self.summary_occurred_on,
            "summary.discovered_on" => &self.summary_discovered_on,
            "summary.certainty" => &self.summary_certainty,
            "summary.discoverer" => &self.summary_discoverer,
            "summary.has_entruster" => &self.summary_has_entruster,
            "summary.has_entrustee" => &self.summary_has_entrustee,
            "summary.course_of_events" => &self.summary_course_of_events,
            "summary.external_investigation" => &self.summary_external_investigation,
            "data_items.media_other" => &self.data_items_media_other,
            "data_items.kinds_other" => &self.data_items_kinds_other,
            "data_items.items_other" => &self.data_items_items_other,
            "persons.count" => &self.persons_count,
            "persons.with_card" => &self.persons_with_card,
            "cause.actor" => &self.cause_actor,
            "cause.category" => &self.cause_category,
            "cause.category_other" => &self.cause_category_other,
            "cause.attack_point" => &self.cause_attack_point,
            "cause.attack_method" => &self.cause_attack_method,
            "cause.details" => &self.cause_details,
            "secondary_harm.status" => &self.secondary_harm_status,
            "secondary_harm.details" => &self.secondary_harm_details,
            "individual_response.status" => &self.individual_response_status,
            "individual_response.details" => &self.individual_response_details,
            "publication.status" => &self.publication_status,
            "publication.date" => &self.publication_date,
            "publication.methods_other" => &self.publication_methods_other,
            "publication.text" => &self.publication_text,
            "prevention.done" => &self.prevention_done,
            "prevention.planned" => &self.prevention_planned,
            "other" => &self.other,
            _ => "",
        }
    }

    /// The ticked values of a checkbox group.
    fn list(&self, path: &str) -> &[String] {
        match path {
            "summary.incident" => &self.summary_incident,
            "summary.applicable_items" => &self.summary_applicable_items,
            "data_items.media" => &self.data_items_media,
            "data_items.kinds" => &self.data_items_kinds,
            "data_items.items" => &self.data_items_items,
            "publication.methods" => &self.publication_methods,
            _ => &[],
        }
    }
}

/// A use case's validation problem in the user's words (the domain writes English).
fn problem_text(path: &str, problem: &str, c: &Chrome) -> String {
    let p = path.split('[').next().unwrap_or(path);
    if problem.starts_with("unknown option") {
        return c.s("report.error.choice").to_owned();
    }
    if problem.contains("listed twice") {
        return c.s("report.error.twice").to_owned();
    }
    if let Some(n) = problem
        .strip_prefix("must be at most ")
        .and_then(|r| r.strip_suffix(" characters"))
    {
        return fill(c.s("report.error.too_long"), &[("n", n)]);
    }
    if problem.contains("control characters") {
        return c.s("report.error.control").to_owned();
    }
    let key = match p {
        "header.corporate_number" => "report.error.corporate_number",
        "header.contact_email" => "report.error.email",
        "persons.with_card" => "report.error.with_card",
        "summary.occurred_on" => "report.error.occurred_after",
        "summary.applicable_items" => "report.error.item",
        "version" => "report.error.version",
        _ => return problem.to_owned(),
    };
    c.s(key).to_owned()
}

/// A use case's validation error as the form's errors; `None` for other errors.
fn domain_errors(e: &DomainError, c: &Chrome) -> Option<FieldErrors> {
    let mut errors = FieldErrors::default();
    match e {
        DomainError::Invalid { field, problem } => {
            errors.add(control_of(field), problem_text(field, problem, c));
        }
        DomainError::Incomplete(missing) => {
            for m in missing {
                errors.add(control_of(&m.field), missing_label(m, c));
            }
        }
        _ => return None,
    }
    Some(errors)
}

fn missing_label(m: &Missing, c: &Chrome) -> String {
    match c.lang {
        Lang::Ja => m.label_ja.clone(),
        Lang::En => field_label(&m.field, c),
    }
}

// ---------------------------------------------------------------------------------------------
// What the pages show.

/// One choice of a radio or checkbox group.
#[derive(Debug)]
pub struct Choice {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// The free text of an "other" choice.
#[derive(Debug)]
pub struct OtherText {
    pub name: String,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
}

/// One control of the editor.
#[derive(Debug)]
pub struct Control {
    /// The control's name and id (`summary_course_of_events`).
    pub name: String,
    /// `text`, `textarea`, `date`, `number`, `tel`, `email`, `radio`, `checks`.
    pub kind: &'static str,
    pub label: String,
    pub hint: &'static str,
    pub value: String,
    pub maxlength: usize,
    pub choices: Vec<Choice>,
    pub other: Option<OtherText>,
    pub error: Option<String>,
    /// The ids of the hint and the error, for `aria-describedby` (empty when neither).
    pub describedby: String,
}

/// A matter's fieldset.
#[derive(Debug)]
pub struct Section {
    pub number: u8,
    pub legend: String,
    pub controls: Vec<Control>,
}

/// One matter on the 確報 checklist, with the fields it still lacks.
#[derive(Debug)]
pub struct CheckItem {
    pub number: u8,
    pub title: String,
    pub done: bool,
    /// (control name, label).
    pub missing: Vec<(String, String)>,
}

/// A stage the next submission may take.
#[derive(Debug)]
pub struct StageButton {
    pub stage: &'static str,
    pub id: String,
    pub label: &'static str,
    pub enabled: bool,
}

fn choices(name: &str, list: &[FormOption], checked: &[&str], c: &Chrome) -> Vec<Choice> {
    list.iter()
        .map(|o| Choice {
            id: format!("{name}-{}", o.code),
            value: o.code.clone(),
            label: option_label(o, c.lang).to_owned(),
            checked: checked.contains(&o.code.as_str()),
        })
        .collect()
}

fn undecided(name: &str, value: &str, c: &Chrome) -> Choice {
    Choice {
        id: format!("{name}-unset"),
        value: String::new(),
        label: c.s("report.undecided").to_owned(),
        checked: value.is_empty(),
    }
}

fn control(d: &Def, form: &ReportForm, errors: &FieldErrors, public: bool, c: &Chrome) -> Control {
    let name = control_of(d.path);
    let opts = options_of(&form.form_version);
    let value = form.text(d.path).to_owned();
    let list = opts.list(d.path).unwrap_or_default();
    let (kind, choices) = match d.kind {
        Kind::Text => ("text", Vec::new()),
        Kind::Long => ("textarea", Vec::new()),
        Kind::Date => ("date", Vec::new()),
        Kind::Number => ("number", Vec::new()),
        Kind::Tel => ("tel", Vec::new()),
        Kind::Email => ("email", Vec::new()),
        Kind::Radio => {
            let mut cs = vec![undecided(&name, &value, c)];
            cs.extend(choices(&name, list, &[value.as_str()], c));
            ("radio", cs)
        }
        Kind::Tri => {
            let cs = vec![
                undecided(&name, &value, c),
                Choice {
                    id: format!("{name}-yes"),
                    value: "yes".into(),
                    label: c.s("report.yes").into(),
                    checked: value == "yes",
                },
                Choice {
                    id: format!("{name}-no"),
                    value: "no".into(),
                    label: c.s("report.no").into(),
                    checked: value == "no",
                },
            ];
            ("radio", cs)
        }
        Kind::Checks => {
            let ticked: Vec<&str> = form.list(d.path).iter().map(String::as_str).collect();
            ("checks", choices(&name, list, &ticked, c))
        }
        Kind::Items => {
            let ticked = form.list(d.path);
            let max = if public { 5 } else { 4 };
            let cs = (1..=max)
                .map(|n: u8| Choice {
                    id: format!("{name}-{n}"),
                    value: n.to_string(),
                    label: item_label(n, public, c).to_owned(),
                    checked: ticked.iter().any(|t| t.trim() == n.to_string()),
                })
                .collect();
            ("checks", cs)
        }
    };
    let other = d.other.map(|o| {
        let oname = control_of(o);
        OtherText {
            label: field_label(o, c),
            value: form.text(o).to_owned(),
            error: errors.get(&oname).map(str::to_owned),
            name: oname,
        }
    });
    let mut label = field_label(d.path, c);
    if d.path == "summary.applicable_items" && public {
        label = label
            .replace("規則7条", "規則43条")
            .replace("Rule 7", "Rule 43");
    }
    let error = errors.get(&name).map(str::to_owned);
    let hint = d.hint.map_or("", |h| c.s(h));
    let mut describedby = Vec::new();
    if !hint.is_empty() {
        describedby.push(format!("{name}-hint"));
    }
    if error.is_some() {
        describedby.push(format!("{name}-error"));
    }
    Control {
        describedby: describedby.join(" "),
        error,
        name,
        kind,
        label,
        hint,
        value,
        maxlength: d.max,
        choices,
        other,
    }
}

fn sections(form: &ReportForm, errors: &FieldErrors, public: bool, c: &Chrome) -> Vec<Section> {
    (0..=9u8)
        .map(|n| Section {
            number: n,
            legend: matter_title(n, c),
            controls: FIELDS
                .iter()
                .filter(|d| d.matter == n)
                .map(|d| control(d, form, errors, public, c))
                .collect(),
        })
        .collect()
}

fn checklist(missing: &[Missing], c: &Chrome) -> Vec<CheckItem> {
    (0..=9u8)
        .map(|n| {
            let mine: Vec<(String, String)> = missing
                .iter()
                .filter(|m| m.number == n)
                .map(|m| (control_of(&m.field), missing_label(m, c)))
                .collect();
            CheckItem {
                number: n,
                title: matter_title(n, c),
                done: mine.is_empty(),
                missing: mine,
            }
        })
        .collect()
}

/// The error summary: (anchor control or empty, "label: message"), in the form's order.
fn error_summary(errors: &FieldErrors, c: &Chrome) -> Vec<(String, String)> {
    errors
        .summary(|name| {
            all_paths()
                .enumerate()
                .find(|(_, (_, p))| control_of(p) == name)
                .map(|(i, (_, p))| (i, field_label(p, c)))
        })
        .into_iter()
        // Only a control can be linked to; other errors are listed without a link.
        .map(|(name, text)| {
            (
                if is_control(&name) {
                    name
                } else {
                    String::new()
                },
                text,
            )
        })
        .collect()
}

/// A field's value as the reader sees it: option codes as labels, dates as dates, items as
/// `3号・4号`, yes/no as 有/無; `None` when blank.
pub(crate) fn value_text(path: &str, v: &Value, opts: &FormOptions, c: &Chrome) -> Option<String> {
    let list = opts.list(path);
    let code = |s: &str| -> String {
        list.and_then(|l| FormOptions::label(l, s))
            .map_or_else(|| s.to_owned(), |o| option_label(o, c.lang).to_owned())
    };
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => c.s(if *b { "report.yes" } else { "report.no" }).to_owned(),
        Value::Number(n) => n.as_u64().map_or_else(|| n.to_string(), thousands),
        Value::String(s) if s.trim().is_empty() => return None,
        Value::String(s) => match s.parse::<Date>() {
            Ok(d)
                if matches!(
                    path,
                    "summary.occurred_on" | "summary.discovered_on" | "publication.date"
                ) =>
            {
                c.date(d)
            }
            _ => code(s),
        },
        Value::Array(a) if a.is_empty() => return None,
        Value::Array(a) if path == "summary.applicable_items" => {
            let items: Vec<u8> = a
                .iter()
                .filter_map(Value::as_u64)
                .filter_map(|n| u8::try_from(n).ok())
                .collect();
            items_label(&items, c.lang)
        }
        Value::Array(a) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => code(s),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(if c.is_ja() { "、" } else { ", " }),
        Value::Object(_) => v.to_string(),
    })
}

/// `1,500`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The changes in the form's order (the header first, then matters 1–9).
pub(crate) fn changes_view(changes: &[FieldChange], version: &str, c: &Chrome) -> Vec<ChangeView> {
    let order = |field: &str| {
        all_paths()
            .position(|(_, p)| p == field)
            .unwrap_or(usize::MAX)
    };
    let mut sorted: Vec<&FieldChange> = changes.iter().collect();
    sorted.sort_by_key(|ch| (ch.matter, order(&ch.field)));
    sorted
        .into_iter()
        .map(|ch| change_view(ch, version, c))
        .collect()
}

/// One field of a read-only version.
#[derive(Debug)]
pub struct FieldView {
    /// The content path (`cause.category`).
    pub path: &'static str,
    /// The editor's control name (`cause_category`).
    pub name: String,
    pub label: String,
    pub value: String,
    pub blank: bool,
}

/// One matter of a read-only version.
#[derive(Debug)]
pub struct MatterView {
    /// The element id (`confirm-matter-1`, `v2-matter-1`).
    pub anchor: String,
    pub number: u8,
    pub title: String,
    pub fields: Vec<FieldView>,
}

/// The whole content, read-only; blank fields read `blank`.
pub(crate) fn matters_view(
    content: &ReportContent,
    blank: &str,
    prefix: &str,
    c: &Chrome,
) -> Vec<MatterView> {
    let flat: BTreeMap<String, Value> = content.flatten();
    let opts = options_of(&content.form_version);
    (0..=9u8)
        .map(|n| MatterView {
            anchor: format!("{prefix}matter-{n}"),
            number: n,
            title: matter_title(n, c),
            fields: all_paths()
                .filter(|(m, _)| *m == n)
                .map(|(_, p)| {
                    let v = value_text(p, flat.get(p).unwrap_or(&Value::Null), opts, c);
                    FieldView {
                        path: p,
                        name: control_of(p),
                        label: field_label(p, c),
                        blank: v.is_none(),
                        value: v.unwrap_or_else(|| blank.to_owned()),
                    }
                })
                .collect(),
        })
        .collect()
}

/// One changed field between two versions.
#[derive(Debug)]
pub struct ChangeView {
    pub matter: u8,
    pub matter_title: String,
    pub field: String,
    pub label: String,
    pub before: String,
    pub after: String,
}

fn change_view(ch: &FieldChange, version: &str, c: &Chrome) -> ChangeView {
    let opts = options_of(version);
    let show = |v: &Value| {
        value_text(&ch.field, v, opts, c).unwrap_or_else(|| c.s("report.blank").to_owned())
    };
    ChangeView {
        matter: ch.matter,
        matter_title: matter_title(ch.matter, c),
        field: ch.field.clone(),
        label: field_label(&ch.field, c),
        before: show(&ch.before),
        after: show(&ch.after),
    }
}

/// What the editor loads: the case, its draft and its latest determination.
struct Loaded {
    case: IncidentCase,
    view: DraftView,
    det: Option<DetView>,
}

async fn load(st: &AppState, page: &Page, id: &str) -> Result<Loaded, DomainError> {
    let store = &*st.store;
    let id = case_id(id)?;
    let case = service::operator_case(store, &page.actor, id).await?;
    let view = reporting::draft(store, &page.actor, id).await?;
    let det = service::determinations(store, &page.actor, id)
        .await?
        .last()
        .map(|r| DetView::from_record(r, &page.c));
    Ok(Loaded { case, view, det })
}

fn can_write(page: &Page) -> bool {
    page.actor.user.role.can_write()
}

fn viewer_refusal(page: &Page) -> Response {
    page.fail(&DomainError::Forbidden(
        page.c.s("report.viewer").to_owned(),
    ))
}

// ---------------------------------------------------------------------------------------------
// The editor.

#[derive(Template)]
#[template(path = "report/editor.html")]
struct EditorPage<'a> {
    c: &'a Chrome,
    id: String,
    case_title: String,
    can_write: bool,
    closed: bool,
    form: &'a ReportForm,
    saved_version: i64,
    saved_at: String,
    sections: Vec<Section>,
    summary: Vec<(String, String)>,
    checklist: Vec<CheckItem>,
    complete: bool,
    stages: Vec<StageButton>,
    det: Option<&'a DetView>,
    /// (class, text) of a message at the top.
    notice: Option<(&'static str, String)>,
}

fn editor_response(
    page: &Page,
    status: StatusCode,
    loaded: &Loaded,
    form: &ReportForm,
    errors: &FieldErrors,
    notice: Option<(&'static str, String)>,
) -> Response {
    let c = &page.c;
    let public = page.actor.org.regime.unwrap_or_default().is_public();
    let (content, _) = form.parse(c);
    let missing = content.missing();
    let complete = missing.is_empty();
    let write = can_write(page);
    let stages = loaded
        .view
        .next_stages
        .iter()
        .map(|s| StageButton {
            stage: s.as_str(),
            id: format!("confirm-{}", s.as_str().replace('_', "-")),
            label: c.s(&format!("report.submit.{}", s.as_str())),
            enabled: *s != ReportStage::FinalReport || complete,
        })
        .collect();
    let draft = &loaded.view.draft;
    render(
        status,
        &EditorPage {
            c,
            id: loaded.case.id.to_string(),
            case_title: loaded.case.title.clone(),
            can_write: write,
            closed: loaded.case.status == CaseStatus::Closed,
            form,
            saved_version: draft.version,
            saved_at: if draft.version > 0 {
                c.moment(draft.updated_at)
            } else {
                String::new()
            },
            sections: sections(form, errors, public, c),
            summary: error_summary(errors, c),
            checklist: checklist(&missing, c),
            complete,
            stages,
            det: loaded.det.as_ref(),
            notice,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EditorQuery {
    saved: String,
}

async fn editor(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<EditorQuery>,
) -> Response {
    let loaded = match load(&st, &page, &id).await {
        Ok(l) => l,
        Err(e) => return page.fail(&e),
    };
    let form = ReportForm::from_content(&loaded.view.draft.content, loaded.view.draft.version);
    let notice = q
        .saved
        .parse::<i64>()
        .ok()
        .filter(|v| *v == loaded.view.draft.version)
        .map(|v| {
            (
                "ok",
                fill(page.c.s("report.saved"), &[("v", &v.to_string())]),
            )
        });
    editor_response(
        &page,
        StatusCode::OK,
        &loaded,
        &form,
        &FieldErrors::default(),
        notice,
    )
}

async fn editor_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(mut form): Form<ReportForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    let loaded = match load(&st, &page, &id).await {
        Ok(l) => l,
        Err(e) => return page.fail(&e),
    };
    if !can_write(&page) {
        return viewer_refusal(&page);
    }
    let c = &page.c;
    let (content, errors) = form.parse(c);
    if !errors.is_empty() {
        return editor_response(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            &loaded,
            &form,
            &errors,
            None,
        );
    }
    let stage = form
        .action
        .strip_prefix("confirm_")
        .and_then(|s| s.parse::<ReportStage>().ok());
    let expected: i64 = form.expected_version.trim().parse().unwrap_or(-1);
    let draft = &loaded.view.draft;
    let id = loaded.case.id;
    // Going to the confirmation with nothing changed keeps the saved version.
    if let Some(stage) = stage
        && draft.version > 0
        && expected == draft.version
        && content == draft.content
    {
        return redirect(&format!("/cases/{id}/report/confirm?stage={stage}"));
    }
    match reporting::save_draft(&*st.store, &page.actor, id, expected, content, st.now()).await {
        Ok(saved) => match stage {
            Some(stage) => redirect(&format!("/cases/{id}/report/confirm?stage={stage}")),
            None => redirect(&format!("/cases/{id}/report?saved={}", saved.draft.version)),
        },
        Err(DomainError::Conflict(_)) => {
            let latest = match load(&st, &page, &id.to_string()).await {
                Ok(l) => l,
                Err(e) => return page.fail(&e),
            };
            let v = latest.view.draft.version;
            // A second click of the same form: what was typed is what is saved.
            if latest.view.draft.content == form.parse(c).0 {
                return match stage {
                    Some(stage) => redirect(&format!("/cases/{id}/report/confirm?stage={stage}")),
                    None => redirect(&format!("/cases/{id}/report?saved={v}")),
                };
            }
            // Keep what was typed; the next save overwrites the newer version knowingly.
            form.expected_version = v.to_string();
            let text = fill(c.s("report.conflict"), &[("v", &v.to_string())]);
            editor_response(
                &page,
                StatusCode::CONFLICT,
                &latest,
                &form,
                &FieldErrors::default(),
                Some(("danger", text)),
            )
        }
        Err(e) => match domain_errors(&e, c) {
            Some(errors) => editor_response(
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                &loaded,
                &form,
                &errors,
                None,
            ),
            None => page.fail(&e),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The confirmation.

#[derive(Template)]
#[template(path = "report/confirm.html")]
struct ConfirmPage<'a> {
    c: &'a Chrome,
    id: String,
    case_title: String,
    stage: &'static str,
    stage_label: &'static str,
    version: i64,
    saved_at: String,
    form_version: String,
    matters: Vec<MatterView>,
    previous_seq: Option<i64>,
    changes_title: String,
    changes: Vec<ChangeView>,
    /// (control name, label) a 確報 lacks.
    missing: Vec<(String, String)>,
    /// Why it cannot be sent, or what happened (class, text).
    problems: Vec<(&'static str, String)>,
    allowed: Vec<&'static str>,
    can_send: bool,
    idempotency_key: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ConfirmQuery {
    stage: String,
}

/// The confirmation form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SendForm {
    csrf_token: String,
    stage: String,
    draft_version: String,
    idempotency_key: String,
}

async fn confirm(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<ConfirmQuery>,
) -> Response {
    let loaded = match load(&st, &page, &id).await {
        Ok(l) => l,
        Err(e) => return page.fail(&e),
    };
    confirm_response(&st, &page, &loaded, &q.stage, StatusCode::OK, Vec::new()).await
}

async fn confirm_response(
    st: &AppState,
    page: &Page,
    loaded: &Loaded,
    stage: &str,
    status: StatusCode,
    mut problems: Vec<(&'static str, String)>,
) -> Response {
    let c = &page.c;
    let Ok(stage) = stage.parse::<ReportStage>() else {
        return page.fail(&DomainError::NotFound);
    };
    let subs = match reporting::submissions(&*st.store, &page.actor, loaded.case.id).await {
        Ok(s) => s,
        Err(e) => return page.fail(&e),
    };
    let draft = &loaded.view.draft;
    let previous = subs.last().map(|s| &s.submission);
    let changes: Vec<ChangeView> = previous
        .map(|p| {
            changes_view(
                &diff(&p.content, &draft.content),
                &draft.content.form_version,
                c,
            )
        })
        .unwrap_or_default();
    let allowed_stage = loaded.view.next_stages.contains(&stage);
    let missing: Vec<(String, String)> = if stage == ReportStage::FinalReport {
        loaded
            .view
            .missing_for_final
            .iter()
            .map(|m| (control_of(&m.field), missing_label(m, c)))
            .collect()
    } else {
        Vec::new()
    };
    if !can_write(page) {
        problems.push(("warn", c.s("report.viewer").to_owned()));
    }
    if draft.version == 0 {
        problems.push(("danger", c.s("report.confirm.not_saved").to_owned()));
    }
    if !allowed_stage {
        problems.push(("danger", c.s("report.confirm.stage_not_allowed").to_owned()));
    }
    if loaded.case.status == CaseStatus::Closed {
        problems.push(("danger", c.s("report.closed").to_owned()));
    }
    let same = stage == ReportStage::Supplement && previous.is_some() && changes.is_empty();
    if same {
        problems.push(("danger", c.s("report.confirm.supplement_same").to_owned()));
    }
    let can_send = can_write(page)
        && draft.version > 0
        && allowed_stage
        && missing.is_empty()
        && !same
        && loaded.case.status == CaseStatus::Open;
    let blank = if stage == ReportStage::QuickReport {
        c.s("report.blank.quick")
    } else {
        c.s("report.blank")
    };
    render(
        status,
        &ConfirmPage {
            c,
            id: loaded.case.id.to_string(),
            case_title: loaded.case.title.clone(),
            stage: stage.as_str(),
            stage_label: stage_label(stage, c.lang),
            version: draft.version,
            saved_at: c.moment(draft.updated_at),
            form_version: draft.content.form_version.clone(),
            matters: matters_view(&draft.content, blank, "confirm-", c),
            previous_seq: previous.map(|p| p.seq),
            changes_title: previous.map_or_else(String::new, |p| {
                fill(c.s("report.confirm.changes"), &[("n", &p.seq.to_string())])
            }),
            changes,
            missing,
            problems,
            allowed: loaded
                .view
                .next_stages
                .iter()
                .map(|s| stage_label(*s, c.lang))
                .collect(),
            can_send,
            idempotency_key: random_token(""),
        },
    )
}

async fn confirm_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<ConfirmQuery>,
    Form(form): Form<SendForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    let loaded = match load(&st, &page, &id).await {
        Ok(l) => l,
        Err(e) => return page.fail(&e),
    };
    if !can_write(&page) {
        return viewer_refusal(&page);
    }
    let stage_raw = if form.stage.is_empty() {
        q.stage.clone()
    } else {
        form.stage.clone()
    };
    let Ok(stage) = stage_raw.parse::<ReportStage>() else {
        return page.fail(&DomainError::NotFound);
    };
    let key = form.idempotency_key.trim();
    let req = SubmitRequest {
        stage,
        draft_version: form.draft_version.trim().parse().unwrap_or(-1),
        to_org: None,
        idempotency_key: (!key.is_empty()).then(|| key.to_owned()),
    };
    let c = &page.c;
    match reporting::submit(&*st.store, &page.actor, loaded.case.id, req, st.now()).await {
        Ok((sub, _replayed)) => redirect(&format!(
            "/cases/{}/history?submitted={}#version-{}",
            loaded.case.id, sub.seq, sub.seq
        )),
        Err(DomainError::Conflict(m)) => {
            let text = if m.contains("draft changed") {
                c.s("report.confirm.draft_changed").to_owned()
            } else if m.contains("closed") {
                c.s("report.closed").to_owned()
            } else {
                m
            };
            confirm_response(
                &st,
                &page,
                &loaded,
                stage.as_str(),
                StatusCode::CONFLICT,
                vec![("danger", text)],
            )
            .await
        }
        Err(DomainError::Incomplete(_)) => {
            confirm_response(
                &st,
                &page,
                &loaded,
                stage.as_str(),
                StatusCode::UNPROCESSABLE_ENTITY,
                Vec::new(),
            )
            .await
        }
        Err(DomainError::Invalid { field, problem }) => {
            let text = match field.as_str() {
                "stage" => c.s("report.confirm.stage_not_allowed").to_owned(),
                "draft_version" => c.s("report.confirm.not_saved").to_owned(),
                "content" => c.s("report.confirm.supplement_same").to_owned(),
                _ => format!(
                    "{}: {}",
                    field_label(&field, c),
                    problem_text(&field, &problem, c)
                ),
            };
            confirm_response(
                &st,
                &page,
                &loaded,
                stage.as_str(),
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![("danger", text)],
            )
            .await
        }
        Err(e) => page.fail(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// The history.

/// A submitted version.
#[derive(Debug)]
pub struct VersionView {
    pub seq: i64,
    pub name: String,
    pub stage: &'static str,
    pub stage_code: &'static str,
    pub submitted_at: String,
    pub acknowledged_at: Option<String>,
    pub items: String,
    pub due: String,
    pub law_version: String,
    pub previous_name: String,
    pub changes: Vec<ChangeView>,
    pub matters: Vec<MatterView>,
}

#[derive(Template)]
#[template(path = "report/history.html")]
struct HistoryPage<'a> {
    c: &'a Chrome,
    id: String,
    case_title: String,
    versions: Vec<VersionView>,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HistoryQuery {
    submitted: String,
}

fn version_name(seq: i64, c: &Chrome) -> String {
    fill(c.s("report.history.version"), &[("n", &seq.to_string())])
}

fn version_view(v: &SubmissionView, c: &Chrome) -> VersionView {
    let s = &v.submission;
    let blank = if s.stage == ReportStage::QuickReport {
        c.s("report.blank.quick")
    } else {
        c.s("report.blank")
    };
    VersionView {
        seq: s.seq,
        name: version_name(s.seq, c),
        stage: stage_label(s.stage, c.lang),
        stage_code: s.stage.as_str(),
        submitted_at: c.moment(s.submitted_at),
        acknowledged_at: s.acknowledged_at.map(|t| c.moment(t)),
        items: items_label(&s.items, c.lang),
        due: c.opt_date(s.final_report_due),
        law_version: s.law_version.clone(),
        previous_name: fill(
            c.s("report.history.changes"),
            &[("n", &(s.seq - 1).to_string())],
        ),
        changes: changes_view(&v.changes, &s.content.form_version, c),
        matters: matters_view(&s.content, blank, &format!("v{}-", s.seq), c),
    }
}

async fn history(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> Response {
    let result = async {
        let id = case_id(&id)?;
        let case = service::operator_case(&*st.store, &page.actor, id).await?;
        let subs = reporting::submissions(&*st.store, &page.actor, id).await?;
        Ok::<_, DomainError>((case, subs))
    }
    .await;
    let (case, subs) = match result {
        Ok(x) => x,
        Err(e) => return page.fail(&e),
    };
    let c = &page.c;
    let notice = q.submitted.parse::<i64>().ok().and_then(|n| {
        subs.iter().find(|s| s.submission.seq == n).map(|s| {
            fill(
                c.s("report.history.submitted_notice"),
                &[
                    ("n", &n.to_string()),
                    ("stage", stage_label(s.submission.stage, c.lang)),
                ],
            )
        })
    });
    render(
        StatusCode::OK,
        &HistoryPage {
            c,
            id: case.id.to_string(),
            case_title: case.title.clone(),
            versions: subs.iter().rev().map(|v| version_view(v, c)).collect(),
            notice,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_label_and_a_control() {
        let keys: std::collections::HashSet<&str> = TEXT.iter().map(|(k, _, _)| *k).collect();
        let empty = ReportContent::empty().flatten();
        for (_, path) in all_paths() {
            assert!(
                keys.contains(format!("report.f.{path}").as_str()),
                "no label for {path}"
            );
            assert!(
                empty.contains_key(path),
                "{path} is not a field of the report"
            );
        }
        for d in FIELDS {
            if let Some(h) = d.hint {
                assert!(keys.contains(h), "no hint {h}");
            }
        }
        // Every field of the report is on the form (except the form version, kept hidden).
        for path in empty.keys() {
            assert!(
                path == "form_version" || all_paths().any(|(_, p)| p == path),
                "{path} is not on the form"
            );
        }
        for n in 0..=9 {
            assert!(keys.contains(format!("report.matter.{n}").as_str()));
        }
    }

    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(
            fill("確報期限超過 {n}日", &[("n", "3")]),
            "確報期限超過 3日"
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1500), "1,500");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn domain_paths_map_to_controls() {
        assert_eq!(
            control_of("summary.course_of_events"),
            "summary_course_of_events"
        );
        assert_eq!(control_of("data_items.items[2]"), "data_items_items");
        assert_eq!(control_of("other"), "other");
        assert_eq!(control_of("version"), "expected_version");
        assert!(is_control("data_items_items_other"));
        assert!(!is_control("form_version"));
    }
}
