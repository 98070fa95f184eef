//! (being built)

use axum::Router;

use crate::AppState;

pub(crate) const TEXT: &[(&str, &str, &str)] = &[];

pub fn router() -> Router<AppState> {
    Router::new()
}
