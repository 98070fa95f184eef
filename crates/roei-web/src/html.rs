//! The minimal HTML: a login form (CSRF-protected form post, throttled like the API) and a
//! landing page. The full UI comes with askama pages later; everything is in the JSON API.

use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use roei_domain::accounts;
use roei_domain::auth::{constant_time_eq, random_token};
use serde::Deserialize;

use crate::AppState;
use crate::api::{clear_cookie, session_cookie};
use crate::extract::{SESSION_COOKIE, client_addr};

/// The double-submit cookie protecting the login form.
const LOGIN_CSRF_COOKIE: &str = "roei_login_csrf";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", axum::routing::post(logout_submit))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} — roei</title>\
         <style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6}}\
         label{{display:block;margin-top:1rem}}input{{width:100%;padding:.5rem;font-size:1rem}}\
         button{{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}}\
         .error{{color:#b00020;border-left:4px solid #b00020;padding-left:.5rem}}\
         :focus{{outline:3px solid #1a73e8;outline-offset:2px}}</style></head>\
         <body>{body}</body></html>",
        escape(title)
    )
}

fn login_form(csrf: &str, email: &str, error: Option<&str>) -> String {
    let error = error.map_or_else(String::new, |e| {
        format!(
            "<p class=\"error\" role=\"alert\" id=\"login-error\">{}</p>",
            escape(e)
        )
    });
    page(
        "ログイン",
        &format!(
            "<h1>roei ログイン</h1>{error}\
             <form method=\"post\" action=\"/login\">\
             <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
             <label for=\"email\">メールアドレス</label>\
             <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{email}\">\
             <label for=\"password\">パスワード</label>\
             <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
             <button type=\"submit\">ログイン</button></form>",
            csrf = escape(csrf),
            email = escape(email),
        ),
    )
}

fn csrf_cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

async fn login_page() -> Response {
    let token = random_token("");
    let mut res = Html(login_form(&token, "", None)).into_response();
    res.headers_mut().insert(SET_COOKIE, csrf_cookie(&token));
    res
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn login_submit(
    State(st): State<AppState>,
    parts: Parts,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Response {
    let expected = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned());
    let fresh = random_token("");
    let retry = |status: StatusCode, msg: &str| {
        let mut res = (status, Html(login_form(&fresh, &form.email, Some(msg)))).into_response();
        res.headers_mut().insert(SET_COOKIE, csrf_cookie(&fresh));
        res
    };
    if !expected.is_some_and(|e| !e.is_empty() && constant_time_eq(&e, &form.csrf_token)) {
        return retry(
            StatusCode::FORBIDDEN,
            "フォームの有効期限が切れました。もう一度ログインしてください。",
        );
    }
    let client = client_addr(&parts);
    match accounts::login(&*st.store, &form.email, &form.password, &client, st.now()).await {
        Ok(l) => {
            let mut res = StatusCode::SEE_OTHER.into_response();
            res.headers_mut()
                .insert(LOCATION, HeaderValue::from_static("/"));
            res.headers_mut()
                .append(SET_COOKIE, session_cookie(&st, &l.token));
            res
        }
        Err(roei_domain::DomainError::Throttled(secs)) => retry(
            StatusCode::TOO_MANY_REQUESTS,
            &format!(
                "ログインの失敗が続いたため、{}分間ログインできません。",
                secs / 60
            ),
        ),
        Err(roei_domain::DomainError::Unauthenticated(_)) => retry(
            StatusCode::UNAUTHORIZED,
            "メールアドレスまたはパスワードが正しくありません。",
        ),
        Err(e) => {
            tracing::error!(error = %e, "login failed");
            retry(
                StatusCode::INTERNAL_SERVER_ERROR,
                "サーバーで問題が発生しました。しばらくしてからお試しください。",
            )
        }
    }
}

async fn home(State(st): State<AppState>, jar: CookieJar) -> Response {
    let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
        return redirect_login();
    };
    let Ok(Some((actor, session))) =
        accounts::actor_for_session(&*st.store, &token, st.now()).await
    else {
        return redirect_login();
    };
    Html(page(
        "ホーム",
        &format!(
            "<h1>roei</h1><p>{name}（{org}）としてログインしています。</p>\
             <ul><li><a href=\"/api/openapi.json\">API（OpenAPI）</a></li></ul>\
             <form method=\"post\" action=\"/logout\">\
             <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
             <button type=\"submit\">ログアウト</button></form>",
            name = escape(&actor.user.display_name),
            org = escape(&actor.org.name),
            csrf = escape(&session.csrf_token),
        ),
    ))
    .into_response()
}

fn redirect_login() -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    res.headers_mut()
        .insert(LOCATION, HeaderValue::from_static("/login"));
    res
}

async fn logout_submit(
    State(st): State<AppState>,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Response {
    if let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned())
        && let Ok(Some((actor, session))) =
            accounts::actor_for_session(&*st.store, &token, st.now()).await
    {
        if !constant_time_eq(&session.csrf_token, &form.csrf_token) {
            return (StatusCode::FORBIDDEN, "CSRF token mismatch").into_response();
        }
        if let Err(e) = accounts::logout(&*st.store, &actor, &token, st.now()).await {
            tracing::error!(error = %e, "logout failed");
        }
    }
    let mut res = redirect_login();
    res.headers_mut().append(SET_COOKIE, clear_cookie());
    res
}
