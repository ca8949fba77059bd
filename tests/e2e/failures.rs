//! Migrations that fail: what stays, what is rolled back, what the error
//! says, and that a retry after the fix goes through.

use crate::support::{Project, catalog, migration_file};

const TASKS_V1: &str = r#"use petal::{DbEnum, Table};

#[derive(DbEnum)]
pub enum TaskStatus {
    New,
    Done,
}

#[derive(Table)]
#[petal(table = "tasks")]
pub struct Task {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(default = "'new'")]
    pub status: TaskStatus,
}
"#;

/// A new label, used as the default in the same migration: PostgreSQL only
/// accepts that after the label's transaction committed.
fn tasks_v2() -> String {
    TASKS_V1
        .replace("    Done,\n", "    Done,\n    Urgent,\n")
        .replace("default = \"'new'\"", "default = \"'urgent'\"")
}

/// Applies the initial models, then writes (without applying) the revision
/// adding the label and the default; returns its path.
fn generate_label_and_default(project: &Project) -> String {
    project.write("models/tasks.rs", TASKS_V1);
    project
        .petal(&["revision", "--autogenerate", "-m", "initial"])
        .assert_ok();
    project.petal(&["upgrade", "head"]).assert_ok();
    project.write("models/tasks.rs", &tasks_v2());
    project
        .petal(&["revision", "--autogenerate", "-m", "urgent by default"])
        .assert_ok();
    let path = project.migration("_urgent_by_default.sql");
    let text = project.read(&path);
    let up = up_section(&text);
    assert!(
        up.contains("ADD VALUE IF NOT EXISTS") && up.contains("-- +petal step"),
        "the label should be added in an idempotent step of its own:\n{text}"
    );
    path
}

fn up_section(text: &str) -> &str {
    let start = text.find("-- +petal up").unwrap_or(0);
    let end = text.find("-- +petal down").unwrap_or(text.len());
    &text[start..end]
}

/// 1-based number of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    match text.lines().position(|l| l.contains(needle)) {
        Some(index) => index + 1,
        None => panic!("no line contains {needle:?}:\n{text}"),
    }
}

#[tokio::test]
async fn new_enum_label_as_default_applies_in_one_upgrade() {
    let project = Project::new().await;
    let client = project.client();
    generate_label_and_default(&project);

    project.petal(&["upgrade"]).assert_ok();
    assert_eq!(
        catalog::enum_labels(client, "public.task_status").await,
        ["new", "done", "urgent"]
    );
    let default = catalog::column_default(client, "public.tasks", "status").await;
    assert!(
        default
            .as_deref()
            .is_some_and(|d| d.starts_with("'urgent'")),
        "{default:?}"
    );
    assert_eq!(catalog::log(client).await.len(), 2);
    project.petal(&["check"]).assert_ok();
}

#[tokio::test]
async fn a_failed_last_step_keeps_the_label_and_a_retry_goes_through() {
    let project = Project::new().await;
    let client = project.client();
    let path = generate_label_and_default(&project);
    let generated = project.read(&path);
    let log_before = catalog::log_verbatim(client).await;

    // Reviewers may edit a revision before it is applied: this edit breaks
    // its last step.
    let broken = generated.replacen("\n-- +petal down", "\nSELECT 1 / 0;\n\n-- +petal down", 1);
    project.write(&path, &broken);
    let run = project.petal(&["upgrade"]);
    run.assert_code(2);
    let location = format!("{path}:{}:", line_of(&broken, "SELECT 1 / 0"));
    run.assert_mentions(&location)
        .assert_mentions("division by zero");
    assert_eq!(
        catalog::enum_labels(client, "public.task_status").await,
        ["new", "done", "urgent"],
        "the committed first step's label stays"
    );
    let default = catalog::column_default(client, "public.tasks", "status").await;
    assert!(
        default.as_deref().is_some_and(|d| d.starts_with("'new'")),
        "the failed step's default was not rolled back: {default:?}"
    );
    assert_eq!(catalog::log_verbatim(client).await, log_before);

    project.write(&path, &generated);
    project.petal(&["upgrade"]).assert_ok();
    let revisions = catalog::logged_revisions(client).await;
    assert_eq!(revisions.len(), 2, "{revisions:?}");
    assert_ne!(revisions[0], revisions[1]);
    let default = catalog::column_default(client, "public.tasks", "status").await;
    assert!(
        default
            .as_deref()
            .is_some_and(|d| d.starts_with("'urgent'")),
        "{default:?}"
    );

    // PostgreSQL cannot drop a label: the down recreates the type.
    project.petal(&["downgrade", "-1"]).assert_ok();
    assert_eq!(
        catalog::enum_labels(client, "public.task_status").await,
        ["new", "done"]
    );
    let default = catalog::column_default(client, "public.tasks", "status").await;
    assert!(
        default.as_deref().is_some_and(|d| d.starts_with("'new'")),
        "{default:?}"
    );
    assert_eq!(catalog::logged_revisions(client).await, &revisions[..1]);
}

#[tokio::test]
async fn a_failing_statement_changes_nothing_and_is_located() {
    let project = Project::new().await;
    let client = project.client();
    project.write(
        "migrations/20260101000000_kept.sql",
        &migration_file(
            "20260101000000",
            &[],
            "kept",
            "CREATE TABLE kept (id int PRIMARY KEY);",
            "DROP TABLE kept;",
        ),
    );
    project.petal(&["upgrade"]).assert_ok();
    let path = "migrations/20260102000000_broken.sql";
    let text = migration_file(
        "20260102000000",
        &["20260101000000"],
        "broken",
        "CREATE TYPE mood AS ENUM ('ok');\n\
         CREATE TABLE t2 (id int, m mood);\n\
         INSERT INTO kept VALUES (1);\n\
         ALTER TABLE t2\n    ADD COLUMN broken no_such_type;\n\
         CREATE TABLE t3 (id int);",
        "DROP TABLE t3;\nDROP TABLE t2;\nDROP TYPE mood;\nDELETE FROM kept;",
    );
    project.write(path, &text);
    let schema_before = project.inspect_text();
    let log_before = catalog::log_verbatim(client).await;

    let run = project.petal(&["upgrade"]);
    run.assert_code(2);
    // The offending line of the multi-line statement, not its first one.
    let location = format!("{path}:{}:", line_of(&text, "no_such_type"));
    run.assert_mentions(&location)
        .assert_mentions("no_such_type");
    assert!(
        run.stdout
            .contains("applying 20260102000000 broken ... failed"),
        "{}",
        run.stdout
    );

    assert_eq!(project.inspect_text(), schema_before);
    assert_eq!(catalog::log_verbatim(client).await, log_before);
    assert_eq!(
        catalog::tables(client).await,
        [
            "public.kept",
            "public.petal_migration_steps",
            "public.petal_migrations"
        ]
    );
    assert_eq!(catalog::enum_types(client).await, Vec::<String>::new());
    let rows: i64 = client
        .query_one("SELECT count(*) FROM kept", &[])
        .await
        .map(|r| r.get(0))
        .unwrap_or(-1);
    assert_eq!(rows, 0, "the insert before the failure was not rolled back");
}

#[tokio::test]
async fn a_failing_no_transaction_migration_says_what_ran() {
    let project = Project::new().await;
    let client = project.client();
    project.write(
        "migrations/20260101000000_items.sql",
        &migration_file(
            "20260101000000",
            &[],
            "items",
            "CREATE TABLE items (id int, code int);\nINSERT INTO items VALUES (1, 7), (2, 7);",
            "DROP TABLE items;",
        ),
    );
    let path = "migrations/20260102000000_indexes.sql";
    let transactional = migration_file(
        "20260102000000",
        &["20260101000000"],
        "indexes",
        "CREATE INDEX CONCURRENTLY items_id_idx ON items (id);\n\
         CREATE UNIQUE INDEX CONCURRENTLY items_code_key ON items (code);\n\
         CREATE INDEX CONCURRENTLY items_code_idx ON items (code);",
        "DROP INDEX CONCURRENTLY items_code_idx;\nDROP INDEX CONCURRENTLY items_code_key;\n\
         DROP INDEX CONCURRENTLY items_id_idx;",
    );
    // First without the marker: PostgreSQL refuses, petal names the fix.
    project.write(path, &transactional);
    project
        .petal(&["upgrade"])
        .assert_code(2)
        .assert_mentions(&format!(
            "{path}:{}:",
            line_of(&transactional, "items_id_idx ON")
        ))
        .assert_mentions("-- +petal no-transaction");
    let text = transactional.replacen(
        "\n\n-- +petal up",
        "\n-- +petal no-transaction\n\n-- +petal up",
        1,
    );
    project.write(path, &text);

    let run = project.petal(&["upgrade"]);
    run.assert_code(2);
    let failed_at = format!("{path}:{}:", line_of(&text, "items_code_key"));
    let ran = format!("{path}:{}", line_of(&text, "items_id_idx ON"));
    run.assert_mentions(&failed_at)
        .assert_mentions(&ran)
        .assert_mentions("INVALID");
    assert_eq!(catalog::logged_revisions(client).await, ["20260101000000"]);
    let indexes: Vec<(String, bool)> = client
        .query(
            "SELECT indexrelid::regclass::text, indisvalid FROM pg_index \
             WHERE indrelid = 'items'::regclass ORDER BY 1",
            &[],
        )
        .await
        .map(|rows| rows.iter().map(|r| (r.get(0), r.get(1))).collect())
        .unwrap_or_default();
    assert_eq!(
        indexes,
        [
            ("items_code_key".to_string(), false),
            ("items_id_idx".to_string(), true)
        ],
        "the statement before the failure stays; the failed build leaves an INVALID index"
    );
}

#[tokio::test]
async fn a_malformed_file_is_located_before_anything_runs() {
    let project = Project::new().await;
    let path = "migrations/20260101000000_bad.sql";
    let text = migration_file("20260101000000", &[], "bad", "SELECT 1;", "SELECT 1;")
        .replace("-- +petal up", "-- +petal upp");
    project.write(path, &text);
    let location = format!("{path}:{}:", line_of(&text, "+petal upp"));
    for args in [
        vec!["upgrade"],
        vec!["upgrade", "--sql"],
        vec!["heads"],
        vec!["status"],
    ] {
        project
            .petal(&args)
            .assert_code(2)
            .assert_mentions(&location)
            .assert_mentions("unknown directive");
    }
    assert!(!catalog::log_exists(project.client()).await);
}

/// Copied SQL often carries its own `BEGIN`/`COMMIT`: inside petal's
/// transaction that would commit half a migration behind petal's back.
#[tokio::test]
async fn transaction_control_in_a_transactional_migration_is_refused() {
    let project = Project::new().await;
    let client = project.client();
    let path = "migrations/20260101000000_copied.sql";
    let up = "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\nSELECT 1 / 0;";
    let text = migration_file(
        "20260101000000",
        &[],
        "copied",
        up,
        "DROP TABLE b;\nDROP TABLE a;",
    );
    project.write(path, &text);
    // A parse error of the file: no command that reads the migrations
    // takes it.
    for args in [
        vec!["upgrade"],
        vec!["upgrade", "--sql"],
        vec!["heads"],
        vec!["status"],
    ] {
        project
            .petal(&args)
            .assert_code(2)
            .assert_mentions(&format!("{path}:{}:1: `BEGIN`", line_of(&text, "BEGIN;")))
            .assert_mentions("-- +petal step");
    }
    assert_eq!(
        catalog::tables(client).await,
        Vec::<String>::new(),
        "nothing of the file may run, and the log is not even created"
    );
    assert_eq!(catalog::log(client).await, Vec::new());

    // Without petal's transactions, the file's own are the author's business.
    let own = text.replace("\nSELECT 1 / 0;", "").replacen(
        "\n\n-- +petal up",
        "\n-- +petal no-transaction\n\n-- +petal up",
        1,
    );
    project.write(path, &own);
    project.petal(&["upgrade"]).assert_ok();
    assert_eq!(
        catalog::tables(client).await,
        [
            "public.a",
            "public.b",
            "public.petal_migration_steps",
            "public.petal_migrations"
        ]
    );
    assert_eq!(catalog::logged_revisions(client).await, ["20260101000000"]);
}
