//! [`ROUTES`]: every operation of the API, the source of the OpenAPI
//! document's paths, each with its body's fields when it takes one.

use super::bodies::{self, Field};

/// One operation of the API.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    /// Query parameters, each with a one-line description.
    pub query: &'static [(&'static str, &'static str)],
    /// The fields of the JSON body, for an operation that takes one.
    pub body: Option<&'static [Field]>,
    /// The status of a success.
    pub success: u16,
}

const PAGE: [(&str, &str); 2] = [
    ("limit", "page size, 1 to 500 (default 50)"),
    ("offset", "rows to skip (default 0)"),
];

/// `method "path" => success, tag, "summary"`, then `page [name: "what",
/// ...]` for a list (its filters; `limit` and `offset` are added) or
/// `body FIELDS` for an operation that takes a JSON body.
macro_rules! route {
    ($method:ident $path:literal => $success:literal, $tag:ident, $summary:literal
     $(, page [$($param:ident: $about:literal),* $(,)?])? $(, body $body:ident)?) => {
        Route {
            method: stringify!($method),
            path: $path,
            tag: stringify!($tag),
            summary: $summary,
            query: &[$($((stringify!($param), $about),)* PAGE[0], PAGE[1])?],
            body: route!(@body $($body)?),
            success: $success,
        }
    };
    (@body) => { None };
    (@body $body:ident) => { Some(bodies::$body) };
}

#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    route! { get "/api/orders/" => 200, orders, "List orders, newest first",
        page [status: "order status", customer_phone: "exact customer phone"] },
    route! { post "/api/orders/" => 201, orders,
        "Create an order, optionally with items (snapshotted, stems reserved)", body NEW_ORDER },
    route! { get "/api/orders/{id}" => 200, orders, "An order with its items" },
    route! { patch "/api/orders/{id}/status" => 200, orders,
        "Change an order's status (issue needs issue_type)", body ORDER_STATUS },
    route! { post "/api/orders/{id}/items" => 201, orders,
        "Add an item, reserving its warehouse stems", body ORDER_ITEM },
    route! { delete "/api/orders/{id}/items/{item_id}" => 200, orders,
        "Remove an item, releasing its reservation" },
    route! { get "/api/customers/" => 200, customers,
        "Search customers by phone or name", page [q: "part of a phone or name"] },
    route! { post "/api/customers/" => 201, customers,
        "Create a customer (409 on a known phone)", body CUSTOMER },
    route! { get "/api/customers/{id}" => 200, customers,
        "A customer with addresses and important dates" },
    route! { put "/api/customers/{id}" => 200, customers,
        "Replace a customer's fields", body CUSTOMER },
    route! { post "/api/customers/{id}/addresses" => 201, customers,
        "Add an address", body ADDRESS },
    route! { post "/api/customers/{id}/important-dates" => 201, customers,
        "Add an important date (MM-DD)", body IMPORTANT_DATE },
    route! { get "/api/warehouse/" => 200, warehouse, "List stock",
        page [
            variety: "exact variety",
            farm: "exact farm",
            supplier: "exact supplier",
            on_showcase: "true or false",
        ] },
    route! { post "/api/warehouse/" => 201, warehouse, "Add a stock item", body STOCK },
    route! { get "/api/warehouse/{id}" => 200, warehouse, "A stock item" },
    route! { patch "/api/warehouse/{id}" => 200, warehouse,
        "Change prices, quantity or flags of a stock item", body STOCK_PATCH },
    route! { get "/api/warehouse/deliveries" => 200, warehouse,
        "List supplier deliveries with positions", page [] },
    route! { post "/api/warehouse/deliveries" => 201, warehouse,
        "Record a delivery with its positions", body DELIVERY },
    route! { get "/api/production/tasks/" => 200, production,
        "List florist tasks, most urgent first",
        page [status: "task status", priority: "task priority"] },
    route! { post "/api/production/tasks/" => 201, production,
        "Create a task for an order", body TASK },
    route! { get "/api/production/tasks/{id}" => 200, production, "A task with its items" },
    route! { patch "/api/production/tasks/{id}/status" => 200, production,
        "Move a task along the board", body TASK_STATUS },
    route! { patch "/api/production/tasks/{id}/assign" => 200, production,
        "Assign a task to an active florist", body ASSIGNMENT },
    route! { get "/api/products/" => 200, products,
        "List products", page [category: "product category", is_active: "true or false"] },
    route! { post "/api/products/" => 201, products,
        "Create a product, optionally with images", body PRODUCT },
    route! { get "/api/products/{id}" => 200, products, "A product with its images" },
    route! { put "/api/products/{id}" => 200, products,
        "Replace a product's fields (and images, when given)", body PRODUCT },
    route! { get "/api/settings/" => 200, settings,
        "The company settings (created with defaults on first read)" },
    route! { patch "/api/settings/" => 200, settings, "Change company settings", body SETTINGS },
    route! { get "/api/users/" => 200, users, "List users",
        page [role: "florist, manager, courier or admin", is_active: "true or false"] },
    route! { post "/api/users/" => 201, users, "Create a user (409 on a known phone)", body USER },
    route! { patch "/api/users/{id}" => 200, users, "Change a user", body USER_PATCH },
    route! { get "/api/openapi.json" => 200, meta, "This document" },
];

/// The body of the operation, if it takes one.
pub fn body(method: &str, path: &str) -> Option<&'static [Field]> {
    ROUTES
        .iter()
        .find(|route| route.method == method && route.path == path)
        .and_then(|route| route.body)
}
