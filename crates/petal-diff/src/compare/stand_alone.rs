//! Partitions that come to stand alone, detached first, and tables that
//! join a parent, attached last, rows kept (`crate::stand_alone`).
//!
//! A partition wanted as a table of its own is detached before anything
//! else: from then on the working copy holds it as a plain table with
//! its parent's columns and its copies of the parent's objects, and the
//! run diffs it like any kept table. A table wanted as a partition is
//! diffed toward what it would hold standing alone as that partition
//! (`joining`), and attached last.

use petal_ir::{Database, PartitionOf, QualifiedName, Table};

use super::Engine;
use crate::stand_alone::{
    Like, copy_names, eligible, joined, parent_sequences, plain_or_partition, self_references,
    standing_alone,
};
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
    pub parent_sequences: Vec<crate::ParentSequence>,
    /// Its own column defaults as a partition, set once it is attached
    /// (the engine's `to` holds it standing alone, with its parent's).
    pub own_defaults: std::collections::BTreeMap<String, Option<String>>,
    /// The names of its copies of its parent's indexes as a partition
    /// (`Table::index_copies`), given once it is attached.
    pub index_copies: std::collections::BTreeMap<String, String>,
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
    let mut alone_tables = Vec::new();
    for t in to.tables.values() {
        let Some(of) = &t.partition_of else {
            continue;
        };
        let (Some(before), Some(parent)) = (cur.tables.get(&t.name), to.tables.get(&of.parent))
        else {
            continue;
        };
        if before.partition_of.is_some()
            || !plain_or_partition(cur, before)
            || !eligible(to, &t.name)
            || !kept_as_itself(to, &t.name)
            // PostgreSQL refuses to attach a table the parent's keys reference.
            || parent.foreign_keys.iter().any(|fk| fk.ref_table == t.name)
            || would_be_taken(t, parent)
        {
            continue;
        }
        let copies = copy_names(parent, &t.name, Like::Joining(before), cur, to);
        let Some(alone) = standing_alone(to, &t.name, &copies) else {
            continue;
        };
        // What the table holds of its own must stay its own once attached;
        // its own defaults and its copies' names are set after the attach
        // (`attach_joining`).
        let own_defaults_aside = |t: &Table| Table {
            own_defaults: Default::default(),
            index_copies: Default::default(),
            ..t.clone()
        };
        if joined(&alone, parent, of).map(|j| own_defaults_aside(&j)) != Some(own_defaults_aside(t))
        {
            continue;
        }
        alone_tables.push(alone);
        out.push(Joining {
            table: t.name.clone(),
            of: of.clone(),
            parent_key: parent.partition_by.clone(),
            copies,
            parent_sequences: parent_sequences(parent),
            own_defaults: t.own_defaults.clone(),
            index_copies: t.index_copies.clone(),
        });
    }
    if out.is_empty() {
        return (out, None);
    }
    let mut target = to.clone();
    for alone in alone_tables {
        target.tables.insert(alone.name.clone(), alone);
    }
    (out, Some(target))
}

/// Whether PostgreSQL could take a key or an index the partition `t`
/// holds of its own for one of `parent`'s when attaching it: it matches
/// them more loosely than by definition (a unique constraint can stand
/// for a primary key over the same columns), taking the first it finds.
fn would_be_taken(t: &Table, parent: &Table) -> bool {
    let parent_keys: Vec<&Vec<String>> = parent
        .primary_key
        .iter()
        .map(|k| &k.columns)
        .chain(parent.uniques.iter().map(|u| &u.columns))
        .collect();
    let own_keys = t
        .primary_key
        .iter()
        .map(|k| &k.columns)
        .chain(t.uniques.iter().map(|u| &u.columns));
    let keys_clash = own_keys.into_iter().any(|k| parent_keys.contains(&k));
    let indexes_clash = t.indexes.iter().any(|i| {
        parent
            .indexes
            .iter()
            .any(|p| p.keys == i.keys && p.method == i.method)
    });
    keys_clash || indexes_clash
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
            let copies = copy_names(parent, &name, Like::Wanted(wanted), &self.cur, self.to);
            let alone = StandAlone {
                parent_key: parent.partition_by.clone(),
                self_references: self_references(parent, &copies),
                copies,
                parent_sequences: parent_sequences(parent),
                checks: t
                    .checks
                    .iter()
                    .chain(&parent.checks)
                    .map(|c| c.name.clone())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            };
            self.release_own_defaults(&name);
            self.emit_partition_of(&name, Some(of), None, Some(alone));
        }
    }

    /// Last of all: the tables that join a parent attached, now that each
    /// holds what its parent's partitions hold (the later phases compare
    /// them as they stand before).
    pub(super) fn attach_joining(&mut self) {
        for joining in std::mem::take(&mut self.joining) {
            // Attached, it holds its checks and its parent's: what the
            // down's detach leaves it (`StandAlone::checks`).
            let checks = [&joining.table, &joining.of.parent]
                .into_iter()
                .filter_map(|t| self.cur.tables.get(t))
                .flat_map(|t| t.checks.iter().map(|c| c.name.clone()))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            // The down detaches it from the parent as it is then.
            let self_references = self
                .cur
                .tables
                .get(&joining.of.parent)
                .map(|parent| self_references(parent, &joining.copies))
                .unwrap_or_default();
            let alone = StandAlone {
                parent_key: joining.parent_key,
                copies: joining.copies,
                parent_sequences: joining.parent_sequences,
                checks,
                self_references,
            };
            self.emit_partition_of(&joining.table, None, Some(joining.of), Some(alone));
            // Attached with its parent's defaults, it takes its own now,
            // and its copies their names.
            self.set_own_defaults(&joining.table, joining.own_defaults);
            self.name_copies_of(&joining.table, &joining.index_copies);
        }
    }
}
