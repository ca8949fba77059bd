//! The shop's staff: florists (and, later, other roles) who work on tasks.

use chrono::{DateTime, Utc};
use petal::Table;

#[derive(Debug, Clone, Table)]
#[petal(table = "users")]
pub struct User {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(unique)]
    pub phone: String,
    pub name: Option<String>,
    /// florist, manager, courier, admin.
    #[petal(default = "'florist'")]
    pub role: String,
    #[petal(default = "true")]
    pub is_active: bool,
    #[petal(default = "now()")]
    pub created_at: Option<DateTime<Utc>>,
}
