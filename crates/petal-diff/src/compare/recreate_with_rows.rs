//! Tables recreated with their rows (`--allow-recreate TABLE`).
//!
//! PostgreSQL cannot make a table partitioned, or not, or change its
//! partition key, or make a table a partition of another, in place: such
//! a table is not matched (`partitions::keeps_shape`), so it is dropped
//! and created, and autogenerate refuses that. Where the user allows it,
//! the old table goes aside instead of away, in the drop phase: renamed
//! `<name>_petal_old`, with its keys, indexes and owned sequences, whose
//! names are the schema's, not the table's, so the new table can take
//! them. The new one is created under its name with the other new
//! tables; then the rows are copied (`Alter::CopyRows`: every partition
//! below the old table read, every row routed into the new one's), each
//! owned sequence carried over, and the old table dropped with the
//! partitions below it. The down is the inverse, so it copies back.
//!
//! Its views, triggers and policies and the foreign keys into it are
//! dropped before and created after, as for any recreated table; none of
//! them fires or checks while the rows are copied.

use std::collections::BTreeSet;

use petal_ir::naming::aside_name;
use petal_ir::{Column, Database, Identity, QualifiedName, Table};

use super::Engine;
use super::partitions::{drop_order, partition_chain};
use crate::apply::privileges::owned_sequence;
use crate::change::{Alter, Change, Delta, Object, Rename, RowSecurity, RowSide};
use crate::partition_tree::PartitionTree;
use crate::render::retired_name;

/// The partitions below `table` in `db`, at any depth, the deepest first.
fn partitions_below(db: &Database, table: &QualifiedName) -> Vec<QualifiedName> {
    let mut found = PartitionTree::of(db).descendants(table);
    found.sort_by_key(|name| std::cmp::Reverse(super::inheritance::depth(db, name)));
    found
}

/// The table whose columns `table` has: itself, or for a partition the
/// root above it (the IR keeps a partition's columns on the root only).
fn columns_of<'d>(db: &'d Database, table: &QualifiedName) -> Option<&'d Table> {
    partition_chain(db, table).pop()
}

/// Why `table` cannot be recreated with its rows from `cur` into `to`,
/// when it cannot (said after "table X: ").
pub fn copy_obstacle(cur: &Database, to: &Database, table: &QualifiedName) -> Option<String> {
    let (Some(was), Some(wanted)) = (cur.tables.get(table), to.tables.get(table)) else {
        return Some("no table of that name on both sides".to_string());
    };
    if was.partition_of.is_some() {
        return Some(
            "a partition in the database: petal copies the rows of a table that is not one \
             (detach it in a migration of your own first)"
                .to_string(),
        );
    }
    let inherits = |db: &Database, t: &Table| {
        !t.inherits.is_empty() || db.tables.values().any(|o| o.inherits.contains(&t.name))
    };
    if inherits(cur, was) || inherits(to, wanted) {
        return Some(
            "an inheritance parent or child: petal does not copy its rows apart from the \
             others'"
                .to_string(),
        );
    }
    let shared = partitions_below(cur, table)
        .into_iter()
        .find(|p| to.tables.contains_key(p))
        .or_else(|| {
            partitions_below(to, table)
                .into_iter()
                .find(|p| cur.tables.contains_key(p))
        });
    if let Some(partition) = shared {
        return Some(format!(
            "its partition {partition} is a table on both sides: give the new table's \
             partitions other names"
        ));
    }
    let aside = retired_name(table);
    if cur.tables.contains_key(&aside) || to.tables.contains_key(&aside) {
        return Some(format!(
            "{aside}, where the old table would go aside, is taken"
        ));
    }
    None
}

/// A table that rows are copied into, created without row-level security:
/// forced, it would refuse the migration's own inserts before its
/// policies stand (`CopyRows` turns it on once they are in).
pub(super) fn without_row_security_until_copied(table: &mut Table) {
    table.options.row_level_security = false;
    table.options.force_row_level_security = false;
}

/// One side of a copy: `used` of `table`'s columns (`all`), whose owned
/// sequences are `root`'s (the table itself, or the partitioned table
/// above a partition, whose sequences its other partitions' rows use);
/// `carry_grants` where privileges are not compared.
fn side(
    table: &Table,
    root: &QualifiedName,
    all: &[Column],
    used: &[&Column],
    carry_grants: bool,
) -> RowSide {
    let names: BTreeSet<&str> = used.iter().map(|c| c.name.as_str()).collect();
    RowSide {
        table: table.name.clone(),
        row_security: RowSecurity {
            enabled: table.options.row_level_security,
            forced: table.options.force_row_level_security,
            open: false,
        },
        columns: used.iter().map(|c| c.name.clone()).collect(),
        types: used.iter().map(|c| c.ty.clone()).collect(),
        carry_grants,
        sequences: used.iter().map(|c| owned_sequence(root, c)).collect(),
        shared_sequences: *root != table.name,
        always_identity: used.iter().any(|c| c.identity == Some(Identity::Always)),
        not_copied: all
            .iter()
            .filter(|c| c.generated.is_none() && !names.contains(c.name.as_str()))
            .map(|c| c.name.clone())
            .collect(),
    }
}

impl Engine<'_> {
    /// For a new table that is, or is below, a table recreated with its
    /// rows: the old table aside, which they are copied from.
    pub(super) fn rows_copied_from(&self, table: &QualifiedName) -> Option<QualifiedName> {
        // A new partition's rows come through its parent's copy.
        partition_chain(self.to, table)
            .into_iter()
            .find(|t| self.swaps.contains(&t.name))
            .map(|t| retired_name(&t.name))
    }

    /// The tables of the working copy that go in this phase but are
    /// recreated with their rows: allowed, and nothing in the way.
    pub(super) fn recreated_with_rows(&self, dropped: &[Table]) -> BTreeSet<QualifiedName> {
        dropped
            .iter()
            .filter(|t| self.with_rows.contains(&t.name))
            .filter(|t| copy_obstacle(&self.cur, self.to, &t.name).is_none())
            .map(|t| t.name.clone())
            .collect()
    }

    /// The partitions below `table` in the working copy, which stay below
    /// it aside until its rows are copied.
    pub(super) fn partitions_aside(&self, table: &QualifiedName) -> Vec<QualifiedName> {
        partitions_below(&self.cur, table)
    }

    /// Renames `table` aside with the names it holds in the schema: its
    /// keys' and exclusion constraints' indexes, its other indexes, its
    /// owned sequences.
    pub(super) fn move_aside(&mut self, table: &QualifiedName) {
        let aside = retired_name(table);
        self.emit(Change::Rename(Rename::Table {
            name: Delta::new(table.clone(), aside.clone()),
        }));
        let Some(t) = self.cur.tables.get(&aside).cloned() else {
            return;
        };
        let retired = |name: &str| aside_name(name, "petal_old");
        let constraints = t
            .primary_key
            .iter()
            .map(|p| &p.name)
            .chain(t.uniques.iter().map(|u| &u.name))
            .chain(t.exclusions.iter().map(|x| &x.name));
        for name in constraints {
            self.emit(Change::Rename(Rename::Constraint {
                table: aside.clone(),
                name: Delta::new(name.clone(), retired(name)),
            }));
        }
        for index in &t.indexes {
            self.emit(Change::Rename(Rename::Index {
                table: aside.clone(),
                name: Delta::new(index.name.clone(), retired(&index.name)),
            }));
        }
        for column in &t.columns {
            let Some(sequence) = owned_sequence(&aside, column) else {
                continue;
            };
            self.emit(Change::Alter(Alter::ColumnSequence {
                table: aside.clone(),
                column: column.name.clone(),
                sequence: Delta::new(column.sequence.clone(), Some(retired_name(&sequence))),
            }));
        }
        self.release_owned_sequences(&aside);
        self.swaps.push(table.clone());
    }

    /// Once the new tables stand: each table moved aside copied into its
    /// successor, then dropped with the partitions below it.
    pub(super) fn copy_rows_aside(&mut self) {
        for name in std::mem::take(&mut self.swaps) {
            let aside = retired_name(&name);
            let (Some(from), Some(to)) = (
                columns_of(&self.cur, &aside).cloned(),
                columns_of(self.to, &name),
            ) else {
                continue;
            };
            let mut pairs: Vec<(&Column, &Column)> = Vec::new();
            for wanted in to.columns.iter().filter(|c| c.generated.is_none()) {
                let hinted = wanted
                    .renamed_from
                    .as_deref()
                    .filter(|old| to.column(old).is_none());
                let source = from
                    .column(&wanted.name)
                    .or_else(|| hinted.and_then(|old| from.column(old)));
                if let Some(source) = source {
                    pairs.push((source, wanted));
                }
            }
            let (read, written): (Vec<&Column>, Vec<&Column>) = pairs.into_iter().unzip();
            // Compared, the new table's grants are given as any new one's.
            let carry = self.to.privileges.is_none();
            let (Some(old), Some(new)) = (self.cur.tables.get(&aside), self.to.tables.get(&name))
            else {
                continue;
            };
            let rows = Delta::new(
                side(old, &from.name, &from.columns, &read, carry),
                side(new, &to.name, &to.columns, &written, carry),
            );
            self.emit(Change::Alter(Alter::CopyRows { rows }));
            let mut gone: Vec<Table> = partitions_below(&self.cur, &aside)
                .iter()
                .chain([&aside])
                .filter_map(|t| self.cur.tables.get(t).cloned())
                .collect();
            // A default partition before its siblings: the down creates it
            // after them.
            drop_order(&self.cur, &mut gone);
            for t in gone {
                let root = t.name == aside;
                let mut object = self.table_object(t);
                if let Object::Table {
                    rows_copied, table, ..
                } = &mut object
                {
                    *rows_copied = Some(name.clone());
                    // The down creates it again and copies into it before
                    // its row-level security goes on (`CopyRows` does).
                    if root {
                        without_row_security_until_copied(table);
                    }
                }
                self.emit(Change::Drop(object));
            }
        }
    }
}
