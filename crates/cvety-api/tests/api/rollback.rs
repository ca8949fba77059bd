//! The API on other revisions' schemas: the whole suite after `downgrade -1`
//! and `upgrade head` (rollback and re-apply leave a working schema), and
//! the money-handling suites on the first revision (money as `float8`).

use petal_engine::migrate::Operation;
use petal_testkit::TestDb;

use crate::harness::{self, Api};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suite_after_downgrade_and_upgrade() {
    let db = TestDb::new().await;
    let graph = harness::graph();
    harness::migrate(&db, &graph, Operation::Upgrade, "head").await;
    harness::migrate(&db, &graph, Operation::Downgrade, "-1").await;
    harness::migrate(&db, &graph, Operation::Upgrade, "head").await;
    let api = Api::serve(db).await;
    crate::orders::suite(&api).await;
    empty_tables(&api).await;
    crate::customers::suite(&api).await;
    empty_tables(&api).await;
    crate::warehouse::suite(&api).await;
    empty_tables(&api).await;
    crate::production::suite(&api).await;
    empty_tables(&api).await;
    crate::products::suite(&api).await;
    empty_tables(&api).await;
    crate::reports::suite(&api).await;
    empty_tables(&api).await;
    crate::settings::suite(&api).await;
    empty_tables(&api).await;
    crate::users::suite(&api).await;
    empty_tables(&api).await;
    crate::errors::suite(&api).await;
}

/// Money is `double precision` at the first revision and `numeric` at
/// head: the orders, warehouse and products suites (which need no users)
/// pass on the first revision too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_as_double_precision_at_the_first_revision() {
    let db = TestDb::new().await;
    let graph = harness::graph();
    let first = match graph.bases().first() {
        Some(base) => base.to_string(),
        None => panic!("no base revision"),
    };
    harness::migrate(&db, &graph, Operation::Upgrade, &first).await;
    let money_type = db
        .client()
        .query_one("SELECT data_type FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'total'", &[])
        .await
        .map(|row| row.get::<_, String>(0));
    assert_eq!(money_type.ok().as_deref(), Some("double precision"));
    let api = Api::serve_unchecked(db).await;
    crate::orders::suite(&api).await;
    empty_tables(&api).await;
    crate::warehouse::suite(&api).await;
    empty_tables(&api).await;
    crate::products::suite(&api).await;
}

/// Empties every table but petal's log, so each suite's counts hold: the
/// suites assert totals of lists, written for a fresh database.
async fn empty_tables(api: &Api) {
    let sql = "DO $$ BEGIN EXECUTE (SELECT 'TRUNCATE ' || string_agg(format('%I.%I', schemaname, tablename), ', ') \
               || ' RESTART IDENTITY CASCADE' FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('petal_migrations', 'petal_migration_steps')); END $$";
    if let Err(e) = api.db.client().batch_execute(sql).await {
        panic!("emptying the tables: {e}");
    }
}
