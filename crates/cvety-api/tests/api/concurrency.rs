//! 50 reservations at once of a warehouse item with 10 stems: exactly 10
//! succeed and `reserved_qty` ends at 10.

use futures_util::future::join_all;
use serde_json::json;

use crate::fixtures;
use crate::harness::{Api, expect, id_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_reservations_of_ten_stems() {
    let api = Api::start().await;
    let product = fixtures::product(&api, "Race rose", 1000.0, None).await;
    let stock = fixtures::stock(&api, "RACE-10", 10).await;
    // One order per reservation, so the orders' row locks do not serialize
    // the requests: they race on the warehouse row alone.
    let mut orders = Vec::new();
    for i in 0..50 {
        let order = api
            .send("POST", "/api/orders/", json!({ "customer_phone": format!("+7 701 900 00 {i:02}"), "delivery_method": "self_pickup", "flower_sum": 0 }))
            .await;
        orders.push(id_of(expect(&order, 201)));
    }
    let body = json!({ "product_id": product, "quantity": 1, "warehouse_item_id": stock });
    let paths: Vec<String> = orders
        .iter()
        .map(|order| format!("/api/orders/{order}/items"))
        .collect();
    let replies = join_all(
        paths
            .iter()
            .map(|path| api.send("POST", path, body.clone())),
    )
    .await;
    let created = replies.iter().filter(|r| r.status == 201).count();
    let refused = replies.iter().filter(|r| r.status == 409).count();
    assert_eq!(
        (created, refused),
        (10, 40),
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let row = api.get(&format!("/api/warehouse/{stock}")).await;
    let row = expect(&row, 200);
    assert_eq!(row["reserved_qty"], 10);
    assert_eq!(row["available_qty"], 0);
    let reserved_items = api
        .db
        .client()
        .query_one(
            "SELECT count(*) FROM order_items WHERE warehouse_item_id = $1 AND is_reserved",
            &[&i32::try_from(stock).unwrap_or_default()],
        )
        .await;
    assert_eq!(reserved_items.map(|r| r.get::<_, i64>(0)).ok(), Some(10));
}
