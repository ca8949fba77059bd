//! The old tool's bookkeeping rows against the imported directory: which
//! revisions petal records as applied, so that the next `petal upgrade`
//! runs what the tool would have run next, and every mismatch, reported,
//! never papered over:
//!
//! | mismatch | diesel | sqlx | refinery |
//! |---|---|---|---|
//! | applied, no migration in the directory | ignores the row | refuses (`VersionMissing`) | refuses (missing version) |
//! | a failed row | — | refuses (`Dirty`, `success = false`) | — |
//! | the file changed since it ran | — (no checksum) | refuses (SHA-384 of the file) | refuses (divergent: name or SipHash checksum) |
//! | a migration not applied below an applied one | runs it next | runs it next | `V`: refuses; `U`: runs it next |
//! | a version above `i32::MAX` with an `int4` table | — | — | refuses (invalid version) |
//!
//! petal records one line of history, each revision after its parent: it
//! cannot record a hole, nor a revision without its file. So every kind
//! stops the stamp, whatever the tool would do, with the tool's behaviour
//! in a note and the way out in the help.

use std::collections::{BTreeMap, BTreeSet};

use petal_source::Report;
use sha2::{Digest, Sha384};

use super::{Conversion, Imported, SourceDir, Tool, Version, refinery};
use crate::revision::RevisionId;

/// A `_sqlx_migrations` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlxRow {
    pub version: i64,
    pub success: bool,
    /// SHA-384 of the migration's file as sqlx read it.
    pub checksum: Vec<u8>,
}

/// A `refinery_schema_history` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefineryRow {
    pub version: i64,
    pub name: String,
    /// The decimal `u64`, as refinery writes it.
    pub checksum: String,
}

/// What the tool's table records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppliedRows {
    /// `__diesel_schema_migrations.version`: the versions, dashes removed.
    Diesel(Vec<String>),
    Sqlx {
        rows: Vec<SqlxRow>,
        /// sqlx.toml's `migrate.ignored-chars`: left out of the file's text
        /// before hashing it, as sqlx does.
        ignored_chars: BTreeSet<char>,
    },
    Refinery {
        rows: Vec<RefineryRow>,
        /// The table's `version` is `int8` (refinery's `int8-versions`
        /// feature): the checksum hashes 8 bytes of it, not 4.
        int8_versions: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MismatchKind {
    /// Recorded as applied, with no migration of its version.
    Missing,
    /// sqlx's `success = false`.
    Failed,
    /// The file is not what the tool applied.
    Checksum,
    /// Not applied, while a later migration is.
    OutOfOrder,
    /// A refinery version that an `int4` table cannot hold.
    VersionRange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub kind: MismatchKind,
    pub version: Version,
    pub report: Report,
}

/// What to stamp, what is left to run, and what does not match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// The applied revisions, a first part of the line of history.
    pub applied: Vec<RevisionId>,
    /// The rest: what `petal upgrade` runs next.
    pub pending: Vec<RevisionId>,
    /// In the order of the versions, then of the kinds.
    pub mismatches: Vec<Mismatch>,
}

/// The rows of `table` (the tool's table, as the user named it) against
/// the conversion of `dir`.
pub fn reconcile(
    conversion: &Conversion,
    dir: &SourceDir,
    table: &str,
    rows: &AppliedRows,
) -> Reconciled {
    let tool = conversion.tool;
    let by_version: BTreeMap<&Version, &Imported> = conversion
        .migrations
        .iter()
        .map(|m| (&m.version, m))
        .collect();
    let mut mismatches = Vec::new();
    let mut applied: BTreeSet<Version> = BTreeSet::new();
    for (version, row) in row_list(rows) {
        let Some(migration) = by_version.get(&version) else {
            mismatches.push(missing(tool, dir, table, &version));
            continue;
        };
        let path = dir.path_of(&migration.up_path);
        if let Row::Sqlx { success: false, .. } = row {
            mismatches.push(Mismatch {
                kind: MismatchKind::Failed,
                version: version.clone(),
                report: Report::in_file(
                    path.clone(),
                    format!("`{table}` records version {version} as failed (success = false)"),
                )
                .with_note(format!(
                    "sqlx refuses to run until it is resolved: migration {version} is partially applied"
                ))
                .with_help(format!(
                    "see what of {path} the database holds, finish or undo it by hand, then set \
                     its row's success to true (or delete the row), and import again"
                )),
            });
            continue;
        }
        if let Some(report) = changed(migration, &path, table, &row, rows) {
            mismatches.push(Mismatch {
                kind: MismatchKind::Checksum,
                version: version.clone(),
                report,
            });
        }
        applied.insert(version);
    }
    let last = conversion
        .migrations
        .iter()
        .rposition(|m| applied.contains(&m.version));
    if let AppliedRows::Refinery {
        int8_versions: false,
        ..
    } = rows
    {
        mismatches.extend(
            conversion
                .migrations
                .iter()
                .filter_map(|m| too_large(dir, table, m)),
        );
    }
    let mut out = Reconciled::default();
    for (index, migration) in conversion.migrations.iter().enumerate() {
        let is_applied = applied.contains(&migration.version);
        if last.is_some_and(|last| index <= last) {
            if !is_applied {
                let later = &conversion.migrations[last.unwrap_or(index)];
                mismatches.push(out_of_order(dir, table, migration, later));
            }
            out.applied.push(migration.revision().clone());
        } else {
            out.pending.push(migration.revision().clone());
        }
    }
    mismatches.sort_by(|a, b| (&a.version, a.kind).cmp(&(&b.version, b.kind)));
    out.mismatches = mismatches;
    out
}

/// One row, whatever the tool.
enum Row<'a> {
    Diesel,
    Sqlx { success: bool, checksum: &'a [u8] },
    Refinery { name: &'a str, checksum: &'a str },
}

fn row_list(rows: &AppliedRows) -> Vec<(Version, Row<'_>)> {
    match rows {
        AppliedRows::Diesel(versions) => versions
            .iter()
            .map(|v| (Version::Text(v.clone()), Row::Diesel))
            .collect(),
        AppliedRows::Sqlx { rows, .. } => rows
            .iter()
            .map(|r| {
                let row = Row::Sqlx {
                    success: r.success,
                    checksum: &r.checksum,
                };
                (Version::Number(r.version), row)
            })
            .collect(),
        AppliedRows::Refinery { rows, .. } => rows
            .iter()
            .map(|r| {
                let row = Row::Refinery {
                    name: &r.name,
                    checksum: &r.checksum,
                };
                (Version::Number(r.version), row)
            })
            .collect(),
    }
}

fn missing(tool: Tool, dir: &SourceDir, table: &str, version: &Version) -> Mismatch {
    let behaviour = match tool {
        Tool::Diesel => "diesel ignores such a row".to_owned(),
        Tool::Sqlx => format!(
            "sqlx refuses to run: migration {version} was previously applied but is missing in the resolved migrations"
        ),
        Tool::Refinery => {
            "refinery refuses to run (missing version), unless told not to abort".to_owned()
        }
    };
    Mismatch {
        kind: MismatchKind::Missing,
        version: version.clone(),
        report: Report::new(format!(
            "`{table}` records version {version} as applied, but {} holds no {tool} migration of that version",
            dir.display
        ))
        .with_note(behaviour)
        .with_note("petal cannot record a revision it has no file for")
        .with_help(format!(
            "restore the migration in {} and import again; if it was removed on purpose, delete \
             its row from `{table}` first",
            dir.display
        )),
    }
}

/// What the tool says when the file is not what it applied; `None` when
/// it is (diesel keeps no checksum).
fn changed(
    migration: &Imported,
    path: &str,
    table: &str,
    row: &Row<'_>,
    rows: &AppliedRows,
) -> Option<Report> {
    let version = &migration.version;
    match *row {
        Row::Diesel => None,
        Row::Sqlx { checksum, .. } => {
            let none = BTreeSet::new();
            let ignored = match rows {
                AppliedRows::Sqlx { ignored_chars, .. } => ignored_chars,
                _ => &none,
            };
            let file = sqlx_checksum(&migration.up_text, ignored);
            (file.as_slice() != checksum).then(|| {
                Report::in_file(
                    path.to_owned(),
                    format!(
                        "{path} changed since sqlx applied it: its SHA-384 is not version {version}'s \
                         checksum in `{table}`"
                    ),
                )
                .with_note(format!(
                    "sqlx refuses to run: migration {version} was previously applied but has been modified"
                ))
                .with_help("restore the file as it was applied (its history in version control), and import again")
            })
        }
        Row::Refinery { name, checksum } => {
            let int8 = matches!(
                rows,
                AppliedRows::Refinery {
                    int8_versions: true,
                    ..
                }
            );
            let number = match version {
                Version::Number(n) => *n,
                Version::Text(_) => 0,
            };
            // A version an int4 table cannot hold is reported by `too_large`.
            let computed = refinery::checksum(&migration.name, number, int8, &migration.up_text)?;
            (name != migration.name || checksum.trim() != computed.to_string()).then(|| {
                Report::in_file(
                    path.to_owned(),
                    format!(
                        "{path} is not what refinery applied as version {version}: applied as \
                         `{name}` with checksum {checksum}, the file is `{}` with checksum {computed}",
                        migration.name
                    ),
                )
                .with_note("refinery refuses to run (divergent version), unless told not to abort")
                .with_help("restore the file as it was applied (its history in version control), and import again")
            })
        }
    }
}

fn out_of_order(dir: &SourceDir, table: &str, migration: &Imported, later: &Imported) -> Mismatch {
    let tool = migration.tool;
    let behaviour = match (tool, migration.unversioned) {
        (Tool::Refinery, false) => {
            "refinery refuses to run (missing version), unless told not to abort".to_owned()
        }
        (Tool::Refinery, true) => {
            "refinery would run it next: an unversioned (U) migration runs whenever it is not applied".to_owned()
        }
        _ => format!("{tool} would run it next, out of order"),
    };
    Mismatch {
        kind: MismatchKind::OutOfOrder,
        version: migration.version.clone(),
        report: Report::in_file(
            dir.path_of(&migration.up_path),
            format!(
                "version {} is not applied while a later one, {}, is (`{table}`)",
                migration.version, later.version,
            ),
        )
        .with_note(behaviour)
        .with_note("petal keeps one line of history: it cannot record a revision as applied and one before it not")
        .with_help(format!(
            "apply it as {tool} would and record it in `{table}`, then import again; or import \
             with --no-stamp and `petal stamp` where the database is"
        )),
    }
}

/// sqlx's checksum of a file: SHA-384 of its text, the ignored characters
/// left out (`checksum_with` in sqlx-core's `migrate/source.rs`).
pub fn sqlx_checksum(text: &str, ignored_chars: &BTreeSet<char>) -> Vec<u8> {
    let mut digest = Sha384::new();
    for fragment in text.split(|c| ignored_chars.contains(&c)) {
        digest.update(fragment.as_bytes());
    }
    digest.finalize().to_vec()
}

/// A refinery version an `int4` table cannot hold: refinery, built without
/// `int8-versions`, reads versions as `i32` and refuses the file.
fn too_large(dir: &SourceDir, table: &str, migration: &Imported) -> Option<Mismatch> {
    let Version::Number(n) = migration.version else {
        return None;
    };
    if i32::try_from(n).is_ok() {
        return None;
    }
    Some(Mismatch {
        kind: MismatchKind::VersionRange,
        version: migration.version.clone(),
        report: Report::in_file(
            dir.path_of(&migration.up_path),
            format!(
                "version {n} does not fit `{table}`'s int4 version column (at most {})",
                i32::MAX
            ),
        )
        .with_note("refinery with int4 versions (its default) refuses the file (invalid version)")
        .with_help(
            "renumber the migration, or build refinery with its `int8-versions` feature and \
             make the table's version column int8, then import again",
        ),
    })
}
