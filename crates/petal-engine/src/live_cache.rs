//! The live database's last read, kept by the project: in a project with a
//! `.petal/` directory, a read of a database (`--from database`, `check`,
//! autogenerate) is kept in `.petal/live/KEY.json` (the key hashes the
//! connection settings, the password left out), sealed with the catalogs'
//! fingerprint of the read's own snapshot. The next read asks the server
//! for the fingerprint alone (one query, about 30 ms on a thousand tables
//! where the whole read costs 400 ms of server time) and takes the kept
//! read while it is the same: PostgreSQL wrote no catalog row since, so a
//! read now would give the same (`petal_pg::fingerprint` says why).
//!
//! The seal also covers the server's version, the read's options and this
//! build of petal (its version and the executable's size and time): a
//! kept read of another petal is read again. A file that is missing,
//! unreadable or under another seal only costs the read it would have
//! saved, and a server that refuses the fingerprint query is read every
//! time, as before.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use petal_ir::Database;
use petal_pg::fingerprint::catalog_fingerprint;
use petal_pg::{
    ConnConfig, IntrospectOptions, Introspection, NotCompared, connect, introspect_parallel,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::EngineError;
use crate::timings;

/// Changes whenever [`Kept`]'s shape or meaning does.
const LIVE_FORMAT: u32 = 1;

/// A read of a live database, as kept.
#[derive(Serialize, Deserialize)]
struct Kept {
    server_version_num: i32,
    database: Database,
    not_compared: Vec<NotCompared>,
}

/// The file keeping the last read of the database `cfg` connects to, for
/// the project at `root` when it has a `.petal/` directory.
pub(crate) fn file(root: &Path, cfg: &ConnConfig) -> Option<PathBuf> {
    let petal = root.join(".petal");
    // A build that cannot tell itself from another keeps nothing.
    (petal.is_dir() && build().is_some()).then(|| {
        let digest = Sha256::digest(cfg.to_url_without_password());
        petal
            .join("live")
            .join(format!("{}.json", hex::encode(&digest[..8])))
    })
}

/// What reading the database `cfg` connects to gives now: the read `file`
/// keeps when the catalogs' fingerprint says nothing it read has changed
/// since, else a read of the database, kept in `file` for the next run.
pub(crate) async fn read(
    cfg: &ConnConfig,
    opts: &IntrospectOptions,
    file: PathBuf,
) -> Result<Introspection, EngineError> {
    // The kept read is decoded while the server answers: tens of
    // milliseconds each, on a thousand tables.
    let kept = {
        let file = file.clone();
        tokio::task::spawn_blocking(move || load(&file))
    };
    let current = async {
        let _t = timings::phase("read the catalogs' fingerprint");
        let client = connect(cfg).await?;
        catalog_fingerprint(&client).await
    };
    let (current, kept) = tokio::join!(current, kept);
    if let (Ok((version, fingerprint)), Ok(Some((found_seal, kept)))) = (&current, kept)
        && found_seal == seal(*version, opts, fingerprint)
        && kept.server_version_num == *version
    {
        // Kept among the most recently used (`prune`).
        let _ = std::fs::File::options()
            .write(true)
            .open(&file)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()));
        return Ok(Introspection {
            database: kept.database,
            not_compared: kept.not_compared,
            server_version_num: *version,
            queries: 2,
            fingerprint: Some(fingerprint.clone()),
        });
    }
    // A server that refuses the fingerprint is read as before, and nothing
    // is kept.
    let reading = IntrospectOptions {
        fingerprint: current.is_ok(),
        ..opts.clone()
    };
    let found = introspect_parallel(cfg, &reading).await?;
    if let Some(fingerprint) = &found.fingerprint {
        let sealed = seal(found.server_version_num, opts, fingerprint);
        keep_behind(
            file,
            sealed,
            Kept {
                server_version_num: found.server_version_num,
                database: found.database.clone(),
                not_compared: found.not_compared.clone(),
            },
        );
    }
    Ok(found)
}

/// What `file` keeps, with its seal: none when it is missing or cannot be
/// decoded.
fn load(file: &Path) -> Option<(String, Kept)> {
    let bytes = std::fs::read(file).ok()?;
    let newline = bytes.iter().position(|b| *b == b'\n')?;
    let seal = std::str::from_utf8(&bytes[..newline]).ok()?.to_string();
    let kept = serde_json::from_slice::<Kept>(&bytes[newline + 1..]).ok()?;
    Some((seal, kept))
}

/// Writes `kept` under `seal` in a task of its own, which the binary waits
/// for before it exits. A failed write is said, and costs the next run a
/// read.
fn keep_behind(file: PathBuf, seal: String, kept: Kept) {
    let task = tokio::spawn(async move {
        let _t = timings::phase("keep the database's read");
        let written = tokio::task::spawn_blocking(move || {
            let mut bytes = seal.into_bytes();
            bytes.push(b'\n');
            serde_json::to_writer(&mut bytes, &kept)
                .map_err(|e| EngineError::internal("encoding the database's read", e))?;
            crate::private_file::write(&file, &bytes)?;
            prune(&file);
            Ok::<(), EngineError>(())
        })
        .await;
        let why = match written {
            Ok(Ok(())) => return,
            Ok(Err(e)) => e.to_string(),
            Err(e) => e.to_string(),
        };
        petal_pg::progress::say(&format!(
            "the database's read was not kept ({why}); the next run reads it again"
        ));
    });
    crate::canonical::wait_at_exit(task);
}

/// How many databases' reads a project keeps: the most recently used.
const KEPT_READS: usize = 8;

/// Removes all but the [`KEPT_READS`] most recently written or taken
/// reads beside `file`: every URL a project compares with leaves one.
fn prune(file: &Path) {
    let Some(dir) = file.parent() else { return };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut reads: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    reads.sort_by_key(|read| std::cmp::Reverse(read.0));
    for (_, stale) in reads.into_iter().skip(KEPT_READS) {
        let _ = std::fs::remove_file(stale);
    }
}

/// The seal of a read of fingerprint `fingerprint` on a server of
/// `version`, with the options `opts`, by this build of petal.
fn seal(version: i32, opts: &IntrospectOptions, fingerprint: &str) -> String {
    let digest = Sha256::digest(format!(
        "{}\n{version}\n{opts:?}\n{fingerprint}",
        build().unwrap_or_default()
    ));
    hex::encode(digest)
}

/// This build of petal (a kept read is another build's when its
/// introspection may differ); none when the executable cannot be found.
fn build() -> Option<&'static str> {
    static BUILD: OnceLock<Option<String>> = OnceLock::new();
    BUILD
        .get_or_init(|| {
            let exe = std::env::current_exe().and_then(std::fs::metadata).ok()?;
            let modified = exe.modified().ok()?;
            Some(format!(
                "{} {LIVE_FORMAT} {} {modified:?}",
                env!("CARGO_PKG_VERSION"),
                exe.len()
            ))
        })
        .as_deref()
}
