//! Functions, procedures and aggregates, keyed by name and input types.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Privileges, QualifiedName};

/// What identifies a function among its overloads: its name and input
/// argument types (`app.add(integer, integer)`), as `oidvectortypes`
/// prints them. Argument names are not part of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FunctionKey {
    pub name: QualifiedName,
    pub signature: String,
}

impl fmt::Display for FunctionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.name, self.signature)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub name: QualifiedName,
    /// The input argument types, as in [`FunctionKey::signature`].
    pub signature: String,
    pub kind: FunctionKind,
    /// `pg_get_function_identity_arguments`: what `DROP FUNCTION` names.
    pub identity_arguments: String,
    /// `pg_get_function_arguments`: names, modes and defaults.
    pub arguments: String,
    /// `pg_get_function_result`; none for a procedure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    pub language: String,
    pub volatility: Volatility,
    /// The whole `CREATE OR REPLACE` statement as PostgreSQL prints it
    /// (`pg_get_functiondef`; for an aggregate, assembled from
    /// `pg_aggregate`, which no server function prints).
    pub definition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Not compared (see [`Privileges`]): carried onto the function when
    /// petal recreates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileges: Privileges,
    /// Rename hint from a SQL file: the previous name (same arguments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<QualifiedName>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    Function,
    Procedure,
    Aggregate,
    Window,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

impl Function {
    pub fn key(&self) -> FunctionKey {
        FunctionKey {
            name: self.name.clone(),
            signature: self.signature.clone(),
        }
    }

    /// A `LANGUAGE sql` body given as a string (`AS $$...$$`), which
    /// PostgreSQL parses and checks against the catalogs when the function
    /// is created (with `check_function_bodies` on, as in a migration) but
    /// records no dependency of: what it reads must exist first. A
    /// `BEGIN ATOMIC` or `RETURN` body records its dependencies instead.
    pub fn has_checked_string_body(&self) -> bool {
        // `pg_get_functiondef` starts a string body's line with `AS `; the
        // header's other lines start with a space.
        self.language == "sql" && self.definition.lines().any(|line| line.starts_with("AS "))
    }
}

impl FunctionKind {
    /// `FUNCTION`, `PROCEDURE`, `AGGREGATE`: the word DDL uses.
    pub fn sql(&self) -> &'static str {
        match self {
            FunctionKind::Function | FunctionKind::Window => "FUNCTION",
            FunctionKind::Procedure => "PROCEDURE",
            FunctionKind::Aggregate => "AGGREGATE",
        }
    }

    /// `function`, `procedure`, `aggregate`, as messages name it.
    pub fn noun(&self) -> &'static str {
        match self {
            FunctionKind::Function => "function",
            FunctionKind::Window => "window function",
            FunctionKind::Procedure => "procedure",
            FunctionKind::Aggregate => "aggregate",
        }
    }
}
