//! The target database's side of an import: where the tool's table was
//! looked for (database, schema), its rows, and petal's log against them.
//! A table that is not there is refused when the database holds tables of
//! its own (the wrong database, schema or URL, most likely); the log is
//! "stamped already" only when every revision it records is one of this
//! import's.

use std::collections::BTreeSet;

use petal_migrate::RevisionId;
use petal_migrate::import::{
    AppliedRows, Conversion, Reconciled, RefineryRow, SourceDir, SqlxRow, Tool, reconcile,
};
use petal_pg::connect;
use petal_source::Report;
use tokio_postgres::Client;

use super::{Database, ImportError, Searched};
use crate::error::EngineError;
use crate::runner::read_applied;
use crate::settings::Settings;

/// What the database is read for: the tool's table as named, and sqlx's
/// characters left out of its checksums.
pub(super) struct Lookup<'a> {
    pub(super) table: &'a str,
    pub(super) ignored_chars: &'a BTreeSet<char>,
}

/// What the database says, and the revision to stamp at (`None`: nothing
/// to stamp).
pub(super) struct Read {
    pub(super) database: Database,
    pub(super) searched: Option<Searched>,
    pub(super) stamp_at: Option<RevisionId>,
}

/// The tool's table against the conversion.
pub(super) async fn read_database(
    settings: &Settings,
    conversion: &Conversion,
    source: &SourceDir,
    lookup: &Lookup<'_>,
) -> Result<Read, ImportError> {
    if settings.database_url.is_none() {
        let cluster = settings.embedded_cluster()?;
        if !matches!(cluster.status(), petal_pg::ClusterStatus::Running { .. }) {
            return Ok(Read {
                database: Database::NoDatabase,
                searched: None,
                stamp_at: None,
            });
        }
    }
    let cfg = settings.target().await?;
    let client = connect(&cfg).await.map_err(EngineError::from)?;
    let (searched, found) = find_table(&client, lookup.table).await?;
    let Some(found) = found else {
        refuse_missing_table(&client, conversion.tool, lookup.table, &searched).await?;
        return Ok(Read {
            database: Database::NoTable {
                table: lookup.table.to_owned(),
            },
            searched: Some(searched),
            stamp_at: None,
        });
    };
    let rows = read_rows(&client, conversion.tool, &found, lookup).await?;
    let table = found.name.clone();
    let Reconciled {
        applied,
        pending,
        mismatches,
    } = reconcile(conversion, source, &table, &rows);
    if !mismatches.is_empty() {
        let reports = mismatches.into_iter().map(|m| m.report).collect();
        return Err(ImportError::Mismatches { table, reports });
    }
    let logged = read_applied(&client)
        .await
        .map_err(|e| EngineError::pg_query("reading petal_migrations", e))?;
    let logged: Vec<&str> = logged.iter().map(|row| row.revision.as_str()).collect();
    let (database, stamp_at) = against_log(conversion, &table, applied, pending, &logged)?;
    Ok(Read {
        database,
        searched: Some(searched),
        stamp_at,
    })
}

/// petal's log against what the tool applied: empty, stamp at the last;
/// every revision it records one of this import's, the tool's among them,
/// stamped already (and maybe upgraded since); anything else refused.
fn against_log(
    conversion: &Conversion,
    table: &str,
    applied: Vec<RevisionId>,
    pending: Vec<RevisionId>,
    logged: &[&str],
) -> Result<(Database, Option<RevisionId>), ImportError> {
    if logged.is_empty() {
        let at = applied.last().cloned();
        let database = Database::Stamped {
            table: table.to_owned(),
            applied,
            pending,
        };
        return Ok((database, at));
    }
    let ours: BTreeSet<&str> = conversion
        .migrations
        .iter()
        .map(|m| m.revision().as_str())
        .collect();
    let logged_set: BTreeSet<&str> = logged.iter().copied().collect();
    let foreign: Vec<&str> = logged
        .iter()
        .copied()
        .filter(|r| !ours.contains(r))
        .collect();
    let unlogged: Vec<&str> = applied
        .iter()
        .map(RevisionId::as_str)
        .filter(|r| !logged_set.contains(r))
        .collect();
    if foreign.is_empty() && unlogged.is_empty() {
        let (applied, pending) = conversion
            .migrations
            .iter()
            .map(|m| m.revision().clone())
            .partition(|id| logged_set.contains(id.as_str()));
        let database = Database::AlreadyStamped {
            table: table.to_owned(),
            applied,
            pending,
        };
        return Ok((database, None));
    }
    let mut report = Report::new(format!(
        "petal_migrations records {} revision(s) that do not match what `{table}` says is \
         applied: petal's log is another history's, or stamped by hand",
        logged.len()
    ));
    if !foreign.is_empty() {
        report = report.with_note(format!(
            "not revisions of this import: {}",
            foreign.join(", ")
        ));
    }
    if !unlogged.is_empty() {
        report = report.with_note(format!(
            "applied by {} and not in petal's log: {}",
            conversion.tool,
            unlogged.join(", ")
        ));
    }
    Err(ImportError::Stamped {
        report: Box::new(report.with_help(
            "stamp by hand (`petal stamp REV`) where the database is, or `petal stamp base` \
             first to import again",
        )),
    })
}

/// The tool's table as found: its name as PostgreSQL prints it, and its
/// `version` column's type.
pub(super) struct Found {
    name: String,
    version_type: String,
}

/// Where `table` was looked for, and the table when it is there (a bare
/// name through the `search_path`, as the tool finds it).
async fn find_table(
    client: &Client,
    table: &str,
) -> Result<(Searched, Option<Found>), EngineError> {
    let query = |e| EngineError::pg_query(&format!("looking for {table}"), e);
    let row = client
        .query_one(
            "SELECT current_database()::text, current_schemas(false)::text[], \
                    c.oid::regclass::text, n.nspname::text, \
                    format_type(a.atttypid, a.atttypmod) \
             FROM (SELECT to_regclass($1) AS oid) r \
             LEFT JOIN pg_class c ON c.oid = r.oid \
             LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'version' \
                  AND NOT a.attisdropped",
            &[&table],
        )
        .await
        .map_err(query)?;
    let database: String = row.try_get(0).map_err(query)?;
    let path: Vec<String> = row.try_get(1).map_err(query)?;
    let name: Option<String> = row.try_get(2).map_err(query)?;
    let schema: Option<String> = row.try_get(3).map_err(query)?;
    let version_type: Option<String> = row.try_get(4).map_err(query)?;
    let qualified = qualifier(table);
    let search_path = qualified.is_none() && schema.is_none();
    let schemas = match (&schema, qualified) {
        (Some(schema), _) => vec![schema.clone()],
        (None, Some(schema)) => vec![schema],
        (None, None) => path,
    };
    let searched = Searched {
        database,
        schemas,
        search_path,
    };
    let found = name.map(|name| Found {
        name,
        version_type: version_type.unwrap_or_default(),
    });
    Ok((searched, found))
}

/// The schema a qualified name names (`foo.t`, `"Foo".t`), as written.
fn qualifier(table: &str) -> Option<String> {
    let mut quoted = false;
    for (at, c) in table.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => {
                let schema = &table[..at];
                return Some(
                    match schema.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                        Some(inner) => inner.replace("\"\"", "\""),
                        None => schema.to_lowercase(),
                    },
                );
            }
            _ => {}
        }
    }
    None
}

/// No tool table, while the database holds tables of its own: most likely
/// the wrong database or schema, which stamping nothing would hide.
async fn refuse_missing_table(
    client: &Client,
    tool: Tool,
    table: &str,
    searched: &Searched,
) -> Result<(), ImportError> {
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p') \
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
               AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' \
               AND NOT (n.nspname = 'public' AND c.relname LIKE 'petal\\_%') \
               AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
                               AND d.objid = c.oid AND d.deptype = 'e')",
            &[],
        )
        .await
        .map_err(|e| EngineError::pg_query("counting the database's tables", e))?
        .get(0);
    if tables == 0 {
        return Ok(());
    }
    let report = Report::new(format!(
        "no `{table}` in database {}, {}, which holds {tables} table(s): {tool} never ran \
         there, or this is not the database (or schema) it ran in",
        searched.database,
        searched.describe()
    ))
    .with_note("stamping nothing would leave every revision pending, to run again over its tables")
    .with_help(
        "give the database's URL (--database-url), set the search_path in it, or name the \
         table with --table SCHEMA.TABLE; `--no-stamp` only converts the files",
    );
    Err(ImportError::Stamped {
        report: Box::new(report),
    })
}

/// The tool's rows in `found`.
async fn read_rows(
    client: &Client,
    tool: Tool,
    found: &Found,
    lookup: &Lookup<'_>,
) -> Result<AppliedRows, EngineError> {
    let table = found.name.as_str();
    let query = |e| EngineError::pg_query(&format!("reading {table}"), e);
    let rows = match tool {
        Tool::Diesel => {
            let sql = format!("SELECT version::text FROM {table} ORDER BY version");
            let rows = client.query(&sql, &[]).await.map_err(query)?;
            let versions: Result<Vec<String>, _> = rows.iter().map(|r| r.try_get(0)).collect();
            AppliedRows::Diesel(versions.map_err(query)?)
        }
        Tool::Sqlx => {
            let sql = format!("SELECT version, success, checksum FROM {table} ORDER BY version");
            let rows = client.query(&sql, &[]).await.map_err(query)?;
            let rows = rows.iter().map(|r| {
                Ok(SqlxRow {
                    version: r.try_get(0)?,
                    success: r.try_get(1)?,
                    checksum: r.try_get(2)?,
                })
            });
            AppliedRows::Sqlx {
                rows: rows.collect::<Result<_, _>>().map_err(query)?,
                ignored_chars: lookup.ignored_chars.clone(),
            }
        }
        Tool::Refinery => {
            let sql = format!(
                "SELECT version::int8, coalesce(name, ''), coalesce(checksum, '') \
                 FROM {table} ORDER BY version"
            );
            let rows = client.query(&sql, &[]).await.map_err(query)?;
            let rows = rows.iter().map(|r| {
                Ok(RefineryRow {
                    version: r.try_get(0)?,
                    name: r.try_get(1)?,
                    checksum: r.try_get(2)?,
                })
            });
            AppliedRows::Refinery {
                rows: rows.collect::<Result<_, _>>().map_err(query)?,
                // The column's type, not a row's: an empty table says it too.
                int8_versions: found.version_type == "bigint",
            }
        }
    };
    Ok(rows)
}

impl Searched {
    /// "schema public" or "schemas a, b (the search_path)".
    pub fn describe(&self) -> String {
        let list = self.schemas.join(", ");
        let noun = if self.schemas.len() == 1 {
            "schema"
        } else {
            "schemas"
        };
        match (self.search_path, self.schemas.is_empty()) {
            (true, true) => "no schema (the search_path names none that exists)".to_owned(),
            (true, false) => format!("{noun} {list} (the search_path)"),
            (false, _) => format!("{noun} {list}"),
        }
    }
}
