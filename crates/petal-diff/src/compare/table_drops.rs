//! Phase 7: the columns and tables that go, dropped (partitions first,
//! then parents' columns before their children's), with the possible
//! renames a reviewer should look at; a table recreated with its rows
//! goes aside instead (`recreate_with_rows.rs`).

use std::collections::BTreeSet;

use petal_ir::{ObjectKey, QualifiedName, SequenceOwner, Table};

use super::{Engine, Matching, Warning};
use super::{inheritance, partitions};
use crate::change::{Alter, Change, Delta, Object};

impl Engine<'_> {
    /// Phase 7, with the possible renames a reviewer should look at.
    pub(super) fn drop_columns_and_tables(&mut self, matching: &Matching) {
        // Recreated with their rows: aside now, with the partitions below
        // them, dropped once the rows are copied.
        let with_rows = self.recreated_with_rows(&self.not_kept(matching));
        let aside: BTreeSet<QualifiedName> = with_rows
            .iter()
            .flat_map(|name| self.partitions_aside(name))
            .collect();
        self.repartition(matching, &aside);
        // A parent's column dropped first: PostgreSQL drops its children's
        // with it, and refuses to drop an inherited column from a child.
        for name in inheritance::parents_first(self.to, matching.columns.keys()) {
            let (Some(table), Some(to_table), Some(columns)) = (
                self.cur.tables.get(name),
                self.to.tables.get(name),
                matching.columns.get(name),
            ) else {
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
                self.release_defaults_over(matching, name, Some(&column.name));
                // As it stands now: its default may have been released
                // for a column dropped before it.
                let now = self
                    .cur
                    .tables
                    .get(name)
                    .and_then(|t| t.column(&column.name));
                let column = now.cloned().unwrap_or(column);
                self.emit(Change::Drop(Object::Column {
                    table: name.clone(),
                    column,
                }));
            }
        }
        // Renames ran: a kept table has its new name. A table of the same
        // name that is not kept cannot become the new one in place.
        let mut dropped = self.not_kept(matching);
        partitions::drop_order(&self.cur, &mut dropped);
        let signature = |t: &Table| -> BTreeSet<(String, String)> {
            t.columns
                .iter()
                .map(|c| (c.name.clone(), c.ty.to_string()))
                .collect()
        };
        for table in dropped {
            for (name, added) in &self.to.tables {
                // The same name is a table recreated (`partitions.rs`).
                if !matching.tables.contains_key(name)
                    && *name != table.name
                    && signature(added) == signature(&table)
                {
                    self.warnings.push(Warning::PossibleTableRename {
                        dropped: table.name.clone(),
                        added: name.clone(),
                    });
                }
            }
            if !aside.contains(&table.name) {
                self.release_defaults_over(matching, &table.name, None);
            }
            // As it stands now: a default of its own may have been released
            // for a table dropped before it.
            let table = self.cur.tables.get(&table.name).cloned().unwrap_or(table);
            if with_rows.contains(&table.name) {
                self.move_aside(&table.name);
            } else if !aside.contains(&table.name) {
                self.release_owned_sequences(&table.name);
                let object = self.table_object(table);
                self.emit(Change::Drop(object));
            }
        }
    }

    /// The tables of the working copy that are not kept: each goes, or is
    /// recreated under its name.
    fn not_kept(&self, matching: &Matching) -> Vec<Table> {
        let kept: BTreeSet<&QualifiedName> = matching.tables.keys().collect();
        self.cur
            .tables
            .values()
            .filter(|t| !kept.contains(&t.name))
            .cloned()
            .collect()
    }

    /// The defaults of other tables' columns that call the sequence of a
    /// column of `table` (of `column` only, when given), dropped: the
    /// sequence goes with its column, and PostgreSQL refuses to drop it
    /// under a default. The columns' phase sets each as wanted after. The
    /// edges name tables and columns as the database did: renames, which
    /// ran, are followed through `matching`.
    pub(super) fn release_defaults_over(
        &mut self,
        matching: &Matching,
        table: &QualifiedName,
        column: Option<&str>,
    ) {
        let now = |table: &QualifiedName, column: &str| -> (QualifiedName, String) {
            let table = matching.table_to(table).unwrap_or(table).clone();
            let column = matching
                .columns
                .get(&table)
                .and_then(|m| m.iter().find(|(_, was)| *was == column))
                .map_or(column, |(is, _)| is.as_str())
                .to_string();
            (table, column)
        };
        let users: Vec<(QualifiedName, String)> = self
            .cur
            .dependencies
            .iter()
            .filter_map(|d| match (&d.dependent, &d.referenced) {
                (
                    ObjectKey::Column {
                        table: user,
                        column: used_by,
                    },
                    ObjectKey::Column {
                        table: of,
                        column: c,
                    },
                ) => {
                    let (of, c) = now(of, c);
                    let (user, used_by) = now(user, used_by);
                    // A dropped table's own columns go with it; a dropped
                    // column's sibling calling its sequence stays.
                    let hit = of == *table
                        && match column {
                            None => user != *table,
                            Some(w) => w == c && (user != *table || used_by != w),
                        };
                    hit.then_some((user, used_by))
                }
                _ => None,
            })
            .collect();
        for (user, column) in users {
            // A partition's own default too.
            let own = |t: &Table| t.own_defaults.get(&column).cloned().flatten();
            let default = self
                .current_column(&user, &column)
                .and_then(|c| c.default)
                .or_else(|| self.cur.tables.get(&user).and_then(own));
            if let Some(default) = default {
                self.emit(Change::Alter(Alter::Default {
                    table: user,
                    column,
                    default: Delta::new(Some(default), None),
                    because: None,
                }));
            }
        }
    }

    /// The sequences merely `OWNED BY` a column of `table` that are still
    /// owned (those that go were released in phase 2a), released: they
    /// would go with the table. They are owned by the wanted column again
    /// with the other objects' alterations, once the tables stand.
    pub(super) fn release_owned_sequences(&mut self, table: &QualifiedName) {
        let owned: Vec<(QualifiedName, SequenceOwner)> = self
            .cur
            .sequences
            .values()
            .filter_map(|q| Some((q.name.clone(), q.owned_by.clone()?)))
            .filter(|(_, owner)| owner.table == *table)
            .collect();
        for (name, owner) in owned {
            self.emit(Change::Alter(Alter::SequenceOwner {
                name,
                owner: Delta::new(Some(owner), None),
            }));
        }
    }
}
