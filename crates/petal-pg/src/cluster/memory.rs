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

use std::fs;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};

use super::user::{RunAs, process_alive};
use crate::error::PgError;

/// Where tmpfs is expected.
const SHM: &str = "/dev/shm";
/// A new data directory goes to memory only with this much free there: a
/// cluster with the schema of a thousand tables takes about 150 MiB, and
/// container runtimes often give `/dev/shm` only 64 MiB.
const MIN_FREE: u64 = 1 << 30;
/// The file naming the cluster directory a memory directory belongs to.
const OWNER_FILE: &str = "cluster";
/// Set to `0` to keep the dev cluster on disk.
pub const ENV: &str = "PETAL_DEV_IN_MEMORY";

/// The data directory for the cluster kept in `base`: in memory when one
/// is there already, or when none is on disk and memory has room; `None`
/// for the one on disk, `on_disk`. Creates nothing: see [`prepare`].
pub(super) fn choose(base: &Path, on_disk: &Path, run_as: Option<&RunAs>) -> Option<PathBuf> {
    if std::env::var(ENV).is_ok_and(|v| matches!(v.trim(), "0" | "false" | "no" | "off")) {
        return None;
    }
    let dir = memory_dir(base);
    let owners = owners(run_as);
    if dir.join("data").join("PG_VERSION").is_file() {
        return owned_by(&dir, &owners).then(|| dir.join("data"));
    }
    if on_disk.join("PG_VERSION").is_file() || !tmpfs_with_room() {
        return None;
    }
    if dir.exists() && !owned_by(&dir, &owners) {
        return None;
    }
    Some(dir.join("data"))
}

/// Makes the parent of the memory data directory `data` (0700, the
/// server's user's), noting which cluster it belongs to; first frees the
/// memory of clusters whose directory is gone.
pub(super) fn prepare(data: &Path, base: &Path, run_as: Option<&RunAs>) -> Result<(), PgError> {
    let Some(dir) = data.parent() else {
        return Ok(());
    };
    let owners = owners(run_as);
    if !dir.exists() {
        remove_orphans(&owners);
    }
    // Private from the start (a umask only removes bits). It may exist:
    // from an earlier run, or made this moment by another task or process
    // of the project (`petal check` starts the dev cluster twice at once).
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {
            if let Some(user) = run_as {
                std::os::unix::fs::chown(dir, Some(user.uid), Some(user.gid))
                    .map_err(|e| PgError::io("changing the owner of", dir, e))?;
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(PgError::io("creating", dir, e)),
    }
    if !owned_by(dir, &owners) {
        return Err(PgError::Cluster(format!(
            "{} is not a private directory of ours; remove it, or set {ENV}=0 \
             to keep the dev cluster on disk",
            dir.display()
        )));
    }
    let owner_file = dir.join(OWNER_FILE);
    fs::write(&owner_file, base.as_os_str().as_encoded_bytes())
        .map_err(|e| PgError::io("writing", &owner_file, e))
}

/// `/dev/shm/petal-<uid>-<hash of base>`.
fn memory_dir(base: &Path) -> PathBuf {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    Path::new(SHM).join(format!("petal-{uid}-{}", super::short_hash(base)))
}

/// Who may own a memory directory: us, and the server's user we run as.
fn owners(run_as: Option<&RunAs>) -> Vec<u32> {
    // SAFETY: as above.
    let mut uids = vec![unsafe { libc::geteuid() }];
    uids.extend(run_as.map(|u| u.uid));
    uids
}

/// A real directory (not a symlink) of ours, mode 0700: `/dev/shm` is
/// shared by every user, who could have made the name first.
fn owned_by(dir: &Path, owners: &[u32]) -> bool {
    fs::symlink_metadata(dir)
        .is_ok_and(|m| m.file_type().is_dir() && owners.contains(&m.uid()) && m.mode() & 0o077 == 0)
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

/// Removes the memory directories of ours whose cluster directory is gone
/// (a deleted checkout, a test's temporary project) and whose server is
/// not running: nothing else would free that memory before a reboot.
fn remove_orphans(owners: &[u32]) {
    let Ok(entries) = fs::read_dir(SHM) else {
        return;
    };
    // SAFETY: as above.
    let prefix = format!("petal-{}-", unsafe { libc::geteuid() });
    for entry in entries.flatten() {
        let dir = entry.path();
        let ours = entry.file_name().to_string_lossy().starts_with(&prefix);
        if !ours || !owned_by(&dir, owners) {
            continue;
        }
        let Ok(base) = fs::read(dir.join(OWNER_FILE)) else {
            continue;
        };
        let base = PathBuf::from(String::from_utf8_lossy(&base).into_owned());
        if base.exists() || server_running(&dir.join("data")) {
            continue;
        }
        let _ = fs::remove_dir_all(&dir);
    }
}

fn server_running(data: &Path) -> bool {
    fs::read_to_string(data.join("postmaster.pid"))
        .ok()
        .and_then(|text| text.lines().next()?.trim().parse::<i32>().ok())
        .is_some_and(process_alive)
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
        let owner = fs::read_to_string(dir.join(OWNER_FILE)).unwrap_or_default();
        let _ = fs::remove_dir_all(&tmp);
        assert_eq!(mode, 0o700);
        assert_eq!(owner, base.to_string_lossy());
    }
}
