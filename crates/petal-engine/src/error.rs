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
    /// Boxed: a statement's error carries its file, line and PostgreSQL's
    /// message, detail and hint, and would make every `Result` large.
    #[error(transparent)]
    Run(Box<RunError>),
    /// Model files that do not parse or validate (`file:line:col` each).
    #[error(transparent)]
    Models(#[from] petal_syntax::ScanErrors),
    /// Anything else, already phrased for the user.
    #[error("{0}")]
    Message(String),
}

impl From<RunError> for EngineError {
    fn from(e: RunError) -> Self {
        EngineError::Run(Box::new(e))
    }
}

impl EngineError {
    pub fn msg(text: impl Into<String>) -> Self {
        EngineError::Message(text.into())
    }

    pub fn pg_query(what: &str, e: tokio_postgres::Error) -> Self {
        EngineError::Message(format!("{what} failed: {}", petal_pg::error::describe(&e)))
    }
}
