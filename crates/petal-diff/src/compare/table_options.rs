//! Phases of a kept table's options: logged or unlogged, storage
//! parameters, replica identity.

use std::collections::BTreeSet;

use petal_ir::{QualifiedName, ReplicaIdentity};

use super::{Engine, Matching};
use crate::change::{Alter, Change, Delta, Object};

impl Engine<'_> {
    /// Before the index a table's replica identity names is dropped (or
    /// moved aside), the identity goes back to the default, said as a
    /// change of its own: PostgreSQL would leave the table recording
    /// nothing, and a down that undoes the changes in reverse must set the
    /// identity again once the index is back.
    pub(super) fn identity_released_by(&self, change: &Change) -> Option<Change> {
        let object = match change {
            Change::Drop(object) => object,
            Change::MoveAside(moved) => &moved.object,
            _ => return None,
        };
        let (table, index) = match object {
            Object::PrimaryKey { table, primary_key } => (table, &primary_key.name),
            Object::Unique { table, unique } => (table, &unique.name),
            Object::Index { table, index } => (table, &index.name),
            _ => return None,
        };
        let current = &self.cur.tables.get(table)?.options.replica_identity;
        current.is_index(index).then(|| {
            Change::Alter(Alter::ReplicaIdentity {
                table: table.clone(),
                identity: Delta::new(current.clone(), ReplicaIdentity::Default),
            })
        })
    }

    /// Phase 7a: `SET UNLOGGED` and `SET LOGGED`, after the foreign keys
    /// that go are dropped and before the tables that come are created and
    /// the foreign keys that come are added (they may reference a table
    /// made logged here).
    /// A logged table may reference only logged tables, so the foreign
    /// keys left in place order them: a table is made unlogged after the
    /// tables referencing it, and logged after the tables it references.
    pub(super) fn persistence(&mut self, matching: &Matching) {
        self.identities_off_indexes(matching);
        let wanted = |engine: &Self, unlogged: bool| -> BTreeSet<QualifiedName> {
            matching
                .tables
                .keys()
                .filter(|name| {
                    let now = engine.cur.tables.get(*name).map(|t| t.options.unlogged);
                    let to = engine.to.tables.get(*name).map(|t| t.options.unlogged);
                    now == Some(!unlogged) && to == Some(unlogged)
                })
                .cloned()
                .collect()
        };
        let to_unlogged = wanted(self, true);
        for table in self.referencing_first(to_unlogged) {
            self.set_unlogged(table, true);
        }
        let to_logged = wanted(self, false);
        let mut order = self.referencing_first(to_logged);
        order.reverse();
        for table in order {
            self.set_unlogged(table, false);
        }
    }

    /// A replica identity leaving the index it names goes before the
    /// columns change (phase 8): PostgreSQL refuses to make a column of
    /// that index nullable while it is the identity. To another index, it
    /// goes to the default here and to that index in phase 11c; reversed,
    /// the down leaves an index once the columns are back, and takes one
    /// after they are NOT NULL again.
    fn identities_off_indexes(&mut self, matching: &Matching) {
        let mut pending = Vec::new();
        for name in matching.tables.keys() {
            let (Some(cur), Some(to)) = (self.cur.tables.get(name), self.to.tables.get(name))
            else {
                continue;
            };
            let (now, wanted) = (&cur.options.replica_identity, &to.options.replica_identity);
            if !matches!(now, ReplicaIdentity::Index(_)) || now == wanted {
                continue;
            }
            let next = match wanted {
                ReplicaIdentity::Index(_) => ReplicaIdentity::Default,
                other => other.clone(),
            };
            pending.push(Alter::ReplicaIdentity {
                table: name.clone(),
                identity: Delta::new(now.clone(), next),
            });
        }
        for alter in pending {
            self.emit(Change::Alter(alter));
        }
    }

    fn set_unlogged(&mut self, table: QualifiedName, unlogged: bool) {
        self.emit(Change::Alter(Alter::Unlogged {
            table,
            unlogged: Delta::new(!unlogged, unlogged),
        }));
    }

    /// `tables` ordered so that a table comes before the tables of the set
    /// it references (by the working copy's foreign keys), in name order
    /// where that leaves a choice. A cycle is broken by name, and
    /// PostgreSQL then refuses the change whichever table goes first (the
    /// cycle's keys would have to go around it; petal does not do that).
    fn referencing_first(&self, mut tables: BTreeSet<QualifiedName>) -> Vec<QualifiedName> {
        let references = |from: &QualifiedName, to: &QualifiedName| {
            from != to
                && self
                    .cur
                    .tables
                    .get(from)
                    .is_some_and(|t| t.foreign_keys.iter().any(|fk| fk.ref_table == *to))
        };
        let mut order = Vec::with_capacity(tables.len());
        while let Some(first) = tables.first().cloned() {
            // A table no other table of the set references goes first.
            let next = tables
                .iter()
                .find(|t| !tables.iter().any(|other| references(other, t)))
                .cloned()
                .unwrap_or(first);
            tables.remove(&next);
            order.push(next);
        }
        order
    }

    /// Phase 11c: storage parameters and replica identity, once the indexes
    /// and keys an identity may name exist.
    pub(super) fn table_settings(&mut self, matching: &Matching) {
        let mut pending = Vec::new();
        for name in matching.tables.keys() {
            let (Some(cur), Some(to)) = (self.cur.tables.get(name), self.to.tables.get(name))
            else {
                continue;
            };
            let (now, wanted) = (&cur.options, &to.options);
            if !now.same_storage(wanted) {
                pending.push(Alter::TableStorage {
                    table: name.clone(),
                    storage: Delta::new(now.storage.clone(), wanted.storage.clone()),
                });
            }
            if now.replica_identity != wanted.replica_identity {
                pending.push(Alter::ReplicaIdentity {
                    table: name.clone(),
                    identity: Delta::new(
                        now.replica_identity.clone(),
                        wanted.replica_identity.clone(),
                    ),
                });
            }
        }
        for alter in pending {
            self.emit(Change::Alter(alter));
        }
    }
}
