//! The table of changes: a row per change with its classification, the
//! lock each statement takes and what it rewrites and reads, and which
//! rows a report short of room keeps.

use std::collections::BTreeMap;

use petal_diff::{Impact, LockMode, Safety};
use petal_ir::QualifiedName;

use super::Input;
use super::summary::{Blocking, Concern, is_safe};
use super::text::{cell_code, inline};

/// One change's row, rendered.
pub struct Row {
    pub text: String,
    /// In no count of the summary but `safe`: the first rows to leave out.
    pub safe: bool,
}

/// The rows of `input`'s changes, in the diff's order.
pub fn rows(input: &Input<'_>) -> Vec<Row> {
    input
        .changes
        .iter()
        .zip(input.labels)
        .enumerate()
        .map(|(index, (change, (safety, impacts)))| Row {
            text: format!(
                "| {} | {} | {} | {} |",
                index + 1,
                inline(&change.key().to_string()),
                inline(&change.description()),
                classification(*safety, impacts)
            ),
            safe: is_safe(*safety, impacts),
        })
        .collect()
}

/// The order rows are kept in when not all fit: the others before the
/// safe ones (a reviewer must not lose a destructive change to a list of
/// created indexes), each in the diff's order.
pub fn keeping_order(rows: &[Row]) -> Vec<usize> {
    let (mut first, safe): (Vec<usize>, Vec<usize>) = (0..rows.len()).partition(|&i| !rows[i].safe);
    first.extend(safe);
    first
}

/// The classification cell: the concern, then what each statement of the
/// change locks, rewrites and reads (`petal_diff::Impact`), in order; a
/// lock blocking others for a moment only said to be brief.
fn classification(safety: Safety, impacts: &[Impact]) -> String {
    let label = match Concern::of(safety, impacts) {
        Concern::Destructive => "**destructive**",
        Concern::Breaking => "**breaking**",
        Concern::Rewrites => "**rewrites**",
        Concern::Locks => "**locks**",
        Concern::Safe => "safe",
    };
    let brief = Blocking::of(safety, impacts) == Blocking::Briefly;
    let said: Vec<String> = impacts.iter().map(|i| impact(i, brief)).collect();
    if said.is_empty() {
        label.to_string()
    } else {
        format!("{label}: {}", said.join("; then "))
    }
}

/// `ACCESS EXCLUSIVE on `public.orders` (blocks reads and writes), rewrites
/// `public.orders``: the locks by mode, strongest first; `brief ` before a
/// blocking one when `brief`.
fn impact(impact: &Impact, brief: bool) -> String {
    let mut by_mode: BTreeMap<std::cmp::Reverse<LockMode>, Vec<&QualifiedName>> = BTreeMap::new();
    for (relation, mode) in &impact.locks {
        by_mode
            .entry(std::cmp::Reverse(*mode))
            .or_default()
            .push(relation);
    }
    let mut parts: Vec<String> = by_mode
        .into_iter()
        .map(|(std::cmp::Reverse(mode), relations)| {
            let waits = if mode.blocks_reads() {
                "blocks reads and writes"
            } else if mode.blocks_writes() {
                "blocks writes"
            } else {
                "reads and writes go on"
            };
            let brief = if brief && mode.blocks_writes() {
                "brief "
            } else {
                ""
            };
            let on: Vec<String> = relations
                .iter()
                .map(|r| cell_code(&r.to_string()))
                .collect();
            format!("{brief}{mode} on {} ({waits})", on.join(", "))
        })
        .collect();
    for table in &impact.rewrites {
        parts.push(format!("rewrites {}", cell_code(&table.to_string())));
    }
    for table in impact.scans.difference(&impact.rewrites) {
        parts.push(format!(
            "reads every row of {}",
            cell_code(&table.to_string())
        ));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locked(mode: LockMode, tables: &[&str]) -> Impact {
        let mut impact = Impact::default();
        for table in tables {
            impact
                .locks
                .insert(QualifiedName::new("public", *table), mode);
        }
        impact
    }

    #[test]
    fn a_safe_change_holding_a_blocking_lock_says_it_is_brief() {
        let fk = [locked(LockMode::AccessExclusive, &["a|b", "orders"])];
        assert_eq!(
            classification(Safety::Safe, &fk),
            "safe: brief ACCESS EXCLUSIVE on `public.a\\|b`, `public.orders` \
             (blocks reads and writes)"
        );
        // Classified `locks`: held while it works, so not brief.
        let index = [locked(LockMode::Share, &["orders"])];
        assert_eq!(
            classification(Safety::Locks, &index),
            "**locks**: SHARE on `public.orders` (blocks writes)"
        );
    }

    #[test]
    fn the_safe_rows_are_the_first_left_out() {
        let row = |safe| Row {
            text: String::new(),
            safe,
        };
        let rows = [row(true), row(false), row(true), row(false)];
        assert_eq!(keeping_order(&rows), [1, 3, 0, 2]);
    }
}
