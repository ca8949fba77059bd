//! The online recipes' benchmark (a recipe, not a test: `just bench-online`):
//! on a table of 1,000,000 rows (or the count given as the first argument),
//! the longest stall a writer inserting in a loop sees while petal adds a
//! foreign key, a check, NOT NULL, a unique constraint and an index, each
//! written plain and online, in one run on the test harness's server.
//!
//! Each case gets fresh databases; the migration's steps run as the runner
//! runs them (a transaction per step, or each statement on its own in a
//! step outside a transaction). The writer inserts one row per transaction
//! on its own session and records the longest insert while the migration
//! runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use petal_diff::{Mode, ReviewedStep, diff, render_diff_as};
use petal_testkit::TestDb;
use tokio::sync::Mutex;

const BASE: &str = "
    CREATE TABLE customers (id bigint PRIMARY KEY);
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, qty integer,
        code text);";

const OPERATIONS: [(&str, &str); 5] = [
    (
        "add a foreign key",
        "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
             FOREIGN KEY (customer_id) REFERENCES customers (id);",
    ),
    (
        "add a check",
        "ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0);",
    ),
    (
        "set not null",
        "ALTER TABLE orders ALTER COLUMN code SET NOT NULL;",
    ),
    (
        "add a unique constraint",
        "ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);",
    ),
    (
        "add an index",
        "CREATE INDEX orders_customer_id_idx ON orders (customer_id);",
    ),
];

struct Measured {
    migration: Duration,
    longest_stall: Duration,
    inserts: u64,
}

fn main() {
    let rows: i64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("a runtime: {e}"));
    runtime.block_on(async {
        println!("{rows} rows in orders; the longest single insert of a writer while petal runs\n");
        println!(
            "| operation | plain: migration | plain: longest writer stall | online: migration | online: longest writer stall |"
        );
        println!("|---|---:|---:|---:|---:|");
        for (name, after) in OPERATIONS {
            let plain = measure(rows, after, false).await;
            let online = measure(rows, after, true).await;
            println!(
                "| {name} | {} | {} ({} inserts) | {} | {} ({} inserts) |",
                ms(plain.migration),
                ms(plain.longest_stall),
                plain.inserts,
                ms(online.migration),
                ms(online.longest_stall),
                online.inserts
            );
        }
    });
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn introspected(db: &TestDb) -> petal_ir::Database {
    petal_pg::introspect(db.client(), &Default::default())
        .await
        .unwrap_or_else(|e| panic!("introspection: {e}"))
        .database
}

async fn measure(rows: i64, after: &str, online: bool) -> Measured {
    let target = TestDb::new().await;
    exec(&target, &format!("{BASE}\n{after}")).await;
    let db = TestDb::new().await;
    exec(&db, BASE).await;
    exec(
        &db,
        &format!(
            "INSERT INTO customers SELECT g FROM generate_series(1, 1000) g;
             INSERT INTO orders SELECT g, 1 + g % 1000, 1 + g % 3, 'k' || g
               FROM generate_series(1, {rows}) g;"
        ),
    )
    .await;
    exec(&db, "VACUUM ANALYZE customers, orders").await;
    let plan = diff(&introspected(&db).await, &introspected(&target).await);
    let mode = Mode::new(online, db.server_version_num().await);
    let steps = render_diff_as(&plan, mode);

    let stop = Arc::new(AtomicBool::new(false));
    let stalls = Arc::new(Mutex::new((Duration::ZERO, 0u64)));
    let writer = tokio::spawn(write_in_a_loop(
        db.connect().await,
        rows,
        Arc::clone(&stop),
        Arc::clone(&stalls),
    ));
    // The writer is running before the migration starts.
    tokio::time::sleep(Duration::from_millis(200)).await;
    *stalls.lock().await = (Duration::ZERO, 0);
    let started = Instant::now();
    run(&db, &steps).await;
    let migration = started.elapsed();
    // The insert under way when the migration ended counts: it may have
    // waited for the migration's last commit.
    stop.store(true, Ordering::SeqCst);
    let _ = writer.await;
    let (longest_stall, inserts) = *stalls.lock().await;
    Measured {
        migration,
        longest_stall,
        inserts,
    }
}

async fn exec(db: &TestDb, sql: &str) {
    db.client()
        .batch_execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The steps as the runner runs them.
async fn run(db: &TestDb, steps: &[ReviewedStep]) {
    for step in steps {
        if !step.no_transaction {
            exec(db, "BEGIN").await;
        }
        for statement in &step.statements {
            exec(db, &statement.sql).await;
        }
        if !step.no_transaction {
            exec(db, "COMMIT").await;
        }
    }
}

async fn write_in_a_loop(
    client: tokio_postgres::Client,
    rows: i64,
    stop: Arc<AtomicBool>,
    stalls: Arc<Mutex<(Duration, u64)>>,
) {
    let mut id = rows;
    while !stop.load(Ordering::SeqCst) {
        id += 1;
        let code = format!("w{id}");
        let started = Instant::now();
        let inserted = client
            .execute(
                "INSERT INTO orders (id, customer_id, qty, code) VALUES ($1, 1, 1, $2)",
                &[&id, &code],
            )
            .await;
        let took = started.elapsed();
        if let Err(e) = inserted {
            panic!("the writer's insert failed: {e}");
        }
        let mut held = stalls.lock().await;
        held.0 = held.0.max(took);
        held.1 += 1;
    }
}
