//! Names of test clusters and databases.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A short tag telling clusters of different binaries apart: a data
/// directory made by one major version cannot be started by another.
pub fn tag_of(bin_dir: &Path) -> String {
    // FNV-1a: stable across runs and platforms, no dependency needed.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bin_dir.as_os_str().as_encoded_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", hash as u32)
}

/// `petal_t_<pid>_<n>_<micros>`: unique across the processes of a run and
/// across runs, well under the 63-byte identifier limit.
pub fn unique_db_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() % 1_000_000_000)
        .unwrap_or(0);
    format!("petal_t_{}_{n}_{micros}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differ_and_fit() {
        let a = unique_db_name();
        let b = unique_db_name();
        assert_ne!(a, b);
        assert!(a.len() <= 63);
        assert_eq!(
            tag_of(Path::new("/usr/lib/postgresql/15/bin")),
            tag_of(Path::new("/usr/lib/postgresql/15/bin"))
        );
        assert_ne!(tag_of(Path::new("/a")), tag_of(Path::new("/b")));
    }
}
