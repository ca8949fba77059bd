//! The revision graph as users meet it: two heads and their merge, and a
//! migration edited after it was applied.

use crate::support::{Project, catalog, migration_file};

const BASE: &str = "20260101000000";
const LEFT: &str = "20260102000000";
const RIGHT: &str = "20260103000000";

fn write_branches(project: &Project) {
    project.write(
        "migrations/20260101000000_base.sql",
        &migration_file(
            BASE,
            &[],
            "base",
            "CREATE TABLE base_t (id int);",
            "DROP TABLE base_t;",
        ),
    );
    // Two developers branched from the same parent.
    project.write(
        "migrations/20260102000000_left.sql",
        &migration_file(
            LEFT,
            &[BASE],
            "left",
            "CREATE TABLE left_t (id int);",
            "DROP TABLE left_t;",
        ),
    );
    project.write(
        "migrations/20260103000000_right.sql",
        &migration_file(
            RIGHT,
            &[BASE],
            "right",
            "CREATE TABLE right_t (id int);",
            "DROP TABLE right_t;",
        ),
    );
}

#[tokio::test]
async fn two_heads_are_found_and_merged() {
    let project = Project::new().await;
    let client = project.client();
    write_branches(&project);
    // The left branch was deployed before the right one was merged in.
    let right = project.read("migrations/20260103000000_right.sql");
    std::fs::remove_file(project.path("migrations/20260103000000_right.sql"))
        .expect("holding back the right branch");
    project.petal(&["upgrade", "head"]).assert_ok();
    assert_eq!(catalog::logged_revisions(client).await, [BASE, LEFT]);
    project.write("migrations/20260103000000_right.sql", &right);

    let heads = project.petal(&["heads"]);
    heads
        .assert_ok()
        .assert_mentions(LEFT)
        .assert_mentions(RIGHT)
        .assert_mentions("petal merge");
    project
        .petal(&["check"])
        .assert_code(2)
        .assert_mentions("petal merge");
    let refused = project.petal(&["upgrade", "head"]);
    refused.assert_code(2).assert_mentions("petal merge");
    assert_eq!(refused.stdout, "", "nothing started, so no progress line");
    assert_eq!(
        catalog::logged_revisions(client).await,
        [BASE, LEFT],
        "a refused upgrade applied something"
    );

    project.petal(&["merge", "-m", "join branches"]).assert_ok();
    let merge = project.migration("_join_branches.sql");
    let merge_text = project.read(&merge);
    let parents_line = merge_text
        .lines()
        .find(|l| l.starts_with("-- petal parents:"))
        .unwrap_or_default();
    assert!(
        parents_line.contains(LEFT) && parents_line.contains(RIGHT),
        "{merge}:\n{merge_text}"
    );
    let heads = project.petal(&["heads"]);
    heads.assert_ok();
    assert!(!heads.stdout.contains("petal merge"), "{}", heads.stdout);
    project
        .petal(&["merge"])
        .assert_code(2)
        .assert_mentions("nothing to merge");

    project.petal(&["upgrade", "head"]).assert_ok();
    let applied = catalog::log(client).await;
    let revisions: Vec<&str> = applied.iter().map(|r| r.revision.as_str()).collect();
    assert_eq!(&revisions[..3], [BASE, LEFT, RIGHT], "{applied:?}");
    assert_eq!(revisions.len(), 4, "{applied:?}");
    let merge_id = revisions[3].to_string();
    assert_eq!(applied[3].parents, format!("{LEFT} {RIGHT}"));
    let current = project.petal(&["current", "--format", "json"]);
    current.assert_ok();
    let value: serde_json::Value = serde_json::from_str(&current.stdout)
        .unwrap_or_else(|e| panic!("current --format json: {e}\n{}", current.stdout));
    assert_eq!(value["current"], serde_json::json!([merge_id]));

    project.petal(&["downgrade", "-1"]).assert_ok();
    assert_eq!(
        catalog::logged_revisions(client).await,
        [BASE, LEFT, RIGHT],
        "`downgrade -1` after a merge must un-apply the merge only"
    );
    assert_eq!(
        catalog::tables(client).await,
        [
            "public.base_t",
            "public.left_t",
            "public.petal_migration_steps",
            "public.petal_migrations",
            "public.right_t"
        ]
    );
    project.petal(&["upgrade", "head"]).assert_ok();
    assert_eq!(catalog::log(client).await.len(), 4);
}

#[tokio::test]
async fn an_applied_migration_edited_afterwards_is_detected() {
    let project = Project::new().await;
    let client = project.client();
    let base_path = "migrations/20260101000000_base.sql";
    project.write(
        base_path,
        &migration_file(
            BASE,
            &[],
            "base",
            "CREATE TABLE base_t (id int);",
            "DROP TABLE base_t;",
        ),
    );
    project.petal(&["upgrade", "head"]).assert_ok();
    let status = project.petal(&["status"]);
    status.assert_ok().assert_mentions("applied");
    // A checkout with Windows line endings is not an edit.
    let crlf = project.read(base_path).replace('\n', "\r\n");
    project.write(base_path, &crlf);
    project
        .petal(&["status"])
        .assert_ok()
        .assert_mentions("applied");

    // Edited after it ran: the database no longer matches the file.
    project.write(
        base_path,
        &migration_file(
            BASE,
            &[],
            "base",
            "CREATE TABLE base_t (id bigint);",
            "DROP TABLE base_t;",
        ),
    );
    project.write(
        "migrations/20260102000000_next.sql",
        &migration_file(
            LEFT,
            &[BASE],
            "next",
            "CREATE TABLE next_t (id int);",
            "DROP TABLE next_t;",
        ),
    );

    let upgrade = project.petal(&["upgrade", "head"]);
    upgrade
        .assert_code(2)
        .assert_mentions(BASE)
        .assert_mentions("--allow-modified");
    assert_eq!(catalog::logged_revisions(client).await, [BASE]);
    assert!(
        !catalog::tables(client)
            .await
            .contains(&"public.next_t".to_string())
    );

    let status = project.petal(&["status"]);
    status.assert_code(2);
    let line = status
        .stdout
        .lines()
        .find(|l| l.contains(BASE))
        .unwrap_or_default();
    assert!(line.contains("modified"), "status:\n{}", status.stdout);
    let pending = status
        .stdout
        .lines()
        .find(|l| l.contains(LEFT))
        .unwrap_or_default();
    assert!(pending.contains("pending"), "status:\n{}", status.stdout);

    // The exit code does not depend on the output format.
    let json = project.petal(&["status", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|e| panic!("status --format json: {e}\n{}", json.stdout));
    let states: Vec<(String, String)> = value["status"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    (
                        i["revision"].as_str().unwrap_or_default().to_string(),
                        i["state"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        states,
        [
            (BASE.to_string(), "modified".to_string()),
            (LEFT.to_string(), "pending".to_string())
        ]
    );
    json.assert_code(2);

    project
        .petal(&["upgrade", "head", "--allow-modified"])
        .assert_ok();
    assert_eq!(catalog::logged_revisions(client).await, [BASE, LEFT]);
    assert!(
        catalog::tables(client)
            .await
            .contains(&"public.next_t".to_string())
    );
}

#[tokio::test]
async fn targets_relative_absolute_and_stamp() {
    let project = Project::new().await;
    let client = project.client();
    let ids = ["20260101000000", "20260102000000", "20260103000000"];
    for (index, id) in ids.iter().enumerate() {
        let parents: Vec<&str> = ids[..index].last().copied().into_iter().collect();
        project.write(
            &format!("migrations/{id}_t{index}.sql"),
            &migration_file(
                id,
                &parents,
                &format!("t{index}"),
                &format!("CREATE TABLE t{index} (id int);"),
                &format!("DROP TABLE t{index};"),
            ),
        );
    }
    project.petal(&["upgrade", "+1"]).assert_ok();
    assert_eq!(catalog::logged_revisions(client).await, &ids[..1]);
    // A unique prefix names a revision.
    project.petal(&["upgrade", "202601020"]).assert_ok();
    assert_eq!(catalog::logged_revisions(client).await, &ids[..2]);
    project
        .petal(&["upgrade", "2026"])
        .assert_code(2)
        .assert_mentions("ambiguous");
    project.petal(&["upgrade"]).assert_ok();
    project.petal(&["downgrade", ids[0]]).assert_ok();
    assert_eq!(catalog::logged_revisions(client).await, &ids[..1]);
    assert_eq!(
        catalog::tables(client).await,
        [
            "public.petal_migration_steps",
            "public.petal_migrations",
            "public.t0"
        ]
    );
    project.petal(&["downgrade", "-1"]).assert_ok();
    assert_eq!(catalog::log(client).await, Vec::new());
    project
        .petal(&["downgrade", "-1"])
        .assert_code(2)
        .assert_mentions("applied");

    // stamp records without running: for a database built some other way.
    project.petal(&["stamp", "head"]).assert_ok();
    assert_eq!(catalog::logged_revisions(client).await, ids);
    assert_eq!(
        catalog::tables(client).await,
        ["public.petal_migration_steps", "public.petal_migrations"]
    );
    project.petal(&["stamp", "base"]).assert_ok();
    assert_eq!(catalog::log(client).await, Vec::new());
}
