//! Orders: list, read with items, create (with items, snapshotting the
//! products), change status.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cvety_schema::customer::CustomerIden;
use cvety_schema::order::{DeliveryMethod, IssueType, OrderIden, OrderStatus};
use petal::sea_query::{Expr, ExprTrait, Order as SortOrder, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use super::crud::{
    exists, fetch_one_or_404, fetch_page, filter_eq, insert_returning_id, select_columns,
    update_or_404,
};
use super::order_items::{self, ItemOut, NewItem, Stems};
use super::{Page, Paged, round_money};
use crate::db::{self, enum_value, money};
use crate::error::ApiError;
use crate::extract::{Body, Params, parse_id};
use crate::validate::{Check, nullable};
use crate::{AppState, token};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orders/", get(list).post(create))
        .route("/orders/{id}", get(read))
        .route("/orders/{id}/status", patch(set_status))
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OrderOut {
    pub id: i32,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub status: String,
    pub customer_id: Option<i32>,
    pub customer_phone: String,
    pub recipient_phone: Option<String>,
    pub recipient_name: Option<String>,
    pub address: Option<String>,
    pub delivery_method: String,
    pub delivery_window: Option<serde_json::Value>,
    pub flower_sum: f64,
    pub delivery_fee: Option<f64>,
    pub total: f64,
    pub has_pre_delivery_photos: Option<bool>,
    pub has_issue: Option<bool>,
    pub issue_type: Option<String>,
    pub issue_comment: Option<String>,
    pub tracking_token: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct OrderWithItems {
    #[serde(flatten)]
    pub order: OrderOut,
    pub items: Vec<ItemOut>,
}

pub fn select() -> SelectStatement {
    use OrderIden as O;
    let columns = [
        O::Id,
        O::CreatedAt,
        O::UpdatedAt,
        O::Status,
        O::CustomerId,
        O::CustomerPhone,
        O::RecipientPhone,
        O::RecipientName,
        O::Address,
        O::DeliveryMethod,
        O::DeliveryWindow,
        O::HasPreDeliveryPhotos,
        O::HasIssue,
        O::IssueType,
        O::IssueComment,
        O::TrackingToken,
    ];
    select_columns(
        O::table_ref(),
        &columns,
        &[O::FlowerSum, O::DeliveryFee, O::Total],
    )
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    status: Option<String>,
    customer_phone: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    Params(query): Params<ListQuery>,
    Params(page): Params<Page>,
) -> Result<Json<Paged<OrderOut>>, ApiError> {
    let mut check = Check::new();
    let status: Option<OrderStatus> = check.opt_enum("status", query.status.as_deref());
    check.finish()?;
    let mut q = select();
    let phone = query.customer_phone.as_deref().map(str::trim);
    filter_eq(
        &mut q,
        [
            (OrderIden::Status, status.as_ref().map(enum_value)),
            (OrderIden::CustomerPhone, phone.map(Expr::val)),
        ],
    );
    let client = state.pool.get().await?;
    let order = [(OrderIden::Id, SortOrder::Desc)];
    Ok(Json(fetch_page(&*client, q, order, page).await?))
}

/// The order with `id`, or a 404.
pub async fn fetch<C: GenericClient>(client: &C, id: i32) -> Result<OrderOut, ApiError> {
    fetch_one_or_404(client, select(), OrderIden::Id, id, "order").await
}

pub async fn fetch_with_items<C: GenericClient>(
    client: &C,
    id: i32,
) -> Result<OrderWithItems, ApiError> {
    let order = fetch(client, id).await?;
    let items = order_items::fetch_for_order(client, id).await?;
    Ok(OrderWithItems { order, items })
}

async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<OrderWithItems>, ApiError> {
    let id = parse_id(&id, "order")?;
    let client = state.pool.get().await?;
    Ok(Json(fetch_with_items(&*client, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewOrder {
    customer_phone: Option<String>,
    customer_id: Option<i32>,
    recipient_phone: Option<String>,
    recipient_name: Option<String>,
    address: Option<String>,
    delivery_method: Option<String>,
    delivery_window: Option<DeliveryWindow>,
    /// Required without items; computed from the items otherwise.
    flower_sum: Option<f64>,
    delivery_fee: Option<f64>,
    #[serde(default)]
    items: Vec<NewItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveryWindow {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

async fn create(
    State(state): State<AppState>,
    Body(new): Body<NewOrder>,
) -> Result<(StatusCode, Json<OrderWithItems>), ApiError> {
    let mut check = Check::new();
    let phone = check.phone("customer_phone", new.customer_phone.as_deref());
    let recipient_phone = new
        .recipient_phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if let Some(p) = recipient_phone {
        check.phone_format("recipient_phone", p);
    }
    let recipient_name = check.opt_text("recipient_name", new.recipient_name.as_deref(), 200);
    let address = check.opt_text("address", new.address.as_deref(), 500);
    let method: Option<DeliveryMethod> =
        check.required_enum("delivery_method", new.delivery_method.as_deref());
    if method == Some(DeliveryMethod::Delivery) && address.is_none() {
        check.fail("address", "is required for delivery");
    }
    if let Some(w) = &new.delivery_window {
        check.ensure(
            w.from < w.to,
            "delivery_window",
            "`from` must be before `to`",
        );
    }
    let fee = new.delivery_fee.unwrap_or(0.0);
    check.money("delivery_fee", fee);
    match (new.items.is_empty(), new.flower_sum) {
        (true, None) => check.fail("flower_sum", "is required for an order without items"),
        (true, Some(sum)) => check.money("flower_sum", sum),
        (false, Some(_)) => check.fail("flower_sum", "is computed from the items; omit it"),
        (false, None) => {}
    }
    for (i, item) in new.items.iter().enumerate() {
        item.check(&mut check, &format!("items[{i}]."));
    }
    check.finish()?;
    let method = method.ok_or_else(|| ApiError::internal("delivery_method validated"))?;
    let tracking = token::tracking_token()
        .map_err(|e| ApiError::internal(format!("no randomness for a tracking token: {e}")))?;

    let out = db::in_transaction(&state.pool, async |tx| {
        let customer_id = order_customer(tx, new.customer_id, &phone).await?;
        let flower_sum = new.flower_sum.unwrap_or(0.0);
        use OrderIden as O;
        let window = new.delivery_window.as_ref().map(|w| serde_json::json!(w));
        let fields = [
            (O::CustomerId, customer_id.into()),
            (O::CustomerPhone, phone.clone().into()),
            (
                O::RecipientPhone,
                recipient_phone.map(str::to_string).into(),
            ),
            (O::RecipientName, recipient_name.into()),
            (O::Address, address.into()),
            (O::DeliveryMethod, enum_value(&method)),
            (O::DeliveryWindow, db::jsonb(window.as_ref())),
            (O::FlowerSum, money(round_money(flower_sum))),
            (O::DeliveryFee, money(round_money(fee))),
            (O::Total, money(round_money(flower_sum + fee))),
            (O::TrackingToken, tracking.into()),
        ];
        let id = insert_returning_id(tx, O::table_ref(), fields, O::Id).await?;
        order_items::reserve_all(tx, &new.items).await?;
        for (i, item) in new.items.iter().enumerate() {
            let prefix = format!("items[{i}].");
            order_items::insert(tx, id, item, &prefix, Stems::AlreadyReserved).await?;
        }
        // The customer's counters follow from the trigger
        // `orders_refresh_customer_totals` (schema/sql/customer_totals.sql).
        order_items::recompute_totals(tx, id).await?;
        fetch_with_items(tx, id).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(out)))
}

#[derive(Debug, Deserialize)]
struct IdRow {
    id: i32,
}

/// The customer an order belongs to: the given `customer_id`, which must
/// exist, or else the known customer with the order's phone, if any (so the
/// order joins that customer's history).
async fn order_customer<C: GenericClient>(
    client: &C,
    customer_id: Option<i32>,
    phone: &str,
) -> Result<Option<i32>, ApiError> {
    if let Some(id) = customer_id {
        if !exists(client, CustomerIden::table_ref(), CustomerIden::Id, id).await? {
            return Err(ApiError::field(
                "customer_id",
                format!("customer {id} does not exist"),
            ));
        }
        return Ok(Some(id));
    }
    let mut q = Query::select();
    q.from(CustomerIden::table_ref())
        .column(CustomerIden::Id)
        .and_where(Expr::col(CustomerIden::Phone).eq(phone));
    Ok(db::fetch_optional::<IdRow, _>(client, &q)
        .await?
        .map(|row| row.id))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusChange {
    status: Option<String>,
    issue_type: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    issue_comment: Option<Option<String>>,
}

async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(change): Body<StatusChange>,
) -> Result<Json<OrderWithItems>, ApiError> {
    let id = parse_id(&id, "order")?;
    let mut check = Check::new();
    let status: Option<OrderStatus> = check.required_enum("status", change.status.as_deref());
    let issue: Option<IssueType> = check.opt_enum("issue_type", change.issue_type.as_deref());
    if status == Some(OrderStatus::Issue) && issue.is_none() && change.issue_type.is_none() {
        check.fail("issue_type", "is required when the status is issue");
    }
    if status.is_some_and(|s| s != OrderStatus::Issue) && change.issue_type.is_some() {
        check.fail("issue_type", "is only allowed with the status issue");
    }
    check.finish()?;
    let status = status.ok_or_else(|| ApiError::internal("status validated"))?;
    let mut update = Query::update();
    update
        .table(OrderIden::table_ref())
        .value(OrderIden::Status, enum_value(&status))
        .value(OrderIden::UpdatedAt, Expr::current_timestamp())
        .and_where(Expr::col(OrderIden::Id).eq(id));
    if let Some(issue) = issue {
        update
            .value(OrderIden::HasIssue, true)
            .value(OrderIden::IssueType, enum_value(&issue));
    }
    if let Some(comment) = change.issue_comment {
        update.value(
            OrderIden::IssueComment,
            comment.map(|c| c.trim().to_string()),
        );
    }
    let client = state.pool.get().await?;
    update_or_404(&*client, &update, id, "order").await?;
    Ok(Json(fetch_with_items(&*client, id).await?))
}

#[cfg(test)]
mod tests {
    use petal::sea_query::PostgresQueryBuilder;

    #[test]
    fn money_is_read_as_float8() {
        let sql = super::select().to_string(PostgresQueryBuilder);
        assert!(
            sql.contains(r#"CAST("total" AS float8) AS "total""#),
            "{sql}"
        );
    }
}
