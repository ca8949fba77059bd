//! User collations: `CREATE COLLATION name (provider = ..., locale = ...)`.
//!
//! A column, a domain, a range or an index key names a collation; the IR
//! spells such a use as [`Collation::spelling`] does (`"schema"."name"`),
//! which is how the catalog queries print one outside `pg_catalog`.

use serde::{Deserialize, Serialize};

use crate::QualifiedName;

/// A collation in a compared schema. The version PostgreSQL records
/// (`collversion`) is never compared: it is the provider library's, which
/// differs between the servers a project meets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collation {
    pub name: QualifiedName,
    /// `libc`, `icu` or (PostgreSQL 17+) `builtin`.
    pub provider: String,
    /// The ICU or builtin locale; none for libc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// libc's `LC_COLLATE` and `LC_CTYPE`; none for the other providers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_collate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_ctype: Option<String>,
    /// False for a nondeterministic collation (equal strings need not be
    /// byte-equal).
    #[serde(default = "deterministic", skip_serializing_if = "is_true")]
    pub deterministic: bool,
    /// ICU tailoring rules (PostgreSQL 16+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The name it had before (a hint from the SQL files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<QualifiedName>,
}

fn deterministic() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

impl Collation {
    /// How a column, domain, range or index key of this collation spells
    /// it in the IR.
    pub fn spelling(name: &QualifiedName) -> String {
        format!(
            "\"{}\".\"{}\"",
            name.schema.replace('"', "\"\""),
            name.name.replace('"', "\"\"")
        )
    }

    /// Whether two collations are the same but for their names, comments
    /// and hints: a change of any of this recreates one.
    pub fn same_definition(&self, other: &Collation) -> bool {
        self.provider == other.provider
            && self.locale == other.locale
            && self.lc_collate == other.lc_collate
            && self.lc_ctype == other.lc_ctype
            && self.deterministic == other.deterministic
            && self.rules == other.rules
    }
}
