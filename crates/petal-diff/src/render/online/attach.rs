//! The online attach of a table that joins a parent: a check over the
//! partition key that says what the bound says, added `NOT VALID` and
//! validated while writers go on, lets `ATTACH PARTITION` take the rows
//! as proved and read none of them; the check goes right after.
//!
//! PostgreSQL proves the partition constraint from the table's validated
//! checks clause by clause (`PartConstraintImpliedByRelConstraint`), so
//! the check is written as it writes that constraint: `key IS NOT NULL`
//! and the bounds' comparisons for a range, membership for a list. Only a
//! one-column key qualifies, and no default or hash bound (a list bound
//! holding `NULL` neither): those attach as in the plain mode.

use petal_ir::naming::make_object_name;
use petal_ir::{ObjectKey, PartitionOf, QualifiedName, quote_ident};

use super::{ReviewedStatement, ddl, extra, online};
use crate::change::Change;
use crate::classify::Safety;
use crate::impact::Impact;

/// The check's name on `table`.
pub(super) fn proof_name(table: &QualifiedName) -> String {
    make_object_name(&table.name, None, Some("petal_bound"))
}

/// The check's expression, for a partition key as `pg_get_partkeydef`
/// prints it (`RANGE (at)`) and a bound as `pg_get_expr` prints it.
pub(super) fn bound_check(key: &str, bound: &str) -> Option<String> {
    let (strategy, column) = key.split_once(" (")?;
    let column = column.strip_suffix(')')?;
    if !is_one_column(column) {
        return None;
    }
    match strategy {
        "RANGE" => {
            let rest = bound.strip_prefix("FOR VALUES FROM (")?;
            let (from, rest) = split_value(rest)?;
            let to = rest.strip_prefix(" TO (")?;
            let (to, rest) = split_value(to)?;
            if !rest.is_empty() {
                return None;
            }
            let mut clauses = vec![format!("{column} IS NOT NULL")];
            if from != "MINVALUE" {
                clauses.push(format!("{column} >= {from}"));
            }
            if to != "MAXVALUE" {
                clauses.push(format!("{column} < {to}"));
            }
            Some(clauses.join(" AND "))
        }
        "LIST" => {
            let values = bound.strip_prefix("FOR VALUES IN (")?.strip_suffix(')')?;
            let listed = top_level(values)?;
            if listed.iter().any(|v| v.eq_ignore_ascii_case("NULL")) {
                return None;
            }
            Some(format!("{column} IS NOT NULL AND {column} IN ({values})"))
        }
        _ => None,
    }
}

/// A column as the key prints it: a plain or a quoted identifier, and
/// nothing more (no expression, collation or operator class).
fn is_one_column(text: &str) -> bool {
    match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(quoted) => !quoted.replace("\"\"", "").contains('"'),
        None => {
            text.chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                && text
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        }
    }
}

/// The one value before the `)` closing a bound's list, and what follows
/// that `)`; none for several values.
fn split_value(text: &str) -> Option<(&str, &str)> {
    let end = closing(text)?;
    let values = top_level(&text[..end])?;
    (values.len() == 1).then(|| (values[0], &text[end + 1..]))
}

/// Where the `)` closing a list that `text` starts inside is.
fn closing(text: &str) -> Option<usize> {
    let (mut depth, mut quoted) = (0usize, false);
    for (i, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth == 0 => return Some(i),
            ')' if !quoted => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The comma-separated values of `text`, outside quotes and parentheses.
fn top_level(text: &str) -> Option<Vec<&str>> {
    let (mut depth, mut quoted, mut start) = (0usize, false, 0);
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.checked_sub(1)?,
            ',' if !quoted && depth == 0 => {
                out.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text[start..].trim());
    (!quoted && depth == 0).then_some(out)
}

/// The check added `NOT VALID`.
pub(super) fn proof(table: &QualifiedName, check: &str) -> ReviewedStatement {
    let name = proof_name(table);
    let sql = ddl::alter_table(
        table,
        &format!(
            "ADD CONSTRAINT {} CHECK ({check}) NOT VALID",
            quote_ident(&name)
        ),
    );
    let statement = extra(
        &ObjectKey::constraint(table, &name),
        sql,
        format!("add check {name} on {table} (NOT VALID): the bound it will be attached under"),
    );
    online(
        statement,
        Safety::Safe,
        vec![format!(
            "validated below while writers go on, it proves every row fits, so the attach reads \
             none; dropped once {table} is attached"
        )],
        Impact::exclusive(table),
    )
}

/// The attach, reading no row of `table`, and the check dropped after.
pub(super) fn attach(
    change: &Change,
    table: &QualifiedName,
    of: &PartitionOf,
) -> Vec<ReviewedStatement> {
    let mut out = super::super::render_change(change);
    // The attach alone: a `setval` after it does read the table.
    if let Some(statement) = out.first_mut() {
        statement.impact.scans.remove(table);
        let read_whole = format!("reads every row of {table} ");
        statement.notes.retain(|n| !n.starts_with(&read_whole));
        statement.notes.insert(
            0,
            format!(
                "reads no row of {table}: the check validated above proves they fit {}",
                of.bound
            ),
        );
    }
    let name = proof_name(table);
    let mut drop = extra(
        &ObjectKey::constraint(table, &name),
        ddl::alter_table(table, &format!("DROP CONSTRAINT {}", quote_ident(&name))),
        format!("drop check {name} of {table}: it proved the bound"),
    );
    drop.impact = Impact::exclusive(table);
    out.push(drop);
    out
}

#[cfg(test)]
mod tests {
    use super::bound_check;

    #[test]
    fn a_bound_is_written_as_postgresql_writes_the_partition_constraint() {
        let range = "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')";
        assert_eq!(
            bound_check("RANGE (at)", range).as_deref(),
            Some("at IS NOT NULL AND at >= '2024-01-01' AND at < '2025-01-01'")
        );
        assert_eq!(
            bound_check("RANGE (n)", "FOR VALUES FROM (MINVALUE) TO (10)").as_deref(),
            Some("n IS NOT NULL AND n < 10")
        );
        assert_eq!(
            bound_check("LIST (\"Kind\")", "FOR VALUES IN ('a, b', 'c)')").as_deref(),
            Some("\"Kind\" IS NOT NULL AND \"Kind\" IN ('a, b', 'c)')")
        );
        for (key, bound) in [
            ("RANGE (a, b)", "FOR VALUES FROM (1, 2) TO (3, 4)"),
            ("RANGE (lower(k))", "FOR VALUES FROM ('a') TO ('b')"),
            ("LIST (k)", "FOR VALUES IN (NULL, 'a')"),
            ("LIST (k)", "DEFAULT"),
            ("HASH (k)", "FOR VALUES WITH (modulus 2, remainder 0)"),
        ] {
            assert_eq!(bound_check(key, bound), None, "{key} {bound}");
        }
    }
}
