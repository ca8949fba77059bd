//! What in the tables calls a function that is dropped and created again
//! under its key (its result, or its parameters' names or defaults,
//! change): PostgreSQL will not drop the function while a column's
//! default, a check or an index uses it. The checks and indexes are moved
//! aside by the constraint plan (`tables.rs`); the defaults are dropped
//! here, and the columns' phase sets the wanted ones afterwards.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Database, ObjectKey, QualifiedName};

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

    /// The stored generated columns calling a function dropped and
    /// created again, with that function: no ALTER takes a generation off
    /// and puts it back (before PostgreSQL 17), so such a column is moved
    /// aside and added back, its values computed again.
    pub(super) fn generated_over_recreated(
        &self,
        objects: &ObjectPlan,
    ) -> BTreeMap<ObjectKey, ObjectKey> {
        self.over_recreated_functions(objects)
            .into_iter()
            .filter(|(dependent, _)| match dependent {
                ObjectKey::Column { table, column } => self
                    .cur
                    .tables
                    .get(table)
                    .and_then(|t| t.column(column))
                    .is_some_and(|c| c.generated.is_some()),
                _ => false,
            })
            .collect()
    }

    /// Phase 5a: the defaults that call a function dropped and created
    /// again are dropped before it; the columns' phase sets the wanted
    /// default afterwards, as for any column whose default differs. The
    /// generated columns calling it are moved aside, and put back with the
    /// new columns (`put_back_generated`).
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
            let Some(current) = self.cur.tables.get(&table).and_then(|t| t.column(&column)) else {
                continue;
            };
            if current.generated.is_some() {
                let object = Object::Column {
                    table: table.clone(),
                    column: current.clone(),
                };
                // Wanted back (the column is kept): moved aside; else it
                // just goes now, before the function, not with its table.
                match wanted_back(matching, self.to, &table, &column) {
                    Some(back) => {
                        self.moved_columns.insert(back, function.clone());
                        drops.push(Change::MoveAside(Moved {
                            object,
                            because: function,
                        }));
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

    /// Phase 8: the generated columns moved aside in phase 5a, added back
    /// as the models want them, now that the function is recreated.
    pub(super) fn put_back_generated(&mut self) {
        let moved = std::mem::take(&mut self.moved_columns);
        for (key, because) in &moved {
            let ObjectKey::Column { table, column } = key else {
                continue;
            };
            let Some(wanted) = self.to.tables.get(table).and_then(|t| t.column(column)) else {
                continue;
            };
            let mut column = wanted.clone();
            column.renamed_from = None;
            self.emit(Change::PutBack(Moved {
                object: Object::Column {
                    table: table.clone(),
                    column,
                },
                because: because.clone(),
            }));
        }
        self.moved_columns = moved;
    }
}

/// The key, as the models name it, of the column `column` of `table` (as
/// the database names them) when the models keep it.
fn wanted_back(
    matching: &Matching,
    to: &Database,
    table: &QualifiedName,
    column: &str,
) -> Option<ObjectKey> {
    let to_table = matching.table_to(table)?;
    let columns = matching.columns.get(to_table)?;
    let (to_column, _) = columns.iter().find(|(_, cur)| cur.as_str() == column)?;
    to.tables.get(to_table)?.column(to_column)?;
    Some(ObjectKey::column(to_table, to_column))
}
