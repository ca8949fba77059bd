//! Rows of `sql/sequences.sql` → IR [`Sequence`]s. The query returns
//! every sequence of the compared schemas with its role, and the mapping
//! splits them: a sequence that feeds a serial or identity column belongs
//! to that column (`Column::sequence`) and is not a [`Sequence`] of its
//! own, so only what the IR cannot say of it (options other than the
//! defaults, a comment) is kept, as not compared; one merely `OWNED BY` a
//! column is a [`Sequence`] with its owner. Oids are kept for the
//! dependency edges.

use petal_ir::{QualifiedName, Sequence, SequenceOptions, SequenceOwner, SqlType};

use super::NotCompared;
use super::rows::{Rows, get, unknown};
use crate::error::PgError;

/// Every sequence of the compared schemas, split by what it is.
#[derive(Default)]
pub(super) struct Sequences {
    /// Standalone and merely owned sequences, with their oids.
    pub modelled: Vec<(u32, Sequence)>,
    /// What the IR cannot say of a column's sequence: its options when
    /// they are not the defaults, a comment.
    pub not_compared: Vec<NotCompared>,
}

pub(super) fn sequences(rows: Rows) -> Result<Sequences, PgError> {
    let mut out = Sequences::default();
    for row in &rows {
        let name = QualifiedName::new(get::<String>(row, "schema")?, get::<String>(row, "name")?);
        let ty = SqlType::from_canonical(get::<String>(row, "type")?);
        let options = SequenceOptions {
            start: get(row, "start")?,
            increment: get(row, "increment")?,
            min_value: get(row, "min_value")?,
            max_value: get(row, "max_value")?,
            cache: get(row, "cache")?,
            cycle: get(row, "cycle")?,
        };
        let comment: Option<String> = get(row, "comment")?;
        let sql_name: String = get(row, "sql_name")?;
        let mut not_compared = |kind: &str| {
            out.not_compared.push(NotCompared {
                kind: kind.into(),
                name: sql_name.clone(),
                depends_on: Vec::new(),
                on: None,
            })
        };
        let owned_by = match get::<String>(row, "role")?.as_str() {
            "serial" | "identity" => {
                // The column says serial or identity, and its sequence's
                // name when not the default; nothing more.
                if options != SequenceOptions::defaults(&ty) {
                    not_compared("column sequence options");
                }
                if comment.is_some() {
                    not_compared("comment on a column sequence");
                }
                continue;
            }
            "owned" => {
                let schema: Option<String> = get(row, "owner_schema")?;
                let table: Option<String> = get(row, "owner_table")?;
                let column: Option<String> = get(row, "owner_column")?;
                let (Some(schema), Some(table), Some(column)) = (schema, table, column) else {
                    return Err(PgError::Catalog(format!(
                        "sequence {name} is owned by a column the catalogs do not show"
                    )));
                };
                Some(SequenceOwner {
                    table: QualifiedName::new(schema, table),
                    column,
                })
            }
            "standalone" => None,
            other => return Err(unknown("sequence role", other, &format!("sequence {name}"))),
        };
        out.modelled.push((
            get(row, "oid")?,
            Sequence {
                name,
                ty,
                options,
                owned_by,
                comment,
                renamed_from: None,
            },
        ));
    }
    Ok(out)
}
