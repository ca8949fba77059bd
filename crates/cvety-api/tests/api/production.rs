use serde_json::json;

use crate::fixtures;
use crate::harness::{Api, expect, expect_field_error, id_of};

pub async fn suite(api: &Api) {
    let product = fixtures::product(api, "Task bouquet", 20000.0, None).await;
    let order = fixtures::order(
        api,
        "+7 701 222 33 44",
        json!([{ "product_id": product, "quantity": 1 }]),
    )
    .await;
    let order_id = id_of(&order);
    let item = order["items"][0]["id"].clone();

    let created = api
        .send(
            "POST",
            "/api/production/tasks/",
            json!({
                "order_id": order_id, "priority": "urgent", "deadline": "2026-11-25T09:00:00Z",
                "instructions": "Без упаковки", "items": [{ "order_item_id": item, "quantity": 1 }]
            }),
        )
        .await;
    let created = expect(&created, 201);
    let task = id_of(created);
    assert_eq!(created["status"], "pending");
    assert_eq!(created["task_type"], "bouquet");
    assert_eq!(created["estimated_minutes"], 30);
    assert_eq!(created["items"][0]["order_item_id"], item);
    let low = api
        .send(
            "POST",
            "/api/production/tasks/",
            json!({ "order_id": order_id, "priority": "low", "task_type": "composition" }),
        )
        .await;
    let low = id_of(expect(&low, 201));

    let bad = api
        .send(
            "POST",
            "/api/production/tasks/",
            json!({ "priority": "asap", "task_type": "cake" }),
        )
        .await;
    for field in ["order_id", "priority", "task_type"] {
        expect_field_error(&bad, field);
    }
    expect_field_error(
        &api.send(
            "POST",
            "/api/production/tasks/",
            json!({ "order_id": 999999 }),
        )
        .await,
        "order_id",
    );
    expect_field_error(
        &api.send(
            "POST",
            "/api/production/tasks/",
            json!({ "order_id": order_id, "items": [{ "order_item_id": 999999, "quantity": 1 }] }),
        )
        .await,
        "items[0].order_item_id",
    );

    // Lists: filters; the most urgent first.
    let list = api.get("/api/production/tasks/").await;
    let list = expect(&list, 200);
    assert_eq!(list["items"][0]["id"], task);
    assert_eq!(list["items"][1]["id"], low);
    let list = api.get("/api/production/tasks/?priority=low").await;
    assert_eq!(expect(&list, 200)["total"], 1);
    let list = api
        .get("/api/production/tasks/?status=pending&priority=urgent")
        .await;
    assert_eq!(expect(&list, 200)["items"][0]["id"], task);
    expect_field_error(
        &api.get("/api/production/tasks/?status=done").await,
        "status",
    );

    // Status along the board.
    let path = format!("/api/production/tasks/{task}/status");
    let started = api
        .send(
            "PATCH",
            &path,
            json!({ "status": "in_progress", "florist_notes": "начала" }),
        )
        .await;
    let started = expect(&started, 200);
    assert_eq!(started["status"], "in_progress");
    assert!(started["started_at"].is_string());
    let done = api
        .send(
            "PATCH",
            &path,
            json!({ "status": "completed", "quality_score": 5, "actual_minutes": 25 }),
        )
        .await;
    let done = expect(&done, 200);
    assert!(done["completed_at"].is_string());
    assert_eq!(done["quality_score"], 5.0);
    let back = api
        .send("PATCH", &path, json!({ "status": "in_progress" }))
        .await;
    assert!(
        expect(&back, 409)["error"]
            .as_str()
            .unwrap_or_default()
            .contains("completed")
    );
    expect_field_error(
        &api.send(
            "PATCH",
            &path,
            json!({ "status": "in_progress", "quality_score": 9 }),
        )
        .await,
        "quality_score",
    );
    expect_field_error(&api.send("PATCH", &path, json!({})).await, "status");
    expect(
        &api.send(
            "PATCH",
            "/api/production/tasks/999999/status",
            json!({ "status": "assigned" }),
        )
        .await,
        404,
    );

    let read = api.get(&format!("/api/production/tasks/{low}")).await;
    assert_eq!(expect(&read, 200)["task_type"], "composition");
    expect(&api.get("/api/production/tasks/999999").await, 404);
    expect(&api.get("/api/production/tasks/-3").await, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production() {
    suite(&Api::start().await).await;
}
