//! The changes of a task on the production board, each under the task's
//! row lock: `PATCH /api/production/tasks/{id}/status` moves it along the
//! board, `PATCH /api/production/tasks/{id}/assign` gives it to an active
//! florist (a user of the `users` migration).

use axum::Json;
use axum::extract::{Path, State};
use cvety_schema::production::{FloristTaskIden as T, TaskStatus};
use petal::DbEnum;
use petal::sea_query::{Expr, ExprTrait, Func, LockType, Query};
use serde::Deserialize;
use tokio_postgres::GenericClient;

use super::crud::set_present;
use super::production::{TaskDetail, fetch_detail};
use super::users;
use crate::AppState;
use crate::db::{self, enum_value};
use crate::error::ApiError;
use crate::extract::{Body, parse_id};
use crate::validate::Check;

/// Whether a task may go from `from` to `to`: forward along the board,
/// back from quality check to rework, and cancelled from anywhere not
/// finished. Completed and cancelled tasks are final.
pub fn transition_allowed(from: TaskStatus, to: TaskStatus) -> bool {
    use TaskStatus::*;
    match (from, to) {
        (Completed | Cancelled, _) => false,
        (_, Cancelled) => true,
        (Pending, Assigned | InProgress) => true,
        (Assigned, InProgress | Pending) => true,
        (InProgress, QualityCheck | Completed) => true,
        (QualityCheck, Completed | InProgress) => true,
        _ => false,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    status: Option<String>,
    florist_notes: Option<String>,
    quality_score: Option<f64>,
    quality_notes: Option<String>,
    actual_minutes: Option<i32>,
}

pub async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(body): Body<StatusChange>,
) -> Result<Json<TaskDetail>, ApiError> {
    let id = parse_id(&id, "task")?;
    let mut check = Check::new();
    let status: Option<TaskStatus> = check.required_enum("status", body.status.as_deref());
    if let Some(score) = body.quality_score {
        check.ensure(
            (1.0..=5.0).contains(&score),
            "quality_score",
            "must be between 1 and 5",
        );
    }
    if let Some(m) = body.actual_minutes {
        check.ensure(m >= 0, "actual_minutes", "must not be negative");
    }
    let florist_notes = check.opt_text("florist_notes", body.florist_notes.as_deref(), 4000);
    let quality_notes = check.opt_text("quality_notes", body.quality_notes.as_deref(), 4000);
    check.finish()?;
    let to = status.ok_or_else(|| ApiError::internal("status validated"))?;
    let out = db::in_transaction(&state.pool, async |tx| {
        let from = lock_status(tx, id).await?;
        if !transition_allowed(from, to) {
            return Err(ApiError::Conflict(format!(
                "a task cannot go from {} to {}",
                from.as_label(),
                to.as_label()
            )));
        }
        let mut update = Query::update();
        update
            .table(T::table_ref())
            .value(T::Status, enum_value(&to))
            .and_where(Expr::col(T::Id).eq(id));
        match to {
            TaskStatus::InProgress => {
                update.value(
                    T::StartedAt,
                    Func::coalesce([Expr::col(T::StartedAt), Expr::current_timestamp()]),
                );
            }
            TaskStatus::Completed => {
                update.value(T::CompletedAt, Expr::current_timestamp());
            }
            _ => {}
        }
        set_present(
            &mut update,
            [
                (T::FloristNotes, florist_notes.map(Expr::val)),
                (T::QualityNotes, quality_notes.map(Expr::val)),
                (T::QualityScore, body.quality_score.map(db::money)),
                (T::ActualMinutes, body.actual_minutes.map(Expr::val)),
            ],
        );
        db::execute(tx, &update).await?;
        fetch_detail(tx, id).await
    })
    .await?;
    Ok(Json(out))
}

#[derive(Debug, Deserialize)]
struct StatusRow {
    status: String,
}

/// Locks the task's row for the rest of the transaction (so status changes
/// and assignments of one task serialize) and gives its status, or 404.
async fn lock_status<C: GenericClient>(client: &C, id: i32) -> Result<TaskStatus, ApiError> {
    let mut q = Query::select();
    q.from(T::table_ref())
        .expr_as(Expr::col(T::Status).cast_as("text"), T::Status)
        .and_where(Expr::col(T::Id).eq(id))
        .lock(LockType::Update);
    let row: StatusRow = db::fetch_optional(client, &q)
        .await?
        .ok_or(ApiError::not_found("task", id))?;
    TaskStatus::from_label(&row.status).ok_or_else(|| {
        ApiError::internal(format!(
            "unknown task status {:?} in the database",
            row.status
        ))
    })
}

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
            .table(T::table_ref())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finished_tasks_are_final() {
        assert!(!transition_allowed(
            TaskStatus::Completed,
            TaskStatus::InProgress
        ));
        assert!(!transition_allowed(
            TaskStatus::Cancelled,
            TaskStatus::Pending
        ));
        assert!(transition_allowed(
            TaskStatus::Pending,
            TaskStatus::Cancelled
        ));
        assert!(transition_allowed(
            TaskStatus::InProgress,
            TaskStatus::Completed
        ));
        assert!(!transition_allowed(
            TaskStatus::Pending,
            TaskStatus::Completed
        ));
    }
}
