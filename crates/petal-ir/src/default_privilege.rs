//! Default privileges (`ALTER DEFAULT PRIVILEGES FOR ROLE r [IN SCHEMA s]
//! GRANT ... ON TABLES TO g`): what the objects a role creates from then on
//! grant to others. Compared with the other privileges, when the project
//! says so, keyed by [`ObjectKey::DefaultPrivileges`](crate::ObjectKey).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kind of object a default privilege covers (`pg_default_acl`'s
/// `defaclobjtype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultObjects {
    Tables,
    Sequences,
    Functions,
    Types,
    Schemas,
}

impl DefaultObjects {
    /// As `ALTER DEFAULT PRIVILEGES ... ON` names it.
    pub fn sql(self) -> &'static str {
        match self {
            DefaultObjects::Tables => "TABLES",
            DefaultObjects::Sequences => "SEQUENCES",
            DefaultObjects::Functions => "FUNCTIONS",
            DefaultObjects::Types => "TYPES",
            DefaultObjects::Schemas => "SCHEMAS",
        }
    }

    /// From `defaclobjtype`; none for a kind petal does not compare
    /// (large objects, PostgreSQL 18's).
    pub fn from_code(code: &str) -> Option<DefaultObjects> {
        Some(match code {
            "r" => DefaultObjects::Tables,
            "S" => DefaultObjects::Sequences,
            "f" => DefaultObjects::Functions,
            "T" => DefaultObjects::Types,
            "n" => DefaultObjects::Schemas,
            _ => return None,
        })
    }
}

impl fmt::Display for DefaultObjects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql().to_lowercase())
    }
}
