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
//! comment limit, leaving out the SQL first, then the diagram, then table
//! rows, and says what it left out and which command prints it.

mod diagram;
mod files;
mod layout;
mod rows;
mod summary;
mod text;

#[cfg(test)]
mod diagram_tests;
#[cfg(test)]
mod fit_tests;
#[cfg(test)]
mod tests;

use petal_diff::{Change, Impact, Safety};
use petal_ir::Database;

pub use diagram::{folded, marks, of_change};
pub use summary::{Concern, Summary};

/// The line every report starts with, invisible once rendered: a CI job
/// finds the comment it posted before by it, and updates that one.
pub const MARKER: &str = "<!-- petal-report -->";

/// GitHub's limit on a comment's length, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// The longest diagram Mermaid draws, in characters (its `maxTextSize`):
/// a longer one renders as "Maximum text size in diagram exceeded".
pub const MERMAID_TEXT_LIMIT: usize = 50_000;

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
    /// The changes are what `runs` do (`diff` between two replays, or
    /// from nothing to one), in the order they run, after undoing `undoes`
    /// (a replay of fewer files, or of another branch, compared with a
    /// later one), in the order they run too.
    Making {
        runs: Vec<MigrationEntry>,
        undoes: Vec<MigrationEntry>,
    },
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
    /// What prints each part in full, for the note when one is left out.
    pub commands: &'a Commands,
}

/// The commands that print in full what a report may leave out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commands {
    /// The up's SQL: `petal diff --from A --to B`.
    pub up: String,
    /// The down's SQL: `petal diff --from B --to A`.
    pub down: String,
    /// Every change with its classification, and the warnings: the
    /// command the report is of (`petal check --migrations`), or the up's.
    pub changes: String,
    /// The diagram, drawn whole: `petal diff --from A --to B --format svg`.
    pub diagram: String,
    /// The migration files: `petal history`.
    pub files: String,
}

impl Commands {
    /// The commands for a report of the difference from `from` to `to`
    /// (sources as `petal diff` takes them), made by the command `run`.
    pub fn between(from: &str, to: &str, run: &str) -> Commands {
        let up = format!("petal diff --from {from} --to {to}");
        Commands {
            down: format!("petal diff --from {to} --to {from}"),
            changes: run.to_string(),
            diagram: format!("{up} --format svg"),
            files: "petal history".to_string(),
            up,
        }
    }
}

/// The report, under GitHub's comment limit.
pub fn render(input: &Input<'_>) -> String {
    render_within(input, GITHUB_COMMENT_LIMIT)
}

/// The report in fewer than `limit` characters, parts left out as needed:
/// the down's SQL from its end, then the up's, then the earlier migration
/// files `check --migrations` compared with, then the diagram's neighbours
/// and the diagram, then the rows of the table of changes (the safe ones
/// first), then the list of files, then the warnings; each block it opens
/// is closed.
pub fn render_within(input: &Input<'_>, limit: usize) -> String {
    layout::Parts::of(input).fit(limit)
}
