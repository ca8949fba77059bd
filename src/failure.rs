//! What a command returns when it does not succeed: what went wrong, as
//! reports, the kind of thing that failed (the `kind` of a JSON error), and
//! the exit code (1: differences found, 2: an error). The one place that
//! maps the libraries' errors to kinds and exit codes.

use petal_engine::EngineError;
use petal_engine::import::ImportError;
use petal_engine::pg::PgError;
use petal_engine::runner::RunError;
use petal_migrate::load::LoadError;
use petal_source::Report;
use serde::Serialize;

/// What failed, as `--format json` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// `petal.toml`, `.env`, a flag or an argument petal cannot use.
    Config,
    /// Model files that do not scan, or whose SQL PostgreSQL refuses.
    Models,
    /// SQL files beside the models that do not read, or whose statements
    /// PostgreSQL refuses.
    SqlFile,
    /// A migration file that does not parse, or files that form no graph.
    MigrationFile,
    /// A target, or a plan the revisions and the log do not allow.
    Plan,
    /// Another petal run holds the migration lock.
    Lock,
    /// A migration's statement that PostgreSQL refused.
    Statement,
    /// A signal (SIGINT, SIGTERM) stopped the run.
    Interrupted,
    /// A server that cannot be reached, started, or that fails petal's own
    /// queries.
    Connection,
    /// A file or directory that cannot be read or written.
    Io,
    /// A bug in petal, said as such.
    Internal,
}

#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub kind: ErrorKind,
    /// Empty for differences found: the command printed them already.
    pub reports: Vec<Report>,
    /// The command printed its own JSON already: no error object may
    /// follow it on standard output.
    pub output_printed: bool,
}

impl Failure {
    /// An error (exit code 2) said by one report.
    pub fn new(kind: ErrorKind, report: Report) -> Self {
        Failure {
            code: 2,
            kind,
            reports: vec![report],
            output_printed: false,
        }
    }

    /// An error (exit code 2) about no place in particular.
    pub fn error(kind: ErrorKind, message: impl Into<String>) -> Self {
        Failure::new(kind, Report::new(message))
    }

    /// Differences found (`check`, `diff --exit-code`): exit code 1, and
    /// nothing more to say.
    pub fn differences() -> Self {
        Failure {
            code: 1,
            kind: ErrorKind::Plan,
            reports: Vec::new(),
            output_printed: false,
        }
    }

    /// The same failure, after the command printed its JSON output.
    pub fn after_output(self) -> Self {
        Failure {
            output_printed: true,
            ..self
        }
    }
}

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Self {
        Failure {
            // A run a signal stopped exits as the shell expects of it.
            code: petal_engine::migrate::stopped_by(&e).map_or(2, |signal| signal.exit_code()),
            kind: kind_of(&e),
            reports: e.reports(),
            output_printed: false,
        }
    }
}

impl From<ImportError> for Failure {
    fn from(e: ImportError) -> Self {
        let kind = match e {
            ImportError::Engine(engine) => return Failure::from(engine),
            ImportError::Convert(_) => ErrorKind::MigrationFile,
            ImportError::Read { .. } => ErrorKind::Io,
            ImportError::Existing { .. } => ErrorKind::Config,
            ImportError::Mismatches { .. } | ImportError::Stamped { .. } => ErrorKind::Plan,
        };
        Failure {
            code: 2,
            kind,
            reports: e.reports(),
            output_printed: false,
        }
    }
}

impl From<PgError> for Failure {
    fn from(e: PgError) -> Self {
        Failure::from(EngineError::from(e))
    }
}

impl From<petal_report::erd::UnknownTable> for Failure {
    fn from(e: petal_report::erd::UnknownTable) -> Self {
        Failure::error(ErrorKind::Config, format!("--tables: {e}"))
    }
}

fn kind_of(e: &EngineError) -> ErrorKind {
    match e {
        EngineError::Pg(e) => pg_kind(e),
        EngineError::Lock(_) | EngineError::CanonicalBusy { .. } => ErrorKind::Lock,
        EngineError::Run(run) => match run {
            RunError::Statement { .. } => ErrorKind::Statement,
            RunError::Interrupted(_) => ErrorKind::Interrupted,
            RunError::Db(_) | RunError::Lost { .. } => ErrorKind::Connection,
        },
        EngineError::Interrupted { .. } => ErrorKind::Interrupted,
        EngineError::Models(_) | EngineError::ModelsRefused(_) => ErrorKind::Models,
        EngineError::SqlFiles(_) => ErrorKind::SqlFile,
        EngineError::Migrations(e) => migrations_kind(e),
        EngineError::Query { .. } => ErrorKind::Connection,
        EngineError::Io { .. } => ErrorKind::Io,
        EngineError::Config(_) => ErrorKind::Config,
        EngineError::Refused(_) => ErrorKind::Plan,
        EngineError::Internal { .. } => ErrorKind::Internal,
    }
}

fn pg_kind(e: &PgError) -> ErrorKind {
    match e {
        PgError::InvalidConfig(_) => ErrorKind::Config,
        PgError::Io { .. } => ErrorKind::Io,
        PgError::Connect { .. }
        | PgError::ConnectTimeout { .. }
        | PgError::Tls(_)
        | PgError::Query { .. }
        | PgError::Catalog(_)
        | PgError::BinariesNotFound { .. }
        | PgError::Command { .. }
        | PgError::Cluster(_) => ErrorKind::Connection,
    }
}

fn migrations_kind(e: &petal_migrate::Error) -> ErrorKind {
    use petal_migrate::Error;
    match e {
        Error::Load(LoadError::Io { .. }) => ErrorKind::Io,
        Error::Load(LoadError::Parse(_)) | Error::Parse(_) | Error::Graph(_) | Error::Split(_) => {
            ErrorKind::MigrationFile
        }
        Error::Resolve(_) | Error::Target(_) | Error::Plan(_) | Error::RevisionId(_) => {
            ErrorKind::Plan
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use petal_engine::pg::LockHolder;
    use petal_engine::runner::LockError;

    use super::*;

    /// A lock that times out (a minute, so not run end to end) is a `lock`
    /// error, in JSON as in the exit code.
    #[test]
    fn a_lock_timeout_is_a_lock_error() {
        let failure = Failure::from(EngineError::Lock(LockError::Timeout {
            holder: LockHolder::Released,
            waited: Duration::from_secs(60),
        }));
        assert_eq!((failure.code, failure.kind), (2, ErrorKind::Lock));
        let json = crate::output::error_json(&failure);
        assert_eq!(json["kind"], "lock");
        assert!(
            json["message"]
                .as_str()
                .unwrap_or_default()
                .contains("another petal run holds the migration lock"),
            "{json:#}"
        );
        assert_eq!(json["line"], serde_json::Value::Null);
        assert_eq!(json["reports"].as_array().map(Vec::len), Some(1));
    }
}
