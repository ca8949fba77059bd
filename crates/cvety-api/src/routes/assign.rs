//! `PATCH /api/production/tasks/{id}/assign`: gives a task to an active
//! florist (a user of the `users` migration).

use axum::Json;
use axum::extract::{Path, State};
use cvety_schema::production::{FloristTaskIden as T, TaskStatus};
use petal::DbEnum;
use petal::sea_query::{Expr, ExprTrait, Query};
use serde::Deserialize;

use super::production::{TaskDetail, fetch_detail, lock_status};
use super::users;
use crate::AppState;
use crate::db::{self, enum_value};
use crate::error::ApiError;
use crate::extract::{Body, parse_id};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    florist_id: Option<i32>,
}

/// A pending task becomes assigned; an assigned or running one changes
/// hands and keeps its status. Finished tasks cannot be reassigned (409).
pub async fn assign(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(body): Body<Assignment>,
) -> Result<Json<TaskDetail>, ApiError> {
    let id = parse_id(&id, "task")?;
    let florist = match body.florist_id {
        Some(f) if f > 0 => f,
        Some(_) => return Err(ApiError::field("florist_id", "must be a positive integer")),
        None => return Err(ApiError::field("florist_id", "is required")),
    };
    let out = db::in_transaction(&state.pool, async |tx| {
        let status = lock_status(tx, id).await?;
        if matches!(status, TaskStatus::Completed | TaskStatus::Cancelled) {
            return Err(ApiError::Conflict(format!(
                "task {id} is {} and cannot be reassigned",
                status.as_label()
            )));
        }
        let user = users::fetch(tx, florist).await?;
        let problem = match &user {
            None => Some(format!("user {florist} does not exist")),
            Some(u) if u.role != "florist" => {
                Some(format!("user {florist} is a {}, not a florist", u.role))
            }
            Some(u) if !u.is_active => Some(format!("user {florist} is not active")),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            return Err(ApiError::field("florist_id", problem));
        }
        let mut update = Query::update();
        update
            .table(T::Table)
            .value(T::FloristId, florist)
            .value(T::AssignedAt, Expr::current_timestamp())
            .and_where(Expr::col(T::Id).eq(id));
        if status == TaskStatus::Pending {
            update.value(T::Status, enum_value(&TaskStatus::Assigned));
        }
        db::execute(tx, &update).await?;
        fetch_detail(tx, id).await
    })
    .await?;
    Ok(Json(out))
}
