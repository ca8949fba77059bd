//! The customer CRM: customers, their addresses and important dates.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cvety_schema::customer::{CustomerAddressIden, CustomerIden, CustomerImportantDateIden};
use petal::sea_query::extension::postgres::PgExpr;
use petal::sea_query::{Expr, ExprTrait, Order as SortOrder, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use super::crud::{
    fetch_one_or_404, fetch_page, insert_returning_id, select_columns, update_or_404,
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
        C::Table,
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
pub fn select_addresses() -> SelectStatement {
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
    select_columns(A::Table, &columns, &[])
}

/// The columns of [`ImportantDateOut`].
pub fn select_dates() -> SelectStatement {
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
    select_columns(D::Table, &columns, &[])
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
/// optional field is cleared.
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

struct CheckedCustomer {
    phone: String,
    name: Option<String>,
    email: Option<String>,
    notes: Option<String>,
    preferences: Option<String>,
    source: Option<String>,
}

impl CustomerIn {
    fn checked(self) -> Result<CheckedCustomer, ApiError> {
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
        Ok(CheckedCustomer {
            phone,
            name,
            email,
            notes,
            preferences,
            source,
        })
    }
}

async fn create(
    State(state): State<AppState>,
    Body(body): Body<CustomerIn>,
) -> Result<(StatusCode, Json<CustomerDetail>), ApiError> {
    let c = body.checked()?;
    use CustomerIden as C;
    let columns = [
        C::Phone,
        C::Name,
        C::Email,
        C::Notes,
        C::Preferences,
        C::Source,
    ];
    let values = [
        c.phone.into(),
        c.name.into(),
        c.email.into(),
        c.notes.into(),
        c.preferences.into(),
        c.source.into(),
    ];
    let client = state.pool.get().await?;
    let id = insert_returning_id(&*client, C::Table, columns, values, C::Id).await?;
    Ok((StatusCode::CREATED, Json(fetch_detail(&*client, id).await?)))
}

async fn replace(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(body): Body<CustomerIn>,
) -> Result<Json<CustomerDetail>, ApiError> {
    let id = parse_id(&id, "customer")?;
    let c = body.checked()?;
    use CustomerIden as C;
    let update = Query::update()
        .table(C::Table)
        .value(C::Phone, c.phone)
        .value(C::Name, c.name)
        .value(C::Email, c.email)
        .value(C::Notes, c.notes)
        .value(C::Preferences, c.preferences)
        .value(C::Source, c.source)
        .value(C::UpdatedAt, Expr::current_timestamp())
        .and_where(Expr::col(C::Id).eq(id))
        .to_owned();
    let client = state.pool.get().await?;
    update_or_404(&*client, &update, id, "customer").await?;
    Ok(Json(fetch_detail(&*client, id).await?))
}
