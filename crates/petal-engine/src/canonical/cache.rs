//! The canonical cache's bookkeeping: one canonical database per project on
//! the dev server, its name hashed from the project directory; the model IR
//! it was built from and what introspecting it gave, in a file of the
//! project (`.petal/canonical/NAME.json`, JSON); the database's comment, a
//! small record naming that file's contents by a token, with a format
//! number and the server version; and the advisory lock that makes runs of
//! one project take turns on it.
//!
//! The payload is a file, not the comment itself: a schema of a thousand
//! tables records megabytes, which the server would compress, write and
//! read back on every run. The comment still decides: a file is taken only
//! when its token is the one the database's comment records, so a file
//! left by another state (a run that stopped, another dev server, a
//! database dropped and built again) only costs a rebuild.
//!
//! The record is written behind the run ([`write_behind`]): the run's
//! answer does not wait for it, the lock is held until it is written, and
//! the binary waits for it before it exits ([`settle`]). A run that ends
//! before then loses nothing but the next run's head start: the comment
//! is removed before the database is changed ([`forget`]), so a database
//! never carries the record of another state.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use petal_ir::{Database, quote_ident, quote_literal};
use petal_pg::lock::{AdvisoryLock, AdvisoryLockError, key_from_name};
use petal_pg::{ConnConfig, connect};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::task::JoinHandle;
use tokio_postgres::Client;

use crate::error::EngineError;
use crate::settings::Settings;
use crate::timings;

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

/// The canonical cache opened for a run: the session holding the
/// project's lock, the server's version, and what the cache records.
pub(super) struct OpenCache {
    pub name: String,
    /// Where the record's payload goes (`.petal/canonical/NAME.json`).
    pub file: PathBuf,
    /// The canonical database's connection settings.
    pub cfg: ConnConfig,
    pub lock: AdvisoryLock<Client>,
    pub version: i32,
    pub previous: Option<CacheState>,
    /// The dev server's connection settings when it is the user's
    /// (`dev_url`), not petal's embedded cluster: placeholder roles made
    /// there do not outlive the run.
    pub shared: Option<ConnConfig>,
}

/// Connects to the dev server `admin_cfg`, takes the project's lock and
/// reads what its canonical database records.
pub(super) async fn open(
    settings: &Settings,
    admin_cfg: &ConnConfig,
) -> Result<OpenCache, EngineError> {
    let name = cache_db_name(settings);
    let lock = lock(connect(admin_cfg).await?, &name).await?;
    // A cache built on another version is rebuilt: canonical spellings
    // differ between versions.
    let version = crate::compare::server_version_num(lock.session(), "the dev server's").await?;
    let _t = timings::phase("read the canonical cache");
    let file = payload_file(settings, &name);
    let previous = read(lock.session(), &name, &file, version).await?;
    Ok(OpenCache {
        cfg: admin_cfg.with_dbname(&name),
        name,
        file,
        lock,
        version,
        previous,
        shared: settings.dev_url.is_some().then(|| admin_cfg.clone()),
    })
}

/// Changes whenever [`CacheState`]'s shape or meaning does: an older
/// petal's comment then only costs a rebuild.
const CACHE_FORMAT: u32 = 8;

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
async fn lock(admin: Client, name: &str) -> Result<AdvisoryLock<Client>, EngineError> {
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

/// What the canonical database's comment holds: which payload file's
/// contents describe it.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    format: u32,
    server_version_num: i32,
    /// The first line of the payload file that goes with this database.
    token: String,
}

/// The payload file of the canonical database `name`.
fn payload_file(settings: &Settings, name: &str) -> PathBuf {
    settings
        .root
        .join(".petal")
        .join("canonical")
        .join(format!("{name}.json"))
}

/// The state recorded on the canonical database `name`, when there is one
/// this petal wrote on this server `version`, and `file` holds it.
async fn read(
    admin: &Client,
    name: &str,
    file: &Path,
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
    // An unreadable comment or file (an older petal's, a hand edit, a file
    // of another state) only costs a rebuild.
    let Some(record) = text
        .and_then(|t| serde_json::from_str::<Record>(&t).ok())
        .filter(|r| r.format == CACHE_FORMAT && r.server_version_num == version)
    else {
        return Ok(None);
    };
    let file = file.to_path_buf();
    // Decoding megabytes is CPU work: off the runtime's workers.
    let state = tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(&file).ok()?;
        let body = bytes
            .strip_prefix(record.token.as_bytes())?
            .strip_prefix(b"\n")?;
        serde_json::from_slice::<CacheState>(body).ok()
    })
    .await
    .map_err(|e| EngineError::internal("reading the canonical cache", e))?;
    Ok(state.filter(|s| s.format == CACHE_FORMAT && s.server_version_num == version))
}

/// Removes the record from the canonical database `name` before it is
/// changed: until the new state is written, it matches no record, and a
/// run that stops in between leaves the next one to rebuild.
pub(super) async fn forget(admin: &Client, name: &str) -> Result<(), EngineError> {
    admin
        .batch_execute(&format!(
            "COMMENT ON DATABASE {} IS NULL",
            quote_ident(name)
        ))
        .await
        .map_err(|e| EngineError::pg_query("updating the canonical cache", e))
}

/// The writes under way, for [`settle`].
static PENDING: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());

/// Records on the canonical database `name` that it holds `canonical`,
/// built from `models` and the SQL files of fingerprint `sql`, in a task
/// of its own that keeps `lock` until the record is written. A failed
/// write is said, and costs the next run a rebuild.
pub(super) fn write_behind(
    lock: AdvisoryLock<Client>,
    name: String,
    file: PathBuf,
    version: i32,
    models: Database,
    sql: String,
    canonical: Database,
) {
    let state = CacheState {
        format: CACHE_FORMAT,
        server_version_num: version,
        models,
        sql,
        canonical,
    };
    let task = tokio::spawn(async move {
        let _t = timings::phase("write the canonical cache");
        if let Err(e) = write(lock.session(), &name, file, state).await {
            let why: Vec<String> = e
                .reports()
                .iter()
                .map(|r| r.message().to_string())
                .collect();
            petal_pg::progress::say(&format!(
                "the canonical copy of the models was not recorded ({}); the next run builds it again",
                why.join("; ")
            ));
        }
        // Ending the session would release it as well.
        let _ = lock.release().await;
    });
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(task);
}

/// Waits for the canonical cache's writes still under way, then drops the
/// placeholder roles the run made on a shared dev server. The binary
/// calls it before it exits; a run that does not costs the next one a
/// rebuild, and leaves the roles.
pub async fn settle() {
    let pending = std::mem::take(
        &mut *PENDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    for task in pending {
        // A task that panicked wrote nothing: the next run rebuilds.
        let _ = task.await;
    }
    // Nothing of this run names them any more.
    crate::placeholders::release().await;
}

async fn write(
    admin: &Client,
    name: &str,
    file: PathBuf,
    state: CacheState,
) -> Result<(), EngineError> {
    let record = Record {
        format: CACHE_FORMAT,
        server_version_num: state.server_version_num,
        token: token(name),
    };
    let token = record.token.clone();
    // Encoding a schema of a thousand tables is milliseconds of CPU, and
    // writing it a file: on a blocking thread, so the runtime's workers go
    // on meanwhile.
    tokio::task::spawn_blocking(move || write_payload(&file, &token, &state))
        .await
        .map_err(|e| EngineError::internal("encoding the canonical cache", e))??;
    let record = serde_json::to_string(&record)
        .map_err(|e| EngineError::internal("encoding the canonical cache", e))?;
    admin
        .batch_execute(&format!(
            "COMMENT ON DATABASE {} IS {}",
            quote_ident(name),
            quote_literal(&record)
        ))
        .await
        .map_err(|e| EngineError::pg_query("writing the canonical cache", e))
}

/// A token no other state of the canonical database `name` has had: the
/// time, this process and the name, hashed.
fn token(name: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let digest = Sha256::digest(format!("{name} {} {}", now.as_nanos(), std::process::id()));
    hex::encode(&digest[..16])
}

/// Writes `token`, a newline and `state` as JSON to `file`, whole or not
/// at all (a file beside it, renamed over it). Creates `.petal/` when the
/// project has none yet (a `dev_url` project), ignored by git as the
/// embedded cluster's is.
fn write_payload(file: &Path, token: &str, state: &CacheState) -> Result<(), EngineError> {
    let io = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| EngineError::Io {
            action,
            path,
            source,
        }
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    if let Some(petal_dir) = dir.parent()
        && !petal_dir.exists()
    {
        std::fs::create_dir_all(petal_dir).map_err(io("create", petal_dir))?;
        // The embedded cluster's server user passes through it.
        std::fs::set_permissions(
            petal_dir,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .map_err(io("set the mode of", petal_dir))?;
        let ignore = petal_dir.join(".gitignore");
        std::fs::write(&ignore, "# petal's local dev database\n*\n")
            .map_err(io("write", &ignore))?;
    }
    std::fs::create_dir_all(dir).map_err(io("create", dir))?;
    let mut bytes = Vec::with_capacity(token.len() + 1 + (8 << 20));
    bytes.extend_from_slice(token.as_bytes());
    bytes.push(b'\n');
    serde_json::to_writer(&mut bytes, state)
        .map_err(|e| EngineError::internal("encoding the canonical cache", e))?;
    let beside = file.with_extension(format!("json.{}", std::process::id()));
    let written = std::fs::write(&beside, &bytes)
        .map_err(io("write", &beside))
        .and_then(|()| std::fs::rename(&beside, file).map_err(io("write", file)));
    if written.is_err() {
        let _ = std::fs::remove_file(&beside);
    }
    written
}
