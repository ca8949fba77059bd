//! Eight copies of a service that embeds its migrations, started at once on
//! one empty database: each migration is applied exactly once, every copy
//! starts (the others wait for the migration lock, then find the database
//! at head), and the log and journal say what ran.

use std::process::{Command, Output};

use petal_testkit::TestDb;

const COPIES: usize = 8;
const REVISIONS: [&str; 3] = ["20261201090000", "20261202090000", "20261203090000"];

fn start(url: &str) -> std::process::Child {
    match Command::new(env!("CARGO_BIN_EXE_embedded-app"))
        .arg(url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!("starting embedded-app: {e}"),
    }
}

fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn eight_copies_apply_each_migration_once() {
    let db = TestDb::new().await;
    let url = db.url();
    let children: Vec<_> = (0..COPIES).map(|_| start(&url)).collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|child| match child.wait_with_output() {
            Ok(output) => output,
            Err(e) => panic!("waiting for embedded-app: {e}"),
        })
        .collect();
    let mut applied = Vec::new();
    for output in &outputs {
        assert!(output.status.success(), "{}", text(output));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.ends_with("at head\n"), "{}", text(output));
        applied.extend(
            stdout
                .lines()
                .filter_map(|line| line.strip_prefix("applied "))
                .map(str::to_string),
        );
    }
    applied.sort();
    assert_eq!(
        applied, REVISIONS,
        "the revisions the copies say they applied"
    );

    let runs: Vec<(String, i64)> = db
        .client()
        .query(
            "SELECT revision, count(*) FROM runs GROUP BY revision ORDER BY revision",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("reading runs: {e}"))
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let once: Vec<(String, i64)> = REVISIONS.iter().map(|r| (r.to_string(), 1)).collect();
    assert_eq!(runs, once, "each migration's INSERT ran once");

    let logged: Vec<String> = db
        .client()
        .query(
            "SELECT revision FROM petal_migrations ORDER BY revision",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("reading petal_migrations: {e}"))
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(logged, REVISIONS, "the log");
    let journalled: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM petal_migration_steps WHERE direction = 'up'",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("reading petal_migration_steps: {e}"))
        .get(0);
    assert_eq!(journalled, 3, "one journalled step per revision");
}

/// A copy started on a database at head applies nothing and says so.
#[tokio::test(flavor = "multi_thread")]
async fn a_copy_on_a_database_at_head_applies_nothing() {
    let db = TestDb::new().await;
    let first = start(&db.url())
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(first.status.success(), "{}", text(&first));
    let second = start(&db.url())
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(second.status.success(), "{}", text(&second));
    assert_eq!(String::from_utf8_lossy(&second.stdout), "at head\n");
}
