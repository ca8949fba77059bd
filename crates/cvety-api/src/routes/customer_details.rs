//! A customer's addresses and important dates (birthdays, anniversaries),
//! each unique per customer.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use cvety_schema::customer::{CustomerAddressIden, CustomerIden, CustomerImportantDateIden};
use serde::Deserialize;
use tokio_postgres::GenericClient;

use super::crud::{exists, fetch_inserted, insert_returning_id};
use super::customers::{AddressOut, ImportantDateOut, select_addresses, select_dates};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Body, parse_id};
use crate::validate::Check;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/customers/{id}/addresses", post(add_address))
        .route("/customers/{id}/important-dates", post(add_date))
}

/// 404 unless the customer exists.
async fn ensure_customer<C: GenericClient>(client: &C, id: i32) -> Result<(), ApiError> {
    if exists(client, CustomerIden::Table, CustomerIden::Id, id).await? {
        Ok(())
    } else {
        Err(ApiError::not_found("customer", id))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressIn {
    address: Option<String>,
    label: Option<String>,
}

async fn add_address(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(body): Body<AddressIn>,
) -> Result<(StatusCode, Json<AddressOut>), ApiError> {
    let id = parse_id(&id, "customer")?;
    let mut check = Check::new();
    let address = check.text("address", body.address.as_deref(), 500);
    let label = check.opt_text("label", body.label.as_deref(), 100);
    check.finish()?;
    let client = state.pool.get().await?;
    ensure_customer(&*client, id).await?;
    use CustomerAddressIden as A;
    let columns = [A::CustomerId, A::Address, A::Label];
    let values = [id.into(), address.into(), label.into()];
    let new_id = insert_returning_id(&*client, A::Table, columns, values, A::Id).await?;
    let out = fetch_inserted(&*client, select_addresses(), A::Id, new_id, "address").await?;
    Ok((StatusCode::CREATED, Json(out)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DateIn {
    /// `MM-DD`.
    date: Option<String>,
    description: Option<String>,
    remind_days_before: Option<i32>,
}

/// Whether `text` is a calendar day as `MM-DD` (29 February included: it
/// is a birthday every four years).
pub fn is_month_day(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = bytes
        .iter()
        .enumerate()
        .all(|(i, b)| i == 2 || b.is_ascii_digit());
    if bytes.len() != 5 || bytes[2] != b'-' || !digits {
        return false;
    }
    let (Ok(month), Ok(day)) = (text[..2].parse::<u32>(), text[3..].parse::<u32>()) else {
        return false;
    };
    chrono::NaiveDate::from_ymd_opt(2000, month, day).is_some()
}

async fn add_date(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(body): Body<DateIn>,
) -> Result<(StatusCode, Json<ImportantDateOut>), ApiError> {
    let id = parse_id(&id, "customer")?;
    let mut check = Check::new();
    let date = check.text("date", body.date.as_deref(), 5);
    if !date.is_empty() && !is_month_day(&date) {
        check.fail("date", "must be a calendar day as MM-DD");
    }
    let description = check.text("description", body.description.as_deref(), 500);
    let remind = body.remind_days_before.unwrap_or(3);
    check.ensure(
        (0..=365).contains(&remind),
        "remind_days_before",
        "must be between 0 and 365",
    );
    check.finish()?;
    let client = state.pool.get().await?;
    ensure_customer(&*client, id).await?;
    use CustomerImportantDateIden as D;
    let columns = [D::CustomerId, D::Date, D::Description, D::RemindDaysBefore];
    let values = [id.into(), date.into(), description.into(), remind.into()];
    let new_id = insert_returning_id(&*client, D::Table, columns, values, D::Id).await?;
    let out = fetch_inserted(&*client, select_dates(), D::Id, new_id, "date").await?;
    Ok((StatusCode::CREATED, Json(out)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn month_days() {
        assert!(super::is_month_day("02-29"));
        assert!(super::is_month_day("12-31"));
        assert!(!super::is_month_day("02-30"));
        assert!(!super::is_month_day("13-01"));
        assert!(!super::is_month_day("1-01"));
        assert!(!super::is_month_day("+1-01"));
    }
}
