//! [`ROUTES`]: every operation of the API, the source of the OpenAPI
//! document's paths, each with its request body's fields when it takes
//! one. The handlers' structs deny unknown fields, so an integration test
//! that sends every field listed here for every route catches a field
//! documented but not accepted. Enum fields list the schema's own labels
//! and the handlers' own lists, so they cannot drift from what is accepted.

use cvety_schema::order::{DeliveryMethod, IssueType, OrderStatus};
use cvety_schema::product::ProductCategory;
use cvety_schema::production::{TaskPriority, TaskStatus};
use petal::DbEnum;

use crate::routes::{customers, production, users, warehouse};

/// A JSON value's shape.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Str,
    /// A string from a fixed list.
    OneOf(&'static [&'static str]),
    DateTime,
    Int,
    Num,
    Bool,
    Object(&'static [Field]),
    ArrayOf(&'static Kind),
}

/// One field of a body.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub doc: &'static str,
}

const fn req(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field {
        name,
        kind,
        required: true,
        doc,
    }
}

const fn opt(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field {
        name,
        kind,
        required: false,
        doc,
    }
}

use Kind::{Bool, DateTime, Int, Num, OneOf, Str};

const ORDER_ITEM: &[Field] = &[
    req(
        "product_id",
        Int,
        "the product; its name, category and price are copied",
    ),
    req("quantity", Int, "positive"),
    opt(
        "warehouse_item_id",
        Int,
        "stems to reserve, in the same transaction",
    ),
];
const WINDOW: &[Field] = &[
    req("from", DateTime, ""),
    req("to", DateTime, "after `from`"),
];
const NEW_ORDER: &[Field] = &[
    req(
        "customer_phone",
        Str,
        "10 to 15 digits; links a known customer",
    ),
    opt("customer_id", Int, "an existing customer"),
    opt("recipient_phone", Str, ""),
    opt("recipient_name", Str, ""),
    opt("address", Str, "required for delivery"),
    req("delivery_method", OneOf(DeliveryMethod::LABELS), ""),
    opt("delivery_window", Kind::Object(WINDOW), ""),
    opt(
        "flower_sum",
        Num,
        "required without items; computed from items otherwise",
    ),
    opt("delivery_fee", Num, "default 0"),
    opt("items", Kind::ArrayOf(&Kind::Object(ORDER_ITEM)), ""),
];
const ORDER_STATUS: &[Field] = &[
    req("status", OneOf(OrderStatus::LABELS), ""),
    opt(
        "issue_type",
        OneOf(IssueType::LABELS),
        "required with the status issue",
    ),
    opt("issue_comment", Str, "null clears it"),
];
const CUSTOMER: &[Field] = &[
    req("phone", Str, "unique"),
    opt("name", Str, ""),
    opt("email", Str, ""),
    opt("notes", Str, ""),
    opt("preferences", Str, ""),
    opt("source", OneOf(customers::SOURCES), ""),
];
const ADDRESS: &[Field] = &[
    req("address", Str, "unique per customer"),
    opt("label", Str, "Home, Office, ..."),
];
const IMPORTANT_DATE: &[Field] = &[
    req("date", Str, "MM-DD"),
    req("description", Str, "unique per customer and date"),
    opt("remind_days_before", Int, "0 to 365, default 3"),
];
const STOCK: &[Field] = &[
    req("sku", Str, "unique"),
    req("batch_code", Str, ""),
    req("variety", Str, ""),
    req("height_cm", Int, "positive"),
    req("farm", Str, ""),
    req("supplier", Str, ""),
    req("delivery_date", DateTime, ""),
    req("currency", OneOf(warehouse::CURRENCIES), ""),
    req("rate", Num, "to KZT, positive"),
    req("cost", Num, "per stem, in the currency"),
    opt(
        "recommended_price",
        Num,
        "default cost × rate × (1 + markup_pct / 100)",
    ),
    opt("price", Num, "default the recommended price"),
    opt("markup_pct", Num, "default 100"),
    opt("qty", Int, "default 0"),
    opt("on_showcase", Bool, ""),
    opt("hidden", Bool, ""),
    opt("updated_by", Str, ""),
];
const STOCK_PATCH: &[Field] = &[
    opt("price", Num, ""),
    opt("recommended_price", Num, ""),
    opt("markup_pct", Num, ""),
    opt("qty", Int, "not below reserved_qty (409)"),
    opt("on_showcase", Bool, ""),
    opt("to_write_off", Bool, ""),
    opt("hidden", Bool, ""),
    opt("updated_by", Str, "null clears it"),
];
const POSITION: &[Field] = &[
    req("variety", Str, ""),
    req("height_cm", Int, ""),
    req("qty", Int, "positive"),
    req("cost_per_stem", Num, ""),
];
const DELIVERY: &[Field] = &[
    req("supplier", Str, ""),
    req("farm", Str, ""),
    req("delivery_date", DateTime, ""),
    req("currency", OneOf(warehouse::CURRENCIES), ""),
    req("rate", Num, "positive"),
    opt("comment", Str, ""),
    opt("created_by", Str, ""),
    req(
        "positions",
        Kind::ArrayOf(&Kind::Object(POSITION)),
        "at least one",
    ),
];
const TASK_ITEM: &[Field] = &[
    req("order_item_id", Int, "an item of the task's order"),
    req("quantity", Int, ""),
];
const TASK: &[Field] = &[
    req("order_id", Int, ""),
    opt(
        "task_type",
        OneOf(production::TASK_TYPES),
        "default bouquet",
    ),
    opt("priority", OneOf(TaskPriority::LABELS), "default normal"),
    opt("deadline", DateTime, ""),
    opt("estimated_minutes", Int, "default 30"),
    opt("instructions", Str, ""),
    opt("items", Kind::ArrayOf(&Kind::Object(TASK_ITEM)), ""),
];
const TASK_STATUS: &[Field] = &[
    req(
        "status",
        OneOf(TaskStatus::LABELS),
        "completed and cancelled are final",
    ),
    opt("florist_notes", Str, ""),
    opt("quality_score", Num, "1 to 5"),
    opt("quality_notes", Str, ""),
    opt("actual_minutes", Int, ""),
];
const ASSIGNMENT: &[Field] = &[req(
    "florist_id",
    Int,
    "an active user with the role florist",
)];
const IMAGE: &[Field] = &[
    req("image_url", Str, ""),
    opt("is_primary", Bool, "at most one"),
    opt("sort_order", Int, ""),
];
const PRODUCT: &[Field] = &[
    req("name", Str, ""),
    req("category", OneOf(ProductCategory::LABELS), ""),
    opt("description", Str, ""),
    opt("image_url", Str, ""),
    req("cost_price", Num, ""),
    req("retail_price", Num, ""),
    opt("sale_price", Num, "at most retail_price"),
    opt("is_active", Bool, "default true"),
    opt("is_popular", Bool, ""),
    opt("is_new", Bool, ""),
    opt(
        "images",
        Kind::ArrayOf(&Kind::Object(IMAGE)),
        "replaces the images when given",
    ),
];
const HOURS: &[Field] = &[req("from", Str, "HH:MM"), req("to", Str, "HH:MM")];
const ZONE: &[Field] = &[req("name", Str, ""), req("price", Num, "")];
const SETTINGS: &[Field] = &[
    opt("name", Str, ""),
    opt("address", Str, ""),
    opt("email", Str, ""),
    opt("phones", Kind::ArrayOf(&Str), ""),
    opt("working_hours", Kind::Object(HOURS), ""),
    opt("delivery_zones", Kind::ArrayOf(&Kind::Object(ZONE)), ""),
];
const USER: &[Field] = &[
    req("phone", Str, "unique"),
    opt("name", Str, ""),
    opt("role", OneOf(users::ROLES), "default florist"),
    opt("is_active", Bool, "default true"),
];
const USER_PATCH: &[Field] = &[
    opt("phone", Str, "unique"),
    opt("name", Str, "null clears it"),
    opt("role", OneOf(users::ROLES), ""),
    opt("is_active", Bool, ""),
];

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
    (@body $body:ident) => { Some($body) };
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
    route! { get "/api/reports/daily-sales" => 200, reports,
        "Paid orders and revenue per day (Almaty time), newest first",
        page [from: "first day, YYYY-MM-DD", to: "last day, YYYY-MM-DD"] },
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
