//! Migration files, the statement splitter, the revision graph and the
//! planner. Pure: no database and no file-system access, except the
//! [`load`] module's directory reader, kept apart. Errors point into the
//! file's text by byte offset; a parsed file keeps its text
//! ([`MigrationFile::source`]) for the reports about it.
//!
//! - [`parse`] / [`write`]: the file format (`-- petal revision:` header,
//!   `-- +petal up` / `down` sections, `-- +petal step`,
//!   `-- +petal no-transaction`, `-- +petal if`); a [`Statement`] keeps
//!   the comment lines
//!   above it, and [`write_statement`] is the one writer of statements (the
//!   file, `petal diff`, `upgrade --sql`);
//! - [`split()`]: statements on top-level `;`, aware of quotes, dollar
//!   quotes, comments and `BEGIN ATOMIC` bodies;
//! - [`RevisionGraph`]: parents, children, heads, bases, merges;
//! - [`Journal`]: the committed steps of each revision (the step journal),
//!   [`plan_journalled`]: the plan resumed after them;
//! - [`plan()`] / [`plan_offline`] / [`plan_stamp`] / [`plan_stamp_offline`]: what upgrade,
//!   downgrade, `--sql` and stamp run; [`status()`], [`current`] and
//!   [`at_head`] for reporting;
//! - [`Error`]: every module's error, each as `petal_source::Report`s.
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
//! let file = &plan.steps[0].file;
//! let first = file.up.statements().next().map(|s| (file.line_of(s), s.sql.as_str()));
//! assert_eq!(first, Some((5, "CREATE TABLE t (id int)")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod duration;
mod error;
mod file;
mod graph;
pub mod import;
mod journal;
pub mod lex;
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

pub use duration::parse_duration;
pub use error::Error;
pub use file::{Checksum, Guard, MigrationFile, Section, Statement, Step};
pub use graph::{GraphError, ResolveError, RevisionGraph};
pub use journal::{Edit, Journal, JournalledStep, Progress, edit_of, plan_journalled};
pub use parse::{ParseError, parse};
pub use plan::{
    AppliedRevision, Direction, Plan, PlanOptions, PlannedMigration, plan, plan_offline,
    plan_stamp, plan_stamp_offline, revision_at,
};
pub use plan_error::PlanError;
pub use revision::{InvalidRevisionId, RevisionId, file_name, new_revision_id};
pub use slug::{MAX_SLUG_LEN, slug};
pub use split::{SplitError, split};
pub use status::{NotAtHead, RevisionState, RevisionStatus, at_head, current, status};
pub use target::{Anchor, Target, TargetError};
pub use write::{
    FILE_LAYOUT, GENERATED_BY, NOTHING_TO_DO, NewMigration, StepLayout, write, write_statement,
    write_steps,
};
