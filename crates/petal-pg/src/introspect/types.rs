//! Domain, composite type and range type rows → IR.

use petal_ir::{Attribute, Check, CompositeType, Domain, QualifiedName, RangeType, SqlType};

use super::rows::{Attributes, Rows, get};
use crate::error::PgError;

/// A domain, its oid, and its checks' oids (the dependency edges name
/// a check by its pg_constraint row), in the order of `Domain::checks`.
pub(super) struct DomainRow {
    pub oid: u32,
    pub check_oids: Vec<u32>,
    pub domain: Domain,
}

pub(super) fn domains(rows: Rows) -> Result<Vec<DomainRow>, PgError> {
    rows.iter()
        .map(|row| {
            let name =
                QualifiedName::new(get::<String>(row, "schema")?, get::<String>(row, "name")?);
            let check_oids: Vec<u32> = get::<Option<_>>(row, "check_oids")?.unwrap_or_default();
            let names: Vec<String> = get::<Option<_>>(row, "check_names")?.unwrap_or_default();
            let exprs: Vec<String> = get::<Option<_>>(row, "check_exprs")?.unwrap_or_default();
            if names.len() != check_oids.len() || exprs.len() != check_oids.len() {
                return Err(PgError::Catalog(format!(
                    "domain {name}: the check arrays differ in length"
                )));
            }
            let domain = Domain {
                base_type: SqlType::from_canonical(get::<String>(row, "base_type")?),
                collation: get(row, "collation")?,
                default: get(row, "default_expr")?,
                not_null: get(row, "not_null")?,
                checks: names
                    .into_iter()
                    .zip(exprs)
                    .map(|(name, expr)| Check { name, expr })
                    .collect(),
                comment: get(row, "comment")?,
                renamed_from: None,
                name,
            };
            Ok(DomainRow {
                oid: get(row, "oid")?,
                check_oids,
                domain,
            })
        })
        .collect()
}

/// A composite type, its pg_type and pg_class oids (the dependency edges
/// name its attributes on the pg_class row), and its attributes' numbers
/// in the order of `CompositeType::attributes`.
pub(super) struct CompositeRow {
    pub oid: u32,
    pub relid: u32,
    pub attnums: Vec<i32>,
    pub composite: CompositeType,
}

pub(super) fn composite_types(rows: Rows) -> Result<Vec<CompositeRow>, PgError> {
    rows.iter()
        .map(|row| {
            let name =
                QualifiedName::new(get::<String>(row, "schema")?, get::<String>(row, "name")?);
            let context = format!("composite type {name}");
            let attributes = Attributes::read(row, &context)?;
            let collations: Vec<Option<String>> =
                get::<Option<_>>(row, "collations")?.unwrap_or_default();
            if collations.len() != attributes.attnums.len() {
                return Err(PgError::Catalog(format!(
                    "{context}: the attribute arrays differ in length"
                )));
            }
            let composite = CompositeType {
                attributes: attributes
                    .names
                    .into_iter()
                    .zip(attributes.types)
                    .zip(collations)
                    .zip(attributes.comments)
                    .map(|(((name, ty), collation), comment)| Attribute {
                        name,
                        ty: SqlType::from_canonical(ty),
                        collation,
                        comment,
                    })
                    .collect(),
                comment: get(row, "comment")?,
                renamed_from: None,
                name,
            };
            Ok(CompositeRow {
                oid: get(row, "oid")?,
                relid: get(row, "relid")?,
                attnums: attributes.attnums,
                composite,
            })
        })
        .collect()
}

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
