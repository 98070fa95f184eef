//! The browser UI: server-rendered askama pages that work without JavaScript, enhanced with the
//! vendored htmx (live determination beside the interview, partial updates). Japanese by default,
//! English by a switch; dates in 西暦 with optional 和暦.
//!
//! Every page goes through the same use cases as the JSON API (roei-domain); handlers only
//! translate forms to calls and results to pages. Forms carry the session's CSRF token in a
//! hidden `csrf_token` field; a bad form is shown again with each error beside its field and
//! everything typed kept.

pub mod auth;
pub mod cases;
pub mod casework;
pub mod documents;
pub mod forms;
pub mod i18n;
pub mod regulator;
pub mod report;
pub mod scan;
pub mod sharing;
pub mod statistics;

use std::fmt::Write as _;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use jiff::Timestamp;
use jiff::civil::Date;
use roei_domain::auth::constant_time_eq;
use roei_domain::model::OrgKind;
use roei_domain::service::Actor;
use roei_domain::{DomainError, accounts};

use crate::AppState;
use crate::extract::SESSION_COOKIE;
pub use i18n::Lang;

/// The language preference cookie (`ja` or `en`).
pub const LANG_COOKIE: &str = "roei_lang";
/// The 和暦 preference cookie (`1` shows 和暦 beside dates).
pub const ERA_COOKIE: &str = "roei_era";

/// All pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assets/htmx.min.js", get(htmx_js))
        .route("/assets/app.css", get(app_css))
        .route("/assets/app.js", get(app_js))
        .merge(auth::router())
        .merge(cases::router())
        .merge(report::router())
        .merge(casework::router())
        .merge(regulator::router())
        .merge(scan::router())
        .merge(sharing::router())
        .merge(statistics::router())
}

const HTMX: &str = include_str!("../../assets/htmx-2.0.11.min.js");
const CSS: &str = include_str!("../../assets/app.css");
const APP_JS: &str = include_str!("../../assets/app.js");

async fn htmx_js() -> Response {
    asset("text/javascript; charset=utf-8", HTMX)
}

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

async fn app_css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

/// What every page shows around its content: who is signed in, the language, the CSRF token.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub lang: Lang,
    pub era: bool,
    /// Signed in (the navigation is shown).
    pub signed_in: bool,
    pub user_name: String,
    pub user_role: &'static str,
    pub org_name: String,
    /// `operator`, `regulator` or `police`.
    pub org_kind: &'static str,
    pub csrf: String,
    /// The path of this page (for the language switch to return to).
    pub path: String,
    /// Other accounts signed in in this browser (the organisation switch is shown).
    pub has_other_accounts: bool,
    pub today: Date,
    pub now: Timestamp,
}

impl Chrome {
    /// The word for `key`.
    pub fn s(&self, key: &str) -> &'static str {
        i18n::text(key, self.lang)
    }

    /// `2026-11-22（日）`, or with 和暦.
    pub fn date(&self, d: Date) -> String {
        i18n::date(d, self.lang, self.era)
    }

    /// An optional date, or "—".
    pub fn opt_date(&self, d: Option<Date>) -> String {
        d.map_or_else(|| "—".to_owned(), |d| self.date(d))
    }

    /// A moment in Japan time.
    pub fn moment(&self, t: Timestamp) -> String {
        i18n::moment(t)
    }

    /// `ja` / `en`, for `<html lang>`.
    pub fn lang_code(&self) -> &'static str {
        match self.lang {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// The language switch's target: the other language.
    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::Ja => "en",
            Lang::En => "ja",
        }
    }

    pub fn is_ja(&self) -> bool {
        self.lang == Lang::Ja
    }

    pub fn is_operator(&self) -> bool {
        self.org_kind == "operator"
    }

    pub fn is_regulator(&self) -> bool {
        self.org_kind == "regulator"
    }

    /// The path, percent-encoded for a query string.
    pub fn back(&self) -> String {
        encode_query(&self.path)
    }

    /// A page for someone not signed in.
    pub fn anonymous(parts: &Parts, st: &AppState) -> Self {
        let jar = CookieJar::from_headers(&parts.headers);
        let now = st.now();
        Self {
            lang: lang_of(&jar),
            era: jar.get(ERA_COOKIE).is_some_and(|c| c.value() == "1"),
            signed_in: false,
            user_name: String::new(),
            user_role: "",
            org_name: String::new(),
            org_kind: "",
            csrf: String::new(),
            path: parts.uri.path().to_owned(),
            has_other_accounts: false,
            today: roei_domain::service::jst_today(now),
            now,
        }
    }
}

fn lang_of(jar: &CookieJar) -> Lang {
    match jar
        .get(LANG_COOKIE)
        .map(axum_extra::extract::cookie::Cookie::value)
    {
        Some("en") => Lang::En,
        _ => Lang::Ja,
    }
}

/// Percent-encodes a value for a query string.
pub fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A local path to return to (never another site).
pub fn safe_back(back: &str) -> &str {
    if back.starts_with('/') && !back.starts_with("//") && !back.contains('\\') {
        back
    } else {
        "/"
    }
}

/// A signed-in user's page context.
#[derive(Debug, Clone)]
pub struct Page {
    pub actor: Actor,
    pub c: Chrome,
}

impl Page {
    /// The refusal of a form whose CSRF token is not the session's (`None` when it is).
    pub fn csrf_refusal(&self, sent: &str) -> Option<Response> {
        if !sent.is_empty() && constant_time_eq(sent, &self.c.csrf) {
            None
        } else {
            Some(error_page(
                &self.c,
                StatusCode::FORBIDDEN,
                "error.forbidden.title",
                self.c.s("error.csrf"),
            ))
        }
    }

    /// The page for a use case's error.
    pub fn fail(&self, e: &DomainError) -> Response {
        fail(&self.c, e)
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let jar = CookieJar::from_headers(&parts.headers);
        let mut c = Chrome::anonymous(parts, st);
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
            return Err(to_login(parts));
        };
        match accounts::actor_for_session(&*st.store, &token, c.now).await {
            Ok(Some((actor, session))) => {
                c.signed_in = true;
                c.user_name.clone_from(&actor.user.display_name);
                c.user_role = actor.user.role.as_str();
                c.org_name.clone_from(&actor.org.name);
                c.org_kind = actor.org.kind.as_str();
                c.csrf = session.csrf_token;
                c.has_other_accounts = jar
                    .get(auth::ACCOUNTS_COOKIE)
                    .is_some_and(|v| !v.value().is_empty());
                Ok(Self { actor, c })
            }
            Ok(None) => Err(to_login(parts)),
            Err(e) => Err(fail(&c, &e)),
        }
    }
}

/// Sends someone not signed in to the login page, returning here afterwards.
fn to_login(parts: &Parts) -> Response {
    let next = parts
        .uri
        .path_and_query()
        .map_or("/", axum::http::uri::PathAndQuery::as_str);
    let target = format!("/login?next={}", encode_query(next));
    if parts.headers.contains_key("hx-request") {
        let mut res = StatusCode::OK.into_response();
        if let Ok(v) = HeaderValue::from_str(&target) {
            res.headers_mut().insert("hx-redirect", v);
        }
        return res;
    }
    redirect(&target)
}

/// 303 See Other to `to` (after a form post, or to send elsewhere).
pub fn redirect(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(LOCATION, v);
    }
    res
}

/// Renders a template, or the server-error page if rendering fails.
pub fn render(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><title>500</title><p>Internal error".to_owned()),
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    c: &'a Chrome,
    title_key: &'a str,
    message: &'a str,
}

/// A page explaining what went wrong.
pub fn error_page(c: &Chrome, status: StatusCode, title_key: &str, message: &str) -> Response {
    render(
        status,
        &ErrorPage {
            c,
            title_key,
            message,
        },
    )
}

/// The page for a use case's error: 404 for what the user may not see (same as absent), 403,
/// 409, 422, 500.
pub fn fail(c: &Chrome, e: &DomainError) -> Response {
    match e {
        DomainError::NotFound => error_page(
            c,
            StatusCode::NOT_FOUND,
            "error.not_found.title",
            c.s("error.not_found.body"),
        ),
        DomainError::Forbidden(m) => {
            error_page(c, StatusCode::FORBIDDEN, "error.forbidden.title", m)
        }
        DomainError::Conflict(m) => error_page(c, StatusCode::CONFLICT, "error.conflict.title", m),
        DomainError::Invalid { .. } | DomainError::Incomplete(_) => error_page(
            c,
            StatusCode::UNPROCESSABLE_ENTITY,
            "common.error_summary",
            &e.to_string(),
        ),
        _ => {
            tracing::error!(error = %e, "page failed");
            error_page(
                c,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error.server.title",
                c.s("error.server.body"),
            )
        }
    }
}

/// The 404 page for paths no route matches.
pub fn not_found(parts: &Parts, st: &AppState) -> Response {
    let c = Chrome::anonymous(parts, st);
    error_page(
        &c,
        StatusCode::NOT_FOUND,
        "error.not_found.title",
        c.s("error.not_found.body"),
    )
}

/// The start page for each kind of organisation.
pub fn home_for(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::Operator => "/board",
        OrgKind::Regulator => "/inbox",
        OrgKind::Police => "/home",
    }
}
