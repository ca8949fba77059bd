//! The canonical cache's bookkeeping, kept on the dev server itself: one
//! canonical database per project, its name hashed from the project
//! directory; its database comment, holding the model IR it was built from
//! and what introspecting it gave (JSON, with a format number and the
//! server version); and the advisory lock that makes runs of one project
//! take turns on it.

use std::time::Duration;

use petal_ir::{Database, quote_ident, quote_literal};
use petal_pg::lock::{AdvisoryLock, AdvisoryLockError, key_from_name};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio_postgres::Client;

use crate::error::EngineError;
use crate::settings::Settings;

/// What the canonical database's comment records: the model IR it was
/// built from, and what introspecting it gave.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct CacheState {
    format: u32,
    server_version_num: i32,
    pub models: Database,
    /// The SQL files' fingerprint.
    #[serde(default)]
    pub sql: String,
    pub canonical: Database,
}

/// What a run records on the canonical database.
pub(super) struct Written<'a> {
    pub version: i32,
    pub models: &'a Database,
    pub sql: &'a str,
    pub canonical: &'a Database,
}

/// Changes whenever [`CacheState`]'s shape or meaning does: an older
/// petal's comment then only costs a rebuild.
const CACHE_FORMAT: u32 = 3;

/// How long a run waits for another run of the same project to finish
/// canonicalizing.
const CACHE_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// One canonical database per project (and dev server): the name hashes the
/// project directory, so projects sharing a dev server never collide.
pub fn cache_db_name(settings: &Settings) -> String {
    let root = std::path::absolute(&settings.root).unwrap_or_else(|_| settings.root.clone());
    let digest = Sha256::digest(root.as_os_str().as_encoded_bytes());
    format!("petal_canonical_{}", hex::encode(&digest[..6]))
}

/// Takes the advisory lock of the canonical database `name` on `admin`'s
/// session, keyed by the name, waiting up to [`CACHE_LOCK_TIMEOUT`]. It is
/// released with that session, so an early return releases it too.
pub(super) async fn lock<'a>(
    admin: &'a Client,
    name: &str,
) -> Result<AdvisoryLock<&'a Client>, EngineError> {
    // Said once per holder; a timeout names the holder too.
    let mut told = None;
    let on_wait = |waiting: &petal_pg::lock::Waiting| {
        let pid = waiting.holder.pid();
        if told != Some(pid) {
            told = Some(pid);
            petal_pg::progress::say(&format!(
                "waiting for another petal run updating the canonical copy of the models, {}",
                waiting.holder
            ));
        }
    };
    AdvisoryLock::acquire(admin, key_from_name(name), CACHE_LOCK_TIMEOUT, on_wait)
        .await
        .map_err(|e| match e {
            AdvisoryLockError::Timeout { holder, waited, .. } => EngineError::CanonicalBusy {
                name: name.to_string(),
                holder,
                waited,
            },
            AdvisoryLockError::Query { source, .. } => {
                EngineError::pg_query("locking the canonical database", source)
            }
        })
}

/// The state recorded on the canonical database `name`, when there is one
/// this petal wrote on this server `version`.
pub(super) async fn read(
    admin: &Client,
    name: &str,
    version: i32,
) -> Result<Option<CacheState>, EngineError> {
    let row = admin
        .query_opt(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .await
        .map_err(|e| EngineError::pg_query("reading the canonical cache", e))?;
    let text: Option<String> = row.and_then(|r| r.get(0));
    // An unreadable comment (an older petal's, a hand edit) only costs a rebuild.
    let state = text.and_then(|t| serde_json::from_str::<CacheState>(&t).ok());
    Ok(state.filter(|s| s.format == CACHE_FORMAT && s.server_version_num == version))
}

/// Records on the canonical database `name` that it holds
/// `written.canonical`, built from `written.models` and the SQL files of
/// that fingerprint on server `written.version`.
pub(super) async fn write(
    admin: &Client,
    name: &str,
    written: &Written<'_>,
) -> Result<(), EngineError> {
    let state = CacheState {
        format: CACHE_FORMAT,
        server_version_num: written.version,
        models: written.models.clone(),
        sql: written.sql.to_string(),
        canonical: written.canonical.clone(),
    };
    let json = serde_json::to_string(&state)
        .map_err(|e| EngineError::internal("encoding the canonical cache", e))?;
    admin
        .batch_execute(&format!(
            "COMMENT ON DATABASE {} IS {}",
            quote_ident(name),
            quote_literal(&json)
        ))
        .await
        .map_err(|e| EngineError::pg_query("writing the canonical cache", e))
}
