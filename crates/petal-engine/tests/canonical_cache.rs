//! The canonical cache is an optimization only: the models canonicalized
//! incrementally (A cold, then B applied as a difference, partially
//! re-introspected) equal B canonicalized from scratch. And so is the cold
//! load over several sessions, with foreign keys inline: it builds what
//! the plain DDL script builds.

use std::collections::BTreeMap;
use std::path::PathBuf;

use petal_engine::canonical::{ColdLoad, Declared, Route, canonicalize};
use petal_ir::Database;
use petal_ir::arbitrary::database_pair;
use petal_sql::SqlFiles;
use petal_syntax::ScannedModels;
use proptest::prelude::*;

#[allow(dead_code)] // `built` is the other tests'
mod common;

use common::settings;

fn scanned(db: &Database) -> Declared {
    Declared {
        models: ScannedModels {
            database: db.clone(),
            locations: BTreeMap::new(),
            unread: Vec::new(),
        },
        sql: SqlFiles::default(),
    }
}

proptest! {
    #![proptest_config(common::config(4, 40))]

    #[test]
    fn incremental_equals_cold((a, b) in database_pair()) {
        let runtime = common::runtime()?;
        let warm_dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let cold_dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (warm, cold) = runtime.block_on(async {
            let warm_settings = settings(warm_dir.path().to_path_buf());
            canonicalize(&warm_settings, &scanned(&a)).await?;
            let warm = canonicalize(&warm_settings, &scanned(&b)).await?;
            let again = canonicalize(&warm_settings, &scanned(&b)).await?;
            let cold_settings = settings(cold_dir.path().to_path_buf());
            let cold = canonicalize(&cold_settings, &scanned(&b)).await?;
            assert_eq!(again.route, Route::Cached, "an unchanged run sends no statement");
            assert_eq!(warm.database, again.database, "an unchanged run returns the cache");
            common::drop_cache(&warm_settings).await;
            common::drop_cache(&cold_settings).await;
            Ok::<_, petal_engine::EngineError>((warm, cold))
        }).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(matches!(cold.route, Route::Rebuilt(_)));
        prop_assert!(
            !matches!(warm.route, Route::Rebuilt(_)),
            "the second run applied the difference in place"
        );
        prop_assert_eq!(&warm.database, &cold.database);
    }

    #[test]
    fn the_concurrent_load_builds_what_the_script_builds((a, _b) in database_pair()) {
        let runtime = common::runtime()?;
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (loaded, scripted) = runtime.block_on(async {
            let settings = settings(dir.path().to_path_buf());
            let loaded = canonicalize(&settings, &scanned(&a))
                .await
                .map_err(|e| e.to_string())?;
            common::drop_cache(&settings).await;
            let script = petal_diff::render_schema(&a)
                .into_iter()
                .map(|s| s.sql)
                .collect::<Vec<_>>()
                .join("\n");
            let scripted = built(&script).await.map_err(|e| e.to_string())?;
            Ok::<_, String>((loaded, scripted))
        }).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(
            loaded.route,
            Route::Rebuilt(ColdLoad::Concurrent),
            "the concurrent load went through"
        );
        prop_assert_eq!(&loaded.database, &scripted);
    }
}

/// Keys the generator does not make: to a unique index (which exists only
/// after its table's `CREATE TABLE`), of the table itself and of another,
/// and to a unique index beside a deferrable unique constraint on the same
/// columns (which no key may reference).
#[tokio::test]
async fn keys_to_unique_indexes_load_like_the_script() {
    let scripted = built(
        "CREATE TABLE node (id int PRIMARY KEY, code text NOT NULL, parent_code text);
             CREATE UNIQUE INDEX node_code_idx ON node (code);
             ALTER TABLE node ADD CONSTRAINT node_parent_fkey
                 FOREIGN KEY (parent_code) REFERENCES node (code);
             CREATE TABLE edge (id int PRIMARY KEY, node_code text
                 REFERENCES node (code) ON DELETE CASCADE);
             CREATE TABLE a (id int PRIMARY KEY, b_id int);
             CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
             ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b;
             CREATE TABLE slot (id int PRIMARY KEY, code int, next_code int,
                 CONSTRAINT slot_code_key UNIQUE (code) DEFERRABLE);
             CREATE UNIQUE INDEX slot_code_idx ON slot (code);
             ALTER TABLE slot ADD FOREIGN KEY (next_code) REFERENCES slot (code);",
    )
    .await
    .expect("the schema");
    let loaded = cold(&scripted).await;
    assert_eq!(
        loaded.route,
        Route::Rebuilt(ColdLoad::Concurrent),
        "the concurrent load went through"
    );
    assert_eq!(loaded.database, scripted);
}

/// Table `t`'s array type is `_t`, and serial columns `a.b_id` and
/// `a_b.id` both want the sequence `a_b_id_seq`: created at the same moment
/// in two sessions, they would collide. The load orders them, and builds
/// what the script builds.
#[tokio::test]
async fn tables_wanting_one_name_are_not_created_at_once() {
    // In dependency order `_t0` and `t0` come one after the other, as do
    // `a` and `a_b`: two sessions would create them at once.
    let scripted = built(
        "CREATE TABLE p0 (id int PRIMARY KEY);
             CREATE TABLE t0 (id int PRIMARY KEY, p0_id int REFERENCES p0);
             CREATE TABLE _t0 (id int PRIMARY KEY, p0_id int REFERENCES p0);
             CREATE TABLE a (id int PRIMARY KEY, b_id serial);
             CREATE TABLE a_b (id serial PRIMARY KEY);",
    )
    .await
    .expect("the schema");
    for _ in 0..4 {
        let loaded = cold(&scripted).await;
        assert_eq!(
            loaded.route,
            Route::Rebuilt(ColdLoad::Concurrent),
            "no race: the clashing tables wait"
        );
        assert_eq!(loaded.database, scripted);
    }
}

/// `db` as models, canonicalized cold in a project of their own.
async fn cold(db: &Database) -> petal_engine::canonical::Canonical {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = settings(dir.path().to_path_buf());
    let loaded = canonicalize(&settings, &scanned(db)).await;
    common::drop_cache(&settings).await;
    loaded.expect("canonicalize")
}

/// Three states of one table: `n` an `integer`, then a `bigint`, then an
/// `integer` with a default (from `a`, only a default away).
fn three_states() -> (Database, Database, Database) {
    let schema = |sql: &str| {
        common::runtime()
            .expect("runtime")
            .block_on(built(sql))
            .expect("the schema")
    };
    (
        schema("CREATE TABLE t (id integer PRIMARY KEY, n integer)"),
        schema("CREATE TABLE t (id integer PRIMARY KEY, n bigint)"),
        schema("CREATE TABLE t (id integer PRIMARY KEY, n integer DEFAULT 5)"),
    )
}

/// The cache's record is written behind the answer. A run that ends before
/// it is written (the binary killed, a caller that never settles) leaves
/// no record of the state it left behind: the next run rebuilds, and does
/// not apply a difference from the last record onto a database that has
/// moved on (`n` was made `bigint` by the lost run: a difference from the
/// record, `integer` to `integer DEFAULT 5`, would only set the default).
#[test]
fn a_run_ending_before_its_record_is_written_costs_a_rebuild_only() {
    let runtime = || common::runtime().expect("runtime");
    let (a, b, c) = three_states();
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = settings(dir.path().to_path_buf());
    runtime().block_on(async {
        canonicalize(&settings, &scanned(&a))
            .await
            .expect("a, cold");
        petal_engine::canonical::settle().await;
    });
    // `b` applied in place; the runtime ends with the record's write not
    // yet begun.
    let lost = runtime().block_on(canonicalize(&settings, &scanned(&b)));
    assert_eq!(lost.expect("b, warm").route, Route::Updated);
    let next = runtime().block_on(async {
        let next = canonicalize(&settings, &scanned(&c)).await;
        petal_engine::canonical::settle().await;
        common::drop_cache(&settings).await;
        next.expect("c")
    });
    assert!(matches!(next.route, Route::Rebuilt(_)), "{:?}", next.route);
    assert_eq!(next.database, c);
}

/// In a project with a `.petal/` directory, the record's payload is a file
/// there, taken only when the database's comment names it. A file of
/// another state put back (a copy restored, a checkout moved between dev
/// servers) costs a rebuild: taken, it would apply the difference from `a`
/// to `c` (a default only) onto a database at `b`, and leave `n` a
/// `bigint`. (The other tests' projects have none: their state is in the
/// comment.)
#[test]
fn a_payload_file_of_another_state_costs_a_rebuild_only() {
    let runtime = || common::runtime().expect("runtime");
    let (a, b, c) = three_states();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".petal")).expect("the project's .petal");
    let settings = settings(dir.path().to_path_buf());
    let payload = dir.path().join(".petal/canonical").join(format!(
        "{}.json",
        petal_engine::canonical::cache_db_name(&settings)
    ));
    let (routes, next) = runtime().block_on(async {
        let mut routes = Vec::new();
        for db in [&a, &b] {
            let run = canonicalize(&settings, &scanned(db)).await.expect("a run");
            petal_engine::canonical::settle().await;
            routes.push(run.route);
            if db == &a {
                std::fs::copy(&payload, payload.with_extension("a")).expect("a's payload");
            }
        }
        std::fs::copy(payload.with_extension("a"), &payload).expect("a's payload back");
        let next = canonicalize(&settings, &scanned(&c)).await;
        petal_engine::canonical::settle().await;
        common::drop_cache(&settings).await;
        (routes, next.expect("c"))
    });
    assert!(matches!(routes[0], Route::Rebuilt(_)), "{routes:?}");
    assert_eq!(routes[1], Route::Updated, "{routes:?}");
    assert!(matches!(next.route, Route::Rebuilt(_)), "{:?}", next.route);
    assert_eq!(next.database, c);
}

/// The models' tables changed under the SQL files' objects: a view reading
/// a table that gains a column and loses another, a view over that view, a
/// materialized view with an index, a trigger, a sequence owned by a
/// column, a function whose body (14+) reads a table, and a foreign key
/// that now points at a table the views read. Applied in place, the tables
/// and what stands on them read again (a near read), the canonical IR is
/// the one a rebuild reads.
#[test]
fn a_warm_run_under_sql_files_reads_what_a_rebuild_reads() {
    let runtime = || common::runtime().expect("runtime");
    let schema = |sql: &str| runtime().block_on(built(sql)).expect("the schema");
    let a = schema(
        "CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, note text);
         CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer, total numeric(12,2));
         CREATE TABLE audit (id integer PRIMARY KEY, at timestamptz);",
    );
    let b = schema(
        "CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, email text);
         COMMENT ON COLUMN customers.email IS 'where receipts go';
         CREATE TABLE orders (id integer PRIMARY KEY,
             customer_id integer REFERENCES customers (id), total numeric(12,2) DEFAULT 0);
         CREATE INDEX orders_total ON orders (total);
         CREATE TABLE audit (id integer PRIMARY KEY, at timestamptz);",
    );
    let version = runtime().block_on(async {
        let server = petal_testkit::server().expect("test server");
        let client = petal_pg::connect(&server.admin).await.expect("connect");
        let row = client
            .query_one("SELECT current_setting('server_version_num')::int4", &[])
            .await
            .expect("version");
        row.get::<_, i32>(0)
    });
    let mut sql = String::from(
        "CREATE VIEW customer_names AS SELECT id, name FROM customers;
         CREATE VIEW big_orders AS
             SELECT o.id, c.name FROM orders o JOIN customer_names c ON c.id = o.customer_id
             WHERE o.total > 100;
         CREATE MATERIALIZED VIEW order_totals AS
             SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
         CREATE INDEX order_totals_customer ON order_totals (customer_id);
         CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TRIGGER customers_touch BEFORE UPDATE ON customers
             FOR EACH ROW EXECUTE FUNCTION touch();
         CREATE FUNCTION no_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
         CREATE TRIGGER customer_names_no_write INSTEAD OF INSERT ON customer_names
             FOR EACH ROW EXECUTE FUNCTION no_write();
         CREATE SEQUENCE audit_numbers OWNED BY audit.id;
         CREATE VIEW audit_days AS SELECT date_trunc('day', at) AS day FROM audit;\n",
    );
    if version >= 140000 {
        sql.push_str(
            "CREATE FUNCTION order_count(c integer) RETURNS bigint LANGUAGE sql
             BEGIN ATOMIC SELECT count(*) FROM orders WHERE customer_id = c; END;\n",
        );
    }
    let files =
        petal_sql::read_sql(&[(PathBuf::from("sql/objects.sql"), sql)]).expect("the SQL files");
    let declared = |db: &Database| Declared {
        sql: files.clone(),
        ..scanned(db)
    };
    let warm_dir = tempfile::tempdir().expect("tempdir");
    let cold_dir = tempfile::tempdir().expect("tempdir");
    let (warm, cold) = runtime().block_on(async {
        let warm_settings = settings(warm_dir.path().to_path_buf());
        canonicalize(&warm_settings, &declared(&a))
            .await
            .expect("a, cold");
        petal_engine::canonical::settle().await;
        let warm = canonicalize(&warm_settings, &declared(&b)).await;
        petal_engine::canonical::settle().await;
        let cold_settings = settings(cold_dir.path().to_path_buf());
        let cold = canonicalize(&cold_settings, &declared(&b)).await;
        petal_engine::canonical::settle().await;
        common::drop_cache(&warm_settings).await;
        common::drop_cache(&cold_settings).await;
        (warm.expect("b, warm"), cold.expect("b, cold"))
    });
    assert_eq!(warm.route, Route::Updated);
    assert!(matches!(cold.route, Route::Rebuilt(_)), "{:?}", cold.route);
    let fk = petal_ir::ObjectKey::constraint(
        &petal_ir::QualifiedName::new("public", "orders"),
        "orders_customer_id_fkey",
    );
    assert!(
        cold.database.dependencies.iter().any(|e| e.dependent == fk),
        "the rebuild reads the new key's edges"
    );
    assert_eq!(warm.database.views, cold.database.views);
    assert_eq!(warm.database.triggers, cold.database.triggers);
    assert_eq!(warm.database.sequences, cold.database.sequences);
    let only_warm: Vec<_> = warm
        .database
        .dependencies
        .difference(&cold.database.dependencies)
        .collect();
    let only_cold: Vec<_> = cold
        .database
        .dependencies
        .difference(&warm.database.dependencies)
        .collect();
    assert!(
        only_warm.is_empty() && only_cold.is_empty(),
        "edges only warm: {only_warm:#?}\nedges only cold: {only_cold:#?}"
    );
    assert_eq!(warm.database, cold.database);
}

/// A schema as the canonicalizer reads one: with its privileges.
async fn built(sql: &str) -> Result<Database, String> {
    let opts = petal_pg::IntrospectOptions {
        privileges: true,
        ..Default::default()
    };
    common::built_with(sql, &opts).await
}
