//! What a new user trying petal on a new service ran into: each test is one
//! of the gaps found, fixed.

use crate::support::Project;

/// The database has `title` before `body` (an earlier revision appended
/// `body`); the models list `body` first and add `slug`. Column order is no
/// change petal makes: `check` shows the one new column, and no column as
/// moved.
#[tokio::test]
async fn check_shows_no_column_moved_when_only_the_order_differs() {
    let project = Project::new().await;
    project
        .client()
        .batch_execute(
            "CREATE TABLE posts (id bigint PRIMARY KEY, title text NOT NULL, body text);
             CREATE TABLE tags (id bigint PRIMARY KEY, label text NOT NULL, post_id bigint);",
        )
        .await
        .expect("the hand-made tables");
    project.write(
        "models/blog.rs",
        r#"use petal::Table;

#[derive(Table)]
#[petal(table = "posts")]
pub struct Post {
    #[petal(primary_key)]
    pub id: i64,
    pub body: Option<String>,
    pub slug: Option<String>,
    pub title: String,
}

#[derive(Table)]
#[petal(table = "tags")]
pub struct Tag {
    #[petal(primary_key)]
    pub id: i64,
    pub post_id: Option<i64>,
    pub label: String,
}
"#,
    );
    let run = project.petal(&["check"]);
    run.assert_code(1);
    let changed: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| {
            (l.starts_with('+') && !l.starts_with("+++"))
                || (l.starts_with('-') && !l.starts_with("---"))
        })
        .collect();
    assert_eq!(
        changed,
        [r#"+  column "slug" text"#],
        "one column added, none moved:\n{}",
        run.stdout
    );
}
