//! The canonical cache's payload in a file of the project, for a project
//! with a `.petal/` directory (`cache.rs`): `.petal/canonical/NAME.json`,
//! a token's line, then the state as JSON. The token is the one the
//! canonical database's comment records; a file under another token is
//! another state's.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::cache::CacheState;
use crate::error::EngineError;

/// The payload file of the canonical database `name` of the project at
/// `root`.
pub(super) fn file(root: &Path, name: &str) -> PathBuf {
    root.join(".petal")
        .join("canonical")
        .join(format!("{name}.json"))
}

/// A token no other state of the canonical database `name` has had: the
/// time, this process and the name, hashed.
pub(super) fn token(name: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let digest = Sha256::digest(format!("{name} {} {}", now.as_nanos(), std::process::id()));
    hex::encode(&digest[..16])
}

/// The state `file` holds under `token`; none when the file is missing,
/// unreadable or another state's.
pub(super) fn read(file: &Path, token: &str) -> Option<CacheState> {
    let bytes = std::fs::read(file).ok()?;
    let body = bytes.strip_prefix(token.as_bytes())?.strip_prefix(b"\n")?;
    serde_json::from_slice::<CacheState>(body).ok()
}

/// Writes `token`, a newline and `state` as JSON to `file`, whole or not
/// at all (a file beside it, renamed over it; one a run killed while
/// writing left is removed). The directory is the user's alone: the file
/// holds the schema, view and function bodies included.
pub(super) fn write(file: &Path, token: &str, state: &CacheState) -> Result<(), EngineError> {
    let io = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| EngineError::Io {
            action,
            path,
            source,
        }
    };
    // `canonical/` alone: a `.petal/` gone meanwhile is the embedded
    // cluster's to make again, with its own mode and `.gitignore`.
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
        if name
            .as_deref()
            .is_some_and(|n| left.starts_with(&format!("{n}.")))
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let mut bytes = Vec::new();
    bytes.extend_from_slice(token.as_bytes());
    bytes.push(b'\n');
    serde_json::to_writer(&mut bytes, state)
        .map_err(|e| EngineError::internal("encoding the canonical cache", e))?;
    let beside = file.with_extension(format!("json.{}", std::process::id()));
    // Readable by the user alone from the start.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&beside)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
        .map_err(io("write", &beside))
        .and_then(|()| std::fs::rename(&beside, file).map_err(io("rename over", file)));
    if written.is_err() {
        let _ = std::fs::remove_file(&beside);
    }
    written
}
