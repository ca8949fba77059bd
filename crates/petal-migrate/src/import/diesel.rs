//! diesel's migrations directory, read by diesel_migrations' rules: each
//! directory directly under it holding an `up.sql` is a migration named by
//! the directory; its version is the name up to the first `_`, dashes
//! removed (`2023-01-01-000000_create_users` → `20230101000000`), compared
//! as text; `down.sql` is optional (without it, diesel refuses to revert);
//! `metadata.toml` may say `run_in_transaction = false`. Files directly
//! under the directory, and names starting with `.`, are not migrations.

use std::collections::BTreeMap;

use petal_source::{Report, Span};

use super::{Found, SourceDir, Tool, Version, duplicates};

/// The migrations, and the files diesel ignores.
pub(crate) fn list(dir: &SourceDir) -> Result<(Vec<Found>, Vec<String>), Vec<Report>> {
    let mut folders: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut ignored = Vec::new();
    for path in dir.files.keys() {
        match path.split_once('/') {
            Some((folder, file)) => folders.entry(folder).or_default().push(file),
            None => ignored.push(path.clone()),
        }
    }
    let mut reports = Vec::new();
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
            Err(report) => {
                reports.push(*report);
                continue;
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
        Ok((found, ignored))
    } else {
        Err(reports)
    }
}

/// `run_in_transaction` from the folder's `metadata.toml`, as diesel reads
/// it: no file, `true`; a file without the key, `false` (serde's default
/// for the field). petal reads only this key's `true` or `false`.
fn metadata(dir: &SourceDir, folder: &str, files: &[&str]) -> Result<bool, Box<Report>> {
    if !files.contains(&"metadata.toml") {
        return Ok(true);
    }
    let relative = format!("{folder}/metadata.toml");
    let text = dir.text(&relative);
    let mut offset = 0;
    let mut value = false;
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let content = line.split('#').next().unwrap_or("").trim();
        let Some((key, raw)) = content.split_once('=') else {
            continue;
        };
        if key.trim() != "run_in_transaction" {
            continue;
        }
        value = match raw.trim() {
            "true" => true,
            "false" => false,
            other => {
                return Err(Box::new(Report::at(
                    &dir.source(&relative),
                    Span::at(at),
                    format!("`run_in_transaction = {other}`: expected true or false"),
                )));
            }
        };
    }
    Ok(value)
}
