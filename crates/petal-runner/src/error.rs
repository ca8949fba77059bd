//! The runner's one error type: each variant keeps the error of the layer
//! that failed, and says what is wrong as reports, which the binary (or a
//! service) renders.

use petal_pg::PgError;
use petal_pg::error::ServerError;
use petal_source::Report;

use crate::failure::RunError;
use crate::interrupt::Signal;
use crate::lock::LockError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunnerError {
    /// Connecting, or a setting of the connection.
    #[error(transparent)]
    Pg(#[from] PgError),
    /// The migration lock: another run kept it for longer than this one
    /// waits.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// A migration that failed as it ran.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A signal stopped a run before any migration started.
    #[error("{} stopped the run while {while_doing}", signal.name())]
    Interrupted {
        signal: Signal,
        while_doing: &'static str,
    },
    /// Migration files, their graph, a target or a plan.
    #[error(transparent)]
    Migrations(#[from] petal_migrate::Error),
    /// A query the runner sends for its own bookkeeping.
    #[error("{what} failed: {}", petal_pg::error::describe(source))]
    Query {
        what: String,
        #[source]
        source: tokio_postgres::Error,
    },
    /// A file written for a newer server than the one it would run on.
    #[error(
        "{path} needs PostgreSQL {required} or later (its header: `-- petal requires: \
         PostgreSQL {required}`), and the server it would run on is PostgreSQL {found}; \
         nothing ran. It was generated against a newer server: run it on PostgreSQL \
         {required} or later (for a replay, a dev_url of that version), or generate it again \
         against a server of version {found}"
    )]
    ServerTooOld {
        path: String,
        required: u32,
        found: u32,
    },
    #[error("petal_migrations holds an invalid revision {revision:?}: {why}")]
    InvalidLogRevision { revision: String, why: String },
    /// Migrations embedded in a binary, run against a database that a newer
    /// release migrated further: planning would call the applied revisions
    /// missing files.
    #[error(
        "the database has revision(s) {} applied that the migrations built into this binary do \
         not hold: a newer release migrated it. Run the newer release, or downgrade the \
         database with it (`petal downgrade` from its migrations) before starting this one",
        revisions.join(", ")
    )]
    AppliedNotCarried { revisions: Vec<String> },
    /// A test database could not be set up or dropped.
    #[error("{0}")]
    Setup(String),
}

/// Each module error of petal-migrate is a [`RunnerError::Migrations`], so
/// `?` takes it as it is.
macro_rules! migrations_error {
    ($($error:ty),*) => {$(
        impl From<$error> for RunnerError {
            fn from(e: $error) -> Self {
                RunnerError::Migrations(e.into())
            }
        }
    )*};
}

migrations_error!(
    petal_migrate::load::LoadError,
    petal_migrate::GraphError,
    petal_migrate::TargetError,
    petal_migrate::PlanError,
    petal_migrate::ParseError
);

impl RunnerError {
    pub fn query(what: &str, e: tokio_postgres::Error) -> Self {
        RunnerError::Query {
            what: what.to_string(),
            source: e,
        }
    }

    /// What is wrong, as reports (one per malformed migration file).
    pub fn reports(&self) -> Vec<Report> {
        match self {
            RunnerError::Pg(e) => vec![e.report()],
            RunnerError::Lock(e) => vec![e.report()],
            RunnerError::Run(e) => vec![e.report()],
            RunnerError::Migrations(e) => e.reports(),
            RunnerError::Query { what, source } => {
                vec![ServerError::of(source).report(&format!("{what} failed"))]
            }
            RunnerError::Interrupted { .. }
            | RunnerError::ServerTooOld { .. }
            | RunnerError::InvalidLogRevision { .. }
            | RunnerError::AppliedNotCarried { .. }
            | RunnerError::Setup(_) => vec![Report::new(self.to_string())],
        }
    }
}
