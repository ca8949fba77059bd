//! refinery's migrations, read by refinery_core's rules (`util.rs`): every
//! file under the directory, in subdirectories too, whose name matches
//! `^([U|V])(\d+(?:\.\d+)?)__(\w+)\.sql$` — `V` versioned, `U`
//! unversioned (run whenever it is not applied yet, even below the latest
//! applied version) —, `\d` and `\w` as the regex crate reads them:
//! Unicode digits, and Unicode word characters (letters, marks, digits,
//! connector punctuation). The version must then parse as an integer
//! (`V1.1` and non-ASCII digits match, and refinery refuses them). A `.rs`
//! migration is Rust code that returns its SQL: petal refuses it. Other
//! files are not migrations.

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use petal_source::Report;
use regex_syntax::hir::{Class, HirKind};
use siphasher::sip::SipHasher13;

use super::{Found, Listed, SourceDir, Tool, Version, duplicates};

/// The parts of a file name refinery reads: the prefix, the version's
/// digits and the name; and whether it is a `.rs` file.
struct Name<'a> {
    prefix: char,
    version: &'a str,
    name: &'a str,
    rust: bool,
}

/// `\d` as the regex crate reads it (Unicode `Decimal_Number`), from the
/// same tables regex-syntax gives the regex crate refinery uses.
fn is_digit(c: char) -> bool {
    static DIGITS: OnceLock<Vec<(char, char)>> = OnceLock::new();
    let ranges =
        DIGITS.get_or_init(
            || match regex_syntax::parse(r"\d").map(|hir| hir.into_kind()) {
                Ok(HirKind::Class(Class::Unicode(class))) => class
                    .ranges()
                    .iter()
                    .map(|r| (r.start(), r.end()))
                    .collect(),
                // Without the Unicode tables: ASCII digits, what `\d` would be.
                _ => vec![('0', '9')],
            },
        );
    ranges
        .binary_search_by(|&(start, end)| {
            if end < c {
                std::cmp::Ordering::Less
            } else if start > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// `\w` as the regex crate reads it.
fn is_word(c: char) -> bool {
    regex_syntax::try_is_word_character(c).unwrap_or(c.is_ascii_alphanumeric() || c == '_')
}

/// `file` read by refinery's pattern; `None` when it does not match. The
/// pattern's `\d+` must take every digit (a digit is neither `.` nor
/// `_`), so the match needs no backtracking.
fn read_name(file: &str) -> Option<Name<'_>> {
    let (stem, rust) = if let Some(stem) = file.strip_suffix(".sql") {
        (stem, false)
    } else {
        (file.strip_suffix(".rs")?, true)
    };
    // `[U|V]` is a class: it takes a `|` too.
    let prefix = stem
        .chars()
        .next()
        .filter(|c| matches!(c, 'U' | 'V' | '|'))?;
    let rest = &stem[1..];
    let digits = |s: &str| s.find(|c: char| !is_digit(c)).unwrap_or(s.len());
    let whole = digits(rest);
    let mut end = whole;
    if whole > 0
        && let Some(after) = rest[whole..].strip_prefix('.')
    {
        let part = digits(after);
        if part > 0 {
            end = whole + 1 + part;
        }
    }
    let name = rest[end..].strip_prefix("__")?;
    (whole > 0 && !name.is_empty() && name.chars().all(is_word)).then_some(Name {
        prefix,
        version: &rest[..end],
        name,
        rust,
    })
}

/// The migrations, and the files refinery ignores.
pub(crate) fn list(dir: &SourceDir) -> Result<Listed, Vec<Report>> {
    let mut found = Vec::new();
    let mut ignored = Vec::new();
    let mut reports = Vec::new();
    for path in dir.files.keys() {
        let file = path.rsplit('/').next().unwrap_or(path);
        let Some(name) = read_name(file) else {
            ignored.push(path.clone());
            continue;
        };
        if name.prefix == '|' {
            reports.push(
                Report::in_file(
                    dir.path_of(path),
                    "refinery's file-name pattern (`[U|V]`) takes a `|` prefix, then panics on it",
                )
                .with_help("rename it with `V` (versioned) or `U` (unversioned)"),
            );
            continue;
        }
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
        // `parse` takes ASCII digits only, as refinery's does.
        let Ok(version) = name.version.parse::<i64>() else {
            reports.push(Report::in_file(
                dir.path_of(path),
                format!(
                    "version `{}` is no integer: refinery refuses it too (invalid version)",
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
            unversioned: name.prefix == 'U',
        });
    }
    reports.extend(duplicates(Tool::Refinery, dir, &found));
    if reports.is_empty() {
        Ok(Listed {
            found,
            ignored,
            notes: Vec::new(),
        })
    } else {
        Err(reports)
    }
}

/// refinery's checksum of a migration, computed as refinery computes it
/// (`Migration::unapplied`): `SipHasher13::new()` fed the name, the
/// version and the SQL through `Hash`, the version an `i32` with
/// refinery's default `int4` versions, an `i64` with its `int8-versions`
/// feature. Stored as the decimal `u64` in the table's `checksum`.
/// `None`: an `int4` table and a version that is no `i32`, which refinery
/// refuses to read (invalid version).
pub fn checksum(name: &str, version: i64, int8_versions: bool, sql: &str) -> Option<u64> {
    let mut hasher = SipHasher13::new();
    name.hash(&mut hasher);
    if int8_versions {
        version.hash(&mut hasher);
    } else {
        i32::try_from(version).ok()?.hash(&mut hasher);
    }
    sql.hash(&mut hasher);
    Some(hasher.finish())
}
