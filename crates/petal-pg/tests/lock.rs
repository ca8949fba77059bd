//! The advisory lock on a real server: runs take turns, a waiting run
//! hears who holds the lock, and a timeout names the holder.

use std::time::Duration;

use petal_pg::lock::{AdvisoryLock, AdvisoryLockError, LockHolder, REPORT_EVERY, Waiting};
use petal_testkit::TestDb;
use tokio::task::JoinHandle;
use tokio_postgres::Client;

const KEY: i64 = -0x1234_5678_9abc;

fn no_report(_: &Waiting) {}

async fn pid_of(client: &Client) -> i32 {
    client
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .expect("pg_backend_pid")
        .get(0)
}

/// Whether a session holds advisory lock `key` in `client`'s database, by
/// the server's own record (other tests' databases hold the same key).
async fn is_held(client: &Client, key: i64) -> bool {
    let sql = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
               AND ((classid::bigint << 32) | objid::bigint) = $1";
    let row = client.query_one(sql, &[&key]).await.expect("pg_locks");
    row.get::<_, i64>(0) > 0
}

/// A session of `db` holding the lock, named so that the holder is known.
async fn holder(db: &TestDb) -> AdvisoryLock {
    let client = db.connect().await;
    client
        .batch_execute("SET application_name = 'the other run'")
        .await
        .expect("application_name");
    AdvisoryLock::acquire(client, KEY, Duration::ZERO, no_report)
        .await
        .expect("a free lock")
}

/// Another run of `db` taking the lock, on a task of its own, waiting up to
/// half a minute.
async fn second_run(db: &TestDb) -> JoinHandle<Result<AdvisoryLock, AdvisoryLockError>> {
    let client = db.connect().await;
    tokio::spawn(AdvisoryLock::acquire(
        client,
        KEY,
        Duration::from_secs(30),
        no_report,
    ))
}

#[tokio::test]
async fn a_lock_is_held_until_released() {
    let db = TestDb::new().await;
    let lock = AdvisoryLock::acquire(db.connect().await, KEY, Duration::ZERO, no_report)
        .await
        .expect("a free lock is taken at once");
    assert_eq!(lock.key(), KEY);
    assert!(is_held(db.client(), KEY).await);
    lock.release().await.expect("release");
    assert!(!is_held(db.client(), KEY).await);
}

#[tokio::test]
async fn a_lock_on_a_borrowed_session_leaves_the_session_open() {
    let db = TestDb::new().await;
    let client = db.connect().await;
    let lock = AdvisoryLock::acquire(&client, KEY, Duration::ZERO, no_report)
        .await
        .expect("a free lock");
    assert_eq!(pid_of(lock.session()).await, pid_of(&client).await);
    lock.release().await.expect("release");
    assert!(!is_held(db.client(), KEY).await);
    client.batch_execute("SELECT 1").await.expect("still open");
}

#[tokio::test]
async fn a_second_run_waits_until_the_first_releases() {
    let db = TestDb::new().await;
    let first = holder(&db).await;
    let waiting = second_run(&db).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "the second run took a held lock");
    first.release().await.expect("release");
    let second = waiting
        .await
        .expect("the task")
        .expect("the lock, once free");
    second.release().await.expect("release");
}

#[tokio::test]
async fn a_closed_session_releases_its_lock() {
    let db = TestDb::new().await;
    let first = holder(&db).await;
    let waiting = second_run(&db).await;
    drop(first);
    waiting
        .await
        .expect("the task")
        .expect("the lock, once its session closed");
}

#[tokio::test]
async fn a_timeout_names_the_holder() {
    let db = TestDb::new().await;
    let first = holder(&db).await;
    let refused = AdvisoryLock::acquire(
        db.connect().await,
        KEY,
        Duration::from_millis(200),
        no_report,
    )
    .await;
    let Err(AdvisoryLockError::Timeout {
        key,
        holder,
        waited,
    }) = refused
    else {
        panic!("expected a timeout, got {refused:?}");
    };
    assert_eq!(key, KEY);
    assert!(
        waited >= Duration::from_millis(200),
        "gave up early: {waited:?}"
    );
    assert_eq!(holder.pid(), Some(pid_of(first.session()).await));
    let LockHolder::Session(session) = &holder else {
        unreachable!("a pid is a session's");
    };
    assert_eq!(session.application, "the other run");
    let message = AdvisoryLockError::Timeout {
        key,
        holder: holder.clone(),
        waited,
    }
    .to_string();
    assert!(
        message.contains(&format!("held by pid {}", session.pid))
            && message.contains("the other run"),
        "{message}"
    );
}

#[tokio::test]
async fn a_waiting_run_hears_who_holds_the_lock_about_once_a_second() {
    let db = TestDb::new().await;
    let first = holder(&db).await;
    let first_pid = pid_of(first.session()).await;
    let mut heard: Vec<Waiting> = Vec::new();
    let timeout = REPORT_EVERY * 2 + REPORT_EVERY / 2;
    let refused = AdvisoryLock::acquire(db.connect().await, KEY, timeout, |w: &Waiting| {
        heard.push(w.clone())
    })
    .await;
    assert!(matches!(refused, Err(AdvisoryLockError::Timeout { .. })));
    // The first word after a second, then at most one a second.
    assert!((1..=2).contains(&heard.len()), "{heard:?}");
    assert!(heard[0].waited >= REPORT_EVERY, "{heard:?}");
    for pair in heard.windows(2) {
        assert!(pair[1].waited - pair[0].waited >= REPORT_EVERY, "{heard:?}");
    }
    for waiting in &heard {
        assert_eq!(waiting.holder.pid(), Some(first_pid));
    }
}
