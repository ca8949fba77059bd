//! Each mismatch between the tool's table and the directory refused,
//! naming it, with nothing written or stamped; and petal's log holding
//! revisions that are not this import's.

use sha2::{Digest, Sha384};

use super::refinery::refinery_at;
use super::{DIESEL_TABLE, copy_fixture, diesel_at_posts, refused, sqlx_project};
use crate::support::{Project, catalog};

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
    let project = sqlx_project().await;
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
    let project = sqlx_project().await;
    let before = "CREATE TABLE users (id BIGSERIAL PRIMARY KEY);\n";
    sqlx_row(&project, 1, true, &Sha384::digest(before.as_bytes())).await;
    refused(
        &project,
        "sqlx",
        "old/1_create_users.sql changed since sqlx applied it: its SHA-384 is not version 1's checksum in `_sqlx_migrations`",
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

/// petal's log already records revisions of another import (sqlx's here),
/// and diesel's table records nothing: not "stamped already", refused.
#[tokio::test]
async fn a_log_of_other_revisions_is_refused_even_with_an_empty_tool_table() {
    let project = sqlx_project().await;
    project.petal(&["import", "sqlx", "old"]).assert_ok();
    project.petal(&["upgrade"]).assert_ok();
    for file in project.migrations() {
        std::fs::remove_file(project.path(&file)).expect("removing");
    }
    std::fs::remove_dir_all(project.path("old")).expect("removing old/");
    copy_fixture(&project, "diesel");
    project
        .client()
        .batch_execute(DIESEL_TABLE)
        .await
        .expect("diesel's table, empty");
    refused(
        &project,
        "diesel",
        "petal_migrations records 4 revision(s) that do not match what `__diesel_schema_migrations` says is applied",
    );
    project
        .petal(&["import", "diesel", "old"])
        .assert_mentions("not revisions of this import: 19700101000001, 19700101000002, 19700101000003, 19700101000004");
    assert_eq!(catalog::logged_revisions(project.client()).await.len(), 4);
}
