//! The request bodies' fields, for the OpenAPI document. The handlers'
//! structs deny unknown fields, so an integration test that sends every
//! field listed here for every route catches a field documented but not
//! accepted.

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

const ORDER_STATUSES: &[&str] = &[
    "new",
    "paid",
    "assembled",
    "delivery",
    "self_pickup",
    "issue",
];
const ISSUE_TYPES: &[&str] = &[
    "wrong_address",
    "recipient_unavailable",
    "quality_issue",
    "wrong_order",
    "delivery_delay",
    "other",
];
const TASK_STATUSES: &[&str] = &[
    "pending",
    "assigned",
    "in_progress",
    "quality_check",
    "completed",
    "cancelled",
];
const PRIORITIES: &[&str] = &["urgent", "high", "normal", "low"];
const CATEGORIES: &[&str] = &["bouquet", "composition", "potted", "other"];

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
    req("delivery_method", OneOf(&["delivery", "self_pickup"]), ""),
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
    req("status", OneOf(ORDER_STATUSES), ""),
    opt(
        "issue_type",
        OneOf(ISSUE_TYPES),
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
    opt(
        "source",
        OneOf(&["instagram", "website", "walkin", "phone"]),
        "",
    ),
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
    req("currency", OneOf(&["USD", "EUR", "KZT"]), ""),
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
    req("currency", OneOf(&["USD", "EUR", "KZT"]), ""),
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
        OneOf(&["bouquet", "composition", "decoration"]),
        "default bouquet",
    ),
    opt("priority", OneOf(PRIORITIES), "default normal"),
    opt("deadline", DateTime, ""),
    opt("estimated_minutes", Int, "default 30"),
    opt("instructions", Str, ""),
    opt("items", Kind::ArrayOf(&Kind::Object(TASK_ITEM)), ""),
];
const TASK_STATUS: &[Field] = &[
    req(
        "status",
        OneOf(TASK_STATUSES),
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
    req("category", OneOf(CATEGORIES), ""),
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
const ROLES: &[&str] = &["florist", "manager", "courier", "admin"];
const USER: &[Field] = &[
    req("phone", Str, "unique"),
    opt("name", Str, ""),
    opt("role", OneOf(ROLES), "default florist"),
    opt("is_active", Bool, "default true"),
];
const USER_PATCH: &[Field] = &[
    opt("phone", Str, "unique"),
    opt("name", Str, "null clears it"),
    opt("role", OneOf(ROLES), ""),
    opt("is_active", Bool, ""),
];

/// The body of the operation, if it takes one.
pub fn body(method: &str, path: &str) -> Option<&'static [Field]> {
    Some(match (method, path) {
        ("post", "/api/orders/") => NEW_ORDER,
        ("patch", "/api/orders/{id}/status") => ORDER_STATUS,
        ("post", "/api/orders/{id}/items") => ORDER_ITEM,
        ("post", "/api/customers/") | ("put", "/api/customers/{id}") => CUSTOMER,
        ("post", "/api/customers/{id}/addresses") => ADDRESS,
        ("post", "/api/customers/{id}/important-dates") => IMPORTANT_DATE,
        ("post", "/api/warehouse/") => STOCK,
        ("patch", "/api/warehouse/{id}") => STOCK_PATCH,
        ("post", "/api/warehouse/deliveries") => DELIVERY,
        ("post", "/api/production/tasks/") => TASK,
        ("patch", "/api/production/tasks/{id}/status") => TASK_STATUS,
        ("patch", "/api/production/tasks/{id}/assign") => ASSIGNMENT,
        ("post", "/api/products/") | ("put", "/api/products/{id}") => PRODUCT,
        ("patch", "/api/settings/") => SETTINGS,
        ("post", "/api/users/") => USER,
        ("patch", "/api/users/{id}") => USER_PATCH,
        _ => return None,
    })
}
