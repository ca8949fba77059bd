//! The migration files a report covers: the sentence over them, the
//! files shown, and, for `check --migrations` (which replays every file),
//! the earlier ones folded away.

use super::text::{code, inline};
use super::{MigrationEntry, Migrations};

/// How many of the files `check --migrations` compared with are shown;
/// the earlier ones go in a collapsed block (every comment would list a
/// long history otherwise).
const LAST_SHOWN: usize = 5;

/// The migration files section's parts.
#[derive(Debug, Default)]
pub struct Files {
    pub intro: Option<String>,
    /// The list's lines.
    pub shown: Vec<String>,
    /// The lines of the files before `shown`, in a `<details>` block.
    pub earlier: Vec<String>,
}

pub fn files(migrations: &Migrations, changes: bool) -> Files {
    match migrations {
        Migrations::None => Files::default(),
        Migrations::Making { runs, undoes } => making(runs, undoes),
        Migrations::ComparedWith(entries) => {
            let replayed = count(entries.len(), "migration file", "migration files");
            let split = entries.len().saturating_sub(LAST_SHOWN);
            let which = if split > 0 {
                format!(" (the last {LAST_SHOWN} below)")
            } else {
                String::new()
            };
            let intro = if changes {
                format!(
                    "The models are compared with the {replayed} replayed{which}; the changes are \
                     in none of them: a revision still to write (`petal revision --autogenerate`)."
                )
            } else {
                format!("The models agree with the {replayed} replayed{which}.")
            };
            Files {
                intro: Some(intro),
                shown: list(&entries[split..], ""),
                earlier: list(&entries[..split], ""),
            }
        }
    }
}

/// Between two replays: the files the later one runs, and those the
/// earlier one ran that the later does not (going back, or to another
/// branch), which the changes undo, the last first.
fn making(runs: &[MigrationEntry], undoes: &[MigrationEntry]) -> Files {
    let undone: Vec<MigrationEntry> = undoes.iter().rev().cloned().collect();
    let (intro, shown) = match (undone.len(), runs.len()) {
        (0, 0) => (
            "No migration file runs between the two.".to_string(),
            Vec::new(),
        ),
        (0, 1) => (
            "The changes are what this file does:".to_string(),
            list(runs, ""),
        ),
        (0, n) => (
            format!("The changes are what these {n} files do, in the order they run:"),
            list(runs, ""),
        ),
        (1, 0) => (
            "The changes undo what this file does:".to_string(),
            list(&undone, ""),
        ),
        (n, 0) => (
            format!("The changes undo what these {n} files do, the last first:"),
            list(&undone, ""),
        ),
        (u, r) => {
            let mut shown = list(&undone, "undoes ");
            shown.extend(list(runs, "runs "));
            let what = |n: usize| count(n, "a file does", "files do");
            let order = if u > 1 { ", the last first," } else { "," };
            (
                format!(
                    "The changes undo what {}{order} then do what {}:",
                    what(u),
                    what(r)
                ),
                shown,
            )
        }
    };
    Files {
        intro: Some(intro),
        shown,
        earlier: Vec::new(),
    }
}

fn list(entries: &[MigrationEntry], verb: &str) -> Vec<String> {
    entries
        .iter()
        .map(|e| format!("- {verb}{}: {}", code(&e.file), inline(&e.message)))
        .collect()
}

/// `one`, or `N many`: `a file does`, `3 files do`.
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(names: &[&str]) -> Vec<MigrationEntry> {
        names
            .iter()
            .map(|n| MigrationEntry {
                file: format!("{n}.sql"),
                message: n.to_string(),
            })
            .collect()
    }

    #[test]
    fn going_back_names_the_files_undone() {
        let back = files(
            &Migrations::Making {
                runs: Vec::new(),
                undoes: entries(&["1_a", "2_b"]),
            },
            true,
        );
        assert_eq!(
            back.intro.as_deref(),
            Some("The changes undo what these 2 files do, the last first:")
        );
        assert_eq!(back.shown, ["- `2_b.sql`: 2_b", "- `1_a.sql`: 1_a"]);
        let across = files(
            &Migrations::Making {
                runs: entries(&["3_c"]),
                undoes: entries(&["2_b"]),
            },
            true,
        );
        assert_eq!(
            across.intro.as_deref(),
            Some("The changes undo what a file does, then do what a file does:")
        );
        assert_eq!(
            across.shown,
            ["- undoes `2_b.sql`: 2_b", "- runs `3_c.sql`: 3_c"]
        );
    }

    #[test]
    fn a_long_history_shows_its_last_files_and_folds_the_rest() {
        let all: Vec<String> = (1..=8).map(|i| format!("{i}_m")).collect();
        let names: Vec<&str> = all.iter().map(String::as_str).collect();
        let made = files(&Migrations::ComparedWith(entries(&names)), true);
        assert!(
            made.intro.as_deref().is_some_and(|i| i.starts_with(
                "The models are compared with the 8 migration \
                                                files replayed (the last 5 below);"
            )),
            "{:?}",
            made.intro
        );
        assert_eq!(made.shown.len(), 5);
        assert!(made.shown[0].starts_with("- `4_m.sql`"), "{:?}", made.shown);
        assert_eq!(made.earlier.len(), 3);
        assert!(made.earlier[0].starts_with("- `1_m.sql`"));
    }
}
