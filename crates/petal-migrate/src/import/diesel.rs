//! diesel's migrations directory, read by diesel_migrations' rules: each
//! directory directly under it holding an `up.sql` is a migration named by
//! the directory; its version is the name up to the first `_`, dashes
//! removed (`2023-01-01-000000_create_users` → `20230101000000`), compared
//! as text; `down.sql` is optional (without it, diesel refuses to revert);
//! `metadata.toml` may say `run_in_transaction = false`. Files directly
//! under the directory, and names starting with `.`, are not migrations.

use std::collections::BTreeMap;

use petal_source::{Report, Span};

use super::{Found, Listed, SourceDir, Tool, Version, duplicates};

/// diesel's `TomlMetadata` (migrations_internals): a file without the key
/// reads `false`, serde's default for a `bool`; other keys are ignored.
#[derive(serde::Deserialize)]
struct TomlMetadata {
    #[serde(default)]
    run_in_transaction: bool,
}

/// The migrations, the files diesel ignores, and notes on how a file was
/// read.
pub(crate) fn list(dir: &SourceDir) -> Result<Listed, Vec<Report>> {
    let mut folders: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut ignored = Vec::new();
    for path in dir.files.keys() {
        match path.split_once('/') {
            Some((folder, file)) => folders.entry(folder).or_default().push(file),
            None => ignored.push(path.clone()),
        }
    }
    let mut reports = Vec::new();
    let mut notes = Vec::new();
    let mut found = Vec::new();
    for (folder, files) in folders {
        if !files.contains(&"up.sql") {
            reports.push(
                Report::in_file(
                    dir.path_of(folder),
                    "a directory without `up.sql`: diesel refuses it as an unknown migration format",
                )
                .with_help("add its up.sql, or move the directory out of the migrations"),
            );
            continue;
        }
        let (version, name) = folder.split_once('_').unwrap_or((folder, ""));
        let no_transaction = match metadata(dir, folder, &files) {
            Ok(run_in_transaction) => !run_in_transaction,
            Err(note) => {
                notes.push(*note);
                false
            }
        };
        let name = if name.is_empty() { folder } else { name };
        found.push(Found {
            version: Version::Text(version.replace('-', "")),
            name: name.to_owned(),
            up: format!("{folder}/up.sql"),
            down: files
                .contains(&"down.sql")
                .then(|| format!("{folder}/down.sql")),
            up_no_transaction: no_transaction,
            down_no_transaction: no_transaction,
            unversioned: false,
        });
        for file in files {
            if !matches!(file, "up.sql" | "down.sql" | "metadata.toml") {
                ignored.push(format!("{folder}/{file}"));
            }
        }
    }
    reports.extend(duplicates(Tool::Diesel, dir, &found));
    if reports.is_empty() {
        Ok(Listed {
            found,
            ignored,
            notes,
        })
    } else {
        Err(reports)
    }
}

/// `run_in_transaction` from the folder's `metadata.toml`, as diesel reads
/// it (`TomlMetadata::read_from_file(..).unwrap_or_default()`): no file,
/// `true`; a file without the key at its top level, `false`; a file that
/// does not parse as its struct (bad TOML, the key no boolean), `true`,
/// silently to diesel — the `Err` is the note saying so.
fn metadata(dir: &SourceDir, folder: &str, files: &[&str]) -> Result<bool, Box<Report>> {
    if !files.contains(&"metadata.toml") {
        return Ok(true);
    }
    let relative = format!("{folder}/metadata.toml");
    match toml::from_str::<TomlMetadata>(dir.text(&relative)) {
        Ok(metadata) => Ok(metadata.run_in_transaction),
        Err(e) => {
            let at = e.span().map_or(0, |span| span.start);
            let message = e.message().trim_end().to_owned();
            Err(Box::new(Report::at(
                &dir.source(&relative),
                Span::at(at),
                format!(
                    "does not parse as diesel's metadata ({message}): diesel reads it as \
                     `run_in_transaction = true`, without a word, and so does the import"
                ),
            )))
        }
    }
}
