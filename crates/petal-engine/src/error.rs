//! One error type for the workflows; each variant keeps the error of the
//! layer that failed, whose message already says what and where.

use petal_pg::PgError;

use crate::runner::{LockError, RunError};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Pg(#[from] PgError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Run(#[from] RunError),
    /// Model files that do not parse or validate (`file:line:col` each).
    #[error(transparent)]
    Models(#[from] petal_syntax::ScanErrors),
    /// Anything else, already phrased for the user.
    #[error("{0}")]
    Message(String),
}

impl EngineError {
    pub fn msg(text: impl Into<String>) -> Self {
        EngineError::Message(text.into())
    }

    pub fn pg_query(what: &str, e: tokio_postgres::Error) -> Self {
        EngineError::Message(format!("{what} failed: {}", petal_pg::error::describe(&e)))
    }
}
