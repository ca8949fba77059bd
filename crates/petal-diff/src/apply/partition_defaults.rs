//! A partition's own column defaults in the working copy: set on a
//! partition, a default is its own unless it is its parent's; a change
//! to a column PostgreSQL passes on to every partition below its table
//! overwrites theirs (`SET DEFAULT`, `DROP DEFAULT`, a type change, an
//! enum type recreated, an identity or serial sequence added or taken
//! away, a drop: `overwritten`), a rename renames theirs; a partition
//! detached and attached elsewhere keeps what it had (`moved`).

use std::collections::BTreeMap;

use petal_ir::{Database, PartitionOf, QualifiedName};

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

/// The columns whose defaults `change` overwrites on every partition
/// below their table: a default set or dropped, a type changed or an
/// enum type recreated (around which the defaults are dropped and set),
/// an identity or serial sequence added or taken away, a column dropped.
pub(crate) fn overwritten(change: &Change) -> Vec<(QualifiedName, String)> {
    match change {
        Change::Alter(
            Alter::Default { table, column, .. }
            | Alter::ColumnType { table, column, .. }
            | Alter::Identity { table, column, .. }
            | Alter::Serial { table, column, .. },
        ) => vec![(table.clone(), column.clone())],
        Change::Drop(Object::Column { table, column }) => {
            vec![(table.clone(), column.name.clone())]
        }
        Change::RecreateEnum(recreate) => recreate
            .columns
            .iter()
            .map(|c| (c.table.clone(), c.column.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

/// What `change` to a column of its table does to the own defaults of
/// the partitions below it: overwritten ones go (the engine gives each
/// its parent's first, `compare/partition_defaults.rs`), renamed ones
/// follow.
pub(super) fn pass_on(db: &mut Database, change: &Change) {
    let mut reached = overwritten(change);
    let renamed = match change {
        Change::Rename(Rename::Column { table, name }) => {
            reached.push((table.clone(), name.from.clone()));
            Some(&name.to)
        }
        _ => None,
    };
    for (table, column) in reached {
        for partition in PartitionTree::of(db).descendants(&table) {
            let Some(t) = db.tables.get_mut(&partition) else {
                continue;
            };
            let own = t.own_defaults.remove(&column);
            if let (Some(own), Some(to)) = (own, renamed) {
                t.own_defaults.insert(to.clone(), own);
            }
        }
    }
}

/// `Alter::PartitionOf` of a table that neither comes to stand alone nor
/// joins: detached, it keeps the defaults it had (held in `own_defaults`,
/// each plain column's, as no parent gives it any then); attached, those
/// not its new parent's are its own.
pub(super) fn moved(db: &mut Database, table: &QualifiedName, to: &Option<PartitionOf>) {
    let held: BTreeMap<String, Option<String>> = match db.tables.get(table) {
        Some(t) if t.partition_of.is_some() => root_columns(db, table)
            .into_iter()
            .map(|c| {
                let default = db.column_default(table, &c);
                (c, default)
            })
            .collect(),
        Some(t) => t.own_defaults.clone(),
        None => return,
    };
    let own = match to {
        Some(of) => held
            .into_iter()
            .filter(|(c, d)| db.column_default(&of.parent, c) != *d)
            .collect(),
        None => held,
    };
    if let Some(t) = db.tables.get_mut(table) {
        t.partition_of = to.clone();
        t.own_defaults = own;
    }
}

/// The columns of the table at the top of `table`'s partition tree that
/// no sequence or expression feeds (a partition's copy of such a column
/// is its parent's business).
fn root_columns(db: &Database, table: &QualifiedName) -> Vec<String> {
    let Some(root) = db.partition_root(table) else {
        return Vec::new();
    };
    // A partition detached in this migration holds its defaults itself
    // (`moved`).
    if root.columns.is_empty() {
        return root.own_defaults.keys().cloned().collect();
    }
    root.columns
        .iter()
        .filter(|c| !c.is_fed())
        .map(|c| c.name.clone())
        .collect()
}
