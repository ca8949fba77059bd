//! View and materialized view rows → IR. A materialized view's indexes
//! come from the index query, with the tables' (see `merge`).

use petal_ir::{CheckOption, QualifiedName, SqlType, View, ViewColumn};

use super::assemble::{Rows, get, unknown};
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

/// The columns of a view or the attributes of a composite type, as the
/// queries return them: parallel arrays, NULL when there are none.
pub(super) struct Attributes {
    pub attnums: Vec<i32>,
    pub names: Vec<String>,
    pub types: Vec<String>,
    pub comments: Vec<Option<String>>,
}

impl Attributes {
    pub fn read(row: &tokio_postgres::Row, context: &str) -> Result<Self, PgError> {
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
