//! The schema IR: plain values describing a PostgreSQL schema.
//!
//! Everything petal compares passes through these types: the models (read by
//! `petal-syntax`), a live database (read by `petal-pg`), and the diff between
//! them (`petal-diff`). The IR holds no source spans and does no I/O.
//!
//! Ordering rules (they reach output, so they are explicit):
//! - schemas, enum types and tables live in `BTreeMap`s keyed by name;
//! - columns keep their ordinal order, but [`Table`]'s equality ignores it,
//!   since PostgreSQL cannot reorder columns;
//! - constraints and indexes are kept sorted by name ([`Database::normalize`]).

#[cfg(feature = "arbitrary")]
pub mod arbitrary;
mod collation;
mod composite;
mod database;
mod default_privilege;
mod dependency;
mod domain;
mod dump;
mod dump_objects;
mod eq;
mod extension;
mod function;
mod key;
mod name;
pub mod naming;
mod partition;
mod policy;
mod privilege;
mod range;
mod sequence;
mod spelling;
mod sql_type;
mod table;
mod table_options;
mod trigger;
mod view;

pub use collation::Collation;
pub use composite::{Attribute, CompositeType};
pub use database::{Database, EnumType, Keyed};
pub use default_privilege::DefaultObjects;
pub use dependency::{Dependency, DependencyKind};
pub use domain::Domain;
pub use dump::{align_columns, dump};
pub use extension::Extension;
pub use function::{Function, FunctionKey, FunctionKind, Volatility};
pub use key::{ObjectKey, Origin, Part};
pub use name::{QualifiedName, collation_sql, quote_ident, quote_literal};
pub use partition::PartitionOf;
pub use policy::{PUBLIC_ROLE, Policy, PolicyCommand, PolicyKey, roles_sql};
pub use privilege::{Acl, Acls, Grant, Privileges, grantee_sql, merged};
pub use range::RangeType;
pub use sequence::{Sequence, SequenceOptions, SequenceOwner};
pub use spelling::{parse_type_spelling, quote_ident_if_needed, type_spelling};
pub use sql_type::SqlType;
pub use table::{
    Check, Column, Deferrable, Exclusion, FkAction, ForeignKey, Identity, Index, IndexKey,
    IndexKeyExpr, PrimaryKey, Table, Unique,
};
pub use table_options::{ReplicaIdentity, TableOptions};
pub use trigger::{Trigger, TriggerEnabled, TriggerKey};
pub use view::{CheckOption, View, ViewColumn};

/// The longest identifier PostgreSQL keeps (`NAMEDATALEN - 1`); longer ones
/// are truncated by the server, byte-wise on a character boundary.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// petal's own bookkeeping table, never part of a compared schema.
pub const MIGRATIONS_TABLE: &str = "petal_migrations";

/// petal's step journal (the committed steps of each migration), never
/// part of a compared schema either.
pub const STEPS_TABLE: &str = "petal_migration_steps";
