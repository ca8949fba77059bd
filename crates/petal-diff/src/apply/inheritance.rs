//! What PostgreSQL does to inheritance children when their parent's
//! column changes: `ALTER TABLE parent ALTER COLUMN c TYPE | SET DEFAULT |
//! SET NOT NULL | DROP NOT NULL` and `RENAME COLUMN` reach the column `c`
//! of every table below it (but for a child's own NOT NULL constraint on
//! 18, which a parent's `DROP NOT NULL` leaves: the diff drops it on the
//! child too). A column a child only inherits is not in the IR (it is
//! its parent's); one the child declares itself too is, and changes with
//! the parent's.

use petal_ir::{Database, QualifiedName};

use super::{ApplyError, apply_one};
use crate::change::{Alter, Change, Rename};

/// The change as it reaches `child`, for a change PostgreSQL passes on
/// to the children of its table's column: `None` for any other.
fn passed_on(change: &Change, child: &QualifiedName) -> Option<(String, Change)> {
    let on = |table: &QualifiedName| (table != child).then(|| child.clone());
    match change {
        Change::Alter(Alter::ColumnType {
            table,
            column,
            serial,
            ty,
        }) => Some((
            column.clone(),
            Change::Alter(Alter::ColumnType {
                table: on(table)?,
                column: column.clone(),
                serial: *serial,
                ty: ty.clone(),
            }),
        )),
        // `DROP NOT NULL` on 18 leaves a child's own NOT NULL constraint
        // (one it was created with): the diff says it on the child too,
        // a no-op before 18 (`compare/columns.rs`).
        Change::Alter(Alter::Nullable {
            table,
            column,
            nullable,
        }) => Some((
            column.clone(),
            Change::Alter(Alter::Nullable {
                table: on(table)?,
                column: column.clone(),
                nullable: nullable.clone(),
            }),
        )),
        Change::Alter(Alter::Default {
            table,
            column,
            default,
            because,
        }) => Some((
            column.clone(),
            Change::Alter(Alter::Default {
                table: on(table)?,
                column: column.clone(),
                default: default.clone(),
                because: because.clone(),
            }),
        )),
        Change::Rename(Rename::Column { table, name }) => Some((
            name.from.clone(),
            Change::Rename(Rename::Column {
                table: on(table)?,
                name: name.clone(),
            }),
        )),
        _ => None,
    }
}

/// The parent table of a change PostgreSQL passes on to children.
fn table_of(change: &Change) -> Option<&QualifiedName> {
    match change {
        Change::Alter(
            Alter::ColumnType { table, .. }
            | Alter::Nullable { table, .. }
            | Alter::Default { table, .. },
        )
        | Change::Rename(Rename::Column { table, .. }) => Some(table),
        _ => None,
    }
}

/// Applies to the children of its table's column what `change` did to
/// that column (after it ran on the parent itself).
pub(super) fn pass_on(db: &mut Database, change: &Change) -> Result<(), ApplyError> {
    let Some(parent) = table_of(change) else {
        return Ok(());
    };
    for child in db.inheritance_descendants(parent) {
        let Some((column, theirs)) = passed_on(change, &child) else {
            continue;
        };
        let declares = db
            .tables
            .get(&child)
            .is_some_and(|t| t.column(&column).is_some());
        // Every table below gets it from here, not from its own parent:
        // PostgreSQL reaches a grandchild's column through a child's that
        // the child only inherits, which the IR does not hold.
        if declares {
            apply_one(db, &theirs)?;
        }
    }
    Ok(())
}
