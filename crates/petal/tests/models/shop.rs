#![allow(dead_code)] // the fields exist for the derives, not to be read
//! Models compiled by `tests/derive.rs` and scanned from this file by the
//! same test: the two IRs must be equal.

use chrono::{DateTime, NaiveDate, Utc};
use petal::{DbEnum, Json, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
#[petal(name = "order_status")]
pub enum OrderStatus {
    New,
    Paid,
    #[petal(rename = "self-pickup", renamed_from = "pickup")]
    SelfPickup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, petal::DbEnum)]
#[petal(schema = "crm", comment = "customer kinds")]
pub enum CustomerTier {
    Regular,
    Vip,
}

/// Money stored with an explicit type: it has no `SqlType` impl.
#[derive(Debug, Clone, Copy)]
pub struct Money(pub i64);

#[derive(Debug, Clone, Table)]
#[petal(table = "customers", schema = "crm")]
#[petal(index(expr = "lower(email)", unique))]
#[petal(index(
    columns(email, phone),
    opclass(email = "text_pattern_ops"),
    collation = "C"
))]
#[petal(check(expr = "char_length(phone) >= 5"))]
#[petal(check(
    name = "customers_email_at",
    expr = "email LIKE '%@%'",
    not_valid,
    comment = "old rows unproven"
))]
#[petal(index(
    columns(birthday),
    method = "brin",
    with = "Pages_Per_Range = 16",
    comment = "by birthday"
))]
pub struct Customer {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(unique, index, comment = "E.164")]
    pub phone: String,
    pub email: Option<String>,
    pub tier: Option<CustomerTier>,
    pub birthday: Option<NaiveDate>,
    #[petal(generated = "lower(email)")]
    pub email_lower: Option<String>,
    #[petal(collation = "C")]
    pub nickname: Option<String>,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "orders", renamed_from = "old_orders")]
#[petal(check(name = "positive", expr = "id > 0"))]
#[petal(index(columns(status, created_at), where = "status <> 'new'"))]
#[petal(unique(
    name = "orders_number_uc",
    columns(number),
    deferrable,
    comment = "one number"
))]
#[petal(exclude(using = "btree", elements(number = "="), where = "total > 0"))]
#[petal(check(name = "orders_total_nonneg", expr = "total >= 0"))]
pub struct Order {
    #[petal(primary_key)]
    pub id: i32,
    pub number: i64,
    #[petal(default = "'new'")]
    pub status: OrderStatus,
    pub history: Vec<OrderStatus>,
    #[petal(
        references = "crm.customers.id",
        on_delete = "set null",
        initially_deferred,
        not_valid
    )]
    pub customer_id: Option<i64>,
    #[petal(sql_type = "numeric(12,2)")]
    pub total: Money,
    #[petal(default = "now()")]
    pub created_at: Option<DateTime<Utc>>,
    #[petal(column = "note_text", renamed_from = "note")]
    pub note: Option<String>,
    pub r#type: Option<String>,
    pub table: Option<String>,
    pub tags: Vec<String>,
    pub photo: Option<Vec<u8>>,
    pub window: Option<Json<Vec<String>>>,
    pub meta: serde_json::Value,
    #[petal(skip)]
    pub cached_label: String,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "order_lines")]
#[petal(primary_key(columns(order_id, line), initially_deferred, comment = "one per line"))]
pub struct OrderLine {
    #[petal(references = "orders.id", on_delete = "cascade")]
    pub order_id: i32,
    pub line: i16,
    #[petal(identity = "always")]
    pub seq: i64,
    pub qty: Quantity,
    pub returned: Option<Vec<Quantity>>,
}

/// A model with a lifetime: borrowed text is `text` too.
#[derive(Debug, Table)]
#[petal(table = "notes")]
pub struct Note<'a> {
    #[petal(primary_key(deferrable))]
    pub id: i64,
    pub body: &'a str,
    pub tags: Option<Vec<&'a str>>,
}

/// A partitioned table: its partitions are the SQL files'.
#[derive(Debug, Table)]
#[petal(table = "visits", partition_by = "range (seen_at)")]
#[petal(primary_key(id, seen_at))]
pub struct Visit {
    pub id: i64,
    pub seen_at: i64,
}

/// An enum type whose name needs quotes in SQL: `public."Priority Level"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
#[petal(name = "Priority Level")]
pub enum PriorityLevel {
    Low,
    High,
}

/// PostgreSQL allows an enum type without labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
pub enum Mood {}

/// What a database adopted with `petal init --from-database` holds: a
/// foreign key of two columns, with a comment, to names that need quotes;
/// a second one on a column; a key named by hand; ordered index keys; a
/// unique index's NULLS NOT DISTINCT; a check name another table shares.
#[derive(Debug, Clone, Table)]
#[petal(
    table = "Returns",
    primary_key(columns(order_id, line), name = "returns pk")
)]
#[petal(foreign_key(
    columns(order_id, line),
    references = r#""order_lines"("order_id", line)"#,
    on_delete = "cascade",
    initially_deferred,
    comment = "the line returned"
))]
#[petal(foreign_key(
    columns(customer_id),
    references = "crm.customers(id)",
    name = "returns_customer",
    not_valid
))]
#[petal(check(name = "positive", expr = "line > 0"))]
#[petal(index(columns(returned_at, reason), order(returned_at = "desc nulls last")))]
#[petal(index(expr = "lower(reason)", order = "desc", unique, nulls_not_distinct))]
pub struct Return {
    #[petal(references = "orders.id")]
    pub order_id: i32,
    pub line: i16,
    pub returned_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub priority: Option<PriorityLevel>,
    pub moods: Vec<Mood>,
    pub customer_id: Option<i64>,
}

/// A type alias, declared after its use: the scanner expands it as the
/// compiler does.
pub type Quantity = f32;
