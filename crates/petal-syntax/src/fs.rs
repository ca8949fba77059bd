//! The scanner's one piece of I/O: reading the model files of a directory.

use std::path::{Path, PathBuf};

use petal_source::{Report, SourceFile};

use crate::cfg::Cfg;
use crate::modules::declared_modules;
use crate::scan::{ScannedModels, blank_preamble, byte_span, scan_parsed};
use crate::source::ScanErrors;

/// The files a crate root can be, in the order the README gives: a models
/// directory with one of them is read as the compiler reads it.
pub const ROOT_FILES: [&str; 3] = ["lib.rs", "mod.rs", "main.rs"];

/// Scans the models under `dir` (see [`scan_sources_with`]): from its root
/// file (`lib.rs`, else `mod.rs`, else `main.rs`) along the module tree, as
/// the compiler follows it, with `cfg` deciding which `#[cfg]` items count;
/// in a directory without a root file, every `.rs` file under it. Paths in
/// locations and errors are as found under `dir`.
pub fn scan_dir(dir: &Path, cfg: &Cfg) -> Result<ScannedModels, ScanErrors> {
    let root = ROOT_FILES.iter().map(|n| dir.join(n)).find(|p| p.is_file());
    let mut unread = Vec::new();
    // The module tree's walk parses its files: the scan does not again.
    let mut parsed = Vec::new();
    let files = match root {
        Some(root) => {
            let (files, declared, syntax) = module_tree(&root, cfg)?;
            parsed = syntax;
            let everything = rust_files(dir).map_err(|e| ScanErrors { reports: vec![e] })?;
            // A file some `mod` declares under another configuration (a
            // feature off), or below such a module, is not forgotten.
            unread = everything
                .into_iter()
                .filter(|p| !files.iter().any(|(read, _)| read == p))
                .filter(|p| {
                    !declared
                        .iter()
                        .any(|d| p == d || p.starts_with(d.with_extension("")))
                })
                .collect();
            files
        }
        None => {
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
            files
        }
    };
    let mut scanned = scan_parsed(&files, parsed, cfg)?;
    scanned.unread = unread;
    Ok(scanned)
}

/// The files of the module tree from `root`: each file read once, a
/// declared module without a file reported at its `mod` (the compiler
/// refuses it too); and the files the tree's `mod`s name under any
/// configuration; and each file's syntax, where it parses.
type Tree = (Vec<(PathBuf, String)>, Vec<PathBuf>, Vec<Option<syn::File>>);

fn module_tree(root: &Path, cfg: &Cfg) -> Result<Tree, ScanErrors> {
    let any = Cfg {
        any_configuration: true,
        ..Cfg::default()
    };
    let mut declared: Vec<PathBuf> = Vec::new();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut parsed: Vec<Option<syn::File>> = Vec::new();
    let mut errors = Vec::new();
    let mut pending = vec![(root.to_path_buf(), true)];
    while let Some((path, owns_dir)) = pending.pop() {
        if files.iter().any(|(p, _)| *p == path) {
            continue;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) => {
                errors.push(io_error(&path, &err));
                continue;
            }
        };
        // A file that does not parse is reported by the scan itself.
        let syntax = syn::parse_str::<syn::File>(&blank_preamble(&text)).ok();
        if let Some(syntax) = &syntax
            && cfg.enabled(&syntax.attrs)
        {
            for module in declared_modules(syntax, &path, owns_dir, &any) {
                declared.extend(module.candidates);
            }
            let source = SourceFile::new(path.display().to_string(), text.as_str());
            for module in declared_modules(syntax, &path, owns_dir, cfg) {
                let existing: Vec<&PathBuf> =
                    module.candidates.iter().filter(|c| c.is_file()).collect();
                match existing.as_slice() {
                    [found] => pending.push(((*found).clone(), module.owns_dir)),
                    [first, second, ..] => errors.push(Report::at(
                        &source,
                        byte_span(module.span),
                        format!(
                            "module `{}` has two files, {} and {}: the compiler refuses that; remove one",
                            module.name,
                            first.display(),
                            second.display()
                        ),
                    )),
                    [] => {
                        let looked: Vec<String> = module
                            .candidates
                            .iter()
                            .map(|c| c.display().to_string())
                            .collect();
                        errors.push(Report::at(
                            &source,
                            byte_span(module.span),
                            format!(
                                "module `{}` has no file: looked for {}",
                                module.name,
                                looked.join(" and ")
                            ),
                        ));
                    }
                }
            }
        }
        files.push((path, text));
        parsed.push(syntax);
    }
    if errors.is_empty() {
        Ok((files, declared, parsed))
    } else {
        Err(ScanErrors { reports: errors })
    }
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
        let errors = match scan_dir(dir, &Cfg::default()) {
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
