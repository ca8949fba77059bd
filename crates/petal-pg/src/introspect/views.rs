//! Rows of `sql/views.sql` → IR [`View`]s, plain and materialized. Each
//! keeps its oid and its columns' numbers, because the dependency edges
//! name a view's columns by number; the columns come as the parallel
//! arrays [`Attributes`] reads. A materialized view's indexes come from
//! the index query, with the tables' (see `merge`).

use petal_ir::{CheckOption, QualifiedName, SqlType, View, ViewColumn};

use super::privileges::privileges;
use super::rows::{Attributes, Rows, get, unknown};
use crate::error::PgError;

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
                // A view's default grants are none.
                privileges: privileges(row, &[], &context())?,
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
