//! [`ROUTES`]: every operation of the API, the source of the OpenAPI
//! document's paths.

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
