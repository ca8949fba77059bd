//! Tables: matching (with rename hints), constraints and indexes that go,
//! change or come, renames, new tables and columns (their drops are
//! `table_drops.rs`').

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{
    Check, Database, Exclusion, ForeignKey, Index, ObjectKey, PrimaryKey, QualifiedName, Table,
    Unique,
};

use super::enums::{index_named_type, named_type};
use super::generated::index_uses;
use super::objects::ObjectPlan;
use super::table_plan::{KeptTable, Planned, plan_kind, sorted};
use super::type_aside::columns_aside;
use super::{Engine, Matching, Warning};
use super::{inheritance, partitions};
use crate::apply::apply;
use crate::change::{Alter, Change, Delta, Moved, Object, Rename};
use crate::column_refs::mentions_column;

/// The constraint and index changes of kept tables, decided up front on a
/// projection of the working copy with every planned rename applied (so a
/// constraint that only follows a renamed column compares equal).
#[derive(Debug, Default)]
pub(crate) struct ConstraintPlan {
    drop_fks: Vec<Change>,
    drops: Vec<Change>,
    renames: Vec<Change>,
    adds: Vec<Change>,
    add_fks: Vec<Change>,
}

/// A table as `Object::Table` carries it: no foreign keys, no hints.
pub(crate) fn table_without_foreign_keys(table: &Table) -> Table {
    let mut t = table.clone();
    t.foreign_keys.clear();
    t.renamed_from = None;
    for c in &mut t.columns {
        c.renamed_from = None;
    }
    t
}

impl Engine<'_> {
    pub(super) fn match_tables(&mut self, matching: &mut Matching) {
        for (name, table) in &self.to.tables {
            let cur_name = if self.cur.tables.contains_key(name) {
                // The name the hint renames to is taken in the database:
                // the table there is this one, and the hint's goes.
                if let Some(old) = &table.renamed_from
                    && old != name
                    && self.cur.tables.contains_key(old)
                {
                    self.warnings.push(Warning::IgnoredRenameHint {
                        object: format!("table {name}"),
                        renamed_from: old.to_string(),
                    });
                }
                name.clone()
            } else {
                let Some(old) = &table.renamed_from else {
                    continue;
                };
                let claimed = matching.tables.values().any(|c| c == old);
                if !self.cur.tables.contains_key(old) || self.to.tables.contains_key(old) || claimed
                {
                    if self.to.tables.contains_key(old) {
                        self.warnings.push(Warning::IgnoredRenameHint {
                            object: format!("table {name}"),
                            renamed_from: old.to_string(),
                        });
                    }
                    continue;
                }
                old.clone()
            };
            let Some(cur_table) = self.cur.tables.get(&cur_name) else {
                continue;
            };
            let mut columns = BTreeMap::new();
            for column in &table.columns {
                if cur_table.column(&column.name).is_some() {
                    columns.insert(column.name.clone(), column.name.clone());
                    continue;
                }
                let Some(old) = &column.renamed_from else {
                    continue;
                };
                let claimed = columns.values().any(|c| c == old);
                if cur_table.column(old).is_some() && table.column(old).is_none() && !claimed {
                    columns.insert(column.name.clone(), old.clone());
                } else if table.column(old).is_some() {
                    self.warnings.push(Warning::IgnoredRenameHint {
                        object: format!("column {name}.{}", column.name),
                        renamed_from: old.clone(),
                    });
                }
            }
            if !partitions::keeps_shape(cur_table, table, &columns) {
                continue;
            }
            matching.columns.insert(name.clone(), columns);
            matching.tables.insert(name.clone(), cur_name);
        }
        partitions::unmatch_orphans(&self.cur, self.to, matching);
        inheritance::unmatch_reparented(&self.cur, self.to, matching);
        partitions::unmatch_orphans(&self.cur, self.to, matching);
        inheritance::follow_parent_renames(&self.cur, self.to, matching);
    }

    /// The renames phase 6 will run, as changes (tables first, then
    /// columns under the new table names).
    fn rename_changes(matching: &Matching) -> Vec<Change> {
        let mut out = Vec::new();
        for (to_name, cur_name) in &matching.tables {
            if to_name != cur_name {
                out.push(Change::Rename(Rename::Table {
                    name: Delta::new(cur_name.clone(), to_name.clone()),
                }));
            }
        }
        for (to_name, columns) in &matching.columns {
            for (to_column, cur_column) in columns {
                if to_column != cur_column {
                    out.push(Change::Rename(Rename::Column {
                        table: to_name.clone(),
                        name: Delta::new(cur_column.clone(), to_column.clone()),
                    }));
                }
            }
        }
        out
    }

    pub(super) fn plan_constraints(
        &self,
        matching: &Matching,
        objects: &ObjectPlan,
    ) -> ConstraintPlan {
        let mut over_recreated = self.over_recreated_functions(objects);
        over_recreated.extend(self.over_types_aside(objects));
        let moved_columns = self.columns_out_of_the_way(objects, matching);
        let renames = Self::rename_changes(matching);
        let projected: Cow<'_, Database> = if renames.is_empty() {
            Cow::Borrowed(&self.cur)
        } else {
            let mut projected = self.cur.clone();
            for change in &renames {
                let _ = apply(&mut projected, change);
            }
            Cow::Owned(projected)
        };
        let aside = columns_aside(&projected, objects);
        // Named as they are now, and as the texts of a renamed type may
        // still name it.
        let mut recreated = self.recreated_enums(matching);
        recreated.extend(
            recreated
                .clone()
                .iter()
                .filter_map(|name| self.to.enums.get(name)?.renamed_from.clone()),
        );
        let mut plan = ConstraintPlan::default();
        // Unique keys that are dropped (table, sorted columns): foreign keys
        // pointing at them depend on them and must be dropped first, then
        // re-added.
        let mut rekeyed: BTreeSet<(QualifiedName, Vec<String>)> = BTreeSet::new();
        let mut kept = Vec::new();
        for (to_name, to_table) in &self.to.tables {
            let Some(cur_name) = matching.tables.get(to_name) else {
                continue;
            };
            let (Some(old), Some(cur)) =
                (projected.tables.get(to_name), self.cur.tables.get(cur_name))
            else {
                continue;
            };
            let table = KeptTable {
                name: to_name,
                old,
                cur,
                to: to_table,
            };
            let mut planned = Planned {
                drops: &mut plan.drops,
                adds: &mut plan.adds,
                renames: &mut plan.renames,
                rekeyed: &mut rekeyed,
            };
            // What uses a generated column moved aside goes out of its
            // way too (PostgreSQL would drop it with the column).
            let moved = |uses: &dyn Fn(&str) -> bool| {
                moved_columns
                    .iter()
                    .find(|((t, c), _)| t == to_name && uses(c))
                    .map(|(_, because)| because.clone())
            };
            plan_kind::<PrimaryKey>(&table, &mut planned, |p| {
                moved(&|c| p.columns.iter().any(|k| k == c))
            });
            plan_kind::<Unique>(&table, &mut planned, |u| {
                moved(&|c| u.columns.iter().any(|k| k == c))
            });
            // Expressions naming a recreated enum type go out of its way.
            // So do those calling a function that is dropped and created
            // again (PostgreSQL will not drop it while they use it), and
            // those over a column moved aside: a check's, an exclusion's
            // elements and predicate.
            let cur_name = &table.cur.name;
            let by_text = |text: &str, name: &str| {
                named_type(text, &recreated)
                    .map(|name| ObjectKey::Enum { name })
                    .or_else(|| {
                        over_recreated
                            .get(&ObjectKey::constraint(cur_name, name))
                            .cloned()
                    })
                    .or_else(|| moved(&|col| mentions_column(text, col)))
            };
            plan_kind::<Check>(&table, &mut planned, |c| by_text(&c.expr, &c.name));
            plan_kind::<Exclusion>(&table, &mut planned, |x| by_text(&x.definition, &x.name));
            plan_kind::<Index>(&table, &mut planned, |i| {
                index_named_type(i, &recreated)
                    .map(|name| ObjectKey::Enum { name })
                    .or_else(|| {
                        over_recreated
                            .get(&ObjectKey::index(cur_name, &i.name))
                            .cloned()
                    })
                    .or_else(|| moved(&|col| index_uses(i, col)))
            });
            kept.push(table);
        }
        for table in &kept {
            let forced = |f: &ForeignKey| {
                if rekeyed.contains(&(f.ref_table.clone(), sorted(&f.ref_columns)))
                    || self.recreated_under_its_name(matching, &f.ref_table)
                {
                    return Some(ObjectKey::table(&f.ref_table));
                }
                let retyped = |t: &QualifiedName, columns: &[String]| {
                    self.retyped(&projected, t, columns)
                        .or_else(|| {
                            let aside = |c: &&String| aside.contains(&ObjectKey::column(t, c));
                            columns.iter().find(aside).cloned()
                        })
                        .map(|c| ObjectKey::column(t, &c))
                };
                // PostgreSQL drops a key over a column it drops.
                let over_moved = || {
                    moved_columns
                        .iter()
                        .find(|((t, c), _)| t == table.name && f.columns.contains(c))
                        .map(|(_, because)| because.clone())
                };
                retyped(table.name, &f.columns)
                    .or_else(|| retyped(&f.ref_table, &f.ref_columns))
                    .or_else(over_moved)
            };
            let mut unused = BTreeSet::new();
            let mut planned = Planned {
                drops: &mut plan.drop_fks,
                adds: &mut plan.add_fks,
                renames: &mut plan.renames,
                rekeyed: &mut unused,
            };
            plan_kind::<ForeignKey>(table, &mut planned, forced);
        }
        self.plan_foreign_keys_of_new_and_dropped_tables(matching, &mut plan);
        plan.drops
            .extend(self.dropped_tables_users(matching, &over_recreated));
        plan
    }

    /// Whether `table` is dropped and created again under its name (made
    /// partitioned, say), or recreated with its rows: a foreign key into
    /// it goes with the old one and comes back to the new.
    fn recreated_under_its_name(&self, matching: &Matching, table: &QualifiedName) -> bool {
        !matching.tables.contains_key(table)
            && self.cur.tables.contains_key(table)
            && self.to.tables.contains_key(table)
    }

    /// The checks, exclusions and indexes of tables that go which call a function
    /// dropped and created again: they go first, since the function's
    /// drop comes before the tables' (its defaults are
    /// `drop_defaults_over_recreated`'s).
    fn dropped_tables_users(
        &self,
        matching: &Matching,
        over_recreated: &BTreeMap<ObjectKey, ObjectKey>,
    ) -> Vec<Change> {
        let kept: BTreeSet<&QualifiedName> = matching.tables.values().collect();
        let mut drops = Vec::new();
        for table in self.cur.tables.values().filter(|t| !kept.contains(&t.name)) {
            let name = &table.name;
            for check in &table.checks {
                if over_recreated.contains_key(&ObjectKey::constraint(name, &check.name)) {
                    drops.push(Change::Drop(Object::Check {
                        table: name.clone(),
                        check: check.clone(),
                    }));
                }
            }
            for exclusion in &table.exclusions {
                if over_recreated.contains_key(&ObjectKey::constraint(name, &exclusion.name)) {
                    drops.push(Change::Drop(Object::Exclusion {
                        table: name.clone(),
                        exclusion: exclusion.clone(),
                    }));
                }
            }
            for index in &table.indexes {
                if over_recreated.contains_key(&ObjectKey::index(name, &index.name)) {
                    drops.push(Change::Drop(Object::Index {
                        table: name.clone(),
                        index: index.clone(),
                    }));
                }
            }
        }
        drops
    }

    /// Whether a column on one side of a foreign key changes type in a way
    /// the server cannot compare across while the key exists. Integer to
    /// bigint it can; between enum types it cannot ("cannot be
    /// implemented"), so such a key is dropped first and added back.
    fn retyped(
        &self,
        projected: &Database,
        table: &QualifiedName,
        columns: &[String],
    ) -> Option<String> {
        let (before, after) = (projected.tables.get(table)?, self.to.tables.get(table)?);
        columns
            .iter()
            .find(|c| match (before.column(c), after.column(c)) {
                (Some(b), Some(a)) => {
                    b.ty != a.ty
                        && (crate::names::is_user_type(&b.ty) || crate::names::is_user_type(&a.ty))
                }
                _ => false,
            })
            .cloned()
    }

    /// Foreign keys of dropped tables go first; those of new tables come
    /// with the other foreign keys, after every table exists.
    fn plan_foreign_keys_of_new_and_dropped_tables(
        &self,
        matching: &Matching,
        plan: &mut ConstraintPlan,
    ) {
        let kept: BTreeSet<&QualifiedName> = matching.tables.values().collect();
        for (name, table) in &self.cur.tables {
            if kept.contains(name) {
                continue;
            }
            for foreign_key in &table.foreign_keys {
                plan.drop_fks.push(Change::Drop(Object::ForeignKey {
                    table: name.clone(),
                    foreign_key: foreign_key.clone(),
                    new_table: true,
                }));
            }
        }
        for (name, table) in &self.to.tables {
            if matching.tables.contains_key(name) {
                continue;
            }
            for foreign_key in &table.foreign_keys {
                plan.add_fks.push(Change::Create(Object::ForeignKey {
                    table: name.clone(),
                    foreign_key: foreign_key.clone(),
                    new_table: true,
                }));
            }
        }
    }

    /// Phases 3 and 4.
    pub(super) fn drop_constraints(&mut self, plan: &ConstraintPlan) {
        for change in plan.drop_fks.iter().chain(&plan.drops) {
            self.emit(change.clone());
        }
    }

    /// Phase 6.
    pub(super) fn rename_tables_and_columns(&mut self, matching: &Matching) {
        // A parent's column renamed first: PostgreSQL renames its
        // children's with it, and refuses to rename an inherited column.
        let mut changes = Self::rename_changes(matching);
        changes.sort_by_key(|change| match change {
            Change::Rename(Rename::Column { table, .. }) => inheritance::depth(self.to, table),
            _ => 0,
        });
        for change in changes {
            if let Change::Rename(Rename::Column { table, name }) = &change
                && self
                    .cur
                    .tables
                    .get(table)
                    .is_some_and(|t| t.column(&name.to).is_some() && t.column(&name.from).is_none())
            {
                continue;
            }
            // A generated column moved aside is added back under its new
            // name: there is nothing to rename.
            if let Change::Rename(Rename::Column { table, name }) = &change
                && self
                    .moved_columns
                    .contains_key(&ObjectKey::column(table, &name.to))
            {
                continue;
            }
            self.emit(change);
        }
        self.rename_column_sequences(matching);
    }

    /// The sequences behind kept serial and identity columns take their
    /// wanted names (PostgreSQL keeps a sequence's name when its table or
    /// column is renamed; `None` is the name it picks for the table and
    /// column), before new tables may want the old ones.
    fn rename_column_sequences(&mut self, matching: &Matching) {
        let sequenced = |c: &petal_ir::Column| c.serial || c.identity.is_some();
        let mut changes = Vec::new();
        for (name, columns) in &matching.columns {
            let (Some(cur), Some(to)) = (self.cur.tables.get(name), self.to.tables.get(name))
            else {
                continue;
            };
            for column in columns.keys() {
                let (Some(a), Some(b)) = (cur.column(column), to.column(column)) else {
                    continue;
                };
                if sequenced(a) && sequenced(b) && a.sequence != b.sequence {
                    changes.push(Change::Alter(Alter::ColumnSequence {
                        table: name.clone(),
                        column: column.clone(),
                        sequence: Delta::new(a.sequence.clone(), b.sequence.clone()),
                    }));
                }
            }
        }
        for change in changes {
            self.emit(change);
        }
    }

    /// Phase 7b: constraint and index renames, once dropped tables no longer
    /// hold names they may take.
    pub(super) fn rename_constraints(&mut self, plan: &ConstraintPlan) {
        for change in &plan.renames {
            // A foreign key moved aside (`partitions.rs`) comes back under
            // its new name.
            let comes_back = |back: &Change| match (change, back) {
                (
                    Change::Rename(Rename::Constraint { table, name }),
                    Change::PutBack(Moved {
                        object:
                            Object::ForeignKey {
                                table: t,
                                foreign_key,
                                ..
                            },
                        ..
                    }),
                ) => t == table && foreign_key.name == name.to,
                _ => false,
            };
            if self.moved_foreign_keys.iter().any(comes_back) {
                continue;
            }
            self.emit(change.clone());
        }
    }

    /// Phase 8.
    pub(super) fn create_tables_and_columns(&mut self, matching: &Matching) {
        let mut new: Vec<&Table> = self
            .to
            .tables
            .values()
            .filter(|t| !matching.tables.contains_key(&t.name))
            .collect();
        partitions::creation_order(self.to, &mut new);
        // Partitions after the new columns: their own indexes and checks
        // may use one. Inheritance children later still
        // (`create_inheritance_children`).
        let new: Vec<&Table> = new.into_iter().filter(|t| t.inherits.is_empty()).collect();
        let (partitions, tables): (Vec<&Table>, Vec<&Table>) =
            new.into_iter().partition(|t| t.partition_of.is_some());
        for table in tables {
            let object = self.table_object(table.clone());
            self.emit(Change::Create(object));
        }
        // A child's column before its parent's: one the child declares
        // itself must stand before the parent's merges with it.
        for name in inheritance::children_first(self.to, matching.columns.keys()) {
            let (Some(to_table), Some(columns)) =
                (self.to.tables.get(name), matching.columns.get(name))
            else {
                continue;
            };
            for column in &to_table.columns {
                if columns.contains_key(&column.name) {
                    continue;
                }
                let mut column = column.clone();
                column.renamed_from = None;
                self.emit(Change::Create(Object::Column {
                    table: name.clone(),
                    column,
                }));
            }
        }
        // Created with their parent's defaults: their own ones are set
        // after the columns' changes, in the parent's wanted type
        // (`compare/partition_defaults.rs`).
        for table in partitions {
            let object = self.table_object(Table {
                own_defaults: Default::default(),
                ..table.clone()
            });
            self.emit(Change::Create(object));
        }
        self.attach_partitions(matching);
    }

    /// Phase 8, after the columns' changes: the new inheritance children,
    /// whose columns shared with a parent must have the parent's type as
    /// wanted (PostgreSQL merges them, and refuses two types).
    pub(super) fn create_inheritance_children(&mut self, matching: &Matching) {
        let mut new: Vec<&Table> = self
            .to
            .tables
            .values()
            .filter(|t| !t.inherits.is_empty() && !matching.tables.contains_key(&t.name))
            .collect();
        partitions::creation_order(self.to, &mut new);
        for table in new {
            let object = self.table_object(table.clone());
            self.emit(Change::Create(object));
        }
    }

    /// Phases 10 and 11.
    pub(super) fn add_constraints(&mut self, plan: &ConstraintPlan) {
        for change in plan.adds.iter().chain(&plan.add_fks) {
            self.emit(change.clone());
        }
        for change in std::mem::take(&mut self.moved_foreign_keys) {
            self.emit(change);
        }
    }
}
