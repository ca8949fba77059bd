//! Extensions: `CREATE EXTENSION name [WITH SCHEMA s] [VERSION v]`.
//!
//! What an extension creates (its types, functions, operators) belongs to
//! it and is never compared object by object: the extension is the unit.

use serde::{Deserialize, Serialize};

/// An installed extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub name: String,
    /// The schema its objects live in.
    pub schema: String,
    /// The installed version. The models pin one only when their SQL file
    /// says `VERSION`: an unpinned `CREATE EXTENSION` takes whatever the
    /// server ships, which differs between servers, so the desired side
    /// then holds `None` and the version is not compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}
