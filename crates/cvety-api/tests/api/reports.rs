//! Reports, from the database's views (`schema/sql/reports.sql`): only
//! paid orders count, by day in Almaty's time, and the filters hold.

use serde_json::json;

use crate::fixtures;
use crate::harness::{Api, expect, expect_field_error, id_of};

pub async fn suite(api: &Api) {
    let empty = api.get("/api/reports/daily-sales").await;
    assert_eq!(expect(&empty, 200)["items"], json!([]));

    let rose = fixtures::product(api, "Report rose", 10000.0, None).await;
    // Each order pays a 2000 delivery fee on top of its flowers.
    let one = fixtures::order(
        api,
        "+7 701 000 00 01",
        json!([{ "product_id": rose, "quantity": 1 }]),
    )
    .await;
    let three = fixtures::order(
        api,
        "+7 701 000 00 02",
        json!([{ "product_id": rose, "quantity": 3 }]),
    )
    .await;
    // A new order is no sale yet.
    let unpaid = api.get("/api/reports/daily-sales").await;
    assert_eq!(expect(&unpaid, 200)["total"], 0);
    for order in [&one, &three] {
        let paid = api
            .send(
                "PATCH",
                &format!("/api/orders/{}/status", id_of(order)),
                json!({ "status": "paid" }),
            )
            .await;
        expect(&paid, 200);
    }

    let today: String = api
        .db
        .client()
        .query_one("SELECT (now() AT TIME ZONE 'Asia/Almaty')::date::text", &[])
        .await
        .map(|row| row.get(0))
        .unwrap_or_else(|e| panic!("today in Almaty: {e}"));
    let report = api.get("/api/reports/daily-sales").await;
    let report = expect(&report, 200);
    assert_eq!(
        report["items"],
        json!([{
            "day": today, "orders": 2, "revenue": 44000.0,
            "delivery_fees": 4000.0, "flower_revenue": 40000.0
        }]),
        "{report:#}"
    );

    // The day filters include both ends.
    let same_day = api
        .get(&format!("/api/reports/daily-sales?from={today}&to={today}"))
        .await;
    assert_eq!(expect(&same_day, 200)["total"], 1);
    let later = api.get("/api/reports/daily-sales?from=2999-01-01").await;
    assert_eq!(expect(&later, 200)["total"], 0);
    expect_field_error(
        &api.get("/api/reports/daily-sales?from=2026-02-01&to=2026-01-31")
            .await,
        "to",
    );
    expect(
        &api.get("/api/reports/daily-sales?from=yesterday").await,
        400,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports() {
    suite(&Api::start().await).await;
}
