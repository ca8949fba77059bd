use serde_json::json;

use crate::fixtures;
use crate::harness::{Api, expect, expect_field_error, id_of};

pub async fn suite(api: &Api) {
    let id = fixtures::stock(api, "WH-FREEDOM-60", 100).await;
    let read = api.get(&format!("/api/warehouse/{id}")).await;
    let read = expect(&read, 200);
    // recommended = cost × rate × (1 + 100 / 100); price defaults to it.
    assert_eq!(read["recommended_price"], 564.6);
    assert_eq!(read["price"], 564.6);
    assert_eq!(read["markup_pct"], 100.0);
    assert_eq!(read["available_qty"], 100);
    assert_eq!(read["rate"], 470.5);

    let dup = api
        .send("POST", "/api/warehouse/", json!({
            "sku": "WH-FREEDOM-60", "batch_code": "B", "variety": "v", "height_cm": 50, "farm": "f",
            "supplier": "s", "delivery_date": "2026-11-20T08:00:00Z", "currency": "USD", "rate": 1, "cost": 1
        }))
        .await;
    expect(&dup, 409);
    let bad = api
        .send(
            "POST",
            "/api/warehouse/",
            json!({ "sku": "X", "currency": "RUB", "rate": -1, "height_cm": 0, "qty": -5 }),
        )
        .await;
    for field in [
        "batch_code",
        "variety",
        "height_cm",
        "farm",
        "supplier",
        "delivery_date",
        "currency",
        "rate",
        "cost",
        "qty",
    ] {
        expect_field_error(&bad, field);
    }
    let bad_date = api
        .send(
            "POST",
            "/api/warehouse/",
            json!({ "delivery_date": "yesterday" }),
        )
        .await;
    expect_field_error(&bad_date, "delivery_date");

    // Filters.
    let other = api
        .send("POST", "/api/warehouse/", json!({
            "sku": "WH-EXPLORER-70", "batch_code": "B-2", "variety": "Explorer", "height_cm": 70, "farm": "Rosaprima",
            "supplier": "Dutch Flowers", "delivery_date": "2026-11-21T08:00:00Z", "currency": "EUR",
            "rate": 510, "cost": 0.8, "price": 900, "qty": 40, "on_showcase": true
        }))
        .await;
    let other = id_of(expect(&other, 201));
    let list = api.get("/api/warehouse/?variety=Explorer").await;
    let list = expect(&list, 200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], other);
    let list = api
        .get("/api/warehouse/?on_showcase=false&farm=Alexandra&supplier=Ecuador%20Direct")
        .await;
    assert_eq!(expect(&list, 200)["items"][0]["id"], id);
    let list = api.get("/api/warehouse/?on_showcase=true").await;
    assert_eq!(expect(&list, 200)["total"], 1);
    expect(&api.get("/api/warehouse/?on_showcase=maybe").await, 400);

    // Patch: prices, flags, quantity never below the reservations.
    let patched = api
        .send(
            "PATCH",
            &format!("/api/warehouse/{id}"),
            json!({ "price": 600.556, "on_showcase": true, "updated_by": "Дина" }),
        )
        .await;
    let patched = expect(&patched, 200);
    assert_eq!(patched["price"], 600.56);
    assert_eq!(patched["on_showcase"], true);
    assert_eq!(patched["updated_by"], "Дина");
    let product = fixtures::product(api, "Stock rose", 1000.0, None).await;
    fixtures::order(
        api,
        "+7 701 555 55 55",
        json!([{ "product_id": product, "quantity": 30, "warehouse_item_id": id }]),
    )
    .await;
    let below = api
        .send(
            "PATCH",
            &format!("/api/warehouse/{id}"),
            json!({ "qty": 29 }),
        )
        .await;
    expect(&below, 409);
    let ok = api
        .send(
            "PATCH",
            &format!("/api/warehouse/{id}"),
            json!({ "qty": 30 }),
        )
        .await;
    assert_eq!(expect(&ok, 200)["available_qty"], 0);
    expect_field_error(
        &api.send(
            "PATCH",
            &format!("/api/warehouse/{id}"),
            json!({ "price": -1 }),
        )
        .await,
        "price",
    );
    expect(
        &api.send(
            "PATCH",
            &format!("/api/warehouse/{id}"),
            json!({ "sku": "new" }),
        )
        .await,
        422,
    );
    expect(
        &api.send("PATCH", "/api/warehouse/999999", json!({ "hidden": true }))
            .await,
        404,
    );
    expect(&api.get("/api/warehouse/999999").await, 404);
    expect(&api.get("/api/warehouse/abc").await, 400);

    // Deliveries with positions.
    let delivery = api
        .send("POST", "/api/warehouse/deliveries", json!({
            "supplier": "Ecuador Direct", "farm": "Alexandra", "delivery_date": "2026-11-22T06:30:00Z",
            "currency": "USD", "rate": 470.5, "comment": "утренняя поставка",
            "positions": [
                { "variety": "Freedom", "height_cm": 60, "qty": 250, "cost_per_stem": 0.55 },
                { "variety": "Explorer", "height_cm": 70, "qty": 100, "cost_per_stem": 0.8 }
            ]
        }))
        .await;
    let delivery = expect(&delivery, 201);
    assert_eq!(delivery["cost_total"], 217.5);
    assert_eq!(delivery["positions"][0]["total_cost"], 137.5);
    assert_eq!(delivery["positions"].as_array().map(Vec::len), Some(2));
    let bad = api
        .send("POST", "/api/warehouse/deliveries", json!({
            "supplier": "x", "farm": "y", "delivery_date": "2026-11-22T06:30:00Z", "currency": "USD", "rate": 1,
            "positions": [{ "variety": "Freedom", "height_cm": 60, "qty": 0, "cost_per_stem": 0.5 }]
        }))
        .await;
    expect_field_error(&bad, "positions[0].qty");
    expect_field_error(
        &api.send(
            "POST",
            "/api/warehouse/deliveries",
            json!({ "supplier": "x" }),
        )
        .await,
        "positions",
    );
    let list = api.get("/api/warehouse/deliveries").await;
    let list = expect(&list, 200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["comment"], "утренняя поставка");
    assert_eq!(list["items"][0]["positions"][1]["variety"], "Explorer");
    expect_field_error(
        &api.get("/api/warehouse/deliveries?limit=100000").await,
        "limit",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warehouse() {
    suite(&Api::start().await).await;
}
