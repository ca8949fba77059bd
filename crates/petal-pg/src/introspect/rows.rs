//! The helpers every kind's row mapping shares: the rows of one query, a
//! typed read of a column that names the column when it fails, the error
//! for a catalog code petal does not know (rejected rather than guessed),
//! and the parallel arrays in which the view and composite type queries
//! return their columns. Apart so that no kind's module imports another's.

use tokio_postgres::Row;
use tokio_postgres::types::FromSql;

use crate::error::PgError;

pub(super) type Rows = Vec<Row>;

pub(super) fn get<'a, T: FromSql<'a>>(row: &'a Row, column: &str) -> Result<T, PgError> {
    row.try_get(column)
        .map_err(|e| PgError::Catalog(format!("column {column}: {e}")))
}

/// `schema.name` from two text columns of a row.
pub(super) fn qualified(
    row: &Row,
    schema: &str,
    name: &str,
) -> Result<petal_ir::QualifiedName, PgError> {
    Ok(petal_ir::QualifiedName::new(
        get::<String>(row, schema)?,
        get::<String>(row, name)?,
    ))
}

pub(super) fn unknown(what: &str, code: &str, context: &str) -> PgError {
    PgError::Catalog(format!(
        "unknown {what} {code:?} on {context}; a newer PostgreSQL than petal knows?"
    ))
}

/// The columns of a view or the attributes of a composite type, as the
/// queries return them: parallel arrays, NULL when there are none.
pub(super) struct Attributes {
    pub attnums: Vec<i32>,
    pub names: Vec<String>,
    pub types: Vec<String>,
    pub comments: Vec<Option<String>>,
}

impl Attributes {
    pub fn read(row: &Row, context: &str) -> Result<Self, PgError> {
        let attributes = Attributes {
            attnums: get::<Option<Vec<i32>>>(row, "attnums")?.unwrap_or_default(),
            names: get::<Option<Vec<String>>>(row, "names")?.unwrap_or_default(),
            types: get::<Option<Vec<String>>>(row, "types")?.unwrap_or_default(),
            comments: get::<Option<Vec<Option<String>>>>(row, "comments")?.unwrap_or_default(),
        };
        let n = attributes.attnums.len();
        if [
            attributes.names.len(),
            attributes.types.len(),
            attributes.comments.len(),
        ]
        .iter()
        .any(|&len| len != n)
        {
            return Err(PgError::Catalog(format!(
                "{context}: the column arrays differ in length"
            )));
        }
        Ok(attributes)
    }
}
