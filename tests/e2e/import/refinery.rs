//! refinery's fixture history (checksums pinned as refinery computes
//! them), converted first, then stamped; what petal cannot convert.

use super::{REFINERY_TABLE, applied_by, copy_fixture, index_exists, no_files_written, run_sql};
use crate::support::{Project, catalog};

/// refinery's checksums of the fixture's V1 and V2 (int4 versions),
/// computed once with siphasher's `SipHasher13` as refinery computes them:
/// the name, the version as an `i32` and the SQL, through `Hash`.
const V1_CHECKSUM: &str = "1591420970082878947";
const V2_CHECKSUM: &str = "6282049800178947127";

pub(super) async fn refinery_at(project: &Project, checksum_of_v2: Option<&str>) {
    copy_fixture(project, "refinery");
    let client = project.client();
    client
        .batch_execute(REFINERY_TABLE)
        .await
        .expect("refinery's table");
    for (version, name, file, checksum) in [
        (1i32, "create_users", "V1__create_users.sql", V1_CHECKSUM),
        (2, "create_posts", "V2__create_posts.sql", V2_CHECKSUM),
    ] {
        let sql = project.read(&format!("old/{file}"));
        run_sql(client, &sql, true).await;
        let checksum = match (version, checksum_of_v2) {
            (2, Some(other)) => other,
            _ => checksum,
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
