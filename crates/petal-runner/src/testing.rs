//! A fresh database at head for each test, dropped afterwards: what
//! `#[petal::test]` gives a test, and what a harness of one's own can call.
//!
//! The server is, in order: the one given ([`TestDatabase::at_head_on`]),
//! `PETAL_TEST_DATABASE_URL`, `DATABASE_URL` (as `#[sqlx::test]` reads it),
//! or the embedded cluster of the petal project the test runs in (the
//! nearest `petal.toml` above the crate), started if it is not running.
//! Each database is created from `template0` under a unique name, so tests
//! run in parallel, and the migrations run on it with the runner
//! `petal upgrade` uses.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use petal_pg::{ConnConfig, EmbeddedCluster, connect};
use tokio_postgres::Client;

use crate::embedded::EmbeddedMigrations;
use crate::error::RunnerError;

/// Where tests get their server when none is given, before `DATABASE_URL`.
pub const TEST_DATABASE_URL_VAR: &str = "PETAL_TEST_DATABASE_URL";

/// A database created for one test and migrated to head; dropped (with
/// `FORCE`, so open sessions do not keep it) when this value is.
pub struct TestDatabase {
    name: String,
    config: ConnConfig,
    admin: ConnConfig,
}

impl TestDatabase {
    /// A new database on the test server (see the module's doc), at head.
    pub async fn at_head(migrations: &EmbeddedMigrations) -> Result<TestDatabase, RunnerError> {
        let start = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
        TestDatabase::at_head_from(start.as_deref(), migrations).await
    }

    /// [`at_head`](Self::at_head), the embedded cluster looked for from
    /// `crate_dir` up (what `#[petal::test]` passes: the crate's directory
    /// as it was built, so a test binary run by hand finds it too). Errors
    /// say which server was used and why.
    pub async fn at_head_from(
        crate_dir: Option<&Path>,
        migrations: &EmbeddedMigrations,
    ) -> Result<TestDatabase, RunnerError> {
        let (admin, source) = test_server_from(crate_dir).await?;
        TestDatabase::at_head_on(&admin, migrations)
            .await
            .map_err(|e| {
                RunnerError::Setup(format!(
                    "no test database on {} (the test server, from {source}): {e}",
                    admin.target()
                ))
            })
    }

    /// A new database on the server `admin` connects to (as a user that may
    /// create databases), at head.
    pub async fn at_head_on(
        admin: &ConnConfig,
        migrations: &EmbeddedMigrations,
    ) -> Result<TestDatabase, RunnerError> {
        let database = TestDatabase::empty_on(admin).await?;
        migrations
            .upgrade_with(&database.config, &Default::default(), &mut |_| {})
            .await?;
        Ok(database)
    }

    /// A new, empty database on the server `admin` connects to: for a test
    /// of the migrations themselves.
    pub async fn empty_on(admin: &ConnConfig) -> Result<TestDatabase, RunnerError> {
        let name = unique_name();
        let client = connect(admin).await?;
        // template0: a stray object in template1 would be in every test's
        // database.
        let create = format!("CREATE DATABASE {} TEMPLATE template0", quote_ident(&name));
        client
            .batch_execute(&create)
            .await
            .map_err(|e| RunnerError::query(&format!("creating test database {name}"), e))?;
        Ok(TestDatabase {
            config: admin.with_dbname(&name),
            admin: admin.clone(),
            name,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn config(&self) -> &ConnConfig {
        &self.config
    }

    /// The database's URL, password included, for the code under test (a
    /// pool of one's own). Print [`ConnConfig::to_url_without_password`].
    pub fn url(&self) -> String {
        self.config.to_url_with_password()
    }

    /// A new connection to the database.
    pub async fn connect(&self) -> Result<Client, RunnerError> {
        Ok(connect(&self.config).await?)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop cannot await, and the test's runtime may be the one that is
        // ending (a panic unwinding through it): drop the database from a
        // thread with a runtime of its own. A server that does not answer
        // must not hang the test: the connection has a timeout.
        let mut admin = self.admin.clone();
        admin.connect_timeout = admin.connect_timeout.min(DROP_CONNECT_TIMEOUT);
        let name = self.name.clone();
        let dropper = std::thread::Builder::new()
            .name("petal-test-drop".to_string())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?;
                runtime.block_on(drop_database(&admin, &name))
            });
        let outcome = match dropper {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|_| Err("the dropping thread panicked".to_string())),
            Err(e) => Err(format!("no thread to drop it: {e}")),
        };
        // Said, not panicked: a panic while a failed test unwinds aborts.
        if let Err(why) = outcome {
            eprintln!("petal: test database {} was not dropped: {why}", self.name);
        }
    }
}

/// How long dropping a test database waits for the server to answer.
const DROP_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

async fn drop_database(admin: &ConnConfig, name: &str) -> Result<(), String> {
    let client = connect(admin).await.map_err(|e| e.to_string())?;
    let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name));
    client
        .batch_execute(&sql)
        .await
        .map_err(|e| petal_pg::error::describe(&e))
}

/// What a test may return: nothing, or a `Result` whose `Err` fails it
/// (so `?` works in a `#[petal::test]`).
pub trait TestOutcome {
    fn check(self);
}

impl TestOutcome for () {
    fn check(self) {}
}

impl<E: std::fmt::Debug> TestOutcome for Result<(), E> {
    fn check(self) {
        if let Err(e) = self {
            panic!("the test returned an error: {e:?}");
        }
    }
}

/// Runs an async test on a database of its own at head: what
/// `#[petal::test]` expands to, with the crate's directory as it was built.
/// The database is dropped when the test ends, a panic included (not when
/// the process is killed, or built with `panic = "abort"`). Panics (failing
/// the test) when no database can be made, with the reason. The runtime is
/// tokio's current-thread one.
pub fn run_test<F, Fut>(crate_dir: &str, migrations: &EmbeddedMigrations, test: F)
where
    F: FnOnce(TestDatabase) -> Fut,
    Fut: Future,
    Fut::Output: TestOutcome,
{
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => panic!("petal::test: cannot start a tokio runtime: {e}"),
    };
    runtime.block_on(async {
        let database =
            match TestDatabase::at_head_from(Some(Path::new(crate_dir)), migrations).await {
                Ok(database) => database,
                Err(e) => panic!("petal::test: {e}"),
            };
        test(database).await.check();
    });
}

/// The server tests create their databases on, as the module's doc says,
/// the embedded cluster looked for from `CARGO_MANIFEST_DIR` (else the
/// current directory) up.
pub async fn test_server() -> Result<ConnConfig, RunnerError> {
    let start = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    Ok(test_server_from(start.as_deref()).await?.0)
}

/// The test server and what chose it (a variable, or the project's
/// embedded cluster), for messages.
async fn test_server_from(crate_dir: Option<&Path>) -> Result<(ConnConfig, String), RunnerError> {
    for var in [TEST_DATABASE_URL_VAR, "DATABASE_URL"] {
        if let Some(url) = std::env::var(var).ok().filter(|u| !u.trim().is_empty()) {
            let config = ConnConfig::parse(&url).map_err(|e| {
                RunnerError::Setup(format!("{var} is not a connection URL petal reads: {e}"))
            })?;
            return Ok((config, var.to_string()));
        }
    }
    let start = crate_dir
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok());
    let Some(root) = start.as_deref().and_then(project_root) else {
        return Err(RunnerError::Setup(format!(
            "no server for test databases: set {TEST_DATABASE_URL_VAR} (or DATABASE_URL) to a \
             server where the test user may create databases, or run the tests inside a petal \
             project (a petal.toml above the crate) to use its embedded cluster"
        )));
    };
    let cluster = EmbeddedCluster::locate(&root, "postgres")?;
    cluster.start().await?;
    let source = format!(
        "the embedded cluster of {}",
        root.join("petal.toml").display()
    );
    Ok((cluster.conn_config("postgres"), source))
}

/// The nearest directory at or above `dir` holding a `petal.toml`.
fn project_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join("petal.toml").is_file())
        .map(Path::to_path_buf)
}

/// Unique across the processes of one test run and across runs: the
/// process id, a counter, and the time in seconds (so a database a killed
/// run left behind tells when).
fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("petal_test_{seconds}_{}_{n}", std::process::id())
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
