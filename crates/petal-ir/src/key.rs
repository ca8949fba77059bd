//! Object keys: what identifies one object of a schema, across two versions
//! of that schema and across the layers that talk about it (the diff's
//! changes, the comments on objects, the models' source locations).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{DefaultObjects, FunctionKey, PolicyKey, QualifiedName, TriggerKey, quote_literal};

/// The identity of a schema object: its kind and name, and for an object
/// that lives in a table or a type, that table or type.
///
/// Ordered by kind, then name, so maps keyed by it list objects in a stable
/// order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "object", rename_all = "snake_case")]
pub enum ObjectKey {
    Schema {
        name: String,
    },
    Enum {
        name: QualifiedName,
    },
    EnumLabel {
        enum_type: QualifiedName,
        label: String,
    },
    Table {
        name: QualifiedName,
    },
    Column {
        table: QualifiedName,
        column: String,
    },
    /// A primary key, unique, check or foreign key constraint: they share
    /// one namespace per table.
    Constraint {
        table: QualifiedName,
        name: String,
    },
    Index {
        table: QualifiedName,
        name: String,
    },
    Extension {
        name: String,
    },
    Sequence {
        name: QualifiedName,
    },
    View {
        name: QualifiedName,
    },
    /// Apart from views: the two kinds take different statements.
    MaterializedView {
        name: QualifiedName,
    },
    /// A function, procedure or aggregate.
    Function {
        name: QualifiedName,
        signature: String,
    },
    Trigger {
        table: QualifiedName,
        name: String,
    },
    /// A row-level security policy.
    Policy {
        table: QualifiedName,
        name: String,
    },
    Domain {
        name: QualifiedName,
    },
    DomainCheck {
        domain: QualifiedName,
        name: String,
    },
    CompositeType {
        name: QualifiedName,
    },
    RangeType {
        name: QualifiedName,
    },
    Collation {
        name: QualifiedName,
    },
    /// What the objects `role` creates (in `schema`, or anywhere) grant
    /// to others from then on: `ALTER DEFAULT PRIVILEGES`.
    DefaultPrivileges {
        role: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        schema: Option<String>,
        objects: DefaultObjects,
    },
}

impl ObjectKey {
    pub fn table(name: &QualifiedName) -> Self {
        ObjectKey::Table { name: name.clone() }
    }

    pub fn column(table: &QualifiedName, column: &str) -> Self {
        ObjectKey::Column {
            table: table.clone(),
            column: column.to_string(),
        }
    }

    pub fn constraint(table: &QualifiedName, name: &str) -> Self {
        ObjectKey::Constraint {
            table: table.clone(),
            name: name.to_string(),
        }
    }

    pub fn index(table: &QualifiedName, name: &str) -> Self {
        ObjectKey::Index {
            table: table.clone(),
            name: name.to_string(),
        }
    }

    pub fn function(key: &FunctionKey) -> Self {
        ObjectKey::Function {
            name: key.name.clone(),
            signature: key.signature.clone(),
        }
    }

    pub fn trigger(key: &TriggerKey) -> Self {
        ObjectKey::Trigger {
            table: key.table.clone(),
            name: key.name.clone(),
        }
    }

    pub fn policy(key: &PolicyKey) -> Self {
        ObjectKey::Policy {
            table: key.table.clone(),
            name: key.name.clone(),
        }
    }

    /// The schema the object lives in; none for an extension, whose
    /// schema is a setting of its own.
    pub fn schema(&self) -> Option<&str> {
        match self {
            ObjectKey::Schema { name } => Some(name),
            ObjectKey::Extension { .. } => None,
            ObjectKey::DefaultPrivileges { schema, .. } => schema.as_deref(),
            ObjectKey::Enum { name }
            | ObjectKey::Table { name }
            | ObjectKey::Sequence { name }
            | ObjectKey::View { name }
            | ObjectKey::MaterializedView { name }
            | ObjectKey::Function { name, .. }
            | ObjectKey::Domain { name }
            | ObjectKey::CompositeType { name }
            | ObjectKey::RangeType { name }
            | ObjectKey::Collation { name } => Some(&name.schema),
            ObjectKey::EnumLabel {
                enum_type: parent, ..
            }
            | ObjectKey::Column { table: parent, .. }
            | ObjectKey::Constraint { table: parent, .. }
            | ObjectKey::Index { table: parent, .. }
            | ObjectKey::Trigger { table: parent, .. }
            | ObjectKey::Policy { table: parent, .. }
            | ObjectKey::DomainCheck { domain: parent, .. } => Some(&parent.schema),
        }
    }

    /// The table (or view, or composite type) the object is, or lives in.
    pub fn in_table(&self) -> Option<&QualifiedName> {
        match self {
            ObjectKey::Table { name }
            | ObjectKey::View { name }
            | ObjectKey::MaterializedView { name } => Some(name),
            ObjectKey::Column { table, .. }
            | ObjectKey::Constraint { table, .. }
            | ObjectKey::Index { table, .. }
            | ObjectKey::Trigger { table, .. }
            | ObjectKey::Policy { table, .. } => Some(table),
            ObjectKey::Schema { .. }
            | ObjectKey::Enum { .. }
            | ObjectKey::EnumLabel { .. }
            | ObjectKey::Extension { .. }
            | ObjectKey::Sequence { .. }
            | ObjectKey::Function { .. }
            | ObjectKey::Domain { .. }
            | ObjectKey::DomainCheck { .. }
            | ObjectKey::CompositeType { .. }
            | ObjectKey::RangeType { .. }
            | ObjectKey::Collation { .. }
            | ObjectKey::DefaultPrivileges { .. } => None,
        }
    }
}

/// As a description names it: `table public.orders`,
/// `column public.orders.total`, `index orders_total_idx of public.orders`.
impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectKey::Schema { name } => write!(f, "schema {name}"),
            ObjectKey::Enum { name } => write!(f, "enum type {name}"),
            ObjectKey::EnumLabel { enum_type, label } => {
                write!(f, "label {} of enum type {enum_type}", quote_literal(label))
            }
            ObjectKey::Table { name } => write!(f, "table {name}"),
            ObjectKey::Column { table, column } => write!(f, "column {table}.{column}"),
            ObjectKey::Constraint { table, name } => write!(f, "constraint {name} of {table}"),
            ObjectKey::Index { table, name } => write!(f, "index {name} of {table}"),
            ObjectKey::Extension { name } => write!(f, "extension {name}"),
            ObjectKey::Sequence { name } => write!(f, "sequence {name}"),
            ObjectKey::View { name } => write!(f, "view {name}"),
            ObjectKey::MaterializedView { name } => write!(f, "materialized view {name}"),
            ObjectKey::Function { name, signature } => write!(f, "function {name}({signature})"),
            ObjectKey::Trigger { table, name } => write!(f, "trigger {name} on {table}"),
            ObjectKey::Policy { table, name } => write!(f, "policy {name} on {table}"),
            ObjectKey::Domain { name } => write!(f, "domain {name}"),
            ObjectKey::DomainCheck { domain, name } => {
                write!(f, "check {name} of domain {domain}")
            }
            ObjectKey::CompositeType { name } => write!(f, "composite type {name}"),
            ObjectKey::RangeType { name } => write!(f, "range type {name}"),
            ObjectKey::Collation { name } => write!(f, "collation {name}"),
            ObjectKey::DefaultPrivileges {
                role,
                schema,
                objects,
            } => {
                write!(f, "default privileges of role {role}")?;
                if let Some(schema) = schema {
                    write!(f, " in schema {schema}")?;
                }
                write!(f, " on {objects}")
            }
        }
    }
}

/// Which part of an object a piece of SQL (or of a model) is about: what
/// an error PostgreSQL reports inside a statement is traced back to.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The object as a whole (its declaration).
    #[default]
    Whole,
    /// A column's type.
    Type,
    /// A column's default expression.
    Default,
    /// A check's expression, an index's key expression, a generated
    /// column's expression.
    Expression,
    /// A partial index's `WHERE` predicate.
    Predicate,
}

/// An object, or one part of it: where a statement, or a piece of one,
/// comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Origin {
    pub object: ObjectKey,
    #[serde(default, skip_serializing_if = "is_whole")]
    pub part: Part,
}

fn is_whole(part: &Part) -> bool {
    *part == Part::Whole
}

impl Origin {
    pub fn whole(object: ObjectKey) -> Self {
        Origin {
            object,
            part: Part::Whole,
        }
    }

    pub fn part(object: ObjectKey, part: Part) -> Self {
        Origin { object, part }
    }
}

/// `the default of column public.orders.total`, `table public.orders`.
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = match self.part {
            Part::Whole => return self.object.fmt(f),
            Part::Type => "the type",
            Part::Default => "the default",
            Part::Expression => "the expression",
            Part::Predicate => "the predicate",
        };
        write!(f, "{part} of {}", self.object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_their_object() {
        let t = QualifiedName::new("public", "orders");
        assert_eq!(
            ObjectKey::column(&t, "total").to_string(),
            "column public.orders.total"
        );
        assert_eq!(
            ObjectKey::index(&t, "orders_total_idx").to_string(),
            "index orders_total_idx of public.orders"
        );
        assert_eq!(ObjectKey::index(&t, "i").in_table(), Some(&t));
    }
}
