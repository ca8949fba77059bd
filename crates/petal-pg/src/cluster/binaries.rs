//! Finding PostgreSQL server binaries on this machine.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::PgError;

/// The programs the embedded cluster needs, all from one directory.
const REQUIRED: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

/// The directory holding `initdb`, `pg_ctl` and `postgres`.
///
/// `PETAL_PG_BIN` wins and is not second-guessed: when it is set but lacks
/// the binaries, that is an error rather than a silent fall-back to another
/// version. Otherwise: `PATH`, `pg_config --bindir`, then
/// `/usr/lib/postgresql/*/bin`, newest major version first.
pub fn find_bin_dir() -> Result<PathBuf, PgError> {
    if let Some(dir) = std::env::var_os("PETAL_PG_BIN").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        return if has_binaries(&dir) {
            Ok(resolve(&dir))
        } else {
            Err(PgError::BinariesNotFound {
                searched: vec![dir],
            })
        };
    }
    let mut searched = Vec::new();
    let candidates = path_dirs()
        .into_iter()
        .chain(pg_config_bindir())
        .chain(debian_dirs(Path::new("/usr/lib/postgresql")));
    for dir in candidates {
        if has_binaries(&dir) {
            return Ok(resolve(&dir));
        }
        if !searched.contains(&dir) {
            searched.push(dir);
        }
    }
    Err(PgError::BinariesNotFound { searched })
}

fn has_binaries(dir: &Path) -> bool {
    REQUIRED.iter().all(|name| is_executable(&dir.join(name)))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `/usr/local/bin` may hold symbolic links into the real directory; report
/// the directory `initdb` really lives in, where its siblings are too.
fn resolve(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir.join("initdb"))
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .filter(|real| has_binaries(real))
        .unwrap_or_else(|| dir.to_path_buf())
}

fn path_dirs() -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default()
}

fn pg_config_bindir() -> Option<PathBuf> {
    let out = Command::new("pg_config")
        .arg("--bindir")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let dir = text.trim();
    (!dir.is_empty()).then(|| PathBuf::from(dir))
}

/// `/usr/lib/postgresql/<major>/bin`, highest major first.
fn debian_dirs(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut versions: Vec<(Vec<u32>, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let key: Vec<u32> = name
                .split('.')
                .map(|p| p.parse().ok())
                .collect::<Option<_>>()?;
            Some((key, e.path().join("bin")))
        })
        .collect();
    versions.sort();
    versions.into_iter().rev().map(|(_, dir)| dir).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_dirs_newest_first() {
        let root = tempfile::tempdir().unwrap();
        for v in ["9.6", "13", "15", "10", "not-a-version"] {
            std::fs::create_dir_all(root.path().join(v).join("bin")).unwrap();
        }
        let dirs: Vec<String> = debian_dirs(root.path())
            .iter()
            .map(|d| d.strip_prefix(root.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(dirs, ["15/bin", "13/bin", "10/bin", "9.6/bin"]);
    }
}
