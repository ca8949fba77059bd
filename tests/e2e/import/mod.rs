//! `petal import diesel|sqlx|refinery`: each tool's fixture history
//! (`tests/fixtures/import/<tool>`) on a database where the tool's own
//! bookkeeping table — its exact DDL, the rows it writes, checksums as it
//! computes them — says the first migrations ran (and their SQL did). After
//! the import, `status` and `current` say exactly that, and `upgrade` runs
//! only the rest. Each mismatch kind is refused, naming it, with nothing
//! written or stamped. One file per tool, and `mismatches.rs`.

mod diesel;
mod mismatches;
mod refinery;
mod sqlx;

use std::path::Path;

use tokio_postgres::Client;

use crate::support::{Project, Run};

const DIESEL_TABLE: &str = "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)";

const SQLX_TABLE: &str = "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
)";

const REFINERY_TABLE: &str = "CREATE TABLE IF NOT EXISTS refinery_schema_history(
             version int4 PRIMARY KEY,
             name VARCHAR(255),
             applied_on VARCHAR(255),
             checksum VARCHAR(255))";

/// A project holding the sqlx fixture as `old/`, on a database with sqlx's
/// own table (empty).
async fn sqlx_project() -> Project {
    let project = Project::new().await;
    copy_fixture(&project, "sqlx");
    project
        .client()
        .batch_execute(SQLX_TABLE)
        .await
        .expect("sqlx's table");
    project
}

/// The fixture of `tool`, copied into the project as `old/`.
fn copy_fixture(project: &Project, tool: &str) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(tool);
    copy_dir(&from, &project.path("old"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("creating the copy");
    for entry in std::fs::read_dir(from).expect("reading the fixture") {
        let entry = entry.expect("a fixture entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copying a fixture file");
        }
    }
}

/// Runs a migration's SQL as the tools do: the whole file in one simple
/// query, in a transaction unless it must run outside one.
async fn run_sql(client: &Client, sql: &str, in_transaction: bool) {
    let script = if in_transaction {
        format!("BEGIN;\n{sql}\n;COMMIT;")
    } else {
        sql.to_owned()
    };
    client
        .batch_execute(&script)
        .await
        .unwrap_or_else(|e| panic!("running {sql}: {e}"));
}

/// `(state, revision)` of each line of `petal status`.
fn states(run: &Run) -> Vec<(String, String)> {
    run.stdout
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?.to_owned(), words.next()?.to_owned()))
        })
        .collect()
}

fn expect_states(project: &Project, expected: &[(&str, &str)]) {
    let run = project.petal(&["status"]);
    run.assert_ok();
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(s, r)| ((*s).to_owned(), (*r).to_owned()))
        .collect();
    assert_eq!(states(&run), expected, "{}", run.stdout);
}

/// The lines `petal upgrade` printed for each revision it applied.
fn applied_by(run: &Run) -> Vec<String> {
    run.output()
        .lines()
        .filter_map(|line| line.strip_prefix("applying "))
        .filter_map(|rest| rest.split_whitespace().next().map(str::to_owned))
        .collect()
}

async fn index_exists(client: &Client, name: &str) -> bool {
    client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
        .await
        .expect("looking for the index")
        .get(0)
}

fn no_files_written(project: &Project) {
    let left = std::fs::read_dir(project.path("migrations"))
        .expect("migrations/")
        .count();
    assert_eq!(left, 0, "a refused import writes nothing");
}

/// A mismatch is refused: exit 2, a `plan` error naming it, no file
/// written, nothing stamped.
fn refused(project: &Project, tool: &str, message: &str) {
    let run = project.petal(&["import", tool, "old", "--format", "json"]);
    run.assert_code(2).assert_mentions(message);
    assert!(run.stdout.contains("\"kind\": \"plan\""), "{}", run.stdout);
    no_files_written(project);
}

/// diesel's history with its initial setup (`00000000000000`, mapped to
/// `19700101000000`), a no-transaction index and a migration without a
/// down; the setup, users and posts ran.
async fn diesel_at_posts(project: &Project, versions: &[&str]) {
    diesel_at_posts_in(project, "__diesel_schema_migrations", versions).await;
}

/// The same, diesel's table named `table` (another schema's).
async fn diesel_at_posts_in(project: &Project, table: &str, versions: &[&str]) {
    copy_fixture(project, "diesel");
    let client = project.client();
    for folder in [
        "00000000000000_diesel_initial_setup",
        "2023-01-01-000000_create_users",
        "2023-01-02-000000_create_posts",
    ] {
        run_sql(client, &project.read(&format!("old/{folder}/up.sql")), true).await;
    }
    client
        .batch_execute(&DIESEL_TABLE.replace("__diesel_schema_migrations", table))
        .await
        .expect("diesel's table");
    for version in versions {
        client
            .execute(
                &format!("INSERT INTO {table} (version) VALUES ($1)"),
                &[version],
            )
            .await
            .expect("a diesel row");
    }
}
