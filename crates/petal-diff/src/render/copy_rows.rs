//! SQL of the rows of a table recreated with them: the table read locked
//! (in the down nothing else has locked it yet, and a row written while
//! the copy runs would be lost with it), one `INSERT ... SELECT` with each
//! value cast where the column's type changes, each owned sequence of the
//! written table set where the read table's stood (or past the rows,
//! where that column had none), the read table's owner made the written
//! one's and, where privileges are not compared, its grants given again.

use petal_ir::{QualifiedName, quote_ident, quote_literal};

use super::{ReviewedStatement, many};
use crate::casts::using_cast;
use crate::change::{Change, Delta, RowSecurity, RowSide};
use crate::impact::Impact;
use crate::names::is_user_type;

/// The statements copying `rows.from`'s rows into `rows.to`'s table.
pub(super) fn copy(change: &Change, rows: &Delta<RowSide>) -> Vec<ReviewedStatement> {
    let (from, to) = (&rows.from, &rows.to);
    let mut sqls = vec![format!(
        "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE;",
        from.table.quoted()
    )];
    let off = RowSecurity::default();
    if !from.row_security.is_off() {
        sqls.push(alter_table(&from.table, &from.row_security.actions(&off)));
    }
    sqls.push(insert(rows));
    let reading = sqls.len() - 1;
    for (i, written) in to.sequences.iter().enumerate() {
        let (Some(written), Some(column)) = (written, to.columns.get(i)) else {
            continue;
        };
        let target = quote_literal(&written.quoted());
        let col = quote_ident(column);
        sqls.push(match from.sequences.get(i).cloned().flatten() {
            // Another partition's rows draw from it too: only forward.
            _ if to.shared_sequences => {
                super::sequences::setval_forward(written, column, &to.table)
            }
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
    sqls.push(owner_and_grants(rows));
    if !to.row_security.is_off() {
        sqls.push(alter_table(&to.table, &off.actions(&to.row_security)));
    }
    let mut out = many(change, sqls);
    // Each statement's own: the lock (and the row-level security switched
    // off under it), then the read; the rest lock nothing anyone else
    // uses (the written table is new).
    for (i, statement) in out.iter_mut().enumerate() {
        statement.impact = if i < reading {
            Impact::exclusive(&from.table)
        } else if i == reading {
            Impact::default().scan(&from.table)
        } else {
            Impact::default()
        };
    }
    out
}

fn alter_table(table: &QualifiedName, actions: &[&str]) -> String {
    format!("ALTER TABLE {} {};", table.quoted(), actions.join(", "))
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
                (Some(a), Some(b)) if a != b => using_cast(a, b, is_user_type(a), is_user_type(b)),
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

/// Who a grant went to, and whether with its option, in `format()`.
const GRANTEE_AND_OPTION: &str = "CASE WHEN g.grantee = 0 THEN 'PUBLIC' \
    ELSE quote_ident(pg_get_userbyid(g.grantee)) END, \
    CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END";

/// A `DO` block making the read table's owner the written table's (petal
/// creates it as the role that runs the migration; its identity and
/// serial sequences follow it), and, with `carry_grants`, giving on it
/// every grant the read table holds but its owner's, on each copied
/// column its column's, and on each owned sequence its sequence's.
fn owner_and_grants(rows: &Delta<RowSide>) -> String {
    let (from, to) = (&rows.from, &rows.to);
    let literal = |name: &QualifiedName| quote_literal(&name.quoted());
    let (read, written) = (literal(&from.table), in_format(&to.table));
    let mut body = format!(
        "
  IF (SELECT relowner FROM pg_class WHERE oid = {}::regclass) <> read_owner THEN
    EXECUTE format('ALTER TABLE {written} OWNER TO %I', pg_get_userbyid(read_owner));
  END IF;",
        literal(&to.table)
    );
    if to.carry_grants {
        body.push_str(&grant_loop(
            &format!("pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a WHERE c.oid = {read}::regclass"),
            &format!("'GRANT %s ON {written} TO %s%s', g.privilege_type"),
        ));
        let columns = from
            .columns
            .iter()
            .zip(&to.columns)
            .map(|(a, b)| format!("({}, {})", quote_literal(a), quote_literal(b)))
            .collect::<Vec<_>>();
        if !columns.is_empty() {
            body.push_str(&grant_loop_with(
                &format!(
                    "pg_attribute t CROSS JOIN LATERAL aclexplode(t.attacl) a \
                     JOIN (VALUES {}) m(read, written) ON m.read = t.attname \
                     WHERE t.attrelid = {read}::regclass",
                    columns.join(", ")
                ),
                ", m.written",
                &format!("'GRANT %s (%I) ON {written} TO %s%s', g.privilege_type, g.written"),
            ));
        }
        let sequences = from.sequences.iter().zip(&to.sequences);
        for (read_seq, written_seq) in sequences.filter(|_| !to.shared_sequences) {
            let (Some(read_seq), Some(written_seq)) = (read_seq, written_seq) else {
                continue;
            };
            body.push_str(&grant_loop(
                &format!(
                    "pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a \
                     WHERE c.oid = {}::regclass",
                    literal(read_seq)
                ),
                &format!(
                    "'GRANT %s ON SEQUENCE {} TO %s%s', g.privilege_type",
                    in_format(written_seq)
                ),
            ));
        }
    }
    format!(
        "DO $petal$
DECLARE
  g record;
  read_owner oid := (SELECT relowner FROM pg_class WHERE oid = {read}::regclass);
BEGIN{body}
END
$petal$;"
    )
}

/// One loop of the block: each grant `aclexplode` yields over `source`
/// (but the read table's owner's), given again by `grant`, a `format()`
/// call's format string and first arguments.
fn grant_loop(source: &str, grant: &str) -> String {
    grant_loop_with(source, "", grant)
}

/// [`grant_loop`], selecting `more` besides each grant (`, m.written`).
fn grant_loop_with(source: &str, more: &str, grant: &str) -> String {
    format!(
        "
  FOR g IN SELECT a.privilege_type, a.is_grantable, a.grantee{more}
    FROM {source} AND a.grantee <> read_owner
  LOOP
    EXECUTE format({grant}, {GRANTEE_AND_OPTION});
  END LOOP;"
    )
}

/// A name inside `format()`'s literal format string: quotes doubled, `%`
/// doubled.
fn in_format(name: &QualifiedName) -> String {
    name.quoted().replace('\'', "''").replace('%', "%%")
}
