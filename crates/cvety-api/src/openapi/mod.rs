//! The OpenAPI 3.1 document served at `/api/openapi.json`, built from
//! [`ROUTES`], the one list of the API's routes (a test checks the router
//! answers every one of them).

use axum::Json;
use serde_json::{Map, Value, json};

mod routes;

pub use routes::{ROUTES, Route};

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
