//! `--format json` on an error: one JSON object on standard output, with
//! the kind of what failed and where (`path`, `line`, `column`), and every
//! report in `reports`; the text stays on standard error. One test per
//! kind a run can meet (`lock` is proven in the binary's unit tests: the
//! lock waits a minute before it gives up).

use std::path::Path;

use serde_json::Value;

use crate::support::{Project, Run, migration_file, run_petal, toml_string, unused_port};

/// The error object of a failed `--format json` run (exit code 2).
fn error_object(run: &Run) -> Value {
    run.assert_code(2);
    assert!(
        !run.stderr.trim().is_empty(),
        "the text is on stderr: {run:?}"
    );
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is one JSON object ({e}): {run:?}"))
}

/// The error object of `petal ARGS --format json` run in `dir`.
fn json_error(dir: &Path, args: &[&str]) -> Value {
    let args: Vec<&str> = args.iter().copied().chain(["--format", "json"]).collect();
    error_object(&run_petal(dir, &args, &[]))
}

/// `kind`, `path`, `line`, `column` of an error object.
fn place(error: &Value) -> (String, Value, Value, Value) {
    let kind = error["kind"].as_str().unwrap_or_default().to_string();
    (
        kind,
        error["path"].clone(),
        error["line"].clone(),
        error["column"].clone(),
    )
}

/// The error's `message`.
fn message(error: &Value) -> &str {
    error["message"].as_str().unwrap_or_default()
}

fn project_dir(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("petal.toml"), config).expect("writing petal.toml");
    dir
}

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("a parent directory");
    }
    std::fs::write(path, text).expect("writing a file");
}

#[test]
fn bad_config() {
    let dir = project_dir("models = \"m\"\ndatabse_url = \"postgres://x\"\n");
    let error = json_error(dir.path(), &["current"]);
    assert_eq!(
        place(&error),
        ("config".into(), "petal.toml".into(), 2.into(), 1.into())
    );
    assert!(message(&error).contains("databse_url"), "{error:#}");
    assert_eq!(
        error["reports"].as_array().map(Vec::len),
        Some(1),
        "{error:#}"
    );
}

#[test]
fn models_with_every_mistake_in_reports() {
    let dir = project_dir("models = \"models\"\nmigrations = \"migrations\"\n");
    write(
        dir.path(),
        "models/shop.rs",
        "use petal::Table;\n\n#[derive(Table)]\n#[petal(table = \"orders\")]\npub struct Order {\n\
         \x20   #[petal(primary_ky)]\n    pub id: i64,\n    #[petal(uniqe)]\n    pub code: String,\n}\n",
    );
    let run = run_petal(dir.path(), &["inspect", "models", "--format", "json"], &[]);
    let error = error_object(&run);
    assert_eq!(
        place(&error),
        (
            "models".into(),
            "models/shop.rs".into(),
            6.into(),
            13.into()
        )
    );
    let reports = error["reports"].as_array().cloned().unwrap_or_default();
    assert_eq!(reports.len(), 2, "{error:#}");
    assert_eq!(
        (reports[1]["line"].clone(), reports[1]["column"].clone()),
        (8.into(), 13.into())
    );
    assert!(
        reports[1]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("uniqe")
    );
    // The text names both too, each with its excerpt.
    assert!(
        run.stderr.contains("models/shop.rs:6:13: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("8 |     #[petal(uniqe)]"),
        "{}",
        run.stderr
    );
}

#[test]
fn malformed_migration_file() {
    let dir = project_dir("migrations = \"migrations\"\n");
    let text = migration_file("20260101000000", &[], "bad", "SELECT 1;", "SELECT 1;")
        .replace("-- +petal up", "-- +petal upp");
    write(dir.path(), "migrations/20260101000000_bad.sql", &text);
    let error = json_error(dir.path(), &["heads"]);
    assert_eq!(
        place(&error),
        (
            "migration_file".into(),
            "migrations/20260101000000_bad.sql".into(),
            5.into(),
            1.into()
        )
    );
    assert!(message(&error).contains("unknown directive"), "{error:#}");
}

#[test]
fn refused_plan() {
    let dir = project_dir("migrations = \"migrations\"\n");
    write(
        dir.path(),
        "migrations/20260101000000_a.sql",
        &migration_file("20260101000000", &[], "a", "SELECT 1;", "SELECT 1;"),
    );
    let error = json_error(dir.path(), &["downgrade", "base", "--sql"]);
    assert_eq!(
        place(&error),
        ("plan".into(), Value::Null, Value::Null, Value::Null)
    );
    assert!(
        message(&error)
            .starts_with("offline downgrade needs a range FROM:TO (for example `head:base`)"),
        "{error:#}"
    );
}

#[test]
fn unreadable_directory() {
    let dir = project_dir("migrations = \"migrations\"\n");
    write(
        dir.path(),
        "migrations",
        "a file where a directory should be",
    );
    let error = json_error(dir.path(), &["heads"]);
    assert_eq!(
        place(&error),
        ("io".into(), "migrations".into(), Value::Null, Value::Null)
    );
}

#[test]
fn unreachable_server() {
    let url = format!("postgres://app@127.0.0.1:{}/shop", unused_port());
    let dir = project_dir(&format!("database_url = {}\n", toml_string(&url)));
    let error = json_error(dir.path(), &["current"]);
    assert_eq!(
        place(&error),
        ("connection".into(), Value::Null, Value::Null, Value::Null)
    );
    assert!(message(&error).contains("127.0.0.1"), "{error:#}");
}

#[tokio::test]
async fn refused_statement() {
    let project = Project::new().await;
    let path = "migrations/20260101000000_broken.sql";
    let text = migration_file(
        "20260101000000",
        &[],
        "broken",
        "CREATE TABLE t (id int);\nALTER TABLE t\n    ADD COLUMN broken no_such_type;",
        "DROP TABLE t;",
    );
    project.write(path, &text);
    let error = error_object(&project.petal(&["upgrade", "--format", "json"]));
    // The offending token of the multi-line statement.
    assert_eq!(
        place(&error),
        ("statement".into(), path.into(), 8.into(), 23.into())
    );
    assert!(
        message(&error).starts_with("migration 20260101000000 failed: type \"no_such_type\""),
        "{error:#}"
    );
    assert!(
        error["notes"].to_string().contains("rolled back"),
        "{error:#}"
    );
}
