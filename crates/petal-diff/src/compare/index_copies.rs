//! The names of partitions' copies of their parents' indexes
//! (`Table::index_copies`), between two databases: the models name none.
//!
//! PostgreSQL names a copy it makes (an index created on a parent, a
//! partition created or attached) as it pleases, so a copy is named as
//! wanted last of all, by a `DO` block that finds it through
//! `pg_inherits` (`render/partitions.rs`). A change that drops copies
//! whose names are known (an index of a parent dropped, or moved aside; a
//! partition detached to stand alone) comes after a change keeping those names, which
//! does nothing; its inverse names the copies again in the down, after
//! the change that makes them anew. A partition dropped carries its
//! copies' names itself: created again in the down, it names them.
//!
//! A copy under the name PostgreSQL picks for a new one (`orders_2024_
//! customer_id_idx`: `default_name`) needs no naming when it is made (a
//! new partition's, an index's dropped and made again in the down): only
//! the other names are written. A partition detached keeps every name: the
//! down attaches it again with its own indexes, named as they stand
//! alone, as its copies.

use std::collections::BTreeMap;

use petal_ir::{ObjectKey, QualifiedName, Table};

use super::Engine;
use crate::apply::index_copies::{
    default_name, index_definition, indexes_reading, is_default, lost, rebuilt,
};
use crate::change::{Alter, Change, Delta, Object};

impl Engine<'_> {
    /// Last of all: each partition's copies named as wanted, where the
    /// working copy does not know them so, parents before their
    /// partitions (a copy is found through the copy it copies).
    pub(super) fn index_copies(&mut self) {
        let mut partitions: Vec<QualifiedName> = self
            .to
            .tables
            .values()
            .filter(|t| t.partition_of.is_some() && !t.index_copies.is_empty())
            .map(|t| t.name.clone())
            .collect();
        partitions.sort_by_key(|name| super::inheritance::depth(self.to, name));
        for name in partitions {
            if let Some(wanted) = self.to.tables.get(&name).map(|t| t.index_copies.clone()) {
                self.name_copies_of(&name, &wanted);
            }
        }
    }

    /// Partition `name`'s copies named as `wanted` says (parent's index →
    /// copy), those the working copy does not know so.
    pub(super) fn name_copies_of(
        &mut self,
        name: &QualifiedName,
        wanted: &BTreeMap<String, String>,
    ) {
        let Some(t) = self.cur.tables.get(name) else {
            return;
        };
        let Some(of) = &t.partition_of else {
            return;
        };
        let named_otherwise = wanted
            .iter()
            .any(|(index, copy)| match t.index_copies.get(index) {
                Some(known) => known != copy,
                // Models' side: a copy of a database built from them has
                // PostgreSQL's name.
                None => !is_default(&self.cur, name, index, copy),
            });
        if !named_otherwise {
            return;
        }
        // Every copy of the partition, so that the block can swap names
        // between them (PostgreSQL may have suffixed the other one).
        let to = wanted.clone();
        // What the down names them back to; not a copy this migration
        // made, which the down drops.
        let made_now = |index: &str| {
            self.created.contains(&ObjectKey::table(name))
                || self.created.contains(&ObjectKey::index(&of.parent, index))
        };
        let from = to
            .keys()
            .filter(|k| !made_now(k))
            .filter_map(|k| t.index_copies.get(k).map(|v| (k.clone(), v.clone())))
            .collect();
        let change = Change::Alter(Alter::IndexCopies {
            table: name.clone(),
            parent: of.parent.clone(),
            names: Delta::new(from, to),
        });
        self.emit(change);
    }

    /// The changes keeping the names of the copies `change` drops, deepest
    /// first, so that their inverses name them again in the down, parents
    /// first.
    pub(super) fn index_copies_released_by(&self, change: &Change) -> Vec<Change> {
        // An index made again has copies under PostgreSQL's names (one
        // built again under a column whose type changes, here or, for a
        // new enum label, in the down); a table attached again keeps its
        // own indexes as its copies.
        let again = |indexes: Vec<(QualifiedName, String)>| {
            let lost = indexes
                .iter()
                .flat_map(|(table, index)| lost(&self.cur, table, index))
                .collect();
            (lost, true)
        };
        let (lost, made_again) = match change {
            Change::Drop(Object::Index { table, index })
            | Change::MoveAside(crate::change::Moved {
                object: Object::Index { table, index },
                ..
            }) => (lost(&self.cur, table, &index.name), true),
            Change::AddEnumLabel(add) => again(indexes_reading(
                &self.cur,
                add.columns
                    .iter()
                    .map(|c| (&c.table, c.column.as_str()))
                    .collect(),
            )),
            Change::Alter(Alter::ColumnType { .. }) | Change::RecreateEnum(_) => {
                again(rebuilt(&self.cur, change))
            }
            // To stand alone (detached to be attached again, a bound
            // changed, it keeps them: the attach takes its indexes as its
            // copies).
            Change::Alter(Alter::PartitionOf {
                table,
                partition_of: Delta { from: Some(_), .. },
                stands_alone: Some(_),
                ..
            }) => self
                .cur
                .tables
                .get(table)
                .filter(|t| !t.index_copies.is_empty())
                .map(|t| (vec![(table.clone(), t.index_copies.clone())], false))
                .unwrap_or_default(),
            _ => (Vec::new(), false),
        };
        lost.into_iter()
            .rev()
            .map(|(partition, mut names)| {
                if made_again {
                    names.retain(|index, copy| !is_default(&self.cur, &partition, index, copy));
                }
                (partition, names)
            })
            .filter(|(_, names)| !names.is_empty())
            .filter_map(|(partition, names)| {
                let parent = self
                    .cur
                    .tables
                    .get(&partition)?
                    .partition_of
                    .as_ref()?
                    .parent
                    .clone();
                Some(Change::Alter(Alter::IndexCopies {
                    table: partition,
                    parent,
                    names: Delta::new(names, BTreeMap::new()),
                }))
            })
            .collect()
    }

    /// A partition created or dropped: the names of its copies of its
    /// parent's indexes that stand now, which its `CREATE TABLE` makes
    /// (the others are named once they are made), but PostgreSQL's own.
    pub(super) fn copies_of_existing_indexes(&self, table: &mut Table) {
        let Some(of) = &table.partition_of else {
            return;
        };
        let Some(parent) = self.cur.tables.get(&of.parent) else {
            table.index_copies.clear();
            return;
        };
        let name = table.name.clone();
        table.index_copies.retain(|index, copy| {
            let def = parent
                .indexes
                .iter()
                .find(|i| &i.name == index)
                .or_else(|| {
                    let of_copy = parent.index_copies.iter().find(|(_, c)| *c == index)?.0;
                    index_definition(&self.cur, &of.parent, of_copy)
                });
            def.is_some_and(|def| *copy != default_name(&name, def))
        });
    }
}
