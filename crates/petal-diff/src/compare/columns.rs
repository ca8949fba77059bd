//! Alterations of kept columns (phase 8) and comments (phase 11).

use petal_ir::{Column, ObjectKey, QualifiedName};

use super::{Engine, Matching};
use crate::casts::needs_using;
use crate::change::{Alter, Change, ColumnType, Delta, NotNull, Object, ValidatedConstraint};
use crate::names::is_user_type;

impl Engine<'_> {
    pub(super) fn current_column(&self, table: &QualifiedName, column: &str) -> Option<Column> {
        self.cur.tables.get(table)?.column(column).cloned()
    }

    pub(super) fn alter_columns(&mut self, matching: &Matching) {
        // A parent's column first: PostgreSQL changes its children's with
        // it (`apply/inheritance.rs`), and what is left of a child's is
        // then its own change.
        for table in super::inheritance::parents_first(self.to, matching.columns.keys()) {
            let (Some(to_table), Some(columns)) =
                (self.to.tables.get(table), matching.columns.get(table))
            else {
                continue;
            };
            for to_column in &to_table.columns {
                // Renames ran already: a kept column has its new name.
                if columns.contains_key(&to_column.name) {
                    self.alter_column(matching, table, to_column);
                }
            }
        }
        self.create_held_sequences(true);
    }

    /// Whether this migration dropped NOT NULL from `column` of a table
    /// `table` inherits from.
    fn ancestor_dropped_not_null(&self, table: &QualifiedName, column: &str) -> bool {
        let above = self.to.inheritance_ancestors(table);
        self.changes.iter().any(|change| {
            matches!(change, Change::Alter(Alter::Nullable { table: t, column: c, nullable })
                if nullable.to && c == column && above.contains(&t))
        })
    }

    /// A column's NOT NULL: `Nullable` between nullable and proven, and
    /// `NotNullState` where one side's is `NOT VALID` (PostgreSQL 18),
    /// whose inverse is exact.
    fn not_null(&mut self, table: &QualifiedName, column: &str, cur: &Column, to: &Column) {
        let (from, to) = (NotNull::of(cur), NotNull::of(to));
        let change = match (&from, &to) {
            _ if from == to => return,
            (NotNull::NotValid(_), _) | (_, NotNull::NotValid(_)) => Alter::NotNullState {
                table: table.clone(),
                column: column.to_string(),
                state: Delta::new(from, to),
            },
            _ => Alter::Nullable {
                table: table.clone(),
                column: column.to_string(),
                nullable: Delta::new(from == NotNull::Absent, to == NotNull::Absent),
            },
        };
        self.emit(Change::Alter(change));
    }

    /// The changes of one column, in the order PostgreSQL accepts them:
    /// identity and serial go before the type and default change, NOT NULL
    /// is settled before an identity is added (which requires it).
    fn alter_column(&mut self, matching: &Matching, table: &QualifiedName, to: &Column) {
        let name = to.name.clone();
        let Some(cur) = self.current_column(table, &name) else {
            return;
        };
        if cur.generated != to.generated {
            // No ALTER for a generated expression before PostgreSQL 17:
            // the column is recomputed from scratch.
            let mut column = to.clone();
            column.renamed_from = None;
            self.emit(Change::Drop(Object::Column {
                table: table.clone(),
                column: cur,
            }));
            self.emit(Change::Create(Object::Column {
                table: table.clone(),
                column,
            }));
            return;
        }
        let table = table.clone();
        let column = name.clone();
        // Its sequence goes: the defaults calling it go first.
        if cur.identity.is_some() && to.identity.is_none() || cur.serial && !to.serial {
            self.release_defaults_over(matching, &table, Some(&column));
        }
        if cur.identity.is_some() && to.identity.is_none() {
            self.emit(Change::Alter(Alter::Identity {
                table: table.clone(),
                column: column.clone(),
                identity: Delta::new(cur.identity, None),
                sequence: cur.sequence.clone(),
            }));
        }
        if cur.serial && !to.serial {
            self.emit(Change::Alter(Alter::Serial {
                table: table.clone(),
                column: column.clone(),
                ty: cur.ty.clone(),
                serial: Delta::new(true, false),
                sequence: cur.sequence.clone(),
            }));
        }
        self.create_held_sequences(false);
        if cur.ty != to.ty || cur.collation != to.collation {
            let using = needs_using(&cur.ty, &to.ty, is_user_type(&cur.ty), is_user_type(&to.ty));
            let default_after = if cur.default != to.default || using && cur.default.is_some() {
                to.default.clone()
            } else {
                cur.default.clone()
            };
            self.emit(Change::Alter(Alter::ColumnType {
                table: table.clone(),
                column: column.clone(),
                serial: cur.serial && to.serial,
                ty: Delta::new(
                    ColumnType {
                        ty: cur.ty.clone(),
                        collation: cur.collation.clone(),
                        default: cur.default.clone(),
                    },
                    ColumnType {
                        ty: to.ty.clone(),
                        collation: to.collation.clone(),
                        default: default_after,
                    },
                ),
            }));
        }
        let Some(cur) = self.current_column(&table, &name) else {
            return;
        };
        if cur.default != to.default {
            let because = self
                .moved_defaults
                .get(&ObjectKey::column(&table, &column))
                .cloned();
            self.emit(Change::Alter(Alter::Default {
                table: table.clone(),
                column: column.clone(),
                default: Delta::new(cur.default.clone(), to.default.clone()),
                because,
            }));
        }
        // A parent's `DROP NOT NULL` drops a child's too, but for the
        // child's own NOT NULL constraint on 18: a child that is to be
        // nullable says so itself (a no-op before 18).
        let mut cur = cur;
        if to.nullable && cur.identity.is_none() && self.ancestor_dropped_not_null(&table, &column)
        {
            cur.nullable = false;
            cur.not_null_not_valid = None;
        }
        self.not_null(&table, &column, &cur, to);
        if to.serial && !cur.serial || to.identity.is_some() && cur.identity.is_none() {
            self.free_sequence_name(&table, to);
        }
        if to.identity.is_some() && cur.identity != to.identity {
            let sequence = if cur.identity.is_none() {
                to.sequence.clone()
            } else {
                None
            };
            self.emit(Change::Alter(Alter::Identity {
                table: table.clone(),
                column: column.clone(),
                identity: Delta::new(cur.identity, to.identity),
                sequence,
            }));
        }
        if to.serial && !cur.serial {
            self.emit(Change::Alter(Alter::Serial {
                table,
                column,
                ty: to.ty.clone(),
                serial: Delta::new(false, true),
                sequence: to.sequence.clone(),
            }));
        }
    }

    /// Phase 11b: kept checks and foreign keys validated, or made `NOT
    /// VALID` again (new ones are added as they are wanted).
    pub(super) fn validity(&mut self, matching: &Matching) {
        let mut pending = Vec::new();
        for name in matching.tables.keys() {
            let (Some(cur), Some(to)) = (self.cur.tables.get(name), self.to.tables.get(name))
            else {
                continue;
            };
            // Only what flips is cloned: this runs over every kept table.
            let checks = flipped(&cur.checks, &to.checks, |c| (&c.name, c.not_valid))
                .map(|c| (ValidatedConstraint::Check(c.clone()), c.not_valid));
            let foreign = flipped(&cur.foreign_keys, &to.foreign_keys, |f| {
                (&f.name, f.not_valid)
            })
            .map(|f| (ValidatedConstraint::ForeignKey(f.clone()), f.not_valid));
            for (constraint, not_valid) in checks.chain(foreign) {
                pending.push(Change::Alter(Alter::ConstraintValid {
                    table: name.clone(),
                    constraint,
                    valid: Delta::new(!not_valid, not_valid),
                }));
            }
        }
        for change in pending {
            self.emit(change);
        }
    }

    /// Phase 12: comments of kept enum types, tables, columns, indexes and
    /// constraints (new objects carry theirs).
    pub(super) fn comments(&mut self, matching: &Matching) {
        let mut pending = Vec::new();
        for name in matching.enums.keys() {
            let (Some(cur), Some(to)) = (self.cur.enums.get(name), self.to.enums.get(name)) else {
                continue;
            };
            let on = ObjectKey::Enum { name: name.clone() };
            pending.extend(comment_change(on, &cur.comment, &to.comment));
        }
        for name in matching.tables.keys() {
            let (Some(cur), Some(to)) = (self.cur.tables.get(name), self.to.tables.get(name))
            else {
                continue;
            };
            let on = ObjectKey::table(name);
            pending.extend(comment_change(on, &cur.comment, &to.comment));
            for column in &to.columns {
                if let Some(now) = cur.column(&column.name) {
                    let on = ObjectKey::column(name, &column.name);
                    pending.extend(comment_change(on, &now.comment, &column.comment));
                }
            }
            for index in &to.indexes {
                if let Some(now) = cur.indexes.iter().find(|i| i.name == index.name) {
                    let on = ObjectKey::index(name, &index.name);
                    pending.extend(comment_change(on, &now.comment, &index.comment));
                }
            }
            let kept: Vec<(&str, &Option<String>)> = cur.constraint_comments();
            for (constraint, comment) in to.constraint_comments() {
                if let Some((_, now)) = kept.iter().find(|(n, _)| *n == constraint) {
                    let on = ObjectKey::constraint(name, constraint);
                    pending.extend(comment_change(on, now, comment));
                }
            }
        }
        for change in pending {
            self.emit(change);
        }
    }
}

/// The constraints of `cur` whose namesake in `to` differs in validity
/// (`key`: a constraint's name and whether it is `NOT VALID`).
fn flipped<'a, T>(
    cur: &'a [T],
    to: &'a [T],
    key: impl Fn(&T) -> (&String, bool) + Copy + 'a,
) -> impl Iterator<Item = &'a T> + 'a {
    cur.iter().filter(move |now| {
        let (name, not_valid) = key(now);
        to.iter().any(|wanted| {
            let (wanted_name, wanted_not_valid) = key(wanted);
            wanted_name == name && wanted_not_valid != not_valid
        })
    })
}

/// The comment change of one object, when its comment changes.
pub(super) fn comment_change(
    on: ObjectKey,
    from: &Option<String>,
    to: &Option<String>,
) -> Option<Change> {
    (from != to).then(|| {
        Change::Alter(Alter::Comment {
            on,
            text: Delta::new(from.clone(), to.clone()),
        })
    })
}
