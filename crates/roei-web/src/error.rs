//! API errors: `{"code": "...", "message": "...", "field"?: "...", "missing"?: [...]}` with a
//! stable `code` and a 4xx status for anything the client can fix.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use roei_domain::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code: `invalid_input`, `invalid_json`, `report_incomplete`,
    /// `unauthenticated`, `csrf_failed`, `forbidden`, `not_found`, `conflict`,
    /// `too_many_attempts`, `payload_too_large`, `internal_error`.
    pub code: &'static str,
    /// A sentence for humans, naming the field and the problem.
    pub message: String,
    /// The offending field, as a path (`facts.persons`, `content.summary.incident[1]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `report_incomplete`: what a 確報 still needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub missing: Option<Vec<roei_domain::report::Missing>>,
}

/// An error an API handler returns.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                code,
                message: message.into(),
                field: None,
                missing: None,
            },
            retry_after: None,
        }
    }

    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.body.field = Some(field.into());
        self
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
    }

    pub fn invalid(field: &str, problem: impl Into<String>) -> Self {
        let problem = problem.into();
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!("{field}: {problem}"),
        )
        .field(field)
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, problem } => Self::invalid(&field, problem),
            DomainError::Incomplete(missing) => {
                let mut err = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "report_incomplete",
                    DomainError::Incomplete(missing.clone()).to_string(),
                );
                err.body.missing = Some(missing);
                err
            }
            DomainError::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, "forbidden", m),
            // The same answer whether the object is another tenant's or does not exist.
            DomainError::NotFound => Self::not_found(),
            DomainError::Conflict(m) => Self::new(StatusCode::CONFLICT, "conflict", m),
            DomainError::Throttled(secs) => {
                let mut err = Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_attempts",
                    format!("too many failed logins; try again in {secs} seconds"),
                );
                err.retry_after = Some(secs);
                err
            }
            DomainError::Unauthenticated(m) => Self::unauthenticated(m),
            DomainError::Storage(m) => {
                tracing::error!(error = %m, "storage failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "the server could not complete the request; nothing was changed",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(self.body)).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

/// What handlers return.
pub type ApiResult<T> = Result<T, ApiError>;
