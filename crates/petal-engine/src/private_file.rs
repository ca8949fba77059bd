//! A file of the project's `.petal/` state that holds the schema (view and
//! function bodies included): written whole or not at all, readable by the
//! user alone.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::EngineError;

/// How old a file beside another must be before it counts as a killed
/// run's: a write takes milliseconds.
const LEFTOVER_AGE: Duration = Duration::from_secs(60);

/// Writes `bytes` to `file`: a file beside it, renamed over it; one a run
/// killed while writing left is removed a minute on (a younger one may be
/// another run's, writing still). The file's directory is made
/// (`.petal/` itself never: a `.petal/` gone meanwhile is the embedded
/// cluster's to make again, with its own mode and `.gitignore`), and
/// kept the user's alone.
pub(crate) fn write(file: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    let io = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| EngineError::Io {
            action,
            path,
            source,
        }
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(dir)
            .map_err(io("create", dir))?;
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .map_err(io("set the mode of", dir))?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    for entry in std::fs::read_dir(dir).map_err(io("read", dir))?.flatten() {
        let left = entry.file_name().to_string_lossy().into_owned();
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|at| at.elapsed().is_ok_and(|age| age > LEFTOVER_AGE));
        if stale
            && name
                .as_deref()
                .is_some_and(|n| left.starts_with(&format!("{n}.")))
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    // Unique in this process too: two reads of one database may be kept
    // at once (`diff --from database --to database`).
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let beside = file.with_extension(format!(
        "json.{}.{}",
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    // Readable by the user alone from the start.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&beside)
        .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
        .map_err(io("write", &beside))
        .and_then(|()| std::fs::rename(&beside, file).map_err(io("rename over", file)));
    if written.is_err() {
        let _ = std::fs::remove_file(&beside);
    }
    written
}
