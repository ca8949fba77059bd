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
                && multirange_name.as_deref()
                    == Some(petal_ir::naming::default_multirange_name(&name.name).as_str());
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
