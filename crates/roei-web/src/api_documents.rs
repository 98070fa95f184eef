//! `/api/v1` document downloads (roei-docs): the PDF of a submitted report, and a case's
//! notice letter / e-mail, entruster notice, announcement and report preview from its draft.
//! Who may read them is decided by the domain's use cases (`reporting::submissions`,
//! `reporting::draft`, `service::operator_case`, `casework::entrusters`); rendering runs on the
//! blocking pool.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use roei_docs::{CaseDocument, DocsError, DocumentKind, Entruster, Rendered};
use roei_domain::model::{CaseId, IncidentCase};
use roei_domain::report::{ReportContent, ReportStage};
use roei_domain::service::{Actor, jst_today};
use roei_domain::{Store, casework, reporting, service};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Authed;

/// The document routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submission_pdf))
        .routes(routes!(case_document))
}

fn case_id(s: &str) -> ApiResult<CaseId> {
    s.parse()
        .map_err(|_| ApiError::invalid("case_id", format!("\"{s}\" is not a case id")))
}

fn docs_error(e: DocsError) -> ApiError {
    match e {
        DocsError::Invalid { field, problem } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "document_input_invalid",
            format!("{field}: {problem}"),
        )
        .field(field),
        e @ DocsError::Incomplete { .. } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "report_incomplete",
            e.to_string(),
        ),
        DocsError::Typeset(m) => {
            tracing::error!(error = %m, "document rendering failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "render_failed",
                "the document could not be rendered",
            )
        }
    }
}

/// Renders on the blocking pool (typst is CPU-bound).
async fn render(kind: DocumentKind, doc: CaseDocument) -> ApiResult<Rendered> {
    tokio::task::spawn_blocking(move || roei_docs::render(kind, &doc))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "document rendering panicked");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "render_failed",
                "the document could not be rendered",
            )
        })?
        .map_err(docs_error)
}

/// The file as a download; `X-Roei-Missing-Glyphs` lists the code points printed as 〓.
fn download(r: &Rendered, file_stem: &str) -> Response {
    let mut res = (
        [
            (header::CONTENT_TYPE, r.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{file_stem}.{}\"",
                    r.kind.extension()
                ),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        r.bytes.clone(),
    )
        .into_response();
    if !r.missing_glyphs.is_empty() {
        let list: Vec<String> = r
            .missing_glyphs
            .iter()
            .map(|c| format!("U+{:04X}", u32::from(*c)))
            .collect();
        if let Ok(v) = HeaderValue::from_str(&list.join(",")) {
            res.headers_mut().insert("x-roei-missing-glyphs", v);
        }
    }
    res
}

/// The PDF of a submitted report (速報 / 確報 / 追完) exactly as submitted: for the operator,
/// or the regulator it was sent to.
#[utoipa::path(get, path = "/cases/{case_id}/report/submissions/{seq}/pdf", tag = "reports",
    params(("case_id" = String, Path), ("seq" = i64, Path, description = "1, 2, 3… per case")),
    responses((status = 200, content_type = "application/pdf", description = "the report (PDF/A-2b)"),
        (status = 404, body = ErrorBody)))]
async fn submission_pdf(
    State(st): State<AppState>,
    a: Authed,
    Path((id, seq)): Path<(String, i64)>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let (sub, regime) = reporting::submission_for_print(&*st.store, &a.actor, id, seq).await?;
    let doc = CaseDocument {
        document_id: Some(format!("{}-{}", sub.id, sub.seq)),
        issued_on: jst_today(sub.submitted_at),
        regime,
        stage: Some(sub.stage),
        addressee: None,
        report: sub.content,
        notice: roei_docs::NoticeDetails::default(),
        entruster: None,
    };
    let r = render(DocumentKind::Report, doc).await?;
    Ok(download(&r, &format!("report-{seq}-{}", sub.stage)))
}

/// The case's draft with what the letters need: the entruster (the first of the operator's
/// entrusters by name) and the statute.
async fn draft_document(
    store: &dyn Store,
    actor: &Actor,
    id: CaseId,
    today: jiff::civil::Date,
) -> ApiResult<(IncidentCase, CaseDocument)> {
    let case = service::operator_case(store, actor, id).await?;
    let view = reporting::draft(store, actor, id).await?;
    let mut entrusters = casework::entrusters(store, actor).await?;
    entrusters.sort_by(|a, b| a.name.cmp(&b.name));
    let content: ReportContent = view.draft.content;
    let doc = CaseDocument {
        document_id: None,
        issued_on: today,
        regime: case.facts.regime,
        stage: Some(ReportStage::QuickReport),
        addressee: None,
        entruster: entrusters.first().map(|o| Entruster {
            name: o.name.clone(),
            attention: None,
            known_on: content.summary.discovered_on,
        }),
        report: content,
        notice: roei_docs::NoticeDetails::default(),
    };
    Ok((case, doc))
}

/// A document of the case from its current draft: `notice` (本人への通知, PDF),
/// `notice-email` (the same as plain text), `entruster-notice` (委託元への通知, PDF),
/// `announcement` (公表文 draft, PDF) or `report` (a preview of the draft as a 速報, with
/// 未確定 where it is empty). The operator's users only, like the draft.
#[utoipa::path(get, path = "/cases/{case_id}/documents/{kind}", tag = "reports",
    params(("case_id" = String, Path),
        ("kind" = String, Path, description = "report, notice, notice-email, entruster-notice or announcement")),
    responses((status = 200, content_type = "application/pdf", description = "the document (PDF/A-2b; text/plain for notice-email)"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn case_document(
    State(st): State<AppState>,
    a: Authed,
    Path((id, kind)): Path<(String, String)>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let (case, doc) = draft_document(&*st.store, &a.actor, id, jst_today(st.now())).await?;
    let kind: DocumentKind = kind.parse().map_err(docs_error)?;
    let r = render(kind, doc).await?;
    Ok(download(&r, &format!("{kind}-{}", case.id)))
}
