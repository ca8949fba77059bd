//! The Markdown report of a schema change, for a pull-request comment:
//! a hidden marker (a CI job finds its earlier comment by it), the
//! summary line, the changes by object with their classification, the
//! migration files it covers, the diagram of the changed tables and their
//! neighbours, and the SQL up and down in collapsed blocks.
//!
//! Pure: it takes what `petal check` and `petal diff` computed (the
//! changes, their labels from `petal_diff::change_labels`, the SQL as
//! their writer printed it, both schemas) and classifies nothing again.
//! The same input gives the same bytes; the report stays under GitHub's
//! comment limit, leaving out the SQL first, then table rows, and says
//! what it left out.

mod diagram;
mod layout;
mod summary;
mod text;

#[cfg(test)]
mod tests;

use petal_diff::{Change, Impact, Safety};
use petal_ir::Database;

pub use diagram::{marks, of_change};
pub use summary::{Concern, Summary};

/// The line every report starts with, invisible once rendered: a CI job
/// finds the comment it posted before by it, and updates that one.
pub const MARKER: &str = "<!-- petal-report -->";

/// GitHub's limit on a comment's length, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// A migration file, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationEntry {
    /// The file's name (`20261124095348_move_money_to_numeric.sql`).
    pub file: String,
    /// What the migration says it does (its `-- message:`).
    pub message: String,
}

/// How the compared migration files relate to the changes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Migrations {
    /// No side of the comparison is a replay of the migrations.
    #[default]
    None,
    /// The changes are what these files do (`diff` between two replays,
    /// or from nothing to one), in the order they run.
    Making(Vec<MigrationEntry>),
    /// The changes are what the models hold that these files, replayed,
    /// do not (`check --migrations`): a revision still to write.
    ComparedWith(Vec<MigrationEntry>),
}

/// Everything a report says, as `check` or `diff` computed it.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// What the changes start from and lead to, as the user named them
    /// (a URL without its password).
    pub from: &'a str,
    pub to: &'a str,
    /// The changes, in the diff's order.
    pub changes: &'a [Change],
    /// Each change's label (`petal_diff::change_labels`), one per change.
    pub labels: &'a [(Safety, Vec<Impact>)],
    pub warnings: &'a [String],
    /// The up's and the down's SQL, as the command's writer prints them.
    pub up_sql: &'a str,
    pub down_sql: &'a str,
    /// The schemas before and after the changes.
    pub before: &'a Database,
    pub after: &'a Database,
    pub migrations: &'a Migrations,
    /// The command that prints everything, for the note when something
    /// is left out (`petal diff --from ... --to ...`).
    pub full_command: &'a str,
}

/// The report, under GitHub's comment limit.
pub fn render(input: &Input<'_>) -> String {
    render_within(input, GITHUB_COMMENT_LIMIT)
}

/// The report in fewer than `limit` bytes (so fewer characters too), parts
/// left out as needed: the down's SQL from its end, then the up's, then
/// the rows of the table of changes, then the diagram, then the list of
/// files, then the warnings; each block it opens is closed.
pub fn render_within(input: &Input<'_>, limit: usize) -> String {
    layout::Parts::of(input).fit(limit)
}
