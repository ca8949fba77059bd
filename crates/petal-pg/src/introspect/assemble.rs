//! Catalog rows → IR. The queries did the set-based work; this maps each
//! query's rows onto IR values as soon as they arrive (so that it overlaps
//! the server's work on the next query), then merges the parts by table,
//! rejecting catalog codes it does not know rather than guessing.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Column, Database, EnumType, Identity, Index, QualifiedName, SqlType, Table};
use tokio_postgres::Row;
use tokio_postgres::types::FromSql;

use super::NotCompared;
use super::keys::{ConstraintKind, ParsedConstraint};
use crate::error::PgError;

pub(super) type Rows = Vec<Row>;

/// Every query's rows, mapped.
pub(super) struct Parts {
    pub schemas: BTreeSet<String>,
    pub enums: Vec<EnumType>,
    pub tables: BTreeMap<u32, Table>,
    pub columns: Columns,
    pub constraints: Vec<ParsedConstraint>,
    pub indexes: Vec<(u32, Index)>,
    pub not_compared: Vec<NotCompared>,
}

pub(super) struct Columns {
    /// (table oid, attnum, column), tables in oid order, columns in attnum order.
    list: Vec<(u32, i16, Column)>,
    /// PostgreSQL 18's virtual generated columns.
    not_compared: Vec<NotCompared>,
}

pub(super) fn schemas(rows: Rows) -> Result<BTreeSet<String>, PgError> {
    rows.iter().map(|row| get(row, "nspname")).collect()
}

pub(super) fn enums(rows: Rows) -> Result<Vec<EnumType>, PgError> {
    rows.iter()
        .map(|row| {
            Ok(EnumType {
                name: QualifiedName::new(
                    get::<String>(row, "nspname")?,
                    get::<String>(row, "typname")?,
                ),
                labels: get(row, "labels")?,
                comment: get(row, "description")?,
                renamed_from: None,
                renamed_labels: BTreeMap::new(),
            })
        })
        .collect()
}

/// Keyed by oid: the other queries refer to tables so.
pub(super) fn tables(rows: Rows) -> Result<BTreeMap<u32, Table>, PgError> {
    rows.iter()
        .map(|row| {
            let name = QualifiedName::new(
                get::<String>(row, "nspname")?,
                get::<String>(row, "relname")?,
            );
            let mut table = Table::new(name);
            table.comment = get(row, "description")?;
            Ok((get(row, "oid")?, table))
        })
        .collect()
}

pub(super) fn columns(rows: Rows) -> Result<Columns, PgError> {
    let mut out = Columns {
        list: Vec::with_capacity(rows.len()),
        not_compared: Vec::new(),
    };
    for row in &rows {
        let table_oid: u32 = get(row, "table_oid")?;
        let column = column(row, table_oid, &mut out.not_compared)?;
        out.list.push((table_oid, get(row, "attnum")?, column));
    }
    Ok(out)
}

fn column(
    row: &Row,
    table_oid: u32,
    not_compared: &mut Vec<NotCompared>,
) -> Result<Column, PgError> {
    let name: String = get(row, "name")?;
    let context = || format!("column {name:?} of the table with oid {table_oid}");
    let mut column = Column::new(
        name.clone(),
        SqlType::from_canonical(get::<String>(row, "type")?),
    );
    column.nullable = get(row, "nullable")?;
    column.identity = match get::<String>(row, "identity")?.as_str() {
        "" => None,
        "a" => Some(Identity::Always),
        "d" => Some(Identity::ByDefault),
        other => return Err(unknown("attidentity", other, &context())),
    };
    let default: Option<String> = get(row, "default_expr")?;
    match get::<String>(row, "generated")?.as_str() {
        "" => {
            column.serial = get(row, "serial")?;
            // A serial column's nextval default is implied by `serial`.
            column.default = if column.serial { None } else { default };
        }
        "s" => column.generated = default,
        "v" => {
            // PostgreSQL 18's virtual generated columns: the IR only knows
            // stored ones, so the expression is kept and the difference listed.
            column.generated = default;
            let sql_name: Option<String> = get(row, "virtual_name")?;
            not_compared.push(NotCompared {
                kind: "virtual generated column".into(),
                name: sql_name.unwrap_or_else(context),
            });
        }
        other => return Err(unknown("attgenerated", other, &context())),
    }
    column.collation = get(row, "collation")?;
    column.comment = get(row, "comment")?;
    Ok(column)
}

pub(super) fn not_compared(rows: Rows) -> Result<Vec<NotCompared>, PgError> {
    rows.iter()
        .map(|row| {
            Ok(NotCompared {
                kind: get(row, "kind")?,
                name: get(row, "name")?,
            })
        })
        .collect()
}

/// Puts columns, constraints and indexes into their tables. Rows of tables
/// the tables query did not return (it is the one that decides what is
/// compared) are dropped.
pub(super) fn merge(parts: Parts) -> Result<(Database, Vec<NotCompared>), PgError> {
    let Parts {
        schemas,
        enums,
        mut tables,
        columns,
        constraints,
        indexes,
        not_compared: mut others,
    } = parts;
    // (table oid, attnum) → position in the table's columns.
    let mut positions: BTreeMap<(u32, i16), usize> = BTreeMap::new();
    for (table_oid, attnum, column) in columns.list {
        if let Some(table) = tables.get_mut(&table_oid) {
            positions.insert((table_oid, attnum), table.columns.len());
            table.columns.push(column);
        }
    }
    for constraint in constraints {
        let Some(table) = tables.get_mut(&constraint.table_oid) else {
            continue;
        };
        let names = constraint
            .column_nums
            .iter()
            .map(|num| match positions.get(&(constraint.table_oid, *num)) {
                Some(&at) => Ok(table.columns[at].name.clone()),
                None => Err(PgError::Catalog(format!(
                    "constraint {} on {} names column number {num}, which the table does not have",
                    constraint.kind.name(),
                    table.name
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        match constraint.kind.with_columns(names) {
            ConstraintKind::Primary(pk) => table.primary_key = Some(pk),
            ConstraintKind::Unique(u) => table.uniques.push(u),
            ConstraintKind::Check(c) => table.checks.push(c),
            ConstraintKind::Foreign(fk) => table.foreign_keys.push(fk),
        }
    }
    for (table_oid, index) in indexes {
        if let Some(table) = tables.get_mut(&table_oid) {
            table.indexes.push(index);
        }
    }
    let mut db = Database {
        schemas,
        ..Database::default()
    };
    for e in enums {
        db.add_enum(e);
    }
    for table in tables.into_values() {
        db.add_table(table);
    }
    others.extend(columns.not_compared);
    others.sort();
    Ok((db, others))
}

pub(super) fn get<'a, T: FromSql<'a>>(row: &'a Row, column: &str) -> Result<T, PgError> {
    row.try_get(column)
        .map_err(|e| PgError::Catalog(format!("column {column}: {e}")))
}

pub(super) fn unknown(what: &str, code: &str, context: &str) -> PgError {
    PgError::Catalog(format!(
        "unknown {what} {code:?} on {context}; a newer PostgreSQL than petal knows?"
    ))
}
