//! Catalog rows → IR. The queries did the set-based work; this only groups
//! rows by table and maps catalog codes onto IR values, rejecting codes it
//! does not know rather than guessing.

use std::collections::BTreeMap;

use petal_ir::{
    Check, Column, Database, Deferrable, EnumType, FkAction, ForeignKey, Identity, Index, IndexKey,
    IndexKeyExpr, PrimaryKey, QualifiedName, SqlType, Table, Unique,
};
use tokio_postgres::Row;
use tokio_postgres::types::FromSql;

use super::{NotCompared, Rows};
use crate::error::PgError;

pub(super) struct CatalogRows {
    pub schemas: Rows,
    pub enums: Rows,
    pub tables: Rows,
    pub columns: Rows,
    pub constraints: Rows,
    pub indexes: Rows,
    pub not_compared: Rows,
}

/// `indoption` bits (`INDOPTION_DESC`, `INDOPTION_NULLS_FIRST`).
const INDOPTION_DESC: i32 = 1;
const INDOPTION_NULLS_FIRST: i32 = 2;

pub(super) fn assemble(rows: CatalogRows) -> Result<(Database, Vec<NotCompared>), PgError> {
    let mut db = Database::default();
    let mut not_compared = Vec::new();
    for row in &rows.schemas {
        db.schemas.insert(get(row, "nspname")?);
    }
    for row in &rows.enums {
        db.add_enum(EnumType {
            name: QualifiedName::new(
                get::<String>(row, "nspname")?,
                get::<String>(row, "typname")?,
            ),
            labels: get(row, "labels")?,
            comment: get(row, "description")?,
            renamed_from: None,
            renamed_labels: BTreeMap::new(),
        });
    }
    // Keyed by oid while assembling: the other queries refer to tables so.
    let mut tables: BTreeMap<u32, Table> = BTreeMap::new();
    for row in &rows.tables {
        let name = QualifiedName::new(
            get::<String>(row, "nspname")?,
            get::<String>(row, "relname")?,
        );
        let mut table = Table::new(name);
        table.comment = get(row, "description")?;
        tables.insert(get(row, "oid")?, table);
    }
    let mut column_names: BTreeMap<(u32, i16), String> = BTreeMap::new();
    for row in &rows.columns {
        let table_oid: u32 = get(row, "table_oid")?;
        let Some(table) = tables.get_mut(&table_oid) else {
            continue;
        };
        let column = column(row, &table.name, &mut not_compared)?;
        column_names.insert((table_oid, get(row, "attnum")?), column.name.clone());
        table.columns.push(column);
    }
    for row in &rows.constraints {
        let table_oid: u32 = get(row, "table_oid")?;
        if let Some(table) = tables.get_mut(&table_oid) {
            let nums: Vec<i16> = get(row, "column_nums")?;
            let columns = nums
                .iter()
                .map(|num| {
                    column_names.get(&(table_oid, *num)).cloned().ok_or_else(|| {
                        PgError::Catalog(format!(
                            "a constraint on {} names column number {num}, which it does not have",
                            table.name
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            add_constraint(table, row, columns)?;
        }
    }
    add_indexes(&mut tables, &rows.indexes)?;
    for row in &rows.not_compared {
        not_compared.push(NotCompared {
            kind: get(row, "kind")?,
            name: get(row, "name")?,
        });
    }
    for table in tables.into_values() {
        db.add_table(table);
    }
    not_compared.sort();
    Ok((db, not_compared))
}

fn column(
    row: &Row,
    table: &QualifiedName,
    not_compared: &mut Vec<NotCompared>,
) -> Result<Column, PgError> {
    let name: String = get(row, "name")?;
    let mut column = Column::new(
        name.clone(),
        SqlType::from_canonical(get::<String>(row, "type")?),
    );
    column.nullable = get(row, "nullable")?;
    column.identity = match get::<String>(row, "identity")?.as_str() {
        "" => None,
        "a" => Some(Identity::Always),
        "d" => Some(Identity::ByDefault),
        other => return Err(unknown("attidentity", other, &format!("{table}.{name}"))),
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
                name: sql_name.unwrap_or_else(|| format!("{table}.{name}")),
            });
        }
        other => return Err(unknown("attgenerated", other, &format!("{table}.{name}"))),
    }
    column.collation = get(row, "collation")?;
    column.comment = get(row, "comment")?;
    Ok(column)
}

fn add_constraint(table: &mut Table, row: &Row, columns: Vec<String>) -> Result<(), PgError> {
    let name: String = get(row, "name")?;
    let deferrable = match (
        get::<bool>(row, "deferrable")?,
        get::<bool>(row, "deferred")?,
    ) {
        (false, _) => Deferrable::NotDeferrable,
        (true, false) => Deferrable::InitiallyImmediate,
        (true, true) => Deferrable::InitiallyDeferred,
    };
    match get::<String>(row, "kind")?.as_str() {
        "p" => table.primary_key = Some(PrimaryKey { name, columns }),
        "u" => table.uniques.push(Unique {
            name,
            columns,
            nulls_not_distinct: get(row, "nulls_not_distinct")?,
            deferrable,
        }),
        "c" => {
            let expr: Option<String> = get(row, "check_expr")?;
            let expr = expr.ok_or_else(|| {
                PgError::Catalog(format!(
                    "check constraint {name} on {} has no expression",
                    table.name
                ))
            })?;
            table.checks.push(Check { name, expr });
        }
        "f" => {
            let context = format!("foreign key {name} on {}", table.name);
            let ref_schema: Option<String> = get(row, "ref_schema")?;
            let ref_table: Option<String> = get(row, "ref_table")?;
            let (Some(ref_schema), Some(ref_table)) = (ref_schema, ref_table) else {
                return Err(PgError::Catalog(format!(
                    "{context}: referenced table not found"
                )));
            };
            table.foreign_keys.push(ForeignKey {
                name,
                columns,
                ref_table: QualifiedName::new(ref_schema, ref_table),
                ref_columns: get::<Option<Vec<String>>>(row, "ref_columns")?.unwrap_or_default(),
                on_delete: fk_action(&get::<String>(row, "on_delete")?, &context)?,
                on_update: fk_action(&get::<String>(row, "on_update")?, &context)?,
                deferrable,
            });
        }
        other => {
            return Err(unknown(
                "contype",
                other,
                &format!("{name} on {}", table.name),
            ));
        }
    }
    Ok(())
}

fn fk_action(code: &str, context: &str) -> Result<FkAction, PgError> {
    Ok(match code {
        "a" => FkAction::NoAction,
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        other => return Err(unknown("foreign key action", other, context)),
    })
}

/// Index rows come one per index column, ordered by table, index name and
/// position: consecutive rows with the same table and name are one index.
fn add_indexes(tables: &mut BTreeMap<u32, Table>, rows: &[Row]) -> Result<(), PgError> {
    let mut current: Option<(u32, Index)> = None;
    for row in rows {
        let table_oid: u32 = get(row, "table_oid")?;
        let name: String = get(row, "name")?;
        let same = matches!(&current, Some((oid, ix)) if *oid == table_oid && ix.name == name);
        if !same {
            if let Some((oid, ix)) = current.take() {
                push_index(tables, oid, ix);
            }
            current = Some((
                table_oid,
                Index {
                    name: name.clone(),
                    unique: get(row, "is_unique")?,
                    method: get(row, "method")?,
                    keys: Vec::new(),
                    include: Vec::new(),
                    predicate: get(row, "predicate")?,
                    nulls_not_distinct: get(row, "nulls_not_distinct")?,
                    comment: get(row, "comment")?,
                },
            ));
        }
        let Some((_, index)) = current.as_mut() else {
            continue;
        };
        let column: Option<String> = get(row, "column_name")?;
        let expr: Option<String> = get(row, "expr")?;
        let key_expr = match (column, expr) {
            (Some(c), _) => IndexKeyExpr::Column(c),
            (None, Some(e)) => IndexKeyExpr::Expression(e),
            (None, None) => {
                return Err(PgError::Catalog(format!(
                    "index {name}: a column that is neither a table column nor an expression"
                )));
            }
        };
        if get::<i32>(row, "pos")? > get::<i32>(row, "key_count")? {
            match key_expr {
                IndexKeyExpr::Column(c) => index.include.push(c),
                IndexKeyExpr::Expression(e) => {
                    return Err(PgError::Catalog(format!(
                        "index {name}: INCLUDE holds an expression ({e})"
                    )));
                }
            }
            continue;
        }
        let options: i32 = get(row, "options")?;
        index.keys.push(IndexKey {
            expr: key_expr,
            descending: options & INDOPTION_DESC != 0,
            nulls_first: options & INDOPTION_NULLS_FIRST != 0,
            opclass: get(row, "opclass")?,
            collation: get(row, "collation")?,
        });
    }
    if let Some((oid, ix)) = current {
        push_index(tables, oid, ix);
    }
    Ok(())
}

fn push_index(tables: &mut BTreeMap<u32, Table>, oid: u32, index: Index) {
    if let Some(table) = tables.get_mut(&oid) {
        table.indexes.push(index);
    }
}

fn get<'a, T: FromSql<'a>>(row: &'a Row, column: &str) -> Result<T, PgError> {
    row.try_get(column)
        .map_err(|e| PgError::Catalog(format!("column {column}: {e}")))
}

fn unknown(what: &str, code: &str, context: &str) -> PgError {
    PgError::Catalog(format!(
        "unknown {what} {code:?} on {context}; a newer PostgreSQL than petal knows?"
    ))
}
