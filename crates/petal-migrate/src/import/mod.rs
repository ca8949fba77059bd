//! Importing another tool's migration directory — diesel's, sqlx's or
//! refinery's — as petal revisions: same order, names and SQL, one line of
//! history. Pure: the directory comes in as text ([`SourceDir`]), read by
//! the caller, and the files go out as text, written by [`crate::write`]
//! and parsed back by [`crate::parse`], so petal accepts every one.
//!
//! Each tool's module reads its own naming rules (`diesel.rs`, `sqlx.rs`,
//! `refinery.rs`); `sections.rs` turns a migration's SQL into sections;
//! `applied.rs` reads the tool's bookkeeping rows against the directory:
//! what petal stamps, and every mismatch the tool would refuse or petal
//! cannot record.
//!
//! **Revision ids** (`ids.rs`). A version that is a `YYYYMMDDHHMMSS` time
//! (diesel's `2023-01-01-000000` read without its dashes, sqlx-cli's
//! timestamps) is the revision id; so are the first 14 digits of diesel 2's
//! `2023-01-01-000000-0000`. Any other version is a number N (refinery's
//! `V1`, sequential sqlx versions, diesel's `00000000000000_diesel_initial_setup`,
//! N = 0) and becomes the time 1970-01-01 00:00:00 UTC plus N seconds:
//! `V1` → `19700101000001`. An id that does not sort after the one before
//! it in the tool's order (two versions in one second, a large sequence
//! number before a timestamp) takes the next second after that one, as
//! petal's own clashing ids do. Each file's header says which rule made
//! its id.

mod applied;
mod diesel;
mod ids;
mod refinery;
mod sections;
mod sqlx;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use petal_source::{Report, SourceFile};

use crate::file::MigrationFile;
use crate::revision::RevisionId;

pub use applied::{
    AppliedRows, Mismatch, MismatchKind, Reconciled, RefineryRow, SqlxRow, reconcile, sqlx_checksum,
};
pub use ids::{IdMapping, revision_id};
pub use refinery::checksum as refinery_checksum;

/// The tool whose migrations are imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tool {
    Diesel,
    Sqlx,
    Refinery,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::Diesel => "diesel",
            Tool::Sqlx => "sqlx",
            Tool::Refinery => "refinery",
        }
    }

    /// The table where the tool records what it applied, by its default
    /// name (found through the `search_path`, as the tool finds it); the
    /// tool can be told another (`petal import --table`).
    pub fn table(self) -> &'static str {
        match self {
            Tool::Diesel => "__diesel_schema_migrations",
            Tool::Sqlx => "_sqlx_migrations",
            Tool::Refinery => "refinery_schema_history",
        }
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A migration directory as read: every file under it (names starting
/// with `.` left out, as the tools leave them), by its path relative to
/// the directory with `/` between parts, and its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceDir {
    /// The directory as the user named it, for messages.
    pub display: String,
    pub files: BTreeMap<String, String>,
}

impl SourceDir {
    /// The path of `relative` as messages show it.
    pub fn path_of(&self, relative: &str) -> String {
        let root = self.display.trim_end_matches('/');
        if root.is_empty() || root == "." {
            relative.to_owned()
        } else {
            format!("{root}/{relative}")
        }
    }

    /// The file `relative` names, for reports pointing into it.
    pub(crate) fn source(&self, relative: &str) -> Arc<SourceFile> {
        let text = self.files.get(relative).map_or("", String::as_str);
        SourceFile::new(self.path_of(relative), text)
    }

    pub(crate) fn text(&self, relative: &str) -> &str {
        self.files.get(relative).map_or("", String::as_str)
    }
}

/// A version as its tool orders it: diesel compares text, sqlx and
/// refinery numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(untagged)]
pub enum Version {
    Text(String),
    Number(i64),
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Text(text) => f.write_str(text),
            Version::Number(n) => write!(f, "{n}"),
        }
    }
}

/// One migration of the old tool, as its naming rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) version: Version,
    /// Its name: diesel's folder, sqlx's or refinery's file name, without
    /// the version and the extension.
    pub(crate) name: String,
    /// The up's file, relative to the directory.
    pub(crate) up: String,
    /// The down's file; `None` when the tool has none for it.
    pub(crate) down: Option<String>,
    /// The tool runs the up (and the down) outside a transaction.
    pub(crate) up_no_transaction: bool,
    pub(crate) down_no_transaction: bool,
    /// refinery's `U` prefix: run whenever it is not applied yet, even
    /// below the latest applied version.
    pub(crate) unversioned: bool,
}

/// What a tool's module read of the directory.
pub(crate) struct Listed {
    pub(crate) found: Vec<Found>,
    pub(crate) ignored: Vec<String>,
    pub(crate) notes: Vec<Report>,
}

/// A migration imported: where it came from and the petal file it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub tool: Tool,
    pub version: Version,
    pub name: String,
    /// The up's file, relative to the source directory.
    pub up_path: String,
    pub down_path: Option<String>,
    pub mapping: IdMapping,
    /// The petal file, as written and parsed back.
    pub file: MigrationFile,
    pub file_name: String,
    pub text: String,
    /// The up's text as the tool read it (its checksums are over it).
    pub up_text: String,
    pub unversioned: bool,
}

impl Imported {
    pub fn revision(&self) -> &RevisionId {
        &self.file.revision
    }

    /// The tool had no down for it: the petal file's down refuses.
    pub fn no_down(&self) -> bool {
        self.down_path.is_none()
    }
}

/// What [`convert`] made of a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    pub tool: Tool,
    /// In the tool's order, each the parent of the next.
    pub migrations: Vec<Imported>,
    /// Files the tool itself ignores (not named as its migrations are),
    /// relative to the directory.
    pub ignored: Vec<String>,
    /// How a file was read where the tool reads it silently (a diesel
    /// `metadata.toml` that does not parse): each at its file.
    pub notes: Vec<Report>,
}

/// Why a directory does not import: every problem found, each a report at
/// its file (and line, where a statement is at fault).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    pub reports: Vec<Report>,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reports.as_slice() {
            [only] => only.fmt(f),
            reports => write!(f, "{} problems in the migrations to import", reports.len()),
        }
    }
}

impl std::error::Error for ConvertError {}

/// The tool's migrations in `dir` as petal files for the directory
/// `migrations_dir` (as messages show it), in the tool's order, each the
/// parent of the next.
pub fn convert(
    tool: Tool,
    dir: &SourceDir,
    migrations_dir: &str,
) -> Result<Conversion, ConvertError> {
    let listed = match tool {
        Tool::Diesel => diesel::list(dir),
        Tool::Sqlx => sqlx::list(dir),
        Tool::Refinery => refinery::list(dir),
    };
    let Listed {
        mut found,
        ignored,
        notes,
    } = listed.map_err(|reports| ConvertError { reports })?;
    found.sort_by(|a, b| a.version.cmp(&b.version));
    let ids = ids::revision_ids(tool, dir, &found).map_err(|reports| ConvertError { reports })?;
    let mut reports = Vec::new();
    let mut migrations = Vec::new();
    let mut parent: Option<RevisionId> = None;
    for (found, (revision, mapping)) in found.iter().zip(ids) {
        let built = sections::build(
            tool,
            dir,
            found,
            sections::Ids {
                revision: revision.clone(),
                parent: parent.replace(revision),
                mapping,
            },
            migrations_dir,
        );
        match built {
            Ok(imported) => migrations.push(imported),
            Err(more) => reports.extend(more),
        }
    }
    if !reports.is_empty() {
        return Err(ConvertError { reports });
    }
    Ok(Conversion {
        tool,
        migrations,
        ignored,
        notes,
    })
}

/// Two migrations of one version: the tool refuses them too.
pub(crate) fn duplicates(tool: Tool, dir: &SourceDir, found: &[Found]) -> Vec<Report> {
    let mut seen: BTreeMap<&Version, &Found> = BTreeMap::new();
    let mut reports = Vec::new();
    for migration in found {
        if let Some(first) = seen.insert(&migration.version, migration) {
            reports.push(Report::in_file(
                dir.path_of(&migration.up),
                format!(
                    "two {tool} migrations have version {}: this one and {}",
                    migration.version,
                    dir.path_of(&first.up)
                ),
            ));
        }
    }
    reports
}
