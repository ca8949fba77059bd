//! A partition's own column defaults (`Table::own_defaults`): set on the
//! partition alone once its parent's columns have their wanted defaults,
//! since a parent's `SET DEFAULT` or `DROP DEFAULT` reaches every
//! partition below it (`apply/partition_defaults.rs` follows it).
//!
//! So that the down, the changes inverted in reverse order, gives each
//! partition its own default back after its parent's change, a change
//! that overwrites them (a parent's default changed, its column retyped
//! or dropped, ...: `apply::partition_defaults::overwritten`) comes after
//! a change of each partition's own default to the parent's, deepest
//! first: its inverse runs after, nearest first. A new partition is
//! created with its parent's defaults and given its own here, in the
//! parent's wanted types.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{ObjectKey, QualifiedName};

use super::Engine;
use crate::apply::partition_defaults::overwritten;
use crate::change::{Alter, Change, Delta};
use crate::partition_tree::PartitionTree;

impl Engine<'_> {
    /// After the columns (phase 8): each partition's default that is not
    /// as wanted, parents before their partitions; a new partition's too,
    /// which its parent's new default reached.
    pub(super) fn partition_defaults(&mut self) {
        let mut partitions: Vec<_> = self
            .to
            .tables
            .keys()
            .filter(|name| {
                let both = |db: &petal_ir::Database| {
                    db.tables
                        .get(*name)
                        .is_some_and(|t| t.partition_of.is_some())
                };
                both(self.to) && both(&self.cur)
            })
            .cloned()
            .collect();
        partitions.sort_by_key(|name| super::inheritance::depth(self.to, name));
        for name in partitions {
            self.own_defaults(&name);
        }
    }

    /// The changes giving each partition below a column `change`
    /// overwrites (`apply::partition_defaults::overwritten`), deepest
    /// first, its parent's default in place of its own.
    pub(super) fn partition_defaults_released_by(&self, change: &Change) -> Vec<Change> {
        let mut out = Vec::new();
        let mut reached = overwritten(change);
        // A new label's inverse recreates the type, which overwrites them
        // in the down: given their parent's here, they get their own back
        // there after it (and here in the partitions' phase).
        if let Change::AddEnumLabel(add) = change {
            reached.extend(
                add.columns
                    .iter()
                    .map(|c| (c.table.clone(), c.column.clone())),
            );
        }
        for (table, column) in reached {
            let owning = |t: &&petal_ir::Table| t.own_defaults.contains_key(&column);
            if !self.cur.tables.values().any(|t| owning(&t)) {
                continue;
            }
            let mut below = PartitionTree::of(&self.cur).descendants(&table);
            below.sort_by_key(|name| std::cmp::Reverse(super::inheritance::depth(&self.cur, name)));
            // Deepest first, so each one's parent is as it is now.
            let because = ObjectKey::column(&table, &column);
            for t in below
                .iter()
                .filter_map(|n| self.cur.tables.get(n))
                .filter(owning)
            {
                out.extend(self.to_parents(t, &column, Some(because.clone())));
            }
        }
        out
    }

    /// Before partition `name` comes to stand alone: each of its own
    /// defaults its parent's, as the block before the detach makes them
    /// (`render/stand_alone.rs`), so that the down, which attaches it
    /// again with its parent's, sets its own back after.
    pub(super) fn release_own_defaults(&mut self, name: &QualifiedName) {
        let Some(t) = self.cur.tables.get(name) else {
            return;
        };
        let changes: Vec<Change> = t
            .own_defaults
            .keys()
            .filter_map(|column| self.to_parents(t, column, None))
            .collect();
        for change in changes {
            self.emit(change);
        }
    }

    /// The change of partition `t`'s own default of `column` to its
    /// parent's.
    fn to_parents(
        &self,
        t: &petal_ir::Table,
        column: &str,
        because: Option<ObjectKey>,
    ) -> Option<Change> {
        let of = t.partition_of.as_ref()?;
        Some(Change::Alter(Alter::Default {
            table: t.name.clone(),
            column: column.to_string(),
            default: Delta::new(
                t.own_defaults.get(column)?.clone(),
                self.cur.column_default(&of.parent, column),
            ),
            because,
        }))
    }

    /// The defaults `wanted` of partition `name` (a table that just joined
    /// its parent, or any whose own ones differ) that it does not have.
    pub(super) fn set_own_defaults(
        &mut self,
        name: &QualifiedName,
        wanted: BTreeMap<String, Option<String>>,
    ) {
        for (column, wanted) in wanted {
            let now = self.cur.column_default(name, &column);
            if now != wanted {
                self.emit(Change::Alter(Alter::Default {
                    table: name.clone(),
                    column,
                    default: Delta::new(now, wanted),
                    because: None,
                }));
            }
        }
    }

    /// The defaults of partition `name`, of the working copy and wanted,
    /// that are its own on either side, set as wanted where they differ.
    pub(super) fn own_defaults(&mut self, name: &QualifiedName) {
        let (Some(cur), Some(to)) = (self.cur.tables.get(name), self.to.tables.get(name)) else {
            return;
        };
        let columns: BTreeSet<&String> = cur
            .own_defaults
            .keys()
            .chain(to.own_defaults.keys())
            .collect();
        let wanted = columns
            .into_iter()
            .map(|c| (c.clone(), self.to.column_default(name, c)))
            .collect();
        self.set_own_defaults(name, wanted);
    }
}
