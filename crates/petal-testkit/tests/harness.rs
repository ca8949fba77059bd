use petal_testkit::TestDb;

#[tokio::test]
async fn each_test_gets_its_own_fresh_database_dropped_afterwards() {
    let a = TestDb::new().await;
    let b = TestDb::new().await;
    assert_ne!(a.name(), b.name());
    a.client()
        .batch_execute("CREATE TABLE only_in_a (id int)")
        .await
        .unwrap();
    let in_b: i64 = b
        .client()
        .query_one(
            "SELECT count(*) FROM pg_catalog.pg_class WHERE relname = 'only_in_a'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(in_b, 0);
    // The URL is one petal's own parser accepts, and leads to the same database.
    let parsed = petal_pg::ConnConfig::parse(&a.url()).unwrap();
    let again = petal_pg::connect(&parsed).await.unwrap();
    let current: String = again
        .query_one("SELECT current_database()", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(current, a.name());

    let a_name = a.name().to_string();
    drop(a);
    let left: i64 = b
        .client()
        .query_one(
            "SELECT count(*) FROM pg_catalog.pg_database WHERE datname = $1",
            &[&a_name],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "the dropped TestDb's database is gone");
}

#[tokio::test]
async fn the_server_runs_with_durability_off() {
    let db = TestDb::new().await;
    let fsync: String = db
        .client()
        .query_one("SHOW fsync", &[])
        .await
        .unwrap()
        .get(0);
    if std::env::var_os(petal_testkit::TEST_DATABASE_URL_VAR).is_none() {
        assert_eq!(fsync, "off");
    }
}
