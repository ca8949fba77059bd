//! SQL of the rows of a table recreated with them: one `INSERT ...
//! SELECT`, then each owned sequence of the written table set where the
//! read table's stood (or past the rows, where that column had none).

use petal_ir::{quote_ident, quote_literal};

use crate::change::{Delta, RowSide};

/// The statements copying `rows.from`'s rows into `rows.to`'s table.
pub(super) fn copy(rows: &Delta<RowSide>) -> Vec<String> {
    let (from, to) = (&rows.from, &rows.to);
    let list = |columns: &[String]| {
        columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let overriding = if to.always_identity {
        " OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    let mut out = vec![format!(
        "INSERT INTO {} ({}){overriding} SELECT {} FROM {};",
        to.table.quoted(),
        list(&to.columns),
        list(&from.columns),
        from.table.quoted()
    )];
    for (i, written) in to.sequences.iter().enumerate() {
        let (Some(written), Some(column)) = (written, to.columns.get(i)) else {
            continue;
        };
        let target = quote_literal(&written.quoted());
        out.push(match from.sequences.get(i).cloned().flatten() {
            Some(read) => format!(
                "SELECT setval({target}, last_value, is_called) FROM {};",
                read.quoted()
            ),
            None => format!(
                "SELECT setval({target}, coalesce(max({}), 0) + 1, false) FROM {};",
                quote_ident(column),
                to.table.quoted()
            ),
        });
    }
    out
}
