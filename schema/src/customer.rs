//! The customer CRM: customers, their addresses and important dates.

use chrono::{DateTime, Utc};
use petal::Table;

#[derive(Debug, Clone, Table)]
#[petal(table = "customers")]
pub struct Customer {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(unique, index)]
    pub phone: String,
    pub name: Option<String>,
    pub email: Option<String>,
    #[petal(default = "0")]
    pub orders_count: Option<i32>,
    #[petal(default = "0")]
    #[petal(sql_type = "numeric(12,2)")]
    pub total_spent: Option<f64>,
    pub last_order_date: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    pub preferences: Option<String>,
    /// instagram, website, walkin, phone.
    pub source: Option<String>,
    #[petal(default = "now()")]
    pub created_at: Option<DateTime<Utc>>,
    #[petal(default = "now()")]
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "customer_addresses")]
#[petal(unique(name = "_customer_address_uc", columns(customer_id, address)))]
pub struct CustomerAddress {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(references = "customers.id", on_delete = "cascade")]
    pub customer_id: i32,
    pub address: String,
    /// Home, Office, ...
    pub label: Option<String>,
    #[petal(default = "0")]
    pub usage_count: Option<i32>,
    pub last_used_at: Option<DateTime<Utc>>,
    #[petal(default = "now()")]
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "customer_important_dates")]
#[petal(unique(name = "_customer_date_uc", columns(customer_id, date, description)))]
pub struct CustomerImportantDate {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(references = "customers.id", on_delete = "cascade")]
    pub customer_id: i32,
    /// MM-DD.
    pub date: String,
    pub description: String,
    #[petal(default = "3")]
    pub remind_days_before: Option<i32>,
    pub last_reminded_year: Option<i32>,
    #[petal(default = "now()")]
    pub created_at: Option<DateTime<Utc>>,
}
