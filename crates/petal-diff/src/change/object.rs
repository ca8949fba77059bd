//! Objects created and dropped as a whole. What creating or dropping each
//! kind means for a live database is said by the kind's own module.

use petal_ir::{
    Attribute, Check, Collation, Column, CompositeType, Domain, EnumType, Exclusion, Extension,
    ForeignKey, Function, Index, ObjectKey, Policy, PrimaryKey, QualifiedName, RangeType, Sequence,
    Table, Trigger, Unique, View,
};
use serde::{Deserialize, Serialize};

use super::{
    collations, extensions, functions, policies, sequences, tables, triggers, types, views,
};
use crate::classify::Review;

/// An object as a [`Change::Create`](super::Change::Create) or
/// [`Change::Drop`](super::Change::Drop) carries it: whole, so that the
/// drop can be undone.
// A migration holds tens of changes, rarely thousands: a table's size
// inline costs less than a box in every pattern over it.
#[allow(clippy::large_enum_variant)]
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
        /// For a partition: its parent's default partition, which creating
        /// or dropping it locks (and, created, reads: none of its rows may
        /// belong to the new bound).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_partition: Option<QualifiedName>,
        /// For a partition: the tables whose foreign keys reference its
        /// parent, which its creation or drop locks too (and a drop, its
        /// detach, reads: no row of theirs may reference its rows).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        referenced_by: Vec<QualifiedName>,
        /// For a partition: the tables its parent's foreign keys
        /// reference, whose triggers its detach before a drop changes.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        parent_references: Vec<QualifiedName>,
        /// For a table recreated with its rows (or a partition below one):
        /// the other table of the copy, which its rows are copied into
        /// before it is dropped, or copied from once it is created.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rows_copied: Option<QualifiedName>,
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
    Exclusion {
        table: QualifiedName,
        exclusion: Exclusion,
    },
    /// `new_table`: the table is created (or, for a drop, dropped) by the
    /// same migration, so the key locks nothing anyone uses.
    ForeignKey {
        table: QualifiedName,
        foreign_key: ForeignKey,
        new_table: bool,
    },
    /// An index of a table, or of a materialized view.
    Index {
        table: QualifiedName,
        index: Index,
    },
    Extension {
        extension: Extension,
    },
    Sequence {
        sequence: Sequence,
    },
    /// A view, or a materialized view with its indexes.
    View {
        view: View,
    },
    /// A function, procedure or aggregate.
    Function {
        function: Function,
    },
    Trigger {
        trigger: Trigger,
    },
    /// A row-level security policy. `guarded`: its table is kept by the
    /// migration and has row-level security on while the policy is
    /// there, so creating or dropping it changes who sees which rows.
    Policy {
        policy: Policy,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        guarded: bool,
        /// Created again (or, reversed, dropped to be) with an expression
        /// added or taken away, on such a table: its rows change.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        reworded: bool,
    },
    /// A domain with its checks.
    Domain {
        domain: Domain,
    },
    /// A check of a kept domain. `users`: the tables with a column of the
    /// domain, whose rows PostgreSQL checks when the check is added.
    DomainCheck {
        domain: QualifiedName,
        check: Check,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        users: Vec<QualifiedName>,
    },
    CompositeType {
        composite: CompositeType,
    },
    /// An attribute of a kept composite type.
    Attribute {
        composite: QualifiedName,
        attribute: Attribute,
    },
    RangeType {
        range: RangeType,
    },
    /// A user collation.
    Collation {
        collation: Collation,
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
            Object::Table { table, .. } => ObjectKey::table(&table.name),
            Object::Column { table, column } => ObjectKey::column(table, &column.name),
            Object::PrimaryKey { table, primary_key } => {
                ObjectKey::constraint(table, &primary_key.name)
            }
            Object::Unique { table, unique } => ObjectKey::constraint(table, &unique.name),
            Object::Check { table, check } => ObjectKey::constraint(table, &check.name),
            Object::Exclusion { table, exclusion } => ObjectKey::constraint(table, &exclusion.name),
            Object::ForeignKey {
                table, foreign_key, ..
            } => ObjectKey::constraint(table, &foreign_key.name),
            Object::Index { table, index } => ObjectKey::index(table, &index.name),
            Object::Extension { extension } => ObjectKey::Extension {
                name: extension.name.clone(),
            },
            Object::Sequence { sequence } => ObjectKey::Sequence {
                name: sequence.name.clone(),
            },
            Object::View { view } => views::key(view),
            Object::Function { function } => ObjectKey::function(&function.key()),
            Object::Trigger { trigger } => ObjectKey::trigger(&trigger.key()),
            Object::Policy { policy, .. } => ObjectKey::policy(&policy.key()),
            Object::Domain { domain } => ObjectKey::Domain {
                name: domain.name.clone(),
            },
            Object::DomainCheck { domain, check, .. } => ObjectKey::DomainCheck {
                domain: domain.clone(),
                name: check.name.clone(),
            },
            Object::CompositeType { composite } => ObjectKey::CompositeType {
                name: composite.name.clone(),
            },
            Object::Attribute {
                composite,
                attribute,
            } => ObjectKey::column(composite, &attribute.name),
            Object::RangeType { range } => ObjectKey::RangeType {
                name: range.name.clone(),
            },
            Object::Collation { collation } => ObjectKey::Collation {
                name: collation.name.clone(),
            },
        }
    }

    pub(crate) fn create_review(&self) -> Review {
        match self {
            Object::Schema { name } => Review::safe(format!("create schema {name}")),
            Object::Enum { enum_type } => tables::create_enum(enum_type),
            Object::Table {
                table,
                default_partition,
                rows_copied,
                ..
            } => {
                let review = tables::create_table(table, default_partition.as_ref());
                match rows_copied {
                    Some(from) => review.note(format!("its rows are copied from {from} below")),
                    None => review,
                }
            }
            Object::Column { table, column } => tables::add_column(table, column),
            Object::PrimaryKey { table, primary_key } => {
                tables::add_primary_key(table, primary_key)
            }
            Object::Unique { table, unique } => tables::add_unique(table, unique),
            Object::Check { table, check } => tables::add_check(table, check),
            Object::Exclusion { table, exclusion } => tables::add_exclusion(table, exclusion),
            Object::ForeignKey {
                table,
                foreign_key,
                new_table,
            } => tables::add_foreign_key(table, foreign_key, *new_table),
            Object::Index { table, index } => tables::create_index(table, index),
            Object::Extension { extension } => extensions::create(extension),
            Object::Sequence { sequence } => sequences::create(sequence),
            Object::View { view } => views::create(view),
            Object::Function { function } => functions::create(function),
            Object::Trigger { trigger } => triggers::create(trigger),
            Object::Policy {
                policy,
                guarded,
                reworded,
            } => policies::create(policy, *guarded).reworded(*reworded),
            Object::Domain { domain } => types::create_domain(domain),
            Object::DomainCheck { domain, check, .. } => types::add_domain_check(domain, check),
            Object::CompositeType { composite } => types::create_composite(composite),
            Object::Attribute {
                composite,
                attribute,
            } => types::add_attribute(composite, attribute),
            Object::RangeType { range } => types::create_range(range),
            Object::Collation { collation } => collations::create(collation),
        }
    }

    pub(crate) fn drop_review(&self) -> Review {
        match self {
            Object::Schema { name } => Review::safe(format!("drop schema {name}")),
            Object::Enum { enum_type } => {
                Review::safe(format!("drop enum type {}", enum_type.name))
            }
            Object::Table {
                table, rows_copied, ..
            } => tables::drop_table(table, rows_copied.as_ref()),
            Object::Column { table, column } => tables::drop_column(table, column),
            Object::PrimaryKey { table, primary_key } => {
                Review::safe(format!("drop primary key {} of {table}", primary_key.name))
            }
            Object::Unique { table, unique } => {
                Review::safe(format!("drop unique constraint {} of {table}", unique.name))
            }
            Object::Check { table, check } => {
                Review::safe(format!("drop check constraint {} of {table}", check.name))
            }
            Object::Exclusion { table, exclusion } => Review::safe(format!(
                "drop exclusion constraint {} of {table}",
                exclusion.name
            )),
            Object::ForeignKey {
                table, foreign_key, ..
            } => Review::safe(format!("drop foreign key {} of {table}", foreign_key.name)),
            Object::Index { table, index } => {
                Review::safe(format!("drop index {} of {table}", index.name))
            }
            Object::Extension { extension } => extensions::drop(extension),
            Object::Sequence { sequence } => sequences::drop(sequence),
            Object::View { view } => views::drop(view),
            Object::Function { function } => functions::drop(function),
            Object::Trigger { trigger } => triggers::drop(trigger),
            Object::Policy {
                policy,
                guarded,
                reworded,
            } => policies::drop(policy, *guarded).reworded(*reworded),
            Object::Domain { domain } => types::drop_domain(domain),
            Object::DomainCheck { domain, check, .. } => {
                Review::safe(format!("drop check {} of domain {domain}", check.name))
            }
            Object::CompositeType { composite } => {
                Review::safe(format!("drop composite type {}", composite.name))
            }
            Object::Attribute {
                composite,
                attribute,
            } => types::drop_attribute(composite, attribute),
            Object::RangeType { range } => Review::safe(format!("drop range type {}", range.name)),
            Object::Collation { collation } => collations::drop(collation),
        }
    }
}
