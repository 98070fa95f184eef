//! roei-web — the HTTP server.
//!
//! * `/api/v1/…`: every use case as JSON ([`api`]), described by the OpenAPI document at
//!   `/api/openapi.json`; errors are `{"code", "message", "field"?}` ([`error`]);
//! * authentication by session cookie (server-side sessions in the database, CSRF token in the
//!   `X-CSRF-Token` header for changes) or `Authorization: Bearer` API token ([`extract`]);
//! * the browser UI: askama pages in Japanese (English by a switch) with vendored htmx ([`ui`]);
//! * `/healthz` and `/metrics` (Prometheus text);
//! * background jobs: deadline reminders into the outbox and its delivery ([`jobs`]).

pub mod api;
pub mod api_documents;
pub mod api_scan;
pub mod api_sharing;
pub mod api_statistics;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod ui;

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use roei_domain::Store;
use utoipa::OpenApi;

use crate::error::ApiError;

/// Settings of the server.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Demo mode: the logins the login page offers (e-mail, name and organisation, role),
    /// with their shared password. Empty outside the demo.
    pub demo_logins: Vec<DemoLogin>,
    pub demo_password: String,
    /// Largest upload `roei scan` reads in the server (API and case page), in bytes: all the
    /// files of one request together. Uploads are held in memory only, never stored.
    pub scan_upload_limit: usize,
}

impl WebConfig {
    /// The `; Secure` attribute every cookie carries when cookies are marked Secure.
    pub fn secure_attr(&self) -> &'static str {
        if self.secure_cookies { "; Secure" } else { "" }
    }
}

/// A login the demo's login page shows.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: String,
    pub who: String,
    pub role: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            body_limit: 2 * 1024 * 1024,
            demo_logins: Vec::new(),
            demo_password: String::new(),
            scan_upload_limit: 64 * 1024 * 1024,
        }
    }
}

/// The clock: the real one in production, a fixed or moving one in tests.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<WebConfig>,
    pub clock: Clock,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.store.backend())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: WebConfig) -> Self {
        Self {
            store,
            config: Arc::new(config),
            clock: Arc::new(Timestamp::now),
        }
    }

    /// The current time by the state's clock.
    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "roei API",
        description = "漏えい等報告 (personal-data breach reporting under 個人情報保護法 Art. 26 / \
            Art. 68): cases, determinations, reports (速報・確報・追完), entruster notices, police \
            reports, the operator–regulator thread, the regulator's inbox. Authenticate with a \
            session cookie (changes need the X-CSRF-Token header) or `Authorization: Bearer \
            <API token>`. Errors are {\"code\", \"message\", \"field\"?}."
    ),
    tags(
        (name = "auth"), (name = "organisation"), (name = "reference"), (name = "cases"),
        (name = "reports"), (name = "casework"), (name = "regulator"), (name = "scan"),
        (name = "sharing"), (name = "statistics")
    )
)]
struct ApiDoc;

/// The process-wide Prometheus recorder (installed once).
pub fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ])
            .map_or_else(
                |_| PrometheusBuilder::new().build_recorder(),
                PrometheusBuilder::build_recorder,
            );
        let handle = recorder.handle();
        // Another recorder may already be installed (several servers in one test process).
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = utoipa_axum::router::OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(
            "/api/v1",
            api::router()
                .merge(api_scan::router())
                .merge(api_sharing::router())
                .merge(api_statistics::router()),
        )
        .split_for_parts();
    let openapi = Arc::new(openapi);
    let _ = metrics_handle();
    Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = openapi.clone();
                async move { axum::Json((*doc).clone()) }
            }),
        )
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .merge(ui::router())
        .route_layer(middleware::from_fn(track))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .with_state(state)
}

async fn not_found(State(st): State<AppState>, req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        ApiError::not_found().into_response()
    } else {
        let (parts, _) = req.into_parts();
        ui::not_found(&parts, &st)
    }
}

/// Liveness and database reachability.
async fn healthz(State(st): State<AppState>) -> Response {
    match st.store.audit_head().await {
        Ok(_) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok", "database": st.store.backend()})),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(
                    serde_json::json!({"status": "unavailable", "code": "database_unavailable"}),
                ),
            )
                .into_response()
        }
    }
}

async fn metrics_text() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        metrics_handle().render(),
    )
        .into_response()
}

/// Counts requests and their latency by route and status.
async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("roei_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("roei_http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    res
}

/// Serves on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// How often the background jobs run.
pub const JOB_INTERVAL: Duration = Duration::from_mins(1);
