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

use super::{Page, Paged};
use crate::AppState;
use crate::db::{self, money_col};
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
    let mut q = Query::select();
    q.from(C::Table).columns([
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
    ]);
    money_col(&mut q, C::TotalSpent);
    q
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
    let counted = q.clone();
    q.order_by(CustomerIden::Id, SortOrder::Asc);
    let (limit, offset) = page.apply(&mut q)?;
    // Sent together on the one connection: pipelined, one round trip.
    let (total, items) =
        tokio::try_join!(db::count(&*client, &counted), db::fetch_all(&*client, &q))?;
    Ok(Json(Paged {
        items,
        total,
        limit,
        offset,
    }))
}

async fn fetch_detail<C: GenericClient>(client: &C, id: i32) -> Result<CustomerDetail, ApiError> {
    let mut q = select();
    q.and_where(Expr::col(CustomerIden::Id).eq(id));
    let customer = db::fetch_optional(client, &q)
        .await?
        .ok_or(ApiError::not_found("customer", id))?;
    let addresses = Query::select()
        .from(CustomerAddressIden::Table)
        .columns([
            CustomerAddressIden::Id,
            CustomerAddressIden::CustomerId,
            CustomerAddressIden::Address,
            CustomerAddressIden::Label,
            CustomerAddressIden::UsageCount,
            CustomerAddressIden::LastUsedAt,
            CustomerAddressIden::CreatedAt,
        ])
        .and_where(Expr::col(CustomerAddressIden::CustomerId).eq(id))
        .order_by(CustomerAddressIden::Id, SortOrder::Asc)
        .to_owned();
    let dates = Query::select()
        .from(CustomerImportantDateIden::Table)
        .columns([
            CustomerImportantDateIden::Id,
            CustomerImportantDateIden::CustomerId,
            CustomerImportantDateIden::Date,
            CustomerImportantDateIden::Description,
            CustomerImportantDateIden::RemindDaysBefore,
            CustomerImportantDateIden::LastRemindedYear,
            CustomerImportantDateIden::CreatedAt,
        ])
        .and_where(Expr::col(CustomerImportantDateIden::CustomerId).eq(id))
        .order_by(CustomerImportantDateIden::Date, SortOrder::Asc)
        .order_by(CustomerImportantDateIden::Id, SortOrder::Asc)
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
    let insert = Query::insert()
        .into_table(C::Table)
        .columns([
            C::Phone,
            C::Name,
            C::Email,
            C::Notes,
            C::Preferences,
            C::Source,
        ])
        .values([
            c.phone.into(),
            c.name.into(),
            c.email.into(),
            c.notes.into(),
            c.preferences.into(),
            c.source.into(),
        ])
        .map_err(|e| ApiError::internal(e.to_string()))?
        .returning_col(C::Id)
        .to_owned();
    let client = state.pool.get().await?;
    let id = db::first_id(db::returning_ids(&*client, &insert).await?)?;
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
    if db::execute(&*client, &update).await? == 0 {
        return Err(ApiError::not_found("customer", id));
    }
    Ok(Json(fetch_detail(&*client, id).await?))
}
