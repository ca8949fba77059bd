//! The canonical cache's bookkeeping: one canonical database per project on
//! the dev server, its name hashed from the project directory; the record
//! of the model IR it was built from and what introspecting it gave; and
//! the advisory lock that makes runs of one project take turns on it.
//!
//! The record is the database's comment: a format number, the server
//! version and either the state itself (JSON) or, in a project with a
//! `.petal/` directory, a token naming the file of the project that holds it
//! (`payload.rs`). A schema of a
//! thousand tables records megabytes, which the server would compress,
//! store and send back on every run; a file of the project costs nothing
//! of that. Without `.petal/` (a `dev_url` project, a fresh checkout) the
//! state stays in the comment: it goes with the server, which fresh
//! checkouts and several machines share.
//! Either way the comment decides: a file is taken only under the token
//! the comment records, so a file of another state (a run that stopped, a
//! database built again) only costs a rebuild.
//!
//! The record is written behind the run ([`write_behind`]): the run's
//! answer does not wait for it, the lock is held until it is written, and
//! the binary waits for it before it exits ([`settle`]). A run that ends
//! before then loses nothing but the next run's head start: the comment
//! is removed before the database is changed ([`forget`]), so a database
//! never carries the record of another state.

use std::path::PathBuf;
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

/// The model IR a canonical database was built from, and what
/// introspecting it gave (the record around it says for which format and
/// server).
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct CacheState {
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
    pub keeping: Keeping,
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
    // `.petal/` is the project's own state (the embedded clusters live
    // there): where it is, the payload goes there too. A project without
    // one (a `dev_url` project, a fresh checkout) keeps the state with the
    // server.
    let petal_dir = settings.root.join(".petal");
    let keeping = match petal_dir.is_dir() {
        true => Keeping::File(super::payload::file(&settings.root, &name)),
        false => Keeping::Comment,
    };
    let previous = read(lock.session(), &name, &keeping, version).await?;
    Ok(OpenCache {
        cfg: admin_cfg.with_dbname(&name),
        name,
        keeping,
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

/// Where a canonical database's state is kept besides its comment.
#[derive(Debug, Clone)]
pub(super) enum Keeping {
    /// In the comment itself (a project without `.petal/`).
    Comment,
    /// In this file of the project, under a token.
    File(PathBuf),
}

/// What the canonical database's comment holds.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    format: u32,
    server_version_num: i32,
    /// The first line of the payload file that holds the state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    /// The state, when the comment holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    state: Option<CacheState>,
}

/// The state recorded on the canonical database `name`, when there is one
/// this petal wrote on this server `version` and it is where `keeping`
/// says.
async fn read(
    admin: &Client,
    name: &str,
    keeping: &Keeping,
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
    let keeping = keeping.clone();
    // Decoding megabytes is CPU work: off the runtime's workers. An
    // unreadable comment or file (an older petal's, a hand edit, a file of
    // another state) only costs a rebuild.
    let state = tokio::task::spawn_blocking(move || {
        let record = serde_json::from_str::<Record>(&text?).ok()?;
        if record.format != CACHE_FORMAT || record.server_version_num != version {
            return None;
        }
        // A project that gained `.petal/` takes the state the comment holds;
        // its next record goes to the file.
        match (record.state, record.token, keeping) {
            (Some(state), None, _) => Some(state),
            (None, Some(token), Keeping::File(file)) => super::payload::read(&file, &token),
            _ => None,
        }
    })
    .await
    .map_err(|e| EngineError::internal("reading the canonical cache", e))?;
    Ok(state)
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
    keeping: Keeping,
    version: i32,
    models: Database,
    sql: String,
    canonical: Database,
) {
    let state = CacheState {
        models,
        sql,
        canonical,
    };
    let task = tokio::spawn(async move {
        let _t = timings::phase("write the canonical cache");
        if let Err(e) = write(lock.session(), &name, keeping, version, state).await {
            // A file's error names the file.
            let why: Vec<String> = match &e {
                EngineError::Io { .. } => vec![e.to_string()],
                _ => e
                    .reports()
                    .iter()
                    .map(|r| r.message().to_string())
                    .collect(),
            };
            petal_pg::progress::say(&format!(
                "the canonical copy of the models was not recorded ({}); the next run builds it again",
                why.join("; ")
            ));
        }
        // Ending the session would release it as well.
        let _ = lock.release().await;
    });
    wait_at_exit(task);
}

/// Has [`settle`] wait for `task`: a write behind the run's answer.
pub(crate) fn wait_at_exit(task: JoinHandle<()>) {
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(task);
}

/// Waits for the writes behind the run still under way (the canonical
/// cache's, the live database's read), then drops the
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
    keeping: Keeping,
    server_version_num: i32,
    state: CacheState,
) -> Result<(), EngineError> {
    // Encoding a schema of a thousand tables is milliseconds of CPU, and
    // writing it a file: on a blocking thread, so the runtime's workers go
    // on meanwhile.
    let owned_name = name.to_string();
    let record = tokio::task::spawn_blocking(move || {
        let record = match keeping {
            Keeping::Comment => Record {
                format: CACHE_FORMAT,
                server_version_num,
                token: None,
                state: Some(state),
            },
            Keeping::File(file) => {
                let token = super::payload::token(&owned_name);
                super::payload::write(&file, &token, &state)?;
                Record {
                    format: CACHE_FORMAT,
                    server_version_num,
                    token: Some(token),
                    state: None,
                }
            }
        };
        serde_json::to_string(&record)
            .map_err(|e| EngineError::internal("encoding the canonical cache", e))
    })
    .await
    .map_err(|e| EngineError::internal("encoding the canonical cache", e))??;
    // lz4 compresses a record holding the state in half pglz's time where
    // the server has it (14+, built with lz4); elsewhere the default stands.
    if server_version_num >= 140000 && record.len() > 1 << 16 {
        let _ = admin
            .batch_execute("SET default_toast_compression = 'lz4'")
            .await;
    }
    admin
        .batch_execute(&format!(
            "COMMENT ON DATABASE {} IS {}",
            quote_ident(name),
            quote_literal(&record)
        ))
        .await
        .map_err(|e| EngineError::pg_query("writing the canonical cache", e))
}
