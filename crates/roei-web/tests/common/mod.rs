//! The real server on a random port, on SQLite (a temp file) or PostgreSQL (a fresh database),
//! with organisations and users made through the domain's use cases.

#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

pub mod fixtures;

use std::str::FromStr;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use roei_domain::Store;
use roei_domain::accounts;
use roei_domain::model::{OrgKind, Organisation, Role};
use roei_store_postgres::PgStore;
use roei_store_sqlite::SqliteStore;
use roei_web::AppState;
use serde_json::{Value, json};
use sqlx::postgres::PgConnectOptions;

pub const PASSWORD: &str = "test-password-123";
const PREFIX: &str = "roei_test_";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database: the store and what keeps it alive.
pub struct Db {
    pub store: Arc<dyn Store>,
    pub pg_options: Option<PgConnectOptions>,
    _dir: Option<tempfile::TempDir>,
}

pub async fn database(backend: Backend) -> Db {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let store = SqliteStore::open(&dir.path().join("roei.sqlite3"))
                .await
                .unwrap();
            Db {
                store: Arc::new(store),
                pg_options: None,
                _dir: Some(dir),
            }
        }
        Backend::Postgres => {
            let options = create_pg_database().await;
            let store = PgStore::connect_with(options.clone()).await.unwrap();
            Db {
                store: Arc::new(store),
                pg_options: Some(options),
                _dir: None,
            }
        }
    }
}

/// A second store on the same database (a second server instance).
pub async fn second_store(db: &Db) -> Arc<dyn Store> {
    Arc::new(
        PgStore::connect_with(db.pg_options.clone().expect("PostgreSQL only"))
            .await
            .unwrap(),
    )
}

fn admin_options() -> PgConnectOptions {
    let url = std::env::var("ROEI_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    PgConnectOptions::from_str(&url).unwrap()
}

async fn create_pg_database() -> PgConnectOptions {
    roei_store_postgres::scratch::create(&admin_options(), PREFIX)
        .await
        .unwrap_or_else(|e| panic!("{e} (set ROEI_TEST_DATABASE_URL)"))
        .0
}

/// A clock the test can move.
#[derive(Clone)]
pub struct TestClock(pub Arc<Mutex<Timestamp>>);

impl TestClock {
    pub fn at(s: &str) -> Self {
        Self(Arc::new(Mutex::new(s.parse().unwrap())))
    }
    pub fn set(&self, s: &str) {
        *self.0.lock().unwrap() = s.parse().unwrap();
    }
    pub fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

/// A running server.
pub struct Server {
    pub url: String,
    pub state: AppState,
    pub clock: TestClock,
    pub db: Db,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn start_on(db: Db, clock: TestClock) -> Server {
    start_with_config(db, clock, roei_web::WebConfig::default()).await
}

/// [`start_on`] with other settings.
pub async fn start_with_config(db: Db, clock: TestClock, config: roei_web::WebConfig) -> Server {
    let mut state = AppState::new(db.store.clone(), config);
    let c = clock.clone();
    state.clock = Arc::new(move || c.now());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let st = state.clone();
    let task = tokio::spawn(async move {
        roei_web::serve(listener, st, std::future::pending())
            .await
            .unwrap();
    });
    Server {
        url,
        state,
        clock,
        db,
        task,
    }
}

pub async fn start(backend: Backend) -> Server {
    // 2026-11-20 10:00 JST.
    start_on(
        database(backend).await,
        TestClock::at("2026-11-20T01:00:00Z"),
    )
    .await
}

/// Who takes part in the tests.
pub struct World {
    pub op_a: Organisation,
    pub op_b: Organisation,
    pub regulator: Organisation,
    pub police: Organisation,
}

/// Two operators (B is A's entrustee), a regulator and a police organisation, each with an
/// admin, a member and a viewer: `<role>@<a|b|ppc|npa>.example`.
pub async fn world(store: &dyn Store) -> World {
    let now = Timestamp::now();
    let op_a = accounts::create_organisation(
        store,
        "株式会社エー",
        OrgKind::Operator,
        Some(roei_law::Regime::Private),
        now,
    )
    .await
    .unwrap();
    let op_b = accounts::create_organisation(
        store,
        "株式会社ビー",
        OrgKind::Operator,
        Some(roei_law::Regime::Private),
        now,
    )
    .await
    .unwrap();
    let regulator =
        accounts::create_organisation(store, "個人情報保護委員会", OrgKind::Regulator, None, now)
            .await
            .unwrap();
    let police =
        accounts::create_organisation(store, "警察庁サイバー警察局", OrgKind::Police, None, now)
            .await
            .unwrap();
    accounts::create_entrustment(store, op_a.id, op_b.id, now)
        .await
        .unwrap();
    for (org, domain) in [
        (&op_a, "a"),
        (&op_b, "b"),
        (&regulator, "ppc"),
        (&police, "npa"),
    ] {
        for role in [Role::Admin, Role::Member, Role::Viewer] {
            accounts::create_user(
                store,
                None,
                org.id,
                &format!("{}@{domain}.example", role.as_str()),
                &format!("{} {}", org.name, role.as_str()),
                role,
                PASSWORD,
                now,
            )
            .await
            .unwrap();
        }
    }
    World {
        op_a,
        op_b,
        regulator,
        police,
    }
}

/// A logged-in client: cookie session + CSRF header on changes.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Client {
    pub fn anonymous(server: &Server) -> Self {
        Self {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: server.url.clone(),
            csrf: None,
            bearer: None,
        }
    }

    pub async fn login(server: &Server, email: &str) -> Self {
        let mut c = Self::anonymous(server);
        let r = c
            .post(
                "/api/v1/auth/login",
                &json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, 200, "login {email}: {}", r.body);
        c.csrf = Some(r.body["csrf_token"].as_str().unwrap().to_owned());
        c
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(b);
        }
        if method != reqwest::Method::GET
            && let Some(csrf) = &self.csrf
        {
            req = req.header("x-csrf-token", csrf);
        }
        if let Some(t) = &self.bearer {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Resp {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(reqwest::Method::GET, path, None, &[]).await
    }
    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.send(reqwest::Method::POST, path, Some(body), &[])
            .await
    }
    pub async fn put(&self, path: &str, body: &Value) -> Resp {
        self.send(reqwest::Method::PUT, path, Some(body), &[]).await
    }
}

#[allow(unused_imports, reason = "each test binary uses its own share")]
pub use fixtures::{complete_report, ransomware_facts};
