//! Rows of `sql/composite_types.sql` → IR [`CompositeType`]s, their
//! attributes read as the parallel arrays [`Attributes`] reads (a view's
//! columns come alike), with the collations beside them. Each keeps its
//! pg_type and pg_class oids and its attributes' numbers, because the
//! dependency edges name an attribute on the pg_class row by number.

use petal_ir::{Attribute, CompositeType, QualifiedName, SqlType};

use super::rows::{Attributes, Rows, get};
use crate::error::PgError;

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
