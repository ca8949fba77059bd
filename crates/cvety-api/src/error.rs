//! Every failure a handler can answer with, and how each maps to a status
//! and a JSON body: `{"error": "...", "fields": {"phone": ["..."]}}`.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug)]
pub enum ApiError {
    /// The request cannot be understood (malformed JSON, a bad path id).
    BadRequest(String),
    /// 404: `resource` with `id` does not exist.
    NotFound { resource: &'static str, id: i64 },
    /// 409: the request conflicts with the data (a duplicate phone, not
    /// enough stock).
    Conflict(String),
    /// 422: field → what is wrong with it.
    Validation(BTreeMap<String, Vec<String>>),
    /// 413: a body over axum's limit (2 MB).
    TooLarge(String),
    /// 404 for a path no route matches.
    BadRouteOrMethod,
    /// 405 for a known path with another method.
    MethodNotAllowed,
    /// 503: no database connection could be had in time.
    Unavailable(String),
    /// 500: a bug or a database failure that is not the client's doing.
    Internal(String),
}

impl ApiError {
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::Internal(message.into())
    }

    pub fn not_found(resource: &'static str, id: i32) -> Self {
        ApiError::NotFound {
            resource,
            id: i64::from(id),
        }
    }

    /// A 422 about one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(BTreeMap::from([(field.into(), vec![message.into()])]))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound { .. } | ApiError::BadRouteOrMethod => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match self {
            ApiError::BadRequest(message)
            | ApiError::Conflict(message)
            | ApiError::TooLarge(message)
            | ApiError::Unavailable(message) => json!({ "error": message }),
            ApiError::NotFound { resource, id } => {
                json!({ "error": format!("{resource} {id} not found") })
            }
            ApiError::BadRouteOrMethod => json!({ "error": "no such route" }),
            ApiError::MethodNotAllowed => json!({ "error": "method not allowed on this route" }),
            ApiError::Validation(fields) => {
                json!({ "error": "validation failed", "fields": fields })
            }
            ApiError::Internal(message) => {
                // The detail may name tables and SQL: it goes to the log,
                // the client gets a generic message.
                eprintln!("cvety-api: internal error: {message}");
                json!({ "error": "internal server error" })
            }
        };
        (status, Json(body)).into_response()
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(err: tokio_postgres::Error) -> Self {
        let Some(db) = err.as_db_error() else {
            // Not the server's answer: a lost connection is the database's
            // trouble (503); anything else, such as a parameter that does
            // not fit its column, is ours (500).
            return if err.is_closed() {
                ApiError::Unavailable(format!(
                    "database unavailable: {}",
                    petal_pg::error::describe(&err)
                ))
            } else {
                ApiError::Internal(petal_pg::error::describe(&err))
            };
        };
        let column = db.column().map(str::to_string);
        let constraint = db.constraint().unwrap_or("");
        match db.code().code() {
            // unique_violation
            "23505" => ApiError::Conflict(unique_message(constraint, db.detail())),
            // foreign_key_violation: a referenced row is missing (or still
            // referenced, on delete).
            "23503" => ApiError::field(
                column.unwrap_or_else(|| constraint.to_string()),
                db.detail().unwrap_or(db.message()).to_string(),
            ),
            // not_null_violation, check_violation
            "23502" | "23514" => ApiError::field(
                column.unwrap_or_else(|| constraint.to_string()),
                db.message().to_string(),
            ),
            // data exceptions: out-of-range numbers, invalid text for a type
            code if code.starts_with("22") => ApiError::field("body", db.message().to_string()),
            // serialization_failure, deadlock_detected: the client may retry
            "40001" | "40P01" => {
                ApiError::Conflict(format!("concurrent update, retry: {}", db.message()))
            }
            _ => ApiError::Internal(petal_pg::error::describe(&err)),
        }
    }
}

impl From<deadpool::managed::PoolError<petal_pg::PgError>> for ApiError {
    fn from(err: deadpool::managed::PoolError<petal_pg::PgError>) -> Self {
        ApiError::Unavailable(format!("database unavailable: {err}"))
    }
}

/// What a 409 for a unique constraint says: the constraint's columns and
/// value as PostgreSQL's detail gives them (`Key (phone)=(+7...) already
/// exists.`).
fn unique_message(constraint: &str, detail: Option<&str>) -> String {
    match detail {
        Some(detail) => format!("already exists: {detail}"),
        None => format!("already exists (unique constraint {constraint})"),
    }
}
