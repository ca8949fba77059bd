//! sqlx's migrations directory, read by sqlx-core's rules (`migrate/source.rs`):
//! the files directly in it named `<VERSION>_<DESCRIPTION>.sql` (a simple
//! migration, no down), or `.up.sql` and `.down.sql` (a reversible one);
//! the version is an `i64` (sqlx-cli writes `YYYYMMDDHHMMSS` timestamps,
//! or sequence numbers); a file whose text starts with `-- no-transaction`
//! runs outside a transaction. Other names are not migrations; a name with
//! a `_` and `.sql` whose version is no number is an error to sqlx too.

use std::collections::BTreeMap;

use petal_source::Report;

use super::{Found, Listed, SourceDir, Tool, Version, duplicates};

/// What sqlx reads the first line of a file for.
const NO_TRANSACTION: &str = "-- no-transaction";

struct File<'a> {
    path: &'a str,
    name: &'a str,
}

/// The migrations, and the files sqlx ignores.
pub(crate) fn list(dir: &SourceDir) -> Result<Listed, Vec<Report>> {
    let mut ignored = Vec::new();
    let mut reports = Vec::new();
    let mut ups: Vec<(i64, File<'_>, bool)> = Vec::new();
    let mut downs: BTreeMap<i64, File<'_>> = BTreeMap::new();
    for path in dir.files.keys() {
        let Some((version, rest)) = (!path.contains('/'))
            .then(|| path.split_once('_'))
            .flatten()
            .filter(|(_, rest)| rest.ends_with(".sql"))
        else {
            ignored.push(path.clone());
            continue;
        };
        let Ok(version) = version.parse::<i64>() else {
            reports.push(
                Report::in_file(
                    dir.path_of(path),
                    format!(
                        "`{path}`: sqlx expects an integer version before the first `_` \
                         (e.g. `01_foo.sql`), and refuses this name"
                    ),
                )
                .with_help("rename the file or move it out of the migrations"),
            );
            continue;
        };
        if let Some(name) = rest.strip_suffix(".down.sql") {
            if let Some(first) = downs.insert(version, File { path, name }) {
                reports.push(Report::in_file(
                    dir.path_of(path),
                    format!(
                        "two sqlx down migrations have version {version}: this one and {}",
                        dir.path_of(first.path)
                    ),
                ));
            }
        } else if let Some(name) = rest.strip_suffix(".up.sql") {
            ups.push((version, File { path, name }, true));
        } else {
            let name = rest.strip_suffix(".sql").unwrap_or(rest);
            ups.push((version, File { path, name }, false));
        }
    }
    let mut found = Vec::new();
    for (version, up, reversible) in ups {
        let down = if reversible {
            downs.remove(&version)
        } else {
            None
        };
        found.push(Found {
            version: Version::Number(version),
            name: up.name.to_owned(),
            up: up.path.to_owned(),
            up_no_transaction: dir.text(up.path).starts_with(NO_TRANSACTION),
            down_no_transaction: down
                .as_ref()
                .is_some_and(|down| dir.text(down.path).starts_with(NO_TRANSACTION)),
            down: down.map(|down| down.path.to_owned()),
            unversioned: false,
        });
    }
    // A down without its up: sqlx never runs it either.
    ignored.extend(downs.into_values().map(|down| down.path.to_owned()));
    ignored.sort();
    reports.extend(duplicates(Tool::Sqlx, dir, &found));
    if reports.is_empty() {
        Ok(Listed {
            found,
            ignored,
            notes: Vec::new(),
        })
    } else {
        Err(reports)
    }
}
