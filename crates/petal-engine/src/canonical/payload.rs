//! The canonical cache's payload in a file of the project, for a project
//! with a `.petal/` directory (`cache.rs`): `.petal/canonical/NAME.json`,
//! a token's line, then the state as JSON. The token is the one the
//! canonical database's comment records; a file under another token is
//! another state's.

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
/// at all, readable by the user alone: the file holds the schema, view
/// and function bodies included.
pub(super) fn write(file: &Path, token: &str, state: &CacheState) -> Result<(), EngineError> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(token.as_bytes());
    bytes.push(b'\n');
    serde_json::to_writer(&mut bytes, state)
        .map_err(|e| EngineError::internal("encoding the canonical cache", e))?;
    crate::private_file::write(file, &bytes)
}
