//! A running API on a fresh database that petal migrated to head, and a
//! small HTTP client for it (loopback only).

use std::net::SocketAddr;
use std::path::PathBuf;

use cvety_api::{AppState, db};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::CONTENT_TYPE;
use hyper::{Method, Request};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use petal::runner::TestDatabase;
use petal_engine::migrate::{Operation, run_on};
use petal_migrate::{PlanOptions, RevisionGraph, Target};
use petal_pg::ConnConfig;
use petal_testkit::TestDb;
use serde_json::Value;

/// The repository's migrations; `CVETY_API_TEST_MIGRATIONS` points at
/// another directory (for trying the API on a schema before its migrations
/// are committed).
pub fn migrations_dir() -> PathBuf {
    match std::env::var_os("CVETY_API_TEST_MIGRATIONS").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations")),
    }
}

pub fn graph() -> RevisionGraph {
    match cvety_api::head::load_graph(&migrations_dir()) {
        Ok(graph) => graph,
        Err(e) => panic!("{e}"),
    }
}

pub async fn migrate(db: &TestDb, graph: &RevisionGraph, operation: Operation, target: &str) {
    let target = match Target::parse(target) {
        Ok(t) => t,
        Err(e) => panic!("target {target}: {e}"),
    };
    if let Err(e) = run_on(
        db.config(),
        graph,
        operation,
        &target,
        PlanOptions::default(),
        &Default::default(),
        &mut |_| {},
    )
    .await
    {
        panic!("{operation:?} to {target:?}: {e}");
    }
}

/// The API's database: by default made as a service's own tests would make
/// it, with petal's test helper (`petal::runner::TestDatabase`, at head with
/// the migrations built into cvety-api); or a testkit database a test
/// migrated to some revision of its own.
pub struct Db {
    client: tokio_postgres::Client,
    config: ConnConfig,
    // A `TestDatabase` or a `TestDb`: dropping it drops the database.
    _owner: Box<dyn std::any::Any + Send>,
}

impl Db {
    pub fn client(&self) -> &tokio_postgres::Client {
        &self.client
    }

    pub fn config(&self) -> &ConnConfig {
        &self.config
    }

    async fn new(config: ConnConfig, owner: Box<dyn std::any::Any + Send>) -> Db {
        let client = match petal_pg::connect(&config).await {
            Ok(client) => client,
            Err(e) => panic!("connecting to the test database: {e}"),
        };
        Db {
            client,
            config,
            _owner: owner,
        }
    }
}

/// A fresh database at head from petal's test helper, on the testkit's
/// server.
async fn database_at_head() -> Db {
    let server = match tokio::task::spawn_blocking(|| petal_testkit::server().cloned()).await {
        Ok(Ok(server)) => server,
        Ok(Err(e)) => panic!("{e}"),
        Err(e) => panic!("{e}"),
    };
    let database = match TestDatabase::at_head_on(&server.admin, &cvety_api::head::EMBEDDED).await {
        Ok(database) => database,
        Err(e) => panic!("a test database at head: {e}"),
    };
    Db::new(database.config().clone(), Box::new(database)).await
}

pub struct Api {
    pub db: Db,
    pub addr: SocketAddr,
    client: Client<HttpConnector, Full<Bytes>>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// A response: its status and its body as JSON (`Value::Null` when empty,
/// a string when not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Api {
    /// A fresh database at head, and the API serving it.
    /// The migrations are the ones built into cvety-api, unless
    /// `CVETY_API_TEST_MIGRATIONS` names another directory.
    pub async fn start() -> Api {
        if std::env::var_os("CVETY_API_TEST_MIGRATIONS").is_some_and(|d| !d.is_empty()) {
            let db = TestDb::new().await;
            migrate(&db, &graph(), Operation::Upgrade, "head").await;
            return Api::serve(db).await;
        }
        let db = database_at_head().await;
        Api::check_head(&db).await;
        Api::serve_db(db).await
    }

    /// The API on an already migrated database; it checks the head as the
    /// binary does.
    pub async fn serve(db: TestDb) -> Api {
        let db = Db::new(db.config().clone(), Box::new(db)).await;
        Api::check_head(&db).await;
        Api::serve_db(db).await
    }

    async fn check_head(db: &Db) {
        let source = migrations_dir().display().to_string();
        if let Err(e) =
            cvety_api::head::check(db.client(), &graph(), &source, "petal upgrade head").await
        {
            panic!("{e}");
        }
    }

    /// The API on a database at any revision (the binary would refuse it).
    pub async fn serve_unchecked(db: TestDb) -> Api {
        Api::serve_db(Db::new(db.config().clone(), Box::new(db)).await).await
    }

    async fn serve_db(db: Db) -> Api {
        let pool = match db::pool(db.config().clone(), 16) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(l) => l,
            Err(e) => panic!("binding a loopback port: {e}"),
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => panic!("{e}"),
        };
        let server = tokio::spawn(cvety_api::serve(listener, AppState::new(pool)));
        // No connection is reused: the server may close one after an error
        // response it sent without reading the whole request (a 413 for an
        // oversized body), and a reused connection then fails the next
        // request at random.
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(0)
            .build_http();
        Api {
            db,
            addr,
            client,
            server,
        }
    }

    /// Sends `body` as-is with `content_type`.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &str,
    ) -> Reply {
        let method = match Method::from_bytes(method.as_bytes()) {
            Ok(m) => m,
            Err(e) => panic!("{method}: {e}"),
        };
        let mut request = Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr));
        if let Some(ct) = content_type {
            request = request.header(CONTENT_TYPE, ct);
        }
        let request = match request.body(Full::new(Bytes::from(body.to_string()))) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        let response = match self.client.request(request).await {
            Ok(r) => r,
            Err(e) => panic!("{path}: {e}"),
        };
        let status = response.status().as_u16();
        let bytes = match response.into_body().collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) => panic!("{path}: {e}"),
        };
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Reply { status, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.raw("GET", path, None, "").await
    }

    pub async fn send(&self, method: &str, path: &str, body: Value) -> Reply {
        self.raw(method, path, Some("application/json"), &body.to_string())
            .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.raw("DELETE", path, None, "").await
    }
}

impl Drop for Api {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Asserts the status, printing the body when it differs.
#[track_caller]
pub fn expect(reply: &Reply, status: u16) -> &Value {
    assert_eq!(
        reply.status, status,
        "unexpected status; body: {:#}",
        reply.body
    );
    &reply.body
}

/// Asserts a 422 that names `field`.
#[track_caller]
pub fn expect_field_error(reply: &Reply, field: &str) {
    let body = expect(reply, 422);
    assert!(
        body["fields"][field].is_array(),
        "no error for {field}: {body:#}"
    );
}

/// The `id` of a created row.
#[track_caller]
pub fn id_of(body: &Value) -> i64 {
    match body["id"].as_i64() {
        Some(id) => id,
        None => panic!("no id in {body:#}"),
    }
}
