use serde_json::json;

use crate::fixtures;
use crate::harness::{Api, expect, expect_field_error, id_of};

pub async fn suite(api: &Api) {
    let florist = api
        .send(
            "POST",
            "/api/users/",
            json!({ "phone": "+7 700 100 00 01", "name": "Дана" }),
        )
        .await;
    let florist = expect(&florist, 201);
    assert_eq!(florist["role"], "florist");
    assert_eq!(florist["is_active"], true);
    let florist = id_of(florist);
    let manager = api
        .send(
            "POST",
            "/api/users/",
            json!({ "phone": "+7 700 100 00 02", "role": "manager" }),
        )
        .await;
    let manager = id_of(expect(&manager, 201));
    expect(
        &api.send(
            "POST",
            "/api/users/",
            json!({ "phone": "+7 700 100 00 01" }),
        )
        .await,
        409,
    );
    let bad = api
        .send(
            "POST",
            "/api/users/",
            json!({ "phone": "x", "role": "boss" }),
        )
        .await;
    expect_field_error(&bad, "phone");
    expect_field_error(&bad, "role");

    let list = api.get("/api/users/?role=florist&is_active=true").await;
    let list = expect(&list, 200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], florist);
    expect_field_error(&api.get("/api/users/?role=boss").await, "role");

    let patched = api
        .send(
            "PATCH",
            &format!("/api/users/{manager}"),
            json!({ "name": "Ержан", "is_active": false }),
        )
        .await;
    let patched = expect(&patched, 200);
    assert_eq!(patched["name"], "Ержан");
    assert_eq!(patched["is_active"], false);
    let cleared = api
        .send(
            "PATCH",
            &format!("/api/users/{manager}"),
            json!({ "name": null }),
        )
        .await;
    assert_eq!(expect(&cleared, 200)["name"], serde_json::Value::Null);
    expect(
        &api.send(
            "PATCH",
            &format!("/api/users/{manager}"),
            json!({ "phone": "+7 700 100 00 01" }),
        )
        .await,
        409,
    );
    expect_field_error(
        &api.send("PATCH", &format!("/api/users/{manager}"), json!({}))
            .await,
        "body",
    );
    expect(
        &api.send("PATCH", "/api/users/999999", json!({ "is_active": true }))
            .await,
        404,
    );

    // Assigning a task: only to an active florist.
    let product = fixtures::product(api, "Assign bouquet", 5000.0, None).await;
    let order = fixtures::order(
        api,
        "+7 701 333 44 55",
        json!([{ "product_id": product, "quantity": 1 }]),
    )
    .await;
    let task = api
        .send(
            "POST",
            "/api/production/tasks/",
            json!({ "order_id": order["id"] }),
        )
        .await;
    let task = id_of(expect(&task, 201));
    let path = format!("/api/production/tasks/{task}/assign");
    let assigned = api
        .send("PATCH", &path, json!({ "florist_id": florist }))
        .await;
    let assigned = expect(&assigned, 200);
    assert_eq!(assigned["florist_id"], florist);
    assert_eq!(assigned["status"], "assigned");
    assert!(assigned["assigned_at"].is_string());
    expect_field_error(
        &api.send("PATCH", &path, json!({ "florist_id": manager }))
            .await,
        "florist_id",
    );
    expect_field_error(
        &api.send("PATCH", &path, json!({ "florist_id": 999999 }))
            .await,
        "florist_id",
    );
    expect_field_error(&api.send("PATCH", &path, json!({})).await, "florist_id");
    expect(
        &api.send(
            "PATCH",
            "/api/production/tasks/999999/assign",
            json!({ "florist_id": florist }),
        )
        .await,
        404,
    );

    // Deleting the user leaves the task unassigned (ON DELETE SET NULL).
    let deleted = api
        .db
        .client()
        .execute(
            "DELETE FROM users WHERE id = $1",
            &[&i32::try_from(florist).unwrap_or_default()],
        )
        .await;
    assert_eq!(deleted.ok(), Some(1));
    let read = api.get(&format!("/api/production/tasks/{task}")).await;
    assert_eq!(expect(&read, 200)["florist_id"], serde_json::Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users() {
    suite(&Api::start().await).await;
}
