//! Catalog rows → IR for schemas, enum types, tables and columns. The
//! queries did the set-based work;
//! each query's rows are mapped onto IR values as soon as they arrive (so
//! that it overlaps the server's work on the next query), rejecting catalog
//! codes petal does not know rather than guessing; `merge` puts the parts
//! together.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{
    Column, EnumType, Identity, ObjectKey, PartitionOf, QualifiedName, ReplicaIdentity, SqlType,
    Table,
};
use tokio_postgres::Row;

use super::NotCompared;
use super::rows::{Rows, get, unknown};
use crate::error::PgError;

/// A column as read, before it joins its table: the table's oid, its
/// number, and the sequence feeding it (a serial or identity column's:
/// its oid and name).
pub(super) struct ColumnRow {
    pub table_oid: u32,
    pub attnum: i16,
    pub column: Column,
    /// `attislocal`: false for a column an inheritance child (or a
    /// partition) only inherits.
    pub local: bool,
    pub sequence: Option<(u32, QualifiedName)>,
    /// Its default as the catalog holds it, a serial column's `nextval`
    /// included; none for a generated column.
    pub raw_default: Option<String>,
}

pub(super) struct Columns {
    /// Tables in oid order, columns in attnum order.
    pub list: Vec<ColumnRow>,
    /// PostgreSQL 18's virtual generated columns.
    pub not_compared: Vec<NotCompared>,
}

pub(super) fn schemas(rows: Rows) -> Result<BTreeSet<String>, PgError> {
    rows.iter().map(|row| get(row, "nspname")).collect()
}

pub(super) fn enums(rows: Rows) -> Result<Vec<(u32, EnumType)>, PgError> {
    rows.iter()
        .map(|row| {
            let e = EnumType {
                name: QualifiedName::new(
                    get::<String>(row, "nspname")?,
                    get::<String>(row, "typname")?,
                ),
                labels: get(row, "labels")?,
                comment: get(row, "description")?,
                renamed_from: None,
                renamed_labels: BTreeMap::new(),
            };
            Ok((get(row, "oid")?, e))
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
            table.options.unlogged = get(row, "unlogged")?;
            table.options.storage = get(row, "reloptions")?;
            table.options.replica_identity = match get::<String>(row, "replident")?.as_str() {
                "f" => ReplicaIdentity::Full,
                "n" => ReplicaIdentity::Nothing,
                "i" => match get::<Option<String>>(row, "replident_index")? {
                    Some(index) => ReplicaIdentity::Index(index),
                    None => ReplicaIdentity::Nothing,
                },
                "d" => ReplicaIdentity::Default,
                other => {
                    let context = format!("table {}", table.name);
                    return Err(unknown("relreplident", other, &context));
                }
            };
            table.options.row_level_security = get(row, "row_level_security")?;
            table.options.force_row_level_security = get(row, "force_row_level_security")?;
            table.partition_by = get(row, "partition_by")?;
            let parent = (
                get::<Option<String>>(row, "parent_schema")?,
                get::<Option<String>>(row, "parent_name")?,
                get::<Option<String>>(row, "partition_bound")?,
            );
            if let (Some(schema), Some(name), Some(bound)) = parent {
                table.partition_of = Some(PartitionOf {
                    parent: QualifiedName::new(schema, name),
                    bound,
                });
            }
            let schemas: Option<Vec<String>> = get(row, "inherits_schemas")?;
            let names: Option<Vec<String>> = get(row, "inherits_names")?;
            table.inherits = schemas
                .unwrap_or_default()
                .into_iter()
                .zip(names.unwrap_or_default())
                .map(|(schema, name)| QualifiedName::new(schema, name))
                .collect();
            let parents: Option<Vec<String>> = get(row, "index_copy_parents")?;
            let copies: Option<Vec<String>> = get(row, "index_copy_names")?;
            table.index_copies = parents
                .unwrap_or_default()
                .into_iter()
                .zip(copies.unwrap_or_default())
                .collect();
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
        let sequence = match (
            get::<Option<u32>>(row, "sequence_oid")?,
            get::<Option<String>>(row, "sequence_schema")?,
            get::<Option<String>>(row, "sequence_name")?,
        ) {
            (Some(oid), Some(schema), Some(name)) => Some((oid, QualifiedName::new(schema, name))),
            _ => None,
        };
        out.list.push(ColumnRow {
            table_oid,
            attnum: get(row, "attnum")?,
            column,
            local: get(row, "local")?,
            sequence,
            raw_default: match get::<String>(row, "generated")?.as_str() {
                "" => get(row, "default_expr")?,
                _ => None,
            },
        });
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
    column.not_null_not_valid = get(row, "not_null_not_valid")?;
    column.identity = match get::<String>(row, "identity")?.as_str() {
        "" => None,
        "a" => Some(Identity::Always),
        "d" => Some(Identity::ByDefault),
        other => return Err(unknown("attidentity", other, &context())),
    };
    let default: Option<String> = get(row, "default_expr")?;
    match get::<String>(row, "generated")?.as_str() {
        "" => {
            column.serial = get::<Option<bool>>(row, "serial")?.unwrap_or(false);
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
                depends_on: Vec::new(),
                on: None,
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
            let kind: String = get(row, "kind")?;
            let name: String = get(row, "name")?;
            let depends_on = depends_on(row, &format!("{kind} {name}"))?;
            let own = |column| get::<Option<String>>(row, column);
            let on = match (own("own_schema")?, own("own_name")?) {
                (Some(schema), Some(table)) => Some(QualifiedName::new(schema, table)),
                _ => None,
            };
            Ok(NotCompared {
                kind,
                name,
                depends_on,
                on,
            })
        })
        .collect()
}

/// A rule's `ref_*` arrays → the keys of what it uses. Kinds
/// petal does not model (a sequence, a base type) are left out: nothing
/// petal writes drops them.
fn depends_on(row: &Row, context: &str) -> Result<Vec<ObjectKey>, PgError> {
    let array = |column: &str| get::<Option<Vec<Option<String>>>>(row, column);
    let kinds = array("ref_kinds")?.unwrap_or_default();
    let schemas = array("ref_schemas")?.unwrap_or_default();
    let names = array("ref_names")?.unwrap_or_default();
    let parts = array("ref_parts")?.unwrap_or_default();
    if [schemas.len(), names.len(), parts.len()] != [kinds.len(); 3] {
        return Err(PgError::Catalog(format!(
            "{context}: the dependency arrays differ in length"
        )));
    }
    let mut out = Vec::new();
    for (((kind, schema), name), part) in kinds.into_iter().zip(schemas).zip(names).zip(parts) {
        let (Some(kind), Some(schema), Some(name)) = (kind, schema, name) else {
            continue;
        };
        let name = QualifiedName::new(schema, name);
        let key = match (kind.as_str(), part) {
            ("column", Some(column)) => ObjectKey::column(&name, &column),
            ("table", _) => ObjectKey::Table { name },
            ("view", _) => ObjectKey::View { name },
            ("materialized view", _) => ObjectKey::MaterializedView { name },
            ("function", Some(signature)) => ObjectKey::Function { name, signature },
            ("type:e", _) => ObjectKey::Enum { name },
            ("type:d", _) => ObjectKey::Domain { name },
            ("type:c", _) => ObjectKey::CompositeType { name },
            ("type:r", _) => ObjectKey::RangeType { name },
            _ => continue,
        };
        out.push(key);
    }
    Ok(out)
}
