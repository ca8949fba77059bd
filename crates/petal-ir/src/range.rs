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
    /// Its multirange type's name (PostgreSQL 14+): the one named by hand
    /// (`schema.name`, or a bare name in the range's schema), else the one
    /// PostgreSQL derives, in the range's schema. `None` for a hand-given
    /// spelling that reads as no name.
    pub fn multirange_name(&self) -> Option<QualifiedName> {
        let Some(spelling) = &self.multirange else {
            return Some(QualifiedName::new(
                self.name.schema.clone(),
                crate::naming::default_multirange_name(&self.name.name),
            ));
        };
        crate::spelling::parse_type_spelling(spelling).or_else(|| {
            let schema = crate::spelling::quote_ident_if_needed(&self.name.schema);
            crate::spelling::parse_type_spelling(&format!("{schema}.{spelling}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(multirange: Option<&str>) -> RangeType {
        RangeType {
            name: QualifiedName::new("app", "floatrange"),
            subtype: SqlType::canonical("double precision"),
            subtype_opclass: None,
            collation: None,
            canonical: None,
            subtype_diff: None,
            multirange: multirange.map(str::to_string),
            comment: None,
            renamed_from: None,
        }
    }

    #[test]
    fn a_multirange_is_named_by_hand_or_derived() {
        let name = |schema: &str, name: &str| Some(QualifiedName::new(schema, name));
        assert_eq!(
            range(None).multirange_name(),
            name("app", "floatmultirange")
        );
        assert_eq!(
            range(Some("other.spans")).multirange_name(),
            name("other", "spans")
        );
        assert_eq!(range(Some("spans")).multirange_name(), name("app", "spans"));
        assert_eq!(
            range(Some("\"My Spans\"")).multirange_name(),
            name("app", "My Spans")
        );
        assert_eq!(range(Some("a.b.c")).multirange_name(), None);
    }
}
