//! Alterations of kept columns (phase 8) and comments (phase 11).

use petal_ir::{Column, QualifiedName};

use super::{Engine, Matching};
use crate::casts::needs_using;
use crate::change::Change;
use crate::names::is_user_type;

impl Engine<'_> {
    fn current_column(&self, table: &QualifiedName, column: &str) -> Option<Column> {
        self.cur.tables.get(table)?.column(column).cloned()
    }

    pub(super) fn alter_columns(&mut self, matching: &Matching) {
        for (table, columns) in &matching.columns {
            let Some(to_table) = self.to.tables.get(table) else {
                continue;
            };
            for to_column in &to_table.columns {
                // Renames ran already: a kept column has its new name.
                if columns.contains_key(&to_column.name) {
                    self.alter_column(table, to_column);
                }
            }
        }
    }

    /// The changes of one column, in the order PostgreSQL accepts them:
    /// identity and serial go before the type and default change, NOT NULL
    /// is settled before an identity is added (which requires it).
    fn alter_column(&mut self, table: &QualifiedName, to: &Column) {
        let name = to.name.clone();
        let Some(cur) = self.current_column(table, &name) else {
            return;
        };
        if cur.generated != to.generated {
            // No ALTER for a generated expression before PostgreSQL 17:
            // the column is recomputed from scratch.
            let mut column = to.clone();
            column.renamed_from = None;
            self.emit(Change::DropColumn {
                table: table.clone(),
                column: cur,
            });
            self.emit(Change::AddColumn {
                table: table.clone(),
                column,
            });
            return;
        }
        let change = |f: &dyn Fn(QualifiedName, String) -> Change| f(table.clone(), name.clone());
        if cur.identity.is_some() && to.identity.is_none() {
            let from = cur.identity;
            self.emit(change(&|table, column| Change::SetIdentity {
                table,
                column,
                from,
                to: None,
            }));
        }
        if cur.serial && !to.serial {
            let ty = cur.ty.clone();
            self.emit(change(&|table, column| Change::SetSerial {
                table,
                column,
                ty: ty.clone(),
                serial: false,
            }));
        }
        if cur.ty != to.ty || cur.collation != to.collation {
            let using = needs_using(&cur.ty, &to.ty, is_user_type(&cur.ty), is_user_type(&to.ty));
            let default_after = if cur.default != to.default || using && cur.default.is_some() {
                to.default.clone()
            } else {
                cur.default.clone()
            };
            self.emit(Change::AlterColumnType {
                table: table.clone(),
                column: name.clone(),
                from: cur.ty.clone(),
                to: to.ty.clone(),
                from_collation: cur.collation.clone(),
                to_collation: to.collation.clone(),
                default_before: cur.default.clone(),
                default_after,
                serial: cur.serial && to.serial,
            });
        }
        let Some(cur) = self.current_column(table, &name) else {
            return;
        };
        if cur.default != to.default {
            let (from, to) = (cur.default.clone(), to.default.clone());
            self.emit(change(&|table, column| Change::SetDefault {
                table,
                column,
                from: from.clone(),
                to: to.clone(),
            }));
        }
        if cur.nullable != to.nullable {
            let nullable = to.nullable;
            self.emit(change(&|table, column| Change::SetNullable {
                table,
                column,
                nullable,
            }));
        }
        if to.identity.is_some() && cur.identity != to.identity {
            let (from, to) = (cur.identity, to.identity);
            self.emit(change(&|table, column| Change::SetIdentity {
                table,
                column,
                from,
                to,
            }));
        }
        if to.serial && !cur.serial {
            let ty = to.ty.clone();
            self.emit(change(&|table, column| Change::SetSerial {
                table,
                column,
                ty: ty.clone(),
                serial: true,
            }));
        }
    }

    /// Phase 12: comments of kept enum types, tables, columns and indexes
    /// (new objects carry theirs).
    pub(super) fn comments(&mut self, matching: &Matching) {
        for name in matching.enums.keys() {
            let (Some(cur), Some(to)) = (self.cur.enums.get(name), self.to.enums.get(name)) else {
                continue;
            };
            if cur.comment != to.comment {
                let (from, to) = (cur.comment.clone(), to.comment.clone());
                let name = name.clone();
                self.emit(Change::SetEnumComment { name, from, to });
            }
        }
        let mut pending = Vec::new();
        for name in matching.tables.keys() {
            let (Some(cur), Some(to)) = (self.cur.tables.get(name), self.to.tables.get(name))
            else {
                continue;
            };
            if cur.comment != to.comment {
                pending.push(Change::SetTableComment {
                    table: name.clone(),
                    from: cur.comment.clone(),
                    to: to.comment.clone(),
                });
            }
            for column in &to.columns {
                let Some(now) = cur.column(&column.name) else {
                    continue;
                };
                if now.comment != column.comment {
                    pending.push(Change::SetColumnComment {
                        table: name.clone(),
                        column: column.name.clone(),
                        from: now.comment.clone(),
                        to: column.comment.clone(),
                    });
                }
            }
            for index in &to.indexes {
                let Some(now) = cur.indexes.iter().find(|i| i.name == index.name) else {
                    continue;
                };
                if now.comment != index.comment {
                    pending.push(Change::SetIndexComment {
                        table: name.clone(),
                        index: index.name.clone(),
                        from: now.comment.clone(),
                        to: index.comment.clone(),
                    });
                }
            }
        }
        for change in pending {
            self.emit(change);
        }
    }
}
