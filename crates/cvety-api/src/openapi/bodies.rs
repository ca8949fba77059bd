//! The request bodies' fields, for the OpenAPI document. The handlers'
//! structs deny unknown fields, so an integration test that sends every
//! field listed here for every route catches a field documented but not
//! accepted. Enum fields list the schema's own labels and the handlers'
//! own lists, so the document cannot drift from what is accepted.

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

pub(super) const ORDER_ITEM: &[Field] = &[
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
pub(super) const NEW_ORDER: &[Field] = &[
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
pub(super) const ORDER_STATUS: &[Field] = &[
    req("status", OneOf(OrderStatus::LABELS), ""),
    opt(
        "issue_type",
        OneOf(IssueType::LABELS),
        "required with the status issue",
    ),
    opt("issue_comment", Str, "null clears it"),
];
pub(super) const CUSTOMER: &[Field] = &[
    req("phone", Str, "unique"),
    opt("name", Str, ""),
    opt("email", Str, ""),
    opt("notes", Str, ""),
    opt("preferences", Str, ""),
    opt("source", OneOf(customers::SOURCES), ""),
];
pub(super) const ADDRESS: &[Field] = &[
    req("address", Str, "unique per customer"),
    opt("label", Str, "Home, Office, ..."),
];
pub(super) const IMPORTANT_DATE: &[Field] = &[
    req("date", Str, "MM-DD"),
    req("description", Str, "unique per customer and date"),
    opt("remind_days_before", Int, "0 to 365, default 3"),
];
pub(super) const STOCK: &[Field] = &[
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
pub(super) const STOCK_PATCH: &[Field] = &[
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
pub(super) const DELIVERY: &[Field] = &[
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
pub(super) const TASK: &[Field] = &[
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
pub(super) const TASK_STATUS: &[Field] = &[
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
pub(super) const ASSIGNMENT: &[Field] = &[req(
    "florist_id",
    Int,
    "an active user with the role florist",
)];
const IMAGE: &[Field] = &[
    req("image_url", Str, ""),
    opt("is_primary", Bool, "at most one"),
    opt("sort_order", Int, ""),
];
pub(super) const PRODUCT: &[Field] = &[
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
pub(super) const SETTINGS: &[Field] = &[
    opt("name", Str, ""),
    opt("address", Str, ""),
    opt("email", Str, ""),
    opt("phones", Kind::ArrayOf(&Str), ""),
    opt("working_hours", Kind::Object(HOURS), ""),
    opt("delivery_zones", Kind::ArrayOf(&Kind::Object(ZONE)), ""),
];
pub(super) const USER: &[Field] = &[
    req("phone", Str, "unique"),
    opt("name", Str, ""),
    opt("role", OneOf(users::ROLES), "default florist"),
    opt("is_active", Bool, "default true"),
];
pub(super) const USER_PATCH: &[Field] = &[
    opt("phone", Str, "unique"),
    opt("name", Str, "null clears it"),
    opt("role", OneOf(users::ROLES), ""),
    opt("is_active", Bool, ""),
];
