//! The Cvety.kz migrations in `migrations/`, run by the `petal` binary on a
//! fresh database: they build exactly the models, roll back to nothing, and
//! do it again, all at once and step by step.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use petal_testkit::TestDb;

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// A petal.toml pointing at the repository's models and migrations, the
    /// test database, and the test server as the dev database.
    fn new(db: &TestDb) -> Project {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().expect("temp dir");
        let server = petal_testkit::server().expect("test server");
        let config = format!(
            "database_url = {:?}\ndev_url = {:?}\nmodels = {:?}\nmigrations = {:?}\n",
            db.config().to_url_with_password(),
            server.admin.to_url_with_password(),
            repo.join("schema/src"),
            repo.join("migrations"),
        );
        std::fs::write(dir.path().join("petal.toml"), config).expect("petal.toml");
        Project { dir }
    }

    fn petal(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_petal"))
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env_remove("DATABASE_URL")
            .output()
            .expect("runs petal")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.petal(args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "petal {args:?} failed ({}):\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }
}

fn migration_count() -> usize {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations");
    std::fs::read_dir(dir)
        .expect("migrations/")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count()
}

/// Tables and enum types left in the database, petal's log excepted.
async fn leftovers(db: &TestDb) -> Vec<String> {
    let rows = db
        .client()
        .query(
            "SELECT 'table ' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public' AND c.relname <> 'petal_migrations' \
             UNION ALL SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE t.typtype = 'e' AND n.nspname = 'public' ORDER BY 1",
            &[],
        )
        .await
        .expect("catalog query");
    rows.iter().map(|r| r.get(0)).collect()
}

async fn log_rows(db: &TestDb) -> i64 {
    db.client()
        .query_one("SELECT count(*) FROM petal_migrations", &[])
        .await
        .expect("log")
        .get(0)
}

#[tokio::test]
async fn upgrade_check_downgrade_upgrade() {
    let db = TestDb::new().await;
    let project = Project::new(&db);
    project.ok(&["upgrade", "head"]);
    assert_eq!(log_rows(&db).await, migration_count() as i64);
    assert!(project.ok(&["check"]).contains("agree"));
    let tables = leftovers(&db).await;
    assert_eq!(
        tables.iter().filter(|t| t.starts_with("table ")).count(),
        14,
        "{tables:?}"
    );
    assert_eq!(
        tables.iter().filter(|t| t.starts_with("type ")).count(),
        6,
        "{tables:?}"
    );

    project.ok(&["downgrade", "base"]);
    assert_eq!(leftovers(&db).await, Vec::<String>::new());
    assert_eq!(log_rows(&db).await, 0);

    project.ok(&["upgrade", "head"]);
    assert!(project.ok(&["check"]).contains("agree"));
    let current = project.ok(&["current"]);
    assert!(current.contains("(head)"), "{current}");
}

#[tokio::test]
async fn step_by_step() {
    let db = TestDb::new().await;
    let project = Project::new(&db);
    let n = migration_count();
    for applied in 1..=n {
        project.ok(&["upgrade", "+1"]);
        assert_eq!(log_rows(&db).await, applied as i64);
    }
    assert!(project.ok(&["check"]).contains("agree"));
    for left in (0..n).rev() {
        project.ok(&["downgrade", "-1"]);
        assert_eq!(log_rows(&db).await, left as i64);
    }
    assert_eq!(leftovers(&db).await, Vec::<String>::new());
}

#[tokio::test]
async fn models_and_migrations_agree() {
    let db = TestDb::new().await;
    let project = Project::new(&db);
    let out = project.ok(&["check", "--migrations"]);
    assert!(out.contains("agree"), "{out}");
}
