//! Migration files, the statement splitter, the revision graph and the
//! planner. Pure: no database and no file-system access, except the
//! [`load`] module's directory reader, kept apart.
//!
//! - [`parse`] / [`write`]: the file format (`-- petal revision:` header,
//!   `-- +petal up` / `down` sections, `-- +petal step`,
//!   `-- +petal no-transaction`);
//! - [`split()`]: statements on top-level `;`, aware of quotes, dollar
//!   quotes, comments and `BEGIN ATOMIC` bodies;
//! - [`RevisionGraph`]: parents, children, heads, bases, merges;
//! - [`plan()`] / [`plan_stamp`]: what upgrade, downgrade, stamp and `--sql`
//!   run; [`status()`] and [`current`] for reporting.
//!
//! ```
//! use petal_migrate::*;
//!
//! let text = "-- petal revision: 20260728093000\n-- petal parents:\n\n\
//!             -- +petal up\nCREATE TABLE t (id int);\n\n-- +petal down\nDROP TABLE t;\n";
//! let file = parse("migrations/20260728093000_t.sql", text)?;
//! let graph = RevisionGraph::build(vec![file])?;
//! let target = Target::parse("head")?;
//! let plan = plan(&graph, &[], &target, Direction::Up, PlanOptions::default())?;
//! let first = plan.steps[0].section().statements().next().map(|s| (s.line, s.sql.as_str()));
//! assert_eq!(first, Some((5, "CREATE TABLE t (id int)")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod file;
mod graph;
mod lex;
mod lines;
pub mod load;
mod parse;
mod plan;
mod plan_error;
mod revision;
mod slug;
mod split;
mod status;
mod suggest;
mod target;
mod write;

pub use file::{Checksum, MigrationFile, Section, Statement, Step};
pub use graph::{GraphError, ResolveError, RevisionGraph};
pub use parse::{ParseError, parse};
pub use plan::{AppliedRevision, Direction, Plan, PlanOptions, PlannedMigration, plan, plan_stamp};
pub use plan_error::PlanError;
pub use revision::{InvalidRevisionId, RevisionId, file_name, new_revision_id};
pub use slug::{MAX_SLUG_LEN, slug};
pub use split::{SplitError, split};
pub use status::{RevisionState, RevisionStatus, current, status};
pub use target::{Anchor, Target, TargetError};
pub use write::{GENERATED_BY, GeneratedStatement, NOTHING_TO_DO, NewMigration, write};
