//! SQL of the rows of a table recreated with them: the table read locked
//! (in the down nothing else has locked it yet, and a row written while
//! the copy runs would be lost with it), one `INSERT ... SELECT` with each
//! value cast where the column's type changes, each owned sequence of the
//! written table set where the read table's stood (or past the rows,
//! where that column had none), and, where privileges are not compared,
//! the read table's grants given again on the written one.

use petal_ir::{QualifiedName, quote_ident, quote_literal};

use super::{ReviewedStatement, many};
use crate::casts::using_cast;
use crate::change::{Change, Delta, RowSide};
use crate::impact::Impact;
use crate::names::is_user_type;

/// The statements copying `rows.from`'s rows into `rows.to`'s table.
pub(super) fn copy(change: &Change, rows: &Delta<RowSide>) -> Vec<ReviewedStatement> {
    let (from, to) = (&rows.from, &rows.to);
    let mut sqls = vec![
        format!(
            "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE;",
            from.table.quoted()
        ),
        insert(rows),
    ];
    for (i, written) in to.sequences.iter().enumerate() {
        let (Some(written), Some(column)) = (written, to.columns.get(i)) else {
            continue;
        };
        let target = quote_literal(&written.quoted());
        let col = quote_ident(column);
        sqls.push(match from.sequences.get(i).cloned().flatten() {
            // Another partition's rows draw from it too: only forward.
            _ if to.shared_sequences => format!(
                "SELECT setval({target}, max({col})) FROM {} HAVING max({col}) > (SELECT \
                 CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {});",
                to.table.quoted(),
                written.quoted()
            ),
            Some(read) => format!(
                "SELECT setval({target}, last_value, is_called) FROM {};",
                read.quoted()
            ),
            None => format!(
                "SELECT setval({target}, coalesce(max({col}), 0) + 1, false) FROM {};",
                to.table.quoted()
            ),
        });
    }
    if to.carry_grants {
        sqls.push(grants_again(rows));
    }
    let mut out = many(change, sqls);
    // Each statement's own: the lock, then the read; the rest lock nothing
    // anyone waits for.
    for (i, statement) in out.iter_mut().enumerate() {
        statement.impact = match i {
            0 => Impact::exclusive(&from.table),
            1 => Impact::default().scan(&from.table),
            _ => Impact::default(),
        };
    }
    out
}

fn insert(rows: &Delta<RowSide>) -> String {
    let (from, to) = (&rows.from, &rows.to);
    let written = to
        .columns
        .iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ");
    let read = from
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let cast = match (from.types.get(i), to.types.get(i)) {
                (Some(a), Some(b)) => using_cast(a, b, is_user_type(a), is_user_type(b)),
                _ => None,
            };
            format!("{}{}", quote_ident(c), cast.unwrap_or_default())
        })
        .collect::<Vec<_>>()
        .join(", ");
    let overriding = if to.always_identity {
        " OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    format!(
        "INSERT INTO {} ({written}){overriding} SELECT {read} FROM {};",
        to.table.quoted(),
        from.table.quoted()
    )
}

/// A `DO` block giving on `rows.to`'s table every grant the read table
/// holds but its owner's, and on each copied column its column's.
fn grants_again(rows: &Delta<RowSide>) -> String {
    let (from, to) = (&rows.from, &rows.to);
    let literal = |name: &QualifiedName| quote_literal(&name.quoted());
    let columns = from
        .columns
        .iter()
        .zip(&to.columns)
        .map(|(a, b)| format!("({}, {})", quote_literal(a), quote_literal(b)))
        .collect::<Vec<_>>()
        .join(", ");
    let column_grants = if columns.is_empty() {
        String::new()
    } else {
        format!(
            "
  FOR g IN SELECT a.privilege_type, a.is_grantable, a.grantee, m.written
    FROM pg_attribute t CROSS JOIN LATERAL aclexplode(t.attacl) a
    JOIN (VALUES {columns}) m(read, written) ON m.read = t.attname
    WHERE t.attrelid = {read}::regclass AND a.grantee <> read_owner
  LOOP
    EXECUTE format('GRANT %s (%I) ON {written} TO %s%s', g.privilege_type, g.written,
      CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END, CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;",
            read = literal(&from.table),
            written = in_format(&to.table),
        )
    };
    format!(
        "DO $petal$
DECLARE
  g record;
  read_owner oid := (SELECT relowner FROM pg_class WHERE oid = {read}::regclass);
BEGIN
  FOR g IN SELECT a.privilege_type, a.is_grantable, a.grantee
    FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
    WHERE c.oid = {read}::regclass AND a.grantee <> read_owner
  LOOP
    EXECUTE format('GRANT %s ON {written} TO %s%s', g.privilege_type,
      CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END, CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;{column_grants}
END
$petal$;",
        read = literal(&from.table),
        written = in_format(&to.table),
    )
}

/// A name inside `format()`'s literal format string: quotes doubled, `%`
/// doubled.
fn in_format(name: &QualifiedName) -> String {
    name.quoted().replace('\'', "''").replace('%', "%%")
}
