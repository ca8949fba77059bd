use serde_json::json;

use crate::fixtures;
use crate::harness::{Api, expect, expect_field_error, id_of};

pub async fn suite(api: &Api) {
    let rose = fixtures::product(api, "101 роза", 45000.0, None).await;
    let tulips = fixtures::product(api, "Tulips", 12000.0, Some(9990.5)).await;
    let stock = fixtures::stock(api, "ORD-ROSE-60", 20).await;

    // Create with items: snapshot of name, category and (sale) price,
    // totals, a tracking token and a reservation.
    let created = fixtures::order(
        api,
        "+7 701 111 22 33",
        json!([
            { "product_id": rose, "quantity": 1 },
            { "product_id": tulips, "quantity": 2, "warehouse_item_id": stock }
        ]),
    )
    .await;
    let order = id_of(&created);
    assert_eq!(created["status"], "new");
    assert_eq!(created["items"][0]["product_name"], "101 роза");
    assert_eq!(created["items"][0]["product_category"], "bouquet");
    assert_eq!(created["items"][1]["price"], 9990.5);
    assert_eq!(created["items"][1]["total"], 19981.0);
    assert_eq!(created["items"][1]["is_reserved"], true);
    assert_eq!(created["flower_sum"], 64981.0);
    assert_eq!(created["delivery_fee"], 2000.0);
    assert_eq!(created["total"], 66981.0);
    let token = created["tracking_token"].as_str().unwrap_or_default();
    assert!(
        token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{token}"
    );
    let stock_row = api.get(&format!("/api/warehouse/{stock}")).await;
    assert_eq!(expect(&stock_row, 200)["reserved_qty"], 2);

    // A renamed product does not change the order's snapshot.
    let renamed = api
        .send("PUT", &format!("/api/products/{rose}"), json!({
            "name": "Роза 101 (new)", "category": "bouquet", "cost_price": 1, "retail_price": 50000
        }))
        .await;
    expect(&renamed, 200);
    let read = api.get(&format!("/api/orders/{order}")).await;
    let read = expect(&read, 200);
    assert_eq!(read["items"][0]["product_name"], "101 роза");
    assert_eq!(read["items"].as_array().map(Vec::len), Some(2));

    // Without items, flower_sum is given.
    let plain = api
        .send("POST", "/api/orders/", json!({
            "customer_phone": "+7 702 000 00 01", "delivery_method": "self_pickup",
            "flower_sum": 15000.5, "delivery_window": { "from": "2026-11-25T10:00:00Z", "to": "2026-11-25T12:00:00Z" }
        }))
        .await;
    let plain = expect(&plain, 201);
    assert_eq!(plain["total"], 15000.5);
    assert_eq!(plain["delivery_window"]["from"], "2026-11-25T10:00:00Z");
    assert_ne!(plain["tracking_token"], created["tracking_token"]);

    // List with filters and paging.
    let list = api
        .get("/api/orders/?customer_phone=%2B7%20701%20111%2022%2033")
        .await;
    let list = expect(&list, 200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], order);
    let list = api.get("/api/orders/?status=new&limit=1").await;
    let list = expect(&list, 200);
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    expect_field_error(&api.get("/api/orders/?status=lost").await, "status");
    expect_field_error(&api.get("/api/orders/?limit=0").await, "limit");
    expect(&api.get("/api/orders/?limit=many").await, 400);

    // Status changes.
    let paid = api
        .send(
            "PATCH",
            &format!("/api/orders/{order}/status"),
            json!({ "status": "paid" }),
        )
        .await;
    assert_eq!(expect(&paid, 200)["status"], "paid");
    let issue = api
        .send(
            "PATCH",
            &format!("/api/orders/{order}/status"),
            json!({
                "status": "issue", "issue_type": "wrong_address", "issue_comment": "нет такого дома"
            }),
        )
        .await;
    let issue = expect(&issue, 200);
    assert_eq!(issue["has_issue"], true);
    assert_eq!(issue["issue_type"], "wrong_address");
    expect_field_error(
        &api.send(
            "PATCH",
            &format!("/api/orders/{order}/status"),
            json!({ "status": "issue" }),
        )
        .await,
        "issue_type",
    );
    expect_field_error(
        &api.send(
            "PATCH",
            &format!("/api/orders/{order}/status"),
            json!({ "status": "shipped" }),
        )
        .await,
        "status",
    );
    expect(
        &api.send(
            "PATCH",
            "/api/orders/999999/status",
            json!({ "status": "paid" }),
        )
        .await,
        404,
    );

    // Add an item: totals follow, stock is reserved.
    let added = api
        .send(
            "POST",
            &format!("/api/orders/{order}/items"),
            json!({ "product_id": tulips, "quantity": 3, "warehouse_item_id": stock }),
        )
        .await;
    let added = expect(&added, 201);
    assert_eq!(added["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(added["flower_sum"], 94952.5);
    assert_eq!(added["total"], 96952.5);
    let stock_row = api.get(&format!("/api/warehouse/{stock}")).await;
    assert_eq!(expect(&stock_row, 200)["reserved_qty"], 5);
    let too_many = api
        .send(
            "POST",
            &format!("/api/orders/{order}/items"),
            json!({ "product_id": tulips, "quantity": 16, "warehouse_item_id": stock }),
        )
        .await;
    let message = expect(&too_many, 409)["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("15 stem(s) available"), "{message}");
    expect_field_error(
        &api.send(
            "POST",
            &format!("/api/orders/{order}/items"),
            json!({ "product_id": 999999, "quantity": 1 }),
        )
        .await,
        "product_id",
    );
    expect_field_error(
        &api.send(
            "POST",
            &format!("/api/orders/{order}/items"),
            json!({ "product_id": rose, "quantity": 0 }),
        )
        .await,
        "quantity",
    );
    expect(
        &api.send(
            "POST",
            "/api/orders/999999/items",
            json!({ "product_id": rose, "quantity": 1 }),
        )
        .await,
        404,
    );

    // Remove it: the reservation goes back.
    let item = added["items"][2]["id"].as_i64().unwrap_or_default();
    let removed = api
        .delete(&format!("/api/orders/{order}/items/{item}"))
        .await;
    let removed = expect(&removed, 200);
    assert_eq!(removed["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(removed["total"], 66981.0);
    let stock_row = api.get(&format!("/api/warehouse/{stock}")).await;
    assert_eq!(expect(&stock_row, 200)["reserved_qty"], 2);
    expect(
        &api.delete(&format!("/api/orders/{order}/items/{item}"))
            .await,
        404,
    );
    expect(
        &api.delete(&format!("/api/orders/{order}/items/abc")).await,
        400,
    );

    // Items of one order drawing on the same stock count together, and a
    // refused order leaves nothing reserved.
    let together = api
        .send(
            "POST",
            "/api/orders/",
            json!({
                "customer_phone": "+7 701 444 00 00", "delivery_method": "self_pickup",
                "items": [
                    { "product_id": tulips, "quantity": 10, "warehouse_item_id": stock },
                    { "product_id": rose, "quantity": 9, "warehouse_item_id": stock }
                ]
            }),
        )
        .await;
    let message = expect(&together, 409)["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("18 stem(s) available, 19 requested"),
        "{message}"
    );
    let stock_row = api.get(&format!("/api/warehouse/{stock}")).await;
    assert_eq!(expect(&stock_row, 200)["reserved_qty"], 2);
    let missing = api
        .send("POST", "/api/orders/", json!({
            "customer_phone": "+7 701 444 00 00", "delivery_method": "self_pickup",
            "items": [{ "product_id": rose, "quantity": 1 }, { "product_id": rose, "quantity": 1, "warehouse_item_id": 999999 }]
        }))
        .await;
    expect_field_error(&missing, "items[1].warehouse_item_id");

    // Bad creates.
    let bad = api.send("POST", "/api/orders/", json!({ "customer_phone": "12", "delivery_method": "drone", "items": [{ "quantity": -1 }] })).await;
    for field in [
        "customer_phone",
        "delivery_method",
        "items[0].product_id",
        "items[0].quantity",
    ] {
        expect_field_error(&bad, field);
    }
    expect_field_error(&api.send("POST", "/api/orders/", json!({ "customer_phone": "+77010000000", "delivery_method": "delivery", "flower_sum": 1 })).await, "address");
    expect_field_error(
        &api.send(
            "POST",
            "/api/orders/",
            json!({ "customer_phone": "+77010000000", "delivery_method": "self_pickup" }),
        )
        .await,
        "flower_sum",
    );
    expect(&api.get("/api/orders/999999").await, 404);
    expect(&api.get("/api/orders/x1").await, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders() {
    suite(&Api::start().await).await;
}
