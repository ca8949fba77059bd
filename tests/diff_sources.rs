//! `petal diff` between sources: a hand-written database against the
//! models shows the real differences and no spelling ones, and applying
//! petal's own output leaves nothing to diff.

use std::path::Path;
use std::process::{Command, Output};

use petal_testkit::TestDb;

fn petal(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_petal"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .output()
        .expect("runs petal")
}

fn stdout_ok(out: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A project over the repository's models and migrations, with the test
/// server as its dev database.
fn project(db: &TestDb) -> tempfile::TempDir {
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
    dir
}

#[tokio::test]
async fn hand_written_ddl_shows_only_real_differences() {
    let db = TestDb::new().await;
    let ddl = include_str!("fixtures/cvety_hand_written.sql");
    db.client().batch_execute(ddl).await.expect("fixture loads");
    let dir = project(&db);

    let out = petal(
        dir.path(),
        &[
            "diff", "--from", "database", "--to", "models", "--format", "json",
        ],
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout_ok(&out, "diff --format json")).expect("JSON");
    let kinds: Vec<String> = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["kind"].as_str().unwrap_or("?").to_string())
        .collect();
    assert_eq!(kinds.len(), 2, "exactly the two real differences: {json:#}");
    let text = json["changes"].to_string();
    assert!(text.contains("products_name_idx"), "{text}");
    assert!(text.contains("character varying(255)"), "{text}");

    // Apply petal's own SQL: nothing is left to diff.
    let sql = stdout_ok(
        &petal(
            dir.path(),
            &["diff", "--from", "database", "--to", "models"],
        ),
        "diff",
    );
    db.client()
        .batch_execute(&sql)
        .await
        .expect("petal's SQL applies");
    let again = stdout_ok(
        &petal(
            dir.path(),
            &[
                "diff",
                "--from",
                "database",
                "--to",
                "models",
                "--exit-code",
            ],
        ),
        "diff --exit-code after applying",
    );
    assert!(again.contains("no differences"), "{again}");
}

#[tokio::test]
async fn same_schema_from_three_sources_has_no_diff() {
    let db = TestDb::new().await;
    let dir = project(&db);
    stdout_ok(&petal(dir.path(), &["upgrade", "head"]), "upgrade");
    for (from, to) in [
        ("migrations", "models"),
        ("database", "models"),
        ("database", "migrations"),
        ("models", "models"),
    ] {
        let out = petal(
            dir.path(),
            &["diff", "--from", from, "--to", to, "--exit-code"],
        );
        let text = stdout_ok(&out, &format!("diff --from {from} --to {to}"));
        assert!(text.contains("no differences"), "{from} -> {to}:\n{text}");
    }
    // From empty, the diff is the whole schema, and it is not empty.
    let out = petal(
        dir.path(),
        &["diff", "--from", "empty", "--to", "models", "--exit-code"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn every_refused_model_attribute_is_reported_at_its_source() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let server = petal_testkit::server().expect("test server");
    std::fs::create_dir(dir.path().join("models")).expect("models dir");
    std::fs::write(
        dir.path().join("petal.toml"),
        format!(
            "database_url = {:?}\ndev_url = {:?}\nmodels = \"models\"\nmigrations = \"migrations\"\n",
            db.config().to_url_with_password(),
            server.admin.to_url_with_password(),
        ),
    )
    .expect("petal.toml");
    std::fs::write(
        dir.path().join("models/shop.rs"),
        r#"use petal::Table;

#[derive(Table)]
#[petal(table = "things")]
pub struct Thing {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(sql_type = "numberic(10,2)")]
    pub price: f64,
}

#[derive(Table)]
#[petal(table = "others")]
pub struct Other {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(default = "'abc'")]
    pub count: i32,
}
"#,
    )
    .expect("model file");
    let out = petal(dir.path(), &["diff", "--from", "empty", "--to", "models"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("models/shop.rs:8:24: PostgreSQL rejects the type of column `price`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("type \"numberic\" does not exist"),
        "{stderr}"
    );
    assert!(
        stderr.contains("models/shop.rs:17:23: PostgreSQL rejects the default of column `count`"),
        "{stderr}"
    );
}
