//! `#[petal::test]`: each test gets a database of its own, at head with the
//! embedded migrations, on the test server (`PETAL_TEST_DATABASE_URL`,
//! `DATABASE_URL`, else the embedded cluster of the petal project above,
//! this repository's), and it is dropped afterwards.

use petal::runner::TestDatabase;

async fn count(db: &TestDatabase, sql: &str) -> i64 {
    let client = db.connect().await.unwrap_or_else(|e| panic!("{e}"));
    client
        .query_one(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get(0)
}

#[petal::test]
async fn a_test_database_is_at_head(db: TestDatabase) {
    assert_eq!(count(&db, "SELECT count(*) FROM runs").await, 3);
    assert_eq!(count(&db, "SELECT count(*) FROM petal_migrations").await, 3);
}

/// A test may return a `Result`, and use `?`.
#[petal::test]
async fn a_test_may_return_a_result(db: TestDatabase) -> Result<(), petal::runner::RunnerError> {
    let client = db.connect().await?;
    let revisions: i64 = client
        .query_one("SELECT count(*) FROM petal_migrations", &[])
        .await
        .map_err(|e| petal::runner::RunnerError::query("counting", e))?
        .get(0);
    assert_eq!(revisions, 3);
    Ok(())
}

/// The one account of a test's own database: a unique email no other test
/// can have taken.
async fn insert_the_only_account(db: &TestDatabase) {
    let client = db.connect().await.unwrap_or_else(|e| panic!("{e}"));
    client
        .execute("INSERT INTO accounts (email) VALUES ('a@example.com')", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(count(db, "SELECT count(*) FROM accounts").await, 1);
}

/// Two tests writing the same unique value do not meet: each has its own
/// database (run in parallel by the test harness).
#[petal::test(migrations = "migrations")]
async fn each_test_has_its_own_database(db: TestDatabase) {
    insert_the_only_account(&db).await;
}

#[petal::test]
async fn each_test_has_its_own_database_too(db: TestDatabase) {
    insert_the_only_account(&db).await;
}

/// The function form, on a server of one's choosing: the database is gone
/// once the value is dropped.
#[tokio::test(flavor = "multi_thread")]
async fn the_database_is_dropped_afterwards() {
    static MIGRATIONS: petal::runner::EmbeddedMigrations = petal::migrate!();
    // Starting the test cluster blocks (initdb the first time).
    let server = match tokio::task::spawn_blocking(|| petal_testkit::server().cloned()).await {
        Ok(Ok(server)) => server,
        Ok(Err(e)) => panic!("{e}"),
        Err(e) => panic!("{e}"),
    };
    let db = TestDatabase::at_head_on(&server.admin, &MIGRATIONS)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let name = db.name().to_string();
    assert_eq!(count(&db, "SELECT count(*) FROM runs").await, 3);
    drop(db);
    let admin = petal_pg::connect(&server.admin)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let left: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .get(0);
    assert_eq!(left, 0, "{name} is dropped");
}

/// A test that panics fails, and its database is dropped all the same.
#[test]
fn a_failed_test_drops_its_database_too() {
    static MIGRATIONS: petal::runner::EmbeddedMigrations = petal::migrate!();
    let name = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let seen = name.clone();
    let outcome = std::panic::catch_unwind(move || {
        petal::runner::testing::run_test(
            env!("CARGO_MANIFEST_DIR"),
            &MIGRATIONS,
            |db| async move {
                if let Ok(mut name) = seen.lock() {
                    *name = db.name().to_string();
                }
                assert!(db.name().is_empty(), "the test fails");
            },
        );
    });
    assert!(outcome.is_err(), "the test's panic reaches the harness");
    let name = name.lock().map(|n| n.clone()).unwrap_or_default();
    assert!(name.starts_with("petal_test_"), "{name:?}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let left: i64 = runtime.block_on(async {
        let server = petal::runner::testing::test_server()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let admin = petal_pg::connect(&server)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        admin
            .query_one(
                "SELECT count(*) FROM pg_database WHERE datname = $1",
                &[&name],
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .get(0)
    });
    assert_eq!(left, 0, "{name} is dropped after the failed test");
}
