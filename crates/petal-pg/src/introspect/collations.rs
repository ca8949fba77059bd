//! Rows of `sql/collations.sql` → IR [`Collation`]s. Each keeps its oid,
//! by which the dependency edges name it (a column, domain, range or index
//! of it depends on it).

use petal_ir::{Collation, QualifiedName};

use super::rows::{Rows, get};
use crate::error::PgError;

pub(super) fn collations(rows: Rows) -> Result<Vec<(u32, Collation)>, PgError> {
    rows.iter()
        .map(|row| {
            let collation = Collation {
                name: QualifiedName::new(
                    get::<String>(row, "schema")?,
                    get::<String>(row, "name")?,
                ),
                provider: get(row, "provider")?,
                locale: get(row, "locale")?,
                lc_collate: get(row, "lc_collate")?,
                lc_ctype: get(row, "lc_ctype")?,
                deterministic: get(row, "deterministic")?,
                rules: get(row, "rules")?,
                comment: get(row, "comment")?,
                renamed_from: None,
            };
            Ok((get(row, "oid")?, collation))
        })
        .collect()
}
