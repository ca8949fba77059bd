//! The `cvety-api` binary refuses a database that is not at head, saying
//! which `petal upgrade` to run, and serves one that is.

use std::process::Stdio;
use std::time::Duration;

use petal_engine::migrate::Operation;
use petal_testkit::TestDb;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::harness;

fn binary(db: &TestDb, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cvety-api"));
    let project = harness::migrations_dir().join("..");
    command
        .arg("--project")
        .arg(project)
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", db.url())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
        Ok(addr) => addr.port(),
        Err(e) => panic!("no free loopback port: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_to_serve_an_unmigrated_database() {
    let db = TestDb::new().await;
    let output = binary(&db, free_port()).output().await;
    let output = match output {
        Ok(o) => o,
        Err(e) => panic!("running cvety-api: {e}"),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("refusing to serve"), "{stderr}");
    assert!(stderr.contains("pending migration(s)"), "{stderr}");
    assert!(stderr.contains("petal upgrade head"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_a_database_at_head() {
    let db = TestDb::new().await;
    harness::migrate(&db, &harness::graph(), Operation::Upgrade, "head").await;
    let port = free_port();
    let (said, _child) = serve(binary(&db, port), port).await;
    assert!(said.is_empty(), "{said:?}");
}

/// With `--migrate`, the binary applies the migrations built into it to an
/// empty database, saying each, then serves it; started again, it applies
/// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrates_an_empty_database_then_serves_it() {
    let db = TestDb::new().await;
    let port = free_port();
    let mut command = binary(&db, port);
    command.arg("--migrate");
    let (said, child) = serve(command, port).await;
    let files = cvety_api::head::EMBEDDED.files();
    let applied: Vec<&String> = said.iter().filter(|l| l.contains("applied")).collect();
    assert_eq!(applied.len(), files.len(), "{said:?}");
    assert!(applied[0].contains("initial: all models"), "{said:?}");
    drop(child);
    let port = free_port();
    let mut command = binary(&db, port);
    command.arg("--migrate");
    let (said, _child) = serve(command, port).await;
    assert!(said.is_empty(), "a second start applies nothing: {said:?}");
}

/// Starts the API and waits for its banner; returns what it said before it
/// (the lines of `--migrate`) and the running child.
async fn serve(mut command: Command, port: u16) -> (Vec<String>, tokio::process::Child) {
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => panic!("starting cvety-api: {e}"),
    };
    let Some(stderr) = child.stderr.take() else {
        panic!("no stderr");
    };
    let mut lines = BufReader::new(stderr).lines();
    let mut said = Vec::new();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line()).await;
        let line = match line {
            Ok(Ok(Some(line))) => line,
            other => panic!("cvety-api did not start: {other:?}; it said {said:?}"),
        };
        if line.contains("serving http://") {
            assert!(
                line.contains(&format!("http://127.0.0.1:{port}/api/")),
                "{line}"
            );
            break;
        }
        said.push(line);
    }
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await;
    assert!(stream.is_ok(), "{stream:?}");
    (said, child)
}
