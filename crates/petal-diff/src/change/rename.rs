//! Renames: an object keeps everything but its name.

use petal_ir::{ObjectKey, QualifiedName, quote_literal};
use serde::{Deserialize, Serialize};

use super::Delta;

/// A rename of one object. Renaming a table or an enum type may move it to
/// another schema too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "object", rename_all = "snake_case")]
pub enum Rename {
    Enum {
        #[serde(flatten)]
        name: Delta<QualifiedName>,
    },
    EnumLabel {
        enum_type: QualifiedName,
        #[serde(flatten)]
        label: Delta<String>,
    },
    Table {
        #[serde(flatten)]
        name: Delta<QualifiedName>,
    },
    Column {
        table: QualifiedName,
        #[serde(flatten)]
        name: Delta<String>,
    },
    /// A primary key, unique, check or foreign key constraint.
    Constraint {
        table: QualifiedName,
        #[serde(flatten)]
        name: Delta<String>,
    },
    Index {
        table: QualifiedName,
        #[serde(flatten)]
        name: Delta<String>,
    },
}

impl Rename {
    /// The rename back.
    pub fn reversed(self) -> Rename {
        match self {
            Rename::Enum { name } => Rename::Enum {
                name: name.reversed(),
            },
            Rename::EnumLabel { enum_type, label } => Rename::EnumLabel {
                enum_type,
                label: label.reversed(),
            },
            Rename::Table { name } => Rename::Table {
                name: name.reversed(),
            },
            Rename::Column { table, name } => Rename::Column {
                table,
                name: name.reversed(),
            },
            Rename::Constraint { table, name } => Rename::Constraint {
                table,
                name: name.reversed(),
            },
            Rename::Index { table, name } => Rename::Index {
                table,
                name: name.reversed(),
            },
        }
    }

    /// The object as it is before the rename.
    pub fn key(&self) -> ObjectKey {
        match self {
            Rename::Enum { name } => ObjectKey::Enum {
                name: name.from.clone(),
            },
            Rename::EnumLabel { enum_type, label } => ObjectKey::EnumLabel {
                enum_type: enum_type.clone(),
                label: label.from.clone(),
            },
            Rename::Table { name } => ObjectKey::table(&name.from),
            Rename::Column { table, name } => ObjectKey::column(table, &name.from),
            Rename::Constraint { table, name } => ObjectKey::constraint(table, &name.from),
            Rename::Index { table, name } => ObjectKey::index(table, &name.from),
        }
    }

    pub(crate) fn description(&self) -> String {
        match self {
            Rename::Enum { name } => format!("rename enum type {} to {}", name.from, name.to),
            Rename::EnumLabel { enum_type, label } => format!(
                "rename label {} of enum type {enum_type} to {}",
                quote_literal(&label.from),
                quote_literal(&label.to)
            ),
            Rename::Table { name } => format!("rename table {} to {}", name.from, name.to),
            Rename::Column { table, name } => {
                format!("rename column {table}.{} to {}", name.from, name.to)
            }
            Rename::Constraint { table, name } => {
                format!("rename constraint {} of {table} to {}", name.from, name.to)
            }
            Rename::Index { table, name } => {
                format!("rename index {} of {table} to {}", name.from, name.to)
            }
        }
    }

    /// What the rename does to code that uses the object.
    pub(crate) fn notes(&self) -> Vec<String> {
        match self {
            Rename::Table { .. } | Rename::Column { .. } => vec![
                "code running against the old name breaks until it is deployed with the new one"
                    .to_string(),
            ],
            Rename::Enum { .. }
            | Rename::EnumLabel { .. }
            | Rename::Constraint { .. }
            | Rename::Index { .. } => Vec::new(),
        }
    }
}
