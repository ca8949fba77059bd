//! Extension, sequence and view rows → IR: the schema objects that are
//! neither types nor routines. A sequence that feeds a serial or identity
//! column belongs to that column (`Column::sequence`) and is not a
//! [`Sequence`] of its own; one merely `OWNED BY` a column is. A
//! materialized view's indexes come from the index query, with the
//! tables' (see `merge`).

use petal_ir::{
    CheckOption, Extension, QualifiedName, Sequence, SequenceOptions, SequenceOwner, SqlType, View,
    ViewColumn,
};

use super::NotCompared;
use super::rows::{Attributes, Rows, get, unknown};
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

/// A view, its oid, and its columns' numbers (the dependency edges name
/// columns by number), in the order of `View::columns`.
pub(super) struct ViewRow {
    pub oid: u32,
    pub attnums: Vec<i32>,
    pub view: View,
}

pub(super) fn views(rows: Rows) -> Result<Vec<ViewRow>, PgError> {
    rows.iter()
        .map(|row| {
            let name =
                QualifiedName::new(get::<String>(row, "schema")?, get::<String>(row, "name")?);
            let context = || format!("view {name}");
            let check_option = match get::<Option<String>>(row, "check_option")?.as_deref() {
                None => None,
                Some("local") => Some(CheckOption::Local),
                Some("cascaded") => Some(CheckOption::Cascaded),
                Some(other) => return Err(unknown("check_option", other, &context())),
            };
            let columns = Attributes::read(row, &context())?;
            let view = View {
                materialized: get(row, "materialized")?,
                definition: get(row, "definition")?,
                columns: columns
                    .names
                    .into_iter()
                    .zip(columns.types)
                    .zip(columns.comments)
                    .map(|((name, ty), comment)| ViewColumn {
                        name,
                        ty: SqlType::from_canonical(ty),
                        comment,
                    })
                    .collect(),
                check_option,
                security_barrier: get(row, "security_barrier")?,
                security_invoker: get(row, "security_invoker")?,
                options: get(row, "options")?,
                indexes: Vec::new(),
                comment: get(row, "comment")?,
                renamed_from: None,
                name,
            };
            Ok(ViewRow {
                oid: get(row, "oid")?,
                attnums: columns.attnums,
                view,
            })
        })
        .collect()
}
