//! The resource groups, one module each, and what they share.

pub mod crud;
pub mod customers;
pub mod deliveries;
pub mod order_items;
pub mod orders;
pub mod production;
pub mod products;
pub mod reports;
pub mod settings;
pub mod task_changes;
pub mod users;
pub mod warehouse;

use axum::Router;
use axum::routing::get;
use petal::sea_query::SelectStatement;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiError;

pub fn router() -> Router<AppState> {
    let api = Router::new()
        .merge(orders::routes())
        .merge(order_items::routes())
        .merge(customers::routes())
        .merge(warehouse::routes())
        .merge(production::routes())
        .merge(products::routes())
        .merge(reports::routes())
        .merge(settings::routes())
        .merge(users::routes())
        .route("/openapi.json", get(crate::openapi::handler));
    Router::new()
        .nest("/api", api)
        .fallback(|| async { ApiError::BadRouteOrMethod })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

/// `?limit=&offset=` of a list.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Page {
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 500;

impl Page {
    /// Applies the page to `select`; a limit over [`MAX_LIMIT`] or of 0 is a
    /// 422 rather than silently changed.
    pub fn apply(self, select: &mut SelectStatement) -> Result<(u64, u64), ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ApiError::field(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let offset = self.offset.unwrap_or(0);
        if i64::try_from(offset).is_err() {
            return Err(ApiError::field("offset", "is too large"));
        }
        select.limit(limit).offset(offset);
        Ok((limit, offset))
    }
}

/// A page of a list: the rows, and how many match in all.
#[derive(Debug, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: u64,
    pub offset: u64,
}

/// Rounds an amount to whole tiyn (two decimals), as `numeric(12,2)` stores
/// it, so what the API computes is what the database keeps.
pub fn round_money(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}
