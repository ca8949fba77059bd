//! One error type for the workflows; each variant keeps the error of the
//! layer that failed, and each says what is wrong as reports
//! ([`EngineError::reports`]), which the binary renders.

use std::fmt;
use std::path::PathBuf;

use petal_pg::PgError;
use petal_pg::error::ServerError;
use petal_source::{Report, ReportList};

use crate::runner::{LockError, RunError};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Pg(#[from] PgError),
    #[error(transparent)]
    Lock(#[from] LockError),
    /// A migration that failed as it ran.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A signal stopped a run before any migration started.
    #[error("{} stopped the run while {while_doing}", signal.name())]
    Interrupted {
        signal: crate::runner::Signal,
        while_doing: &'static str,
    },
    /// Model files that do not parse or validate (`file:line:col` each).
    #[error(transparent)]
    Models(#[from] petal_syntax::ScanErrors),
    /// Migration files, their graph, a target or a plan.
    #[error(transparent)]
    Migrations(#[from] petal_migrate::Error),
    /// Statements generated from the models that PostgreSQL refused, each
    /// traced back to the model attribute it came from.
    #[error(transparent)]
    ModelsRefused(Refusals),
    /// SQL files beside the models that do not read (a statement that is
    /// no declaration, an object declared twice), or whose statements
    /// PostgreSQL refuses: each at its `file:line:col`.
    #[error(transparent)]
    SqlFiles(Refusals),
    /// Another run of this project kept the canonical database (its lock)
    /// for longer than petal waits.
    #[error(
        "another petal run of this project has held the canonical database {name} \
         for over {} s ({holder}); wait for it to finish, or stop it",
        waited.as_secs()
    )]
    CanonicalBusy {
        name: String,
        holder: petal_pg::LockHolder,
        waited: std::time::Duration,
    },
    /// A query petal sends for its own work (not a migration's statement).
    #[error("{what} failed: {}", petal_pg::error::describe(source))]
    Query {
        what: String,
        #[source]
        source: tokio_postgres::Error,
    },
    /// A file or directory petal writes.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A setting or argument petal cannot use, phrased for the user.
    #[error("{0}")]
    Config(String),
    /// The revisions or their log refuse a command (not at head, nothing
    /// to merge, several heads).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A broken promise of petal's own (a bug): said as such, to be
    /// reported.
    #[error("petal failed {what}: {why} (this is a bug in petal; please report it)")]
    Internal { what: &'static str, why: String },
}

/// Why the revisions and the log refuse a command.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("nothing to merge: there {} {heads} head(s)", if *heads == 1 { "is" } else { "are" })]
    NothingToMerge { heads: usize },
    #[error(
        "the migrations have {} heads ({}): join them with `petal merge` first",
        heads.len(),
        heads.join(", ")
    )]
    SeveralHeads { heads: Vec<String> },
    #[error(
        "the database has revision(s) {} applied, but no migration file holds them: restore \
         the file(s) in {}, or record a revision you have with `petal stamp --purge REV`",
        missing.join(", "),
        dir.display()
    )]
    UnknownApplied { missing: Vec<String>, dir: PathBuf },
    #[error(
        "the database is not at head: run `petal upgrade` first (or compare the models with \
         the migrations instead: `petal check --migrations`, `petal revision --autogenerate \
         --from-migrations`)"
    )]
    NotAtHead,
    #[error(
        "the database is not at head: revision {revision} stopped between steps ({progress}); \
         fix the step that failed and run `petal upgrade` to resume it (`petal status` shows \
         where it stands)"
    )]
    StoppedBetweenSteps { revision: String, progress: String },
    /// The runner refuses the plan: a file for a newer server, a log
    /// holding what is no revision id (said in the runner's words).
    #[error(transparent)]
    Runner(petal_runner::RunnerError),
    #[error(
        "no migration written: PostgreSQL would refuse it, because what petal does not model \
         stands in the way, and petal cannot move it aside and back:\n{}\n\
         Drop it in a migration of your own (`petal revision -m ...`, then `petal upgrade`), \
         generate this one, and create it again in another",
        blocked.iter().map(|b| format!("  - {b}")).collect::<Vec<_>>().join("\n")
    )]
    UnmodelledDependents { blocked: Vec<String> },
    #[error(
        "no migration written: PostgreSQL cannot change how a table is partitioned in place, \
         and petal does not change an inheritance child's parents in place (`ALTER TABLE ... \
         INHERIT | NO INHERIT`), so this migration would drop each of these tables, with its \
         rows, and create it again:\n{}\n\
         Write this change by hand (create the new table beside the old one, copy the rows, \
         swap the names) in a migration of your own (`petal revision -m ...`), or keep the \
         table as it is",
        tables.iter().map(|t| format!("  - {t}")).collect::<Vec<_>>().join("\n")
    )]
    Repartitioned { tables: Vec<String> },
    #[error(
        "no migration written: PostgreSQL cannot change the type of a column in a partition \
         key (nor its collation), on the partitioned table or on its partitions:\n{}\n\
         Write this change by hand (create the new table partitioned over the new type beside \
         the old one, copy the rows, swap the names) in a migration of your own (`petal \
         revision -m ...`), or keep the column's type",
        columns.iter().map(|c| format!("  - {c}")).collect::<Vec<_>>().join("\n")
    )]
    PartitionKeyRetyped { columns: Vec<String> },
    #[error(
        "no migration written: PostgreSQL cannot make these column changes under an \
         inheritance edge, or they would lose a child's values:\n{}\n\
         Declare the child's columns as its parents leave them (a column a child inherits \
         stays inherited; one it declares itself stays its own), or write this change by \
         hand in a migration of your own (`petal revision -m ...`)",
        columns.iter().map(|c| format!("  - {c}")).collect::<Vec<_>>().join("\n")
    )]
    InheritedColumns { columns: Vec<String> },
}

/// The statements a load refused, as reports.
#[derive(Debug)]
pub struct Refusals(pub Vec<Report>);

impl fmt::Display for Refusals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ReportList(&self.0).fmt(f)
    }
}

impl std::error::Error for Refusals {}

/// The runner's errors, each as the variant the binary already knows, so
/// a run reports alike from the CLI and from a replay.
impl From<petal_runner::RunnerError> for EngineError {
    fn from(e: petal_runner::RunnerError) -> Self {
        use petal_runner::RunnerError as R;
        match e {
            R::Pg(e) => EngineError::Pg(e),
            R::Lock(e) => EngineError::Lock(e),
            R::Run(e) => EngineError::Run(e),
            R::Interrupted {
                signal,
                while_doing,
            } => EngineError::Interrupted {
                signal,
                while_doing,
            },
            R::Migrations(e) => EngineError::Migrations(e),
            R::Query { what, source } => EngineError::Query { what, source },
            refusal @ (R::ServerTooOld { .. }
            | R::InvalidLogRevision { .. }
            | R::AppliedNotCarried { .. }) => Refusal::Runner(refusal).into(),
            R::Setup(text) => EngineError::Config(text),
            // The runner's enum is non-exhaustive: a refusal it adds later
            // is said in its own words.
            other => Refusal::Runner(other).into(),
        }
    }
}

/// Each module error of petal-migrate is an [`EngineError::Migrations`], so
/// `?` takes it as it is.
macro_rules! migrations_error {
    ($($error:ty),*) => {$(
        impl From<$error> for EngineError {
            fn from(e: $error) -> Self {
                EngineError::Migrations(e.into())
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

impl EngineError {
    /// A broken promise of petal's own, while doing `what`.
    pub fn internal(what: &'static str, why: impl fmt::Display) -> Self {
        EngineError::Internal {
            what,
            why: why.to_string(),
        }
    }

    pub fn pg_query(what: &str, e: tokio_postgres::Error) -> Self {
        EngineError::Query {
            what: what.to_string(),
            source: e,
        }
    }

    /// What is wrong, as reports: one for most errors, one per mistake or
    /// refused statement for the models.
    pub fn reports(&self) -> Vec<Report> {
        match self {
            EngineError::Pg(e) => vec![e.report()],
            EngineError::Lock(e) => vec![e.report()],
            EngineError::Run(e) => vec![e.report()],
            EngineError::Models(e) => e.reports.clone(),
            EngineError::Migrations(e) => e.reports(),
            EngineError::ModelsRefused(refusals) | EngineError::SqlFiles(refusals) => {
                refusals.0.clone()
            }
            EngineError::Query { what, source } => {
                vec![ServerError::of(source).report(&format!("{what} failed"))]
            }
            EngineError::Io {
                action,
                path,
                source,
            } => vec![Report::in_file(
                path.display().to_string(),
                format!("cannot {action}: {source}"),
            )],
            EngineError::CanonicalBusy { .. }
            | EngineError::Interrupted { .. }
            | EngineError::Refused(_)
            | EngineError::Internal { .. } => vec![Report::new(self.to_string())],
            EngineError::Config(text) => vec![Report::new(text)],
        }
    }
}
