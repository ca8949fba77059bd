//! Reports: what the shop's owners read, from the views of
//! `schema/sql/reports.sql` (the database computes them; the API only
//! filters and pages).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use petal::sea_query::{Alias, Expr, ExprTrait, Order as SortOrder, Query};
use serde::{Deserialize, Serialize};

use super::crud::fetch_page;
use super::{Page, Paged};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::Params;
use crate::validate::Check;

pub fn routes() -> Router<AppState> {
    Router::new().route("/reports/daily-sales", get(daily_sales))
}

/// One day of `daily_sales`: the paid orders created that day (in
/// Almaty's time) and what they brought in.
#[derive(Debug, Serialize, Deserialize)]
pub struct DaySales {
    pub day: NaiveDate,
    pub orders: i32,
    pub revenue: f64,
    pub delivery_fees: f64,
    pub flower_revenue: f64,
}

#[derive(Debug, Deserialize)]
struct DaysQuery {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

/// The days of `daily_sales` from `from` to `to` (both included, either
/// open), newest first.
async fn daily_sales(
    State(state): State<AppState>,
    Params(query): Params<DaysQuery>,
    Params(page): Params<Page>,
) -> Result<Json<Paged<DaySales>>, ApiError> {
    let mut check = Check::new();
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        check.fail("to", "must not be before `from`");
    }
    check.finish()?;
    let column = |name: &str| Expr::col(Alias::new(name));
    let mut select = Query::select();
    select
        .from(("public", "daily_sales"))
        .column(Alias::new("day"))
        .column(Alias::new("orders"));
    // Money is numeric in the view; the API speaks float8, as elsewhere.
    for money in ["revenue", "delivery_fees", "flower_revenue"] {
        select.expr_as(column(money).cast_as("float8"), Alias::new(money));
    }
    let day = |date: NaiveDate| Expr::val(date.to_string()).cast_as("date");
    if let Some(from) = query.from {
        select.and_where(column("day").gte(day(from)));
    }
    if let Some(to) = query.to {
        select.and_where(column("day").lte(day(to)));
    }
    let client = state.pool.get().await?;
    let order = [(Alias::new("day"), SortOrder::Desc)];
    Ok(Json(fetch_page(&*client, select, order, page).await?))
}
