//! Users (florists, managers, couriers, admins), from the `users`
//! migration.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cvety_schema::user::UserIden;
use petal::sea_query::{Expr, ExprTrait, Order as SortOrder, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use super::{Page, Paged};
use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Body, Params, parse_id};
use crate::validate::{Check, nullable};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users/", get(list).post(create))
        .route("/users/{id}", patch(update))
}

pub const ROLES: &[&str] = &["florist", "manager", "courier", "admin"];

#[derive(Debug, Serialize, Deserialize)]
pub struct UserOut {
    pub id: i32,
    pub phone: String,
    pub name: Option<String>,
    pub role: String,
    pub is_active: bool,
    pub created_at: Option<DateTime<Utc>>,
}

fn select() -> SelectStatement {
    use UserIden as U;
    Query::select()
        .from(U::Table)
        .columns([U::Id, U::Phone, U::Name, U::Role, U::IsActive, U::CreatedAt])
        .to_owned()
}

pub async fn fetch<C: GenericClient>(client: &C, id: i32) -> Result<Option<UserOut>, ApiError> {
    let mut q = select();
    q.and_where(Expr::col(UserIden::Id).eq(id));
    db::fetch_optional(client, &q).await
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    role: Option<String>,
    is_active: Option<bool>,
}

async fn list(
    State(state): State<AppState>,
    Params(query): Params<ListQuery>,
    Params(page): Params<Page>,
) -> Result<Json<Paged<UserOut>>, ApiError> {
    let mut check = Check::new();
    if let Some(role) = &query.role {
        check.one_of("role", role, ROLES);
    }
    check.finish()?;
    let mut q = select();
    if let Some(role) = &query.role {
        q.and_where(Expr::col(UserIden::Role).eq(role.as_str()));
    }
    if let Some(active) = query.is_active {
        q.and_where(Expr::col(UserIden::IsActive).eq(active));
    }
    let client = state.pool.get().await?;
    let counted = q.clone();
    q.order_by(UserIden::Id, SortOrder::Asc);
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserIn {
    phone: Option<String>,
    name: Option<String>,
    role: Option<String>,
    is_active: Option<bool>,
}

async fn create(
    State(state): State<AppState>,
    Body(body): Body<UserIn>,
) -> Result<(StatusCode, Json<UserOut>), ApiError> {
    let mut check = Check::new();
    let phone = check.phone("phone", body.phone.as_deref());
    let name = check.opt_text("name", body.name.as_deref(), 200);
    let role = body.role.clone().unwrap_or_else(|| "florist".to_string());
    check.one_of("role", &role, ROLES);
    check.finish()?;
    use UserIden as U;
    let insert = Query::insert()
        .into_table(U::Table)
        .columns([U::Phone, U::Name, U::Role, U::IsActive])
        .values([
            phone.into(),
            name.into(),
            role.into(),
            body.is_active.unwrap_or(true).into(),
        ])
        .map_err(|e| ApiError::internal(e.to_string()))?
        .returning_col(U::Id)
        .to_owned();
    let client = state.pool.get().await?;
    let id = db::first_id(db::returning_ids(&*client, &insert).await?)?;
    let out = fetch(&*client, id)
        .await?
        .ok_or_else(|| ApiError::internal("inserted user vanished"))?;
    Ok((StatusCode::CREATED, Json(out)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserPatch {
    phone: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    name: Option<Option<String>>,
    role: Option<String>,
    is_active: Option<bool>,
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(body): Body<UserPatch>,
) -> Result<Json<UserOut>, ApiError> {
    let id = parse_id(&id, "user")?;
    let mut check = Check::new();
    use UserIden as U;
    let mut update = Query::update();
    update.table(U::Table).and_where(Expr::col(U::Id).eq(id));
    let mut changes = 0;
    if body.phone.is_some() {
        update.value(U::Phone, check.phone("phone", body.phone.as_deref()));
        changes += 1;
    }
    if let Some(name) = &body.name {
        update.value(
            U::Name,
            name.as_deref()
                .and_then(|n| check.opt_text("name", Some(n), 200)),
        );
        changes += 1;
    }
    if let Some(role) = &body.role {
        check.one_of("role", role, ROLES);
        update.value(U::Role, role.as_str());
        changes += 1;
    }
    if let Some(active) = body.is_active {
        update.value(U::IsActive, active);
        changes += 1;
    }
    check.ensure(
        changes > 0,
        "body",
        "must change at least one of phone, name, role, is_active",
    );
    check.finish()?;
    let client = state.pool.get().await?;
    if db::execute(&*client, &update).await? == 0 {
        return Err(ApiError::not_found("user", id));
    }
    let out = fetch(&*client, id)
        .await?
        .ok_or(ApiError::not_found("user", id))?;
    Ok(Json(out))
}
