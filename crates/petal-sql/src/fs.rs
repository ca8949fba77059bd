//! Reading a directory of SQL files: the one place this crate touches the
//! file system.

use std::path::{Path, PathBuf};

use petal_source::Report;

use crate::read::{SqlFiles, read_sql};

/// Reads every `*.sql` file under `dir` (subdirectories included), in path
/// order; paths in reports are `dir` joined with the file's path under it.
/// A missing directory holds no SQL files.
pub fn read_dir(dir: &Path) -> Result<SqlFiles, Vec<Report>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        let entries = match std::fs::read_dir(&at) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && at == dir => {
                return Ok(SqlFiles::default());
            }
            Err(e) => return Err(vec![cannot("read", &at, &e)]),
        };
        for entry in entries {
            let path: PathBuf = match entry {
                Ok(entry) => entry.path(),
                Err(e) => return Err(vec![cannot("read", &at, &e)]),
            };
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "sql") {
                match std::fs::read_to_string(&path) {
                    Ok(text) => files.push((path, text)),
                    Err(e) => return Err(vec![cannot("read", &path, &e)]),
                }
            }
        }
    }
    read_sql(&files)
}

fn cannot(action: &str, path: &Path, error: &std::io::Error) -> Report {
    Report::in_file(
        path.display().to_string(),
        format!("cannot {action}: {error}"),
    )
}
