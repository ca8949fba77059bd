//! The crate's one error type, wrapping the error of each module, and
//! each as reports.

use petal_source::Report;

use crate::graph::{GraphError, ResolveError};
use crate::load::LoadError;
use crate::parse::ParseError;
use crate::plan_error::PlanError;
use crate::revision::InvalidRevisionId;
use crate::split::SplitError;
use crate::target::TargetError;

/// Anything petal-migrate refuses: a file, the directory, the graph of
/// revisions, a target, a plan.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A malformed migration file.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A migrations directory that cannot be read, or its malformed files.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Files that do not form a revision graph.
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// A revision prefix naming no revision or several.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// A target that does not parse.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// A target the planner cannot reach from what is applied.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// SQL text that does not split into statements.
    #[error(transparent)]
    Split(#[from] SplitError),
    /// A revision id that is no `YYYYMMDDHHMMSS` time.
    #[error(transparent)]
    RevisionId(#[from] InvalidRevisionId),
}

impl Error {
    /// What is wrong, as reports: one per malformed file, else one.
    pub fn reports(&self) -> Vec<Report> {
        match self {
            Error::Parse(e) => vec![e.report()],
            Error::Load(e) => e.reports(),
            Error::Graph(e) => vec![e.report()],
            Error::Resolve(_)
            | Error::Target(_)
            | Error::Plan(_)
            | Error::Split(_)
            | Error::RevisionId(_) => vec![Report::new(self.to_string())],
        }
    }
}
