//! Login, logout, the first-run setup, the organisation switch and the language / 和暦
//! preferences.
//!
//! The organisation switch: a person who holds accounts in several organisations (a group's
//! privacy office, a consultant) signs in to each once; the other sessions are kept in an
//! HttpOnly cookie and the switch swaps which one is current. Each account is still a separate
//! user of one organisation, so tenancy is unchanged.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::{CookieJar, Form};
use roei_domain::accounts;
use roei_domain::auth::{constant_time_eq, random_token};
use roei_domain::model::{OrgKind, parse_regime};
use serde::Deserialize;

use super::forms::FieldErrors;
use super::{Chrome, ERA_COOKIE, LANG_COOKIE, Page, home_for, redirect, render, safe_back};
use crate::AppState;
use crate::api::{clear_cookie, session_cookie};
use crate::extract::{SESSION_COOKIE, client_addr};

/// The double-submit cookie protecting the login and setup forms.
const LOGIN_CSRF_COOKIE: &str = "roei_login_csrf";
/// The other sessions signed in in this browser (comma-separated tokens).
pub const ACCOUNTS_COOKIE: &str = "roei_accounts";
/// At most this many accounts are kept for the switch.
const MAX_ACCOUNTS: usize = 8;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(root))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", axum::routing::post(logout_submit))
        .route("/setup", get(setup_page).post(setup_submit))
        .route("/prefs", get(prefs))
        .route("/switch", get(switch_page).post(switch_submit))
}

fn csrf_cookie(st: &AppState, token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600{}",
        st.config.secure_attr()
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn accounts_cookie(st: &AppState, tokens: &[String]) -> HeaderValue {
    let secure = st.config.secure_attr();
    let max_age = if tokens.is_empty() {
        0
    } else {
        accounts::SESSION_LIFETIME.as_secs()
    };
    HeaderValue::from_str(&format!(
        "{ACCOUNTS_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        tokens.join(",")
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn other_tokens(jar: &CookieJar) -> Vec<String> {
    jar.get(ACCOUNTS_COOKIE)
        .map(|c| {
            c.value()
                .split(',')
                .filter(|t| !t.is_empty() && t.len() < 200)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

async fn root(State(st): State<AppState>, parts: Parts) -> Response {
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
        return match accounts::setup_needed(&*st.store).await {
            Ok(true) => redirect("/setup"),
            _ => redirect("/login"),
        };
    };
    match accounts::actor_for_session(&*st.store, &token, st.now()).await {
        Ok(Some((actor, _))) => redirect(home_for(actor.org.kind)),
        _ => redirect("/login"),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    c: &'a Chrome,
    demo: &'a [crate::DemoLogin],
    demo_password: &'a str,
    /// `next`, percent-encoded for the demo links.
    next_q: String,
    csrf: &'a str,
    email: &'a str,
    next: &'a str,
    add: bool,
    error: Option<&'a str>,
}

#[derive(Debug, Default, Deserialize)]
struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    add: String,
    #[serde(default)]
    email: String,
}

fn login_response(
    st: &AppState,
    c: &Chrome,
    status: StatusCode,
    email: &str,
    next: &str,
    add: bool,
    error: Option<&str>,
) -> Response {
    let csrf = random_token("");
    let mut res = render(
        status,
        &LoginPage {
            c,
            demo: &st.config.demo_logins,
            demo_password: &st.config.demo_password,
            next_q: super::encode_query(next),
            csrf: &csrf,
            email,
            next,
            add,
            error,
        },
    );
    res.headers_mut().append(SET_COOKIE, csrf_cookie(st, &csrf));
    res
}

async fn login_page(
    State(st): State<AppState>,
    parts: Parts,
    Query(q): Query<LoginQuery>,
) -> Response {
    let c = Chrome::anonymous(&parts, &st);
    login_response(
        &st,
        &c,
        StatusCode::OK,
        &q.email,
        &q.next,
        q.add == "1",
        None,
    )
}

#[derive(Debug, Default, Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    add: String,
}

async fn login_submit(
    State(st): State<AppState>,
    parts: Parts,
    Form(form): Form<LoginForm>,
) -> Response {
    let c = Chrome::anonymous(&parts, &st);
    let jar = CookieJar::from_headers(&parts.headers);
    let add = form.add == "1";
    let expected = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned());
    if !expected.is_some_and(|e| !e.is_empty() && constant_time_eq(&e, &form.csrf_token)) {
        return login_response(
            &st,
            &c,
            StatusCode::FORBIDDEN,
            &form.email,
            &form.next,
            add,
            Some(c.s("error.csrf")),
        );
    }
    let client = client_addr(&parts);
    match accounts::login(&*st.store, &form.email, &form.password, &client, st.now()).await {
        Ok(l) => {
            let target = if form.next.is_empty() {
                home_for(l.org.kind)
            } else {
                safe_back(&form.next)
            };
            let mut res = redirect(target);
            res.headers_mut()
                .append(SET_COOKIE, session_cookie(&st, &l.token));
            // Keep the account that was current for the organisation switch.
            if add && let Some(current) = jar.get(SESSION_COOKIE) {
                let mut others = other_tokens(&jar);
                others.retain(|t| t != current.value());
                others.insert(0, current.value().to_owned());
                others.truncate(MAX_ACCOUNTS);
                res.headers_mut()
                    .append(SET_COOKIE, accounts_cookie(&st, &others));
            }
            res
        }
        Err(roei_domain::DomainError::Throttled(_)) => login_response(
            &st,
            &c,
            StatusCode::TOO_MANY_REQUESTS,
            &form.email,
            &form.next,
            add,
            Some(c.s("login.throttled")),
        ),
        Err(roei_domain::DomainError::Unauthenticated(_)) => login_response(
            &st,
            &c,
            StatusCode::UNAUTHORIZED,
            &form.email,
            &form.next,
            add,
            Some(c.s("login.bad")),
        ),
        Err(e) => {
            tracing::error!(error = %e, "login failed");
            login_response(
                &st,
                &c,
                StatusCode::INTERNAL_SERVER_ERROR,
                &form.email,
                &form.next,
                add,
                Some(c.s("error.server.body")),
            )
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}

/// Ends this browser's sessions (the current one and any kept for the switch).
async fn logout_submit(
    State(st): State<AppState>,
    page: Page,
    jar: CookieJar,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    let mut tokens = other_tokens(&jar);
    if let Some(t) = jar.get(SESSION_COOKIE) {
        tokens.push(t.value().to_owned());
    }
    for token in tokens {
        if let Ok(Some((actor, _))) =
            accounts::actor_for_session(&*st.store, &token, st.now()).await
            && let Err(e) = accounts::logout(&*st.store, &actor, &token, st.now()).await
        {
            tracing::error!(error = %e, "logout failed");
        }
    }
    let mut res = redirect("/login");
    res.headers_mut().append(SET_COOKIE, clear_cookie());
    res.headers_mut()
        .append(SET_COOKIE, accounts_cookie(&st, &[]));
    res
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage<'a> {
    c: &'a Chrome,
    csrf: &'a str,
    form: &'a SetupForm,
    errors: FieldErrors,
    open: bool,
}

#[derive(Debug, Default, Deserialize)]
struct SetupForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    org_name: String,
    #[serde(default)]
    org_kind: String,
    #[serde(default)]
    regime: String,
    #[serde(default)]
    admin_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

fn setup_response(
    st: &AppState,
    c: &Chrome,
    status: StatusCode,
    form: &SetupForm,
    errors: FieldErrors,
    open: bool,
) -> Response {
    let csrf = random_token("");
    let mut res = render(
        status,
        &SetupPage {
            c,
            csrf: &csrf,
            form,
            errors,
            open,
        },
    );
    res.headers_mut().append(SET_COOKIE, csrf_cookie(st, &csrf));
    res
}

async fn setup_page(State(st): State<AppState>, parts: Parts) -> Response {
    let c = Chrome::anonymous(&parts, &st);
    match accounts::setup_needed(&*st.store).await {
        Ok(open) => {
            let form = SetupForm {
                org_kind: "operator".into(),
                regime: "private".into(),
                ..SetupForm::default()
            };
            setup_response(&st, &c, StatusCode::OK, &form, FieldErrors::default(), open)
        }
        Err(e) => super::fail(&c, &e),
    }
}

async fn setup_submit(
    State(st): State<AppState>,
    parts: Parts,
    Form(form): Form<SetupForm>,
) -> Response {
    let c = Chrome::anonymous(&parts, &st);
    let jar = CookieJar::from_headers(&parts.headers);
    let expected = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned());
    if !expected.is_some_and(|e| !e.is_empty() && constant_time_eq(&e, &form.csrf_token)) {
        let mut errors = FieldErrors::default();
        errors.add("form", c.s("error.csrf"));
        return setup_response(&st, &c, StatusCode::FORBIDDEN, &form, errors, true);
    }
    let mut errors = FieldErrors::default();
    let kind = match form.org_kind.as_str() {
        "operator" => Some(OrgKind::Operator),
        "regulator" => Some(OrgKind::Regulator),
        "police" => Some(OrgKind::Police),
        _ => {
            errors.add("org_kind", "choose operator, regulator or police");
            None
        }
    };
    let regime = if kind == Some(OrgKind::Operator) {
        match parse_regime(&form.regime) {
            Ok(r) => Some(r),
            Err(e) => {
                errors.add("regime", e.to_string());
                None
            }
        }
    } else {
        None
    };
    if form.password != form.password_confirm {
        errors.add(
            "password_confirm",
            if c.is_ja() {
                "パスワードが一致しません"
            } else {
                "the passwords differ"
            },
        );
    }
    let Some(kind) = kind.filter(|_| errors.is_empty()) else {
        return setup_response(
            &st,
            &c,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            errors,
            true,
        );
    };
    let result = accounts::first_run_setup(
        &*st.store,
        &form.org_name,
        kind,
        regime,
        &form.email,
        &form.admin_name,
        &form.password,
        st.now(),
    )
    .await;
    match result {
        Ok(_) => {}
        Err(roei_domain::DomainError::Conflict(_)) => {
            return setup_response(
                &st,
                &c,
                StatusCode::CONFLICT,
                &form,
                FieldErrors::default(),
                false,
            );
        }
        Err(e) => {
            if let Some(errors) = FieldErrors::from_domain(&e, |f| match f {
                "name" => "org_name".to_owned(),
                "display_name" => "admin_name".to_owned(),
                other => other.to_owned(),
            }) {
                return setup_response(
                    &st,
                    &c,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &form,
                    errors,
                    true,
                );
            }
            return super::fail(&c, &e);
        }
    }
    match accounts::login(
        &*st.store,
        &form.email,
        &form.password,
        &client_addr(&parts),
        st.now(),
    )
    .await
    {
        Ok(l) => {
            let mut res = redirect(home_for(l.org.kind));
            res.headers_mut()
                .append(SET_COOKIE, session_cookie(&st, &l.token));
            res
        }
        Err(e) => super::fail(&c, &e),
    }
}

#[derive(Debug, Default, Deserialize)]
struct Prefs {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    era: String,
    #[serde(default)]
    back: String,
}

/// Sets the language or the 和暦 display and returns to the page.
async fn prefs(State(st): State<AppState>, Query(p): Query<Prefs>) -> Response {
    let mut res = redirect(safe_back(&p.back));
    let secure = st.config.secure_attr();
    let year = 365 * 24 * 3600;
    if matches!(p.lang.as_str(), "ja" | "en")
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age={year}{secure}",
            p.lang
        ))
    {
        res.headers_mut().append(SET_COOKIE, v);
    }
    if matches!(p.era.as_str(), "0" | "1")
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{ERA_COOKIE}={}; Path=/; SameSite=Lax; Max-Age={year}{secure}",
            p.era
        ))
    {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

/// An account signed in in this browser.
struct AccountRow {
    index: usize,
    user_name: String,
    email: String,
    org_name: String,
    org_kind: &'static str,
}

#[derive(Template)]
#[template(path = "switch.html")]
struct SwitchPage<'a> {
    c: &'a Chrome,
    current_email: &'a str,
    others: Vec<AccountRow>,
}

async fn switch_page(State(st): State<AppState>, page: Page, jar: CookieJar) -> Response {
    let mut others = Vec::new();
    for (index, token) in other_tokens(&jar).iter().enumerate() {
        if let Ok(Some((actor, _))) = accounts::actor_for_session(&*st.store, token, st.now()).await
        {
            others.push(AccountRow {
                index,
                user_name: actor.user.display_name,
                email: actor.user.email,
                org_name: actor.org.name,
                org_kind: actor.org.kind.as_str(),
            });
        }
    }
    render(
        StatusCode::OK,
        &SwitchPage {
            c: &page.c,
            current_email: &page.actor.user.email,
            others,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
struct SwitchForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    index: usize,
}

async fn switch_submit(
    State(st): State<AppState>,
    page: Page,
    jar: CookieJar,
    Form(form): Form<SwitchForm>,
) -> Response {
    if let Some(res) = page.csrf_refusal(&form.csrf_token) {
        return res;
    }
    let mut others = other_tokens(&jar);
    let Some(current) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
        return redirect("/login");
    };
    if form.index >= others.len() {
        return page.fail(&roei_domain::DomainError::NotFound);
    }
    let chosen = others.remove(form.index);
    let Ok(Some((actor, _))) = accounts::actor_for_session(&*st.store, &chosen, st.now()).await
    else {
        // That session has expired: drop it.
        let mut res = redirect("/switch");
        res.headers_mut()
            .append(SET_COOKIE, accounts_cookie(&st, &others));
        return res;
    };
    others.insert(0, current);
    let mut res = redirect(home_for(actor.org.kind));
    res.headers_mut()
        .append(SET_COOKIE, session_cookie(&st, &chosen));
    res.headers_mut()
        .append(SET_COOKIE, accounts_cookie(&st, &others));
    res
}
