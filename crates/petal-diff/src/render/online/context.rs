//! What an online recipe needs to know of the whole migration.

use std::collections::BTreeSet;

use petal_ir::{ObjectKey, QualifiedName};

use super::{Scope, not_null_recipe};
use crate::change::{Alter, Change, Delta, Object, Rename};
use crate::impact::created_relations;
use crate::partition_tree::PartitionTree;

/// What an online recipe needs to know of the whole migration: the
/// relations it creates and the tables it drops. Built once for a summary,
/// which renders each change on its own within it.
pub(crate) struct Context<'c> {
    pub(super) changes: &'c [Change],
    created: BTreeSet<QualifiedName>,
    dropped: BTreeSet<&'c QualifiedName>,
    /// The tables renamed, under their names before.
    renamed_away: BTreeSet<&'c QualifiedName>,
    /// The columns renamed, under their names before.
    columns_renamed_away: BTreeSet<(&'c QualifiedName, &'c str)>,
    /// The partition tree before the migration: a kept table is
    /// partitioned throughout or not at all.
    pub(super) tree: &'c PartitionTree,
    /// The tree after it, where a kept table renamed has its new name.
    pub(super) tree_after: PartitionTree,
    /// The tables that join a parent, attached last: their copies of the
    /// parent's indexes are named after that.
    attached_last: BTreeSet<&'c QualifiedName>,
}

impl<'c> Context<'c> {
    pub(crate) fn new(changes: &'c [Change], tree: &'c PartitionTree) -> Self {
        let dropped = changes
            .iter()
            .filter_map(|c| match c {
                Change::Drop(Object::Table { table, .. }) => Some(&table.name),
                // A table renamed away while another is created under its
                // name (recreated with its rows) is no kept one.
                Change::Rename(Rename::Table { name })
                    if changes.iter().any(|c| {
                        matches!(c, Change::Create(Object::Table { table, .. })
                            if table.name == name.from)
                    }) =>
                {
                    Some(&name.from)
                }
                _ => None,
            })
            .collect();
        let renamed_away = changes
            .iter()
            .filter_map(|c| match c {
                Change::Rename(Rename::Table { name }) => Some(&name.from),
                _ => None,
            })
            .collect();
        let columns_renamed_away = changes
            .iter()
            .filter_map(|c| match c {
                Change::Rename(Rename::Column { table, name }) => Some((table, name.from.as_str())),
                _ => None,
            })
            .collect();
        let attached_last = changes
            .iter()
            .filter_map(|c| match c {
                Change::Alter(Alter::PartitionOf {
                    table,
                    partition_of:
                        Delta {
                            from: None,
                            to: Some(_),
                        },
                    stands_alone: Some(_),
                    ..
                }) => Some(table),
                _ => None,
            })
            .collect();
        Context {
            changes,
            created: created_relations(changes),
            dropped,
            renamed_away,
            columns_renamed_away,
            tree,
            tree_after: tree.clone().after(changes),
            attached_last,
        }
    }

    /// A table joining a parent, which the online plan attaches last.
    pub(super) fn attached_last(&self, table: &QualifiedName) -> bool {
        self.attached_last.contains(table)
    }

    /// Whether `change` sets NOT NULL on a column an inheritance parent's
    /// own online recipe sets too: PostgreSQL passes the parent's on to
    /// every child (its label names them), so the child's has no statement
    /// of its own, whose proof would clash with the one it inherits.
    pub(super) fn set_by_a_parents_recipe(&self, change: &Change, scope: Scope) -> bool {
        let Change::Alter(Alter::Nullable { table, column, .. }) = change else {
            return false;
        };
        self.changes.iter().any(|c| {
            matches!(c, Change::Alter(Alter::Nullable { table: parent, column: col, .. })
                if col == column && self.tree.inherits_from(table, parent))
                && not_null_recipe(self.changes, c, scope).is_some()
        })
    }

    /// Whether `change` is on a table, or a column, under the name a
    /// rename takes from it (in a down, the plain order renames it back
    /// after the change): the steps after the transactional one would not
    /// find it so, and the change keeps its plain form.
    pub(super) fn on_a_name_renamed_away(&self, change: &Change) -> bool {
        let key = change.key();
        let table = match &key {
            ObjectKey::Table { name } => name,
            ObjectKey::Column { table, column } => {
                if self
                    .columns_renamed_away
                    .contains(&(table, column.as_str()))
                {
                    return true;
                }
                table
            }
            ObjectKey::Constraint { table, .. } | ObjectKey::Index { table, .. } => table,
            _ => return false,
        };
        self.renamed_away.contains(table)
    }

    /// A table there before and after the migration.
    pub(super) fn kept(&self, table: &QualifiedName) -> bool {
        !self.created.contains(table) && !self.dropped.contains(table)
    }

    /// A kept table an index can be built on, or dropped from,
    /// `CONCURRENTLY`, and a foreign key added to `NOT VALID`: PostgreSQL
    /// refuses all three on a partitioned table (and `USING INDEX`), so
    /// there they are written as in the plain mode.
    pub(super) fn kept_unpartitioned(&self, table: &QualifiedName) -> bool {
        self.kept(table)
            && !self.tree.is_partitioned(table)
            && !self.tree_after.is_partitioned(table)
    }
}
