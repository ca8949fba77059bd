//! `petal import diesel|sqlx|refinery`: each tool's fixture history
//! (`tests/fixtures/import/<tool>`) on a database where the tool's own
//! bookkeeping table — its exact DDL, the rows it writes, checksums as it
//! computes them — says the first migrations ran (and their SQL did). After
//! the import, `status` and `current` say exactly that, and `upgrade` runs
//! only the rest. Each mismatch kind is refused, naming it, with nothing
//! written or stamped.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use sha2::{Digest, Sha384};
use tokio_postgres::Client;

use crate::support::{Project, Run, catalog};

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

/// diesel's history with its initial setup (`00000000000000`, mapped to
/// `19700101000000`), a no-transaction index and a migration without a
/// down; the setup, users and posts ran.
async fn diesel_at_posts(project: &Project, versions: &[&str]) {
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
        .batch_execute(DIESEL_TABLE)
        .await
        .expect("diesel's table");
    for version in versions {
        client
            .execute(
                "INSERT INTO __diesel_schema_migrations (version) VALUES ($1)",
                &[version],
            )
            .await
            .expect("a diesel row");
    }
}

#[tokio::test]
async fn diesel_history_is_stamped_where_diesel_stopped_and_upgrade_runs_the_rest() {
    let project = Project::new().await;
    diesel_at_posts(
        &project,
        &["00000000000000", "20230101000000", "20230102000000"],
    )
    .await;
    let run = project.petal(&["import", "diesel", "old"]);
    run.assert_ok()
        .assert_mentions("2023-01-03-000000_index_posts/up.sql -> 20230103000000_index_posts.sql  (no transaction)")
        .assert_mentions("2023-01-04-000000_add_bio/up.sql -> 20230104000000_add_bio.sql  (no down)")
        .assert_mentions("__diesel_schema_migrations records 3 applied: petal_migrations stamped at 20230102000000");
    let setup = project.read("migrations/19700101000000_diesel_initial_setup.sql");
    assert!(setup.contains("-- imported from: diesel 00000000000000_diesel_initial_setup/up.sql (version 00000000000000: the revision id is 1970-01-01 00:00:00 UTC plus 0 seconds)"), "{setup}");
    expect_states(
        &project,
        &[
            ("applied", "19700101000000"),
            ("applied", "20230101000000"),
            ("applied", "20230102000000"),
            ("pending", "20230103000000"),
            ("pending", "20230104000000"),
        ],
    );
    let current = project.petal(&["current"]);
    assert_eq!(
        current.assert_ok().stdout.trim(),
        "20230102000000 create posts"
    );
    let upgrade = project.petal(&["upgrade"]);
    upgrade.assert_ok();
    assert_eq!(applied_by(&upgrade), ["20230103000000", "20230104000000"]);
    assert!(index_exists(project.client(), "posts_user_id").await);
    assert_eq!(
        catalog::columns(project.client(), "users").await,
        ["id", "name", "updated_at", "bio"]
    );
    // The same import again, once petal ran more: nothing to do.
    project
        .petal(&["import", "diesel", "old"])
        .assert_ok()
        .assert_mentions("found, already imported,")
        .assert_mentions("petal_migrations was at 20230104000000 already");
}

#[tokio::test]
async fn sqlx_history_with_checksums_and_a_downgrade_that_has_no_down() {
    let project = Project::new().await;
    copy_fixture(&project, "sqlx");
    let client = project.client();
    client
        .batch_execute(SQLX_TABLE)
        .await
        .expect("sqlx's table");
    for (version, file, description) in [
        (1i64, "1_create_users.sql", "create users"),
        (2, "2_create_posts.up.sql", "create posts"),
    ] {
        let sql = project.read(&format!("old/{file}"));
        run_sql(client, &sql, true).await;
        let checksum = Sha384::digest(sql.as_bytes()).to_vec();
        client
            .execute(
                "INSERT INTO _sqlx_migrations ( version, description, success, checksum, execution_time ) \
                 VALUES ( $1, $2, TRUE, $3, -1 )",
                &[&version, &description, &checksum],
            )
            .await
            .expect("a sqlx row");
    }
    project
        .petal(&["import", "sqlx", "old"])
        .assert_ok()
        .assert_mentions("3_index_posts.up.sql -> 19700101000003_index_posts.sql  (no transaction)")
        .assert_mentions(
            "_sqlx_migrations records 2 applied: petal_migrations stamped at 19700101000002",
        );
    expect_states(
        &project,
        &[
            ("applied", "19700101000001"),
            ("applied", "19700101000002"),
            ("pending", "19700101000003"),
            ("pending", "19700101000004"),
        ],
    );
    let upgrade = project.petal(&["upgrade"]);
    assert_eq!(
        applied_by(upgrade.assert_ok()),
        ["19700101000003", "19700101000004"]
    );
    assert!(index_exists(client, "posts_user_id").await);
    assert_eq!(
        catalog::columns(client, "users").await,
        ["id", "name", "bio"]
    );
    // 4_add_bio.sql had no down: the downgrade refuses there, not silently.
    project
        .petal(&["downgrade", "-1"])
        .assert_code(2)
        .assert_mentions("revision 19700101000004 has no down: it was imported from sqlx's 4_add_bio.sql, which has none")
        .assert_mentions("petal stamp 19700101000003");
    assert_eq!(
        catalog::columns(client, "users").await,
        ["id", "name", "bio"]
    );
    assert_eq!(catalog::logged_revisions(client).await.len(), 4);
}

/// refinery's checksum as refinery computes it: SipHash-1-3 through `Hash`
/// (std's `DefaultHasher` is that hasher today, which refinery relied on
/// before it named the algorithm).
fn refinery_checksum(name: &str, version: i32, sql: &str) -> String {
    let mut hasher = DefaultHasher::new();
    name.hash(&mut hasher);
    version.hash(&mut hasher);
    sql.hash(&mut hasher);
    hasher.finish().to_string()
}

async fn refinery_at(project: &Project, checksum_of_v2: Option<&str>) {
    copy_fixture(project, "refinery");
    let client = project.client();
    client
        .batch_execute(REFINERY_TABLE)
        .await
        .expect("refinery's table");
    for (version, name, file) in [
        (1i32, "create_users", "V1__create_users.sql"),
        (2, "create_posts", "V2__create_posts.sql"),
    ] {
        let sql = project.read(&format!("old/{file}"));
        run_sql(client, &sql, true).await;
        let checksum = match (version, checksum_of_v2) {
            (2, Some(checksum)) => checksum.to_owned(),
            _ => refinery_checksum(name, version, &sql),
        };
        client
            .execute(
                "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
                 VALUES ($1, $2, '2023-01-01T00:00:00Z', $3)",
                &[&version, &name, &checksum],
            )
            .await
            .expect("a refinery row");
    }
}

#[tokio::test]
async fn refinery_history_converted_first_then_stamped_and_upgraded() {
    let project = Project::new().await;
    refinery_at(&project, None).await;
    project
        .petal(&["import", "refinery", "old", "--no-stamp"])
        .assert_ok()
        .assert_mentions("later/V3__index_posts.sql -> 19700101000003_index_posts.sql  (no down)")
        .assert_mentions("not migrations to refinery, left out: mod.rs")
        .assert_mentions("not stamped (--no-stamp)");
    assert!(!catalog::log_exists(project.client()).await);
    // Another database of the same project: the files are there, stamped.
    project
        .petal(&["import", "refinery", "old"])
        .assert_ok()
        .assert_mentions("found, already imported,")
        .assert_mentions(
            "refinery_schema_history records 2 applied: petal_migrations stamped at 19700101000002",
        );
    let upgrade = project.petal(&["upgrade"]);
    assert_eq!(
        applied_by(upgrade.assert_ok()),
        ["19700101000003", "19700101000004"]
    );
    assert!(index_exists(project.client(), "posts_user_id").await);
    let json = project.petal(&["import", "refinery", "old", "--format", "json"]);
    json.assert_ok();
    for needle in [
        "\"files\": \"already_there\"",
        "\"state\": \"already_stamped\"",
        "\"id_mapping\": \"epoch_plus_seconds\"",
        "\"up\": \"later/V3__index_posts.sql\"",
    ] {
        assert!(json.stdout.contains(needle), "{needle} in {}", json.stdout);
    }
}

/// What petal cannot convert is refused at its file (and line), with
/// nothing written: a refinery `.rs` migration, a `COMMIT` in a migration
/// refinery runs in a transaction.
#[tokio::test]
async fn rust_migrations_and_transaction_control_are_refused_at_their_file() {
    let project = Project::new().await;
    project.write(
        "old/V1__users.sql",
        "CREATE TABLE users (id int);\nCOMMIT;\n",
    );
    project.write(
        "old/V2__seed.rs",
        "pub fn migration() -> String { String::new() }\n",
    );
    let run = project.petal(&["import", "refinery", "old", "--format", "json"]);
    run.assert_code(2)
        .assert_mentions("old/V2__seed.rs: a Rust migration")
        .assert_mentions("save it as `V2__seed.sql`");
    assert!(
        run.stdout.contains("\"kind\": \"migration_file\""),
        "{}",
        run.stdout
    );
    std::fs::remove_file(project.path("old/V2__seed.rs")).expect("removing the .rs");
    project
        .petal(&["import", "refinery", "old"])
        .assert_code(2)
        .assert_mentions("old/V1__users.sql:2:1: `COMMIT` in a migration run in a transaction");
    no_files_written(&project);
}

/// A mismatch is refused: exit 2, a `plan` error naming it, no file
/// written, nothing stamped.
fn refused(project: &Project, tool: &str, message: &str) {
    let run = project.petal(&["import", tool, "old", "--format", "json"]);
    run.assert_code(2).assert_mentions(message);
    assert!(run.stdout.contains("\"kind\": \"plan\""), "{}", run.stdout);
    no_files_written(project);
}

#[tokio::test]
async fn mismatch_applied_but_missing_from_the_directory() {
    let project = Project::new().await;
    diesel_at_posts(&project, &["00000000000000", "20221231000000"]).await;
    refused(
        &project,
        "diesel",
        "`__diesel_schema_migrations` records version 20221231000000 as applied, but old holds no diesel migration of that version",
    );
    assert!(!catalog::log_exists(project.client()).await);
}

#[tokio::test]
async fn mismatch_applied_out_of_order() {
    let project = Project::new().await;
    diesel_at_posts(&project, &["00000000000000", "20230102000000"]).await;
    refused(
        &project,
        "diesel",
        "version 20230101000000 is not applied while a later one, 20230102000000, is",
    );
    project
        .petal(&["import", "diesel", "old"])
        .assert_mentions("diesel would run it next, out of order");
}

async fn sqlx_row(project: &Project, version: i64, success: bool, checksum: &[u8]) {
    project
        .client()
        .execute(
            "INSERT INTO _sqlx_migrations ( version, description, success, checksum, execution_time ) \
             VALUES ( $1, 'x', $2, $3, -1 )",
            &[&version, &success, &checksum],
        )
        .await
        .expect("a sqlx row");
}

#[tokio::test]
async fn mismatch_failed_sqlx_row() {
    let project = Project::new().await;
    copy_fixture(&project, "sqlx");
    project
        .client()
        .batch_execute(SQLX_TABLE)
        .await
        .expect("sqlx's table");
    let sql = project.read("old/1_create_users.sql");
    sqlx_row(&project, 1, false, &Sha384::digest(sql.as_bytes())).await;
    refused(
        &project,
        "sqlx",
        "`_sqlx_migrations` records version 1 as failed (success = false)",
    );
}

#[tokio::test]
async fn mismatch_sqlx_checksum() {
    let project = Project::new().await;
    copy_fixture(&project, "sqlx");
    project
        .client()
        .batch_execute(SQLX_TABLE)
        .await
        .expect("sqlx's table");
    let before = "CREATE TABLE users (id BIGSERIAL PRIMARY KEY);\n";
    sqlx_row(&project, 1, true, &Sha384::digest(before.as_bytes())).await;
    refused(
        &project,
        "sqlx",
        "old/1_create_users.sql changed since sqlx applied it: its SHA-384 is not version 1's `_sqlx_migrations.checksum`",
    );
}

#[tokio::test]
async fn mismatch_refinery_checksum() {
    let project = Project::new().await;
    refinery_at(&project, Some("12345")).await;
    refused(
        &project,
        "refinery",
        "old/V2__create_posts.sql is not what refinery applied as version 2: applied as `create_posts` with checksum 12345",
    );
}
