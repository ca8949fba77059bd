//! `petal import diesel|sqlx|refinery [DIR]`: the old tool's directory read
//! (the I/O of `petal_migrate::import`'s pure conversion), its files written
//! into the project's migrations directory, and the target database's
//! bookkeeping table read and reconciled, then petal's log stamped with what
//! the tool applied. Nothing is written or stamped when anything does not
//! match; a run whose files are there already, byte for byte, only stamps
//! (another database of the same project).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use petal_migrate::import::{
    AppliedRows, Conversion, ConvertError, Reconciled, RefineryRow, SourceDir, SqlxRow, Tool,
    convert, reconcile,
};
use petal_migrate::{PlanOptions, RevisionId};
use petal_pg::connect;
use petal_source::Report;
use tokio_postgres::Client;

use crate::error::EngineError;
use crate::migrate::{self, Operation, RunSettings};
use crate::runner::read_applied;
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
    /// The database has no bookkeeping table of the tool.
    NoTable { table: &'static str },
    /// petal's log now records `applied`; `pending` is what `petal
    /// upgrade` runs next.
    Stamped {
        table: &'static str,
        applied: Vec<RevisionId>,
        pending: Vec<RevisionId>,
    },
    /// petal's log recorded exactly `applied` already.
    AlreadyStamped {
        table: &'static str,
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
    Mismatches {
        table: &'static str,
        reports: Vec<Report>,
    },
    /// petal's log records other revisions than the import would.
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
    let shown = migrations_dir.display().to_string();
    let conversion = convert(request.tool, &source, &shown)?;
    let files = existing_files(&migrations_dir, &conversion)?;
    let mut database = Database::NotRead;
    let mut stamp_at = None;
    if request.stamp {
        (database, stamp_at) = read_database(settings, &conversion, &source).await?;
    }
    if files == Files::Written {
        write_files(&migrations_dir, &conversion)?;
    }
    if let Some(revision) = stamp_at {
        migrate::run(
            settings,
            Operation::Stamp,
            revision.as_str(),
            PlanOptions::default(),
            &RunSettings::default(),
            &mut |_| {},
        )
        .await?;
    }
    Ok(ImportOutcome {
        conversion,
        migrations_dir,
        files,
        database,
    })
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

/// The bookkeeping table against the conversion: what the database says,
/// and the revision to stamp at (`None`: nothing to stamp).
async fn read_database(
    settings: &Settings,
    conversion: &Conversion,
    source: &SourceDir,
) -> Result<(Database, Option<RevisionId>), ImportError> {
    if settings.database_url.is_none() {
        let cluster = settings.embedded_cluster()?;
        if !matches!(cluster.status(), petal_pg::ClusterStatus::Running { .. }) {
            return Ok((Database::NoDatabase, None));
        }
    }
    let cfg = settings.target().await?;
    let client = connect(&cfg).await.map_err(EngineError::from)?;
    let table = conversion.tool.table();
    let Some(rows) = read_rows(&client, conversion.tool).await? else {
        return Ok((Database::NoTable { table }, None));
    };
    let Reconciled {
        applied,
        pending,
        mismatches,
    } = reconcile(conversion, source, &rows);
    if !mismatches.is_empty() {
        let reports = mismatches.into_iter().map(|m| m.report).collect();
        return Err(ImportError::Mismatches { table, reports });
    }
    let logged = read_applied(&client)
        .await
        .map_err(|e| EngineError::pg_query("reading petal_migrations", e))?;
    let logged: BTreeSet<&str> = logged.iter().map(|row| row.revision.as_str()).collect();
    let wanted: BTreeSet<&str> = applied.iter().map(RevisionId::as_str).collect();
    if !logged.is_empty() && wanted.is_subset(&logged) {
        // petal's log holds what the tool applied, and maybe what `petal
        // upgrade` ran since: nothing to stamp.
        let (applied, pending) = conversion
            .migrations
            .iter()
            .map(|m| m.revision().clone())
            .partition(|id| logged.contains(id.as_str()));
        return Ok((
            Database::AlreadyStamped {
                table,
                applied,
                pending,
            },
            None,
        ));
    }
    if !logged.is_empty() {
        let report = Report::new(format!(
            "petal_migrations records {} revision(s), not all {} that `{table}` says are \
             applied: petal's log is another history's, or stamped by hand",
            logged.len(),
            wanted.len()
        ))
        .with_help("stamp by hand (`petal stamp REV`) where the database is, or `petal stamp base` first to import again");
        return Err(ImportError::Stamped {
            report: Box::new(report),
        });
    }
    let at = applied.last().cloned();
    Ok((
        Database::Stamped {
            table,
            applied,
            pending,
        },
        at,
    ))
}

/// The tool's rows; `None` when its table is not there (found through
/// the `search_path`, as the tool finds it).
async fn read_rows(client: &Client, tool: Tool) -> Result<Option<AppliedRows>, EngineError> {
    let table = tool.table();
    let query = |what: &str, e| EngineError::pg_query(&format!("reading {what}"), e);
    let exists: bool = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
        .await
        .map_err(|e| query(table, e))?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let rows = match tool {
        Tool::Diesel => {
            let sql = "SELECT version::text FROM __diesel_schema_migrations ORDER BY version";
            let rows = client.query(sql, &[]).await.map_err(|e| query(table, e))?;
            let versions: Result<Vec<String>, _> = rows.iter().map(|r| r.try_get(0)).collect();
            AppliedRows::Diesel(versions.map_err(|e| query(table, e))?)
        }
        Tool::Sqlx => {
            let sql = "SELECT version, success, checksum FROM _sqlx_migrations ORDER BY version";
            let rows = client.query(sql, &[]).await.map_err(|e| query(table, e))?;
            let rows = rows.iter().map(|r| {
                Ok(SqlxRow {
                    version: r.try_get(0)?,
                    success: r.try_get(1)?,
                    checksum: r.try_get(2)?,
                })
            });
            AppliedRows::Sqlx(
                rows.collect::<Result<_, _>>()
                    .map_err(|e| query(table, e))?,
            )
        }
        Tool::Refinery => {
            let sql = "SELECT version::int8, coalesce(name, ''), coalesce(checksum, ''), \
                       pg_typeof(version) = 'bigint'::regtype \
                       FROM refinery_schema_history ORDER BY version";
            let rows = client.query(sql, &[]).await.map_err(|e| query(table, e))?;
            let int8_versions = rows
                .first()
                .map(|r| r.try_get::<_, bool>(3))
                .transpose()
                .map_err(|e| query(table, e))?
                .unwrap_or(false);
            let rows = rows.iter().map(|r| {
                Ok(RefineryRow {
                    version: r.try_get(0)?,
                    name: r.try_get(1)?,
                    checksum: r.try_get(2)?,
                })
            });
            AppliedRows::Refinery {
                rows: rows
                    .collect::<Result<_, _>>()
                    .map_err(|e| query(table, e))?,
                int8_versions,
            }
        }
    };
    Ok(Some(rows))
}
