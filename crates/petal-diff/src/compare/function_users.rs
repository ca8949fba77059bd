//! What in the tables calls a function that is dropped and created again
//! under its key (its result, or its parameters' names or defaults,
//! change): PostgreSQL will not drop the function while a column's
//! default, a check or an index uses it. The checks and indexes are moved
//! aside by the constraint plan (`tables.rs`); the defaults are dropped
//! here, and the columns' phase sets the wanted ones afterwards.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::ObjectKey;

use super::generated::wanted_back;
use super::objects::{ObjectPlan, cur_key};
use super::{Engine, Matching};
use crate::change::{Alter, Change, Delta, Moved, Object};

impl Engine<'_> {
    /// What in the tables (a column's default, a check, an index) calls a
    /// function that is dropped and created again under its key (its
    /// result or its parameters' names change), and that function, as
    /// the working copy names them.
    pub(super) fn over_recreated_functions(
        &self,
        objects: &ObjectPlan,
    ) -> BTreeMap<ObjectKey, ObjectKey> {
        // And the functions dropped before the tables change (they name a
        // type moved aside: `type_aside.rs`), whose users go first too.
        let functions: BTreeSet<ObjectKey> = objects
            .recreate
            .iter()
            .filter(|k| matches!(k, ObjectKey::Function { .. }))
            .filter_map(|k| cur_key(&objects.pairs, k))
            .chain(
                objects
                    .drop_to_recreate
                    .iter()
                    .filter(|k| matches!(k, ObjectKey::Function { .. }))
                    .cloned(),
            )
            .collect();
        if functions.is_empty() {
            return BTreeMap::new();
        }
        self.cur
            .dependencies
            .iter()
            .filter(|d| functions.contains(&d.referenced))
            .filter(|d| {
                matches!(
                    d.dependent,
                    ObjectKey::Column { .. }
                        | ObjectKey::Constraint { .. }
                        | ObjectKey::Index { .. }
                )
            })
            .map(|d| (d.dependent.clone(), d.referenced.clone()))
            .collect()
    }

    /// Phase 5a: the defaults that call a function dropped and created
    /// again are dropped before it; the columns' phase sets the wanted
    /// default afterwards, as for any column whose default differs. The
    /// generated columns calling it are moved aside, and put back after the
    /// columns' alterations (`put_back_generated`).
    pub(super) fn drop_defaults_over_recreated(
        &mut self,
        objects: &ObjectPlan,
        matching: &Matching,
    ) {
        let mut drops = Vec::new();
        for (dependent, function) in self.over_recreated_functions(objects) {
            let ObjectKey::Column { table, column } = dependent else {
                continue;
            };
            // A partition's own default: dropped too, and set as wanted
            // after the columns (`compare/partition_defaults.rs`).
            let own = self
                .cur
                .tables
                .get(&table)
                .and_then(|t| t.own_defaults.get(&column));
            if let Some(Some(own)) = own {
                drops.push(Change::Alter(Alter::Default {
                    default: Delta::new(Some(own.clone()), None),
                    table,
                    column,
                    because: Some(function),
                }));
                continue;
            }
            let Some(current) = self.cur.tables.get(&table).and_then(|t| t.column(&column)) else {
                continue;
            };
            if current.generated.is_some() {
                let object = Object::Column {
                    table: table.clone(),
                    column: current.clone(),
                };
                // Wanted back generated: moved aside, its values computed
                // again when it comes back. Wanted back plain: dropped (its
                // values go, as for any column losing its generation) and
                // created after. Not wanted: it just goes now, before the
                // function, not with its table.
                match wanted_back(matching, self.to, &table, &column) {
                    Some((back, true)) => {
                        self.moved_columns.insert(back, function.clone());
                        drops.push(Change::MoveAside(Moved {
                            object,
                            because: function,
                        }));
                    }
                    Some((back, false)) => {
                        self.moved_columns.insert(back, function.clone());
                        drops.push(Change::Drop(object));
                    }
                    None => drops.push(Change::Drop(object)),
                }
                continue;
            }
            let default = self
                .cur
                .tables
                .get(&table)
                .and_then(|t| t.column(&column))
                .and_then(|c| c.default.clone());
            if let Some(default) = default {
                // The columns' phase sets it again (under the models' names),
                // saying why too.
                if let Some((back, _)) = wanted_back(matching, self.to, &table, &column) {
                    self.moved_defaults.insert(back, function.clone());
                }
                drops.push(Change::Alter(Alter::Default {
                    table,
                    column,
                    default: Delta::new(Some(default), None),
                    because: Some(function),
                }));
            }
        }
        for change in drops {
            self.emit(change);
        }
    }
}
