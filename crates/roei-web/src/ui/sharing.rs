//! The pages of the regulator–police cooperation (覚書): the police start page and the sharing
//! inbox (each item with its designated scope), an item's page (thread, forward, consent
//! decisions, read receipts, narrowing and revoking, exports), the share form, the regulator's
//! advice request from a report, and the prefectural police contacts (regulator admins edit).
//! Every page calls the same `roei_domain::sharing` use cases as the API; the scope is decided
//! there.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use jiff::Timestamp;
use roei_domain::DomainError;
use roei_domain::model::{CaseId, OrgId, OrgKind, Organisation, Role};
use roei_domain::report::Matter;
use roei_domain::sharing::contacts::{self, ContactEdit, ContactStatus, PoliceContact};
use roei_domain::sharing::{
    self, AdviceRequest, ConsentEntry, ConsentStatus, ForwardOutcome, ItemDetail, ItemFilter,
    ItemKind, ItemSummary, SharingScope, Tlp, ViewVia,
};
use roei_domain::statistics::StatisticsPackage;
use serde::Deserialize;
use uuid::Uuid;

use super::statistics::{TableView, package_view};
use super::{Chrome, Page, home_for, redirect, render};
use crate::AppState;

pub(crate) const TEXT: &[(&str, &str, &str)] = &[
    ("nav.sharing", "情報共有", "Sharing"),
    ("nav.contacts", "警察の窓口", "Police contacts"),
    ("sh.title", "共有された情報", "Shared information"),
    (
        "sh.police_title",
        "警察 — 共有された情報",
        "Police — shared information",
    ),
    (
        "sh.intro",
        "覚書（個人情報保護委員会・警察庁）に基づき共有された情報です。各項目は指定された共有範囲でのみ表示されます。",
        "Information shared under the PPC–NPA memorandum. Each item is shown only within its designated scope.",
    ),
    (
        "sh.none",
        "表示できる項目はありません。",
        "There is nothing to show.",
    ),
    ("sh.search", "検索", "Search"),
    ("sh.search_button", "検索する", "Search"),
    ("sh.new", "情報を共有する", "Share information"),
    ("sh.col.title", "件名", "Title"),
    ("sh.col.kind", "種別", "Kind"),
    ("sh.col.from", "発信者", "From"),
    ("sh.col.scope", "共有範囲", "Scope"),
    ("sh.col.at", "共有日時", "Shared at"),
    ("sh.revoked", "共有取消済み", "Sharing revoked"),
    ("sh.expired", "期限切れ", "Expired"),
    ("sh.own", "自組織の発信", "Ours"),
    ("sh.consents", "同意の求め", "Consent requests"),
    (
        "sh.consent.none",
        "同意の求めはありません。",
        "No consent requests.",
    ),
    ("sh.consent.item", "項目", "Item"),
    ("sh.consent.by", "求めた組織", "Requested by"),
    ("sh.consent.to", "共有先", "To"),
    ("sh.consent.reason", "理由", "Reason"),
    ("sh.consent.status", "状況", "Status"),
    ("sh.consent.pending", "回答待ち", "Pending"),
    ("sh.consent.approved", "同意", "Approved"),
    ("sh.consent.refused", "不同意", "Refused"),
    (
        "sh.consent.gone",
        "（共有範囲外）",
        "(no longer shared with you)",
    ),
    ("sh.consent.approve", "同意する", "Approve"),
    ("sh.consent.refuse", "同意しない", "Refuse"),
    (
        "sh.consent.note",
        "回答の理由（任意）",
        "Reason for the decision (optional)",
    ),
    (
        "sh.kind.advice_request",
        "技術的助言の求め",
        "Technical advice request",
    ),
    (
        "sh.kind.statistics_package",
        "統計パッケージ",
        "Statistics package",
    ),
    ("sh.kind.attack_methods", "攻撃手法等", "Attack methods"),
    (
        "sh.kind.threat_information",
        "脅威情報",
        "Threat information",
    ),
    ("sh.kind.technical_trend", "技術動向", "Technical trends"),
    (
        "sh.scope",
        "共有範囲（覚書5条）",
        "Designated scope (memorandum Art. 5)",
    ),
    ("sh.scope.tlp", "TLP", "TLP"),
    (
        "sh.scope.recipients",
        "共有先の組織",
        "Recipient organisations",
    ),
    ("sh.scope.purpose", "利用目的", "Purpose"),
    ("sh.scope.onward", "再共有", "Onward sharing"),
    (
        "sh.scope.onward_yes",
        "ラベルの範囲内で可",
        "Allowed within the label",
    ),
    (
        "sh.scope.onward_no",
        "発信者の同意が必要",
        "Only with the originator's consent",
    ),
    ("sh.scope.expires", "期限", "Expires"),
    ("sh.scope.no_expiry", "なし", "None"),
    ("sh.scope.version", "範囲の版", "Scope version"),
    ("sh.body", "内容", "Content"),
    ("sh.question", "助言を求める事項", "Question"),
    ("sh.thread", "やり取り", "Thread"),
    (
        "sh.thread.none",
        "まだ返信はありません。",
        "No replies yet.",
    ),
    ("sh.reply", "返信", "Reply"),
    ("sh.reply.send", "返信する", "Send reply"),
    (
        "sh.forward",
        "他の組織へ共有する",
        "Pass on to another organisation",
    ),
    (
        "sh.forward.help",
        "共有範囲を超える場合は、発信者に同意を求めます（覚書5条）。",
        "Beyond the scope, the originator is asked for consent (memorandum Art. 5).",
    ),
    ("sh.forward.to", "共有先", "To"),
    ("sh.forward.reason", "理由", "Reason"),
    ("sh.forward.send", "共有する", "Pass on"),
    ("sh.forward.done", "共有しました。", "Passed on."),
    (
        "sh.forward.asked",
        "共有範囲を超えるため、発信者に同意を求めました。",
        "Beyond the scope: the originator has been asked for consent.",
    ),
    ("sh.receipts", "既読記録", "Read receipts"),
    (
        "sh.receipts.none",
        "まだ閲覧されていません。",
        "Not read yet.",
    ),
    ("sh.receipts.org", "組織", "Organisation"),
    ("sh.receipts.via", "方法", "How"),
    ("sh.receipts.at", "日時", "When"),
    ("sh.manage", "共有範囲の変更", "Change the scope"),
    (
        "sh.manage.help",
        "狭めた範囲や取消は、既に共有した先にも直ちに適用されます。",
        "A narrower scope or a revocation applies at once to every recipient.",
    ),
    ("sh.manage.keep", "共有を続ける組織", "Keep sharing with"),
    ("sh.manage.narrow", "範囲を狭める", "Narrow the scope"),
    ("sh.manage.revoke", "共有を取り消す", "Revoke the sharing"),
    ("sh.export", "書き出し", "Export"),
    ("sh.export.json", "JSON", "JSON"),
    ("sh.export.stix", "STIX 2.1", "STIX 2.1"),
    (
        "sh.export.red",
        "TLP:RED の情報は書き出せません。",
        "TLP:RED information cannot be exported.",
    ),
    ("sh.back", "共有された情報の一覧", "All shared information"),
    ("sh.new.title", "情報を共有する", "Share information"),
    ("sh.new.kind", "種別", "Kind"),
    ("sh.new.title_field", "件名", "Title"),
    ("sh.new.text", "内容", "Content"),
    ("sh.new.share", "共有する", "Share"),
    ("sh.form.expires", "期限（任意）", "Expires on (optional)"),
    (
        "sh.form.onward",
        "ラベルの範囲内での再共有を認める（CLEAR・GREEN のみ）",
        "Allow onward sharing within the label (CLEAR and GREEN only)",
    ),
    (
        "sh.advice.title",
        "技術的助言を求める",
        "Request technical advice",
    ),
    (
        "sh.advice.help",
        "警察に技術的助言を求め、報告のうち選んだ事項だけを指定した共有範囲で共有します（覚書4条(1)ロ）。",
        "Asks a police organisation for technical advice, sharing only the chosen matters of the report under a designated scope (memorandum Art. 4(1)(ro)).",
    ),
    ("sh.advice.to", "助言を求める警察", "Police organisation"),
    ("sh.advice.matters", "共有する事項", "Matters to share"),
    ("sh.advice.send", "助言を求める", "Request advice"),
    (
        "sh.advice.list",
        "この報告についての助言の求め",
        "Advice requests on this report",
    ),
    (
        "sh.advice.link",
        "技術的助言を求める",
        "Request technical advice",
    ),
    (
        "sh.error",
        "入力を確認してください",
        "Please check the form",
    ),
    (
        "sh.viewer",
        "閲覧者のため、共有・返信・変更はできません。",
        "As a viewer you cannot share, reply or change anything.",
    ),
    (
        "ct.title",
        "都道府県警察のサイバー犯罪相談窓口",
        "Prefectural police cyber-crime contacts",
    ),
    (
        "ct.intro",
        "出典と日付のある参照データです。確認済みと表示されるのは、委員会の管理者が確認した窓口だけです。",
        "Reference data with its source and date. Only contacts a Commission admin confirmed are shown as confirmed.",
    ),
    ("ct.prefecture", "都道府県", "Prefecture"),
    ("ct.contact", "窓口", "Contact point"),
    ("ct.phone", "電話", "Phone"),
    ("ct.url", "ページ", "Page"),
    ("ct.source", "出典", "Source"),
    ("ct.retrieved", "日付", "Date"),
    ("ct.status", "確認状況", "Status"),
    ("ct.status.confirmed", "確認済み", "Confirmed"),
    (
        "ct.status.official",
        "公的な一覧・ページによる（未確認）",
        "From an official list or page (not confirmed)",
    ),
    (
        "ct.status.secondary",
        "二次情報のみ（未確認）",
        "Secondary source only (not confirmed)",
    ),
    ("ct.status.none", "確認できた窓口なし", "No contact found"),
    ("ct.edit", "修正", "Edit"),
    ("ct.edit.title", "窓口を修正する", "Correct the contact"),
    (
        "ct.edit.confirmed",
        "警察に確認した（確認済みとして表示する）",
        "Confirmed with the police (show as confirmed)",
    ),
    ("ct.edit.save", "保存する", "Save"),
    ("ct.npa", "全国共通の窓口", "Nationwide reception"),
    (
        "ct.npa.help",
        "警察庁のオンライン受付は、選んだ都道府県警察に届きます。",
        "The NPA's online reception forwards to the prefectural police you choose.",
    ),
    (
        "ct.unconfirmed",
        "この番号は確認されていません。出典と日付を確かめてから連絡してください。",
        "This number is not confirmed. Check its source and date before calling.",
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/home", get(police_home))
        .route("/sharing", get(inbox))
        .route("/sharing/new", get(new_form).post(new_post))
        .route("/sharing/items/{id}", get(item_page))
        .route("/sharing/items/{id}/replies", post(reply_post))
        .route("/sharing/items/{id}/forward", post(forward_post))
        .route("/sharing/items/{id}/scope", post(narrow_post))
        .route("/sharing/items/{id}/revoke", post(revoke_post))
        .route("/sharing/consents/{id}", post(decide_post))
        .route(
            "/inbox/{id}/advice-request",
            get(advice_form).post(advice_post),
        )
        .route("/settings/police-contacts", get(contacts_page))
        .route(
            "/settings/police-contacts/{code}",
            get(contact_form).post(contact_post),
        )
}

fn government(page: &Page) -> Result<(), DomainError> {
    if matches!(page.actor.org.kind, OrgKind::Regulator | OrgKind::Police) {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

fn kind_label(c: &Chrome, k: ItemKind) -> &'static str {
    c.s(&format!("sh.kind.{}", k.as_str()))
}

/// A scope as a page shows it.
#[derive(Debug)]
pub struct ScopeView {
    pub tlp: &'static str,
    pub tlp_class: String,
    pub recipients: String,
    pub purpose: String,
    pub onward: bool,
    pub expires: Option<String>,
    pub version: i64,
    pub revoked: Option<String>,
    pub expired: bool,
}

async fn org_names(st: &AppState, ids: &[OrgId]) -> Result<String, DomainError> {
    let mut names = Vec::new();
    for id in ids {
        if let Some(o) = st.store.organisation(*id).await? {
            names.push(o.name);
        }
    }
    Ok(if names.is_empty() {
        "—".to_owned()
    } else {
        names.join("、")
    })
}

async fn scope_view(
    st: &AppState,
    c: &Chrome,
    scope: &SharingScope,
    version: i64,
    revoked_at: Option<Timestamp>,
) -> Result<ScopeView, DomainError> {
    Ok(ScopeView {
        tlp: scope.tlp.as_str(),
        tlp_class: scope.tlp.as_str().replace('+', "-").to_lowercase(),
        recipients: org_names(st, &scope.recipients).await?,
        purpose: scope.purpose.clone(),
        onward: scope.onward_sharing,
        expires: scope.expires_at.map(|t| c.moment(t)),
        version,
        revoked: revoked_at.map(|t| c.moment(t)),
        expired: scope.expires_at.is_some_and(|e| e <= c.now),
    })
}

// ---------------------------------------------------------------------------------------------
// The inbox.

#[derive(Debug)]
pub struct Row {
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    pub from: String,
    pub at: String,
    pub own: bool,
    pub scope: ScopeView,
}

#[derive(Debug)]
pub struct ConsentRow {
    pub id: String,
    pub item_id: String,
    pub item_title: Option<String>,
    pub by: String,
    pub to: String,
    pub reason: String,
    pub status: &'static str,
    pub pending: bool,
    pub to_decide: bool,
    pub note: String,
}

#[derive(Template)]
#[template(path = "sharing/inbox.html")]
struct InboxPage<'a> {
    c: &'a Chrome,
    police: bool,
    q: String,
    rows: Vec<Row>,
    consents: Vec<ConsentRow>,
    can_write: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    q: String,
}

async fn rows_of(
    st: &AppState,
    c: &Chrome,
    items: Vec<ItemSummary>,
) -> Result<Vec<Row>, DomainError> {
    let mut rows = Vec::with_capacity(items.len());
    for i in items {
        rows.push(Row {
            id: i.id.to_string(),
            title: i.title,
            kind: kind_label(c, i.kind),
            from: i.originator_name,
            at: c.moment(i.created_at),
            own: i.own,
            scope: scope_view(st, c, &i.scope, i.scope_version, i.revoked_at).await?,
        });
    }
    Ok(rows)
}

fn consent_rows(c: &Chrome, entries: Vec<ConsentEntry>) -> Vec<ConsentRow> {
    entries
        .into_iter()
        .map(|e| ConsentRow {
            id: e.request.id.to_string(),
            item_id: e.request.item_id.to_string(),
            item_title: e.item_title,
            by: e.requested_by_name,
            to: e.to_name,
            reason: e.request.reason,
            status: c.s(match e.request.status {
                ConsentStatus::Pending => "sh.consent.pending",
                ConsentStatus::Approved => "sh.consent.approved",
                ConsentStatus::Refused => "sh.consent.refused",
            }),
            pending: e.request.status == ConsentStatus::Pending,
            to_decide: e.to_decide,
            note: e.request.decision_note.unwrap_or_default(),
        })
        .collect()
}

async fn inbox_response(st: &AppState, page: &Page, q: String) -> Result<Response, DomainError> {
    government(page)?;
    let c = &page.c;
    let filter = ItemFilter {
        q: (!q.trim().is_empty()).then(|| q.clone()),
        kind: None,
    };
    let items = sharing::list_items(&*st.store, &page.actor, &filter, st.now()).await?;
    let rows = rows_of(st, c, items).await?;
    let consents = consent_rows(
        c,
        sharing::consent_requests(&*st.store, &page.actor, st.now()).await?,
    );
    Ok(render(
        StatusCode::OK,
        &InboxPage {
            c,
            police: page.actor.org.kind == OrgKind::Police,
            q,
            rows,
            consents,
            can_write: page.actor.user.role.can_write(),
        },
    ))
}

/// The police liaison's start page: what was shared with them.
async fn police_home(
    State(st): State<AppState>,
    page: Page,
    axum_extra::extract::Query(q): axum_extra::extract::Query<InboxQuery>,
) -> Response {
    if page.actor.org.kind != OrgKind::Police {
        return redirect(home_for(page.actor.org.kind));
    }
    inbox_response(&st, &page, q.q)
        .await
        .unwrap_or_else(|e| page.fail(&e))
}

async fn inbox(
    State(st): State<AppState>,
    page: Page,
    axum_extra::extract::Query(q): axum_extra::extract::Query<InboxQuery>,
) -> Response {
    inbox_response(&st, &page, q.q)
        .await
        .unwrap_or_else(|e| page.fail(&e))
}

// ---------------------------------------------------------------------------------------------
// An item.

#[derive(Debug)]
pub struct ReplyView {
    pub org: String,
    pub at: String,
    pub body: String,
    pub mine: bool,
}

#[derive(Debug)]
pub struct ReceiptView {
    pub org: String,
    pub via: &'static str,
    pub at: String,
}

#[derive(Debug)]
pub struct OrgChoice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "sharing/item.html")]
struct ItemPage<'a> {
    c: &'a Chrome,
    id: String,
    title: String,
    kind: &'static str,
    from: String,
    at: String,
    own: bool,
    scope: ScopeView,
    question: Option<String>,
    body: String,
    /// A statistics package: how it counts and its tables (hidden cells as `x`).
    package: Option<(String, Vec<TableView>)>,
    replies: Vec<ReplyView>,
    consents: Vec<ConsentRow>,
    receipts: Vec<ReceiptView>,
    may_reply: bool,
    may_export: bool,
    may_forward: bool,
    may_manage: bool,
    red: bool,
    targets: Vec<OrgChoice>,
    keep: Vec<OrgChoice>,
    tlps: Vec<(&'static str, bool)>,
    notice: Option<&'static str>,
    alert: Option<String>,
}

fn item_uuid(s: &str) -> Result<Uuid, DomainError> {
    s.parse().map_err(|_| DomainError::NotFound)
}

async fn item_response(
    st: &AppState,
    page: &Page,
    id: &str,
    status: StatusCode,
    notice: Option<&'static str>,
    alert: Option<String>,
) -> Result<Response, DomainError> {
    // No kind check here: the scope decides (an operator may read a TLP:CLEAR item).
    let id = item_uuid(id)?;
    let c = &page.c;
    let d: ItemDetail =
        sharing::view_item(&*st.store, &page.actor, id, ViewVia::Page, st.now()).await?;
    let item = &d.item;
    let own = item.originator_org == page.actor.org.id;
    let mut names = std::collections::HashMap::new();
    let mut name = async |o: OrgId| -> Result<String, DomainError> {
        if let Some(n) = names.get(&o) {
            return Ok(String::clone(n));
        }
        let n = st
            .store
            .organisation(o)
            .await?
            .map(|x| x.name)
            .unwrap_or_default();
        names.insert(o, n.clone());
        Ok(n)
    };
    let mut replies = Vec::new();
    for r in &d.replies {
        replies.push(ReplyView {
            org: name(r.author_org).await?,
            at: c.moment(r.at),
            body: r.body.clone(),
            mine: r.author_org == page.actor.org.id,
        });
    }
    let mut receipts = Vec::new();
    for r in &d.read_receipts {
        receipts.push(ReceiptView {
            org: name(r.org_id).await?,
            via: r.via.as_str(),
            at: c.moment(r.at),
        });
    }
    let mut consents = Vec::new();
    for r in &d.consent_requests {
        consents.push(ConsentEntry {
            requested_by_name: name(r.requested_by_org).await?,
            to_name: name(r.to_org).await?,
            to_decide: own,
            item_title: Some(item.title.clone()),
            request: r.clone(),
        });
    }
    let consents = consent_rows(c, consents);
    let targets: Vec<OrgChoice> = if d.may.forward {
        sharing::directory(&*st.store, &page.actor)
            .await?
            .into_iter()
            .filter(|o: &Organisation| {
                o.id != item.originator_org && !item.scope.recipients.contains(&o.id)
            })
            .map(|o| OrgChoice {
                value: o.id.to_string(),
                label: o.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut keep = Vec::new();
    for r in &item.scope.recipients {
        keep.push(OrgChoice {
            value: r.to_string(),
            label: name(*r).await?,
        });
    }
    let tlps = Tlp::ALL
        .into_iter()
        .filter(|t| *t >= item.scope.tlp)
        .map(|t| (t.as_str(), t == item.scope.tlp))
        .collect();
    let question = item
        .body
        .get("question")
        .and_then(|q| q.as_str())
        .map(str::to_owned)
        .filter(|_| item.kind == ItemKind::AdviceRequest);
    let body = if let Some(t) = item.body.get("text").and_then(|t| t.as_str()) {
        t.to_owned()
    } else {
        let shown = if item.kind == ItemKind::AdviceRequest {
            item.body.get("matters").cloned().unwrap_or_default()
        } else {
            item.body.clone()
        };
        serde_json::to_string_pretty(&shown).unwrap_or_default()
    };
    let package = if item.kind == ItemKind::StatisticsPackage {
        serde_json::from_value::<StatisticsPackage>(item.body.clone())
            .ok()
            .map(|p| {
                let basis = if c.is_ja() { p.basis_ja } else { p.basis_en };
                let tables = p.tables.iter().map(|t| package_view(t, c)).collect();
                (basis, tables)
            })
    } else {
        None
    };
    Ok(render(
        status,
        &ItemPage {
            c,
            package,
            id: item.id.to_string(),
            title: item.title.clone(),
            kind: kind_label(c, item.kind),
            from: d.originator_name.clone(),
            at: c.moment(item.created_at),
            own,
            scope: scope_view(st, c, &item.scope, item.scope_version, item.revoked_at).await?,
            question,
            body,
            replies,
            consents,
            receipts,
            may_reply: d.may.reply,
            may_export: d.may.export,
            may_forward: d.may.forward && !targets.is_empty(),
            may_manage: d.may.manage && own && item.revoked_at.is_none(),
            red: item.scope.tlp == Tlp::Red,
            targets,
            keep,
            tlps,
            notice,
            alert,
        },
    ))
}

async fn item_page(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let notice = None;
    item_response(&st, &page, &id, StatusCode::OK, notice, None)
        .await
        .unwrap_or_else(|e| page.fail(&e))
}

/// After a change: back to the item, or the item again with the problem when the use case
/// refused the input.
async fn after(
    st: &AppState,
    page: &Page,
    id: &str,
    result: Result<Option<&'static str>, DomainError>,
) -> Response {
    match result {
        Ok(None) => redirect(&format!("/sharing/items/{id}")),
        Ok(Some(notice)) => item_response(st, page, id, StatusCode::OK, Some(notice), None)
            .await
            .unwrap_or_else(|e| page.fail(&e)),
        Err(e @ (DomainError::Invalid { .. } | DomainError::Conflict(_))) => {
            let status = if matches!(e, DomainError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            item_response(st, page, id, status, None, Some(e.to_string()))
                .await
                .unwrap_or_else(|e| page.fail(&e))
        }
        Err(e) => page.fail(&e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReplyForm {
    csrf_token: String,
    body: String,
}

async fn reply_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(f): Form<ReplyForm>,
) -> Response {
    if let Some(r) = page.csrf_refusal(&f.csrf_token) {
        return r;
    }
    let result = async {
        sharing::reply(&*st.store, &page.actor, item_uuid(&id)?, &f.body, st.now()).await?;
        Ok(None)
    }
    .await;
    after(&st, &page, &id, result).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForwardForm {
    csrf_token: String,
    to_org: String,
    reason: String,
}

async fn forward_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(f): Form<ForwardForm>,
) -> Response {
    if let Some(r) = page.csrf_refusal(&f.csrf_token) {
        return r;
    }
    let result = async {
        let to: OrgId = f
            .to_org
            .parse()
            .map_err(|_| DomainError::invalid("to_org", "choose an organisation"))?;
        let out = sharing::forward(
            &*st.store,
            &page.actor,
            item_uuid(&id)?,
            to,
            &f.reason,
            st.now(),
        )
        .await?;
        Ok(Some(match out {
            ForwardOutcome::Forwarded { .. } => "sh.forward.done",
            ForwardOutcome::ConsentRequested { .. } => "sh.forward.asked",
        }))
    }
    .await;
    after(&st, &page, &id, result).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NarrowForm {
    csrf_token: String,
    version: i64,
    tlp: String,
    keep: Vec<String>,
    purpose: String,
    onward_sharing: Option<String>,
    expires_on: String,
}

/// `YYYY-MM-DD` → the end of that day in Japan.
fn expiry_of(s: &str) -> Result<Option<Timestamp>, DomainError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let d = roei_law::facts::parse_iso_date(s)
        .map_err(|e| DomainError::invalid("scope.expires_at", e))?;
    d.tomorrow()
        .ok()
        .and_then(roei_domain::service::jst_start_of)
        .map(Some)
        .ok_or_else(|| DomainError::invalid("scope.expires_at", "out of range"))
}

fn orgs_of(values: &[String]) -> Result<Vec<OrgId>, DomainError> {
    values
        .iter()
        .map(|v| {
            v.parse()
                .map_err(|_| DomainError::invalid("scope.recipients", "not an organisation"))
        })
        .collect()
}

async fn narrow_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(f): Form<NarrowForm>,
) -> Response {
    if let Some(r) = page.csrf_refusal(&f.csrf_token) {
        return r;
    }
    let result = async {
        let scope = SharingScope {
            tlp: f.tlp.parse()?,
            recipients: orgs_of(&f.keep)?,
            purpose: f.purpose.clone(),
            onward_sharing: f.onward_sharing.is_some(),
            expires_at: expiry_of(&f.expires_on)?,
        };
        sharing::narrow_scope(
            &*st.store,
            &page.actor,
            item_uuid(&id)?,
            f.version,
            scope,
            st.now(),
        )
        .await?;
        Ok(None)
    }
    .await;
    after(&st, &page, &id, result).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeForm {
    csrf_token: String,
    version: i64,
}

async fn revoke_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(f): Form<RevokeForm>,
) -> Response {
    if let Some(r) = page.csrf_refusal(&f.csrf_token) {
        return r;
    }
    let result = async {
        sharing::revoke(
            &*st.store,
            &page.actor,
            item_uuid(&id)?,
            f.version,
            st.now(),
        )
        .await?;
        Ok(None)
    }
    .await;
    after(&st, &page, &id, result).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    csrf_token: String,
    decision: String,
    note: String,
    item: String,
}

async fn decide_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(f): Form<DecideForm>,
) -> Response {
    if let Some(r) = page.csrf_refusal(&f.csrf_token) {
        return r;
    }
    let result = async {
        let approve = match f.decision.as_str() {
            "approve" => true,
            "refuse" => false,
            _ => return Err(DomainError::invalid("decision", "approve or refuse")),
        };
        sharing::decide_consent(
            &*st.store,
            &page.actor,
            item_uuid(&id)?,
            approve,
            Some(&f.note),
            st.now(),
        )
        .await?;
        Ok(None)
    }
    .await;
    after(&st, &page, &f.item, result).await
}

// ---------------------------------------------------------------------------------------------
// Sharing and asking for advice.

/// The scope of a form's scope fields (`sharing/_scope_fields.html` and a recipients
/// fieldset): TLP label, recipient organisation ids, purpose, the onward-sharing box and the
/// expiry day.
pub(crate) fn form_scope(
    tlp: &str,
    recipients: &[String],
    purpose: &str,
    onward_sharing: bool,
    expires_on: &str,
) -> Result<SharingScope, DomainError> {
    Ok(SharingScope {
        tlp: tlp.parse()?,
        recipients: orgs_of(recipients)?,
        purpose: purpose.to_owned(),
        onward_sharing,
        expires_at: expiry_of(expires_on)?,
    })
}

/// The scope fields of a form (the forms repeat them: serde's `flatten` and repeated keys do
/// not mix).
macro_rules! scope_of {
    ($f:expr) => {
        form_scope(
            &$f.tlp,
            &$f.recipients,
            &$f.purpose,
            $f.onward_sharing.is_some(),
            &$f.expires_on,
        )
    };
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewForm {
    csrf_token: String,
    kind: String,
    title: String,
    text: String,
    tlp: String,
    recipients: Vec<String>,
    purpose: String,
    onward_sharing: Option<String>,
    expires_on: String,
}

#[derive(Debug)]
pub struct Check {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "sharing/new.html")]
struct NewPage<'a> {
    c: &'a Chrome,
    kinds: Vec<Check>,
    title: String,
    text: String,
    tlps: Vec<Check>,
    recipients: Vec<Check>,
    purpose: String,
    onward: bool,
    expires_on: String,
    alert: Option<String>,
}

pub(crate) fn tlp_checks(chosen: &str) -> Vec<Check> {
    Tlp::ALL
        .into_iter()
        .map(|t| Check {
            value: t.as_str().to_owned(),
            label: t.label(),
            checked: t.as_str() == chosen,
        })
        .collect()
}

pub(crate) async fn recipient_checks(
    st: &AppState,
    page: &Page,
    chosen: &[String],
    only: Option<OrgKind>,
) -> Result<Vec<Check>, DomainError> {
    Ok(sharing::directory(&*st.store, &page.actor)
        .await?
        .into_iter()
        .filter(|o| only.is_none_or(|k| o.kind == k))
        .map(|o| Check {
            checked: chosen.contains(&o.id.to_string()),
            value: o.id.to_string(),
            label: o.name,
        })
        .collect())
}

async fn new_response(
    st: &AppState,
    page: &Page,
    f: &NewForm,
    status: StatusCode,
    alert: Option<String>,
) -> Result<Response, DomainError> {
    government(page)?;
    let c = &page.c;
    let kinds = ItemKind::ALL
        .into_iter()
        .filter(|k| k.originated_by() == page.actor.org.kind && *k != ItemKind::AdviceRequest)
        .map(|k| Check {
            value: k.as_str().to_owned(),
            label: kind_label(c, k).to_owned(),
            checked: f.kind == k.as_str(),
        })
        .collect();
    Ok(render(
        status,
        &NewPage {
            c,
            kinds,
            title: f.title.clone(),
            text: f.text.clone(),
            tlps: tlp_checks(if f.tlp.is_empty() { "AMBER" } else { &f.tlp }),
            recipients: recipient_checks(st, page, &f.recipients, None).await?,
            purpose: f.purpose.clone(),
            onward: f.onward_sharing.is_some(),
            expires_on: f.expires_on.clone(),
            alert,
        },
    ))
}

async fn new_form(State(st): State<AppState>, page: Page) -> Response {
    new_response(&st, &page, &NewForm::default(), StatusCode::OK, None)
        .await
        .unwrap_or_else(|e| page.fail(&e))
}

async fn new_post(State(st): State<AppState>, page: Page, Form(f): Form<NewForm>) -> Response {
    if let Some(r) = page.csrf_refusal(&f.csrf_token) {
        return r;
    }
    let result = async {
        let kind: ItemKind = f.kind.parse()?;
        let scope = scope_of!(f)?;
        sharing::share_item(
            &*st.store,
            &page.actor,
            kind,
            &f.title,
            serde_json::json!({"text": f.text}),
            scope,
            st.now(),
        )
        .await
    }
    .await;
    match result {
        Ok(item) => redirect(&format!("/sharing/items/{}", item.id)),
        Err(e @ DomainError::Invalid { .. }) => new_response(
            &st,
            &page,
            &f,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(e.to_string()),
        )
        .await
        .unwrap_or_else(|e| page.fail(&e)),
        Err(e) => page.fail(&e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AdviceForm {
    csrf_token: String,
    to_org: String,
    question: String,
    matters: Vec<String>,
    tlp: String,
    recipients: Vec<String>,
    purpose: String,
    onward_sharing: Option<String>,
    expires_on: String,
}

#[derive(Template)]
#[template(path = "sharing/advice.html")]
struct AdvicePage<'a> {
    c: &'a Chrome,
    case_id: String,
    police: Vec<Check>,
    question: String,
    matters: Vec<Check>,
    tlps: Vec<Check>,
    purpose: String,
    onward: bool,
    expires_on: String,
    requests: Vec<Row>,
    alert: Option<String>,
}

const MATTERS: [Matter; 10] = [
    Matter::Header,
    Matter::Summary,
    Matter::DataItems,
    Matter::Persons,
    Matter::Cause,
    Matter::SecondaryHarm,
    Matter::IndividualResponse,
    Matter::Publication,
    Matter::Prevention,
    Matter::Other,
];

fn matter_key(m: Matter) -> String {
    serde_json::to_value(m)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

async fn advice_response(
    st: &AppState,
    page: &Page,
    case: &str,
    f: &AdviceForm,
    status: StatusCode,
    alert: Option<String>,
) -> Result<Response, DomainError> {
    let case_id: CaseId = case.parse().map_err(|_| DomainError::NotFound)?;
    let c = &page.c;
    let requests =
        sharing::advice_requests_of_case(&*st.store, &page.actor, case_id, st.now()).await?;
    let requests = rows_of(st, c, requests).await?;
    let police = recipient_checks(
        st,
        page,
        std::slice::from_ref(&f.to_org),
        Some(OrgKind::Police),
    )
    .await?;
    let fresh = f.matters.is_empty() && f.question.is_empty();
    let matters = MATTERS
        .into_iter()
        .map(|m| {
            let key = matter_key(m);
            Check {
                checked: f.matters.contains(&key)
                    || (fresh && matches!(m, Matter::Summary | Matter::Cause)),
                label: if c.is_ja() {
                    format!("{}. {}", m.number(), m.ja())
                } else {
                    format!("{}. {}", m.number(), m.en())
                },
                value: key,
            }
        })
        .collect();
    Ok(render(
        status,
        &AdvicePage {
            c,
            case_id: case_id.to_string(),
            police,
            question: f.question.clone(),
            matters,
            tlps: tlp_checks(if f.tlp.is_empty() { "AMBER" } else { &f.tlp }),
            purpose: if f.purpose.is_empty() && fresh {
                "技術的助言（覚書4条(1)ロ）".to_owned()
            } else {
                f.purpose.clone()
            },
            onward: f.onward_sharing.is_some(),
            expires_on: f.expires_on.clone(),
            requests,
            alert,
        },
    ))
}

async fn advice_form(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    if page.actor.org.kind != OrgKind::Regulator {
        return page.fail(&DomainError::NotFound);
    }
    advice_response(
        &st,
        &page,
        &id,
        &AdviceForm::default(),
        StatusCode::OK,
        None,
    )
    .await
    .unwrap_or_else(|e| page.fail(&e))
}

async fn advice_post(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Form(f): Form<AdviceForm>,
) -> Response {
    if let Some(r) = page.csrf_refusal(&f.csrf_token) {
        return r;
    }
    let result = async {
        let case_id: CaseId = id.parse().map_err(|_| DomainError::NotFound)?;
        let scope = scope_of!(f)?;
        let to_org: OrgId = f
            .to_org
            .parse()
            .map_err(|_| DomainError::invalid("to_org", "choose a police organisation"))?;
        let matters = f
            .matters
            .iter()
            .map(|m| {
                serde_json::from_value::<Matter>(serde_json::Value::String(m.clone()))
                    .map_err(|_| DomainError::invalid("matters", format!("unknown matter {m}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        sharing::request_advice(
            &*st.store,
            &page.actor,
            case_id,
            AdviceRequest {
                to_org,
                question: f.question.clone(),
                matters,
                tlp: scope.tlp,
                purpose: scope.purpose,
                onward_sharing: scope.onward_sharing,
                expires_at: scope.expires_at,
            },
            st.now(),
        )
        .await
    }
    .await;
    match result {
        Ok(item) => redirect(&format!("/sharing/items/{}", item.id)),
        Err(e @ DomainError::Invalid { .. }) => advice_response(
            &st,
            &page,
            &id,
            &f,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(e.to_string()),
        )
        .await
        .unwrap_or_else(|e| page.fail(&e)),
        Err(e) => page.fail(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// The police contacts.

#[derive(Debug)]
pub struct ContactRow {
    pub code: String,
    pub prefecture: String,
    pub contact: String,
    pub phone: String,
    pub url: String,
    pub source: String,
    pub retrieved: String,
    pub status: &'static str,
    pub status_key: &'static str,
}

pub fn status_key(s: ContactStatus) -> &'static str {
    match s {
        ContactStatus::Confirmed => "ct.status.confirmed",
        ContactStatus::Official => "ct.status.official",
        ContactStatus::Secondary => "ct.status.secondary",
        ContactStatus::None => "ct.status.none",
    }
}

pub fn contact_row(c: &Chrome, p: &PoliceContact) -> ContactRow {
    let key = status_key(p.status());
    ContactRow {
        code: p.prefecture_code.clone(),
        prefecture: p.prefecture.clone(),
        contact: p.contact_name.clone().unwrap_or_default(),
        phone: p.phone.clone().unwrap_or_default(),
        url: p.url.clone().unwrap_or_default(),
        source: p.source.clone(),
        retrieved: p.retrieved.clone().unwrap_or_default(),
        status: c.s(key),
        status_key: key,
    }
}

#[derive(Template)]
#[template(path = "sharing/contacts.html")]
struct ContactsPage<'a> {
    c: &'a Chrome,
    rows: Vec<ContactRow>,
    admin: bool,
}

async fn contacts_page(State(st): State<AppState>, page: Page) -> Response {
    if page.actor.org.kind != OrgKind::Regulator {
        return page.fail(&DomainError::NotFound);
    }
    match contacts::police_contacts(&*st.store).await {
        Ok(list) => render(
            StatusCode::OK,
            &ContactsPage {
                c: &page.c,
                rows: list.iter().map(|p| contact_row(&page.c, p)).collect(),
                admin: page.actor.user.role == Role::Admin,
            },
        ),
        Err(e) => page.fail(&e),
    }
}

#[derive(Template)]
#[template(path = "sharing/contact_edit.html")]
struct ContactEditPage<'a> {
    c: &'a Chrome,
    row: ContactRow,
    form: ContactForm,
    alert: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ContactForm {
    csrf_token: String,
    contact_name: String,
    phone: String,
    url: String,
    source: String,
    retrieved: String,
    confirmed: Option<String>,
}

fn require_regulator_admin(page: &Page) -> Result<(), DomainError> {
    if page.actor.org.kind != OrgKind::Regulator {
        return Err(DomainError::NotFound);
    }
    if page.actor.user.role != Role::Admin {
        return Err(DomainError::Forbidden(
            "only the regulator's admins edit the police contacts".into(),
        ));
    }
    Ok(())
}

async fn contact_form(
    State(st): State<AppState>,
    page: Page,
    Path(code): Path<String>,
) -> Response {
    let result = async {
        require_regulator_admin(&page)?;
        let n = contacts::contact_notice(&*st.store, &code).await?;
        let p = &n.contact;
        let form = ContactForm {
            contact_name: p.contact_name.clone().unwrap_or_default(),
            phone: p.phone.clone().unwrap_or_default(),
            url: p.url.clone().unwrap_or_default(),
            source: p.source.clone(),
            retrieved: p.retrieved.clone().unwrap_or_default(),
            confirmed: (n.status == ContactStatus::Confirmed).then(|| "on".to_owned()),
            ..ContactForm::default()
        };
        Ok(render(
            StatusCode::OK,
            &ContactEditPage {
                c: &page.c,
                row: contact_row(&page.c, p),
                form,
                alert: None,
            },
        ))
    }
    .await;
    result.unwrap_or_else(|e: DomainError| page.fail(&e))
}

async fn contact_post(
    State(st): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    Form(f): Form<ContactForm>,
) -> Response {
    if let Some(r) = page.csrf_refusal(&f.csrf_token) {
        return r;
    }
    let edit = ContactEdit {
        contact_name: Some(f.contact_name.clone()),
        phone: Some(f.phone.clone()),
        url: Some(f.url.clone()),
        source: f.source.clone(),
        retrieved: Some(f.retrieved.clone()),
        confirmed: f.confirmed.is_some(),
    };
    match contacts::update_police_contact(&*st.store, &page.actor, &code, edit, st.now()).await {
        Ok(_) => redirect("/settings/police-contacts"),
        Err(e @ DomainError::Invalid { .. }) => {
            match contacts::contact_notice(&*st.store, &code).await {
                Ok(n) => render(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &ContactEditPage {
                        c: &page.c,
                        row: contact_row(&page.c, &n.contact),
                        form: f,
                        alert: Some(e.to_string()),
                    },
                ),
                Err(e) => page.fail(&e),
            }
        }
        Err(e) => page.fail(&e),
    }
}
