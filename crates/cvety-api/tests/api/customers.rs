use serde_json::json;

use crate::fixtures;
use crate::harness::{Api, expect, expect_field_error, id_of};

pub async fn suite(api: &Api) {
    let created = api
        .send("POST", "/api/customers/", json!({
            "phone": "+7 705 123 45 67", "name": "Айгерим Садыкова", "email": "aigerim@example.kz", "source": "instagram"
        }))
        .await;
    let created = expect(&created, 201);
    let id = id_of(created);
    assert_eq!(created["name"], "Айгерим Садыкова");
    assert_eq!(created["orders_count"], 0);
    assert_eq!(created["total_spent"], 0.0);
    assert_eq!(created["addresses"], json!([]));

    // The phone is unique: 409, with what conflicts.
    let dup = api
        .send(
            "POST",
            "/api/customers/",
            json!({ "phone": "+7 705 123 45 67" }),
        )
        .await;
    let message = expect(&dup, 409)["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("phone"), "{message}");
    let bad = api
        .send(
            "POST",
            "/api/customers/",
            json!({ "phone": "call me", "email": "nope", "source": "tv" }),
        )
        .await;
    for field in ["phone", "email", "source"] {
        expect_field_error(&bad, field);
    }

    // An order from the customer's phone joins their history.
    let rose = fixtures::product(api, "Customer rose", 10000.0, None).await;
    let order = fixtures::order(
        api,
        "+7 705 123 45 67",
        json!([{ "product_id": rose, "quantity": 2 }]),
    )
    .await;
    assert_eq!(order["customer_id"], id);
    let read = api.get(&format!("/api/customers/{id}")).await;
    let read = expect(&read, 200);
    assert_eq!(read["orders_count"], 1);
    assert_eq!(read["total_spent"], 22000.0);
    assert!(read["last_order_date"].is_string());

    // The counters are the database's (the trigger of
    // schema/sql/customer_totals.sql): an item added to the order moves
    // them, and removed, moves them back.
    let order_id = id_of(&order);
    let added = api
        .send(
            "POST",
            &format!("/api/orders/{order_id}/items"),
            json!({ "product_id": rose, "quantity": 1 }),
        )
        .await;
    let item = expect(&added, 201)["items"][1]["id"].clone();
    let read = api.get(&format!("/api/customers/{id}")).await;
    let read = expect(&read, 200);
    assert_eq!(read["orders_count"], 1);
    assert_eq!(read["total_spent"], 32000.0);
    let removed = api
        .delete(&format!("/api/orders/{order_id}/items/{item}"))
        .await;
    expect(&removed, 200);
    let read = api.get(&format!("/api/customers/{id}")).await;
    assert_eq!(expect(&read, 200)["total_spent"], 22000.0);

    // Search by part of the phone or the name, case-insensitive.
    let other = api
        .send(
            "POST",
            "/api/customers/",
            json!({ "phone": "+7 777 000 11 22", "name": "Bob" }),
        )
        .await;
    expect(&other, 201);
    // Case folding of non-ASCII text follows the database's locale (the
    // test cluster's may be C), so the Cyrillic search keeps the case.
    let found = api
        .get("/api/customers/?q=%D0%B9%D0%B3%D0%B5%D1%80%D0%B8%D0%BC")
        .await; // "йгерим"
    let found = expect(&found, 200);
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["id"], id);
    let found = api.get("/api/customers/?q=777").await;
    assert_eq!(expect(&found, 200)["items"][0]["name"], "Bob");
    let found = api.get("/api/customers/?q=bOB").await;
    assert_eq!(expect(&found, 200)["items"][0]["name"], "Bob");
    let none = api.get("/api/customers/?q=%25").await; // a literal "%"
    assert_eq!(expect(&none, 200)["total"], 0);

    expect_field_error(&api.get("/api/customers/?limit=501").await, "limit");
    expect(&api.get("/api/customers/?offset=-1").await, 400);

    // PUT replaces every field.
    let replaced = api
        .send(
            "PUT",
            &format!("/api/customers/{id}"),
            json!({ "phone": "+7 705 123 45 68", "name": "Айгерим С.", "notes": "VIP" }),
        )
        .await;
    let replaced = expect(&replaced, 200);
    assert_eq!(replaced["phone"], "+7 705 123 45 68");
    assert_eq!(replaced["email"], serde_json::Value::Null);
    assert_eq!(replaced["notes"], "VIP");
    expect(
        &api.send(
            "PUT",
            &format!("/api/customers/{id}"),
            json!({ "phone": "+7 777 000 11 22" }),
        )
        .await,
        409,
    );
    expect(
        &api.send(
            "PUT",
            "/api/customers/999999",
            json!({ "phone": "+7 705 000 00 00" }),
        )
        .await,
        404,
    );
    expect_field_error(
        &api.send(
            "PUT",
            &format!("/api/customers/{id}"),
            json!({ "name": "no phone" }),
        )
        .await,
        "phone",
    );

    // Addresses, unique per customer.
    let address = api
        .send(
            "POST",
            &format!("/api/customers/{id}/addresses"),
            json!({ "address": "ул. Сатпаева 30", "label": "Home" }),
        )
        .await;
    let address = expect(&address, 201);
    assert_eq!(address["customer_id"], id);
    assert_eq!(address["usage_count"], 0);
    expect(
        &api.send(
            "POST",
            &format!("/api/customers/{id}/addresses"),
            json!({ "address": "ул. Сатпаева 30" }),
        )
        .await,
        409,
    );
    expect_field_error(
        &api.send(
            "POST",
            &format!("/api/customers/{id}/addresses"),
            json!({ "address": " " }),
        )
        .await,
        "address",
    );
    expect(
        &api.send(
            "POST",
            "/api/customers/999999/addresses",
            json!({ "address": "x" }),
        )
        .await,
        404,
    );

    // Important dates as MM-DD.
    let date = api
        .send(
            "POST",
            &format!("/api/customers/{id}/important-dates"),
            json!({ "date": "03-08", "description": "8 марта" }),
        )
        .await;
    let date = expect(&date, 201);
    assert_eq!(date["remind_days_before"], 3);
    expect(
        &api.send(
            "POST",
            &format!("/api/customers/{id}/important-dates"),
            json!({ "date": "03-08", "description": "8 марта" }),
        )
        .await,
        409,
    );
    expect_field_error(
        &api.send(
            "POST",
            &format!("/api/customers/{id}/important-dates"),
            json!({ "date": "02-30", "description": "x" }),
        )
        .await,
        "date",
    );
    expect(
        &api.send(
            "POST",
            "/api/customers/999999/important-dates",
            json!({ "date": "01-01", "description": "x" }),
        )
        .await,
        404,
    );

    let detail = api.get(&format!("/api/customers/{id}")).await;
    let detail = expect(&detail, 200);
    assert_eq!(detail["addresses"][0]["label"], "Home");
    assert_eq!(detail["important_dates"][0]["description"], "8 марта");
    expect(&api.get("/api/customers/999999").await, 404);
    expect(&api.get("/api/customers/1.5").await, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers() {
    suite(&Api::start().await).await;
}
