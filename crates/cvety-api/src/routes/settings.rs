//! Company settings: a single row, created with the schema's defaults on
//! first read.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cvety_schema::settings::CompanySettingsIden as S;
use petal::sea_query::{Expr, ExprTrait, OnConflict, Order as SortOrder, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_postgres::GenericClient;

use super::crud::select_columns;
use crate::AppState;
use crate::db::{self, jsonb};
use crate::error::ApiError;
use crate::extract::Body;
use crate::validate::Check;

pub fn routes() -> Router<AppState> {
    Router::new().route("/settings/", get(read).patch(update))
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SettingsOut {
    pub id: i32,
    pub name: String,
    pub address: String,
    pub email: String,
    pub phones: Value,
    pub working_hours: Value,
    pub delivery_zones: Value,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

fn select() -> SelectStatement {
    let columns = [
        S::Id,
        S::Name,
        S::Address,
        S::Email,
        S::Phones,
        S::WorkingHours,
        S::DeliveryZones,
        S::CreatedAt,
        S::UpdatedAt,
    ];
    select_columns(S::table_ref(), &columns, &[])
        .order_by(S::Id, SortOrder::Asc)
        .to_owned()
}

/// The settings row, inserted with every column's default when there is
/// none. Concurrent first reads both try to insert row 1; `ON CONFLICT DO
/// NOTHING` on the primary key lets exactly one of them win.
async fn fetch_or_create<C: GenericClient>(client: &C) -> Result<SettingsOut, ApiError> {
    if let Some(row) = db::fetch_optional(client, &select()).await? {
        return Ok(row);
    }
    let insert = Query::insert()
        .into_table(S::table_ref())
        .columns([S::Id])
        .values([1.into()])
        .map_err(|e| ApiError::internal(e.to_string()))?
        .on_conflict(OnConflict::column(S::Id).do_nothing().to_owned())
        .to_owned();
    db::execute(client, &insert).await?;
    db::fetch_optional(client, &select())
        .await?
        .ok_or_else(|| ApiError::internal("the settings row vanished after its insert"))
}

async fn read(State(state): State<AppState>) -> Result<Json<SettingsOut>, ApiError> {
    let client = state.pool.get().await?;
    Ok(Json(fetch_or_create(&*client).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsPatch {
    name: Option<String>,
    address: Option<String>,
    email: Option<String>,
    phones: Option<Vec<String>>,
    working_hours: Option<WorkingHours>,
    delivery_zones: Option<Vec<DeliveryZone>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkingHours {
    from: String,
    to: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveryZone {
    name: String,
    price: f64,
}

fn is_clock_time(text: &str) -> bool {
    chrono::NaiveTime::parse_from_str(text, "%H:%M").is_ok() && text.len() == 5
}

async fn update(
    State(state): State<AppState>,
    Body(body): Body<SettingsPatch>,
) -> Result<Json<SettingsOut>, ApiError> {
    let mut check = Check::new();
    let mut update = Query::update();
    update.table(S::table_ref());
    if body.name.is_some() {
        update.value(S::Name, check.text("name", body.name.as_deref(), 200));
    }
    if body.address.is_some() {
        update.value(
            S::Address,
            check.text("address", body.address.as_deref(), 500),
        );
    }
    if let Some(email) = body.email.as_deref() {
        let email = check.email("email", Some(email));
        check.ensure(email.is_some(), "email", "is required");
        update.value(S::Email, email);
    }
    if let Some(phones) = &body.phones {
        for (i, p) in phones.iter().enumerate() {
            check.ensure(
                crate::validate::is_phone(p),
                &format!("phones[{i}]"),
                "must be a phone number of 10 to 15 digits",
            );
        }
        update.value(S::Phones, jsonb(Some(&serde_json::json!(phones))));
    }
    if let Some(hours) = &body.working_hours {
        check.ensure(
            is_clock_time(&hours.from),
            "working_hours.from",
            "must be a time as HH:MM",
        );
        check.ensure(
            is_clock_time(&hours.to),
            "working_hours.to",
            "must be a time as HH:MM",
        );
        check.ensure(
            hours.from < hours.to,
            "working_hours",
            "`from` must be before `to`",
        );
        update.value(S::WorkingHours, jsonb(Some(&serde_json::json!(hours))));
    }
    if let Some(zones) = &body.delivery_zones {
        for (i, z) in zones.iter().enumerate() {
            check.ensure(
                !z.name.trim().is_empty(),
                &format!("delivery_zones[{i}].name"),
                "must not be blank",
            );
            check.money(&format!("delivery_zones[{i}].price"), z.price);
        }
        update.value(S::DeliveryZones, jsonb(Some(&serde_json::json!(zones))));
    }
    check.finish()?;
    update.value(S::UpdatedAt, Expr::current_timestamp());
    let out = db::in_transaction(&state.pool, async |tx| {
        let current = fetch_or_create(tx).await?;
        update.and_where(Expr::col(S::Id).eq(current.id));
        db::execute(tx, &update).await?;
        fetch_or_create(tx).await
    })
    .await?;
    Ok(Json(out))
}
