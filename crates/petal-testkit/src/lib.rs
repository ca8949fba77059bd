//! Test harness for everything that needs a real PostgreSQL: one server per
//! test run, a fresh database per test.
//!
//! ```ignore
//! #[tokio::test]
//! async fn reads_tables() {
//!     let db = petal_testkit::TestDb::new().await;
//!     db.client().batch_execute("CREATE TABLE t (id int)").await.unwrap();
//!     // db.url(), db.name(), db.config() for code under test that connects itself
//! } // the database is dropped here
//! ```
//!
//! The server is, in this order of preference:
//! - `PETAL_TEST_DATABASE_URL`: an existing server; the role must be allowed
//!   to create databases;
//! - an embedded cluster in the target directory (`petal-test-pg-<tag>`),
//!   built from the binaries `petal_pg::cluster::find_bin_dir` finds
//!   (`PETAL_PG_BIN` picks another version; each binary directory gets its
//!   own cluster). The first test process to take the cluster's lock runs
//!   `initdb` and starts it with durability off; every other process of the
//!   run, and later runs, reuse it; a cluster whose postmaster died is
//!   restarted. Neither libtest nor nextest has a global teardown, so the
//!   server outlives the tests: `stop-cluster.sh` (next to this crate's
//!   manifest) stops it, and CI runs it at the end.

pub mod fuzz;
mod naming;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use petal_ir::quote_ident;
use petal_pg::{ConnConfig, EmbeddedCluster, PgError, connect};
use tokio_postgres::Client;

/// Environment variable naming an existing server to test against.
pub const TEST_DATABASE_URL_VAR: &str = "PETAL_TEST_DATABASE_URL";

/// The server tests run against.
#[derive(Debug, Clone)]
pub struct TestServer {
    /// Connection settings of the maintenance database (`postgres`), from
    /// which test databases are created and dropped.
    pub admin: ConnConfig,
    /// The embedded cluster, when no `PETAL_TEST_DATABASE_URL` is set.
    pub cluster: Option<EmbeddedCluster>,
}

/// The server of this test run, started on first use (blocking: `initdb`
/// takes a few seconds the very first time).
pub fn server() -> Result<&'static TestServer, String> {
    static SERVER: OnceLock<Result<TestServer, String>> = OnceLock::new();
    SERVER
        .get_or_init(|| start_server().map_err(|e| format!("test server: {e}")))
        .as_ref()
        .map_err(Clone::clone)
}

fn start_server() -> Result<TestServer, PgError> {
    if let Some(url) = std::env::var(TEST_DATABASE_URL_VAR)
        .ok()
        .filter(|u| !u.is_empty())
    {
        let given = ConnConfig::parse(&url)?;
        return Ok(TestServer {
            admin: given,
            cluster: None,
        });
    }
    let bin_dir = petal_pg::cluster::find_bin_dir()?;
    let tag = naming::tag_of(&bin_dir);
    let target = target_dir();
    let preferred = target.join(format!("petal-test-pg-{tag}"));
    let cluster = EmbeddedCluster::in_dir(&preferred, "postgres")?
        // A test cluster holds nothing worth a crash-safe write.
        .with_setting("fsync", "off")
        .with_setting("full_page_writes", "off")
        .with_setting("synchronous_commit", "off")
        .with_setting("max_connections", "300")
        .with_setting("log_min_messages", "warning");
    cluster.start_server()?;
    record_location(&target, &tag, &cluster);
    Ok(TestServer {
        admin: cluster.conn_config("postgres"),
        cluster: Some(cluster),
    })
}

/// Leaves the cluster's data directory where `stop-cluster.sh` finds it,
/// even when the cluster itself had to live under the temp directory.
fn record_location(target: &Path, tag: &str, cluster: &EmbeddedCluster) {
    let pointer = target.join(format!("petal-test-pg-{tag}.where"));
    let data = cluster.data_dir();
    let _ = std::fs::write(pointer, format!("{}\n", data.display()));
}

/// The cargo target directory of this run: `CARGO_TARGET_DIR`, else the
/// ancestor of the test binary that holds cargo's `CACHEDIR.TAG` (cargo test
/// and nextest both run binaries from `<target>/<profile>/deps`), else a
/// directory under the system temp directory.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty())
        && let Ok(abs) = std::path::absolute(PathBuf::from(dir))
    {
        return abs;
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.ancestors()
                .find(|dir| dir.join("CACHEDIR.TAG").is_file())
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| std::env::temp_dir().join("petal-test"))
}

/// A fresh, empty database for one test, dropped when this value is. A test
/// that needs two databases (a diff between two live schemas, say) makes
/// two: each `TestDb::new()` is a new database on the same server.
pub struct TestDb {
    name: String,
    config: ConnConfig,
    client: Client,
    admin: ConnConfig,
}

impl TestDb {
    /// Creates a fresh database and connects to it. Panics with the reason
    /// when there is no server to test against: a test cannot go on then.
    pub async fn new() -> TestDb {
        match TestDb::try_new().await {
            Ok(db) => db,
            Err(e) => panic!("{e}"),
        }
    }

    pub async fn try_new() -> Result<TestDb, String> {
        let server = tokio::task::spawn_blocking(|| server().cloned())
            .await
            .map_err(|e| format!("starting the test server: {e}"))??;
        let name = naming::unique_db_name();
        let admin = connect(&server.admin)
            .await
            .map_err(|e| match server.cluster {
                Some(_) => format!("test server: {e}"),
                None => format!("test server from {TEST_DATABASE_URL_VAR}: {e}"),
            })?;
        admin
            // template0, not template1: the server is shared by every test
            // process, and a stray object in template1 would appear in every
            // new database (and in every snapshot of one).
            .batch_execute(&format!(
                "CREATE DATABASE {} TEMPLATE template0",
                quote_ident(&name)
            ))
            .await
            .map_err(|e| {
                format!(
                    "creating test database {name}: {}",
                    petal_pg::error::describe(&e)
                )
            })?;
        let config = server.admin.with_dbname(&name);
        let client = connect(&own_session(&config))
            .await
            .map_err(|e| format!("connecting to test database: {e}"))?;
        Ok(TestDb {
            name,
            config,
            client,
            admin: server.admin.clone(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The database's URL (no password with the embedded cluster).
    pub fn url(&self) -> String {
        self.config.to_url_with_password()
    }

    pub fn config(&self) -> &ConnConfig {
        &self.config
    }

    /// A connection to this database, opened when it was created.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The server's `server_version_num` (180004 for 18.4).
    pub async fn server_version_num(&self) -> i32 {
        match self
            .client
            .query_one("SELECT current_setting('server_version_num')::int", &[])
            .await
        {
            Ok(row) => row.get(0),
            Err(e) => panic!("reading the server version of {}: {e}", self.name),
        }
    }

    /// Creates a role (`NOLOGIN`) if no test made it yet: roles belong to
    /// the cluster, which the tests share.
    pub async fn ensure_role(&self, role: &str) {
        ensure_role(&self.client, role).await;
    }

    /// Another connection to this database.
    pub async fn connect(&self) -> Client {
        match connect(&own_session(&self.config)).await {
            Ok(client) => client,
            Err(e) => panic!("connecting to test database {}: {e}", self.name),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Drop cannot await, and the test's runtime may be shutting down:
        // drop the database from a thread with a runtime of its own.
        let admin = self.admin.clone();
        let name = self.name.clone();
        let dropper = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(client) = connect(&admin).await {
                    let sql = format!(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                        quote_ident(&name)
                    );
                    let _ = client.batch_execute(&sql).await;
                }
            });
        });
        let _ = dropper.join();
    }
}

/// A test's own sessions say so in `pg_stat_activity`, apart from the
/// `petal` ones of the binary under test (which gets `config`'s URL).
fn own_session(config: &ConnConfig) -> ConnConfig {
    let mut config = config.clone();
    config.application_name = Some("petal-test".to_string());
    config
}

/// Creates `role` (`NOLOGIN`) on `client`'s cluster unless it exists; a
/// test racing another to create it is fine.
pub async fn ensure_role(client: &Client, role: &str) {
    let sql = format!(
        "DO $$ BEGIN CREATE ROLE {} NOLOGIN; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
        petal_ir::quote_ident(role)
    );
    if let Err(e) = client.batch_execute(&sql).await {
        panic!("creating role {role}: {e}");
    }
}
