//! Request extractors: strict JSON bodies that name the bad field, and the authenticated actor
//! (API token or session cookie, with the CSRF check for cookie-authenticated changes).

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum_extra::extract::CookieJar;
use roei_domain::accounts;
use roei_domain::auth::constant_time_eq;
use roei_domain::service::Actor;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::ApiError;

/// The session cookie.
pub const SESSION_COOKIE: &str = "roei_session";
/// The header a cookie-authenticated change must carry (the session's CSRF token).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A JSON body parsed strictly; errors name the field path.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_json",
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body could not be read: {e}"),
            )
        })?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses JSON, naming the path of the first bad field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = if path == "." { None } else { Some(path) };
        let message = match &field {
            Some(f) => format!("{f}: {inner}"),
            None => format!("the body is not valid: {inner}"),
        };
        let mut err = ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", message);
        err.body.field = field;
        err
    })
}

/// The address of the client, for throttling.
pub fn client_addr(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// The authenticated user and organisation.
#[derive(Debug, Clone)]
pub struct Authed {
    pub actor: Actor,
    /// The session's CSRF token when authenticated by cookie.
    pub csrf_token: Option<String>,
    /// The session cookie's token (for logout).
    pub session_token: Option<String>,
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let store = &*state.store;
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(|| {
                    ApiError::unauthenticated("the Authorization header must be \"Bearer <token>\"")
                })?;
            let actor = accounts::actor_for_api_token(store, token.trim())
                .await?
                .ok_or_else(|| ApiError::unauthenticated("the API token is unknown or revoked"))?;
            return Ok(Self {
                actor,
                csrf_token: None,
                session_token: None,
            });
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Err(ApiError::unauthenticated(
                "log in first (session cookie) or send an API token",
            ));
        };
        let token = cookie.value().to_owned();
        let (actor, session) = accounts::actor_for_session(store, &token, state.now())
            .await?
            .ok_or_else(|| ApiError::unauthenticated("the session has expired; log in again"))?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent, &session.csrf_token) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "a change made with a session cookie must carry the session's CSRF token \
                     in the X-CSRF-Token header",
                ));
            }
        }
        Ok(Self {
            actor,
            csrf_token: Some(session.csrf_token),
            session_token: Some(token),
        })
    }
}
