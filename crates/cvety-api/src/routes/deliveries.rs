//! Supplier deliveries (`/api/warehouse/deliveries`): a delivery with its
//! positions, created in one transaction.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use cvety_schema::warehouse::{DeliveryIden, DeliveryPositionIden};
use petal::sea_query::{Expr, ExprTrait, Order as SortOrder, SelectStatement};
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use super::crud::{fetch_page, insert_returning_id, insert_rows, select_columns};
use super::warehouse::check_currency;
use super::{Page, Paged, round_money};
use crate::AppState;
use crate::db::{self, money, timestamp};
use crate::error::ApiError;
use crate::extract::{Body, Params};
use crate::validate::Check;

#[derive(Debug, Serialize, Deserialize)]
pub struct DeliveryOut {
    pub id: i32,
    pub supplier: String,
    pub farm: String,
    pub delivery_date: DateTime<Utc>,
    pub currency: String,
    pub rate: f64,
    pub cost_total: f64,
    pub comment: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub created_by: Option<String>,
    #[serde(default)]
    pub positions: Vec<PositionOut>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PositionOut {
    pub id: i32,
    pub delivery_id: i32,
    pub variety: String,
    pub height_cm: i32,
    pub qty: i32,
    pub cost_per_stem: f64,
    pub total_cost: f64,
}

fn select() -> SelectStatement {
    use DeliveryIden as D;
    let columns = [
        D::Id,
        D::Supplier,
        D::Farm,
        D::DeliveryDate,
        D::Currency,
        D::Comment,
        D::CreatedAt,
        D::CreatedBy,
    ];
    select_columns(D::table_ref(), &columns, &[D::Rate, D::CostTotal])
}

/// The positions of `deliveries`, attached in one query.
async fn attach_positions<C: GenericClient>(
    client: &C,
    deliveries: &mut [DeliveryOut],
) -> Result<(), ApiError> {
    if deliveries.is_empty() {
        return Ok(());
    }
    use DeliveryPositionIden as P;
    let ids: Vec<i32> = deliveries.iter().map(|d| d.id).collect();
    let columns = [P::Id, P::DeliveryId, P::Variety, P::HeightCm, P::Qty];
    let mut q = select_columns(P::table_ref(), &columns, &[P::CostPerStem, P::TotalCost]);
    q.and_where(Expr::col(P::DeliveryId).is_in(ids))
        .order_by(P::Id, SortOrder::Asc);
    let mut by_delivery: BTreeMap<i32, Vec<PositionOut>> = BTreeMap::new();
    for position in db::fetch_all::<PositionOut, _>(client, &q).await? {
        by_delivery
            .entry(position.delivery_id)
            .or_default()
            .push(position);
    }
    for delivery in deliveries {
        delivery.positions = by_delivery.remove(&delivery.id).unwrap_or_default();
    }
    Ok(())
}

pub async fn list(
    State(state): State<AppState>,
    Params(page): Params<Page>,
) -> Result<Json<Paged<DeliveryOut>>, ApiError> {
    let client = state.pool.get().await?;
    let order = [
        (DeliveryIden::DeliveryDate, SortOrder::Desc),
        (DeliveryIden::Id, SortOrder::Desc),
    ];
    let mut deliveries: Paged<DeliveryOut> = fetch_page(&*client, select(), order, page).await?;
    attach_positions(&*client, &mut deliveries.items).await?;
    Ok(Json(deliveries))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryIn {
    supplier: Option<String>,
    farm: Option<String>,
    delivery_date: Option<DateTime<Utc>>,
    currency: Option<String>,
    rate: Option<f64>,
    comment: Option<String>,
    created_by: Option<String>,
    #[serde(default)]
    positions: Vec<PositionIn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PositionIn {
    variety: Option<String>,
    height_cm: Option<i32>,
    qty: Option<i32>,
    cost_per_stem: Option<f64>,
}

/// `cost_total` is the sum of the positions' `qty × cost_per_stem`, in the
/// delivery's currency.
pub async fn create(
    State(state): State<AppState>,
    Body(body): Body<DeliveryIn>,
) -> Result<(StatusCode, Json<DeliveryOut>), ApiError> {
    let mut check = Check::new();
    let supplier = check.text("supplier", body.supplier.as_deref(), 200);
    let farm = check.text("farm", body.farm.as_deref(), 200);
    if body.delivery_date.is_none() {
        check.fail("delivery_date", "is required");
    }
    let (currency, rate) = check_currency(&mut check, body.currency.as_deref(), body.rate);
    let comment = check.opt_text("comment", body.comment.as_deref(), 4000);
    let created_by = check.opt_text("created_by", body.created_by.as_deref(), 200);
    check.ensure(
        !body.positions.is_empty(),
        "positions",
        "must list at least one position",
    );
    let mut positions = Vec::with_capacity(body.positions.len());
    for (i, p) in body.positions.iter().enumerate() {
        let variety = check.text(
            &format!("positions[{i}].variety"),
            p.variety.as_deref(),
            200,
        );
        let height = p.height_cm.unwrap_or(0);
        check.ensure(
            height > 0,
            &format!("positions[{i}].height_cm"),
            "must be a positive integer",
        );
        let qty = p.qty.unwrap_or(0);
        check.ensure(
            qty > 0,
            &format!("positions[{i}].qty"),
            "must be a positive integer",
        );
        let cost = p.cost_per_stem.unwrap_or(-1.0);
        check.money(&format!("positions[{i}].cost_per_stem"), cost);
        positions.push((
            variety,
            height,
            qty,
            round_money(cost),
            round_money(cost * f64::from(qty)),
        ));
    }
    check.finish()?;
    let cost_total = round_money(positions.iter().map(|p| p.4).sum());
    use DeliveryIden as D;
    let fields = [
        (D::Supplier, supplier.into()),
        (D::Farm, farm.into()),
        (D::DeliveryDate, timestamp(body.delivery_date)),
        (D::Currency, currency.into()),
        (D::Rate, money(rate)),
        (D::CostTotal, money(cost_total)),
        (D::Comment, comment.into()),
        (D::CreatedBy, created_by.into()),
    ];
    use DeliveryPositionIden as P;
    let position_columns = [
        P::DeliveryId,
        P::Variety,
        P::HeightCm,
        P::Qty,
        P::CostPerStem,
        P::TotalCost,
    ];
    let mut out = db::in_transaction(&state.pool, async |tx| {
        let id = insert_returning_id(tx, D::table_ref(), fields, D::Id).await?;
        let rows = positions
            .into_iter()
            .map(|(variety, height, qty, cost, total)| {
                [
                    id.into(),
                    variety.into(),
                    height.into(),
                    qty.into(),
                    money(cost),
                    money(total),
                ]
            });
        insert_rows(tx, P::table_ref(), position_columns, rows).await?;
        let mut q = select();
        q.and_where(Expr::col(D::Id).eq(id));
        let mut out: Vec<DeliveryOut> = db::fetch_all(tx, &q).await?;
        attach_positions(tx, &mut out).await?;
        Ok(out)
    })
    .await?;
    let delivery = out
        .pop()
        .ok_or_else(|| ApiError::internal("inserted delivery vanished"))?;
    Ok((StatusCode::CREATED, Json(delivery)))
}
