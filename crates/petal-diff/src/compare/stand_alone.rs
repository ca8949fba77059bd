//! Partitions that come to stand alone, detached first, and tables that
//! join a parent, attached last, rows kept (`crate::stand_alone`).
//!
//! A partition wanted as a table of its own is detached before anything
//! else: from then on the working copy holds it as a plain table with
//! its parent's columns and its copies of the parent's objects, and the
//! run diffs it like any kept table. A table wanted as a partition is
//! diffed toward what it would hold standing alone as that partition
//! (`joining`), and attached last.

use petal_ir::{Database, PartitionOf, QualifiedName};

use super::Engine;
use crate::stand_alone::{Like, copy_names, eligible, joined, plain_or_partition, standing_alone};
use crate::{ParentCopy, StandAlone};

/// A table that joins a parent: its wanted place, and the names its
/// copies of the parent's objects take (the table's own, where they
/// match).
#[derive(Debug)]
pub(crate) struct Joining {
    pub table: QualifiedName,
    pub of: PartitionOf,
    pub parent_key: Option<String>,
    pub copies: Vec<ParentCopy>,
}

/// Whether `table`, on both sides under its name and renamed from
/// nothing, is kept as itself: no table takes its name by a rename. (One
/// that `--allow-recreate` names is moved so too: no copy is needed.)
fn kept_as_itself(to: &Database, table: &QualifiedName) -> bool {
    to.tables
        .get(table)
        .is_some_and(|t| t.renamed_from.is_none())
        && !to
            .tables
            .values()
            .any(|t| t.renamed_from.as_ref() == Some(table))
}

/// The partitions of `cur` that `to` wants as tables of their own and
/// that can be detached so.
pub(crate) fn leaving(cur: &Database, to: &Database) -> Vec<QualifiedName> {
    cur.tables
        .values()
        .filter(|t| {
            eligible(cur, &t.name)
                && kept_as_itself(to, &t.name)
                && to
                    .tables
                    .get(&t.name)
                    .is_some_and(|w| w.partition_of.is_none() && plain_or_partition(to, w))
        })
        .map(|t| t.name.clone())
        .collect()
}

/// The plain tables of `cur` that `to` wants as partitions and that can
/// be attached so, with `to` in which each stands alone as it will before
/// it is attached.
pub(crate) fn joining(cur: &Database, to: &Database) -> (Vec<Joining>, Option<Database>) {
    let mut out = Vec::new();
    let mut target = to.clone();
    for t in to.tables.values() {
        let Some(of) = &t.partition_of else {
            continue;
        };
        let Some(before) = cur.tables.get(&t.name) else {
            continue;
        };
        let Some(parent) = to.tables.get(&of.parent) else {
            continue;
        };
        if before.partition_of.is_some()
            || !plain_or_partition(cur, before)
            || !eligible(to, &t.name)
            || !kept_as_itself(to, &t.name)
        {
            continue;
        }
        let copies = copy_names(parent, &t.name, Like::Joining(before), cur, to);
        let Some(alone) = standing_alone(to, &t.name, &copies) else {
            continue;
        };
        // What the table holds of its own must stay its own once attached:
        // one of its objects alike to one of the parent's would be taken.
        let mut check = target.clone();
        check.tables.insert(t.name.clone(), alone.clone());
        if joined(&check, &t.name, of).as_ref() != Some(t) {
            continue;
        }
        target.tables.insert(t.name.clone(), alone);
        out.push(Joining {
            table: t.name.clone(),
            of: of.clone(),
            parent_key: parent.partition_by.clone(),
            copies,
        });
    }
    let target = (!out.is_empty()).then_some(target);
    (out, target)
}

impl Engine<'_> {
    /// First of all: the partitions wanted as tables of their own
    /// detached, their copies of their parent's objects named as the
    /// wanted table names alike ones.
    pub(super) fn detach_leaving(&mut self) {
        for name in leaving(&self.cur, self.to) {
            let (Some(t), Some(wanted)) = (self.cur.tables.get(&name), self.to.tables.get(&name))
            else {
                continue;
            };
            let Some(of) = t.partition_of.clone() else {
                continue;
            };
            let Some(parent) = self.cur.tables.get(&of.parent) else {
                continue;
            };
            let alone = StandAlone {
                parent_key: parent.partition_by.clone(),
                copies: copy_names(parent, &name, Like::Wanted(wanted), &self.cur, self.to),
            };
            self.emit_partition_of(&name, Some(of), None, Some(alone));
        }
    }

    /// Last of all: the tables that join a parent attached, now that each
    /// holds what its parent's partitions hold (the later phases compare
    /// them as they stand before).
    pub(super) fn attach_joining(&mut self) {
        for joining in std::mem::take(&mut self.joining) {
            let alone = StandAlone {
                parent_key: joining.parent_key,
                copies: joining.copies,
            };
            self.emit_partition_of(&joining.table, None, Some(joining.of), Some(alone));
        }
    }
}
