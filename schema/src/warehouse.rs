//! The flower warehouse and the supplier deliveries that feed it.

use chrono::{DateTime, Utc};
use petal::Table;

#[derive(Debug, Clone, Table)]
#[petal(table = "warehouse_items")]
pub struct WarehouseItem {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(unique, index)]
    pub sku: String,
    pub batch_code: String,
    #[petal(index)]
    pub variety: String,
    pub height_cm: i32,
    #[petal(index)]
    pub farm: String,
    #[petal(index)]
    pub supplier: String,
    pub delivery_date: DateTime<Utc>,
    #[petal(default = "now()")]
    pub created_at: Option<DateTime<Utc>>,
    #[petal(default = "now()")]
    pub updated_at: Option<DateTime<Utc>>,
    /// USD, EUR, KZT.
    pub currency: String,
    /// Exchange rate to KZT.
    #[petal(sql_type = "numeric(12,4)")]
    pub rate: f64,
    /// In the original currency.
    #[petal(sql_type = "numeric(12,2)")]
    pub cost: f64,
    /// KZT.
    #[petal(sql_type = "numeric(12,2)")]
    pub recommended_price: f64,
    /// KZT.
    #[petal(sql_type = "numeric(12,2)")]
    pub price: f64,
    #[petal(default = "100.0")]
    #[petal(sql_type = "numeric(12,2)")]
    pub markup_pct: f64,
    #[petal(default = "0")]
    pub qty: i32,
    #[petal(default = "0")]
    pub reserved_qty: i32,
    #[petal(default = "false", index)]
    pub on_showcase: Option<bool>,
    #[petal(default = "false", index)]
    pub to_write_off: Option<bool>,
    #[petal(default = "false")]
    pub hidden: Option<bool>,
    pub updated_by: Option<String>,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "deliveries")]
pub struct Delivery {
    #[petal(primary_key)]
    pub id: i32,
    pub supplier: String,
    pub farm: String,
    pub delivery_date: DateTime<Utc>,
    pub currency: String,
    #[petal(sql_type = "numeric(12,4)")]
    pub rate: f64,
    #[petal(sql_type = "numeric(12,2)")]
    pub cost_total: f64,
    pub comment: Option<String>,
    #[petal(default = "now()")]
    pub created_at: Option<DateTime<Utc>>,
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "delivery_positions")]
pub struct DeliveryPosition {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(references = "deliveries.id", on_delete = "cascade")]
    pub delivery_id: i32,
    pub variety: String,
    pub height_cm: i32,
    pub qty: i32,
    #[petal(sql_type = "numeric(12,2)")]
    pub cost_per_stem: f64,
    #[petal(sql_type = "numeric(12,2)")]
    pub total_cost: f64,
}
