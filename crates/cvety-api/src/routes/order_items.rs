//! Order items: adding one snapshots the product and, with a warehouse item,
//! reserves the stems in the same transaction; removing one releases them.
//! The order's `flower_sum` is the sum of its items' totals and `total` is
//! `flower_sum + delivery_fee`, kept so under the order's row lock.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cvety_schema::order::{OrderIden, OrderItemIden};
use cvety_schema::product::ProductIden;
use cvety_schema::warehouse::WarehouseItemIden;
use petal::sea_query::{
    Expr, ExprTrait, Func, LockType, Order as SortOrder, Query, SelectStatement,
};
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use super::crud::{insert_returning_id, select_columns};
use super::orders::{OrderWithItems, fetch_with_items};
use super::round_money;
use crate::AppState;
use crate::db::{self, money};
use crate::error::ApiError;
use crate::extract::{Body, parse_id};
use crate::validate::Check;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orders/{id}/items", post(add))
        .route("/orders/{id}/items/{item_id}", delete(remove))
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ItemOut {
    pub id: i32,
    pub order_id: i32,
    pub product_id: i32,
    pub product_name: String,
    pub product_category: String,
    pub quantity: i32,
    pub price: f64,
    pub total: f64,
    pub warehouse_item_id: Option<i32>,
    pub is_reserved: Option<bool>,
    pub is_written_off: Option<bool>,
    pub reserved_at: Option<DateTime<Utc>>,
    pub written_off_at: Option<DateTime<Utc>>,
}

fn select() -> SelectStatement {
    use OrderItemIden as I;
    let columns = [
        I::Id,
        I::OrderId,
        I::ProductId,
        I::ProductName,
        I::ProductCategory,
        I::Quantity,
        I::WarehouseItemId,
        I::IsReserved,
        I::IsWrittenOff,
        I::ReservedAt,
        I::WrittenOffAt,
    ];
    select_columns(I::table_ref(), &columns, &[I::Price, I::Total])
}

pub async fn fetch_for_order<C: GenericClient>(
    client: &C,
    order: i32,
) -> Result<Vec<ItemOut>, ApiError> {
    let mut q = select();
    q.and_where(Expr::col(OrderItemIden::OrderId).eq(order))
        .order_by(OrderItemIden::Id, SortOrder::Asc);
    db::fetch_all(client, &q).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    pub product_id: Option<i32>,
    pub quantity: Option<i32>,
    /// Stems to reserve for this item, from this warehouse item.
    pub warehouse_item_id: Option<i32>,
}

impl NewItem {
    pub fn check(&self, check: &mut Check, prefix: &str) {
        check.required_positive(&format!("{prefix}product_id"), self.product_id);
        check.required_positive(&format!("{prefix}quantity"), self.quantity);
        if let Some(id) = self.warehouse_item_id {
            check.positive(&format!("{prefix}warehouse_item_id"), id);
        }
    }
}

#[derive(Debug, Deserialize)]
struct ProductSnapshot {
    name: String,
    category: String,
    price: f64,
    is_active: Option<bool>,
}

/// Whether [`insert`] reserves the item's stems itself, or the caller did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stems {
    Reserve,
    AlreadyReserved,
}

/// Inserts a checked item into `order`: the product's name, category and
/// current price (its sale price when it has one) are copied, and the
/// warehouse stems reserved. `prefix` names the item in field errors.
pub async fn insert<C: GenericClient>(
    client: &C,
    order: i32,
    item: &NewItem,
    prefix: &str,
    stems: Stems,
) -> Result<i32, ApiError> {
    let (Some(product_id), Some(quantity)) = (item.product_id, item.quantity) else {
        return Err(ApiError::internal("insert of an unchecked item"));
    };
    let mut q = Query::select();
    q.from(ProductIden::table_ref())
        .column(ProductIden::Name)
        .expr_as(
            Expr::col(ProductIden::Category).cast_as("text"),
            ProductIden::Category,
        )
        .expr_as(
            Func::coalesce([
                Expr::col(ProductIden::SalePrice),
                Expr::col(ProductIden::RetailPrice),
            ])
            .cast_as("float8"),
            db::alias("price"),
        )
        .column(ProductIden::IsActive)
        .and_where(Expr::col(ProductIden::Id).eq(product_id));
    let product: ProductSnapshot = db::fetch_optional(client, &q).await?.ok_or_else(|| {
        ApiError::field(
            format!("{prefix}product_id"),
            format!("product {product_id} does not exist"),
        )
    })?;
    if product.is_active == Some(false) {
        return Err(ApiError::field(
            format!("{prefix}product_id"),
            format!("product {product_id} is not active"),
        ));
    }
    if let (Some(stock), Stems::Reserve) = (item.warehouse_item_id, stems) {
        reserve(
            client,
            stock,
            quantity,
            &format!("{prefix}warehouse_item_id"),
        )
        .await?;
    }
    let reserved = item.warehouse_item_id.is_some();
    use OrderItemIden as I;
    let fields = [
        (I::OrderId, order.into()),
        (I::ProductId, product_id.into()),
        (I::ProductName, product.name.into()),
        (I::ProductCategory, product.category.into()),
        (I::Quantity, quantity.into()),
        (I::Price, money(round_money(product.price))),
        (
            I::Total,
            money(round_money(product.price * f64::from(quantity))),
        ),
        (I::WarehouseItemId, item.warehouse_item_id.into()),
        (I::IsReserved, reserved.into()),
        (
            I::ReservedAt,
            if reserved {
                Expr::current_timestamp()
            } else {
                db::timestamp(None)
            },
        ),
    ];
    insert_returning_id(client, I::table_ref(), fields, I::Id).await
}

/// Reserves `quantity` stems of a warehouse item, or refuses with a 409
/// saying how many are available. One conditional `UPDATE`: concurrent
/// reservations queue on the row lock and each re-checks the condition
/// against the committed count, so stock is never over-reserved.
pub async fn reserve<C: GenericClient>(
    client: &C,
    stock: i32,
    quantity: i32,
    field: &str,
) -> Result<(), ApiError> {
    use WarehouseItemIden as W;
    let update = Query::update()
        .table(W::table_ref())
        .value(W::ReservedQty, Expr::col(W::ReservedQty).add(quantity))
        .value(W::UpdatedAt, Expr::current_timestamp())
        .and_where(Expr::col(W::Id).eq(stock))
        .and_where(
            Expr::col(W::Qty)
                .sub(Expr::col(W::ReservedQty))
                .gte(quantity),
        )
        .returning_col(W::Id)
        .to_owned();
    if !db::returning_ids(client, &update).await?.is_empty() {
        return Ok(());
    }
    let mut q = Query::select();
    q.from(W::table_ref())
        .expr_as(
            Expr::col(W::Qty).sub(Expr::col(W::ReservedQty)),
            db::alias("available"),
        )
        .and_where(Expr::col(W::Id).eq(stock));
    match db::fetch_optional::<Available, _>(client, &q).await? {
        None => Err(ApiError::field(
            field,
            format!("warehouse item {stock} does not exist"),
        )),
        Some(Available { available }) => Err(ApiError::Conflict(format!(
            "warehouse item {stock} has {available} stem(s) available, {quantity} requested"
        ))),
    }
}

#[derive(Debug, Deserialize)]
struct Available {
    available: i32,
}

/// Reserves the stems of several items: per warehouse item, in ascending
/// id order, so two orders reserving the same items in different orders
/// cannot deadlock. The field error names the first item of each.
pub async fn reserve_all<C: GenericClient>(client: &C, items: &[NewItem]) -> Result<(), ApiError> {
    let mut wanted: BTreeMap<i32, (i32, usize)> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        if let (Some(stock), Some(quantity)) = (item.warehouse_item_id, item.quantity) {
            let entry = wanted.entry(stock).or_insert((0, i));
            entry.0 = entry.0.saturating_add(quantity);
        }
    }
    for (stock, (quantity, first)) in wanted {
        reserve(
            client,
            stock,
            quantity,
            &format!("items[{first}].warehouse_item_id"),
        )
        .await?;
    }
    Ok(())
}

/// Sets the order's `flower_sum` to its items' sum (when it has items) and
/// `total` to `flower_sum + delivery_fee`; returns the total.
pub async fn recompute_totals<C: GenericClient>(client: &C, order: i32) -> Result<f64, ApiError> {
    let items = fetch_for_order(client, order).await?;
    let current = super::orders::fetch(client, order).await?;
    let flower_sum = if items.is_empty() {
        current.flower_sum
    } else {
        round_money(items.iter().map(|i| i.total).sum())
    };
    let total = round_money(flower_sum + current.delivery_fee.unwrap_or(0.0));
    let update = Query::update()
        .table(OrderIden::table_ref())
        .value(OrderIden::FlowerSum, money(flower_sum))
        .value(OrderIden::Total, money(total))
        .value(OrderIden::UpdatedAt, Expr::current_timestamp())
        .and_where(Expr::col(OrderIden::Id).eq(order))
        .to_owned();
    db::execute(client, &update).await?;
    Ok(total)
}

/// Locks the order's row for the rest of the transaction (so concurrent
/// item changes on one order serialize), or 404.
async fn lock_order<C: GenericClient>(client: &C, order: i32) -> Result<(), ApiError> {
    let mut q = Query::select();
    q.from(OrderIden::table_ref())
        .column(OrderIden::Id)
        .and_where(Expr::col(OrderIden::Id).eq(order))
        .lock(LockType::Update);
    match db::fetch_optional::<serde_json::Value, _>(client, &q).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::not_found("order", order)),
    }
}

async fn add(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(item): Body<NewItem>,
) -> Result<(StatusCode, Json<OrderWithItems>), ApiError> {
    let order = parse_id(&id, "order")?;
    let mut check = Check::new();
    item.check(&mut check, "");
    check.finish()?;
    let out = db::in_transaction(&state.pool, async |tx| {
        lock_order(tx, order).await?;
        insert(tx, order, &item, "", Stems::Reserve).await?;
        recompute_totals(tx, order).await?;
        fetch_with_items(tx, order).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(out)))
}

async fn remove(
    State(state): State<AppState>,
    Path((id, item_id)): Path<(String, String)>,
) -> Result<Json<OrderWithItems>, ApiError> {
    let order = parse_id(&id, "order")?;
    let item_id = parse_id(&item_id, "order item")?;
    let out = db::in_transaction(&state.pool, async |tx| {
        lock_order(tx, order).await?;
        let mut q = select();
        q.and_where(Expr::col(OrderItemIden::Id).eq(item_id))
            .and_where(Expr::col(OrderItemIden::OrderId).eq(order));
        let item: ItemOut = db::fetch_optional(tx, &q)
            .await?
            .ok_or(ApiError::not_found("order item", item_id))?;
        let delete = Query::delete()
            .from_table(OrderItemIden::table_ref())
            .and_where(Expr::col(OrderItemIden::Id).eq(item_id))
            .to_owned();
        db::execute(tx, &delete).await?;
        // Stems reserved and not yet written off go back to the warehouse.
        if let (Some(stock), Some(true), false) = (
            item.warehouse_item_id,
            item.is_reserved,
            item.is_written_off == Some(true),
        ) {
            use WarehouseItemIden as W;
            let release = Query::update()
                .table(W::table_ref())
                .value(
                    W::ReservedQty,
                    Func::greatest([Expr::col(W::ReservedQty).sub(item.quantity), Expr::val(0)]),
                )
                .value(W::UpdatedAt, Expr::current_timestamp())
                .and_where(Expr::col(W::Id).eq(stock))
                .to_owned();
            db::execute(tx, &release).await?;
        }
        recompute_totals(tx, order).await?;
        fetch_with_items(tx, order).await
    })
    .await?;
    Ok(Json(out))
}
