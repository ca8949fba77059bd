//! Objects created and dropped as a whole, and what creating or dropping
//! each kind means for a live database.

use petal_ir::{
    Check, Column, EnumType, ForeignKey, Index, ObjectKey, PrimaryKey, QualifiedName, Table, Unique,
};
use serde::{Deserialize, Serialize};

use crate::classify::{Safety, column_summary, labels, rewrites_on_add};

/// An object as a [`Change::Create`](super::Change::Create) or
/// [`Change::Drop`](super::Change::Drop) carries it: whole, so that the
/// drop can be undone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "object", rename_all = "snake_case")]
pub enum Object {
    /// A drop takes an empty schema (what lived in it was dropped earlier).
    Schema {
        name: String,
    },
    Enum {
        enum_type: EnumType,
    },
    /// A table with its columns, primary key, uniques, checks, indexes and
    /// comments; never its foreign keys, which are objects of their own so
    /// that tables referencing each other can be created.
    Table {
        table: Table,
    },
    Column {
        table: QualifiedName,
        column: Column,
    },
    PrimaryKey {
        table: QualifiedName,
        primary_key: PrimaryKey,
    },
    Unique {
        table: QualifiedName,
        unique: Unique,
    },
    Check {
        table: QualifiedName,
        check: Check,
    },
    /// `new_table`: the table is created (or, for a drop, dropped) by the
    /// same migration, so the key locks nothing anyone uses.
    ForeignKey {
        table: QualifiedName,
        foreign_key: ForeignKey,
        new_table: bool,
    },
    Index {
        table: QualifiedName,
        index: Index,
    },
}

impl Object {
    /// What identifies the object.
    pub fn key(&self) -> ObjectKey {
        match self {
            Object::Schema { name } => ObjectKey::Schema { name: name.clone() },
            Object::Enum { enum_type } => ObjectKey::Enum {
                name: enum_type.name.clone(),
            },
            Object::Table { table } => ObjectKey::table(&table.name),
            Object::Column { table, column } => ObjectKey::column(table, &column.name),
            Object::PrimaryKey { table, primary_key } => {
                ObjectKey::constraint(table, &primary_key.name)
            }
            Object::Unique { table, unique } => ObjectKey::constraint(table, &unique.name),
            Object::Check { table, check } => ObjectKey::constraint(table, &check.name),
            Object::ForeignKey {
                table, foreign_key, ..
            } => ObjectKey::constraint(table, &foreign_key.name),
            Object::Index { table, index } => ObjectKey::index(table, &index.name),
        }
    }

    pub(crate) fn create_safety(&self) -> Safety {
        match self {
            Object::Schema { .. } | Object::Enum { .. } | Object::Table { .. } => Safety::Safe,
            Object::Column { column, .. } if rewrites_on_add(column) => Safety::Locks,
            Object::Column { .. } => Safety::Safe,
            Object::PrimaryKey { .. }
            | Object::Unique { .. }
            | Object::Check { .. }
            | Object::Index { .. } => Safety::Locks,
            Object::ForeignKey { new_table, .. } => {
                if *new_table {
                    Safety::Safe
                } else {
                    Safety::Locks
                }
            }
        }
    }

    pub(crate) fn drop_safety(&self) -> Safety {
        match self {
            Object::Table { .. } | Object::Column { .. } => Safety::Destructive,
            Object::Schema { .. }
            | Object::Enum { .. }
            | Object::PrimaryKey { .. }
            | Object::Unique { .. }
            | Object::Check { .. }
            | Object::ForeignKey { .. }
            | Object::Index { .. } => Safety::Safe,
        }
    }

    pub(crate) fn create_description(&self) -> String {
        match self {
            Object::Schema { name } => format!("create schema {name}"),
            Object::Enum { enum_type } => format!(
                "create enum type {} ({})",
                enum_type.name,
                labels(&enum_type.labels)
            ),
            Object::Table { table } => format!(
                "create table {} ({} columns)",
                table.name,
                table.columns.len()
            ),
            Object::Column { table, column } => format!(
                "add column {table}.{} {}",
                column.name,
                column_summary(column)
            ),
            Object::PrimaryKey { table, primary_key } => format!(
                "add primary key {} on {table} ({})",
                primary_key.name,
                primary_key.columns.join(", ")
            ),
            Object::Unique { table, unique } => format!(
                "add unique constraint {} on {table} ({})",
                unique.name,
                unique.columns.join(", ")
            ),
            Object::Check { table, check } => format!(
                "add check constraint {} on {table}: {}",
                check.name, check.expr
            ),
            Object::ForeignKey {
                table, foreign_key, ..
            } => format!(
                "add foreign key {} on {table} ({}) -> {} ({})",
                foreign_key.name,
                foreign_key.columns.join(", "),
                foreign_key.ref_table,
                foreign_key.ref_columns.join(", ")
            ),
            Object::Index { table, index } => format!(
                "create {}index {} on {table}",
                if index.unique { "unique " } else { "" },
                index.name
            ),
        }
    }

    pub(crate) fn drop_description(&self) -> String {
        match self {
            Object::Schema { name } => format!("drop schema {name}"),
            Object::Enum { enum_type } => format!("drop enum type {}", enum_type.name),
            Object::Table { table } => format!("drop table {} and all its rows", table.name),
            Object::Column { table, column } => format!(
                "drop column {table}.{} ({}) and its data",
                column.name, column.ty
            ),
            Object::PrimaryKey { table, primary_key } => {
                format!("drop primary key {} of {table}", primary_key.name)
            }
            Object::Unique { table, unique } => {
                format!("drop unique constraint {} of {table}", unique.name)
            }
            Object::Check { table, check } => {
                format!("drop check constraint {} of {table}", check.name)
            }
            Object::ForeignKey {
                table, foreign_key, ..
            } => format!("drop foreign key {} of {table}", foreign_key.name),
            Object::Index { table, index } => format!("drop index {} of {table}", index.name),
        }
    }

    /// What can make the creation fail on the rows present, or what it does
    /// to them that the statement does not show.
    pub(crate) fn create_notes(&self) -> Vec<String> {
        match self {
            Object::Column { column, .. } => {
                let mut notes = Vec::new();
                let filled = column.default.is_some()
                    || column.serial
                    || column.identity.is_some()
                    || column.generated.is_some();
                if !column.nullable && !filled {
                    notes.push(
                        "NOT NULL without a default: fails unless the table is empty".to_string(),
                    );
                }
                if rewrites_on_add(column) {
                    notes.push("fills every existing row: rewrites the table".to_string());
                }
                notes
            }
            Object::PrimaryKey { .. } => {
                vec!["fails if the columns hold duplicates or NULLs".to_string()]
            }
            Object::Unique { .. } => vec!["fails if the columns hold duplicates".to_string()],
            Object::Index { index, .. } if index.unique => vec![
                "fails if the keys hold duplicates".to_string(),
                "blocks writes while the index builds".to_string(),
            ],
            Object::Index { .. } => vec!["blocks writes while the index builds".to_string()],
            Object::Check { .. } => vec!["fails if any row violates the check".to_string()],
            Object::ForeignKey {
                new_table: false, ..
            } => vec![
                "fails if any row references a missing key; blocks writes on both tables while \
                 it validates"
                    .to_string(),
            ],
            Object::ForeignKey {
                new_table: true, ..
            }
            | Object::Schema { .. }
            | Object::Enum { .. }
            | Object::Table { .. } => Vec::new(),
        }
    }

    pub(crate) fn drop_notes(&self) -> Vec<String> {
        match self {
            Object::Schema { .. }
            | Object::Enum { .. }
            | Object::Table { .. }
            | Object::Column { .. }
            | Object::PrimaryKey { .. }
            | Object::Unique { .. }
            | Object::Check { .. }
            | Object::ForeignKey { .. }
            | Object::Index { .. } => Vec::new(),
        }
    }
}
