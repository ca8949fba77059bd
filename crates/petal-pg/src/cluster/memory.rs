//! A disposable cluster's data directory in memory: `/dev/shm` (tmpfs) on
//! Linux, when it has room.
//!
//! The dev cluster holds nothing that cannot be rebuilt (copies of schemas,
//! scratch databases), already runs without fsync, and does little but
//! create and drop thousands of files. On disk that is slow, and on some
//! file systems much slower shortly after as many files were deleted (ext4
//! without a journal skips recently freed inodes one by one); in tmpfs it
//! is neither. A reboot empties it: the next run creates the cluster
//! again, and its first canonicalization is a cold one.

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::postmaster_running;
use super::user::RunAs;
use crate::error::PgError;

/// Where tmpfs is expected.
const SHM: &str = "/dev/shm";
/// A new data directory goes to memory only with this much free there: a
/// cluster with the schema of a thousand tables takes about 200 MiB, its
/// WAL included, and container runtimes often give `/dev/shm` only 64 MiB.
const MIN_FREE: u64 = 1 << 30;
/// The file naming the cluster directory a memory directory belongs to.
const OWNER_FILE: &str = "cluster";
/// Set to `0` to keep the dev cluster on disk.
pub const ENV: &str = "PETAL_DEV_IN_MEMORY";

/// The data directory for the cluster kept in `base`: in memory when one
/// is there already, or when none is on disk and memory has room; `None`
/// for the one on disk, `on_disk`. Creates nothing: see [`prepare`].
pub(super) fn choose(base: &Path, on_disk: &Path) -> Option<PathBuf> {
    let dir = memory_dir(base);
    let data = dir.join("data");
    let ours = owned_by_us(&dir);
    // A server running there is used whatever the setting says: `petal dev
    // stop` must find it, and a second server could not take its socket.
    if ours && postmaster_running(&data) {
        return Some(data);
    }
    if std::env::var(ENV).is_ok_and(|v| matches!(v.trim(), "0" | "false" | "no" | "off")) {
        return None;
    }
    if data.join("PG_VERSION").is_file() {
        return ours.then_some(data);
    }
    if on_disk.join("PG_VERSION").is_file() || !tmpfs_with_room() {
        return None;
    }
    if dir.exists() && !ours {
        return None;
    }
    Some(data)
}

/// Makes the parent of the memory data directory `data` and notes which
/// cluster it belongs to; first frees the memory of clusters whose
/// directory is gone. The parent is ours, not the server's user's (when we
/// run the server as another user), so that user cannot plant anything
/// that we, maybe root, would then write through; it may only pass through
/// to `data`, which `initdb` gets empty and its own.
pub(super) fn prepare(data: &Path, base: &Path, run_as: Option<&RunAs>) -> Result<(), PgError> {
    let Some(dir) = data.parent() else {
        return Ok(());
    };
    if !dir.exists() {
        remove_orphans();
    }
    let mode = if run_as.is_some() { 0o711 } else { 0o700 };
    // Its mode from the start (a umask only removes bits). It may exist:
    // from an earlier run, or made this moment by another task or process
    // of the project (`petal check` starts the dev cluster twice at once).
    match fs::DirBuilder::new().mode(mode).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(PgError::io("creating", dir, e)),
    }
    if !owned_by_us(dir) {
        return Err(PgError::Cluster(format!(
            "{} is not a directory of ours that only we can write; remove it, \
             or set {ENV}=0 to keep the dev cluster on disk",
            dir.display()
        )));
    }
    let owner_file = dir.join(OWNER_FILE);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&owner_file)
        .map_err(|e| PgError::io("writing", &owner_file, e))?;
    let mut record = host().into_bytes();
    record.push(b'\n');
    record.extend_from_slice(base.as_os_str().as_encoded_bytes());
    file.write_all(&record)
        .map_err(|e| PgError::io("writing", &owner_file, e))
}

/// This machine's host name: containers sharing one `/dev/shm` (and uid)
/// each have their own, and must not judge each other's clusters, whose
/// directories and processes they cannot see.
fn host() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

/// `/dev/shm/petal-<uid>-<hash of base>`.
fn memory_dir(base: &Path) -> PathBuf {
    Path::new(SHM).join(format!("{}{}", prefix(), super::short_hash(base)))
}

fn prefix() -> String {
    // SAFETY: geteuid has no preconditions and cannot fail.
    format!("petal-{}-", unsafe { libc::geteuid() })
}

/// A real directory (not a symlink) of ours that nobody else can write:
/// `/dev/shm` is shared by every user, who could have made the name first.
fn owned_by_us(dir: &Path) -> bool {
    // SAFETY: as above.
    let uid = unsafe { libc::geteuid() };
    fs::symlink_metadata(dir)
        .is_ok_and(|m| m.file_type().is_dir() && m.uid() == uid && m.mode() & 0o022 == 0)
}

fn tmpfs_with_room() -> bool {
    const TMPFS_MAGIC: i64 = 0x0102_1994;
    let Ok(path) = std::ffi::CString::new(SHM) else {
        return false;
    };
    // SAFETY: `path` is a valid C string and `stats` is written by statfs.
    let mut stats: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statfs(path.as_ptr(), &mut stats) } != 0 {
        return false;
    }
    #[allow(clippy::unnecessary_cast)] // the field's type differs by platform
    let is_tmpfs = stats.f_type as i64 == TMPFS_MAGIC;
    let free = (stats.f_bavail as u64).saturating_mul(stats.f_bsize as u64);
    is_tmpfs && free >= MIN_FREE
}

/// Removes the memory directories of ours, made on this host, whose
/// cluster directory is gone (a deleted checkout, a test's temporary
/// project) and whose server is not running: nothing else would free that
/// memory before a reboot.
fn remove_orphans() {
    let Ok(entries) = fs::read_dir(SHM) else {
        return;
    };
    let prefix = prefix();
    let this_host = host();
    for entry in entries.flatten() {
        let dir = entry.path();
        if !entry.file_name().to_string_lossy().starts_with(&prefix) || !owned_by_us(&dir) {
            continue;
        }
        let Some((owner_host, base)) = read_owner(&dir.join(OWNER_FILE)) else {
            continue;
        };
        if owner_host != this_host {
            continue;
        }
        if base.exists() || postmaster_running(&dir.join("data")) {
            continue;
        }
        let _ = fs::remove_dir_all(&dir);
    }
}

/// The host and the cluster directory named in an owner file: a regular
/// file, never followed through a link, never waited on (a FIFO).
fn read_owner(path: &Path) -> Option<(String, PathBuf)> {
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut &file, &mut bytes).ok()?;
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let base = bytes.split_off(newline + 1);
    let host = String::from_utf8_lossy(&bytes[..newline]).into_owned();
    Some((host, PathBuf::from(OsString::from_vec(base))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preparing_a_directory_that_exists_is_no_error_and_it_stays_private() {
        let tmp = std::env::temp_dir().join(format!("petal-memory-test-{}", std::process::id()));
        let data = tmp.join("cluster").join("data");
        fs::create_dir_all(&tmp).unwrap_or_else(|e| panic!("{e}"));
        let base = Path::new("/some/project/.petal/dev");
        for _ in 0..2 {
            prepare(&data, base, None).unwrap_or_else(|e| panic!("{e}"));
        }
        let dir = tmp.join("cluster");
        let mode = fs::metadata(&dir).map(|m| m.mode() & 0o777).unwrap_or(0);
        let owner = read_owner(&dir.join(OWNER_FILE));
        let _ = fs::remove_dir_all(&tmp);
        assert_eq!(mode, 0o700);
        assert_eq!(owner, Some((host(), base.to_path_buf())));
    }
}
