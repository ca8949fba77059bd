//! `PATCH /api/production/tasks/{id}/status`: moves a task along the
//! board, under the task's row lock.

use axum::Json;
use axum::extract::{Path, State};
use cvety_schema::production::{FloristTaskIden as T, TaskStatus};
use petal::DbEnum;
use petal::sea_query::{Expr, ExprTrait, Func, Query};
use serde::Deserialize;

use super::crud::set_present;
use super::production::{TaskDetail, fetch_detail, lock_status};
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
            .table(T::Table)
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
