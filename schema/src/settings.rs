//! Company settings: a single row, created with its defaults on first read.

use chrono::{DateTime, Utc};
use petal::Table;
use serde_json::Value;

#[derive(Debug, Clone, Table)]
#[petal(table = "company_settings")]
pub struct CompanySettings {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(default = "'Cvety.kz'")]
    pub name: String,
    #[petal(default = "'г. Алматы, пр. Достык 89, офис 301'")]
    pub address: String,
    #[petal(default = "'info@cvety.kz'")]
    pub email: String,
    #[petal(default = r#"'["+7 (700) 123-45-67", "+7 (727) 123-45-67"]'::jsonb"#)]
    pub phones: Value,
    #[petal(default = r#"'{"from": "09:00", "to": "20:00"}'::jsonb"#)]
    pub working_hours: Value,
    #[petal(
        default = r#"'[{"name": "Центр города", "price": 2000}, {"name": "Алмалинский район", "price": 2500}, {"name": "Бостандыкский район", "price": 2500}, {"name": "Медеуский район", "price": 3000}, {"name": "Наурызбайский район", "price": 3500}, {"name": "За городом", "price": 5000}]'::jsonb"#
    )]
    pub delivery_zones: Value,
    #[petal(default = "now()")]
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}
