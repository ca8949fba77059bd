//! The OpenAPI 3.1 document served at `/api/openapi.json`, built from
//! [`ROUTES`], the one list of the API's routes (a test checks the router
//! answers every one of them).

use axum::Json;
use serde_json::{Map, Value, json};

/// One operation of the API.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    /// Query parameters, each with a one-line description.
    pub query: &'static [(&'static str, &'static str)],
    /// Whether the operation takes a JSON body.
    pub body: bool,
    /// The status of a success.
    pub success: u16,
}

const PAGE: [(&str, &str); 2] = [
    ("limit", "page size, 1 to 500 (default 50)"),
    ("offset", "rows to skip (default 0)"),
];

macro_rules! route {
    ($method:literal, $path:literal, $tag:literal, $summary:literal, [$($q:expr),*], $body:literal, $success:literal) => {
        Route { method: $method, path: $path, tag: $tag, summary: $summary, query: &[$($q),*], body: $body, success: $success }
    };
}

pub const ROUTES: &[Route] = &[
    route!(
        "get",
        "/api/orders/",
        "orders",
        "List orders, newest first",
        [
            ("status", "order status"),
            ("customer_phone", "exact customer phone"),
            PAGE[0],
            PAGE[1]
        ],
        false,
        200
    ),
    route!(
        "post",
        "/api/orders/",
        "orders",
        "Create an order, optionally with items (snapshotted, stems reserved)",
        [],
        true,
        201
    ),
    route!(
        "get",
        "/api/orders/{id}",
        "orders",
        "An order with its items",
        [],
        false,
        200
    ),
    route!(
        "patch",
        "/api/orders/{id}/status",
        "orders",
        "Change an order's status (issue needs issue_type)",
        [],
        true,
        200
    ),
    route!(
        "post",
        "/api/orders/{id}/items",
        "orders",
        "Add an item, reserving its warehouse stems",
        [],
        true,
        201
    ),
    route!(
        "delete",
        "/api/orders/{id}/items/{item_id}",
        "orders",
        "Remove an item, releasing its reservation",
        [],
        false,
        200
    ),
    route!(
        "get",
        "/api/customers/",
        "customers",
        "Search customers by phone or name",
        [("q", "part of a phone or name"), PAGE[0], PAGE[1]],
        false,
        200
    ),
    route!(
        "post",
        "/api/customers/",
        "customers",
        "Create a customer (409 on a known phone)",
        [],
        true,
        201
    ),
    route!(
        "get",
        "/api/customers/{id}",
        "customers",
        "A customer with addresses and important dates",
        [],
        false,
        200
    ),
    route!(
        "put",
        "/api/customers/{id}",
        "customers",
        "Replace a customer's fields",
        [],
        true,
        200
    ),
    route!(
        "post",
        "/api/customers/{id}/addresses",
        "customers",
        "Add an address",
        [],
        true,
        201
    ),
    route!(
        "post",
        "/api/customers/{id}/important-dates",
        "customers",
        "Add an important date (MM-DD)",
        [],
        true,
        201
    ),
    route!(
        "get",
        "/api/warehouse/",
        "warehouse",
        "List stock",
        [
            ("variety", "exact variety"),
            ("farm", "exact farm"),
            ("supplier", "exact supplier"),
            ("on_showcase", "true or false"),
            PAGE[0],
            PAGE[1]
        ],
        false,
        200
    ),
    route!(
        "post",
        "/api/warehouse/",
        "warehouse",
        "Add a stock item",
        [],
        true,
        201
    ),
    route!(
        "get",
        "/api/warehouse/{id}",
        "warehouse",
        "A stock item",
        [],
        false,
        200
    ),
    route!(
        "patch",
        "/api/warehouse/{id}",
        "warehouse",
        "Change prices, quantity or flags of a stock item",
        [],
        true,
        200
    ),
    route!(
        "get",
        "/api/warehouse/deliveries",
        "warehouse",
        "List supplier deliveries with positions",
        [PAGE[0], PAGE[1]],
        false,
        200
    ),
    route!(
        "post",
        "/api/warehouse/deliveries",
        "warehouse",
        "Record a delivery with its positions",
        [],
        true,
        201
    ),
    route!(
        "get",
        "/api/production/tasks/",
        "production",
        "List florist tasks, most urgent first",
        [
            ("status", "task status"),
            ("priority", "task priority"),
            PAGE[0],
            PAGE[1]
        ],
        false,
        200
    ),
    route!(
        "post",
        "/api/production/tasks/",
        "production",
        "Create a task for an order",
        [],
        true,
        201
    ),
    route!(
        "get",
        "/api/production/tasks/{id}",
        "production",
        "A task with its items",
        [],
        false,
        200
    ),
    route!(
        "patch",
        "/api/production/tasks/{id}/status",
        "production",
        "Move a task along the board",
        [],
        true,
        200
    ),
    route!(
        "patch",
        "/api/production/tasks/{id}/assign",
        "production",
        "Assign a task to an active florist",
        [],
        true,
        200
    ),
    route!(
        "get",
        "/api/products/",
        "products",
        "List products",
        [
            ("category", "product category"),
            ("is_active", "true or false"),
            PAGE[0],
            PAGE[1]
        ],
        false,
        200
    ),
    route!(
        "post",
        "/api/products/",
        "products",
        "Create a product, optionally with images",
        [],
        true,
        201
    ),
    route!(
        "get",
        "/api/products/{id}",
        "products",
        "A product with its images",
        [],
        false,
        200
    ),
    route!(
        "put",
        "/api/products/{id}",
        "products",
        "Replace a product's fields (and images, when given)",
        [],
        true,
        200
    ),
    route!(
        "get",
        "/api/settings/",
        "settings",
        "The company settings (created with defaults on first read)",
        [],
        false,
        200
    ),
    route!(
        "patch",
        "/api/settings/",
        "settings",
        "Change company settings",
        [],
        true,
        200
    ),
    route!(
        "get",
        "/api/users/",
        "users",
        "List users",
        [
            ("role", "florist, manager, courier or admin"),
            ("is_active", "true or false"),
            PAGE[0],
            PAGE[1]
        ],
        false,
        200
    ),
    route!(
        "post",
        "/api/users/",
        "users",
        "Create a user (409 on a known phone)",
        [],
        true,
        201
    ),
    route!(
        "patch",
        "/api/users/{id}",
        "users",
        "Change a user",
        [],
        true,
        200
    ),
    route!(
        "get",
        "/api/openapi.json",
        "meta",
        "This document",
        [],
        false,
        200
    ),
];

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
    })
}

fn operation(route: &Route) -> Value {
    let mut parameters: Vec<Value> = route
        .path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            json!({ "name": name, "in": "path", "required": true,
                    "schema": { "type": "integer", "minimum": 1 } })
        })
        .collect();
    parameters.extend(route.query.iter().map(|(name, description)| {
        json!({ "name": name, "in": "query", "required": false, "description": description,
                "schema": { "type": "string" } })
    }));
    let mut responses = Map::new();
    responses.insert(
        route.success.to_string(),
        json!({ "description": "success", "content": { "application/json": { "schema": { "type": "object" } } } }),
    );
    if route.body || !route.query.is_empty() || route.path.contains('{') {
        responses.insert("400".into(), error_response("malformed request"));
        responses.insert("422".into(), error_response("validation failed, per field"));
    }
    if route.path.contains('{') {
        responses.insert("404".into(), error_response("no such row"));
    }
    if route.method != "get" {
        responses.insert("409".into(), error_response("conflicts with the data"));
    }
    let mut op = json!({
        "tags": [route.tag],
        "summary": route.summary,
        "operationId": format!("{}_{}", route.method, route.path.trim_start_matches("/api/").replace(['/', '{', '}', '-', '.'], "_").trim_matches('_')),
        "parameters": parameters,
        "responses": responses,
    });
    if route.body {
        op["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": { "type": "object" } } }
        });
    }
    op
}

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for route in ROUTES {
        let entry = paths.entry(route.path).or_insert_with(|| json!({}));
        entry[route.method] = operation(route);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Cvety.kz API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The flower shop's orders, customers, warehouse, production board, catalogue, settings and users, on the PostgreSQL schema that petal migrates."
        },
        "paths": paths,
        "components": { "schemas": { "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": { "type": "string" },
                "fields": { "type": "object", "additionalProperties": { "type": "array", "items": { "type": "string" } } }
            }
        } } }
    })
}

pub async fn handler() -> Json<Value> {
    Json(document())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_documented_once() {
        let doc = super::document();
        let mut count = 0;
        for route in super::ROUTES {
            assert!(
                doc["paths"][route.path][route.method].is_object(),
                "{} {}",
                route.method,
                route.path
            );
            count += 1;
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
        assert_eq!(documented, count);
    }
}
