//! The customer CRM: customers, their addresses and important dates
//! (birthdays, anniversaries), each unique per customer.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cvety_schema::customer::{CustomerAddressIden, CustomerIden, CustomerImportantDateIden};
use petal::sea_query::extension::postgres::PgExpr;
use petal::sea_query::{Expr, ExprTrait, Order as SortOrder, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use super::crud::{
    exists, fetch_inserted, fetch_one_or_404, fetch_page, insert_returning_id, select_columns,
    update_or_404,
};
use super::{Page, Paged};
use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Body, Params, parse_id};
use crate::validate::Check;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/customers/", get(list).post(create))
        .route("/customers/{id}", get(read).put(replace))
        .route("/customers/{id}/addresses", post(add_address))
        .route("/customers/{id}/important-dates", post(add_date))
}

pub const SOURCES: &[&str] = &["instagram", "website", "walkin", "phone"];

#[derive(Debug, Serialize, Deserialize)]
pub struct CustomerOut {
    pub id: i32,
    pub phone: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub orders_count: Option<i32>,
    pub total_spent: Option<f64>,
    pub last_order_date: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    pub preferences: Option<String>,
    pub source: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct AddressOut {
    pub id: i32,
    pub customer_id: i32,
    pub address: String,
    pub label: Option<String>,
    pub usage_count: Option<i32>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ImportantDateOut {
    pub id: i32,
    pub customer_id: i32,
    pub date: String,
    pub description: String,
    pub remind_days_before: Option<i32>,
    pub last_reminded_year: Option<i32>,
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct CustomerDetail {
    #[serde(flatten)]
    pub customer: CustomerOut,
    pub addresses: Vec<AddressOut>,
    pub important_dates: Vec<ImportantDateOut>,
}

fn select() -> SelectStatement {
    use CustomerIden as C;
    select_columns(
        C::table_ref(),
        &[
            C::Id,
            C::Phone,
            C::Name,
            C::Email,
            C::OrdersCount,
            C::LastOrderDate,
            C::Notes,
            C::Preferences,
            C::Source,
            C::CreatedAt,
            C::UpdatedAt,
        ],
        &[C::TotalSpent],
    )
}

/// The columns of [`AddressOut`].
fn select_addresses() -> SelectStatement {
    use CustomerAddressIden as A;
    let columns = [
        A::Id,
        A::CustomerId,
        A::Address,
        A::Label,
        A::UsageCount,
        A::LastUsedAt,
        A::CreatedAt,
    ];
    select_columns(A::table_ref(), &columns, &[])
}

/// The columns of [`ImportantDateOut`].
fn select_dates() -> SelectStatement {
    use CustomerImportantDateIden as D;
    let columns = [
        D::Id,
        D::CustomerId,
        D::Date,
        D::Description,
        D::RemindDaysBefore,
        D::LastRemindedYear,
        D::CreatedAt,
    ];
    select_columns(D::table_ref(), &columns, &[])
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    /// Part of a phone number or a name, case-insensitive.
    q: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    Params(query): Params<ListQuery>,
    Params(page): Params<Page>,
) -> Result<Json<Paged<CustomerOut>>, ApiError> {
    let mut q = select();
    if let Some(text) = query.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = db::like_pattern(text);
        q.and_where(
            Expr::col(CustomerIden::Phone)
                .ilike(pattern.as_str())
                .or(Expr::col(CustomerIden::Name).ilike(pattern.as_str())),
        );
    }
    let client = state.pool.get().await?;
    let order = [(CustomerIden::Id, SortOrder::Asc)];
    Ok(Json(fetch_page(&*client, q, order, page).await?))
}

async fn fetch_detail<C: GenericClient>(client: &C, id: i32) -> Result<CustomerDetail, ApiError> {
    let customer = fetch_one_or_404(client, select(), CustomerIden::Id, id, "customer").await?;
    let addresses = select_addresses()
        .and_where(Expr::col(CustomerAddressIden::CustomerId).eq(id))
        .order_by(CustomerAddressIden::Id, SortOrder::Asc)
        .to_owned();
    use CustomerImportantDateIden as D;
    let dates = select_dates()
        .and_where(Expr::col(D::CustomerId).eq(id))
        .order_by(D::Date, SortOrder::Asc)
        .order_by(D::Id, SortOrder::Asc)
        .to_owned();
    Ok(CustomerDetail {
        customer,
        addresses: db::fetch_all(client, &addresses).await?,
        important_dates: db::fetch_all(client, &dates).await?,
    })
}

async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CustomerDetail>, ApiError> {
    let id = parse_id(&id, "customer")?;
    let client = state.pool.get().await?;
    Ok(Json(fetch_detail(&*client, id).await?))
}

/// The body of `POST` and `PUT`: `PUT` replaces every field, so an absent
/// optional field is cleared. Both write the same columns.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerIn {
    phone: Option<String>,
    name: Option<String>,
    email: Option<String>,
    notes: Option<String>,
    preferences: Option<String>,
    source: Option<String>,
}

impl CustomerIn {
    /// The customer's columns and their checked values.
    fn checked(self) -> Result<[(CustomerIden, Expr); 6], ApiError> {
        let mut check = Check::new();
        let phone = check.phone("phone", self.phone.as_deref());
        let name = check.opt_text("name", self.name.as_deref(), 200);
        let email = check.email("email", self.email.as_deref());
        let notes = check.opt_text("notes", self.notes.as_deref(), 4000);
        let preferences = check.opt_text("preferences", self.preferences.as_deref(), 4000);
        let source = check.opt_text("source", self.source.as_deref(), 32);
        if let Some(s) = &source {
            check.one_of("source", s, SOURCES);
        }
        check.finish()?;
        use CustomerIden as C;
        Ok([
            (C::Phone, phone.into()),
            (C::Name, name.into()),
            (C::Email, email.into()),
            (C::Notes, notes.into()),
            (C::Preferences, preferences.into()),
            (C::Source, source.into()),
        ])
    }
}

async fn create(
    State(state): State<AppState>,
    Body(body): Body<CustomerIn>,
) -> Result<(StatusCode, Json<CustomerDetail>), ApiError> {
    let fields = body.checked()?;
    let client = state.pool.get().await?;
    let id = insert_returning_id(
        &*client,
        CustomerIden::table_ref(),
        fields,
        CustomerIden::Id,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(fetch_detail(&*client, id).await?)))
}

async fn replace(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(body): Body<CustomerIn>,
) -> Result<Json<CustomerDetail>, ApiError> {
    let id = parse_id(&id, "customer")?;
    let fields = body.checked()?;
    use CustomerIden as C;
    let update = Query::update()
        .table(C::table_ref())
        .values(fields)
        .value(C::UpdatedAt, Expr::current_timestamp())
        .and_where(Expr::col(C::Id).eq(id))
        .to_owned();
    let client = state.pool.get().await?;
    update_or_404(&*client, &update, id, "customer").await?;
    Ok(Json(fetch_detail(&*client, id).await?))
}

/// 404 unless the customer exists.
async fn ensure_customer<C: GenericClient>(client: &C, id: i32) -> Result<(), ApiError> {
    if exists(client, CustomerIden::table_ref(), CustomerIden::Id, id).await? {
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
    let fields = [
        (A::CustomerId, id.into()),
        (A::Address, address.into()),
        (A::Label, label.into()),
    ];
    let new_id = insert_returning_id(&*client, A::table_ref(), fields, A::Id).await?;
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
    let fields = [
        (D::CustomerId, id.into()),
        (D::Date, date.into()),
        (D::Description, description.into()),
        (D::RemindDaysBefore, remind.into()),
    ];
    let new_id = insert_returning_id(&*client, D::table_ref(), fields, D::Id).await?;
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
