//! The OpenAPI 3.1 document served at `/api/openapi.json`, built from
//! [`ROUTES`], the one list of the API's routes (a test checks the router
//! answers every one of them).

use axum::Json;
use serde_json::{Map, Value, json};

mod operations;

pub use operations::{Field, Kind, ROUTES, Route, body};

fn kind_schema(kind: &Kind) -> Value {
    match kind {
        Kind::Str => json!({ "type": "string" }),
        Kind::OneOf(labels) => json!({ "type": "string", "enum": labels }),
        Kind::DateTime => json!({ "type": "string", "format": "date-time" }),
        Kind::Int => json!({ "type": "integer", "format": "int32" }),
        Kind::Num => json!({ "type": "number" }),
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::Object(fields) => object_schema(fields),
        Kind::ArrayOf(item) => json!({ "type": "array", "items": kind_schema(item) }),
    }
}

fn object_schema(fields: &[Field]) -> Value {
    let mut properties = Map::new();
    for field in fields {
        let mut schema = kind_schema(&field.kind);
        if !field.doc.is_empty() {
            schema["description"] = json!(field.doc);
        }
        properties.insert(field.name.to_string(), schema);
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    json!({ "type": "object", "additionalProperties": false, "required": required, "properties": properties })
}

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
    if route.body.is_some() || !route.query.is_empty() || route.path.contains('{') {
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
    if let Some(fields) = route.body {
        op["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": object_schema(fields) } }
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
    /// The whole document, so a change to the route or body tables shows
    /// as a diff of what clients see.
    #[test]
    fn document_snapshot() {
        insta::assert_json_snapshot!("openapi", super::document());
    }

    #[test]
    fn only_writes_take_a_body() {
        for route in super::ROUTES {
            assert_eq!(
                route.body.is_some(),
                !matches!(route.method, "get" | "delete"),
                "{} {}",
                route.method,
                route.path
            );
        }
    }

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
