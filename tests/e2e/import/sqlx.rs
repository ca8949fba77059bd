//! sqlx's fixture history with its SHA-384 checksums; sqlx.toml's
//! table-name and ignored-chars.

use sha2::{Digest, Sha384};

use super::{SQLX_TABLE, applied_by, expect_states, index_exists, run_sql, sqlx_project};
use crate::support::{Project, catalog};

#[tokio::test]
async fn sqlx_history_with_checksums_and_a_downgrade_that_has_no_down() {
    let project = sqlx_project().await;
    let client = project.client();
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

/// sqlx.toml beside the directory renames the table and leaves `\r` out
/// of the checksums: a file with CRLF line ends matches the LF checksum.
#[tokio::test]
async fn sqlx_toml_table_name_and_ignored_chars() {
    let project = Project::new().await;
    project.write(
        "sqlx.toml",
        "[migrate]\ntable-name = \"ops.sqlx_log\"\nignored-chars = [\"\\r\"]\n",
    );
    project.write("old/1_users.sql", "CREATE TABLE users (id int);\r\n");
    project.write("old/2_posts.sql", "CREATE TABLE posts (id int);\r\n");
    let client = project.client();
    client
        .batch_execute(&format!(
            "CREATE SCHEMA ops; {}; CREATE TABLE users (id int)",
            SQLX_TABLE.replace("_sqlx_migrations", "ops.sqlx_log")
        ))
        .await
        .expect("sqlx's table");
    let checksum = Sha384::digest(b"CREATE TABLE users (id int);\n").to_vec();
    client
        .execute(
            "INSERT INTO ops.sqlx_log ( version, description, success, checksum, execution_time ) \
             VALUES ( 1, 'users', TRUE, $1, -1 )",
            &[&checksum],
        )
        .await
        .expect("a sqlx row");
    project
        .petal(&["import", "sqlx", "old"])
        .assert_ok()
        .assert_mentions("table-name ops.sqlx_log, ignored-chars \"\\r\"")
        .assert_mentions(
            "ops.sqlx_log records 1 applied: petal_migrations stamped at 19700101000001",
        );
    assert_eq!(catalog::logged_revisions(client).await, ["19700101000001"]);
}
