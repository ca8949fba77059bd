//! The online recipes through the binary: `petal revision --autogenerate
//! --online` writes concurrent index builds in steps outside a
//! transaction, `NOT VALID` constraints validated in later steps and `SET
//! NOT NULL` over a validated check (on 18, the NOT NULL constraint itself
//! added `NOT VALID`); a file that needs a newer server is refused before
//! anything runs; `upgrade` and `downgrade` run them
//! with rows present and converge; a concurrent build that hit
//! `lock_timeout` leaves an invalid index, which the step's next attempt
//! removes before building again.

use std::time::{Duration, Instant};

use crate::support::process::{finish, petal_command};
use crate::support::{Project, migration_file};

const SHOP: &str = r#"use petal::Table;

#[derive(Table)]
#[petal(table = "customers")]
pub struct Customer {
    #[petal(primary_key)]
    pub id: i64,
    pub email: Option<String>,
}

#[derive(Table)]
#[petal(table = "orders")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub qty: i32,
    pub code: Option<String>,
}
"#;

/// The same models with an index, a unique key, a check, a foreign key and
/// a NOT NULL added: every online recipe at once.
fn shop_v2() -> String {
    SHOP.replace(
        "#[petal(table = \"orders\")]",
        "#[petal(table = \"orders\")]\n\
         #[petal(index(name = \"orders_code_idx\", columns(code)))]\n\
         #[petal(check(name = \"orders_qty_positive\", expr = \"qty > 0\"))]",
    )
    .replace(
        "    pub customer_id: i64,",
        "    #[petal(references = \"public.customers.id\")]\n    pub customer_id: i64,",
    )
    .replace(
        "    pub email: Option<String>,",
        "    #[petal(unique)]\n    pub email: String,",
    )
}

#[tokio::test]
async fn online_revision_runs_up_and_down_with_rows() {
    let project = Project::new().await;
    let client = project.client();
    project.write("models/shop.rs", SHOP);
    project.generate_and_apply("shop");
    client
        .batch_execute(
            "INSERT INTO customers SELECT g, 'c' || g || '@x.kz' FROM generate_series(1, 500) g;
             INSERT INTO orders SELECT g, 1 + g % 500, 1 + g % 3, 'k' || g
               FROM generate_series(1, 2000) g;",
        )
        .await
        .unwrap_or_else(|e| panic!("rows: {e}"));
    project.write("models/shop.rs", &shop_v2());
    let revision = project.petal(&["revision", "--autogenerate", "--online", "-m", "keys"]);
    // The summary labels the changes as the file writes them: the index
    // built concurrently, not under the plain build's SHARE.
    revision
        .assert_ok()
        .assert_mentions("impact: public.orders SHARE UPDATE EXCLUSIVE");
    assert!(
        !revision
            .output()
            .contains("public.orders SHARE (blocks writes)"),
        "the summary labels the plain statements:\n{}",
        revision.output()
    );
    let file = project.read(&project.migration("keys"));
    // SET NOT NULL: over a validated check before PostgreSQL 18, the NOT
    // NULL constraint itself added NOT VALID from 18 on, which the header
    // then requires.
    let version: i32 = client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .unwrap_or_else(|e| panic!("server version: {e}"))
        .get(0);
    let not_null: &[&str] = if version >= 180000 {
        &[
            "-- petal requires: PostgreSQL 18\n",
            "ADD CONSTRAINT \"customers_email_not_null\" NOT NULL \"email\" NOT VALID;",
            "VALIDATE CONSTRAINT \"customers_email_not_null\";",
        ]
    } else {
        &[
            "CHECK (\"email\" IS NOT NULL) NOT VALID;",
            "ALTER COLUMN \"email\" SET NOT NULL;",
        ]
    };
    for expected in not_null {
        assert!(file.contains(expected), "missing {expected:?} in:\n{file}");
    }
    assert_eq!(
        file.contains("-- petal requires:"),
        version >= 180000,
        "the header names PostgreSQL 18 exactly when the file needs it:\n{file}"
    );
    for expected in [
        // Its down undoes the whole revision, not each step of the up.
        "-- +petal down unpaired\n",
        "-- +petal step no-transaction",
        "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"orders_code_idx\";",
        "CREATE INDEX CONCURRENTLY \"orders_code_idx\"",
        "CREATE UNIQUE INDEX CONCURRENTLY \"customers_email_key\"",
        "UNIQUE USING INDEX \"customers_email_key\"",
        "CHECK ((qty > 0)) NOT VALID;",
        "REFERENCES \"public\".\"customers\" (\"id\") NOT VALID;",
        "VALIDATE CONSTRAINT \"orders_qty_positive\";",
        "-- impact: public.orders SHARE UPDATE EXCLUSIVE (reads and writes go on)",
    ] {
        assert!(file.contains(expected), "missing {expected:?} in:\n{file}");
    }
    assert!(
        !file.contains("CREATE INDEX \"orders_code_idx\""),
        "a plain build in an online file:\n{file}"
    );
    // `upgrade --sql` prints the steps outside a transaction without BEGIN.
    let script = project.petal(&["upgrade", "--sql", "head"]);
    script.assert_ok();
    let sql = script.output();
    let build = sql
        .find("CREATE INDEX CONCURRENTLY")
        .expect("the build in the script");
    let begin_before = sql[..build].rfind("BEGIN;").unwrap_or(0);
    let commit_before = sql[..build].rfind("COMMIT;").unwrap_or(0);
    assert!(
        commit_before > begin_before,
        "the concurrent build sits inside BEGIN ... COMMIT:\n{sql}"
    );

    project.petal(&["upgrade", "head"]).assert_ok();
    project.petal(&["check"]).assert_ok();
    let invalid: i64 = client
        .query_one("SELECT count(*) FROM pg_index WHERE NOT indisvalid", &[])
        .await
        .unwrap_or_else(|e| panic!("pg_index: {e}"))
        .get(0);
    assert_eq!(invalid, 0, "an invalid index was left behind");
    let rows: i64 = client
        .query_one("SELECT count(*) FROM orders", &[])
        .await
        .unwrap_or_else(|e| panic!("orders: {e}"))
        .get(0);
    assert_eq!(rows, 2000);
    let added = online_objects(client).await;
    assert_eq!(added.len(), 6, "{added:?}");
    assert!(
        added.iter().all(|o| !o.ends_with(" false")),
        "a constraint left NOT VALID: {added:?}"
    );
    project.petal(&["downgrade", "-1"]).assert_ok();
    assert_eq!(online_objects(client).await, Vec::<String>::new());
    project.petal(&["upgrade", "head"]).assert_ok();
    project.petal(&["check"]).assert_ok();
}

/// What the online revision adds, as the catalogs name it: indexes,
/// constraints other than the primary keys, and NOT NULL on email.
async fn online_objects(client: &tokio_postgres::Client) -> Vec<String> {
    client
        .query(
            "SELECT 'index ' || indexrelid::regclass::text FROM pg_index
              WHERE indrelid IN ('orders'::regclass, 'customers'::regclass) AND NOT indisprimary
             UNION ALL
             SELECT 'constraint ' || conname || ' ' || convalidated FROM pg_constraint
              WHERE conrelid IN ('orders'::regclass, 'customers'::regclass) AND contype <> 'p'
                AND contype <> 'n'
             UNION ALL
             SELECT 'not null ' || attname FROM pg_attribute
              WHERE attrelid = 'customers'::regclass AND attname = 'email' AND attnotnull
             ORDER BY 1",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("catalogs: {e}"))
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// A concurrent build waits for every transaction older than it; one that
/// stays open past `lock_timeout` makes it fail, leaving an invalid index.
/// The runner tries the step again, and its first statement removes what
/// the failed build left.
#[tokio::test]
async fn a_concurrent_build_that_timed_out_is_removed_and_built_again() {
    let project = Project::new().await;
    let client = project.client();
    let base = "20260101000000";
    let rev = "20260101000001";
    project.write(
        &format!("migrations/{base}_kept.sql"),
        &migration_file(
            base,
            &[],
            "kept",
            "CREATE TABLE kept (id int PRIMARY KEY, v text);\n\
             INSERT INTO kept SELECT g, 'v' || g FROM generate_series(1, 20000) g;",
            "DROP TABLE kept;",
        ),
    );
    project.petal(&["upgrade"]).assert_ok();
    let build = migration_file(
        rev,
        &[base],
        "index",
        "-- +petal step no-transaction\n\
         DROP INDEX CONCURRENTLY IF EXISTS kept_v_idx;\n\
         CREATE INDEX CONCURRENTLY kept_v_idx ON kept (v);",
        "-- +petal step no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS kept_v_idx;",
    )
    .replace(
        "-- petal message: index\n",
        "-- petal message: index\n-- +petal lock-timeout 500ms\n",
    );
    project.write(&format!("migrations/{rev}_index.sql"), &build);

    // An old snapshot the build must wait for.
    let holder = project.connect().await;
    holder
        .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM pg_class;")
        .await
        .unwrap_or_else(|e| panic!("holding a snapshot: {e}"));
    let args = ["upgrade"];
    let child = petal_command(project.root(), &args, &[])
        .spawn()
        .unwrap_or_else(|e| panic!("starting petal: {e}"));
    // The first attempt failed when petal's sessions are idle, pausing
    // before the next attempt, with the index there and invalid (during
    // the build, it is invalid too, but the session is active).
    let started = Instant::now();
    loop {
        let row = client
            .query_one(
                "SELECT count(*) FILTER (WHERE state = 'idle')
                          - count(*) FILTER (WHERE state <> 'idle'),
                        (SELECT count(*) FROM pg_index WHERE NOT indisvalid
                           AND indexrelid = to_regclass('kept_v_idx'))
                 FROM pg_stat_activity
                 WHERE datname = current_database() AND application_name = 'petal'",
                &[],
            )
            .await
            .unwrap_or_else(|e| panic!("pg_stat_activity: {e}"));
        let (idle_after_build, invalid): (i64, i64) = (row.get(0), row.get(1));
        if idle_after_build > 0 && invalid > 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the build never failed on its lock timeout"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    holder
        .batch_execute("COMMIT")
        .await
        .unwrap_or_else(|e| panic!("releasing the snapshot: {e}"));
    let run = finish(child, &args);
    run.assert_ok().assert_mentions("lock");
    let indexes: Vec<(String, bool)> = client
        .query(
            "SELECT c.relname::text, i.indisvalid FROM pg_index i
               JOIN pg_class c ON c.oid = i.indexrelid
              WHERE i.indrelid = 'kept'::regclass ORDER BY 1",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("pg_index: {e}"))
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        indexes,
        [
            ("kept_pkey".to_string(), true),
            ("kept_v_idx".to_string(), true)
        ]
    );
    project.petal(&["status"]).assert_ok().assert_mentions(rev);
}

/// An index the models mark `concurrently` is built (and its down dropped)
/// so, in a plain revision whose other changes stay plain; the mark is no
/// difference for `check`.
#[tokio::test]
async fn an_index_marked_concurrently_is_built_so_in_a_plain_revision() {
    let project = Project::new().await;
    project.write("models/shop.rs", SHOP);
    project.generate_and_apply("shop");
    project.write(
        "models/shop.rs",
        &SHOP.replace(
            "#[petal(table = \"orders\")]",
            "#[petal(table = \"orders\")]\n\
             #[petal(index(name = \"orders_code_idx\", columns(code), concurrently))]\n\
             #[petal(check(name = \"orders_qty_positive\", expr = \"qty > 0\"))]",
        ),
    );
    project
        .petal(&["revision", "--autogenerate", "-m", "marked"])
        .assert_ok();
    let file = project.read(&project.migration("marked"));
    for expected in [
        "-- +petal step no-transaction",
        "CREATE INDEX CONCURRENTLY \"orders_code_idx\"",
        "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"orders_code_idx\";",
        "CHECK ((qty > 0));",
    ] {
        assert!(file.contains(expected), "missing {expected:?} in:\n{file}");
    }
    assert!(
        !file.contains("NOT VALID"),
        "a plain revision went online:\n{file}"
    );
    project.petal(&["upgrade", "head"]).assert_ok();
    project
        .petal(&["check"])
        .assert_ok()
        .assert_mentions("agree");
    project.petal(&["downgrade", "-1"]).assert_ok();
    project.petal(&["upgrade", "head"]).assert_ok();
}

/// A file written for a newer server than the target (`-- petal requires:`)
/// is refused before anything of the plan runs, with what to do.
#[tokio::test]
async fn a_file_for_a_newer_server_is_refused_before_anything_runs() {
    let project = Project::new().await;
    let client = project.client();
    let (first, second) = ("20260101000000", "20260101000001");
    project.write(
        &format!("migrations/{first}_kept.sql"),
        &migration_file(
            first,
            &[],
            "kept",
            "CREATE TABLE kept (id int);",
            "DROP TABLE kept;",
        ),
    );
    let newer = migration_file(second, &[first], "future", "SELECT 1;", "SELECT 1;").replace(
        "-- petal message: future\n",
        "-- petal message: future\n-- petal requires: PostgreSQL 99\n",
    );
    // A quote, a `%` and a dollar tag in the name: the script's guard
    // quotes them.
    project.write(&format!("migrations/{second}_fut'ure%s$petal$.sql"), &newer);
    project
        .petal(&["upgrade", "head"])
        .assert_code(2)
        .assert_mentions(&format!(
            "{second}_fut'ure%s$petal$.sql needs PostgreSQL 99 or later"
        ))
        .assert_mentions("nothing ran");
    let kept: i64 = client
        .query_one("SELECT count(*) FROM pg_class WHERE relname = 'kept'", &[])
        .await
        .unwrap_or_else(|e| panic!("pg_class: {e}"))
        .get(0);
    assert_eq!(kept, 0, "the first revision ran before the refusal");
    // The offline script stops the same way, before the first revision.
    let script = project.petal(&["upgrade", "--sql", "head"]);
    script.assert_ok();
    let err = client
        .batch_execute(&script.output())
        .await
        .expect_err("the script refuses this server");
    let said = petal_pg::error::describe(&err);
    assert!(
        said.contains("_fut'ure%s$petal$.sql needs PostgreSQL 99 or later"),
        "{said}"
    );
    let kept: i64 = client
        .query_one("SELECT count(*) FROM pg_class WHERE relname = 'kept'", &[])
        .await
        .unwrap_or_else(|e| panic!("pg_class: {e}"))
        .get(0);
    assert_eq!(
        kept, 0,
        "the script ran the first revision before the guard"
    );
}

/// A statement of a step outside a transaction fails: the message says what
/// of the step ran and stays, that the step is not recorded, and that the
/// next run starts the step again from its first statement, which it does.
#[tokio::test]
async fn a_failed_step_outside_a_transaction_says_what_stays() {
    let project = Project::new().await;
    let client = project.client();
    let rev = "20260101000000";
    let path = format!("migrations/{rev}_index.sql");
    let file = |second: &str| {
        migration_file(
            rev,
            &[],
            "index",
            &format!(
                "CREATE TABLE kept (id int PRIMARY KEY, v text);\n\n\
                 -- +petal step no-transaction\n\
                 CREATE INDEX CONCURRENTLY IF NOT EXISTS kept_v_idx ON kept (v);\n\
                 {second}"
            ),
            "DROP TABLE kept;",
        )
    };
    project.write(&path, &file("SELECT 1 / 0;"));
    let failed = project.petal(&["upgrade"]);
    failed
        .assert_code(2)
        .assert_mentions(&format!("the statements at {path}:9 ran and stay applied"))
        .assert_mentions("step 2 of 2 runs outside a transaction: nothing of it was rolled back")
        .assert_mentions("step 1 of 2 stays committed")
        .assert_mentions("`petal upgrade` runs step 2 again from its first statement");
    assert!(
        !failed.output().contains("rolled back;"),
        "{}",
        failed.output()
    );
    let index: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relname = 'kept_v_idx'",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("pg_class: {e}"))
        .get(0);
    assert_eq!(index, 1, "the statement that ran stays");
    project.write(&path, &file("SELECT 1;"));
    project.petal(&["upgrade"]).assert_ok();
    project.petal(&["current"]).assert_ok().assert_mentions(rev);
}
