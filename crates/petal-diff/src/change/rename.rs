//! Renames: an object keeps everything but its name.

use petal_ir::{ObjectKey, QualifiedName, quote_literal};
use serde::{Deserialize, Serialize};

use super::Delta;
use crate::classify::Review;

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
    Sequence {
        #[serde(flatten)]
        name: Delta<QualifiedName>,
    },
    View {
        materialized: bool,
        #[serde(flatten)]
        name: Delta<QualifiedName>,
    },
    /// A function, procedure or aggregate (its arguments stay).
    Function {
        signature: String,
        #[serde(flatten)]
        name: Delta<QualifiedName>,
    },
    Trigger {
        table: QualifiedName,
        #[serde(flatten)]
        name: Delta<String>,
    },
    Policy {
        table: QualifiedName,
        #[serde(flatten)]
        name: Delta<String>,
    },
    Domain {
        #[serde(flatten)]
        name: Delta<QualifiedName>,
    },
    DomainCheck {
        domain: QualifiedName,
        #[serde(flatten)]
        name: Delta<String>,
    },
    CompositeType {
        #[serde(flatten)]
        name: Delta<QualifiedName>,
    },
    Attribute {
        composite: QualifiedName,
        #[serde(flatten)]
        name: Delta<String>,
    },
    RangeType {
        #[serde(flatten)]
        name: Delta<QualifiedName>,
        /// Its multirange's rename, which the range's brings along (found
        /// in the catalogs, whatever its name; PostgreSQL 14+): see
        /// `compare/type_aside.rs` `multirange_follows`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        multirange: Option<Delta<QualifiedName>>,
    },
    Collation {
        #[serde(flatten)]
        name: Delta<QualifiedName>,
    },
}

/// Turns the name delta of every variant round: each holds exactly one.
macro_rules! reverse_names {
    ($value:expr, $($variant:ident => $delta:ident),* $(,)?) => {
        match $value {
            $(Rename::$variant { $delta, .. } => $delta.reverse(),)*
        }
    };
}

impl Rename {
    /// The rename back.
    pub fn reversed(mut self) -> Rename {
        reverse_names!(&mut self,
            Enum => name,
            EnumLabel => label,
            Table => name,
            Column => name,
            Constraint => name,
            Index => name,
            Sequence => name,
            View => name,
            Function => name,
            Trigger => name,
            Policy => name,
            Domain => name,
            DomainCheck => name,
            CompositeType => name,
            Attribute => name,
            RangeType => name,
            Collation => name,
        );
        if let Rename::RangeType {
            multirange: Some(multirange),
            ..
        } = &mut self
        {
            multirange.reverse();
        }
        self
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
            Rename::Sequence { name } => ObjectKey::Sequence {
                name: name.from.clone(),
            },
            Rename::View { materialized, name } => {
                let name = name.from.clone();
                if *materialized {
                    ObjectKey::MaterializedView { name }
                } else {
                    ObjectKey::View { name }
                }
            }
            Rename::Function { signature, name } => ObjectKey::Function {
                name: name.from.clone(),
                signature: signature.clone(),
            },
            Rename::Trigger { table, name } => ObjectKey::Trigger {
                table: table.clone(),
                name: name.from.clone(),
            },
            Rename::Policy { table, name } => ObjectKey::Policy {
                table: table.clone(),
                name: name.from.clone(),
            },
            Rename::Domain { name } => ObjectKey::Domain {
                name: name.from.clone(),
            },
            Rename::DomainCheck { domain, name } => ObjectKey::DomainCheck {
                domain: domain.clone(),
                name: name.from.clone(),
            },
            Rename::CompositeType { name } => ObjectKey::CompositeType {
                name: name.from.clone(),
            },
            Rename::Attribute { composite, name } => ObjectKey::column(composite, &name.from),
            Rename::RangeType { name, .. } => ObjectKey::RangeType {
                name: name.from.clone(),
            },
            Rename::Collation { name } => ObjectKey::Collation {
                name: name.from.clone(),
            },
        }
    }

    /// Every rename is safe for the data; code using the old name breaks.
    pub(crate) fn review(&self) -> Review {
        let review = Review::safe(self.description());
        match self {
            // A table recreated with its rows goes aside while its
            // successor takes its name, and back in the down: no code sees
            // the name change.
            Rename::Table { name }
                if crate::render::retired_name(&name.from) == name.to
                    || crate::render::retired_name(&name.to) == name.from =>
            {
                review
            }
            Rename::Table { .. } | Rename::Column { .. } | Rename::View { .. } => review.note(
                "code running against the old name breaks until it is deployed with the new one",
            ),
            Rename::Function { .. } => review.note(
                "code calling the old name (and function bodies, which PostgreSQL does not \
                 follow) breaks until it uses the new one",
            ),
            Rename::Enum { .. }
            | Rename::EnumLabel { .. }
            | Rename::Constraint { .. }
            | Rename::Index { .. }
            | Rename::Sequence { .. }
            | Rename::Trigger { .. }
            | Rename::Policy { .. }
            | Rename::Domain { .. }
            | Rename::DomainCheck { .. }
            | Rename::CompositeType { .. }
            | Rename::Attribute { .. }
            | Rename::RangeType { .. }
            | Rename::Collation { .. } => review,
        }
    }

    fn description(&self) -> String {
        match self {
            Rename::EnumLabel { enum_type, label } => format!(
                "rename label {} of enum type {enum_type} to {}",
                quote_literal(&label.from),
                quote_literal(&label.to)
            ),
            Rename::Column { table, name } => {
                format!("rename column {table}.{} to {}", name.from, name.to)
            }
            Rename::Attribute { composite, name } => format!(
                "rename attribute {} of composite type {composite} to {}",
                name.from, name.to
            ),
            Rename::Enum { name }
            | Rename::Table { name }
            | Rename::Sequence { name }
            | Rename::View { name, .. }
            | Rename::Function { name, .. }
            | Rename::Domain { name }
            | Rename::CompositeType { name }
            | Rename::RangeType { name, .. }
            | Rename::Collation { name } => {
                format!("rename {} to {}", self.key(), name.to)
            }
            Rename::Constraint { name, .. }
            | Rename::Index { name, .. }
            | Rename::Trigger { name, .. }
            | Rename::Policy { name, .. }
            | Rename::DomainCheck { name, .. } => {
                format!("rename {} to {}", self.key(), name.to)
            }
        }
    }
}
