//! Rows the suites build on, created through the API itself.

use serde_json::{Value, json};

use crate::harness::{Api, expect, id_of};

pub async fn product(api: &Api, name: &str, retail: f64, sale: Option<f64>) -> i64 {
    let reply = api
        .send(
            "POST",
            "/api/products/",
            json!({
                "name": name, "category": "bouquet", "cost_price": retail / 2.0,
                "retail_price": retail, "sale_price": sale
            }),
        )
        .await;
    id_of(expect(&reply, 201))
}

pub async fn stock(api: &Api, sku: &str, qty: i64) -> i64 {
    let reply = api
        .send(
            "POST",
            "/api/warehouse/",
            json!({
                "sku": sku, "batch_code": "B-1", "variety": "Freedom", "height_cm": 60,
                "farm": "Alexandra", "supplier": "Ecuador Direct",
                "delivery_date": "2026-11-20T08:00:00Z", "currency": "USD",
                "rate": 470.5, "cost": 0.6, "qty": qty
            }),
        )
        .await;
    id_of(expect(&reply, 201))
}

pub async fn order(api: &Api, phone: &str, items: Value) -> Value {
    let reply = api
        .send(
            "POST",
            "/api/orders/",
            json!({
                "customer_phone": phone, "delivery_method": "delivery",
                "address": "пр. Абая 10, кв. 5", "delivery_fee": 2000, "items": items
            }),
        )
        .await;
    expect(&reply, 201).clone()
}
