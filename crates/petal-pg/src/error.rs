//! One error type for everything petal-pg does. Messages name the server,
//! database, file or command concerned; a password never appears in them,
//! because no variant is ever built from a string that holds one.

use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum PgError {
    /// A connection string or URL that petal cannot use. The message names
    /// the offending part, never the whole string (which may hold a password).
    #[error("invalid connection string: {0}")]
    InvalidConfig(String),

    #[error("could not connect to {target}: {reason}")]
    Connect { target: String, reason: String },

    #[error(
        "could not connect to {target}: no answer within {:.1} s (connect_timeout)",
        timeout.as_secs_f64()
    )]
    ConnectTimeout { target: String, timeout: Duration },

    #[error("TLS setup failed: {0}")]
    Tls(String),

    /// A statement petal sent failed.
    #[error("{what} failed: {reason}")]
    Query {
        what: String,
        reason: String,
        #[source]
        source: tokio_postgres::Error,
    },

    /// The catalogs answered with something petal cannot represent.
    #[error("introspection: {0}")]
    Catalog(String),

    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; looked in: {}. \
         Install them (Debian/Ubuntu: `apt-get install postgresql`), point PETAL_PG_BIN \
         at the directory holding them, or set DATABASE_URL to use an existing server",
        display_paths(searched)
    )]
    BinariesNotFound { searched: Vec<PathBuf> },

    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// An external command (initdb, pg_ctl, useradd) failed; `detail` holds
    /// the end of its output or of the server log.
    #[error("`{command}` failed: {detail}")]
    Command { command: String, detail: String },

    #[error("embedded cluster: {0}")]
    Cluster(String),
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "(nowhere)".to_string();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl PgError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        PgError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn query(what: impl Into<String>, source: tokio_postgres::Error) -> Self {
        PgError::Query {
            what: what.into(),
            reason: describe(&source),
            source,
        }
    }

    /// The server's SQLSTATE, when the error came from the server.
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            PgError::Query { source, .. } => source.as_db_error().map(|db| db.code().code()),
            _ => None,
        }
    }
}

/// A tokio-postgres error as one line a user can act on: the server's
/// message with its detail and hint, or the client-side cause chain.
pub fn describe(err: &tokio_postgres::Error) -> String {
    if let Some(db) = err.as_db_error() {
        let mut text = format!(
            "{}: {} (SQLSTATE {})",
            db.severity(),
            db.message(),
            db.code().code()
        );
        if let Some(detail) = db.detail() {
            text.push_str("; detail: ");
            text.push_str(detail);
        }
        if let Some(hint) = db.hint() {
            text.push_str("; hint: ");
            text.push_str(hint);
        }
        return text;
    }
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
