//! Orders with delivery, and their line items.

use chrono::{DateTime, Utc};
use petal::{DbEnum, Table};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
#[petal(name = "order_status")]
pub enum OrderStatus {
    New,
    Paid,
    Assembled,
    Delivery,
    SelfPickup,
    Issue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
#[petal(name = "delivery_method")]
pub enum DeliveryMethod {
    Delivery,
    SelfPickup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
#[petal(name = "issue_type")]
pub enum IssueType {
    WrongAddress,
    RecipientUnavailable,
    QualityIssue,
    WrongOrder,
    DeliveryDelay,
    Other,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "orders")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(default = "now()")]
    pub created_at: Option<DateTime<Utc>>,
    #[petal(default = "now()")]
    pub updated_at: Option<DateTime<Utc>>,
    #[petal(default = "'new'")]
    pub status: OrderStatus,
    #[petal(references = "customers.id", on_delete = "set null")]
    pub customer_id: Option<i32>,
    #[petal(index)]
    pub customer_phone: String,
    pub recipient_phone: Option<String>,
    pub recipient_name: Option<String>,
    pub address: Option<String>,
    pub delivery_method: DeliveryMethod,
    /// An object `{"from": ts, "to": ts}`.
    pub delivery_window: Option<Value>,
    #[petal(sql_type = "numeric(12,2)")]
    pub flower_sum: f64,
    #[petal(default = "0")]
    #[petal(sql_type = "numeric(12,2)")]
    pub delivery_fee: Option<f64>,
    #[petal(sql_type = "numeric(12,2)")]
    pub total: f64,
    #[petal(default = "false")]
    pub has_pre_delivery_photos: Option<bool>,
    #[petal(default = "false")]
    pub has_issue: Option<bool>,
    pub issue_type: Option<IssueType>,
    pub issue_comment: Option<String>,
    #[petal(unique, index)]
    pub tracking_token: Option<String>,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "order_items")]
pub struct OrderItem {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(references = "orders.id", on_delete = "cascade")]
    pub order_id: i32,
    #[petal(references = "products.id")]
    pub product_id: i32,
    /// The product's name at order time.
    pub product_name: String,
    pub product_category: String,
    pub quantity: i32,
    /// Per unit, at order time.
    #[petal(sql_type = "numeric(12,2)")]
    pub price: f64,
    #[petal(sql_type = "numeric(12,2)")]
    pub total: f64,
    #[petal(references = "warehouse_items.id", on_delete = "set null")]
    pub warehouse_item_id: Option<i32>,
    #[petal(default = "false")]
    pub is_reserved: Option<bool>,
    #[petal(default = "false")]
    pub is_written_off: Option<bool>,
    pub reserved_at: Option<DateTime<Utc>>,
    pub written_off_at: Option<DateTime<Utc>>,
}
