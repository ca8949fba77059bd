//! Rows of `sql/extensions.sql` → IR [`Extension`]s: name, schema and
//! version. Each keeps its oid beside it, because the dependency query
//! names an extension's members by their extension's oid and `merge`
//! names them from these rows.

use petal_ir::Extension;

use super::rows::{Rows, get};
use crate::error::PgError;

/// An extension and its oid (its members are named by it in the
/// dependency edges).
pub(super) fn extensions(rows: Rows) -> Result<Vec<(u32, Extension)>, PgError> {
    rows.iter()
        .map(|row| {
            Ok((
                get(row, "oid")?,
                Extension {
                    name: get(row, "name")?,
                    schema: get(row, "schema")?,
                    version: get(row, "version")?,
                },
            ))
        })
        .collect()
}
