//! The flower warehouse: stock items and the supplier deliveries that feed
//! it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cvety_schema::warehouse::WarehouseItemIden;
use petal::sea_query::{Expr, ExprTrait, Order as SortOrder, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use super::crud::{
    fetch_one_or_404, fetch_page, filter_eq, insert_returning_id, select_columns, set_present,
};
use super::{Page, Paged, round_money};
use crate::AppState;
use crate::db::{self, money, timestamp};
use crate::error::ApiError;
use crate::extract::{Body, Params, parse_id};
use crate::validate::{Check, nullable};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/warehouse/", get(list).post(create))
        .route(
            "/warehouse/deliveries",
            get(super::deliveries::list).post(super::deliveries::create),
        )
        .route("/warehouse/{id}", get(read).patch(update))
}

pub const CURRENCIES: &[&str] = &["USD", "EUR", "KZT"];

#[derive(Debug, Serialize, Deserialize)]
pub struct StockOut {
    pub id: i32,
    pub sku: String,
    pub batch_code: String,
    pub variety: String,
    pub height_cm: i32,
    pub farm: String,
    pub supplier: String,
    pub delivery_date: DateTime<Utc>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub currency: String,
    pub rate: f64,
    pub cost: f64,
    pub recommended_price: f64,
    pub price: f64,
    pub markup_pct: f64,
    pub qty: i32,
    pub reserved_qty: i32,
    /// `qty - reserved_qty`: what can still be reserved.
    pub available_qty: i32,
    pub on_showcase: Option<bool>,
    pub to_write_off: Option<bool>,
    pub hidden: Option<bool>,
    pub updated_by: Option<String>,
}

fn select() -> SelectStatement {
    use WarehouseItemIden as W;
    let columns = [
        W::Id,
        W::Sku,
        W::BatchCode,
        W::Variety,
        W::HeightCm,
        W::Farm,
        W::Supplier,
        W::DeliveryDate,
        W::CreatedAt,
        W::UpdatedAt,
        W::Currency,
        W::Qty,
        W::ReservedQty,
        W::OnShowcase,
        W::ToWriteOff,
        W::Hidden,
        W::UpdatedBy,
    ];
    let money = [
        W::Rate,
        W::Cost,
        W::RecommendedPrice,
        W::Price,
        W::MarkupPct,
    ];
    let mut q = select_columns(W::table_ref(), &columns, &money);
    q.expr_as(
        Expr::col(W::Qty).sub(Expr::col(W::ReservedQty)),
        db::alias("available_qty"),
    );
    q
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    variety: Option<String>,
    farm: Option<String>,
    supplier: Option<String>,
    on_showcase: Option<bool>,
}

async fn list(
    State(state): State<AppState>,
    Params(query): Params<ListQuery>,
    Params(page): Params<Page>,
) -> Result<Json<Paged<StockOut>>, ApiError> {
    use WarehouseItemIden as W;
    let mut q = select();
    let text = |value: &Option<String>| {
        let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty());
        value.map(Expr::val)
    };
    filter_eq(
        &mut q,
        [
            (W::Variety, text(&query.variety)),
            (W::Farm, text(&query.farm)),
            (W::Supplier, text(&query.supplier)),
        ],
    );
    if let Some(on) = query.on_showcase {
        // The column is nullable with a false default: NULL reads as false.
        q.and_where(Expr::col(W::OnShowcase).if_null(false).eq(on));
    }
    let client = state.pool.get().await?;
    let order = [(W::Id, SortOrder::Asc)];
    Ok(Json(fetch_page(&*client, q, order, page).await?))
}

pub async fn fetch<C: GenericClient>(client: &C, id: i32) -> Result<StockOut, ApiError> {
    fetch_one_or_404(
        client,
        select(),
        WarehouseItemIden::Id,
        id,
        "warehouse item",
    )
    .await
}

async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<StockOut>, ApiError> {
    let id = parse_id(&id, "warehouse item")?;
    let client = state.pool.get().await?;
    Ok(Json(fetch(&*client, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StockIn {
    sku: Option<String>,
    batch_code: Option<String>,
    variety: Option<String>,
    height_cm: Option<i32>,
    farm: Option<String>,
    supplier: Option<String>,
    delivery_date: Option<DateTime<Utc>>,
    currency: Option<String>,
    rate: Option<f64>,
    cost: Option<f64>,
    /// Defaults to `cost × rate × (1 + markup_pct / 100)`.
    recommended_price: Option<f64>,
    /// Defaults to the recommended price.
    price: Option<f64>,
    markup_pct: Option<f64>,
    qty: Option<i32>,
    on_showcase: Option<bool>,
    hidden: Option<bool>,
    updated_by: Option<String>,
}

/// The currency stems were bought in, one of [`CURRENCIES`], and its
/// positive exchange rate to KZT, as stock items and supplier deliveries
/// both record them.
pub fn check_currency(
    check: &mut Check,
    currency: Option<&str>,
    rate: Option<f64>,
) -> (String, f64) {
    let currency = check.text("currency", currency, 3);
    if !currency.is_empty() {
        check.one_of("currency", &currency, CURRENCIES);
    }
    if let Some(rate) = rate {
        check.ensure(
            rate.is_finite() && rate > 0.0,
            "rate",
            "must be a positive exchange rate",
        );
    }
    (currency, check.required("rate", rate))
}

/// A markup percentage: 0 to 10000.
fn check_markup(check: &mut Check, markup: f64) {
    check.ensure(
        markup.is_finite() && (0.0..=10_000.0).contains(&markup),
        "markup_pct",
        "must be between 0 and 10000",
    );
}

async fn create(
    State(state): State<AppState>,
    Body(body): Body<StockIn>,
) -> Result<(StatusCode, Json<StockOut>), ApiError> {
    let mut check = Check::new();
    let sku = check.text("sku", body.sku.as_deref(), 64);
    let batch = check.text("batch_code", body.batch_code.as_deref(), 64);
    let variety = check.text("variety", body.variety.as_deref(), 200);
    let height = check.required_positive("height_cm", body.height_cm);
    let farm = check.text("farm", body.farm.as_deref(), 200);
    let supplier = check.text("supplier", body.supplier.as_deref(), 200);
    if body.delivery_date.is_none() {
        check.fail("delivery_date", "is required");
    }
    let (currency, rate) = check_currency(&mut check, body.currency.as_deref(), body.rate);
    let cost = check.required("cost", body.cost);
    check.money("cost", cost);
    let markup = body.markup_pct.unwrap_or(100.0);
    check_markup(&mut check, markup);
    let recommended = body
        .recommended_price
        .unwrap_or_else(|| round_money(cost * rate * (1.0 + markup / 100.0)));
    check.money("recommended_price", recommended);
    let price = body.price.unwrap_or(recommended);
    check.money("price", price);
    let qty = body.qty.unwrap_or(0);
    check.ensure(qty >= 0, "qty", "must not be negative");
    let updated_by = check.opt_text("updated_by", body.updated_by.as_deref(), 200);
    check.finish()?;
    use WarehouseItemIden as W;
    let fields = [
        (W::Sku, sku.into()),
        (W::BatchCode, batch.into()),
        (W::Variety, variety.into()),
        (W::HeightCm, height.into()),
        (W::Farm, farm.into()),
        (W::Supplier, supplier.into()),
        (W::DeliveryDate, timestamp(body.delivery_date)),
        (W::Currency, currency.into()),
        (W::Rate, money(rate)),
        (W::Cost, money(round_money(cost))),
        (W::RecommendedPrice, money(round_money(recommended))),
        (W::Price, money(round_money(price))),
        (W::MarkupPct, money(markup)),
        (W::Qty, qty.into()),
        (W::OnShowcase, body.on_showcase.unwrap_or(false).into()),
        (W::Hidden, body.hidden.unwrap_or(false).into()),
        (W::UpdatedBy, updated_by.into()),
    ];
    let client = state.pool.get().await?;
    let id = insert_returning_id(&*client, W::table_ref(), fields, W::Id).await?;
    Ok((StatusCode::CREATED, Json(fetch(&*client, id).await?)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StockPatch {
    price: Option<f64>,
    recommended_price: Option<f64>,
    markup_pct: Option<f64>,
    qty: Option<i32>,
    on_showcase: Option<bool>,
    to_write_off: Option<bool>,
    hidden: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    updated_by: Option<Option<String>>,
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(body): Body<StockPatch>,
) -> Result<Json<StockOut>, ApiError> {
    let id = parse_id(&id, "warehouse item")?;
    let mut check = Check::new();
    use WarehouseItemIden as W;
    let mut update = Query::update();
    update
        .table(W::table_ref())
        .and_where(Expr::col(W::Id).eq(id));
    for (column, field, value) in [
        (W::Price, "price", body.price),
        (
            W::RecommendedPrice,
            "recommended_price",
            body.recommended_price,
        ),
    ] {
        if let Some(v) = value {
            check.money(field, v);
            update.value(column, money(round_money(v)));
        }
    }
    if let Some(m) = body.markup_pct {
        check_markup(&mut check, m);
        update.value(W::MarkupPct, money(m));
    }
    if let Some(qty) = body.qty {
        check.ensure(qty >= 0, "qty", "must not be negative");
        update.value(W::Qty, qty);
        // Never below what orders have reserved: checked in the same
        // statement, so a concurrent reservation cannot slip in between.
        update.and_where(Expr::col(W::ReservedQty).lte(qty));
    }
    let flags = [
        (W::OnShowcase, body.on_showcase),
        (W::ToWriteOff, body.to_write_off),
        (W::Hidden, body.hidden),
    ];
    set_present(
        &mut update,
        flags.map(|(column, v)| (column, v.map(Expr::val))),
    );
    if let Some(by) = &body.updated_by {
        let by = by
            .as_deref()
            .and_then(|b| check.opt_text("updated_by", Some(b), 200));
        update.value(W::UpdatedBy, by);
    }
    check.finish()?;
    update.value(W::UpdatedAt, Expr::current_timestamp());
    let client = state.pool.get().await?;
    if db::execute(&*client, &update).await? == 0 {
        let current = fetch(&*client, id).await?;
        return Err(ApiError::Conflict(format!(
            "qty cannot go below the {} stem(s) reserved by orders",
            current.reserved_qty
        )));
    }
    Ok(Json(fetch(&*client, id).await?))
}
