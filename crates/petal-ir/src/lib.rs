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
mod database;
mod dump;
mod eq;
mod key;
mod name;
pub mod naming;
mod sql_type;

pub use database::{
    Check, Column, Database, Deferrable, EnumType, FkAction, ForeignKey, Identity, Index, IndexKey,
    IndexKeyExpr, Named, PrimaryKey, Table, Unique,
};
pub use dump::dump;
pub use key::{ObjectKey, Origin, Part};
pub use name::{QualifiedName, quote_ident, quote_literal};
pub use sql_type::SqlType;

/// The longest identifier PostgreSQL keeps (`NAMEDATALEN - 1`); longer ones
/// are truncated by the server, byte-wise on a character boundary.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// petal's own bookkeeping table, never part of a compared schema.
pub const MIGRATIONS_TABLE: &str = "petal_migrations";
