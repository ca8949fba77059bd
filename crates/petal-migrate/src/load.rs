//! Reading a migrations directory: the one place this crate touches the
//! file system, kept apart so everything else stays pure.

use std::fmt;
use std::path::{Path, PathBuf};

use petal_source::{Report, ReportList};

use crate::file::MigrationFile;
use crate::parse::{ParseError, parse};

/// A migrations directory that cannot be read, or files in it that do not
/// parse.
#[derive(Debug)]
pub enum LoadError {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Every malformed file, in file-name order.
    Parse(Vec<ParseError>),
}

impl LoadError {
    /// A report per malformed file, or the one about reading.
    pub fn reports(&self) -> Vec<Report> {
        match self {
            LoadError::Io { path, source } => {
                vec![Report::in_file(
                    path.display().to_string(),
                    source.to_string(),
                )]
            }
            LoadError::Parse(errors) => errors.iter().map(ParseError::report).collect(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ReportList(&self.reports()).fmt(f)
    }
}

impl std::error::Error for LoadError {}

/// Parses every `*.sql` file directly in `dir`, in file-name order. A
/// missing directory holds no migrations. Paths in results and errors are
/// `dir` joined with the file name.
pub fn load_dir(dir: &Path) -> Result<Vec<MigrationFile>, LoadError> {
    let io = |path: &Path, source| LoadError::Io {
        path: path.to_owned(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir, e)),
    };
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| io(dir, e))?.path();
        if path.extension().is_some_and(|ext| ext == "sql") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    let mut texts = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        texts.push((path.display().to_string(), text));
    }
    parse_all(
        texts
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    )
}

/// Parses migration files given as `(path, text)`, in the order given
/// (embedded migrations: the files a binary carries); every malformed file
/// is reported, not only the first.
pub fn parse_all<'a>(
    texts: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<MigrationFile>, LoadError> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in texts {
        match parse(path, text) {
            Ok(file) => files.push(file),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(LoadError::Parse(errors))
    }
}
