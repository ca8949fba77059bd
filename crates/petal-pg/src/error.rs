//! One error type for everything petal-pg does but the advisory lock (whose
//! two outcomes each caller words for itself: `lock::AdvisoryLockError`).
//! Messages name the server, database, file or command concerned; a
//! password never appears in them, because no variant is ever built from a
//! string that holds one.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use petal_source::{Report, SourceFile, Span};
use tokio_postgres::error::{ErrorPosition, SqlState};

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

    /// The error as a report: a failed query's detail and hint apart from
    /// its message.
    pub fn report(&self) -> Report {
        match self {
            PgError::Query { what, source, .. } => {
                ServerError::of(source).report(&format!("{what} failed"))
            }
            other => Report::new(other.to_string()),
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
    ServerError::of(err).one_line()
}

/// What PostgreSQL said when it refused a statement (message, detail, hint,
/// the position in the statement), or the client's own error when no
/// server answered: the one reading of a tokio-postgres error, shown as one
/// line ([`ServerError::one_line`]) or as a report ([`ServerError::report`],
/// [`ServerError::report_in_file`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    /// `ERROR`, `FATAL`; `None` for a client-side error.
    pub severity: Option<String>,
    /// The SQLSTATE; `None` for a client-side error.
    pub code: Option<SqlState>,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// Where in the statement sent: PostgreSQL's 1-based character position.
    pub position: Option<usize>,
}

impl ServerError {
    pub fn of(err: &tokio_postgres::Error) -> ServerError {
        let Some(db) = err.as_db_error() else {
            return ServerError {
                severity: None,
                code: None,
                message: cause_chain(err),
                detail: None,
                hint: None,
                position: None,
            };
        };
        let position = match db.position() {
            Some(ErrorPosition::Original(p)) => usize::try_from(*p).ok(),
            _ => None,
        };
        ServerError {
            severity: Some(db.severity().to_string()),
            code: Some(db.code().clone()),
            message: db.message().to_string(),
            detail: db.detail().map(str::to_string),
            hint: db.hint().map(str::to_string),
            position,
        }
    }

    /// `ERROR: message (SQLSTATE code); detail: ...; hint: ...`, or the
    /// client's error with its causes.
    pub fn one_line(&self) -> String {
        let (Some(severity), Some(code)) = (&self.severity, &self.code) else {
            return self.message.clone();
        };
        let mut text = format!("{severity}: {} (SQLSTATE {})", self.message, code.code());
        if let Some(detail) = &self.detail {
            text.push_str("; detail: ");
            text.push_str(detail);
        }
        if let Some(hint) = &self.hint {
            text.push_str("; hint: ");
            text.push_str(hint);
        }
        text
    }

    /// The byte offset in `sql`, the statement sent, that PostgreSQL's
    /// position points at.
    pub fn offset_in(&self, sql: &str) -> Option<usize> {
        let position = self.position?.checked_sub(1)?;
        Some(
            sql.char_indices()
                .nth(position)
                .map_or(sql.len(), |(at, _)| at),
        )
    }

    /// A report saying `what` failed and why: PostgreSQL's message after
    /// `what` (`what: message`), its detail as a note, its hint as help.
    pub fn report(&self, what: &str) -> Report {
        self.annotate(Report::new(self.headline(what)))
    }

    /// The same, pointing into the file `source` the statement `sql` was
    /// read from (starting at byte `statement_start`): at the token
    /// PostgreSQL's position names, else at the statement's start.
    pub fn report_in_file(
        &self,
        what: &str,
        source: &Arc<SourceFile>,
        statement_start: usize,
        sql: &str,
    ) -> Report {
        let at = statement_start + self.offset_in(sql).unwrap_or(0);
        self.annotate(Report::at(source, Span::at(at), self.headline(what)))
    }

    fn headline(&self, what: &str) -> String {
        if what.is_empty() {
            self.message.clone()
        } else {
            format!("{what}: {}", self.message)
        }
    }

    /// Adds PostgreSQL's detail (a note) and hint (help) to a report about
    /// this error.
    pub fn annotate(&self, mut report: Report) -> Report {
        if let Some(detail) = &self.detail {
            report = report.with_note(format!("detail: {detail}"));
        }
        if let Some(hint) = &self.hint {
            report = report.with_help(hint.clone());
        }
        report
    }
}

/// The client's error with each cause it does not already say.
fn cause_chain(err: &tokio_postgres::Error) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(position: Option<usize>) -> ServerError {
        ServerError {
            severity: Some("ERROR".into()),
            code: Some(SqlState::UNDEFINED_OBJECT),
            message: "type \"no_such\" does not exist".into(),
            detail: Some("a detail".into()),
            hint: Some("a hint".into()),
            position,
        }
    }

    #[test]
    fn one_line_has_the_state_detail_and_hint() {
        assert_eq!(
            refused(None).one_line(),
            "ERROR: type \"no_such\" does not exist (SQLSTATE 42704); detail: a detail; hint: a hint"
        );
    }

    #[test]
    fn the_position_counts_characters_and_maps_back_to_the_file() {
        let sql = "SELECT 'цветы',\n  x::no_such";
        let at = sql.find("no_such").unwrap_or_default();
        let chars = sql[..at].chars().count();
        let error = refused(Some(chars + 1));
        assert_eq!(error.offset_in(sql), Some(at));
        let file = format!("-- a comment\n{sql};\n");
        let source = SourceFile::new("m.sql", file.as_str());
        let report = error.report_in_file("migration 1 failed", &source, 13, sql);
        let position = report.position().map(|p| (p.line, p.column));
        assert_eq!(position, Some((3, 6)));
        assert_eq!(
            report.message(),
            "migration 1 failed: type \"no_such\" does not exist"
        );
        assert_eq!(report.notes(), ["detail: a detail"]);
        assert_eq!(report.help(), Some("a hint"));
        // No position: the statement's start.
        let report = refused(None).report_in_file("", &source, 13, sql);
        assert_eq!(report.position().map(|p| p.line), Some(2));
    }
}
