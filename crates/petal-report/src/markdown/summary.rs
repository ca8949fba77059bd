//! The one summary line of a schema change: how many changes, the ones
//! that can hurt first. The Markdown report opens with it and `petal
//! revision --autogenerate` prints it after writing its file.
//!
//! The counts are independent: a change that drops data while it rewrites
//! a table under `ACCESS EXCLUSIVE` is destructive, rewriting and locking
//! at once, and a reviewer needs to see all three (a count under the
//! strongest label only would hide the lock of every destructive change).
//! Safe are the changes in no other count.

use std::fmt;

use petal_diff::{Impact, Safety};

/// What a reviewer should worry about most in one change, from the
/// diff's own classification (`petal_diff::change_labels`), strongest
/// first: the label of the change's row in the report's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Concern {
    Destructive,
    Breaking,
    /// Locks a table and writes it again whole.
    Rewrites,
    Locks,
    Safe,
}

impl Concern {
    /// A change's strongest concern from its label: its safety, and
    /// whether one of its statements rewrites a table.
    pub fn of(safety: Safety, impacts: &[Impact]) -> Concern {
        match safety {
            Safety::Destructive => Concern::Destructive,
            Safety::Breaking => Concern::Breaking,
            Safety::Locks | Safety::Safe if rewrites(impacts) => Concern::Rewrites,
            Safety::Locks => Concern::Locks,
            Safety::Safe => Concern::Safe,
        }
    }
}

/// How long a change keeps other sessions' reads or writes of a table
/// that existed before it waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocking {
    /// Takes no lock that blocks reads or writes.
    No,
    /// A lock that blocks them, for a change of the catalog only: as long
    /// as the statement waits for the lock, then a moment.
    Briefly,
    /// Blocks them while the statement reads or writes every row (a
    /// rewrite, a scan under the lock), or classified `locks`.
    Long,
}

impl Blocking {
    pub fn of(safety: Safety, impacts: &[Impact]) -> Blocking {
        let long_impact = impacts
            .iter()
            .any(|i| i.blocks_writes() && (!i.rewrites.is_empty() || !i.scans.is_empty()));
        if safety == Safety::Locks || long_impact {
            Blocking::Long
        } else if impacts.iter().any(Impact::blocks_writes) {
            Blocking::Briefly
        } else {
            Blocking::No
        }
    }
}

fn rewrites(impacts: &[Impact]) -> bool {
    impacts.iter().any(|i| !i.rewrites.is_empty())
}

/// Whether a change is in none of the summary's counts but `safe`.
pub fn is_safe(safety: Safety, impacts: &[Impact]) -> bool {
    safety == Safety::Safe && !rewrites(impacts) && Blocking::of(safety, impacts) == Blocking::No
}

/// The counts of a schema change's changes; one change may be in several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub changes: usize,
    pub destructive: usize,
    pub breaking: usize,
    /// Changes holding a lock that blocks reads or writes of a table...
    pub locks: usize,
    /// ...and of them, those that hold it while rows are read or written.
    pub locks_long: usize,
    pub rewrites: usize,
    /// Changes in none of the counts above.
    pub safe: usize,
}

impl Summary {
    /// The counts of changes labelled `labels` (one label per change, as
    /// `petal_diff::change_labels` gives them).
    pub fn of(labels: &[(Safety, Vec<Impact>)]) -> Summary {
        let mut summary = Summary {
            changes: labels.len(),
            ..Summary::default()
        };
        for (safety, impacts) in labels {
            summary.destructive += usize::from(*safety == Safety::Destructive);
            summary.breaking += usize::from(*safety == Safety::Breaking);
            summary.rewrites += usize::from(rewrites(impacts));
            match Blocking::of(*safety, impacts) {
                Blocking::No => {}
                Blocking::Briefly => summary.locks += 1,
                Blocking::Long => {
                    summary.locks += 1;
                    summary.locks_long += 1;
                }
            }
            summary.safe += usize::from(is_safe(*safety, impacts));
        }
        summary
    }

    /// `12 changes`, or `no changes`.
    pub fn head(&self) -> String {
        match self.changes {
            0 => "no changes".to_string(),
            1 => "1 change".to_string(),
            n => format!("{n} changes"),
        }
    }

    /// `1 destructive, 3 lock tables (1 for long), 1 rewrites a table,
    /// 7 safe`: the counts that are not zero, the harmful ones first.
    pub fn counts(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| {
            let word = if n == 1 { one } else { many };
            format!("{n} {word}")
        };
        let how_long = match self.locks_long {
            0 => " briefly".to_string(),
            long if long == self.locks => " for long".to_string(),
            long => format!(" ({long} for long)"),
        };
        let parts = [
            (
                self.destructive,
                format!("{} destructive", self.destructive),
            ),
            (self.breaking, format!("{} breaking", self.breaking)),
            (
                self.locks,
                plural(self.locks, "locks a table", "lock tables") + &how_long,
            ),
            (
                self.rewrites,
                plural(self.rewrites, "rewrites a table", "rewrite tables"),
            ),
            (self.safe, format!("{} safe", self.safe)),
        ];
        parts
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(_, text)| text)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The line as Markdown: the head in bold.
    pub fn markdown(&self) -> String {
        if self.changes == 0 {
            return "**No schema changes**".to_string();
        }
        format!("**{}**: {}", self.head(), self.counts())
    }
}

/// The line as a terminal shows it: `12 changes: 1 destructive, ...`.
impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes == 0 {
            return f.write_str("no changes");
        }
        write!(f, "{}: {}", self.head(), self.counts())
    }
}

#[cfg(test)]
mod tests {
    use petal_diff::LockMode;
    use petal_ir::QualifiedName;

    use super::*;

    fn impact(mode: LockMode, rewrite: bool, scan: bool) -> Impact {
        let table = QualifiedName::new("public", "orders");
        let mut impact = Impact::default();
        impact.locks.insert(table.clone(), mode);
        if rewrite {
            impact.rewrites.insert(table.clone());
        }
        if scan {
            impact.scans.insert(table);
        }
        impact
    }

    fn exclusive(rewrite: bool) -> Vec<Impact> {
        vec![impact(LockMode::AccessExclusive, rewrite, false)]
    }

    #[test]
    fn a_change_counts_in_every_count_it_belongs_to() {
        let labels = vec![
            // A retype losing data: destructive, rewriting, locking long.
            (Safety::Destructive, exclusive(true)),
            // A dropped column: destructive, and a brief lock.
            (Safety::Destructive, exclusive(false)),
            // A dropped foreign key: safe, but a brief lock.
            (Safety::Safe, exclusive(false)),
            // An index built under SHARE: reads every row, writers wait.
            (Safety::Locks, vec![impact(LockMode::Share, false, true)]),
            // A validation under SHARE UPDATE EXCLUSIVE: nobody waits.
            (
                Safety::Safe,
                vec![impact(LockMode::ShareUpdateExclusive, false, true)],
            ),
            (Safety::Safe, Vec::new()),
        ];
        let summary = Summary::of(&labels);
        assert_eq!(
            summary.to_string(),
            "6 changes: 2 destructive, 4 lock tables (2 for long), 1 rewrites a table, 2 safe"
        );
        assert_eq!(
            summary.markdown(),
            "**6 changes**: 2 destructive, 4 lock tables (2 for long), 1 rewrites a table, 2 safe"
        );
    }

    #[test]
    fn locks_all_long_or_all_brief_say_so_in_a_word() {
        let long = Summary::of(&[
            (Safety::Destructive, exclusive(true)),
            (Safety::Locks, exclusive(true)),
        ]);
        assert_eq!(
            long.to_string(),
            "2 changes: 1 destructive, 2 lock tables for long, 2 rewrite tables"
        );
        let brief = Summary::of(&[(Safety::Safe, exclusive(false))]);
        assert_eq!(brief.to_string(), "1 change: 1 locks a table briefly");
    }

    #[test]
    fn one_change_and_none_read_as_words() {
        let one = Summary::of(&[(Safety::Breaking, Vec::new())]);
        assert_eq!(one.to_string(), "1 change: 1 breaking");
        let none = Summary::of(&[]);
        assert_eq!(none.to_string(), "no changes");
        assert_eq!(none.markdown(), "**No schema changes**");
    }
}
