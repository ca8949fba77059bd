//! diesel's fixture history stamped where diesel stopped; its table found
//! with --table in another schema; a file diesel ran outside a transaction
//! as one query string, all or nothing.

use super::{applied_by, diesel_at_posts, diesel_at_posts_in, expect_states, index_exists};
use crate::support::{Project, catalog};

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

/// diesel's table in another schema: refused without --table (the
/// database holds tables, the table is not on the search_path), saying
/// where it looked; found and stamped with it.
#[tokio::test]
async fn table_in_another_schema_is_named_with_table() {
    let project = Project::new().await;
    project
        .client()
        .batch_execute("CREATE SCHEMA legacy")
        .await
        .expect("a schema");
    let table = "legacy.__diesel_schema_migrations";
    diesel_at_posts_in(&project, table, &["00000000000000", "20230101000000"]).await;
    let database: String = project
        .client()
        .query_one("SELECT current_database()::text", &[])
        .await
        .expect("the database's name")
        .get(0);
    project
        .petal(&["import", "diesel", "old"])
        .assert_code(2)
        .assert_mentions(&format!(
            "no `__diesel_schema_migrations` in database {database}, schema public (the \
             search_path), which holds"
        ))
        .assert_mentions("--table SCHEMA.TABLE");
    assert!(!catalog::log_exists(project.client()).await);
    project
        .petal(&["import", "diesel", "old", "--table", table])
        .assert_ok()
        .assert_mentions(&format!(
            "looked for legacy.__diesel_schema_migrations in database {database}, schema legacy"
        ))
        .assert_mentions(
            "legacy.__diesel_schema_migrations records 2 applied: petal_migrations stamped at \
             20230101000000",
        );
    expect_states(
        &project,
        &[
            ("applied", "19700101000000"),
            ("applied", "20230101000000"),
            ("pending", "20230102000000"),
            ("pending", "20230103000000"),
            ("pending", "20230104000000"),
        ],
    );
}

/// diesel sends `up.sql` as one query string: outside a transaction,
/// PostgreSQL still runs its statements all or nothing. The import runs
/// such a file in petal's transaction: a failing second statement leaves
/// the first undone, as under diesel.
#[tokio::test]
async fn a_no_transaction_file_of_two_statements_fails_whole() {
    let project = Project::new().await;
    project.write(
        "old/2023-01-01-000000_two/up.sql",
        "CREATE TABLE first (id int);\nCREATE TABLE second (id int REFERENCES nowhere);\n",
    );
    project.write(
        "old/2023-01-01-000000_two/metadata.toml",
        "run_in_transaction = false\n",
    );
    project
        .petal(&["import", "diesel", "old"])
        .assert_ok()
        .assert_mentions("2023-01-01-000000_two/up.sql -> 20230101000000_two.sql  (no down)");
    let file = project.read("migrations/20230101000000_two.sql");
    assert!(
        file.contains("as one query string: PostgreSQL ran its 2 statements all or nothing"),
        "{file}"
    );
    project.petal(&["upgrade"]).assert_code(2);
    let first: bool = project
        .client()
        .query_one("SELECT to_regclass('first') IS NOT NULL", &[])
        .await
        .expect("looking for the table")
        .get(0);
    assert!(!first, "the first statement is rolled back with the second");
    assert!(!index_exists(project.client(), "second").await);
}
