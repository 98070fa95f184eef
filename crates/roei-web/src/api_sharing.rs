//! `/api/v1` routes of the regulator–police cooperation (覚書): the prefectural police contacts,
//! shared items under their designated scope, technical advice requests, forwarding with
//! consent, narrowing and revoking, JSON and STIX 2.1 export. Each handler calls one use case
//! of `roei_domain::sharing`, which decides on the scope.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use roei_domain::model::{CaseId, OrgId, Organisation};
use roei_domain::sharing::contacts::{self, ContactEdit, ContactNotice, PoliceContact};
use roei_domain::sharing::{
    self, AdviceRequest, ConsentEntry, ConsentRequest, ExportFormat, ForwardOutcome, ItemDetail,
    ItemFilter, ItemKind, ItemSummary, SharedItem, SharingScope, ViewVia,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Authed, JsonBody};

/// The sharing routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_contacts))
        .routes(routes!(contact_notice, update_contact))
        .routes(routes!(directory))
        .routes(routes!(list_items, share_item))
        .routes(routes!(get_item))
        .routes(routes!(export_item))
        .routes(routes!(stix_item))
        .routes(routes!(reply))
        .routes(routes!(forward))
        .routes(routes!(narrow))
        .routes(routes!(revoke))
        .routes(routes!(request_advice))
        .routes(routes!(list_consents))
        .routes(routes!(decide_consent))
}

fn item_id(s: &str) -> ApiResult<Uuid> {
    s.parse()
        .map_err(|_| ApiError::invalid("id", format!("\"{s}\" is not an item id")))
}

fn case_id(s: &str) -> ApiResult<CaseId> {
    s.parse()
        .map_err(|_| ApiError::invalid("case_id", format!("\"{s}\" is not a case id")))
}

/// The prefectural police contacts (reference data, with source, date and confidence).
#[utoipa::path(get, path = "/police-contacts", tag = "sharing",
    responses((status = 200, body = Vec<PoliceContact>)))]
async fn list_contacts(State(st): State<AppState>, _a: Authed) -> ApiResult<Response> {
    Ok(Json(contacts::police_contacts(&*st.store).await?).into_response())
}

/// What an operator is shown for a prefecture: the contact, how far it is confirmed, and the
/// NPA's nationwide online reception.
#[utoipa::path(get, path = "/police-contacts/{code}", tag = "sharing",
    params(("code" = String, Path, description = "JIS prefecture code 01–47")),
    responses((status = 200, body = ContactNotice), (status = 422, body = ErrorBody)))]
async fn contact_notice(
    State(st): State<AppState>,
    _a: Authed,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    Ok(Json(contacts::contact_notice(&*st.store, &code).await?).into_response())
}

/// Corrects a prefecture's contact (regulator admins; audited).
#[utoipa::path(put, path = "/police-contacts/{code}", tag = "sharing",
    params(("code" = String, Path)), request_body = ContactEdit,
    responses((status = 200, body = PoliceContact), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_contact(
    State(st): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    JsonBody(b): JsonBody<ContactEdit>,
) -> ApiResult<Response> {
    let c = contacts::update_police_contact(&*st.store, &a.actor, &code, b, st.now()).await?;
    Ok(Json(c).into_response())
}

/// The organisations items can be shared with (the regulator and police organisations).
#[utoipa::path(get, path = "/sharing/organisations", tag = "sharing",
    responses((status = 200, body = Vec<Organisation>)))]
async fn directory(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    Ok(Json(sharing::directory(&*st.store, &a.actor).await?).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ItemQuery {
    /// Words that must all occur in the title or the body.
    q: Option<String>,
    /// Only items of this kind.
    kind: Option<String>,
}

/// The shared items the caller may see now (list and search), newest first.
#[utoipa::path(get, path = "/shared-items", tag = "sharing", params(ItemQuery),
    responses((status = 200, body = Vec<ItemSummary>)))]
async fn list_items(
    State(st): State<AppState>,
    a: Authed,
    Query(q): Query<ItemQuery>,
) -> ApiResult<Response> {
    let kind = match q.kind.as_deref() {
        None | Some("") => None,
        Some(k) => Some(k.parse::<ItemKind>()?),
    };
    let filter = ItemFilter { q: q.q, kind };
    Ok(Json(sharing::list_items(&*st.store, &a.actor, &filter, st.now()).await?).into_response())
}

/// A new shared item (normal-time sharing, 覚書4条(2)ロ).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareBody {
    kind: ItemKind,
    title: String,
    #[schema(value_type = Object)]
    body: serde_json::Value,
    scope: SharingScope,
}

/// Shares an item under a designated scope.
#[utoipa::path(post, path = "/shared-items", tag = "sharing", request_body = ShareBody,
    responses((status = 201, body = SharedItem), (status = 422, body = ErrorBody)))]
async fn share_item(
    State(st): State<AppState>,
    a: Authed,
    JsonBody(b): JsonBody<ShareBody>,
) -> ApiResult<Response> {
    let item = sharing::share_item(
        &*st.store,
        &a.actor,
        b.kind,
        &b.title,
        b.body,
        b.scope,
        st.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(item)).into_response())
}

/// Asks a police organisation for technical advice on a report (覚書4条(1)ロ).
#[utoipa::path(post, path = "/cases/{case_id}/advice-requests", tag = "sharing",
    params(("case_id" = String, Path)), request_body = AdviceRequest,
    responses((status = 201, body = SharedItem), (status = 422, body = ErrorBody)))]
async fn request_advice(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<AdviceRequest>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let item = sharing::request_advice(&*st.store, &a.actor, id, b, st.now()).await?;
    Ok((StatusCode::CREATED, Json(item)).into_response())
}

/// A shared item with its thread; the reading is recorded (read receipt).
#[utoipa::path(get, path = "/shared-items/{id}", tag = "sharing", params(("id" = String, Path)),
    responses((status = 200, body = ItemDetail), (status = 404, body = ErrorBody)))]
async fn get_item(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = item_id(&id)?;
    let d = sharing::view_item(&*st.store, &a.actor, id, ViewVia::Api, st.now()).await?;
    Ok(Json(d).into_response())
}

fn attachment(v: &serde_json::Value, name: &str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Json(v).into_response().into_body(),
    )
        .into_response()
}

/// The item as JSON with its scope stated (not RED; recorded).
#[utoipa::path(get, path = "/shared-items/{id}/export", tag = "sharing", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn export_item(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = item_id(&id)?;
    let v = sharing::export_item(&*st.store, &a.actor, id, ExportFormat::Json, st.now()).await?;
    Ok(attachment(
        &v,
        &format!("roei-item-{id}.json"),
        "application/json",
    ))
}

/// The item as a STIX 2.1 bundle with its TLP 2.0 marking and a marking stating the scope
/// (not RED; recorded).
#[utoipa::path(get, path = "/shared-items/{id}/stix", tag = "sharing", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn stix_item(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = item_id(&id)?;
    let v = sharing::export_item(&*st.store, &a.actor, id, ExportFormat::Stix, st.now()).await?;
    Ok(attachment(
        &v,
        &format!("roei-item-{id}.stix.json"),
        "application/stix+json;version=2.1",
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    body: String,
}

/// Writes in the item's thread (originator and named recipients).
#[utoipa::path(post, path = "/shared-items/{id}/replies", tag = "sharing", params(("id" = String, Path)),
    request_body = ReplyBody,
    responses((status = 201, body = sharing::Reply), (status = 404, body = ErrorBody)))]
async fn reply(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ReplyBody>,
) -> ApiResult<Response> {
    let id = item_id(&id)?;
    let r = sharing::reply(&*st.store, &a.actor, id, &b.body, st.now()).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardBody {
    to_org: OrgId,
    reason: String,
}

/// Passes the item on: 201 when the scope allows it, 202 with a consent request to the
/// originator when it goes beyond the scope.
#[utoipa::path(post, path = "/shared-items/{id}/forward", tag = "sharing", params(("id" = String, Path)),
    request_body = ForwardBody,
    responses((status = 201, body = ForwardOutcome), (status = 202, body = ForwardOutcome),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn forward(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ForwardBody>,
) -> ApiResult<Response> {
    let id = item_id(&id)?;
    let out = sharing::forward(&*st.store, &a.actor, id, b.to_org, &b.reason, st.now()).await?;
    let status = match out {
        ForwardOutcome::Forwarded { .. } => StatusCode::CREATED,
        ForwardOutcome::ConsentRequested { .. } => StatusCode::ACCEPTED,
    };
    Ok((status, Json(out)).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeBody {
    /// The scope version the caller saw.
    version: i64,
    scope: SharingScope,
}

/// Narrows the scope (the originator): at once for every recipient.
#[utoipa::path(put, path = "/shared-items/{id}/scope", tag = "sharing", params(("id" = String, Path)),
    request_body = ScopeBody,
    responses((status = 200, body = SharedItem), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn narrow(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ScopeBody>,
) -> ApiResult<Response> {
    let id = item_id(&id)?;
    let item =
        sharing::narrow_scope(&*st.store, &a.actor, id, b.version, b.scope, st.now()).await?;
    Ok(Json(item).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionBody {
    version: i64,
}

/// Revokes the sharing (the originator): no recipient sees it any more.
#[utoipa::path(post, path = "/shared-items/{id}/revoke", tag = "sharing", params(("id" = String, Path)),
    request_body = VersionBody,
    responses((status = 200, body = SharedItem), (status = 409, body = ErrorBody)))]
async fn revoke(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<VersionBody>,
) -> ApiResult<Response> {
    let id = item_id(&id)?;
    let item = sharing::revoke(&*st.store, &a.actor, id, b.version, st.now()).await?;
    Ok(Json(item).into_response())
}

/// The consent requests the caller's organisation made or must decide.
#[utoipa::path(get, path = "/consent-requests", tag = "sharing",
    responses((status = 200, body = Vec<ConsentEntry>)))]
async fn list_consents(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    Ok(Json(sharing::consent_requests(&*st.store, &a.actor, st.now()).await?).into_response())
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    approve: bool,
    #[serde(default)]
    note: Option<String>,
}

/// The originator approves or refuses a consent request (logged; the requester sees it).
#[utoipa::path(post, path = "/consent-requests/{id}/decision", tag = "sharing", params(("id" = String, Path)),
    request_body = DecisionBody,
    responses((status = 200, body = ConsentRequest), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn decide_consent(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<DecisionBody>,
) -> ApiResult<Response> {
    let id = item_id(&id)?;
    let r = sharing::decide_consent(
        &*st.store,
        &a.actor,
        id,
        b.approve,
        b.note.as_deref(),
        st.now(),
    )
    .await?;
    Ok(Json(r).into_response())
}
