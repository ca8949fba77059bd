//! refinery's migrations, read by refinery_core's rules (`util.rs`): every
//! file under the directory, in subdirectories too, named
//! `V<version>__<name>.sql` (versioned) or `U<version>__<name>.sql`
//! (unversioned: run whenever it is not applied yet, even below the latest
//! applied version), the name a run of word characters, the version an
//! integer (`V1.1` is refused). A `.rs` migration is Rust code that returns
//! its SQL: petal refuses it. Other files are not migrations.

use petal_source::Report;

use super::siphash::sip13;
use super::{Found, SourceDir, Tool, Version, duplicates};

/// The parts of a file name refinery reads: the prefix, the version's
/// digits and the name; and whether it is a `.rs` file.
struct Name<'a> {
    unversioned: bool,
    version: &'a str,
    name: &'a str,
    rust: bool,
}

fn read_name(file: &str) -> Option<Name<'_>> {
    let (stem, rust) = if let Some(stem) = file.strip_suffix(".sql") {
        (stem, false)
    } else {
        (file.strip_suffix(".rs")?, true)
    };
    // refinery's pattern is `^([U|V])(\d+(?:\.\d+)?)__(\w+)`: the class
    // `[U|V]` takes a `|` too, which no one names a file with.
    let unversioned = match stem.as_bytes().first()? {
        b'U' => true,
        b'V' => false,
        _ => return None,
    };
    let (version, name) = stem[1..].split_once("__")?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let version_ok = match version.split_once('.') {
        Some((whole, part)) => digits(whole) && digits(part),
        None => digits(version),
    };
    let word = |c: char| c.is_alphanumeric() || c == '_';
    (version_ok && !name.is_empty() && name.chars().all(word)).then_some(Name {
        unversioned,
        version,
        name,
        rust,
    })
}

/// The migrations, and the files refinery ignores.
pub(crate) fn list(dir: &SourceDir) -> Result<(Vec<Found>, Vec<String>), Vec<Report>> {
    let mut found = Vec::new();
    let mut ignored = Vec::new();
    let mut reports = Vec::new();
    for path in dir.files.keys() {
        let file = path.rsplit('/').next().unwrap_or(path);
        let Some(name) = read_name(file) else {
            ignored.push(path.clone());
            continue;
        };
        if name.rust {
            reports.push(
                Report::in_file(
                    dir.path_of(path),
                    "a Rust migration: refinery runs its code to get the SQL (its `migration()` \
                     function), which petal cannot do without building your crate",
                )
                .with_help(format!(
                    "print its SQL once (`println!(\"{{}}\", migration())` in a test, say), save \
                     it as `{}` beside it in place of the `.rs` file (the checksum refinery \
                     recorded is over that SQL, so it still matches), and import again",
                    file.replace(".rs", ".sql")
                )),
            );
            continue;
        }
        let Ok(version) = name.version.parse::<i64>() else {
            reports.push(Report::in_file(
                dir.path_of(path),
                format!(
                    "version `{}` is no integer: refinery refuses it too",
                    name.version
                ),
            ));
            continue;
        };
        found.push(Found {
            version: Version::Number(version),
            name: name.name.to_owned(),
            up: path.clone(),
            down: None,
            up_no_transaction: false,
            down_no_transaction: false,
            unversioned: name.unversioned,
        });
    }
    reports.extend(duplicates(Tool::Refinery, dir, &found));
    if reports.is_empty() {
        Ok((found, ignored))
    } else {
        Err(reports)
    }
}

/// refinery's checksum of a migration: SipHash-1-3 (zero keys) of what
/// Rust's `Hash` feeds it for the name, the version and the SQL — a
/// string's bytes then `0xff`, the version's bytes (4 with refinery's
/// default `int4` versions, 8 with its `int8-versions` feature, in the
/// machine's order: little-endian where refinery runs). Stored as the
/// decimal `u64` in `refinery_schema_history.checksum`.
pub fn checksum(name: &str, version: i64, int8_versions: bool, sql: &str) -> u64 {
    let mut bytes = Vec::with_capacity(name.len() + sql.len() + 10);
    bytes.extend_from_slice(name.as_bytes());
    bytes.push(0xff);
    if int8_versions {
        bytes.extend_from_slice(&version.to_le_bytes());
    } else {
        // An int4 version fits `i32`; refinery refuses the file otherwise.
        bytes.extend_from_slice(&(version as i32).to_le_bytes());
    }
    bytes.extend_from_slice(sql.as_bytes());
    bytes.push(0xff);
    sip13(&bytes)
}
