//! Stored generated columns out of another change's way: no `ALTER` takes
//! a generation off and puts it back before PostgreSQL 17, so a generated
//! column calling a function that is recreated is dropped before it and
//! added back after (its values computed again), and a column given a new
//! expression is dropped and added again. What uses such a column (keys,
//! checks, indexes: PostgreSQL would drop them with it) is moved aside and
//! put back by the constraint plan; views and triggers over it by the
//! object plan, as over a retyped column.

use std::collections::BTreeMap;

use petal_ir::{Database, Index, ObjectKey, QualifiedName};

use super::objects::ObjectPlan;
use super::{Engine, Matching};
use crate::change::{Change, Moved, Object};
use crate::column_refs::mentions_column;

impl Engine<'_> {
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

    /// The columns, as the models name them (table, column), that leave and
    /// come back in this diff, with why: generated columns calling a
    /// recreated function, and columns given a new generation.
    pub(super) fn columns_out_of_the_way(
        &self,
        objects: &ObjectPlan,
        matching: &Matching,
    ) -> BTreeMap<(QualifiedName, String), ObjectKey> {
        let mut out = moved_generated_columns(&self.generated_over_recreated(objects), matching);
        out.extend(self.regenerated_columns(matching));
        out
    }

    /// After the columns' alterations (phase 9): the generated columns
    /// moved aside in phase 5a, added back as the models want them, now
    /// that the function is recreated and the columns they read have their
    /// wanted types.
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
            let object = Object::Column {
                table: table.clone(),
                column,
            };
            // Still generated: put back; made plain: a new column.
            if wanted.generated.is_some() {
                self.emit(Change::PutBack(Moved {
                    object,
                    because: because.clone(),
                }));
            } else {
                self.emit(Change::Create(object));
            }
        }
        self.moved_columns = moved;
    }

    /// The kept columns whose generated expression changes, as the models
    /// name them: dropped and added again (no ALTER before PostgreSQL 17),
    /// so what uses them goes out of their way, because of themselves.
    fn regenerated_columns(
        &self,
        matching: &Matching,
    ) -> BTreeMap<(QualifiedName, String), ObjectKey> {
        let mut out = BTreeMap::new();
        for (to_name, columns) in &matching.columns {
            let (Some(to_table), Some(cur_name)) =
                (self.to.tables.get(to_name), matching.tables.get(to_name))
            else {
                continue;
            };
            let Some(cur_table) = self.cur.tables.get(cur_name) else {
                continue;
            };
            for (to_column, cur_column) in columns {
                let (Some(to), Some(cur)) =
                    (to_table.column(to_column), cur_table.column(cur_column))
                else {
                    continue;
                };
                if to.generated != cur.generated {
                    out.insert(
                        (to_name.clone(), to_column.clone()),
                        ObjectKey::column(cur_name, cur_column),
                    );
                }
            }
        }
        out
    }
}

/// The generated columns moved aside, as the models name them (table,
/// column), with the function they call.
fn moved_generated_columns(
    moved: &BTreeMap<ObjectKey, ObjectKey>,
    matching: &Matching,
) -> BTreeMap<(QualifiedName, String), ObjectKey> {
    moved
        .iter()
        .filter_map(|(key, function)| {
            let ObjectKey::Column { table, column } = key else {
                return None;
            };
            let to_table = matching.table_to(table)?;
            let columns = matching.columns.get(to_table)?;
            let (to_column, _) = columns.iter().find(|(_, cur)| *cur == column)?;
            Some(((to_table.clone(), to_column.clone()), function.clone()))
        })
        .collect()
}

/// Whether an index uses a column: as a key, in an expression key, in its
/// predicate or among its included columns.
pub(super) fn index_uses(index: &Index, column: &str) -> bool {
    index.include.iter().any(|c| c == column)
        || index
            .predicate
            .as_deref()
            .is_some_and(|p| mentions_column(p, column))
        || index.keys.iter().any(|k| match &k.expr {
            petal_ir::IndexKeyExpr::Column(c) => c == column,
            petal_ir::IndexKeyExpr::Expression(e) => mentions_column(e, column),
        })
}

/// The key, as the models name it, of the column `column` of `table` (as
/// the database names them) when the models keep it, and whether they
/// want it generated.
pub(super) fn wanted_back(
    matching: &Matching,
    to: &Database,
    table: &QualifiedName,
    column: &str,
) -> Option<(ObjectKey, bool)> {
    let to_table = matching.table_to(table)?;
    let columns = matching.columns.get(to_table)?;
    let (to_column, _) = columns.iter().find(|(_, cur)| cur.as_str() == column)?;
    let wanted = to.tables.get(to_table)?.column(to_column)?;
    Some((
        ObjectKey::column(to_table, to_column),
        wanted.generated.is_some(),
    ))
}
