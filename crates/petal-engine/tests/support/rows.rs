//! A few rows in every table of a schema, and the values of the columns a
//! migration keeps, to prove it keeps them.

use std::collections::BTreeMap;

use petal_diff::Diff;
use petal_ir::{Column, Database, QualifiedName, SqlType, Table, quote_ident, quote_literal};
use tokio_postgres::Client;

const ROWS: usize = 3;

/// Values of kept columns: (table as in B, column as in B) → the column's
/// values as text, sorted (row order is not kept by a table rewrite).
pub type Snapshot = BTreeMap<(QualifiedName, String), Vec<Option<String>>>;

/// Inserts up to three rows into every table, referenced tables first. A
/// table whose rows the schema refuses (a check the generic values miss)
/// stays empty: the property is about the migration, not the filler.
pub async fn fill(client: &Client, db: &Database) -> Result<(), String> {
    let mut filled: Vec<QualifiedName> = Vec::new();
    let mut pending: Vec<&Table> = db.tables.values().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut next = Vec::new();
        for table in pending {
            let ready = table.foreign_keys.iter().all(|fk| {
                fk.ref_table == table.name
                    || filled.contains(&fk.ref_table)
                    || fk
                        .columns
                        .iter()
                        .any(|c| table.column(c).is_some_and(|c| c.nullable))
            });
            if !ready {
                next.push(table);
                continue;
            }
            // A partition's rows come through its parent.
            if table.partition_of.is_none() {
                insert_rows(client, db, table).await;
            }
            filled.push(table.name.clone());
        }
        if next.len() == before {
            // A cycle of NOT NULL foreign keys: leave those tables empty.
            break;
        }
        pending = next;
    }
    Ok(())
}

/// A table's columns, and an inheritance child's inherited ones too (the
/// IR keeps those on the parents).
fn all_columns(db: &Database, table: &Table) -> Vec<Column> {
    let mut out = table.columns.clone();
    let mut above: Vec<&QualifiedName> = table.inherits.iter().collect();
    let mut at = 0;
    while let Some(parent) = above.get(at).copied() {
        at += 1;
        let Some(p) = db.tables.get(parent) else {
            continue;
        };
        for column in &p.columns {
            if !out.iter().any(|c| c.name == column.name) {
                out.push(column.clone());
            }
        }
        if above.len() <= db.tables.len() {
            above.extend(p.inherits.iter());
        }
    }
    out
}

async fn insert_rows(client: &Client, db: &Database, table: &Table) {
    let columns = all_columns(db, table);
    for i in 0..ROWS {
        let mut names = Vec::new();
        let mut values = Vec::new();
        for column in &columns {
            if column.identity.is_some() || column.serial || column.generated.is_some() {
                continue;
            }
            let value = match fk_value(client, table, column).await {
                Some(v) => v,
                None => literal(db, &column.ty, i),
            };
            names.push(quote_ident(&column.name));
            values.push(value);
        }
        let sql = if names.is_empty() {
            format!("INSERT INTO {} DEFAULT VALUES", table.name.quoted())
        } else {
            format!(
                "INSERT INTO {} ({}) VALUES ({})",
                table.name.quoted(),
                names.join(", "),
                values.join(", ")
            )
        };
        // A refused row (check, unique) is skipped: see `fill`.
        let _ = client.batch_execute(&sql).await;
    }
}

/// For a foreign key column: NULL when any column of the key is nullable
/// (MATCH SIMPLE skips the check then), else a value of the referenced row.
async fn fk_value(client: &Client, table: &Table, column: &Column) -> Option<String> {
    let fk = table
        .foreign_keys
        .iter()
        .find(|fk| fk.columns.contains(&column.name))?;
    if fk
        .columns
        .iter()
        .any(|c| table.column(c).is_some_and(|c| c.nullable))
    {
        return Some("NULL".to_string());
    }
    let position = fk.columns.iter().position(|c| *c == column.name)?;
    let ref_column = fk.ref_columns.get(position)?;
    let sql = format!(
        "SELECT {}::text FROM {} LIMIT 1",
        quote_ident(ref_column),
        fk.ref_table.quoted()
    );
    let row = client.query_opt(&sql, &[]).await.ok()??;
    let value: Option<String> = row.get(0);
    Some(
        value
            .map(|v| quote_literal(&v))
            .unwrap_or_else(|| "NULL".to_string()),
    )
}

/// A value of type `ty` for row `i`, as SQL: a literal PostgreSQL casts
/// to the column's type, different per row so unique constraints hold; for
/// the schema's own types (enum, domain, composite, range) and the
/// extensions' (`citext`, `hstore`, `ltree`), an expression of that type.
fn literal(db: &Database, ty: &SqlType, i: usize) -> String {
    if ty.is_array() {
        return "'{}'".to_string();
    }
    let base = ty.base();
    let n = i + 1;
    let text = match base.as_str() {
        "smallint" | "integer" | "bigint" | "numeric" | "real" | "double precision" => {
            n.to_string()
        }
        "boolean" => i.is_multiple_of(2).to_string(),
        "date" => format!("2024-01-0{n}"),
        "timestamp with time zone" | "timestamp without time zone" => {
            format!("2024-01-0{n} 10:00:00")
        }
        "time without time zone" | "time with time zone" => format!("10:00:0{n}"),
        "uuid" => format!("00000000-0000-0000-0000-00000000000{n}"),
        "jsonb" | "json" => format!("{{\"n\": {n}}}"),
        "bytea" => format!("\\x0{n}"),
        "character" | "character varying" => {
            let max = ty.modifiers().first().copied().unwrap_or(100).max(1) as usize;
            let s = format!("v{n}");
            s.chars()
                .rev()
                .take(max)
                .collect::<String>()
                .chars()
                .rev()
                .collect()
        }
        "text" => format!("v{n}"),
        _ => return user_type_value(db, ty, i),
    };
    quote_literal(&text)
}

/// A value of one of the schema's own types, or an extension's.
fn user_type_value(db: &Database, ty: &SqlType, i: usize) -> String {
    let spelled = ty.as_str();
    let named = |name: &QualifiedName| petal_diff::type_spelling(name) == spelled;
    let n = i + 1;
    if db.enums.keys().any(named) {
        return format!("(enum_range(NULL::{spelled}))[1]");
    }
    if let Some(domain) = db.domains.values().find(|d| named(&d.name)) {
        return format!("({})::{spelled}", literal(db, &domain.base_type, i));
    }
    if let Some(composite) = db.composite_types.values().find(|c| named(&c.name)) {
        let fields: Vec<String> = composite
            .attributes
            .iter()
            .map(|a| match literal(db, &a.ty, i).as_str() {
                "DEFAULT" => "NULL".to_string(),
                value => value.to_string(),
            })
            .collect();
        return format!("ROW({})::{spelled}", fields.join(", "));
    }
    if let Some(range) = db.range_types.values().find(|r| named(&r.name)) {
        let (low, high) = (
            literal(db, &range.subtype, i),
            literal(db, &range.subtype, i + 1),
        );
        if low != "DEFAULT" {
            return format!("{spelled}({low}, {high})");
        }
    }
    let text = match spelled.rsplit('.').next().unwrap_or(spelled) {
        "citext" => format!("v{n}"),
        "hstore" => format!("a=>{n}"),
        "ltree" => format!("a.b{n}"),
        _ => return "DEFAULT".to_string(),
    };
    format!("{}::{spelled}", quote_literal(&text))
}

/// The tables the plan detaches to stand alone or attaches from standing
/// alone: their rows change parents, so a parent's values are read
/// without theirs, and theirs as a table's own.
pub fn moving(plan: &Diff) -> Vec<QualifiedName> {
    plan.changes
        .iter()
        .filter_map(|c| match c {
            petal_diff::Change::Alter(petal_diff::Alter::PartitionOf {
                table,
                stands_alone: Some(_),
                ..
            }) => Some(table.clone()),
            _ => None,
        })
        .collect()
}

/// `table`'s columns, or its parent's for a partition (it holds them).
fn columns_held(db: &Database, table: &Table) -> Vec<Column> {
    match table
        .partition_of
        .as_ref()
        .and_then(|of| db.tables.get(&of.parent))
    {
        Some(parent) => columns_held(db, parent),
        None => table.columns.clone(),
    }
}

/// The kept columns of A that keep their type in B, and their values now.
pub async fn snapshot(client: &Client, a: &Database, b: &Database, plan: &Diff) -> Snapshot {
    let moving = moving(plan);
    // A table the plan drops (to create it again: a change of its
    // partitioning) keeps no rows, and says so.
    let dropped = |name: &petal_ir::QualifiedName| {
        plan.changes.iter().any(|c| {
            matches!(c, petal_diff::Change::Drop(petal_diff::Object::Table { table, .. })
                if &table.name == name)
        })
    };
    let mut keys = Vec::new();
    for table in a.tables.values().filter(|t| !dropped(&t.name)) {
        // A rename hint applies as the diff applies it: only when the old
        // name is gone from B and the new one was not in A (else petal
        // ignores the hint, with a warning).
        let renamed = b.tables.values().find(|t| {
            t.renamed_from.as_ref() == Some(&table.name)
                && !b.tables.contains_key(&table.name)
                && !a.tables.contains_key(&t.name)
        });
        let Some(b_table) = renamed.or_else(|| b.tables.get(&table.name)) else {
            continue;
        };
        let (a_columns, b_columns) = match moving.contains(&table.name) {
            true => (columns_held(a, table), columns_held(b, b_table)),
            false => (table.columns.clone(), b_table.columns.clone()),
        };
        for column in &a_columns {
            let b_column = b_columns
                .iter()
                .find(|c| {
                    c.renamed_from.as_deref() == Some(column.name.as_str())
                        && b_table.column(&column.name).is_none()
                        && table.column(&c.name).is_none()
                })
                .or_else(|| b_columns.iter().find(|c| c.name == column.name));
            let Some(b_column) = b_column else { continue };
            let user_type = column.ty.as_str().contains('.');
            if b_column.ty != column.ty || user_type || b_column.generated.is_some() {
                continue;
            }
            keys.push((
                (table.name.clone(), column.name.clone()),
                (b_table.name.clone(), b_column.name.clone()),
            ));
        }
    }
    let mut snap = Snapshot::new();
    for ((a_table, a_col), b_key) in keys {
        snap.insert(b_key, read_values(client, &a_table, &a_col, &moving).await);
    }
    snap
}

/// The same columns' values, read under their names in B.
pub async fn values(client: &Client, like: &Snapshot, moving: &[QualifiedName]) -> Snapshot {
    let mut out = Snapshot::new();
    for (table, column) in like.keys() {
        out.insert(
            (table.clone(), column.clone()),
            read_values(client, table, column, moving).await,
        );
    }
    out
}

/// A table's values of `column`, with its partitions' rows (they hold a
/// partitioned table's) and without its inheritance children's (each is
/// read as a table of its own; one dropped takes its rows along), nor
/// those of the `moving` tables but itself.
async fn read_values(
    client: &Client,
    table: &QualifiedName,
    column: &str,
    moving: &[QualifiedName],
) -> Vec<Option<String>> {
    let this = quote_literal(&table.quoted());
    let others: Vec<String> = moving
        .iter()
        .filter(|m| *m != table)
        .map(|m| quote_literal(&m.quoted()))
        .collect();
    let sql = format!(
        "SELECT t.{}::text FROM {} t
         WHERE (t.tableoid = {this}::regclass
            OR NOT EXISTS (SELECT FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                           WHERE i.inhrelid = t.tableoid AND NOT c.relispartition))
           AND t.tableoid NOT IN (SELECT to_regclass(m)::oid FROM unnest(ARRAY[{}]::text[]) m
                                  WHERE to_regclass(m) IS NOT NULL)
         ORDER BY 1",
        quote_ident(column),
        table.quoted(),
        others.join(", ")
    );
    match client.query(&sql, &[]).await {
        Ok(rows) => rows.iter().map(|r| r.get(0)).collect(),
        Err(e) => vec![Some(format!("<error: {}>", petal_pg::error::describe(&e)))],
    }
}

/// How many tables of `db` hold rows (for the verbose report).
pub async fn filled_tables(client: &Client, db: &Database) -> usize {
    let mut n = 0;
    for table in db.tables.values() {
        let sql = format!("SELECT EXISTS (SELECT FROM {})", table.name.quoted());
        if let Ok(row) = client.query_one(&sql, &[]).await
            && row.get::<_, bool>(0)
        {
            n += 1;
        }
    }
    n
}
