use serde_json::json;

use crate::harness::{Api, expect, expect_field_error};

pub async fn suite(api: &Api) {
    // First reads, at once: exactly one row, with the schema's defaults.
    let (a, b) = tokio::join!(api.get("/api/settings/"), api.get("/api/settings/"));
    let a = expect(&a, 200).clone();
    assert_eq!(expect(&b, 200)["id"], a["id"]);
    assert_eq!(a["name"], "Cvety.kz");
    assert_eq!(a["address"], "г. Алматы, пр. Достык 89, офис 301");
    assert_eq!(
        a["working_hours"],
        json!({ "from": "09:00", "to": "20:00" })
    );
    assert_eq!(a["phones"][0], "+7 (700) 123-45-67");
    assert_eq!(a["delivery_zones"][0]["name"], "Центр города");
    let rows = api
        .db
        .client()
        .query_one("SELECT count(*) FROM company_settings", &[])
        .await;
    assert_eq!(rows.map(|r| r.get::<_, i64>(0)).ok(), Some(1));

    let patched = api
        .send(
            "PATCH",
            "/api/settings/",
            json!({
                "name": "Цветы.kz", "working_hours": { "from": "08:30", "to": "21:00" },
                "delivery_zones": [{ "name": "Центр", "price": 1500 }]
            }),
        )
        .await;
    let patched = expect(&patched, 200);
    assert_eq!(patched["name"], "Цветы.kz");
    assert_eq!(patched["email"], "info@cvety.kz");
    assert_eq!(patched["working_hours"]["from"], "08:30");
    assert_eq!(
        patched["delivery_zones"],
        json!([{ "name": "Центр", "price": 1500.0 }])
    );
    assert!(patched["updated_at"].is_string());
    let again = api.get("/api/settings/").await;
    assert_eq!(expect(&again, 200)["name"], "Цветы.kz");

    let bad = api
        .send("PATCH", "/api/settings/", json!({
            "email": "nope", "phones": ["123"], "working_hours": { "from": "25:00", "to": "10:00" },
            "delivery_zones": [{ "name": " ", "price": -5 }]
        }))
        .await;
    for field in [
        "email",
        "phones[0]",
        "working_hours.from",
        "delivery_zones[0].name",
        "delivery_zones[0].price",
    ] {
        expect_field_error(&bad, field);
    }
    expect_field_error(
        &api.send("PATCH", "/api/settings/", json!({ "phones": "one" }))
            .await,
        "phones",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings() {
    suite(&Api::start().await).await;
}
