//! sqlx.toml (sqlx 0.9's `sqlx-toml` feature), read in the directory above
//! the sqlx migrations — the crate root, where `sqlx::migrate!()` and
//! sqlx-cli read it — for the two `[migrate]` keys an import needs:
//! `table-name` (the table in place of `_sqlx_migrations`, maybe
//! schema-qualified) and `ignored-chars` (characters left out of the text
//! sqlx hashes). Its other keys are sqlx's business.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use petal_source::{Report, SourceFile, Span};

use super::ImportError;

/// What an import takes from sqlx.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SqlxToml {
    pub path: PathBuf,
    pub table_name: Option<String>,
    pub ignored_chars: BTreeSet<char>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct File {
    migrate: Migrate,
}

#[derive(serde::Deserialize, Default)]
#[serde(default, rename_all = "kebab-case")]
struct Migrate {
    table_name: Option<String>,
    ignored_chars: BTreeSet<char>,
}

/// sqlx.toml beside `dir` (in its parent), when there is one.
pub(super) fn read(dir: &Path) -> Result<Option<SqlxToml>, ImportError> {
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let path = parent.join("sqlx.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ImportError::Read { path, source: e }),
    };
    match toml::from_str::<File>(&text) {
        Ok(file) => Ok(Some(SqlxToml {
            path,
            table_name: file.migrate.table_name,
            ignored_chars: file.migrate.ignored_chars,
        })),
        Err(e) => {
            let source = SourceFile::new(path.display().to_string(), &text);
            let at = e.span().map_or(0, |span| span.start);
            let report = Report::at(
                &source,
                Span::at(at),
                format!("does not parse: {}", e.message().trim_end()),
            )
            .with_note("sqlx refuses it too")
            .with_help("fix it (sqlx reads `[migrate]`'s table-name and ignored-chars from it)");
            Err(ImportError::Existing {
                reports: vec![report],
            })
        }
    }
}
