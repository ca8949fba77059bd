//! The scanner's one piece of I/O: reading the model files of a directory.

use std::path::{Path, PathBuf};

use petal_source::Report;

use crate::scan::{ScannedModels, scan_sources};
use crate::source::ScanErrors;

/// Scans every `.rs` file under `dir`, recursively (see [`scan_sources`]).
/// Paths in locations and errors are as found under `dir` (`dir` joined
/// with the relative path).
pub fn scan_dir(dir: &Path) -> Result<ScannedModels, ScanErrors> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in rust_files(dir).map_err(|e| ScanErrors { reports: vec![e] })? {
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push((path, text)),
            Err(err) => errors.push(io_error(&path, &err)),
        }
    }
    if !errors.is_empty() {
        return Err(ScanErrors { reports: errors });
    }
    scan_sources(&files)
}

/// The `.rs` files under `dir`, recursively, in sorted path order. Hidden
/// directories and `target` are skipped.
pub fn rust_files(dir: &Path) -> Result<Vec<PathBuf>, Report> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| io_error(&current, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error(&current, &e))?;
            let path = entry.path();
            let file_type = entry.file_type().map_err(|e| io_error(&path, &e))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if file_type.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    pending.push(path);
                }
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn io_error(path: &Path, err: &std::io::Error) -> Report {
    Report::in_file(path.display().to_string(), format!("cannot read: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_directory_is_one_clear_error() {
        let dir = Path::new("/nonexistent/petal/models");
        let errors = match scan_dir(dir) {
            Ok(_) => panic!("scanned a directory that does not exist"),
            Err(e) => e,
        };
        assert_eq!(errors.reports.len(), 1);
        let text = errors.to_string();
        assert!(
            text.starts_with("/nonexistent/petal/models: cannot read: "),
            "{text}"
        );
    }

    #[test]
    fn rust_files_are_sorted_and_skip_hidden_and_target() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let files = rust_files(&root).unwrap_or_else(|e| panic!("{e}"));
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files, sorted);
        assert!(files.iter().any(|f| f.ends_with("parse/table.rs")));
        assert!(
            files
                .iter()
                .all(|f| f.extension().is_some_and(|e| e == "rs"))
        );
    }
}
