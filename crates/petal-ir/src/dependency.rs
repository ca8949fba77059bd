//! Dependencies between objects, as PostgreSQL records them (`pg_depend`,
//! and `pg_rewrite` for views): what must exist before an object can be
//! created, and what must go before it can be dropped or changed.
//!
//! Known limit: PostgreSQL records no dependency out of a string-bodied
//! function (PL/pgSQL, or SQL `AS $$...$$`); only a `BEGIN ATOMIC` body
//! (PostgreSQL 14+) records what it uses.

use serde::{Deserialize, Serialize};

use crate::ObjectKey;

/// `dependent` cannot exist without `referenced` (a column when the edge
/// is on one: a view reading `orders.total`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Dependency {
    pub dependent: ObjectKey,
    pub referenced: ObjectKey,
    #[serde(default, skip_serializing_if = "DependencyKind::is_normal")]
    pub kind: DependencyKind,
}

/// `pg_depend.deptype`, for the edges petal keeps.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DependencyKind {
    /// `n`: dropping the referenced object needs the dependent gone first.
    #[default]
    Normal,
    /// `a`: the dependent goes with the referenced object (an index with
    /// its column, a trigger with its table).
    Auto,
    /// `i`: the dependent is part of the referenced object.
    Internal,
    /// `x`: `DEPENDS ON EXTENSION`.
    Extension,
}

impl DependencyKind {
    pub fn is_normal(&self) -> bool {
        *self == DependencyKind::Normal
    }
}
