//! Each online recipe proves its point on a table of 100,000 rows: a
//! writer inserting in a loop commits rows while the migration's long phase
//! (the concurrent build, the validation) runs. "While" is observed, not
//! timed: two reads of `pg_stat_activity` show petal's backend running the
//! same statement (same `query_start`), and the writer committed rows
//! between them. A phase can end before it is seen twice on a fast
//! machine; the case then goes down and up again (up to 20 times), and
//! fails only if it never was. Then the result converges: `petal check`
//! finds the database equal to the models, and the down removes it all.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::support::Project;
use crate::support::process::{finish, petal_command};

const MODELS: &str = r#"use petal::Table;

#[derive(Table)]
#[petal(table = "customers")]
pub struct Customer {
    #[petal(primary_key)]
    pub id: i64,
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

const ROWS: &str = "
    INSERT INTO customers SELECT g FROM generate_series(1, 100) g;
    INSERT INTO orders SELECT g, 1 + g % 100, 1 + g % 3, 'k' || g
      FROM generate_series(1, 100000) g;
    ANALYZE customers, orders;";

/// What one recipe needs: the edit of the models, and how its long phase
/// reads in `pg_stat_activity.query`.
struct Recipe {
    edit: fn(&str) -> String,
    long_phase: &'static str,
}

async fn writers_go_on(recipe: Recipe) {
    let project = Project::new().await;
    project.write("models/shop.rs", MODELS);
    project.generate_and_apply("shop");
    let client = project.client();
    client
        .batch_execute(ROWS)
        .await
        .unwrap_or_else(|e| panic!("rows: {e}"));
    project.write("models/shop.rs", &(recipe.edit)(MODELS));
    project
        .petal(&["revision", "--autogenerate", "--online", "-m", "online"])
        .assert_ok();

    let written = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn(write_in_a_loop(
        project.connect().await,
        Arc::clone(&written),
        Arc::clone(&stop),
    ));
    let watcher = project.connect().await;
    let mut seen = false;
    for _ in 0..20 {
        let args = ["upgrade", "head"];
        let mut child = petal_command(project.root(), &args, &[])
            .spawn()
            .unwrap_or_else(|e| panic!("starting petal: {e}"));
        let mut first: Option<(String, u64)> = None;
        while !seen {
            let row = watcher
                .query_opt(
                    "SELECT query_start::text FROM pg_stat_activity
                      WHERE datname = current_database() AND application_name = 'petal'
                        AND state = 'active' AND query LIKE $1",
                    &[&recipe.long_phase],
                )
                .await
                .unwrap_or_else(|e| panic!("pg_stat_activity: {e}"));
            let count = written.load(Ordering::SeqCst);
            match (row, &first) {
                (Some(row), None) => first = Some((row.get(0), count)),
                (Some(row), Some((started, before))) => {
                    seen = row.get::<_, String>(0) == *started && count > *before;
                }
                (None, Some(_)) => break,
                (None, None) => {}
            }
            if child.try_wait().ok().flatten().is_some() {
                break;
            }
        }
        finish(child, &args).assert_ok();
        if seen {
            break;
        }
        project.petal(&["downgrade", "-1"]).assert_ok();
    }
    stop.store(true, Ordering::SeqCst);
    let committed = writer.await.unwrap_or_else(|e| panic!("the writer: {e}"));
    assert!(
        seen,
        "the writer never committed while petal ran {:?}",
        recipe.long_phase
    );
    assert!(committed > 0, "the writer committed nothing");
    project.petal(&["check"]).assert_ok();
    let invalid: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_index WHERE NOT indisvalid
             UNION ALL SELECT count(*) FROM pg_constraint WHERE NOT convalidated
             ORDER BY 1 DESC LIMIT 1",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("catalogs: {e}"))
        .get(0);
    assert_eq!(invalid, 0, "an invalid index or constraint was left");
    // Down, the database is the first revision's again: without the
    // online one, the models of then find it equal.
    project.petal(&["downgrade", "-1"]).assert_ok();
    let online = project.migration("online");
    std::fs::remove_file(project.path(&online))
        .unwrap_or_else(|e| panic!("removing {online}: {e}"));
    project.write("models/shop.rs", MODELS);
    project.petal(&["check"]).assert_ok();
}

/// Inserts one order per transaction until told to stop; counts commits.
async fn write_in_a_loop(
    client: tokio_postgres::Client,
    written: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
) -> u64 {
    let mut id: i64 = 1_000_000;
    let started = Instant::now();
    while !stop.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(600) {
        id += 1;
        let code = format!("w{id}");
        let done = client
            .execute(
                "INSERT INTO orders (id, customer_id, qty, code) VALUES ($1, 1, 1, $2)",
                &[&id, &code],
            )
            .await;
        if done.is_ok() {
            written.fetch_add(1, Ordering::SeqCst);
        }
    }
    written.load(Ordering::SeqCst)
}

fn on_orders(models: &str, attribute: &str) -> String {
    models.replace(
        "#[petal(table = \"orders\")]",
        &format!("#[petal(table = \"orders\")]\n{attribute}"),
    )
}

#[tokio::test]
async fn writers_go_on_during_a_concurrent_index_build() {
    writers_go_on(Recipe {
        edit: |m| {
            on_orders(
                m,
                "#[petal(index(name = \"orders_code_idx\", columns(code)))]",
            )
        },
        long_phase: "CREATE INDEX CONCURRENTLY \"orders_code_idx\"%",
    })
    .await;
}

#[tokio::test]
async fn writers_go_on_during_a_unique_constraint_build() {
    writers_go_on(Recipe {
        edit: |m| {
            m.replace(
                "    pub code: Option<String>,",
                "    #[petal(unique)]\n    pub code: Option<String>,",
            )
        },
        long_phase: "CREATE UNIQUE INDEX CONCURRENTLY \"orders_code_key\"%",
    })
    .await;
}

#[tokio::test]
async fn writers_go_on_during_a_check_validation() {
    writers_go_on(Recipe {
        edit: |m| {
            on_orders(
                m,
                "#[petal(check(name = \"orders_qty_positive\", expr = \"qty > 0\"))]",
            )
        },
        long_phase: "%VALIDATE CONSTRAINT \"orders_qty_positive\"%",
    })
    .await;
}

#[tokio::test]
async fn writers_go_on_during_a_foreign_key_validation() {
    writers_go_on(Recipe {
        edit: |m| {
            m.replace(
                "    pub customer_id: i64,",
                "    #[petal(references = \"public.customers.id\")]\n    pub customer_id: i64,",
            )
        },
        long_phase: "%VALIDATE CONSTRAINT \"orders_customer_id_fkey\"%",
    })
    .await;
}

#[tokio::test]
async fn writers_go_on_while_not_null_is_proved() {
    writers_go_on(Recipe {
        edit: |m| m.replace("    pub code: Option<String>,", "    pub code: String,"),
        // The check petal_not_null_code, or from PostgreSQL 18 the NOT NULL
        // constraint orders_code_not_null itself.
        long_phase: "%VALIDATE CONSTRAINT \"%code%\"%",
    })
    .await;
}
