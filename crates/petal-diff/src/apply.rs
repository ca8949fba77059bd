//! An in-memory interpreter of changes: what the server's catalogs would
//! hold after running one, as IR. The diff engine builds its plan on it, the
//! property tests check against it, and the engine can preview a migration
//! with it.

use std::fmt;

use petal_ir::{Column, Database, QualifiedName, Table};

use petal_ir::{FunctionKey, ObjectKey, TriggerKey};

use crate::change::{AddEnumLabel, Alter, Change, Object, RecreateEnum, Rename};
use crate::names::{enum_type, rename_enum_references, rename_label_references};

/// A change that does not fit the database it is applied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyError {
    pub message: String,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApplyError {}

fn err<T>(message: String) -> Result<T, ApplyError> {
    Err(ApplyError { message })
}

fn table_mut<'a>(db: &'a mut Database, name: &QualifiedName) -> Result<&'a mut Table, ApplyError> {
    match db.tables.get_mut(name) {
        Some(t) => Ok(t),
        None => err(format!("table {name} does not exist")),
    }
}

fn column_mut<'a>(
    db: &'a mut Database,
    table: &QualifiedName,
    column: &str,
) -> Result<&'a mut Column, ApplyError> {
    let t = table_mut(db, table)?;
    match t.columns.iter_mut().find(|c| c.name == column) {
        Some(c) => Ok(c),
        None => err(format!("column {table}.{column} does not exist")),
    }
}

/// Removes the element named `name` from `items`, or says it is missing.
fn remove_named<T>(
    items: &mut Vec<T>,
    name: &str,
    get: impl Fn(&T) -> &str,
    what: &str,
    table: &QualifiedName,
) -> Result<(), ApplyError> {
    match items.iter().position(|i| get(i) == name) {
        Some(at) => {
            items.remove(at);
            Ok(())
        }
        None => err(format!("{what} {name} does not exist on table {table}")),
    }
}

fn rename_in(names: &mut [String], from: &str, to: &str) {
    for n in names.iter_mut().filter(|n| *n == from) {
        *n = to.to_string();
    }
}

/// Applies one change to `db`, as the server would.
pub fn apply(db: &mut Database, change: &Change) -> Result<(), ApplyError> {
    match change {
        Change::Create(object) => create(db, object)?,
        Change::Drop(object) => drop(db, object)?,
        Change::Rename(rename) => apply_rename(db, rename)?,
        Change::Alter(alter) => apply_alter(db, alter)?,
        Change::AddEnumLabel(AddEnumLabel {
            name, label, index, ..
        }) => {
            let Some(e) = db.enums.get_mut(name) else {
                return err(format!("type {name} does not exist"));
            };
            if e.labels.contains(label) {
                return err(format!("type {name} already has label {label}"));
            }
            let at = (*index).min(e.labels.len());
            e.labels.insert(at, label.clone());
        }
        Change::RecreateEnum(RecreateEnum {
            name,
            to_labels,
            columns,
            ..
        }) => {
            let Some(e) = db.enums.get_mut(name) else {
                return err(format!("type {name} does not exist"));
            };
            e.labels = to_labels.clone();
            for use_ in columns {
                let column = column_mut(db, &use_.table, &use_.column)?;
                column.ty = enum_type(name, use_.array);
                column.default = use_.default_after.clone();
            }
        }
    }
    if let Some(t) = touched_table(change).and_then(|name| db.tables.get_mut(name)) {
        t.normalize();
    }
    Ok(())
}

fn create(db: &mut Database, object: &Object) -> Result<(), ApplyError> {
    match object {
        Object::Schema { name } => {
            if !db.schemas.insert(name.clone()) {
                return err(format!("schema {name} already exists"));
            }
        }
        Object::Enum { enum_type } => {
            if db.enums.contains_key(&enum_type.name) {
                return err(format!("type {} already exists", enum_type.name));
            }
            db.enums.insert(enum_type.name.clone(), enum_type.clone());
        }
        Object::Table { table } => {
            if db.tables.contains_key(&table.name) {
                return err(format!("table {} already exists", table.name));
            }
            let mut t = table.clone();
            t.renamed_from = None;
            for c in &mut t.columns {
                c.renamed_from = None;
            }
            t.normalize();
            db.tables.insert(t.name.clone(), t);
        }
        Object::Column { table, column } => {
            let t = table_mut(db, table)?;
            if t.column(&column.name).is_some() {
                return err(format!("column {table}.{} already exists", column.name));
            }
            let mut c = column.clone();
            c.renamed_from = None;
            t.columns.push(c);
        }
        Object::PrimaryKey { table, primary_key } => {
            let t = table_mut(db, table)?;
            if t.primary_key.is_some() {
                return err(format!("table {table} already has a primary key"));
            }
            t.primary_key = Some(primary_key.clone());
        }
        Object::Unique { table, unique } => table_mut(db, table)?.uniques.push(unique.clone()),
        Object::Check { table, check } => table_mut(db, table)?.checks.push(check.clone()),
        Object::ForeignKey {
            table, foreign_key, ..
        } => table_mut(db, table)?.foreign_keys.push(foreign_key.clone()),
        Object::Index { table, index } => table_mut(db, table)?.indexes.push(index.clone()),
    }
    Ok(())
}

fn drop(db: &mut Database, object: &Object) -> Result<(), ApplyError> {
    match object {
        Object::Schema { name } => {
            let in_use = db
                .tables
                .keys()
                .chain(db.enums.keys())
                .any(|n| &n.schema == name);
            if in_use {
                return err(format!("schema {name} is not empty"));
            }
            if !db.schemas.remove(name) {
                return err(format!("schema {name} does not exist"));
            }
        }
        Object::Enum { enum_type } => {
            if db.enums.remove(&enum_type.name).is_none() {
                return err(format!("type {} does not exist", enum_type.name));
            }
        }
        Object::Table { table } => {
            if db.tables.remove(&table.name).is_none() {
                return err(format!("table {} does not exist", table.name));
            }
        }
        Object::Column { table, column } => {
            let t = table_mut(db, table)?;
            remove_named(&mut t.columns, &column.name, |c| &c.name, "column", table)?;
        }
        Object::PrimaryKey { table, .. } => {
            if table_mut(db, table)?.primary_key.take().is_none() {
                return err(format!("table {table} has no primary key"));
            }
        }
        Object::Unique { table, unique } => {
            let t = table_mut(db, table)?;
            remove_named(&mut t.uniques, &unique.name, |u| &u.name, "unique", table)?;
        }
        Object::Check { table, check } => {
            let t = table_mut(db, table)?;
            remove_named(&mut t.checks, &check.name, |c| &c.name, "check", table)?;
        }
        Object::ForeignKey {
            table, foreign_key, ..
        } => {
            let t = table_mut(db, table)?;
            let name = &foreign_key.name;
            remove_named(&mut t.foreign_keys, name, |f| &f.name, "foreign key", table)?;
        }
        Object::Index { table, index } => {
            let t = table_mut(db, table)?;
            remove_named(&mut t.indexes, &index.name, |i| &i.name, "index", table)?;
        }
    }
    Ok(())
}

fn apply_rename(db: &mut Database, rename: &Rename) -> Result<(), ApplyError> {
    match rename {
        Rename::Enum { name } => {
            let (from, to) = (&name.from, &name.to);
            let Some(mut e) = db.enums.remove(from) else {
                return err(format!("type {from} does not exist"));
            };
            e.name = to.clone();
            db.enums.insert(to.clone(), e);
            rename_enum_references(db, from, to);
        }
        Rename::EnumLabel { enum_type, label } => {
            let Some(e) = db.enums.get_mut(enum_type) else {
                return err(format!("type {enum_type} does not exist"));
            };
            match e.labels.iter_mut().find(|l| **l == label.from) {
                Some(l) => *l = label.to.clone(),
                None => return err(format!("type {enum_type} has no label {}", label.from)),
            }
            rename_label_references(db, enum_type, &label.from, &label.to);
        }
        Rename::Table { name } => rename_table(db, &name.from, &name.to)?,
        Rename::Column { table, name } => rename_column(db, table, &name.from, &name.to)?,
        Rename::Constraint { table, name } => {
            let t = table_mut(db, table)?;
            let slot = t
                .primary_key
                .iter_mut()
                .map(|p| &mut p.name)
                .chain(t.uniques.iter_mut().map(|u| &mut u.name))
                .chain(t.checks.iter_mut().map(|c| &mut c.name))
                .chain(t.foreign_keys.iter_mut().map(|f| &mut f.name))
                .find(|n| **n == name.from);
            match slot {
                Some(n) => *n = name.to.clone(),
                None => {
                    return err(format!(
                        "constraint {} does not exist on table {table}",
                        name.from
                    ));
                }
            }
        }
        Rename::Index { table, name } => {
            let t = table_mut(db, table)?;
            match t.indexes.iter_mut().find(|i| i.name == name.from) {
                Some(i) => i.name = name.to.clone(),
                None => {
                    return err(format!(
                        "index {} does not exist on table {table}",
                        name.from
                    ));
                }
            }
        }
    }
    Ok(())
}

fn apply_alter(db: &mut Database, alter: &Alter) -> Result<(), ApplyError> {
    match alter {
        Alter::ColumnType {
            table, column, ty, ..
        } => {
            let c = column_mut(db, table, column)?;
            c.ty = ty.to.ty.clone();
            c.collation = ty.to.collation.clone();
            c.default = ty.to.default.clone();
        }
        Alter::Nullable {
            table,
            column,
            nullable,
        } => column_mut(db, table, column)?.nullable = nullable.to,
        Alter::Default {
            table,
            column,
            default,
        } => column_mut(db, table, column)?.default = default.to.clone(),
        Alter::Identity {
            table,
            column,
            identity,
        } => column_mut(db, table, column)?.identity = identity.to,
        Alter::Serial {
            table,
            column,
            serial,
            ..
        } => column_mut(db, table, column)?.serial = serial.to,
        Alter::Comment { on, text } => set_comment(db, on, text.to.clone())?,
    }
    Ok(())
}

fn set_comment(db: &mut Database, on: &ObjectKey, text: Option<String>) -> Result<(), ApplyError> {
    let missing = || ApplyError {
        message: format!("{on} does not exist"),
    };
    match on {
        ObjectKey::Enum { name } => db.enums.get_mut(name).ok_or_else(missing)?.comment = text,
        ObjectKey::Table { name } => table_mut(db, name)?.comment = text,
        ObjectKey::Column { table, column } => {
            if let Some(view) = db.views.get_mut(table) {
                let c = view.columns.iter_mut().find(|c| &c.name == column);
                c.ok_or_else(missing)?.comment = text;
            } else if let Some(composite) = db.composite_types.get_mut(table) {
                let a = composite.attributes.iter_mut().find(|a| &a.name == column);
                a.ok_or_else(missing)?.comment = text;
            } else {
                column_mut(db, table, column)?.comment = text;
            }
        }
        ObjectKey::Index { table, name } => {
            let indexes = match db.views.get_mut(table) {
                Some(view) => &mut view.indexes,
                None => &mut table_mut(db, table)?.indexes,
            };
            let index = indexes.iter_mut().find(|i| &i.name == name);
            index.ok_or_else(missing)?.comment = text;
        }
        ObjectKey::Sequence { name } => {
            db.sequences.get_mut(name).ok_or_else(missing)?.comment = text;
        }
        ObjectKey::View { name } | ObjectKey::MaterializedView { name } => {
            db.views.get_mut(name).ok_or_else(missing)?.comment = text;
        }
        ObjectKey::Function { name, signature } => {
            let key = FunctionKey {
                name: name.clone(),
                signature: signature.clone(),
            };
            db.functions.get_mut(&key).ok_or_else(missing)?.comment = text;
        }
        ObjectKey::Trigger { table, name } => {
            let key = TriggerKey {
                table: table.clone(),
                name: name.clone(),
            };
            db.triggers.get_mut(&key).ok_or_else(missing)?.comment = text;
        }
        ObjectKey::Domain { name } => db.domains.get_mut(name).ok_or_else(missing)?.comment = text,
        ObjectKey::CompositeType { name } => {
            db.composite_types
                .get_mut(name)
                .ok_or_else(missing)?
                .comment = text;
        }
        ObjectKey::RangeType { name } => {
            db.range_types.get_mut(name).ok_or_else(missing)?.comment = text;
        }
        ObjectKey::Schema { .. }
        | ObjectKey::EnumLabel { .. }
        | ObjectKey::Constraint { .. }
        | ObjectKey::Extension { .. }
        | ObjectKey::DomainCheck { .. } => {
            return err(format!("petal does not keep comments on {on}"));
        }
    }
    Ok(())
}

fn rename_table(
    db: &mut Database,
    from: &QualifiedName,
    to: &QualifiedName,
) -> Result<(), ApplyError> {
    if db.tables.contains_key(to) {
        return err(format!("table {to} already exists"));
    }
    let Some(mut t) = db.tables.remove(from) else {
        return err(format!("table {from} does not exist"));
    };
    t.name = to.clone();
    db.tables.insert(to.clone(), t);
    for other in db.tables.values_mut() {
        for fk in other
            .foreign_keys
            .iter_mut()
            .filter(|f| &f.ref_table == from)
        {
            fk.ref_table = to.clone();
        }
    }
    Ok(())
}

/// Applies a whole list, stopping at the first change that does not fit.
pub fn apply_all(db: &mut Database, changes: &[Change]) -> Result<(), ApplyError> {
    for (i, change) in changes.iter().enumerate() {
        apply(db, change).map_err(|e| ApplyError {
            message: format!("change {}: {}", i + 1, e.message),
        })?;
    }
    Ok(())
}

fn touched_table(change: &Change) -> Option<&QualifiedName> {
    match change {
        Change::Create(
            Object::Unique { table, .. }
            | Object::Check { table, .. }
            | Object::ForeignKey { table, .. }
            | Object::Index { table, .. },
        )
        | Change::Rename(Rename::Constraint { table, .. } | Rename::Index { table, .. }) => {
            Some(table)
        }
        _ => None,
    }
}

/// A column rename as the server does it: every constraint and index key
/// naming the column follows, and so do foreign keys pointing at it.
fn rename_column(
    db: &mut Database,
    table: &QualifiedName,
    from: &str,
    to: &str,
) -> Result<(), ApplyError> {
    let t = table_mut(db, table)?;
    if t.column(to).is_some() {
        return err(format!("column {table}.{to} already exists"));
    }
    match t.columns.iter_mut().find(|c| c.name == from) {
        Some(c) => c.name = to.to_string(),
        None => return err(format!("column {table}.{from} does not exist")),
    }
    if let Some(pk) = &mut t.primary_key {
        rename_in(&mut pk.columns, from, to);
    }
    for u in &mut t.uniques {
        rename_in(&mut u.columns, from, to);
    }
    for fk in &mut t.foreign_keys {
        rename_in(&mut fk.columns, from, to);
    }
    for ix in &mut t.indexes {
        rename_in(&mut ix.include, from, to);
        for key in &mut ix.keys {
            if let petal_ir::IndexKeyExpr::Column(c) = &mut key.expr
                && c == from
            {
                *c = to.to_string();
            }
        }
    }
    for other in db.tables.values_mut() {
        for fk in other
            .foreign_keys
            .iter_mut()
            .filter(|f| &f.ref_table == table)
        {
            rename_in(&mut fk.ref_columns, from, to);
        }
    }
    Ok(())
}
