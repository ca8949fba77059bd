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

use super::crud::{
    fetch_by_id, fetch_inserted, fetch_page, filter_eq, insert_returning_id, select_columns,
    set_present, update_or_404,
};
use super::{Page, Paged};
use crate::AppState;
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
    let columns = [U::Id, U::Phone, U::Name, U::Role, U::IsActive, U::CreatedAt];
    select_columns(U::table_ref(), &columns, &[])
}

pub async fn fetch<C: GenericClient>(client: &C, id: i32) -> Result<Option<UserOut>, ApiError> {
    fetch_by_id(client, select(), UserIden::Id, id).await
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
    filter_eq(
        &mut q,
        [
            (UserIden::Role, query.role.as_deref().map(Expr::val)),
            (UserIden::IsActive, query.is_active.map(Expr::val)),
        ],
    );
    let client = state.pool.get().await?;
    let order = [(UserIden::Id, SortOrder::Asc)];
    Ok(Json(fetch_page(&*client, q, order, page).await?))
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
    let fields = [
        (U::Phone, phone.into()),
        (U::Name, name.into()),
        (U::Role, role.into()),
        (U::IsActive, body.is_active.unwrap_or(true).into()),
    ];
    let client = state.pool.get().await?;
    let id = insert_returning_id(&*client, U::table_ref(), fields, U::Id).await?;
    let out = fetch_inserted(&*client, select(), U::Id, id, "user").await?;
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
    update
        .table(U::table_ref())
        .and_where(Expr::col(U::Id).eq(id));
    let phone = body
        .phone
        .as_deref()
        .map(|phone| check.phone("phone", Some(phone)).into());
    let name = body.name.as_ref().map(|name| {
        name.as_deref()
            .and_then(|n| check.opt_text("name", Some(n), 200))
            .into()
    });
    if let Some(role) = &body.role {
        check.one_of("role", role, ROLES);
    }
    let changes = set_present(
        &mut update,
        [
            (U::Phone, phone),
            (U::Name, name),
            (U::Role, body.role.as_deref().map(Expr::val)),
            (U::IsActive, body.is_active.map(Expr::val)),
        ],
    );
    check.ensure(
        changes > 0,
        "body",
        "must change at least one of phone, name, role, is_active",
    );
    check.finish()?;
    let client = state.pool.get().await?;
    update_or_404(&*client, &update, id, "user").await?;
    let out = fetch(&*client, id)
        .await?
        .ok_or(ApiError::not_found("user", id))?;
    Ok(Json(out))
}
