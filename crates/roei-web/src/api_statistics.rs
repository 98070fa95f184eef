//! `/api/v1/statistics…` and `/api/v1/memorandum`: the regulator's statistics, the police
//! package (small counts hidden), its publication to the police as a shared item, and the
//! memorandum's term, as JSON. Authorization is the
//! domain's ([`roei_domain::statistics`]): a regulator's users only (the memorandum: both
//! parties).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use roei_domain::memorandum::{self, MemorandumTerm};
use roei_domain::sharing::{SharedItem, SharingScope};
use roei_domain::statistics::{
    self, DEFAULT_THRESHOLD, FiscalYear, PackageRead, Statistics, StatisticsPackage,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::ok;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Authed, JsonBody};

/// The routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_statistics))
        .routes(routes!(get_package))
        .routes(routes!(share_package))
        .routes(routes!(get_memorandum))
}

type QueryResult<T> = Result<Query<T>, axum::extract::rejection::QueryRejection>;

fn query<T>(q: QueryResult<T>) -> ApiResult<T> {
    q.map(|Query(q)| q)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_input", e.body_text()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatisticsQuery {
    /// The fiscal year (April–March) by the year it starts, e.g. `2026`; every year when
    /// absent.
    fiscal_year: Option<String>,
}

/// The counts of the reports received (one case once, by its latest submission; the fiscal
/// year of its first): per fiscal year, and for the year asked by item, cause, sector, persons
/// bracket, stage and cause × persons. Regulator only.
#[utoipa::path(get, path = "/statistics", tag = "statistics", params(StatisticsQuery),
    responses((status = 200, body = Statistics), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_statistics(
    State(st): State<AppState>,
    a: Authed,
    q: QueryResult<StatisticsQuery>,
) -> ApiResult<Response> {
    let q = query(q)?;
    let fy = q
        .fiscal_year
        .as_deref()
        .map(|s| FiscalYear::parse("fiscal_year", s))
        .transpose()?;
    ok(statistics::statistics(&*st.store, &a.actor, fy).await?)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PackageQuery {
    /// The fiscal year of the package, e.g. `2026` (required).
    fiscal_year: Option<String>,
    /// Counts below it are hidden (default 5; 3–100).
    threshold: Option<u64>,
}

/// The statistics package for the police (覚書4条(2)ロ(イ)): the year's tables with every
/// count below the threshold hidden (`null`), and enough others that none can be worked out
/// from the totals. Regulator only.
#[utoipa::path(get, path = "/statistics/package", tag = "statistics", params(PackageQuery),
    responses((status = 200, body = StatisticsPackage), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_package(
    State(st): State<AppState>,
    a: Authed,
    q: QueryResult<PackageQuery>,
) -> ApiResult<Response> {
    let q = query(q)?;
    let fy = q
        .fiscal_year
        .as_deref()
        .map(|s| FiscalYear::parse("fiscal_year", s))
        .transpose()?;
    let threshold = q.threshold.unwrap_or(DEFAULT_THRESHOLD);
    ok(statistics::read_package(
        &*st.store,
        &a.actor,
        fy,
        threshold,
        PackageRead::Api,
        st.now(),
    )
    .await?)
}

/// What to publish: the package of a year and threshold, under a designated scope.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    /// The fiscal year of the package, e.g. `2026`.
    #[schema(value_type = i16)]
    fiscal_year: FiscalYear,
    /// Counts below it are hidden (default 5; 3–100).
    #[serde(default)]
    threshold: Option<u64>,
    /// The shared item's title (default 「漏えい等報告の統計パッケージ（2026年度）」).
    #[serde(default)]
    title: Option<String>,
    /// The designated scope (覚書5条): TLP 2.0 label, the police organisations named, purpose,
    /// onward sharing, expiry.
    scope: SharingScope,
}

/// Publishes the year's police package to the police (覚書4条(2)ロ(イ)): a shared item of kind
/// `statistics_package` under the designated scope, whose body is the package with the hidden
/// cells `null`. Regulator members and admins only (403 `forbidden` for anyone else); a bad
/// year, threshold or scope is 422 naming the field, and nothing is stored. `Location` is the
/// new item.
#[utoipa::path(post, path = "/statistics/package/share", tag = "statistics",
    request_body = PublishBody,
    responses((status = 201, body = SharedItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn share_package(
    State(st): State<AppState>,
    a: Authed,
    JsonBody(b): JsonBody<PublishBody>,
) -> ApiResult<Response> {
    let item = statistics::publish_package(
        &*st.store,
        &a.actor,
        Some(b.fiscal_year),
        b.threshold.unwrap_or(DEFAULT_THRESHOLD),
        b.title.as_deref(),
        b.scope,
        st.now(),
    )
    .await?;
    let location = format!("/api/v1/shared-items/{}", item.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(item),
    )
        .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MemorandumQuery {
    /// The day to compute the term for (default: today in Japan).
    today: Option<String>,
}

/// The memorandum's current term (覚書6条: fiscal-year terms from 2023-04-01, renewed for a
/// year unless either side objects three months before expiry) and the next objection
/// deadline; `null` before 2023-04-01. The regulator's and the police's users.
#[utoipa::path(get, path = "/memorandum", tag = "statistics", params(MemorandumQuery),
    responses((status = 200, body = Option<MemorandumTerm>), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn get_memorandum(
    State(st): State<AppState>,
    a: Authed,
    q: QueryResult<MemorandumQuery>,
) -> ApiResult<Response> {
    let q = query(q)?;
    let today = crate::api::today_of(&st, q.today.as_deref())?;
    ok(memorandum::term_for(&a.actor, today)?)
}
