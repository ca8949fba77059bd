//! A partition's own column defaults in the working copy: set on a
//! partition, a default is its own unless it is its parent's; a change
//! to a column PostgreSQL passes on to every partition below its table
//! (`SET DEFAULT` and `DROP DEFAULT` overwrite theirs, a rename renames
//! theirs, a drop drops them).

use petal_ir::{Database, QualifiedName};

use crate::change::{Alter, Change, Object, Rename};
use crate::partition_tree::PartitionTree;

/// `Alter::Default` on `table` when it is a partition (whose columns are
/// its parent's): its own default, unless `to` is what it would get from
/// its parent. False when `table` is no partition.
pub(super) fn set(
    db: &mut Database,
    table: &QualifiedName,
    column: &str,
    to: &Option<String>,
) -> bool {
    let Some(parent) = db
        .tables
        .get(table)
        .and_then(|t| t.partition_of.as_ref())
        .map(|of| of.parent.clone())
    else {
        return false;
    };
    let inherited = db.column_default(&parent, column);
    if let Some(t) = db.tables.get_mut(table) {
        if inherited == *to {
            t.own_defaults.remove(column);
        } else {
            t.own_defaults.insert(column.to_string(), to.clone());
        }
    }
    true
}

/// What `change` to a column of its table does to the own defaults of
/// the partitions below it.
pub(super) fn pass_on(db: &mut Database, change: &Change) {
    let (table, column, renamed_to) = match change {
        Change::Alter(Alter::Default { table, column, .. }) => (table, column, None),
        Change::Drop(Object::Column { table, column }) => (table, &column.name, None),
        Change::Rename(Rename::Column { table, name }) => (table, &name.from, Some(&name.to)),
        _ => return,
    };
    for partition in PartitionTree::of(db).descendants(table) {
        let Some(t) = db.tables.get_mut(&partition) else {
            continue;
        };
        let own = t.own_defaults.remove(column);
        if let (Some(own), Some(to)) = (own, renamed_to) {
            t.own_defaults.insert(to.clone(), own);
        }
    }
}
