//! Range types: `CREATE TYPE r AS RANGE (SUBTYPE = ...)`.

use serde::{Deserialize, Serialize};

use crate::{QualifiedName, SqlType};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeType {
    pub name: QualifiedName,
    pub subtype: SqlType,
    /// When it is not the subtype's default btree operator class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype_opclass: Option<String>,
    /// When it is not the subtype's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype_diff: Option<String>,
    /// The multirange type's name (PostgreSQL 14+), when it is not the
    /// one PostgreSQL derives from the range's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multirange: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Rename hint from a SQL file: the type's previous name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<QualifiedName>,
}

impl RangeType {
    /// Its multirange type's name (PostgreSQL 14+): the one named by hand,
    /// else the one PostgreSQL derives, in the range's schema. `None` for
    /// a hand-given spelling that does not read as `schema.name`.
    pub fn multirange_name(&self) -> Option<QualifiedName> {
        match &self.multirange {
            None => Some(QualifiedName::new(
                self.name.schema.clone(),
                crate::naming::default_multirange_name(&self.name.name),
            )),
            Some(spelling) => crate::spelling::parse_type_spelling(spelling),
        }
    }
}
