//! What every endpoint shares: JSON errors, never a 500 for bad input, the
//! OpenAPI document, and the start-up refusal of a database not at head.

use cvety_api::openapi::{Field, Kind};
use petal_engine::migrate::Operation;
use serde_json::{Value, json};

use crate::harness::{self, Api, expect, expect_field_error};

pub async fn suite(api: &Api) {
    // Malformed JSON is a 400; JSON of the wrong shape a 422 on its field.
    let broken = api
        .raw(
            "POST",
            "/api/customers/",
            Some("application/json"),
            "{\"phone\": ",
        )
        .await;
    assert!(
        expect(&broken, 400)["error"]
            .as_str()
            .unwrap_or_default()
            .contains("malformed JSON")
    );
    let wrong_type = api
        .send(
            "POST",
            "/api/orders/",
            json!({ "customer_phone": 7, "items": [{ "quantity": "two" }] }),
        )
        .await;
    expect_field_error(&wrong_type, "customer_phone");
    let nested = api
        .send(
            "POST",
            "/api/orders/",
            json!({ "customer_phone": "+77010000000", "items": [{ "quantity": "two" }] }),
        )
        .await;
    expect_field_error(&nested, "items[0].quantity");
    let unknown = api
        .send(
            "POST",
            "/api/customers/",
            json!({ "phone": "+77010000000", "nickname": "x" }),
        )
        .await;
    expect(&unknown, 422);
    let not_json = api
        .raw("POST", "/api/customers/", Some("text/plain"), "phone=1")
        .await;
    expect(&not_json, 400);
    let array = api.send("POST", "/api/customers/", json!([1, 2])).await;
    expect(&array, 422);
    let huge = api.send("POST", "/api/orders/", json!({ "customer_phone": "+77010000000", "delivery_method": "self_pickup", "flower_sum": 1e300 })).await;
    expect_field_error(&huge, "flower_sum");
    let overflow = api.send("POST", "/api/orders/", json!({ "customer_phone": "+77010000000", "delivery_method": "self_pickup", "flower_sum": 1, "customer_id": 3000000000u64 })).await;
    expect_field_error(&overflow, "customer_id");

    let big = format!("{{\"phone\": \"{}\"}}", "7".repeat(3 << 20));
    let too_large = api
        .raw("POST", "/api/customers/", Some("application/json"), &big)
        .await;
    assert!(expect(&too_large, 413)["error"].is_string());

    // Unknown routes and methods answer JSON too.
    let nowhere = api.get("/api/nowhere").await;
    assert_eq!(expect(&nowhere, 404)["error"], "no such route");
    let method = api.delete("/api/orders/").await;
    expect(&method, 405);
    expect(&api.get("/api/orders/99999999999").await, 404);

    // The OpenAPI document lists every route, and the router serves each.
    let doc = api.get("/api/openapi.json").await;
    let doc = expect(&doc, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    for route in cvety_api::openapi::ROUTES {
        assert!(
            doc["paths"][route.path][route.method].is_object(),
            "{} {} not documented",
            route.method,
            route.path
        );
        let path = route
            .path
            .replace("{id}", "999999")
            .replace("{item_id}", "999999");
        let reply = match route.method {
            "get" => api.get(&path).await,
            "delete" => api.delete(&path).await,
            method => api.send(&method.to_uppercase(), &path, json!({})).await,
        };
        assert!(
            reply.status != 405 && reply.body["error"] != "no such route",
            "{} {}: {reply:?}",
            route.method,
            route.path
        );
        assert!(
            reply.status < 500,
            "{} {}: {reply:?}",
            route.method,
            route.path
        );
    }
    // Every documented body field is accepted (the bodies deny unknown
    // fields, so a documented field the handler does not know would show).
    for route in cvety_api::openapi::ROUTES {
        let Some(fields) = cvety_api::openapi::body(route.method, route.path) else {
            continue;
        };
        let path = route.path.replace("{id}", "999999");
        let reply = api
            .send(&route.method.to_uppercase(), &path, sample(fields))
            .await;
        assert!(
            !reply.body.to_string().contains("unknown field"),
            "{} {}: {reply:?}",
            route.method,
            route.path
        );
        assert!(
            reply.status < 500,
            "{} {}: {reply:?}",
            route.method,
            route.path
        );
    }
    let documented: usize = doc["paths"]
        .as_object()
        .map(|p| {
            p.values()
                .filter_map(|v| v.as_object())
                .map(|o| o.len())
                .sum()
        })
        .unwrap_or(0);
    assert_eq!(documented, cvety_api::openapi::ROUTES.len());
}

/// A body with every field of the documentation, each of its kind.
fn sample(fields: &[Field]) -> Value {
    let mut object = serde_json::Map::new();
    for field in fields {
        object.insert(field.name.to_string(), sample_of(&field.kind));
    }
    Value::Object(object)
}

fn sample_of(kind: &Kind) -> Value {
    match kind {
        Kind::Str => json!("x"),
        Kind::OneOf(labels) => json!(labels.first().copied().unwrap_or("x")),
        Kind::DateTime => json!("2026-11-25T10:00:00Z"),
        Kind::Int => json!(1),
        Kind::Num => json!(1.5),
        Kind::Bool => json!(true),
        Kind::Object(fields) => sample(fields),
        Kind::ArrayOf(item) => json!([sample_of(item)]),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors() {
    suite(&Api::start().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_database_behind_head() {
    let db = petal_testkit::TestDb::new().await;
    let graph = harness::graph();
    let dir = harness::migrations_dir().display().to_string();
    let empty = cvety_api::head::check(db.client(), &graph, &dir, "petal upgrade head").await;
    let message = empty.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("run `petal upgrade head`"), "{message}");
    harness::migrate(&db, &graph, Operation::Upgrade, "head").await;
    harness::migrate(&db, &graph, Operation::Downgrade, "-1").await;
    let behind = cvety_api::head::check(db.client(), &graph, &dir, "petal upgrade head").await;
    let message = behind.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("1 pending migration(s)"), "{message}");
    harness::migrate(&db, &graph, Operation::Upgrade, "head").await;
    assert!(
        cvety_api::head::check(db.client(), &graph, &dir, "petal upgrade head")
            .await
            .is_ok()
    );
}
