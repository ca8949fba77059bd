//! The harness of the end-to-end tests: a project in a temp dir whose
//! `petal.toml` points at a fresh test database, the `petal` binary run as a
//! user runs it, and catalog queries to see what it did.
//!
//! Tests share nothing but the test server: each gets its own databases and
//! its own directory.

pub mod catalog;
pub mod process;

use std::path::{Path, PathBuf};

use petal_testkit::TestDb;
use sha2::{Digest, Sha256};
use tempfile::TempDir;
use tokio_postgres::Client;

pub use process::{Run, run_petal};

/// A petal project in a temp dir, configured for its own test database and
/// the test server's maintenance database as the dev server.
pub struct Project {
    dir: TempDir,
    db: TestDb,
    dev_url: String,
}

impl Project {
    /// A project with `models/`, `sql/` (none written yet) and
    /// `migrations/`, written by hand.
    pub async fn new() -> Project {
        let project = Project::empty().await;
        let config = format!(
            "database_url = {}\ndev_url = {}\nmodels = \"models\"\nsql = \"sql\"\nmigrations = \"migrations\"\n",
            toml_string(&project.db.url()),
            toml_string(&project.dev_url),
        );
        project.write("petal.toml", &config);
        std::fs::create_dir_all(project.path("models")).expect("creating models/");
        std::fs::create_dir_all(project.path("migrations")).expect("creating migrations/");
        project
    }

    /// The Cvety.kz project of this repository: its models (`schema/src`),
    /// SQL files (`schema/sql`) and migrations, on a fresh test database.
    pub async fn cvety() -> Project {
        let project = Project::empty().await;
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = format!(
            "database_url = {}\ndev_url = {}\nmodels = {}\nsql = {}\nmigrations = {}\n",
            toml_string(&project.db.url()),
            toml_string(&project.dev_url),
            toml_string(&repo.join("schema/src").display().to_string()),
            toml_string(&repo.join("schema/sql").display().to_string()),
            toml_string(&repo.join("migrations").display().to_string()),
        );
        project.write("petal.toml", &config);
        project
    }

    /// A project as `petal init` writes it (models in `src/models/`, with
    /// the example model), then pointed at the test databases.
    pub async fn init() -> Project {
        let project = Project::empty().await;
        project.petal(&["init"]).assert_ok();
        let mut config = project.read("petal.toml");
        config.push_str(&format!(
            "database_url = {}\ndev_url = {}\n",
            toml_string(&project.db.url()),
            toml_string(&project.dev_url),
        ));
        project.write("petal.toml", &config);
        project
    }

    async fn empty() -> Project {
        let db = TestDb::new().await;
        let dev_url = dev_url();
        let dir = tempfile::Builder::new()
            .prefix("petal-e2e-")
            .tempdir()
            .expect("creating the project's temp dir");
        Project { dir, db, dev_url }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn client(&self) -> &Client {
        self.db.client()
    }

    pub fn url(&self) -> String {
        self.db.url()
    }

    /// Another session on the project's database (to hold a lock while
    /// petal runs, say).
    pub async fn connect(&self) -> Client {
        self.db.connect().await
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("creating a parent directory");
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }

    pub fn read(&self, relative: &str) -> String {
        let path = self.path(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    }

    /// Runs `petal` in the project directory.
    pub fn petal(&self, args: &[&str]) -> Run {
        run_petal(self.root(), args, &[])
    }

    /// `petal revision --autogenerate -m message`, then `upgrade head`,
    /// then `check`, each asserted to succeed; the revision's run.
    pub fn generate_and_apply(&self, message: &str) -> Run {
        let run = self.petal(&["revision", "--autogenerate", "-m", message]);
        run.assert_ok();
        self.petal(&["upgrade", "head"]).assert_ok();
        self.petal(&["check"]).assert_ok();
        run
    }

    /// `downgrade -1`, then the database matches the project as it was
    /// (`text` at `path` again): nothing left to diff.
    pub fn rolled_back_to(&self, path: &str, text: &str) {
        self.petal(&["downgrade", "-1"]).assert_ok();
        self.write(path, text);
        self.diff_to_models().assert_ok();
    }

    /// `petal diff --from database --to models --exit-code`.
    pub fn diff_to_models(&self) -> Run {
        let args = [
            "diff",
            "--from",
            "database",
            "--to",
            "models",
            "--exit-code",
        ];
        self.petal(&args)
    }

    /// The migration files, as `migrations/<name>` paths, sorted.
    pub fn migrations(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path("migrations"))
            .expect("listing migrations/")
            .map(|entry| {
                let name = entry.expect("a directory entry").file_name();
                format!("migrations/{}", name.to_string_lossy())
            })
            .collect();
        names.sort();
        names
    }

    /// The only migration file whose name contains `slug`.
    pub fn migration(&self, slug: &str) -> String {
        let found: Vec<String> = self
            .migrations()
            .into_iter()
            .filter(|m| m.contains(slug))
            .collect();
        assert_eq!(found.len(), 1, "one migration named *{slug}*: {found:?}");
        found.into_iter().next().unwrap_or_default()
    }

    /// `petal inspect <this database>` as text: the schema petal sees.
    pub fn inspect_text(&self) -> String {
        inspect_text(self.root(), &self.url())
    }
}

/// `petal inspect URL` as text, run in `dir`.
pub fn inspect_text(dir: &Path, url: &str) -> String {
    let run = run_petal(dir, &["inspect", url], &[]);
    run.assert_code(0);
    run.stdout
}

impl Drop for Project {
    fn drop(&mut self) {
        // The engine keeps one canonical database per project directory on
        // the dev server; a temp dir never comes back, so drop it.
        let Ok(root) = self.dir.path().canonicalize() else {
            return;
        };
        let digest = Sha256::digest(root.as_os_str().as_encoded_bytes());
        let name = format!("petal_canonical_{}", hex::encode(&digest[..6]));
        drop_database_in_background(name);
    }
}

fn drop_database_in_background(name: String) {
    let Ok(server) = petal_testkit::server() else {
        return;
    };
    let admin = server.admin.clone();
    // Drop cannot await and the test's runtime may be shutting down.
    let dropper = std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            if let Ok(client) = petal_pg::connect(&admin).await {
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                let _ = client.batch_execute(&sql).await;
            }
        });
    });
    let _ = dropper.join();
}

/// A loopback port nothing listens on: any connection attempt fails at once.
pub fn unused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
    listener
        .local_addr()
        .expect("the listener's address")
        .port()
}

/// This workspace's dev profile, for a crate a test makes: the shared
/// target directory's dependencies are reused instead of built again
/// (test plumbing, not something a user needs).
pub const DEV_PROFILE: &str =
    "\n[profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n";

/// `cargo ARGS` in `dir` with this workspace's target directory, asserted
/// to succeed.
pub fn cargo(dir: &Path, args: &[&str]) {
    let output = std::process::Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", petal_testkit::target_dir())
        .output()
        .unwrap_or_else(|e| panic!("running cargo {args:?}: {e}"));
    assert!(
        output.status.success(),
        "cargo {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The test server's maintenance database, as a URL petal can take.
pub fn dev_url() -> String {
    match petal_testkit::server() {
        Ok(server) => server.admin.to_url_with_password(),
        Err(e) => panic!("{e}"),
    }
}

/// A TOML basic string.
pub fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A hand-written migration file.
pub fn migration_file(
    revision: &str,
    parents: &[&str],
    message: &str,
    up: &str,
    down: &str,
) -> String {
    let parents = if parents.is_empty() {
        String::new()
    } else {
        format!(" {}", parents.join(" "))
    };
    format!(
        "-- petal revision: {revision}\n-- petal parents:{parents}\n-- petal message: {message}\n\n\
         -- +petal up\n{up}\n\n-- +petal down\n{down}\n"
    )
}
