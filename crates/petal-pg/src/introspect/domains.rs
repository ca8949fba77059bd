//! Rows of `sql/domains.sql` → IR [`Domain`]s: base type, collation,
//! default, NOT NULL and the named checks, which the query returns as
//! parallel arrays. Each domain keeps its oid and its checks' oids,
//! because the dependency edges name a domain check by its pg_constraint
//! row.

use petal_ir::{Check, Domain, QualifiedName, SqlType};

use super::rows::{Rows, get};
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
                    .map(|(name, expr)| Check {
                        not_valid: false,
                        no_inherit: false,
                        name,
                        expr,
                        comment: None,
                    })
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
