//! `/api/v1`: every use case as JSON. Each handler authenticates, calls one domain use case and
//! maps its error; authorization and validation live in roei-domain.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use roei_domain::model::{CaseId, CaseStatus, IncidentCase, Role};
use roei_domain::records::RegulatorActionKind;
use roei_domain::report::{CURRENT_FORM_VERSION, FormOptions, ReportContent, ReportStage};
use roei_domain::reporting::{InboxFilter, SubmitRequest};
use roei_domain::service::jst_today;
use roei_domain::{accounts, casework, reporting, service};
use roei_law::Facts;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use roei_domain::casework::{EntrusterNoticeRequest, PoliceReportRequest, RegulatorActionRequest};
use roei_domain::model::{DeterminationRecord, Organisation, User};
use roei_domain::records::{
    ApiToken, EntrusterNotice, Message, OutboxMessage, PoliceReport, RegulatorAction,
};
use roei_domain::report::Submission;
use roei_domain::reporting::{BoardCard, DraftView, InboxEntry, SubmissionView};

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Authed, JsonBody, SESSION_COOKIE, client_addr};

/// The `/api/v1` routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(list_tokens, issue_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_users, create_user))
        .routes(routes!(form_options))
        .routes(routes!(assess))
        .routes(routes!(list_cases, open_case))
        .routes(routes!(get_case))
        .routes(routes!(update_facts))
        .routes(routes!(set_status))
        .routes(routes!(determinations))
        .routes(routes!(get_draft, save_draft))
        .routes(routes!(list_submissions, submit))
        .routes(routes!(list_entruster_notices, notify_entruster))
        .routes(routes!(received_entruster_notices))
        .routes(routes!(list_police_reports, record_police_report))
        .routes(routes!(list_messages, post_message))
        .routes(routes!(list_regulator_actions, regulator_action))
        .routes(routes!(board))
        .routes(routes!(inbox))
        .routes(routes!(outbox))
        .merge(crate::api_documents::router())
}

fn case_id(s: &str) -> ApiResult<CaseId> {
    s.parse()
        .map_err(|_| ApiError::invalid("case_id", format!("\"{s}\" is not a case id")))
}

/// A 200 JSON answer (wrapped for `?`-style handlers).
#[allow(clippy::unnecessary_wraps)]
pub(crate) fn ok<T: Serialize>(v: T) -> ApiResult<Response> {
    Ok(Json(v).into_response())
}

/// A 201 JSON answer.
#[allow(clippy::unnecessary_wraps)]
fn created<T: Serialize>(v: T) -> ApiResult<Response> {
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// A case with its latest determination.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseWithDetermination {
    pub case: IncidentCase,
    pub determination: DeterminationRecord,
}

/// The logged-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub user: User,
    pub organisation: Organisation,
    /// Send it as `X-CSRF-Token` with every change made with the session cookie (null for an
    /// API token).
    pub csrf_token: Option<String>,
    /// When the session ends (login only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub expires_at: Option<jiff::Timestamp>,
}

/// A newly issued API token: `token` is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedToken {
    #[serde(flatten)]
    pub meta: ApiToken,
    pub token: String,
}

/// The notice sent and the case as re-assessed.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeSent {
    pub notice: EntrusterNotice,
    pub case: IncidentCase,
}

/// A JSON object of the law engine (assess-contract.md §Output).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(value_type = Object)]
pub struct Doc(pub Value);

// ---------------------------------------------------------------- auth

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    email: String,
    password: String,
}

/// Logs in: sets the `roei_session` cookie (HttpOnly, SameSite=Strict) and returns the CSRF
/// token to send as `X-CSRF-Token` with every change made with that cookie.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(
    State(st): State<AppState>,
    parts: Parts,
    JsonBody(body): JsonBody<LoginBody>,
) -> ApiResult<Response> {
    let client = client_addr(&parts);
    let l = accounts::login(&*st.store, &body.email, &body.password, &client, st.now()).await?;
    let mut res = Json(LoginResponse {
        user: l.user,
        organisation: l.org,
        csrf_token: Some(l.session.csrf_token),
        expires_at: Some(l.session.expires_at),
    })
    .into_response();
    res.headers_mut()
        .insert(SET_COOKIE, session_cookie(&st, &l.token));
    Ok(res)
}

pub(crate) fn session_cookie(st: &AppState, token: &str) -> HeaderValue {
    let secure = st.config.secure_attr();
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        accounts::SESSION_LIFETIME.as_secs()
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub(crate) fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("roei_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Ends the session.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    if let Some(token) = &a.session_token {
        accounts::logout(&*st.store, &a.actor, token, st.now()).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(SET_COOKIE, clear_cookie());
    Ok(res)
}

/// The current user, organisation and (for a session) CSRF token.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody)))]
async fn me(a: Authed) -> Json<LoginResponse> {
    Json(LoginResponse {
        user: a.actor.user,
        organisation: a.actor.org,
        csrf_token: a.csrf_token,
        expires_at: None,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// What the token is for.
    name: String,
}

/// The caller's API tokens (without their secrets).
#[utoipa::path(get, path = "/tokens", tag = "auth", responses((status = 200, body = Vec<ApiToken>)))]
async fn list_tokens(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    ok(accounts::api_tokens(&*st.store, &a.actor).await?)
}

/// Issues an API token for the caller; the token is shown once.
#[utoipa::path(post, path = "/tokens", tag = "auth", request_body = TokenBody,
    responses((status = 201, body = IssuedToken), (status = 422, body = ErrorBody)))]
async fn issue_token(
    State(st): State<AppState>,
    a: Authed,
    JsonBody(body): JsonBody<TokenBody>,
) -> ApiResult<Response> {
    let (token, t) = accounts::issue_api_token(
        &*st.store,
        Some(&a.actor),
        a.actor.user.id,
        &body.name,
        st.now(),
    )
    .await?;
    created(IssuedToken { meta: t, token })
}

/// Revokes one of the caller's API tokens.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "auth",
    params(("id" = String, Path, description = "token id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn revoke_token(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::not_found())?;
    accounts::revoke_api_token(&*st.store, &a.actor, id, st.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The users of the caller's organisation.
#[utoipa::path(get, path = "/users", tag = "organisation", responses((status = 200, body = Vec<User>)))]
async fn list_users(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    ok(&accounts::users(&*st.store, &a.actor).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    email: String,
    display_name: String,
    /// `admin`, `member` or `viewer`.
    role: String,
    password: String,
}

/// Creates a user in the caller's organisation (admins only).
#[utoipa::path(post, path = "/users", tag = "organisation", request_body = NewUserBody,
    responses((status = 201, body = User), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_user(
    State(st): State<AppState>,
    a: Authed,
    JsonBody(b): JsonBody<NewUserBody>,
) -> ApiResult<Response> {
    let role: Role = b.role.parse()?;
    let u = accounts::create_user(
        &*st.store,
        Some(&a.actor),
        a.actor.org.id,
        &b.email,
        &b.display_name,
        role,
        &b.password,
        st.now(),
    )
    .await?;
    created(&u)
}

// ---------------------------------------------------------------- reference

/// The option lists of the report form (as data, by form version).
#[utoipa::path(get, path = "/form/options", tag = "reference", responses((status = 200, body = FormOptions)))]
async fn form_options() -> Json<Option<&'static FormOptions>> {
    Json(FormOptions::get(CURRENT_FORM_VERSION))
}

/// Runs the law engine on facts without storing anything (assess-contract.md).
#[utoipa::path(post, path = "/assess", tag = "reference", request_body = Doc,
    params(("lang" = Option<String>, Query, description = "ja (default) or en")),
    responses((status = 200, body = Doc), (status = 400, body = ErrorBody)))]
async fn assess(
    _a: Authed,
    Query(q): Query<LangQuery>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::invalid("body", "is not UTF-8"))?;
    let facts = Facts::from_json(text).map_err(|e| ApiError::invalid(&e.field, e.problem))?;
    let det = roei_law::assess(&facts);
    let lang = if q.lang.as_deref() == Some("en") {
        roei_law::Lang::En
    } else {
        roei_law::Lang::Ja
    };
    ok(det.localized(lang))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LangQuery {
    lang: Option<String>,
}

// ---------------------------------------------------------------- cases

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseBody {
    title: String,
    /// Facts per assess-contract.md (`known_on` is 知った日).
    #[schema(value_type = Object)]
    facts: Value,
}

fn facts_from(v: &Value) -> ApiResult<Facts> {
    Facts::from_value(v).map_err(|e| ApiError::invalid(&format!("facts.{}", e.field), e.problem))
}

/// The organisation's cases, newest first.
#[utoipa::path(get, path = "/cases", tag = "cases", responses((status = 200, body = Vec<IncidentCase>)))]
async fn list_cases(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    ok(service::list_cases(&*st.store, &a.actor).await?)
}

/// Opens a case (知った日 starts the clock) and stores its first determination.
#[utoipa::path(post, path = "/cases", tag = "cases", request_body = OpenCaseBody,
    responses((status = 201, body = CaseWithDetermination), (status = 422, body = ErrorBody)))]
async fn open_case(
    State(st): State<AppState>,
    a: Authed,
    JsonBody(b): JsonBody<OpenCaseBody>,
) -> ApiResult<Response> {
    let facts = facts_from(&b.facts)?;
    let (case, det) = service::open_case(&*st.store, &a.actor, &b.title, facts, st.now()).await?;
    created(CaseWithDetermination {
        case,
        determination: det,
    })
}

/// A case with its latest determination.
#[utoipa::path(get, path = "/cases/{case_id}", tag = "cases",
    params(("case_id" = String, Path)),
    responses((status = 200, body = CaseWithDetermination), (status = 404, body = ErrorBody)))]
async fn get_case(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let case = service::operator_case(&*st.store, &a.actor, id).await?;
    let mut dets = service::determinations(&*st.store, &a.actor, id).await?;
    let determination = dets.pop().ok_or_else(ApiError::not_found)?;
    ok(CaseWithDetermination {
        case,
        determination,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactsBody {
    /// The case version read (optimistic concurrency).
    version: i64,
    #[schema(value_type = Object)]
    facts: Value,
}

/// Changes the facts: re-assesses and appends the determination (history kept).
#[utoipa::path(put, path = "/cases/{case_id}/facts", tag = "cases",
    params(("case_id" = String, Path)), request_body = FactsBody,
    responses((status = 200, body = CaseWithDetermination), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_facts(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<FactsBody>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let facts = facts_from(&b.facts)?;
    let (case, det) =
        service::update_facts(&*st.store, &a.actor, id, b.version, facts, st.now()).await?;
    ok(CaseWithDetermination {
        case,
        determination: det,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    version: i64,
    /// `open` or `closed`.
    status: String,
}

/// Closes or reopens a case.
#[utoipa::path(put, path = "/cases/{case_id}/status", tag = "cases",
    params(("case_id" = String, Path)), request_body = StatusBody,
    responses((status = 200, body = IncidentCase), (status = 409, body = ErrorBody)))]
async fn set_status(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<StatusBody>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let status: CaseStatus = b.status.parse()?;
    let case =
        service::set_case_status(&*st.store, &a.actor, id, b.version, status, st.now()).await?;
    ok(&case)
}

/// Every determination of the case, oldest first, each with its rule-set version and trace.
#[utoipa::path(get, path = "/cases/{case_id}/determinations", tag = "cases",
    params(("case_id" = String, Path)), responses((status = 200, body = Vec<DeterminationRecord>), (status = 404, body = ErrorBody)))]
async fn determinations(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    ok(&service::determinations(&*st.store, &a.actor, id).await?)
}

// ---------------------------------------------------------------- reports

/// The report draft (prefilled from the case when never saved: version 0), what a 確報 still
/// needs, and the stages that may come next.
#[utoipa::path(get, path = "/cases/{case_id}/report/draft", tag = "reports",
    params(("case_id" = String, Path)), responses((status = 200, body = DraftView), (status = 404, body = ErrorBody)))]
async fn get_draft(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    ok(&reporting::draft(&*st.store, &a.actor, id).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftBody {
    /// The draft version read (0 before the first save).
    version: i64,
    /// The header and the nine matters (別記様式第一).
    content: ReportContent,
}

/// Saves the draft.
#[utoipa::path(put, path = "/cases/{case_id}/report/draft", tag = "reports",
    params(("case_id" = String, Path)), request_body = DraftBody,
    responses((status = 200, body = DraftView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_draft(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<DraftBody>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let v = reporting::save_draft(&*st.store, &a.actor, id, b.version, b.content, st.now())
        .await
        .map_err(|e| prefix_field(e, "content."))?;
    ok(&v)
}

fn prefix_field(e: roei_domain::DomainError, prefix: &str) -> roei_domain::DomainError {
    match e {
        roei_domain::DomainError::Invalid { field, problem } if field != "version" => {
            roei_domain::DomainError::Invalid {
                field: format!("{prefix}{field}"),
                problem,
            }
        }
        e => e,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitBody {
    /// `quick_report` (速報), `final_report` (確報) or `supplement` (追完).
    stage: ReportStage,
    /// The draft version the user reviewed.
    draft_version: i64,
    /// The regulator; optional when only one exists.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    to_org: Option<roei_domain::model::OrgId>,
}

/// Submits the saved draft as the next immutable version. Send an `Idempotency-Key` header:
/// a retry with the same key returns the first result (200 instead of 201).
#[utoipa::path(post, path = "/cases/{case_id}/report/submissions", tag = "reports",
    params(("case_id" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = SubmitBody,
    responses((status = 201, body = Submission), (status = 200, body = Submission, description = "replay"),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn submit(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(b): JsonBody<SubmitBody>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .map_err(|_| ApiError::invalid("Idempotency-Key", "must be visible ASCII"))?
                .to_owned(),
        ),
    };
    let (sub, replayed) = reporting::submit(
        &*st.store,
        &a.actor,
        id,
        SubmitRequest {
            stage: b.stage,
            draft_version: b.draft_version,
            to_org: b.to_org,
            idempotency_key: key,
        },
        st.now(),
    )
    .await?;
    if !replayed {
        metrics::counter!("roei_submissions_total", "stage" => sub.stage.as_str()).increment(1);
    }
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(sub)).into_response())
}

/// The submitted versions with the field-by-field changes from the previous one (operator, or
/// the regulator they were sent to).
#[utoipa::path(get, path = "/cases/{case_id}/report/submissions", tag = "reports",
    params(("case_id" = String, Path)), responses((status = 200, body = Vec<SubmissionView>), (status = 404, body = ErrorBody)))]
async fn list_submissions(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    ok(&reporting::submissions(&*st.store, &a.actor, id).await?)
}

// ---------------------------------------------------------------- casework

/// Sends the entruster notice (委託元への通知) and re-assesses the case.
#[utoipa::path(post, path = "/cases/{case_id}/entruster-notices", tag = "casework",
    params(("case_id" = String, Path)), request_body = EntrusterNoticeRequest,
    responses((status = 201, body = NoticeSent), (status = 422, body = ErrorBody)))]
async fn notify_entruster(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<casework::EntrusterNoticeRequest>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let (notice, case) = casework::notify_entruster(&*st.store, &a.actor, id, b, st.now()).await?;
    created(NoticeSent { notice, case })
}

/// The entruster notices sent about the case.
#[utoipa::path(get, path = "/cases/{case_id}/entruster-notices", tag = "casework",
    params(("case_id" = String, Path)), responses((status = 200, body = Vec<EntrusterNotice>)))]
async fn list_entruster_notices(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    ok(&casework::entruster_notices(&*st.store, &a.actor, id).await?)
}

/// The entruster notices the caller's organisation received from its entrustees.
#[utoipa::path(get, path = "/entruster-notices/received", tag = "casework",
    responses((status = 200, body = Vec<EntrusterNotice>)))]
async fn received_entruster_notices(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    ok(&casework::received_entruster_notices(&*st.store, &a.actor).await?)
}

/// Records the operator's report to a prefectural police.
#[utoipa::path(post, path = "/cases/{case_id}/police-reports", tag = "casework",
    params(("case_id" = String, Path)), request_body = PoliceReportRequest,
    responses((status = 201, body = PoliceReport), (status = 422, body = ErrorBody)))]
async fn record_police_report(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<casework::PoliceReportRequest>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let r = casework::record_police_report(&*st.store, &a.actor, id, b, st.now()).await?;
    created(&r)
}

/// The police reports of the case.
#[utoipa::path(get, path = "/cases/{case_id}/police-reports", tag = "casework",
    params(("case_id" = String, Path)), responses((status = 200, body = Vec<PoliceReport>)))]
async fn list_police_reports(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    ok(&casework::police_reports(&*st.store, &a.actor, id).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    body: String,
}

/// Posts in the case's thread between the operator and the regulator.
#[utoipa::path(post, path = "/cases/{case_id}/messages", tag = "casework",
    params(("case_id" = String, Path)), request_body = MessageBody,
    responses((status = 201, body = Message), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn post_message(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<MessageBody>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let m = casework::post_message(&*st.store, &a.actor, id, &b.body, st.now()).await?;
    created(&m)
}

/// The case's thread, oldest first.
#[utoipa::path(get, path = "/cases/{case_id}/messages", tag = "casework",
    params(("case_id" = String, Path)), responses((status = 200, body = Vec<Message>)))]
async fn list_messages(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    ok(&casework::messages(&*st.store, &a.actor, id).await?)
}

/// Records a regulator action: `acknowledge` a submission, or `police_introduction`.
#[utoipa::path(post, path = "/cases/{case_id}/regulator-actions", tag = "regulator",
    params(("case_id" = String, Path)), request_body = RegulatorActionRequest,
    responses((status = 201, body = RegulatorAction), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn regulator_action(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<casework::RegulatorActionRequest>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let r = casework::regulator_action(&*st.store, &a.actor, id, b, st.now()).await?;
    if r.kind == RegulatorActionKind::Acknowledge {
        metrics::counter!("roei_acknowledgements_total").increment(1);
    }
    created(&r)
}

/// The regulator's actions on the case.
#[utoipa::path(get, path = "/cases/{case_id}/regulator-actions", tag = "regulator",
    params(("case_id" = String, Path)), responses((status = 200, body = Vec<RegulatorAction>)))]
async fn list_regulator_actions(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    ok(&casework::regulator_actions(&*st.store, &a.actor, id).await?)
}

// ---------------------------------------------------------------- boards

#[derive(Debug, Deserialize, IntoParams)]
pub struct TodayQuery {
    /// The day to compute deadlines for (default: today in Japan).
    today: Option<String>,
}

pub(crate) fn today_of(st: &AppState, q: Option<&str>) -> ApiResult<jiff::civil::Date> {
    match q {
        None => Ok(jst_today(st.now())),
        Some(s) => roei_law::facts::parse_iso_date(s).map_err(|e| ApiError::invalid("today", e)),
    }
}

/// The operator's deadline board: open cases, overdue first.
#[utoipa::path(get, path = "/board", tag = "cases", params(TodayQuery),
    responses((status = 200, body = Vec<BoardCard>)))]
async fn board(
    State(st): State<AppState>,
    a: Authed,
    Query(q): Query<TodayQuery>,
) -> ApiResult<Response> {
    let today = today_of(&st, q.today.as_deref())?;
    ok(&reporting::board(&*st.store, &a.actor, today).await?)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// `quick_report`, `final_report` or `supplement` (of the latest submission).
    stage: Option<String>,
    /// A 規則7条 / 43条 item number.
    item: Option<u8>,
    cause: Option<String>,
    sector: Option<String>,
    persons_min: Option<u64>,
    persons_max: Option<u64>,
    /// Only cases whose 確報 is overdue.
    final_overdue: Option<bool>,
    today: Option<String>,
}

/// The regulator's inbox, newest first, with filters; `final_overdue=true` lists the cases
/// whose 確報 is overdue (a 速報 received, the due date passed, no 確報).
#[utoipa::path(get, path = "/inbox", tag = "regulator", params(InboxQuery),
    responses((status = 200, body = Vec<InboxEntry>), (status = 400, body = ErrorBody)))]
async fn inbox(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<InboxQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) =
        q.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_input", e.body_text()))?;
    let filter = InboxFilter {
        stage: q.stage.as_deref().map(str::parse).transpose()?,
        item: q.item,
        cause: q.cause,
        sector: q.sector,
        persons_min: q.persons_min,
        persons_max: q.persons_max,
        final_overdue: q.final_overdue.unwrap_or(false),
    };
    let today = today_of(&st, q.today.as_deref())?;
    ok(&reporting::inbox(&*st.store, &a.actor, &filter, today).await?)
}

/// The mail outbox of the caller's organisation (reminders), newest first.
#[utoipa::path(get, path = "/outbox", tag = "cases", responses((status = 200, body = Vec<OutboxMessage>)))]
async fn outbox(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    ok(roei_domain::reminders::outbox(&*st.store, &a.actor).await?)
}
