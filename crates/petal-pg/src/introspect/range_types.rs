//! Rows of `sql/range_types.sql` → IR [`RangeType`]s. Each keeps its oid,
//! by which the dependency edges name it (the query resolves its
//! constructors to it). The multirange's name is kept only when it is not
//! the one PostgreSQL derives (`makeMultirangeTypeName`, mirrored here):
//! the derived name goes without saying, and PostgreSQL 13 has no
//! multiranges at all.

use petal_ir::{QualifiedName, RangeType, SqlType};

use super::rows::{Rows, get};
use crate::error::PgError;

pub(super) fn range_types(rows: Rows) -> Result<Vec<(u32, RangeType)>, PgError> {
    rows.iter()
        .map(|row| {
            let name =
                QualifiedName::new(get::<String>(row, "schema")?, get::<String>(row, "name")?);
            // Kept only when it is not the name PostgreSQL would derive, in
            // the range's schema (PostgreSQL 13 has no multiranges at all).
            let multirange_schema: Option<String> = get(row, "multirange_schema")?;
            let multirange_name: Option<String> = get(row, "multirange_name")?;
            let derived = multirange_schema.as_deref() == Some(name.schema.as_str())
                && multirange_name.as_deref() == Some(default_multirange_name(&name.name).as_str());
            let multirange = match derived {
                true => None,
                false => get(row, "multirange")?,
            };
            let range = RangeType {
                subtype: SqlType::from_canonical(get::<String>(row, "subtype")?),
                subtype_opclass: get(row, "subtype_opclass")?,
                collation: get(row, "collation")?,
                canonical: get(row, "canonical")?,
                subtype_diff: get(row, "subtype_diff")?,
                multirange,
                comment: get(row, "comment")?,
                renamed_from: None,
                name,
            };
            Ok((get(row, "oid")?, range))
        })
        .collect()
}

/// `makeMultirangeTypeName`: the first `range` in the name becomes
/// `multirange`; a name without one gets `_multirange` (the name cut to
/// 52 bytes first); the whole cut to 63 bytes.
fn default_multirange_name(range: &str) -> String {
    use petal_ir::naming::{clip, truncate_identifier};
    let name = match range.find("range") {
        Some(at) => format!("{}multi{}", &range[..at], &range[at..]),
        None => format!(
            "{}_multirange",
            clip(range, petal_ir::MAX_IDENTIFIER_BYTES - 11)
        ),
    };
    truncate_identifier(&name).to_string()
}

#[cfg(test)]
mod tests {
    use super::default_multirange_name;

    #[test]
    fn multirange_names_follow_postgresql() {
        assert_eq!(default_multirange_name("floatrange"), "floatmultirange");
        assert_eq!(default_multirange_name("textrange_c"), "textmultirange_c");
        assert_eq!(
            default_multirange_name("rangeish_range"),
            "multirangeish_range"
        );
        assert_eq!(default_multirange_name("span"), "span_multirange");
        let long = "x".repeat(63);
        assert_eq!(
            default_multirange_name(&long),
            format!("{}_multirange", "x".repeat(52))
        );
        let long_range = format!("{}range", "y".repeat(58));
        assert_eq!(default_multirange_name(&long_range).len(), 63);
    }
}
