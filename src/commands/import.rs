//! `petal import diesel|sqlx|refinery [DIR] [--no-stamp] [--table NAME]`: another tool's
//! migrations as petal revisions, and the database stamped with what that
//! tool applied (`petal_engine::import`). Says each file written and where
//! the database stands, as text or `--format json`.

use std::path::Path;

use petal_engine::Settings;
use petal_engine::import::{self, Database, Files, ImportOutcome, ImportRequest, Searched};
use petal_migrate::import::{IdMapping, Imported, Tool};
use serde_json::json;

use crate::cli::{Format, ImportTool};
use crate::failure::Failure;
use crate::output::print_json;

pub async fn run(
    settings: &Settings,
    tool: ImportTool,
    dir: &Path,
    stamp: bool,
    table: Option<String>,
    format: Format,
) -> Result<(), Failure> {
    let tool = match tool {
        ImportTool::Diesel => Tool::Diesel,
        ImportTool::Sqlx => Tool::Sqlx,
        ImportTool::Refinery => Tool::Refinery,
    };
    let request = ImportRequest {
        tool,
        dir: dir.to_path_buf(),
        stamp,
        table,
    };
    let outcome = import::import(settings, &request).await?;
    if format == Format::Json {
        return print_json(&as_json(&outcome, dir));
    }
    say(&outcome, dir);
    Ok(())
}

fn say(outcome: &ImportOutcome, dir: &Path) {
    let conversion = &outcome.conversion;
    let tool = conversion.tool;
    let verb = match outcome.files {
        Files::Written => "imported",
        Files::AlreadyThere => "found, already imported,",
    };
    println!(
        "{verb} {} {tool} migration(s) from {} into {}:",
        conversion.migrations.len(),
        dir.display(),
        outcome.migrations_dir.display()
    );
    for migration in &conversion.migrations {
        let mut notes = Vec::new();
        if migration.no_down() {
            notes.push("no down");
        }
        if no_transaction(migration) {
            notes.push("no transaction");
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!("  ({})", notes.join(", "))
        };
        println!("  {} -> {}{notes}", migration.up_path, migration.file_name);
    }
    if !conversion.ignored.is_empty() {
        println!(
            "not migrations to {tool}, left out: {}",
            conversion.ignored.join(", ")
        );
    }
    for note in &conversion.notes {
        println!("note: {note}");
    }
    if let Some(toml) = &outcome.sqlx_toml {
        let chars: String = toml.ignored_chars.iter().collect();
        println!(
            "read {}: table-name {}, ignored-chars {:?}",
            toml.path.display(),
            toml.table_name.as_deref().unwrap_or("not set"),
            chars
        );
    }
    if let Some(searched) = &outcome.searched {
        println!("{}", where_searched(&outcome.database, searched));
    }
    match &outcome.database {
        Database::NotRead => println!("not stamped (--no-stamp)"),
        Database::NoDatabase => println!(
            "no database configured or running: nothing stamped (give --database-url to stamp)"
        ),
        Database::NoTable { table } => {
            println!(
                "no {table} in a database without tables: nothing stamped, every revision pending"
            );
        }
        Database::Stamped {
            table,
            applied,
            pending,
        }
        | Database::AlreadyStamped {
            table,
            applied,
            pending,
        } => {
            let already = matches!(outcome.database, Database::AlreadyStamped { .. });
            match (applied.last(), already) {
                (None, _) => println!("{table} records nothing applied: nothing stamped"),
                (Some(last), false) => println!(
                    "{table} records {} applied: petal_migrations stamped at {last}",
                    applied.len()
                ),
                (Some(last), true) => println!(
                    "{table} records {} applied: petal_migrations was at {last} already",
                    applied.len()
                ),
            }
            match pending.as_slice() {
                [] => println!("nothing pending: the database is at head"),
                revisions => println!(
                    "`petal upgrade` runs {} next: {}",
                    revisions.len(),
                    revisions
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
    }
}

/// The database and schema the tool's table was looked for in.
fn where_searched(database: &Database, searched: &Searched) -> String {
    let table = match database {
        Database::NoTable { table }
        | Database::Stamped { table, .. }
        | Database::AlreadyStamped { table, .. } => table.as_str(),
        Database::NotRead | Database::NoDatabase => "the tool's table",
    };
    format!(
        "looked for {table} in database {}, {}",
        searched.database,
        searched.describe()
    )
}

fn no_transaction(migration: &Imported) -> bool {
    let sections = [&migration.file.up, &migration.file.down];
    sections
        .iter()
        .any(|section| section.steps.iter().any(|step| step.no_transaction))
}

fn as_json(outcome: &ImportOutcome, dir: &Path) -> serde_json::Value {
    let migrations: Vec<serde_json::Value> = outcome
        .conversion
        .migrations
        .iter()
        .map(|m| {
            let seconds = match m.mapping {
                IdMapping::EpochPlus(n) => Some(n),
                _ => None,
            };
            json!({
                "version": m.version.to_string(),
                "name": m.name,
                "up": m.up_path,
                "down": m.down_path,
                "revision": m.revision(),
                "file": outcome.migrations_dir.join(&m.file_name).display().to_string(),
                "id_mapping": m.mapping.kind(),
                "epoch_seconds": seconds,
                "no_down": m.no_down(),
                "no_transaction": no_transaction(m),
            })
        })
        .collect();
    json!({
        "tool": outcome.conversion.tool,
        "source": dir.display().to_string(),
        "migrations_dir": outcome.migrations_dir.display().to_string(),
        "files": outcome.files,
        "migrations": migrations,
        "ignored": outcome.conversion.ignored,
        "notes": outcome.conversion.notes.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "sqlx_toml": outcome.sqlx_toml,
        "searched": outcome.searched,
        "database": outcome.database,
    })
}
