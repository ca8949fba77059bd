//! What in the tables calls a function that is dropped and created again
//! under its key (its result, or its parameters' names or defaults,
//! change): PostgreSQL will not drop the function while a column's
//! default, a check or an index uses it. The checks and indexes are moved
//! aside by the constraint plan (`tables.rs`); the defaults are dropped
//! here, and the columns' phase sets the wanted ones afterwards.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::ObjectKey;

use super::Engine;
use super::objects::{ObjectPlan, cur_key};
use crate::change::{Alter, Change, Delta};

impl Engine<'_> {
    /// What in the tables (a column's default, a check, an index) calls a
    /// function that is dropped and created again under its key (its
    /// result or its parameters' names change), and that function, as
    /// the working copy names them.
    pub(super) fn over_recreated_functions(
        &self,
        objects: &ObjectPlan,
    ) -> BTreeMap<ObjectKey, ObjectKey> {
        let functions: BTreeSet<ObjectKey> = objects
            .recreate
            .iter()
            .filter(|k| matches!(k, ObjectKey::Function { .. }))
            .filter_map(|k| cur_key(&objects.pairs, k))
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
    /// default afterwards, as for any column whose default differs.
    pub(super) fn drop_defaults_over_recreated(&mut self, objects: &ObjectPlan) {
        let mut drops = Vec::new();
        for (dependent, function) in self.over_recreated_functions(objects) {
            let ObjectKey::Column { table, column } = dependent else {
                continue;
            };
            let default = self
                .cur
                .tables
                .get(&table)
                .and_then(|t| t.column(&column))
                .and_then(|c| c.default.clone());
            if let Some(default) = default {
                // The columns' phase sets it again, saying why too.
                self.moved_defaults
                    .insert(ObjectKey::column(&table, &column), function.clone());
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
