//! Tables: matching (with rename hints), constraints and indexes that go,
//! change or come, renames, new tables and columns, and drops.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Database, Index, QualifiedName, Table};

use super::{Engine, Matching, Warning};
use crate::apply::apply;
use crate::change::Change;

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

/// The outcome of matching two lists of named objects.
struct Matched<T> {
    /// Objects that stay, unchanged or renamed: (old, new).
    renamed: Vec<(T, T)>,
    dropped: Vec<T>,
    added: Vec<T>,
}

/// Matches by name; an object present on one side only may still be the
/// same object under another name (then it is renamed rather than dropped
/// and added). `same` compares two objects ignoring their names.
fn match_named<T: Clone>(
    old: &[T],
    new: &[T],
    name: impl Fn(&T) -> &str,
    same: impl Fn(&T, &T) -> bool,
    forced: impl Fn(&T) -> bool,
) -> Matched<T> {
    let mut out = Matched {
        renamed: Vec::new(),
        dropped: Vec::new(),
        added: Vec::new(),
    };
    let old_names: BTreeSet<&str> = old.iter().map(&name).collect();
    let new_names: BTreeSet<&str> = new.iter().map(&name).collect();
    let mut unmatched_new: Vec<&T> = Vec::new();
    for n in new {
        match old.iter().find(|o| name(o) == name(n)) {
            Some(o) if same(o, n) && !forced(o) => {}
            Some(o) => {
                out.dropped.push(o.clone());
                out.added.push(n.clone());
            }
            None => unmatched_new.push(n),
        }
    }
    for o in old.iter().filter(|o| !new_names.contains(name(o))) {
        let twin = unmatched_new
            .iter()
            .position(|n| same(o, n) && !forced(o) && !old_names.contains(name(n)));
        match twin {
            Some(at) => {
                let n = unmatched_new.remove(at);
                out.renamed.push((o.clone(), n.clone()));
            }
            None => out.dropped.push(o.clone()),
        }
    }
    out.added.extend(unmatched_new.into_iter().cloned());
    out
}

fn without_comment(index: &Index) -> Index {
    Index {
        comment: None,
        ..index.clone()
    }
}

/// A table as `CreateTable`/`DropTable` carry it: no foreign keys, no hints.
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
            matching.columns.insert(name.clone(), columns);
            matching.tables.insert(name.clone(), cur_name);
        }
    }

    /// The renames phase 6 will run, as changes (tables first, then
    /// columns under the new table names).
    fn rename_changes(matching: &Matching) -> Vec<Change> {
        let mut out = Vec::new();
        for (to_name, cur_name) in &matching.tables {
            if to_name != cur_name {
                out.push(Change::RenameTable {
                    from: cur_name.clone(),
                    to: to_name.clone(),
                });
            }
        }
        for (to_name, columns) in &matching.columns {
            for (to_column, cur_column) in columns {
                if to_column != cur_column {
                    out.push(Change::RenameColumn {
                        table: to_name.clone(),
                        from: cur_column.clone(),
                        to: to_column.clone(),
                    });
                }
            }
        }
        out
    }

    pub(super) fn plan_constraints(&self, matching: &Matching) -> ConstraintPlan {
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
        let mut plan = ConstraintPlan::default();
        // Unique keys that are dropped (table, sorted columns): foreign keys
        // pointing at them depend on them and must be dropped first, then
        // re-added.
        let mut rekeyed: BTreeSet<(QualifiedName, Vec<String>)> = BTreeSet::new();
        let sorted = |columns: &[String]| {
            let mut c = columns.to_vec();
            c.sort();
            c
        };
        let mut fk_work: Vec<(QualifiedName, &Table, &Table)> = Vec::new();
        for (to_name, to_table) in &self.to.tables {
            let Some(cur_name) = matching.tables.get(to_name) else {
                continue;
            };
            let Some(old) = projected.tables.get(to_name) else {
                continue;
            };
            let Some(cur_table) = self.cur.tables.get(cur_name) else {
                continue;
            };
            let table = to_name.clone();
            let drop_table = cur_name.clone();
            let rename = |from: &str, to: &str| Change::RenameConstraint {
                table: table.clone(),
                from: from.to_string(),
                to: to.to_string(),
            };

            let old_pk: Vec<_> = old.primary_key.iter().cloned().collect();
            let new_pk: Vec<_> = to_table.primary_key.iter().cloned().collect();
            let m = match_named(
                &old_pk,
                &new_pk,
                |p| &p.name,
                |a, b| a.columns == b.columns,
                |_| false,
            );
            for (o, n) in &m.renamed {
                plan.renames.push(rename(&o.name, &n.name));
            }
            for p in m.dropped {
                rekeyed.insert((to_name.clone(), sorted(&p.columns)));
                if let Some(primary_key) =
                    cur_table.primary_key.clone().filter(|c| c.name == p.name)
                {
                    plan.drops.push(Change::DropPrimaryKey {
                        table: drop_table.clone(),
                        primary_key,
                    });
                }
            }
            for primary_key in m.added {
                plan.adds.push(Change::AddPrimaryKey {
                    table: table.clone(),
                    primary_key,
                });
            }

            let same_unique = |a: &petal_ir::Unique, b: &petal_ir::Unique| {
                a.columns == b.columns
                    && a.nulls_not_distinct == b.nulls_not_distinct
                    && a.deferrable == b.deferrable
            };
            let m = match_named(
                &old.uniques,
                &to_table.uniques,
                |u| &u.name,
                same_unique,
                |_| false,
            );
            for (o, n) in &m.renamed {
                plan.renames.push(rename(&o.name, &n.name));
            }
            for u in m.dropped {
                rekeyed.insert((to_name.clone(), sorted(&u.columns)));
                if let Some(unique) = cur_table.uniques.iter().find(|c| c.name == u.name) {
                    plan.drops.push(Change::DropUnique {
                        table: drop_table.clone(),
                        unique: unique.clone(),
                    });
                }
            }
            for unique in m.added {
                plan.adds.push(Change::AddUnique {
                    table: table.clone(),
                    unique,
                });
            }

            let m = match_named(
                &old.checks,
                &to_table.checks,
                |c| &c.name,
                |a, b| a.expr == b.expr,
                |_| false,
            );
            for (o, n) in &m.renamed {
                plan.renames.push(rename(&o.name, &n.name));
            }
            for c in m.dropped {
                if let Some(check) = cur_table.checks.iter().find(|x| x.name == c.name) {
                    plan.drops.push(Change::DropCheck {
                        table: drop_table.clone(),
                        check: check.clone(),
                    });
                }
            }
            for check in m.added {
                plan.adds.push(Change::AddCheck {
                    table: table.clone(),
                    check,
                });
            }

            let same_index = |a: &Index, b: &Index| {
                Index {
                    name: String::new(),
                    ..without_comment(a)
                } == Index {
                    name: String::new(),
                    ..without_comment(b)
                }
            };
            let m = match_named(
                &old.indexes,
                &to_table.indexes,
                |i| &i.name,
                same_index,
                |_| false,
            );
            for (o, n) in &m.renamed {
                plan.renames.push(Change::RenameIndex {
                    table: table.clone(),
                    from: o.name.clone(),
                    to: n.name.clone(),
                });
            }
            for i in m.dropped {
                let columns: Option<Vec<String>> = i
                    .keys
                    .iter()
                    .map(|k| match &k.expr {
                        petal_ir::IndexKeyExpr::Column(c) => Some(c.clone()),
                        petal_ir::IndexKeyExpr::Expression(_) => None,
                    })
                    .collect();
                if let (true, Some(columns)) = (i.unique, columns) {
                    rekeyed.insert((to_name.clone(), sorted(&columns)));
                }
                if let Some(index) = cur_table.indexes.iter().find(|x| x.name == i.name) {
                    plan.drops.push(Change::DropIndex {
                        table: drop_table.clone(),
                        index: index.clone(),
                    });
                }
            }
            for index in m.added {
                plan.adds.push(Change::CreateIndex {
                    table: table.clone(),
                    index,
                });
            }
            fk_work.push((to_name.clone(), old, cur_table));
        }

        for (to_name, old, cur_table) in fk_work {
            let Some(to_table) = self.to.tables.get(&to_name) else {
                continue;
            };
            // A column on either side of a foreign key may change type while
            // the key exists when the server can still compare the two sides
            // (integer to bigint); between enum types it cannot ("cannot be
            // implemented"), so such a key is dropped first and added back.
            let retyped = |table: &QualifiedName, columns: &[String]| {
                let (Some(before), Some(after)) =
                    (projected.tables.get(table), self.to.tables.get(table))
                else {
                    return false;
                };
                columns
                    .iter()
                    .any(|c| match (before.column(c), after.column(c)) {
                        (Some(b), Some(a)) => {
                            b.ty != a.ty
                                && (crate::names::is_user_type(&b.ty)
                                    || crate::names::is_user_type(&a.ty))
                        }
                        _ => false,
                    })
            };
            let forced = |f: &petal_ir::ForeignKey| {
                rekeyed.contains(&(f.ref_table.clone(), sorted(&f.ref_columns)))
                    || retyped(&to_name, &f.columns)
                    || retyped(&f.ref_table, &f.ref_columns)
            };
            let same_fk = |a: &petal_ir::ForeignKey, b: &petal_ir::ForeignKey| {
                petal_ir::ForeignKey {
                    name: String::new(),
                    ..a.clone()
                } == petal_ir::ForeignKey {
                    name: String::new(),
                    ..b.clone()
                }
            };
            let m = match_named(
                &old.foreign_keys,
                &to_table.foreign_keys,
                |f| &f.name,
                same_fk,
                forced,
            );
            for (o, n) in &m.renamed {
                plan.renames.push(Change::RenameConstraint {
                    table: to_name.clone(),
                    from: o.name.clone(),
                    to: n.name.clone(),
                });
            }
            for f in m.dropped {
                if let Some(foreign_key) = cur_table.foreign_keys.iter().find(|x| x.name == f.name)
                {
                    plan.drop_fks.push(Change::DropForeignKey {
                        table: cur_table.name.clone(),
                        foreign_key: foreign_key.clone(),
                        new_table: false,
                    });
                }
            }
            for foreign_key in m.added {
                plan.add_fks.push(Change::AddForeignKey {
                    table: to_name.clone(),
                    foreign_key,
                    new_table: false,
                });
            }
        }

        // Foreign keys of dropped tables go first; those of new tables come
        // with the other foreign keys, after every table exists.
        let kept: BTreeSet<&QualifiedName> = matching.tables.values().collect();
        for (name, table) in &self.cur.tables {
            if kept.contains(name) {
                continue;
            }
            for foreign_key in &table.foreign_keys {
                plan.drop_fks.push(Change::DropForeignKey {
                    table: name.clone(),
                    foreign_key: foreign_key.clone(),
                    new_table: true,
                });
            }
        }
        for (name, table) in &self.to.tables {
            if matching.tables.contains_key(name) {
                continue;
            }
            for foreign_key in &table.foreign_keys {
                plan.add_fks.push(Change::AddForeignKey {
                    table: name.clone(),
                    foreign_key: foreign_key.clone(),
                    new_table: true,
                });
            }
        }
        plan
    }

    /// Phases 3 and 4.
    pub(super) fn drop_constraints(&mut self, plan: &ConstraintPlan) {
        for change in plan.drop_fks.iter().chain(&plan.drops) {
            self.emit(change.clone());
        }
    }

    /// Phase 6.
    pub(super) fn rename_tables_and_columns(&mut self, matching: &Matching) {
        for change in Self::rename_changes(matching) {
            self.emit(change);
        }
    }

    /// Phase 7b: constraint and index renames, once dropped tables no longer
    /// hold names they may take.
    pub(super) fn rename_constraints(&mut self, plan: &ConstraintPlan) {
        for change in &plan.renames {
            self.emit(change.clone());
        }
    }

    /// Phase 8.
    pub(super) fn create_tables_and_columns(&mut self, matching: &Matching) {
        for (name, table) in &self.to.tables {
            if !matching.tables.contains_key(name) {
                let table = table_without_foreign_keys(table);
                self.emit(Change::CreateTable { table });
            }
        }
        for (name, columns) in &matching.columns {
            let Some(to_table) = self.to.tables.get(name) else {
                continue;
            };
            for column in &to_table.columns {
                if columns.contains_key(&column.name) {
                    continue;
                }
                let mut column = column.clone();
                column.renamed_from = None;
                self.emit(Change::AddColumn {
                    table: name.clone(),
                    column,
                });
            }
        }
    }

    /// Phases 10 and 11.
    pub(super) fn add_constraints(&mut self, plan: &ConstraintPlan) {
        for change in plan.adds.iter().chain(&plan.add_fks) {
            self.emit(change.clone());
        }
    }

    /// Phase 7, with the possible renames a reviewer should look at.
    pub(super) fn drop_columns_and_tables(&mut self, matching: &Matching) {
        for (name, columns) in &matching.columns {
            let (Some(table), Some(to_table)) =
                (self.cur.tables.get(name), self.to.tables.get(name))
            else {
                continue;
            };
            // Renames ran and new columns were added: what the desired table
            // does not name is what goes.
            let dropped: Vec<_> = table
                .columns
                .iter()
                .filter(|c| to_table.column(&c.name).is_none())
                .cloned()
                .collect();
            {
                for d in &dropped {
                    for added in to_table
                        .columns
                        .iter()
                        .filter(|c| !columns.contains_key(&c.name))
                    {
                        if added.ty == d.ty {
                            self.warnings.push(Warning::PossibleColumnRename {
                                table: name.clone(),
                                dropped: d.name.clone(),
                                added: added.name.clone(),
                                ty: d.ty.to_string(),
                            });
                        }
                    }
                }
            }
            for column in dropped {
                self.emit(Change::DropColumn {
                    table: name.clone(),
                    column,
                });
            }
        }
        let kept: BTreeSet<&QualifiedName> = matching.tables.keys().collect();
        let dropped: Vec<Table> = self
            .cur
            .tables
            .values()
            .filter(|t| !kept.contains(&t.name) && !self.to.tables.contains_key(&t.name))
            .cloned()
            .collect();
        let signature = |t: &Table| -> BTreeSet<(String, String)> {
            t.columns
                .iter()
                .map(|c| (c.name.clone(), c.ty.to_string()))
                .collect()
        };
        for table in dropped {
            for (name, added) in &self.to.tables {
                if !matching.tables.contains_key(name) && signature(added) == signature(&table) {
                    self.warnings.push(Warning::PossibleTableRename {
                        dropped: table.name.clone(),
                        added: name.clone(),
                    });
                }
            }
            let table = table_without_foreign_keys(&table);
            self.emit(Change::DropTable { table });
        }
    }
}
