//! `POST /api/v1/scan`: `roei scan` on an upload (scan-contract.md §Output). The body is read
//! into memory as it streams in (up to `scan_upload_limit`), scanned on a blocking thread and
//! dropped: nothing of it is written to disk or to the database.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::Doc;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Authed;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(scan))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ScanQuery {
    /// The file's name; its extension helps to tell the format (`members.csv`, `log.txt.gz`).
    name: Option<String>,
}

/// The upload over the limit.
pub fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the upload is larger than the scan limit of {limit} bytes (scan_upload_limit_mb)"),
    )
    .field("body")
}

/// Reads a body stream into memory, refusing it once it passes `limit`.
pub async fn read_limited(body: Body, limit: usize) -> ApiResult<Vec<u8>> {
    let mut stream = body.into_data_stream();
    let mut data = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::invalid("body", format!("cannot be read: {e}")))?;
        if data.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        data.extend_from_slice(&chunk);
    }
    Ok(data)
}

/// Scans named uploads together (persons are linked across them) on a blocking thread.
pub async fn scan_uploads(files: Vec<(String, Vec<u8>)>) -> ApiResult<roei_scan::Report> {
    let started = Instant::now();
    tokio::task::spawn_blocking(move || {
        let opts = roei_scan::ScanOptions::default();
        let mut all = roei_scan::Scan::default();
        for (name, data) in &files {
            all.merge(roei_scan::scan_bytes(name, data, &opts));
        }
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        all.report(ms)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "scan task failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the scan failed",
        )
    })
}

/// Scans one uploaded file (the raw request body, any content type) for persons and data items
/// (scan-contract.md §Output: files, bytes, records, persons, persons_with_card_number, items,
/// item_records, facts, errors, elapsed_ms). Nothing is stored. Merge `facts` into a case with
/// `PUT /cases/{case_id}/facts`.
#[utoipa::path(post, path = "/scan", tag = "scan", params(ScanQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = Doc), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn scan(
    State(st): State<AppState>,
    _a: Authed,
    Query(q): Query<ScanQuery>,
    body: Body,
) -> ApiResult<Response> {
    let data = read_limited(body, st.config.scan_upload_limit).await?;
    let name = q.name.unwrap_or_else(|| "upload".to_owned());
    let report = scan_uploads(vec![(name, data)]).await?;
    Ok(axum::Json(report).into_response())
}
