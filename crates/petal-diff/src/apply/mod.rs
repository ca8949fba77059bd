//! An in-memory interpreter of changes: what the server's catalogs would
//! hold after running one, as IR. The diff engine builds its plan on it, the
//! property tests check against it, and the engine can preview a migration
//! with it.

use std::fmt;

use petal_ir::{Column, Database, Index, QualifiedName, Table};

mod alter;
mod create;
mod drop;
pub(crate) mod index_copies;
pub(crate) mod inheritance;
pub(crate) mod partition_defaults;
pub(crate) mod privileges;
mod rename;

use crate::change::{AddEnumLabel, Change, Moved, Object, RecreateEnum, Rename};
use crate::names::enum_type;

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

/// The indexes of a table, or of a materialized view.
fn indexes_mut<'a>(
    db: &'a mut Database,
    relation: &QualifiedName,
) -> Result<&'a mut Vec<Index>, ApplyError> {
    if db.views.contains_key(relation) {
        return match db.views.get_mut(relation) {
            Some(view) => Ok(&mut view.indexes),
            None => err(format!("view {relation} does not exist")),
        };
    }
    Ok(&mut table_mut(db, relation)?.indexes)
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
    apply_one(db, change)?;
    partition_defaults::pass_on(db, change);
    index_copies::pass_on(db, change);
    inheritance::pass_on(db, change)
}

/// `apply` on the object the change names alone.
fn apply_one(db: &mut Database, change: &Change) -> Result<(), ApplyError> {
    match change {
        Change::Create(object) => create::create(db, object)?,
        Change::Drop(object) => drop::drop(db, object)?,
        Change::MoveAside(moved) => drop::drop(db, &moved.object)?,
        Change::PutBack(moved) => create::create(db, &moved.object)?,
        Change::Rename(rename) => rename::apply_rename(db, rename)?,
        Change::Replace(replace) => alter::apply_replace(db, replace)?,
        Change::Alter(alter) => alter::apply_alter(db, alter)?,
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
    privileges::follow(db, change);
    if let Some(name) = touched_table(change) {
        if let Some(t) = db.tables.get_mut(name) {
            t.normalize();
        } else if let Some(v) = db.views.get_mut(name) {
            // A materialized view's indexes, sorted as `normalize` sorts them.
            v.indexes.sort_by(|a, b| a.name.cmp(&b.name));
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
            | Object::Exclusion { table, .. }
            | Object::ForeignKey { table, .. }
            | Object::Index { table, .. },
        )
        | Change::PutBack(Moved {
            object:
                Object::Unique { table, .. }
                | Object::Check { table, .. }
                | Object::Exclusion { table, .. }
                | Object::ForeignKey { table, .. }
                | Object::Index { table, .. },
            ..
        })
        | Change::Rename(Rename::Constraint { table, .. } | Rename::Index { table, .. }) => {
            Some(table)
        }
        _ => None,
    }
}
