//! Views and materialized views.

use serde::{Deserialize, Serialize};

use crate::{Index, Privileges, QualifiedName, SqlType};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub name: QualifiedName,
    #[serde(default, skip_serializing_if = "is_false")]
    pub materialized: bool,
    /// The query, as `pg_get_viewdef` prints it (the text differs between
    /// major versions: compare two reads of one server version).
    pub definition: String,
    /// The output columns in order: `CREATE OR REPLACE VIEW` may only add
    /// columns at the end.
    pub columns: Vec<ViewColumn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_option: Option<CheckOption>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub security_barrier: bool,
    /// PostgreSQL 15+.
    #[serde(default, skip_serializing_if = "is_false")]
    pub security_invoker: bool,
    /// Other storage parameters, `name=value`, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// A materialized view's indexes (a plain view has none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Not compared (see [`Privileges`]): carried onto the view when
    /// petal recreates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileges: Privileges,
    /// Rename hint from a SQL file: the view's previous name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<QualifiedName>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: SqlType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `WITH LOCAL|CASCADED CHECK OPTION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOption {
    Local,
    Cascaded,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl View {
    /// `view` or `materialized view`, as messages name it.
    pub fn kind(&self) -> &'static str {
        if self.materialized {
            "materialized view"
        } else {
            "view"
        }
    }
}
