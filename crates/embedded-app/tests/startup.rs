//! A service that embeds its migrations, at startup: eight copies started
//! at once on one empty database apply each migration exactly once (the
//! others wait for the migration lock, then find the database at head) and
//! the log and journal say what ran; a copy on a database at head applies
//! nothing; a copy older than the database refuses it.

use std::process::{Output, Stdio};
use std::time::Duration;

use petal::runner::MigrationLock;
use petal_testkit::TestDb;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

const COPIES: usize = 8;
const REVISIONS: [&str; 3] = ["20261201090000", "20261202090000", "20261203090000"];

fn start(url: &str) -> Child {
    // The URL in the environment: a password on a command line is in `ps`.
    match Command::new(env!("CARGO_BIN_EXE_embedded-app"))
        .env("DATABASE_URL", url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!("starting embedded-app: {e}"),
    }
}

/// One copy started and waited for.
async fn run_to_the_end(url: &str) -> Output {
    match start(url).wait_with_output().await {
        Ok(output) => output,
        Err(e) => panic!("waiting for embedded-app: {e}"),
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

/// Reads a copy's first line, which must say it waits for the lock.
async fn waits_for_the_lock(child: &mut Child) -> BufReader<tokio::process::ChildStdout> {
    let Some(stdout) = child.stdout.take() else {
        panic!("no stdout");
    };
    let mut stdout = BufReader::new(stdout);
    let mut line = String::new();
    let read = tokio::time::timeout(Duration::from_secs(60), stdout.read_line(&mut line)).await;
    assert!(
        matches!(read, Ok(Ok(_))) && line == "waiting for the migration lock\n",
        "a copy's first line: {line:?} ({read:?})"
    );
    stdout
}

/// The rest of a copy's output once it exits, its first line included.
async fn finish(mut child: Child, mut stdout: BufReader<tokio::process::ChildStdout>) -> Output {
    let mut rest = String::from("waiting for the migration lock\n");
    let mut stderr = Vec::new();
    let read = stdout.read_to_string(&mut rest).await;
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_end(&mut stderr).await;
    }
    let status = match (read, child.wait().await) {
        (Ok(_), Ok(status)) => status,
        (read, wait) => panic!("waiting for embedded-app: {read:?} {wait:?}"),
    };
    Output {
        status,
        stdout: rest.into_bytes(),
        stderr,
    }
}

/// The test holds the migration lock while the copies start, until each
/// says it waits for it: all eight then race for it at once.
#[tokio::test(flavor = "multi_thread")]
async fn eight_copies_apply_each_migration_once() {
    let db = TestDb::new().await;
    let url = db.url();
    let lock = MigrationLock::acquire(db.connect().await, Duration::from_secs(5), |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut children: Vec<Child> = (0..COPIES).map(|_| start(&url)).collect();
    let mut readers = Vec::new();
    for child in &mut children {
        readers.push(waits_for_the_lock(child).await);
    }
    lock.release().await.unwrap_or_else(|e| panic!("{e}"));
    let mut outputs = Vec::new();
    for (child, reader) in children.into_iter().zip(readers) {
        outputs.push(finish(child, reader).await);
    }
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
    let first = run_to_the_end(&db.url()).await;
    assert!(first.status.success(), "{}", text(&first));
    let second = run_to_the_end(&db.url()).await;
    assert!(second.status.success(), "{}", text(&second));
    assert_eq!(String::from_utf8_lossy(&second.stdout), "at head\n");
}

/// A binary older than the database (a service rolled back after a newer
/// release migrated it) refuses to start, saying so, and changes nothing;
/// it does not call the newer revision a missing file to restore or purge.
#[tokio::test(flavor = "multi_thread")]
async fn a_copy_older_than_the_database_refuses_it() {
    let db = TestDb::new().await;
    let first = run_to_the_end(&db.url()).await;
    assert!(first.status.success(), "{}", text(&first));
    // What a newer release's migration leaves in the log.
    db.client()
        .batch_execute(
            "INSERT INTO petal_migrations \
             (revision, parents, checksum, message, duration_ms, applied_order) \
             VALUES ('20261204090000', '20261203090000', 'sha256:0', 'newer', 1, 4)",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let older = run_to_the_end(&db.url()).await;
    let stderr = String::from_utf8_lossy(&older.stderr);
    assert!(!older.status.success(), "{}", text(&older));
    assert!(stderr.contains("20261204090000"), "{stderr}");
    assert!(stderr.contains("a newer release migrated it"), "{stderr}");
    assert!(!stderr.contains("stamp --purge"), "{stderr}");
}
