use serde_json::json;

use crate::harness::{Api, expect, expect_field_error, id_of};

pub async fn suite(api: &Api) {
    let created = api
        .send(
            "POST",
            "/api/products/",
            json!({
                "name": "Нежность", "category": "composition", "description": "Пионы и эвкалипт",
                "cost_price": 15000, "retail_price": 32000.99, "sale_price": 29990, "is_new": true,
                "images": [
                    { "image_url": "https://cdn.example/1.jpg", "is_primary": true },
                    { "image_url": "https://cdn.example/2.jpg", "sort_order": 5 }
                ]
            }),
        )
        .await;
    let created = expect(&created, 201);
    let id = id_of(created);
    assert_eq!(created["category"], "composition");
    assert_eq!(created["retail_price"], 32000.99);
    assert_eq!(created["is_active"], true);
    assert_eq!(created["images"][0]["is_primary"], true);
    assert_eq!(created["images"][1]["sort_order"], 5);
    let potted = api.send("POST", "/api/products/", json!({ "name": "Фикус", "category": "potted", "cost_price": 5000, "retail_price": 9000, "is_active": false })).await;
    let potted = id_of(expect(&potted, 201));

    let bad = api.send("POST", "/api/products/", json!({ "name": "", "category": "cake", "cost_price": -1, "retail_price": 100, "sale_price": 200 })).await;
    for field in ["name", "category", "cost_price", "sale_price"] {
        expect_field_error(&bad, field);
    }
    expect_field_error(
        &api.send("POST", "/api/products/", json!({ "name": "x", "category": "other", "cost_price": 1, "retail_price": 2, "images": [{ "is_primary": true }] })).await,
        "images[0].image_url",
    );

    let list = api.get("/api/products/?category=potted").await;
    let list = expect(&list, 200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], potted);
    let list = api.get("/api/products/?is_active=true").await;
    let list = expect(&list, 200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], id);
    expect_field_error(&api.get("/api/products/?category=cake").await, "category");

    // PUT replaces fields; images only when given.
    let replaced = api
        .send("PUT", &format!("/api/products/{id}"), json!({ "name": "Нежность XL", "category": "composition", "cost_price": 20000, "retail_price": 41000 }))
        .await;
    let replaced = expect(&replaced, 200);
    assert_eq!(replaced["name"], "Нежность XL");
    assert_eq!(replaced["sale_price"], serde_json::Value::Null);
    assert_eq!(replaced["is_new"], false);
    assert_eq!(replaced["images"].as_array().map(Vec::len), Some(2));
    let no_images = api
        .send("PUT", &format!("/api/products/{id}"), json!({ "name": "Нежность XL", "category": "composition", "cost_price": 20000, "retail_price": 41000, "images": [] }))
        .await;
    assert_eq!(expect(&no_images, 200)["images"], json!([]));
    expect(
        &api.send(
            "PUT",
            "/api/products/999999",
            json!({ "name": "x", "category": "other", "cost_price": 1, "retail_price": 2 }),
        )
        .await,
        404,
    );
    expect_field_error(
        &api.send(
            "PUT",
            &format!("/api/products/{id}"),
            json!({ "name": "x" }),
        )
        .await,
        "category",
    );

    let read = api.get(&format!("/api/products/{potted}")).await;
    assert_eq!(expect(&read, 200)["is_active"], false);
    expect(&api.get("/api/products/999999").await, 404);
    expect(&api.get("/api/products/0").await, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products() {
    suite(&Api::start().await).await;
}
