//! `petal import diesel|sqlx|refinery [DIR]`: the old tool's directory read
//! (the I/O of `petal_migrate::import`'s pure conversion), its files written
//! into the project's migrations directory, and the target database's
//! bookkeeping table read and reconciled, then petal's log stamped with what
//! the tool applied. Nothing is written or stamped when anything does not
//! match; a run whose files are there already, byte for byte, only stamps
//! (another database of the same project). `db.rs` reads the database.

mod db;
mod sqlx_toml;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use petal_migrate::PlanOptions;
use petal_migrate::RevisionId;
use petal_migrate::import::{Conversion, ConvertError, SourceDir, Tool, convert};
use petal_source::Report;

pub use sqlx_toml::SqlxToml;

use crate::error::EngineError;
use crate::migrate::{self, Operation, RunSettings};
use crate::settings::Settings;

/// What `petal import` is asked to do.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub tool: Tool,
    /// The old tool's migrations directory.
    pub dir: PathBuf,
    /// Read the target database's bookkeeping table and stamp (no
    /// `--no-stamp`).
    pub stamp: bool,
    /// `--table`: the tool's table, when not its default name (or sqlx.toml's
    /// `migrate.table-name`); schema-qualified or not.
    pub table: Option<String>,
}

/// Where the tool's table was looked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Searched {
    pub database: String,
    /// The schema it is in; the one its qualified name names; or, for a
    /// bare name not found, the `search_path`'s schemas.
    pub schemas: Vec<String>,
    /// `schemas` is the `search_path`.
    pub search_path: bool,
}

/// What happened to the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Files {
    Written,
    /// Every file was there already, as the import writes it.
    AlreadyThere,
}

/// What happened in the database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Database {
    /// `--no-stamp`.
    NotRead,
    /// No URL configured and the embedded cluster is not running.
    NoDatabase,
    /// The database has no bookkeeping table of the tool, and no tables.
    NoTable { table: String },
    /// petal's log now records `applied`; `pending` is what `petal
    /// upgrade` runs next.
    Stamped {
        table: String,
        applied: Vec<RevisionId>,
        pending: Vec<RevisionId>,
    },
    /// petal's log recorded exactly `applied` already.
    AlreadyStamped {
        table: String,
        applied: Vec<RevisionId>,
        pending: Vec<RevisionId>,
    },
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub conversion: Conversion,
    /// Where the files are.
    pub migrations_dir: PathBuf,
    pub files: Files,
    pub database: Database,
    /// Where the tool's table was looked for; `None` when no database was.
    pub searched: Option<Searched>,
    /// sqlx.toml beside the sqlx directory, when there is one.
    pub sqlx_toml: Option<SqlxToml>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The old directory does not convert (each problem at its file).
    #[error(transparent)]
    Convert(#[from] ConvertError),
    /// A file of the old directory that cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The migrations directory holds other files than the import writes.
    #[error("{}", reports.first().map(Report::message).unwrap_or_default())]
    Existing { reports: Vec<Report> },
    /// The bookkeeping table does not match the directory.
    #[error("{} mismatch(es) between `{table}` and the migrations", reports.len())]
    Mismatches { table: String, reports: Vec<Report> },
    /// The database cannot be stamped as asked: petal's log records other
    /// revisions than the import would; the tool's table is missing from a
    /// database holding tables; or the stamp itself failed, after the files
    /// were written.
    #[error("{}", report.message())]
    Stamped { report: Box<Report> },
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl ImportError {
    pub fn reports(&self) -> Vec<Report> {
        match self {
            ImportError::Convert(e) => e.reports.clone(),
            ImportError::Read { path, source } => vec![Report::in_file(
                path.display().to_string(),
                format!("cannot read: {source}"),
            )],
            ImportError::Existing { reports } | ImportError::Mismatches { reports, .. } => {
                reports.clone()
            }
            ImportError::Stamped { report } => vec![(**report).clone()],
            ImportError::Engine(e) => e.reports(),
        }
    }
}

/// Imports `request.dir` into the project's migrations directory.
pub async fn import(
    settings: &Settings,
    request: &ImportRequest,
) -> Result<ImportOutcome, ImportError> {
    let migrations_dir = settings.migrations_dir.clone();
    refuse_same_dir(&request.dir, &migrations_dir)?;
    let source = read_dir(&request.dir)?;
    let sqlx_toml = match request.tool {
        Tool::Sqlx => sqlx_toml::read(&request.dir)?,
        _ => None,
    };
    let shown = migrations_dir.display().to_string();
    let conversion = convert(request.tool, &source, &shown)?;
    let files = existing_files(&migrations_dir, &conversion)?;
    let mut read = db::Read {
        database: Database::NotRead,
        searched: None,
        stamp_at: None,
    };
    if request.stamp {
        let table = request
            .table
            .as_deref()
            .or(sqlx_toml.as_ref().and_then(|t| t.table_name.as_deref()))
            .unwrap_or(request.tool.table());
        let none = BTreeSet::new();
        let lookup = db::Lookup {
            table,
            ignored_chars: sqlx_toml.as_ref().map_or(&none, |t| &t.ignored_chars),
        };
        read = db::read_database(settings, &conversion, &source, &lookup).await?;
    }
    if files == Files::Written {
        write_files(&migrations_dir, &conversion)?;
    }
    if let Some(revision) = &read.stamp_at {
        let stamped = migrate::run(
            settings,
            Operation::Stamp,
            revision.as_str(),
            PlanOptions::default(),
            &RunSettings::default(),
            &mut |_| {},
        )
        .await;
        if let Err(e) = stamped {
            return Err(stamp_failed(&e, request, files, revision));
        }
    }
    Ok(ImportOutcome {
        conversion,
        migrations_dir,
        files,
        database: read.database,
        searched: read.searched,
        sqlx_toml,
    })
}

/// The stamp failed once the files were there: `petal import` again, not
/// `petal upgrade` (which would run what the tool ran already), stamps.
fn stamp_failed(
    e: &EngineError,
    request: &ImportRequest,
    files: Files,
    revision: &RevisionId,
) -> ImportError {
    let first = e.reports().into_iter().next();
    let message = first
        .as_ref()
        .map_or_else(|| e.to_string(), |r| r.to_string());
    let written = match files {
        Files::Written => "the files are written",
        Files::AlreadyThere => "the files were there already",
    };
    let report = Report::new(format!(
        "stamping petal_migrations at {revision} failed: {message}"
    ))
    .with_note(format!(
        "{written}, and nothing is stamped: `petal upgrade` now would run again what {} ran",
        request.tool
    ))
    .with_help(format!(
        "once the cause is fixed, run `petal import {} {}{}` again (not `petal upgrade`): it \
         finds its own files unchanged and only stamps",
        request.tool,
        request.dir.display(),
        request
            .table
            .as_ref()
            .map_or(String::new(), |t| format!(" --table {t}"))
    ));
    ImportError::Stamped {
        report: Box::new(report),
    }
}

/// Importing a directory into itself would mix two tools' files.
fn refuse_same_dir(dir: &Path, migrations_dir: &Path) -> Result<(), ImportError> {
    let same = match (dir.canonicalize(), migrations_dir.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same {
        return Ok(());
    }
    Err(ImportError::Existing {
        reports: vec![
            Report::new(format!(
                "{} is both the directory to import and petal's migrations directory",
                dir.display()
            ))
            .with_help(
                "move the old migrations aside (`git mv migrations migrations.old`) and import \
                 from there, or point `migrations` in petal.toml at another directory",
            ),
        ],
    })
}

/// Every file under `dir` (names starting with `.` left out, as the tools
/// leave them), as text.
fn read_dir(dir: &Path) -> Result<SourceDir, ImportError> {
    let mut source = SourceDir {
        display: dir.display().to_string(),
        files: Default::default(),
    };
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, relative)) = pending.pop() {
        let read = |e| ImportError::Read {
            path: path.clone(),
            source: e,
        };
        for entry in std::fs::read_dir(&path).map_err(read)? {
            let entry = entry.map_err(read)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let child = entry.path();
            let child_relative = if relative.is_empty() {
                name
            } else {
                format!("{relative}/{name}")
            };
            // Followed as the tools follow them: a link to a file is a file.
            let metadata = std::fs::metadata(&child).map_err(|e| ImportError::Read {
                path: child.clone(),
                source: e,
            })?;
            if metadata.is_dir() {
                pending.push((child, child_relative));
            } else if metadata.is_file() {
                let text = std::fs::read_to_string(&child).map_err(|e| ImportError::Read {
                    path: child.clone(),
                    source: e,
                })?;
                source.files.insert(child_relative, text);
            }
        }
    }
    Ok(source)
}

/// Whether the files are to be written (the directory holds no migration
/// file) or are there already, each as the import writes it; anything
/// else is refused.
fn existing_files(dir: &Path, conversion: &Conversion) -> Result<Files, ImportError> {
    let mut present: BTreeSet<String> = BTreeSet::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".sql") {
                present.insert(name);
            }
        }
    }
    if present.is_empty() {
        return Ok(Files::Written);
    }
    let mut reports = Vec::new();
    let mut ours = BTreeSet::new();
    for migration in &conversion.migrations {
        let path = dir.join(&migration.file_name);
        ours.insert(migration.file_name.clone());
        match std::fs::read_to_string(&path) {
            Ok(text) if text == migration.text => {}
            Ok(_) => reports.push(Report::in_file(
                path.display().to_string(),
                "exists, and differs from what the import writes",
            )),
            Err(_) => reports.push(Report::in_file(
                path.display().to_string(),
                "missing: the migrations directory holds other revisions",
            )),
        }
    }
    if reports.is_empty() {
        return Ok(Files::AlreadyThere);
    }
    let others = present.difference(&ours).count();
    let first = Report::new(format!(
        "{} already holds migration files ({} of them not from this import): an import writes a \
         new history into an empty directory, or finds its own files there unchanged",
        dir.display(),
        others
    ))
    .with_help(
        "import into an empty migrations directory (set `migrations` in petal.toml), or remove \
         the files an earlier import wrote before importing again",
    );
    reports.insert(0, first);
    Err(ImportError::Existing { reports })
}

fn write_files(dir: &Path, conversion: &Conversion) -> Result<(), ImportError> {
    let io = |action, path: &Path, source| {
        ImportError::Engine(EngineError::Io {
            action,
            path: path.to_path_buf(),
            source,
        })
    };
    std::fs::create_dir_all(dir).map_err(|e| io("create", dir, e))?;
    for migration in &conversion.migrations {
        let path = dir.join(&migration.file_name);
        std::fs::write(&path, &migration.text).map_err(|e| io("write", &path, e))?;
    }
    Ok(())
}
