//! The florists' production board: tasks and the order items they cover.

use chrono::{DateTime, Utc};
use petal::{DbEnum, Table};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
#[petal(name = "task_status")]
pub enum TaskStatus {
    Pending,
    Assigned,
    InProgress,
    QualityCheck,
    Completed,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
#[petal(name = "task_priority")]
pub enum TaskPriority {
    Urgent,
    High,
    Normal,
    Low,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "florist_tasks")]
pub struct FloristTask {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(references = "orders.id", on_delete = "cascade")]
    pub order_id: i32,
    /// The florist (a user) working on the task.
    #[petal(references = "users.id", on_delete = "set null")]
    pub florist_id: Option<i32>,
    /// bouquet, composition, decoration.
    #[petal(default = "'bouquet'")]
    pub task_type: String,
    #[petal(default = "'pending'")]
    pub status: TaskStatus,
    #[petal(default = "'normal'")]
    pub priority: TaskPriority,
    #[petal(default = "now()")]
    pub created_at: Option<DateTime<Utc>>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub deadline: Option<DateTime<Utc>>,
    #[petal(default = "30")]
    pub estimated_minutes: Option<i32>,
    pub actual_minutes: Option<i32>,
    /// 1 to 5.
    pub quality_score: Option<f64>,
    /// An array of URLs.
    pub work_photos: Option<Value>,
    /// An array of URLs.
    pub result_photos: Option<Value>,
    pub instructions: Option<String>,
    pub florist_notes: Option<String>,
    pub quality_notes: Option<String>,
}

#[derive(Debug, Clone, Table)]
#[petal(table = "task_items")]
pub struct TaskItem {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(references = "florist_tasks.id", on_delete = "cascade")]
    pub task_id: i32,
    #[petal(references = "order_items.id", on_delete = "cascade")]
    pub order_item_id: i32,
    pub quantity: i32,
    #[petal(default = "false")]
    pub is_completed: Option<bool>,
    pub completed_at: Option<DateTime<Utc>>,
    pub quality_approved: Option<bool>,
    pub quality_notes: Option<String>,
}
