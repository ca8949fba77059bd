//! The florists' production board: tasks, their items, status changes and
//! assignment to a florist.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cvety_schema::order::{OrderIden, OrderItemIden};
use cvety_schema::production::{FloristTaskIden as T, TaskItemIden, TaskPriority, TaskStatus};
use petal::sea_query::{Expr, ExprTrait, Order as SortOrder, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use super::crud::{
    exists, fetch_one_or_404, fetch_page, filter_eq, insert_returning_id, insert_rows,
    select_columns,
};
use super::{Page, Paged};
use crate::AppState;
use crate::db::{self, enum_value, timestamp};
use crate::error::ApiError;
use crate::extract::{Body, Params, parse_id};
use crate::validate::{Check, enum_label};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/production/tasks/", get(list).post(create))
        .route("/production/tasks/{id}", get(read))
        .route(
            "/production/tasks/{id}/status",
            patch(super::task_changes::set_status),
        )
        .route(
            "/production/tasks/{id}/assign",
            patch(super::task_changes::assign),
        )
}

pub const TASK_TYPES: &[&str] = &["bouquet", "composition", "decoration"];

#[derive(Debug, Serialize, Deserialize)]
pub struct TaskOut {
    pub id: i32,
    pub order_id: i32,
    pub florist_id: Option<i32>,
    pub task_type: String,
    pub status: String,
    pub priority: String,
    pub created_at: Option<DateTime<Utc>>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub deadline: Option<DateTime<Utc>>,
    pub estimated_minutes: Option<i32>,
    pub actual_minutes: Option<i32>,
    pub quality_score: Option<f64>,
    pub work_photos: Option<serde_json::Value>,
    pub result_photos: Option<serde_json::Value>,
    pub instructions: Option<String>,
    pub florist_notes: Option<String>,
    pub quality_notes: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TaskItemOut {
    pub id: i32,
    pub task_id: i32,
    pub order_item_id: i32,
    pub quantity: i32,
    pub is_completed: Option<bool>,
    pub completed_at: Option<DateTime<Utc>>,
    pub quality_approved: Option<bool>,
    pub quality_notes: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TaskDetail {
    #[serde(flatten)]
    pub task: TaskOut,
    pub items: Vec<TaskItemOut>,
}

fn select() -> SelectStatement {
    select_columns(
        T::table_ref(),
        &[
            T::Id,
            T::OrderId,
            T::FloristId,
            T::TaskType,
            T::Status,
            T::Priority,
            T::CreatedAt,
            T::AssignedAt,
            T::StartedAt,
            T::CompletedAt,
            T::Deadline,
            T::EstimatedMinutes,
            T::ActualMinutes,
            T::QualityScore,
            T::WorkPhotos,
            T::ResultPhotos,
            T::Instructions,
            T::FloristNotes,
            T::QualityNotes,
        ],
        &[],
    )
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    status: Option<String>,
    priority: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    Params(query): Params<ListQuery>,
    Params(page): Params<Page>,
) -> Result<Json<Paged<TaskOut>>, ApiError> {
    let mut check = Check::new();
    let status: Option<TaskStatus> = check.opt_enum("status", query.status.as_deref());
    let priority: Option<TaskPriority> = check.opt_enum("priority", query.priority.as_deref());
    check.finish()?;
    let mut q = select();
    filter_eq(
        &mut q,
        [
            (T::Status, status.as_ref().map(enum_value)),
            (T::Priority, priority.as_ref().map(enum_value)),
        ],
    );
    let client = state.pool.get().await?;
    // Enum order is declaration order: urgent first.
    let order = [(T::Priority, SortOrder::Asc), (T::Id, SortOrder::Asc)];
    Ok(Json(fetch_page(&*client, q, order, page).await?))
}

pub async fn fetch_detail<C: GenericClient>(client: &C, id: i32) -> Result<TaskDetail, ApiError> {
    let task = fetch_one_or_404(client, select(), T::Id, id, "task").await?;
    use TaskItemIden as I;
    let columns = [
        I::Id,
        I::TaskId,
        I::OrderItemId,
        I::Quantity,
        I::IsCompleted,
        I::CompletedAt,
        I::QualityApproved,
        I::QualityNotes,
    ];
    let items = select_columns(I::table_ref(), &columns, &[])
        .and_where(Expr::col(I::TaskId).eq(id))
        .order_by(I::Id, SortOrder::Asc)
        .to_owned();
    Ok(TaskDetail {
        task,
        items: db::fetch_all(client, &items).await?,
    })
}

async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<TaskDetail>, ApiError> {
    let id = parse_id(&id, "task")?;
    let client = state.pool.get().await?;
    Ok(Json(fetch_detail(&*client, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskIn {
    order_id: Option<i32>,
    task_type: Option<String>,
    priority: Option<String>,
    deadline: Option<DateTime<Utc>>,
    estimated_minutes: Option<i32>,
    instructions: Option<String>,
    #[serde(default)]
    items: Vec<TaskItemIn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskItemIn {
    order_item_id: Option<i32>,
    quantity: Option<i32>,
}

async fn create(
    State(state): State<AppState>,
    Body(body): Body<TaskIn>,
) -> Result<(StatusCode, Json<TaskDetail>), ApiError> {
    let mut check = Check::new();
    let order = body.order_id.unwrap_or(0);
    check.ensure(
        order > 0,
        "order_id",
        "is required and must be a positive integer",
    );
    let task_type = body.task_type.clone().unwrap_or_else(|| "bouquet".into());
    check.one_of("task_type", &task_type, TASK_TYPES);
    let priority = match body.priority.as_deref() {
        Some(p) => enum_label::<TaskPriority>(&mut check, "priority", p),
        None => Some(TaskPriority::Normal),
    };
    let minutes = body.estimated_minutes.unwrap_or(30);
    check.ensure(
        (1..=10_000).contains(&minutes),
        "estimated_minutes",
        "must be between 1 and 10000",
    );
    let instructions = check.opt_text("instructions", body.instructions.as_deref(), 4000);
    for (i, item) in body.items.iter().enumerate() {
        check.ensure(
            item.order_item_id.is_some_and(|id| id > 0),
            &format!("items[{i}].order_item_id"),
            "is required and must be a positive integer",
        );
        check.ensure(
            item.quantity.is_some_and(|q| q > 0),
            &format!("items[{i}].quantity"),
            "is required and must be a positive integer",
        );
    }
    check.finish()?;
    let priority = priority.ok_or_else(|| ApiError::internal("priority validated"))?;
    let out = db::in_transaction(&state.pool, async |tx| {
        if !exists(tx, OrderIden::table_ref(), OrderIden::Id, order).await? {
            return Err(ApiError::field(
                "order_id",
                format!("order {order} does not exist"),
            ));
        }
        for (i, item) in body.items.iter().enumerate() {
            let item_id = item.order_item_id.unwrap_or_default();
            let mut q = Query::select();
            q.from(OrderItemIden::table_ref())
                .column(OrderItemIden::Id)
                .and_where(Expr::col(OrderItemIden::Id).eq(item_id))
                .and_where(Expr::col(OrderItemIden::OrderId).eq(order));
            if db::fetch_optional::<serde_json::Value, _>(tx, &q)
                .await?
                .is_none()
            {
                return Err(ApiError::field(
                    format!("items[{i}].order_item_id"),
                    format!("order {order} has no item {item_id}"),
                ));
            }
        }
        let fields = [
            (T::OrderId, order.into()),
            (T::TaskType, task_type.into()),
            (T::Priority, enum_value(&priority)),
            (T::Deadline, timestamp(body.deadline)),
            (T::EstimatedMinutes, minutes.into()),
            (T::Instructions, instructions.into()),
        ];
        let id = insert_returning_id(tx, T::table_ref(), fields, T::Id).await?;
        use TaskItemIden as I;
        let rows = body
            .items
            .iter()
            .map(|item| [id.into(), item.order_item_id.into(), item.quantity.into()]);
        let columns = [I::TaskId, I::OrderItemId, I::Quantity];
        insert_rows(tx, I::table_ref(), columns, rows).await?;
        fetch_detail(tx, id).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(out)))
}
