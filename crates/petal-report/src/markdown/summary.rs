//! The one summary line of a schema change: how many changes, the ones
//! that can hurt first. The Markdown report opens with it and `petal
//! revision --autogenerate` prints it after writing its file.

use std::fmt;

use petal_diff::{Impact, Safety};

/// What a reviewer should worry about most in one change, from the
/// diff's own classification (`petal_diff::change_labels`), strongest
/// first: each change counts once, under the strongest that applies.
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
    /// A change's concern from its label: its safety, and whether one of
    /// its statements rewrites a table.
    pub fn of(safety: Safety, impacts: &[Impact]) -> Concern {
        let rewrites = impacts.iter().any(|i| !i.rewrites.is_empty());
        match safety {
            Safety::Destructive => Concern::Destructive,
            Safety::Breaking => Concern::Breaking,
            Safety::Locks | Safety::Safe if rewrites => Concern::Rewrites,
            Safety::Locks => Concern::Locks,
            Safety::Safe => Concern::Safe,
        }
    }
}

/// The counts of a schema change's changes by concern.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub changes: usize,
    pub destructive: usize,
    pub breaking: usize,
    pub locks: usize,
    pub rewrites: usize,
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
            match Concern::of(*safety, impacts) {
                Concern::Destructive => summary.destructive += 1,
                Concern::Breaking => summary.breaking += 1,
                Concern::Rewrites => summary.rewrites += 1,
                Concern::Locks => summary.locks += 1,
                Concern::Safe => summary.safe += 1,
            }
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

    /// `1 destructive, 3 lock tables, 1 rewrites a table, 7 safe`: the
    /// counts that are not zero, the harmful ones first.
    pub fn counts(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let parts = [
            (
                self.destructive,
                plural(self.destructive, "destructive", "destructive"),
            ),
            (self.breaking, plural(self.breaking, "breaking", "breaking")),
            (
                self.locks,
                plural(self.locks, "locks a table", "lock tables"),
            ),
            (
                self.rewrites,
                plural(self.rewrites, "rewrites a table", "rewrite tables"),
            ),
            (self.safe, plural(self.safe, "safe", "safe")),
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

    fn locking(rewrite: bool) -> Vec<Impact> {
        let table = QualifiedName::new("public", "orders");
        let mut impact = Impact::default();
        impact
            .locks
            .insert(table.clone(), LockMode::AccessExclusive);
        if rewrite {
            impact.rewrites.insert(table);
        }
        vec![impact]
    }

    #[test]
    fn each_change_counts_once_under_its_strongest_concern() {
        let labels = vec![
            (Safety::Destructive, locking(true)),
            (Safety::Locks, locking(false)),
            (Safety::Locks, locking(false)),
            (Safety::Locks, locking(true)),
            (Safety::Safe, Vec::new()),
            (Safety::Safe, Vec::new()),
        ];
        let summary = Summary::of(&labels);
        assert_eq!(
            summary.to_string(),
            "6 changes: 1 destructive, 2 lock tables, 1 rewrites a table, 2 safe"
        );
        assert_eq!(
            summary.markdown(),
            "**6 changes**: 1 destructive, 2 lock tables, 1 rewrites a table, 2 safe"
        );
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
