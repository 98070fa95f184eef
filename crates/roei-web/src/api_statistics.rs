//! `/api/v1/statistics…` and `/api/v1/memorandum`: the regulator's statistics, the police
//! package (small counts hidden) and the memorandum's term, as JSON. Authorization is the
//! domain's ([`roei_domain::statistics`]): a regulator's users only (the memorandum: both
//! parties).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roei_domain::memorandum::{self, MemorandumTerm};
use roei_domain::statistics::{self, DEFAULT_THRESHOLD, FiscalYear, Statistics, StatisticsPackage};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::ok;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Authed;

/// The routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_statistics))
        .routes(routes!(get_package))
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
    ok(statistics::police_package(&*st.store, &a.actor, fy, threshold, st.now()).await?)
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
