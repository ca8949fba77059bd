//! Load benchmark (not a test): `GET /api/orders/` over 10,000 seeded orders,
//! from a loopback load generator. Prints requests per second and latency
//! percentiles.
//!
//! ```text
//! cargo run -p cvety-api --release --example bench_api
//! BENCH_SECONDS=20 BENCH_CONCURRENCY=64 BENCH_PATH='/api/orders/?status=paid' cargo run ...
//! ```
//!
//! The database is a fresh one on petal's test cluster (or
//! `PETAL_TEST_DATABASE_URL`'s server), migrated to head by petal.

use std::time::{Duration, Instant};

use cvety_api::{AppState, db};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use petal_engine::migrate::{Operation, run_on};
use petal_migrate::{PlanOptions, Target};

const ORDERS: i32 = 10_000;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => v.parse().map_err(|_| format!("{name}={v:?} is not valid")),
        _ => Ok(default),
    }
}

/// Percentile `p` (0..=100) of sorted durations.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

async fn run() -> Result<(), String> {
    let seconds: u64 = env_or("BENCH_SECONDS", 10)?;
    let concurrency: usize = env_or("BENCH_CONCURRENCY", 32)?;
    let pool_size: usize = env_or("BENCH_POOL", 16)?;
    let path: String = env_or("BENCH_PATH", "/api/orders/".to_string())?;

    let database = petal_testkit::TestDb::try_new().await?;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations");
    let graph =
        cvety_api::head::load_graph(std::path::Path::new(dir)).map_err(|e| e.to_string())?;
    let head = Target::parse("head").map_err(|e| e.to_string())?;
    run_on(
        database.config(),
        &graph,
        Operation::Upgrade,
        &head,
        PlanOptions::default(),
        &Default::default(),
        &mut |_| {},
    )
    .await
    .map_err(|e| e.to_string())?;
    database
        .client()
        .execute(
            "INSERT INTO orders (customer_phone, recipient_name, address, delivery_method, \
             flower_sum, delivery_fee, total, tracking_token, status) \
             SELECT '+7701' || lpad(g::text, 7, '0'), 'Получатель ' || g, 'пр. Абая ' || g, \
             'delivery', 10000 + g, 2000, 12000 + g, md5(g::text), \
             (ARRAY['new','paid','assembled','delivery','self_pickup','issue']::order_status[])[1 + g % 6] \
             FROM generate_series(1, $1::int) g",
            &[&ORDERS],
        )
        .await
        .map_err(|e| petal_pg::error::describe(&e))?;
    database
        .client()
        .batch_execute("ANALYZE orders")
        .await
        .map_err(|e| e.to_string())?;

    let pool = db::pool(database.config().clone(), pool_size)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let server = tokio::spawn(cvety_api::serve(listener, AppState::new(pool)));
    let url: hyper::Uri = format!("http://{addr}{path}")
        .parse()
        .map_err(|e| format!("{path}: {e}"))?;
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();

    // Warm-up: fills the pool and the server's caches.
    let warm_until = Instant::now() + Duration::from_secs(1);
    while Instant::now() < warm_until {
        let response = client.get(url.clone()).await.map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("{path} answered {}", response.status()));
        }
        response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?;
    }

    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let client = client.clone();
            let url = url.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = 0u64;
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let ok = match client.get(url.clone()).await {
                        Ok(response) => {
                            let success = response.status().is_success();
                            success && response.into_body().collect().await.is_ok()
                        }
                        Err(_) => false,
                    };
                    if ok {
                        latencies.push(sent.elapsed());
                    } else {
                        failures += 1;
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failures = 0;
    for worker in workers {
        let (l, f) = worker.await.map_err(|e| e.to_string())?;
        latencies.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    server.abort();
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "GET {path} over {ORDERS} orders: {concurrency} connections, {seconds} s, pool of {pool_size}"
    );
    println!("requests: {} ok, {failures} failed", latencies.len());
    println!(
        "throughput: {:.0} requests/s",
        latencies.len() as f64 / elapsed
    );
    println!(
        "latency: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 90.0)),
        ms(percentile(&latencies, 99.0)),
        ms(percentile(&latencies, 100.0)),
    );
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_api: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
