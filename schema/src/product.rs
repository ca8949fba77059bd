//! The product catalogue.

use chrono::{DateTime, Utc};
use petal::{DbEnum, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
#[petal(name = "product_category")]
pub enum ProductCategory {
    Bouquet,
    Composition,
    Potted,
    Other,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "products")]
pub struct Product {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(index)]
    pub name: String,
    pub category: ProductCategory,
    pub description: Option<String>,
    /// The main image.
    pub image_url: Option<String>,
    #[petal(sql_type = "numeric(12,2)")]
    pub cost_price: f64,
    #[petal(sql_type = "numeric(12,2)")]
    pub retail_price: f64,
    #[petal(sql_type = "numeric(12,2)")]
    pub sale_price: Option<f64>,
    #[petal(default = "true", index)]
    pub is_active: Option<bool>,
    #[petal(default = "false")]
    pub is_popular: Option<bool>,
    #[petal(default = "false")]
    pub is_new: Option<bool>,
    #[petal(default = "now()")]
    pub created_at: Option<DateTime<Utc>>,
    #[petal(default = "now()")]
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "product_images")]
pub struct ProductImage {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(references = "products.id", on_delete = "cascade")]
    pub product_id: i32,
    pub image_url: String,
    #[petal(default = "false")]
    pub is_primary: Option<bool>,
    #[petal(default = "0")]
    pub sort_order: Option<i32>,
    #[petal(default = "now()")]
    pub created_at: Option<DateTime<Utc>>,
}
