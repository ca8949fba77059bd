//! Domains: a base type with a default, NOT NULL and named checks.

use serde::{Deserialize, Serialize};

use crate::{Check, QualifiedName, SqlType};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    pub name: QualifiedName,
    /// As `format_type` prints it (`numeric(12,2)`, `public.citext`).
    pub base_type: SqlType,
    /// When it is not the base type's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_null: bool,
    /// Sorted by name; each expression as `pg_get_constraintdef` prints it,
    /// without `CHECK (...)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Rename hint from a SQL file: the domain's previous name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<QualifiedName>,
}

fn is_false(b: &bool) -> bool {
    !*b
}
