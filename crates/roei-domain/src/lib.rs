//! roei-domain — what roei keeps and the rules for changing it.
//!
//! * [`model`]: organisations (operator / regulator / police, with an operator's regime), users
//!   and roles, entrustments, incident cases and their determination history;
//! * [`audit`]: the append-only hash-chained audit log and its verification;
//! * [`store`]: the [`Store`] trait every database backend implements;
//! * [`service`]: the use cases, which call `roei-law`.
//!
//! No SQL and no HTTP here.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod casework;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod memorandum;
pub mod model;
pub mod records;
pub mod reminders;
pub mod report;
pub mod reporting;
pub mod service;
pub mod sharing;
pub mod statistics;
pub mod store;
pub mod suppression;

pub use store::{Store, StoreError, StoreResult};

/// A use case failed: bad input (naming the field), not allowed, not found, a conflict, or
/// the store failed.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{field}: {problem}")]
    Invalid { field: String, problem: String },
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    /// A 確報 lacks some of the nine matters.
    #[error("a 確報 needs all nine matters of 規則8条1項; missing: {}", .0.iter().map(|m| m.field.as_str()).collect::<Vec<_>>().join(", "))]
    Incomplete(Vec<report::Missing>),
    /// Too many failed logins; retry after this many seconds.
    #[error("too many failed logins; retry in {0} s")]
    Throttled(u64),
    /// Not logged in, or the credentials are wrong.
    #[error("unauthenticated: {0}")]
    Unauthenticated(String),
    #[error("storage failed: {0}")]
    Storage(String),
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// A stable code for APIs.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Invalid { .. } => "invalid_input",
            DomainError::Forbidden(_) => "forbidden",
            DomainError::NotFound => "not_found",
            DomainError::Conflict(_) => "conflict",
            DomainError::Incomplete(_) => "report_incomplete",
            DomainError::Throttled(_) => "too_many_attempts",
            DomainError::Unauthenticated(_) => "unauthenticated",
            DomainError::Storage(_) => "storage_error",
        }
    }
}

impl From<StoreError> for DomainError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => DomainError::NotFound,
            StoreError::Conflict(m) => DomainError::Conflict(m),
            StoreError::Backend(m) => DomainError::Storage(m),
        }
    }
}
