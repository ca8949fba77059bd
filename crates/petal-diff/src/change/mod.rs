//! The changes a migration is made of, and their inverses.
//!
//! Every change carries enough to be undone on its own: a creation or drop
//! carries the whole object, a rename both names, an alteration both values
//! (a [`Delta`]). So the inverses come by construction: a creation's is the
//! drop of the same object, a rename's or an alteration's swaps its delta.
//! The one asymmetric pair is an added enum label, which PostgreSQL cannot
//! remove: its inverse recreates the type.
//!
//! The down section of a migration is the inverse of each up change, in
//! reverse order.

mod alter;
mod alter_review;
mod collations;
mod column_type;
mod copy_rows;
mod defaults;
mod enum_labels;
mod extensions;
mod functions;
mod moved;
mod object;
mod partitions;
mod policies;
pub(crate) mod privileges;
mod rename;
mod replace;
mod sequences;
mod table_options;
mod tables;
mod triggers;
mod types;
pub(crate) mod views;

use petal_ir::ObjectKey;
use serde::{Deserialize, Serialize};

pub use alter::{Alter, AttributeType, ColumnType, NotNull, SequenceSettings, ValidatedConstraint};
pub use copy_rows::RowSide;
pub use enum_labels::{AddEnumLabel, EnumColumn, EnumForeignKey, RecreateEnum};
pub use moved::Moved;
pub use object::Object;
pub use policies::{PolicyRules, RowSecurity};
pub use rename::Rename;
pub use replace::Replace;

/// One schema change. Names are those the objects have at the moment the
/// change runs (after earlier renames, before later ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    Create(Object),
    Drop(Object),
    Rename(Rename),
    /// `CREATE OR REPLACE` of a view or function: the object is kept (and
    /// what depends on it), its definition changes.
    Replace(Box<Replace>),
    Alter(Alter),
    /// `ALTER TYPE ... ADD VALUE`; its inverse is a [`Change::RecreateEnum`].
    AddEnumLabel(AddEnumLabel),
    RecreateEnum(RecreateEnum),
    /// An object dropped only to be created again after another change
    /// (see [`Moved`]); its inverse is a [`Change::PutBack`].
    MoveAside(Moved),
    /// The creation that puts a moved object back.
    PutBack(Moved),
}

/// A value before and after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta<T> {
    pub from: T,
    pub to: T,
}

impl<T> Delta<T> {
    pub fn new(from: T, to: T) -> Self {
        Delta { from, to }
    }

    /// The same delta, the other way round.
    pub fn reversed(self) -> Self {
        Delta {
            from: self.to,
            to: self.from,
        }
    }

    /// Turns the delta the other way round in place.
    pub fn reverse(&mut self) {
        std::mem::swap(&mut self.from, &mut self.to);
    }
}

impl Change {
    /// A partition created, dropped, attached or detached, or an index of
    /// a partitioned table alone (`ON ONLY`) created: its impact is its
    /// own, not spread over its parent's other partitions.
    pub fn is_partition_ddl(&self) -> bool {
        match self {
            Change::Create(Object::Table { table, .. })
            | Change::Drop(Object::Table { table, .. }) => table.partition_of.is_some(),
            // Its drop locks every partition, as any index's does.
            Change::Create(Object::Index { index, .. }) => index.only,
            Change::Alter(Alter::PartitionOf { .. }) => true,
            _ => false,
        }
    }

    /// A statement PostgreSQL passes on from an inheritance parent to its
    /// children: a column added, dropped, renamed or changed (type,
    /// default, NOT NULL), a check (not `NO INHERIT`) added, dropped or
    /// validated.
    pub fn reaches_inheritance_children(&self) -> bool {
        match self {
            Change::Create(object)
            | Change::Drop(object)
            | Change::MoveAside(Moved { object, .. })
            | Change::PutBack(Moved { object, .. }) => match object {
                Object::Column { .. } => true,
                Object::Check { check, .. } => !check.no_inherit,
                _ => false,
            },
            Change::Rename(Rename::Column { .. }) => true,
            Change::Alter(
                Alter::ColumnType { .. }
                | Alter::Nullable { .. }
                | Alter::NotNullState { .. }
                | Alter::Default { .. }
                | Alter::Serial { .. },
            ) => true,
            Change::Alter(Alter::ConstraintValid { constraint, .. }) => {
                matches!(constraint, ValidatedConstraint::Check(c) if !c.no_inherit)
            }
            _ => false,
        }
    }

    /// A key added to a table (primary, unique, exclusion or foreign):
    /// PostgreSQL locks the table's inheritance children as it locks the
    /// table, and reads none of their rows. A primary key does so on every
    /// version (it checks that they hold its columns NOT NULL), the others
    /// from 18 on. The plain label says so on every version, more than 13
    /// to 17 do, never less than 18 does; the online recipes, which know
    /// the target's version, say it from 18 only. The table, when so.
    pub fn locks_inheritance_children(&self) -> Option<&petal_ir::QualifiedName> {
        match self {
            Change::Create(object) | Change::PutBack(Moved { object, .. }) => match object {
                Object::PrimaryKey { table, .. }
                | Object::Unique { table, .. }
                | Object::Exclusion { table, .. }
                | Object::ForeignKey { table, .. } => Some(table),
                _ => None,
            },
            _ => None,
        }
    }

    /// A policy created, dropped, renamed or altered, or a table's
    /// row-level security switched: PostgreSQL does it to the table
    /// alone, never to its partitions.
    pub fn is_row_security(&self) -> bool {
        match self {
            Change::Create(object)
            | Change::Drop(object)
            | Change::MoveAside(Moved { object, .. })
            | Change::PutBack(Moved { object, .. }) => matches!(object, Object::Policy { .. }),
            Change::Rename(Rename::Policy { .. }) => true,
            Change::Alter(Alter::Policy { .. } | Alter::RowSecurity { .. }) => true,
            Change::Alter(Alter::Comment { on, .. }) => matches!(on, ObjectKey::Policy { .. }),
            _ => false,
        }
    }

    /// The object the change is about (as it is named before the change).
    pub fn key(&self) -> ObjectKey {
        match self {
            Change::Create(object) | Change::Drop(object) => object.key(),
            Change::MoveAside(moved) | Change::PutBack(moved) => moved.object.key(),
            Change::Rename(rename) => rename.key(),
            Change::Replace(replace) => replace.key(),
            Change::Alter(alter) => alter.key(),
            Change::AddEnumLabel(AddEnumLabel { name, .. })
            | Change::RecreateEnum(RecreateEnum { name, .. }) => {
                ObjectKey::Enum { name: name.clone() }
            }
        }
    }

    /// The change that undoes this one, applied to the state this one
    /// produced.
    pub fn inverse(&self) -> Change {
        match self.clone() {
            Change::Create(object) => Change::Drop(object),
            Change::Drop(object) => Change::Create(object),
            Change::Rename(rename) => Change::Rename(rename.reversed()),
            Change::Replace(replace) => Change::Replace(Box::new(replace.reversed())),
            Change::Alter(alter) => Change::Alter(alter.reversed()),
            Change::AddEnumLabel(add) => Change::RecreateEnum(add.inverse()),
            Change::RecreateEnum(recreate) => Change::RecreateEnum(recreate.reversed()),
            Change::MoveAside(moved) => Change::PutBack(moved),
            Change::PutBack(moved) => Change::MoveAside(moved),
        }
    }
}

/// The down list of an up list: each change's inverse, in reverse order.
pub fn inverse_all(changes: &[Change]) -> Vec<Change> {
    changes.iter().rev().map(Change::inverse).collect()
}

#[cfg(test)]
mod tests {
    use petal_ir::{Column, QualifiedName, SqlType, Table};

    use super::*;

    #[test]
    fn a_change_survives_json_and_names_its_kinds() {
        let table = QualifiedName::new("public", "t");
        let mut t = Table::new(table.clone());
        t.columns
            .push(Column::new("a", SqlType::canonical("integer")));
        let changes = vec![
            Change::Create(Object::Table {
                table: t,
                default_partition: None,
                referenced_by: Vec::new(),
                parent_references: Vec::new(),
                rows_copied: None,
            }),
            Change::Rename(Rename::Column {
                table: table.clone(),
                name: Delta::new("a".into(), "b".into()),
            }),
            Change::Alter(Alter::Default {
                table: table.clone(),
                column: "b".into(),
                default: Delta::new(None, Some("0".into())),
                because: None,
            }),
            Change::MoveAside(Moved {
                object: Object::Check {
                    table: table.clone(),
                    check: petal_ir::Check {
                        name: "t_b_check".into(),
                        expr: "(b > 0)".into(),
                        not_valid: false,
                        no_inherit: false,
                        comment: None,
                    },
                },
                because: ObjectKey::column(&table, "b"),
            }),
        ];
        let json = serde_json::to_string(&changes).expect("serializes");
        assert!(
            json.contains(r#""change":"create","object":"table""#),
            "{json}"
        );
        assert!(
            json.contains(r#""change":"move_aside","object":"check""#)
                && json.contains(r#""because":{"object":"column""#),
            "{json}"
        );
        assert!(json.contains(r#""from":"a","to":"b""#), "{json}");
        let back: Vec<Change> = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, changes);
    }

    #[test]
    fn inverse_twice_is_identity_for_symmetric_changes() {
        let table = QualifiedName::new("public", "t");
        let change = Change::Alter(Alter::Nullable {
            table,
            column: "a".into(),
            nullable: Delta::new(true, false),
        });
        assert_eq!(change.inverse().inverse(), change);
        assert_ne!(change.inverse(), change);
    }
}
