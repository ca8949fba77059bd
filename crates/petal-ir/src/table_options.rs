//! What a table is besides its columns and constraints: whether it is
//! logged, its storage parameters, its replica identity and its row-level
//! security.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

/// A table's options; the default is a plain `CREATE TABLE`'s. Two
/// tables' options are equal whatever the order of their storage
/// parameters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TableOptions {
    /// `UNLOGGED`: not written to the WAL, so emptied after a crash and
    /// not replicated. A logged table's foreign keys may reference only
    /// logged tables.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unlogged: bool,
    /// Storage parameters (`WITH (fillfactor=70)`), as `pg_class.reloptions`
    /// holds them: `name=value`, in the order they were given. The order
    /// means nothing to the server, but it keeps it and `pg_dump` prints
    /// it, so a new table is written with its parameters in the order of
    /// the model (or of the database it is copied from); a change of order
    /// alone is no difference (an `ALTER TABLE ... SET` appends what it
    /// sets, so no migration could keep an order anyway).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub storage: Vec<String>,
    #[serde(default, skip_serializing_if = "ReplicaIdentity::is_default")]
    pub replica_identity: ReplicaIdentity,
    /// `ENABLE ROW LEVEL SECURITY`: its policies decide which rows a role
    /// other than the owner (or one with `BYPASSRLS`) sees and writes;
    /// with no permissive policy, none.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub row_level_security: bool,
    /// `FORCE ROW LEVEL SECURITY`: the owner is held to the policies too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub force_row_level_security: bool,
}

impl TableOptions {
    pub fn is_default(&self) -> bool {
        *self == TableOptions::default()
    }

    /// Whether both have the same storage parameters, in any order.
    pub fn same_storage(&self, other: &TableOptions) -> bool {
        self.storage_set() == other.storage_set()
    }

    fn storage_set(&self) -> BTreeSet<&str> {
        self.storage.iter().map(String::as_str).collect()
    }
}

impl PartialEq for TableOptions {
    fn eq(&self, other: &Self) -> bool {
        self.unlogged == other.unlogged
            && self.same_storage(other)
            && self.replica_identity == other.replica_identity
            && self.row_level_security == other.row_level_security
            && self.force_row_level_security == other.force_row_level_security
    }
}

impl Eq for TableOptions {}

impl Hash for TableOptions {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.unlogged.hash(state);
        self.storage_set().hash(state);
        self.replica_identity.hash(state);
        self.row_level_security.hash(state);
        self.force_row_level_security.hash(state);
    }
}

/// `REPLICA IDENTITY`: what logical decoding records of a row's old
/// values on UPDATE and DELETE.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaIdentity {
    /// The primary key's columns.
    #[default]
    Default,
    /// Every column.
    Full,
    /// Nothing: a table in a publication refuses UPDATE and DELETE. Also
    /// what a table whose identity index was dropped behaves as (and is
    /// read as).
    Nothing,
    /// The columns of this unique index (or of the primary key or unique
    /// constraint it backs).
    Index(String),
}

impl ReplicaIdentity {
    pub fn is_default(&self) -> bool {
        *self == ReplicaIdentity::Default
    }

    /// Whether it is the index (or key) named `index`.
    pub fn is_index(&self, index: &str) -> bool {
        matches!(self, ReplicaIdentity::Index(name) if name == index)
    }

    /// As a reviewer reads it: `full`, `using index "orders_pkey"`.
    pub fn describe(&self) -> String {
        match self {
            ReplicaIdentity::Index(name) => format!("using index {}", crate::quote_ident(name)),
            other => other.sql().to_lowercase(),
        }
    }

    /// The clause after `REPLICA IDENTITY`, the index name quoted.
    pub fn sql(&self) -> String {
        match self {
            ReplicaIdentity::Default => "DEFAULT".to_string(),
            ReplicaIdentity::Full => "FULL".to_string(),
            ReplicaIdentity::Nothing => "NOTHING".to_string(),
            ReplicaIdentity::Index(name) => format!("USING INDEX {}", crate::quote_ident(name)),
        }
    }
}
