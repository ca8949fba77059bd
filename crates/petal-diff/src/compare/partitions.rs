//! Partitions: parents created before their partitions and dropped after
//! them; a partition that changes its bound or its parent detached and
//! attached again, rows kept.
//!
//! PostgreSQL cannot make a table partitioned, or not, or change its key,
//! in place. A table that turns into a partition, or back, it attaches
//! or detaches (`stand_alone.rs`, where petal can: the table then keeps
//! its shape here). The others are not matched (`keeps_shape`): dropped
//! and created, in the open, and autogenerate refuses the migration.
//! Their partitions go and come back with them (`unmatch_orphans`).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Database, ForeignKey, PartitionOf, QualifiedName, Table};

use super::{Engine, Matching};
use crate::change::{Alter, Change, Delta, Moved, Object};
use crate::column_refs::rename_column_in;
use crate::compare::inheritance::depth;
use crate::compare::recreate_with_rows::without_row_security_until_copied;
use crate::compare::tables::table_without_foreign_keys;

/// Whether `cur` can become `to` in place, as far as partitioning goes;
/// `columns` maps `to`'s kept columns to `cur`'s (a key column renamed is
/// the same key: PostgreSQL prints it under its new name).
pub(super) fn keeps_shape(cur: &Table, to: &Table, columns: &BTreeMap<String, String>) -> bool {
    let key = cur.partition_by.as_ref().map(|key| {
        columns
            .iter()
            .filter(|(new, old)| new != old)
            .fold(key.clone(), |key, (new, old)| {
                rename_column_in(&key, old, new)
            })
    });
    key == to.partition_by && cur.partition_of.is_some() == to.partition_of.is_some()
}

/// Unmatches the partitions whose parent is dropped and created again
/// under its name (not matched, and still their parent as wanted), and
/// theirs in turn: PostgreSQL drops them with it, and their columns are
/// the parent's, which the IR does not keep for a partition, so they are
/// created again under the new one. A partition moving to another parent
/// stays matched: detached, and attached once that one stands.
pub(super) fn unmatch_orphans(cur: &Database, to: &Database, matching: &mut Matching) {
    loop {
        let kept: std::collections::BTreeSet<&QualifiedName> = matching.tables.values().collect();
        let orphans: Vec<QualifiedName> = matching
            .tables
            .iter()
            .filter(|(to_name, cur_name)| {
                let parent = |db: &Database, name: &QualifiedName| {
                    db.tables
                        .get(name)
                        .and_then(|t| t.partition_of.as_ref())
                        .map(|of| of.parent.clone())
                };
                parent(cur, cur_name).is_some_and(|was| {
                    !kept.contains(&was) && parent(to, to_name).as_ref() == Some(&was)
                })
            })
            .map(|(name, _)| name.clone())
            .collect();
        if orphans.is_empty() {
            return;
        }
        for name in orphans {
            matching.tables.remove(&name);
            matching.columns.remove(&name);
        }
    }
}

fn is_default(t: &Table) -> bool {
    t.partition_of.as_ref().is_some_and(PartitionOf::is_default)
}

/// The order tables are created in: parents before their partitions and
/// inheritance children, and a default partition after its siblings (so
/// none of them has to read it).
pub(super) fn creation_order(db: &Database, tables: &mut [&Table]) {
    tables.sort_by_key(|t| (depth(db, &t.name), is_default(t), t.name.clone()));
}

/// The order tables are dropped in: the creation order reversed.
pub(super) fn drop_order(db: &Database, tables: &mut [Table]) {
    tables.sort_by_key(|t| (Reverse(depth(db, &t.name)), !is_default(t), t.name.clone()));
}

/// The default partition of `parent` in `db`, other than `except`.
pub(super) fn default_partition(
    db: &Database,
    parent: &QualifiedName,
    except: &QualifiedName,
) -> Option<QualifiedName> {
    db.tables
        .values()
        .find(|t| {
            &t.name != except
                && t.partition_of
                    .as_ref()
                    .is_some_and(|of| &of.parent == parent && of.is_default())
        })
        .map(|t| t.name.clone())
}

/// `table` of `db` and the partitioned tables above it, nearest first (a
/// partition's columns are the last one's).
pub(super) fn partition_chain<'d>(db: &'d Database, table: &QualifiedName) -> Vec<&'d Table> {
    let mut chain: Vec<&Table> = db.tables.get(table).into_iter().collect();
    while let Some(of) = chain.last().and_then(|t| t.partition_of.as_ref()) {
        // A cycle cannot be built; the check keeps a broken IR finite.
        match db.tables.get(&of.parent) {
            Some(parent) if !chain.iter().any(|t| t.name == parent.name) => chain.push(parent),
            _ => break,
        }
    }
    chain
}

/// The tables the foreign keys of `parent` of `db` (and of the tables
/// above it) reference, but `parent`'s tree and `partition`.
fn references(
    db: &Database,
    parent: &QualifiedName,
    partition: &QualifiedName,
) -> Vec<QualifiedName> {
    let chain = partition_chain(db, parent);
    let mut out: Vec<QualifiedName> = chain
        .iter()
        .flat_map(|t| t.foreign_keys.iter().map(|fk| fk.ref_table.clone()))
        .filter(|r| r != partition && !chain.iter().any(|t| t.name == *r))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The tables of `db` with a foreign key to `parent` or to a table above
/// it (a key to a partitioned table reaches every partition below).
fn referenced_by(db: &Database, parent: &QualifiedName) -> Vec<QualifiedName> {
    let above: Vec<&QualifiedName> = partition_chain(db, parent)
        .iter()
        .map(|t| &t.name)
        .collect();
    db.tables
        .values()
        .filter(|t| {
            t.foreign_keys
                .iter()
                .any(|fk| above.contains(&&fk.ref_table))
        })
        .map(|t| t.name.clone())
        .collect()
}

impl Engine<'_> {
    /// A table as a change carries it, with what a new or dropped
    /// partition also locks: the default partition, the tables
    /// referencing its parent.
    pub(super) fn table_object(&self, table: Table) -> Object {
        let (default_partition, referenced_by) =
            self.also_locked(table.partition_of.as_ref(), &table.name);
        let parent_references = table
            .partition_of
            .as_ref()
            .map(|of| references(&self.cur, &of.parent, &table.name))
            .unwrap_or_default();
        let rows_copied = self.rows_copied_from(&table.name);
        let mut table = table_without_foreign_keys(&table);
        self.copies_of_existing_indexes(&mut table);
        // The table copied into, not a partition below it: rows routed
        // through their parent meet no partition's row-level security.
        if rows_copied.is_some() && self.swaps.contains(&table.name) {
            without_row_security_until_copied(&mut table);
        }
        Object::Table {
            table,
            default_partition,
            referenced_by,
            parent_references,
            rows_copied,
        }
    }

    /// What a partition `table` of `of` locks besides it and its parent,
    /// now: the parent's default partition (unless it is that one) and
    /// the tables referencing the parent.
    fn also_locked(
        &self,
        of: Option<&PartitionOf>,
        table: &QualifiedName,
    ) -> (Option<QualifiedName>, Vec<QualifiedName>) {
        let Some(of) = of else {
            return (None, Vec::new());
        };
        let default = (!of.is_default())
            .then(|| default_partition(&self.cur, &of.parent, table))
            .flatten();
        (default, referenced_by(&self.cur, &of.parent))
    }

    /// Phase 7, first: the partitions that change their bound or parent
    /// detached, the partitions that go dropped (deepest first), and the
    /// detached ones attached again where their parent stands, before any
    /// column of a parent is dropped (a detached partition would keep it).
    /// `aside`: partitions kept below a table recreated with its rows
    /// until they are copied.
    pub(super) fn repartition(&mut self, matching: &Matching, aside: &BTreeSet<QualifiedName>) {
        let moving: Vec<QualifiedName> = matching
            .tables
            .keys()
            .filter(|name| {
                let (Some(cur), Some(to)) = (self.cur.tables.get(*name), self.to.tables.get(*name))
                else {
                    return false;
                };
                // One whose parent is dropped moves to another (one whose
                // parent is made again under its name is no longer matched:
                // `unmatch_orphans`), so it is detached here too.
                cur.partition_of.is_some() && cur.partition_of != to.partition_of
            })
            .cloned()
            .collect();
        self.foreign_keys_aside(matching, &moving);
        for name in moving {
            let from = self
                .cur
                .tables
                .get(&name)
                .and_then(|t| t.partition_of.clone());
            self.emit_partition_of(&name, from, None, None);
        }
        let kept: Vec<&QualifiedName> = matching.tables.keys().collect();
        let mut gone: Vec<Table> = self
            .cur
            .tables
            .values()
            .filter(|t| {
                t.partition_of.is_some() && !kept.contains(&&t.name) && !aside.contains(&t.name)
            })
            .cloned()
            .collect();
        drop_order(&self.cur, &mut gone);
        for table in gone {
            let object = self.table_object(table);
            self.emit(Change::Drop(object));
        }
        self.attach_partitions(matching);
    }

    /// The foreign keys of kept tables that reference the parent (or an
    /// ancestor) of a partition in `moving`, moved aside: PostgreSQL
    /// refuses to detach a partition whose rows a row references. They
    /// come back with the other foreign keys (validated again, unless
    /// they were `NOT VALID`).
    fn foreign_keys_aside(&mut self, matching: &Matching, moving: &[QualifiedName]) {
        let mut above: Vec<(QualifiedName, QualifiedName)> = Vec::new();
        for name in moving {
            let mut at = self
                .cur
                .tables
                .get(name)
                .and_then(|t| t.partition_of.as_ref());
            while let Some(of) = at {
                if above.iter().any(|(p, _)| *p == of.parent) {
                    break;
                }
                above.push((of.parent.clone(), name.clone()));
                at = self
                    .cur
                    .tables
                    .get(&of.parent)
                    .and_then(|t| t.partition_of.as_ref());
            }
        }
        let mut moved = Vec::new();
        for (table, t) in &self.cur.tables {
            if !matching.tables.contains_key(table) {
                continue;
            }
            for fk in &t.foreign_keys {
                let Some((_, partition)) = above.iter().find(|(p, _)| *p == fk.ref_table) else {
                    continue;
                };
                let object = |foreign_key: &ForeignKey| Moved {
                    object: Object::ForeignKey {
                        table: table.clone(),
                        foreign_key: foreign_key.clone(),
                        new_table: false,
                    },
                    because: petal_ir::ObjectKey::table(partition),
                };
                // Still here in phase 7, it is kept as it is or renamed
                // (`rename_constraints` leaves it to come back renamed).
                let wanted = self.to.tables.get(table).and_then(|to| {
                    let by_name = to.foreign_keys.iter().find(|w| w.name == fk.name);
                    by_name.or_else(|| {
                        to.foreign_keys.iter().find(|w| {
                            ForeignKey {
                                name: fk.name.clone(),
                                ..(*w).clone()
                            } == *fk
                        })
                    })
                });
                moved.push((object(fk), object(wanted.unwrap_or(fk))));
            }
        }
        for (aside, back) in moved {
            self.moved_foreign_keys.push(Change::PutBack(back));
            self.emit(Change::MoveAside(aside));
        }
    }

    /// The kept partitions that are detached, attached to their parent
    /// when it exists (phase 7, and phase 8 for a new parent).
    pub(super) fn attach_partitions(&mut self, matching: &Matching) {
        let detached: Vec<(QualifiedName, PartitionOf)> = matching
            .tables
            .keys()
            .filter_map(|name| {
                let wanted = self.to.tables.get(name)?.partition_of.clone()?;
                let cur = self.cur.tables.get(name)?;
                let parent_exists = self.cur.tables.contains_key(&wanted.parent);
                (cur.partition_of.is_none() && parent_exists).then(|| (name.clone(), wanted))
            })
            .collect();
        for (name, wanted) in detached {
            self.emit_partition_of(&name, None, Some(wanted), None);
        }
    }

    /// `stands_alone`: the table stands alone once detached, or did
    /// before it is attached (`compare/stand_alone.rs`).
    pub(super) fn emit_partition_of(
        &mut self,
        table: &QualifiedName,
        from: Option<PartitionOf>,
        to: Option<PartitionOf>,
        stands_alone: Option<crate::StandAlone>,
    ) {
        let (default_partition, referenced_by) =
            self.also_locked(from.as_ref().or(to.as_ref()), table);
        let parent_references = from
            .as_ref()
            .or(to.as_ref())
            .map(|of| references(&self.cur, &of.parent, table))
            .unwrap_or_default();
        self.emit(Change::Alter(Alter::PartitionOf {
            table: table.clone(),
            partition_of: Delta::new(from, to),
            default_partition,
            referenced_by,
            parent_references,
            stands_alone,
        }));
    }
}

/// The tables `changes` drop and create again under the same name, each
/// described (`table public.events: partitioned by RANGE (at) in the
/// database, by LIST (kind) as wanted`): a change of partitioning that
/// PostgreSQL cannot make in place, or of an inheritance child's parents
/// that petal does not write in place, which loses the table's rows.
pub fn recreated_tables(changes: &[Change]) -> Vec<(QualifiedName, String)> {
    let partitioning = |t: &Table| match (&t.partition_of, &t.partition_by) {
        (Some(of), Some(key)) => {
            format!(
                "a partition of {} {}, partitioned by {key}",
                of.parent, of.bound
            )
        }
        (Some(of), None) => format!("a partition of {} {}", of.parent, of.bound),
        (None, Some(key)) => format!("partitioned by {key}"),
        (None, None) => "a table that is not partitioned".to_string(),
    };
    let shape = |t: &Table| {
        let mut shape = partitioning(t);
        if !t.inherits.is_empty() {
            let parents: Vec<String> = t.inherits.iter().map(ToString::to_string).collect();
            shape.push_str(&format!(", inheriting from {}", parents.join(", ")));
        }
        shape
    };
    let mut out = Vec::new();
    for change in changes {
        let Change::Drop(Object::Table { table: old, .. }) = change else {
            continue;
        };
        let new = changes.iter().find_map(|c| match c {
            Change::Create(Object::Table { table, .. }) if table.name == old.name => Some(table),
            _ => None,
        });
        let Some(new) = new else { continue };
        let (was, wanted) = (shape(old), shape(new));
        if was == wanted {
            // A partition of a parent recreated (`unmatch_orphans`), or a
            // child of one (`unmatch_reparented`).
            out.push((
                old.name.clone(),
                format!(
                    "table {}: {was}, dropped and created again with its parent",
                    old.name
                ),
            ));
        } else {
            out.push((
                old.name.clone(),
                format!(
                    "table {}: {was} in the database, {wanted} as wanted",
                    old.name
                ),
            ));
        }
    }
    out
}

/// The columns whose type (or collation) `changes` alter, or move to a
/// recreated enum type, while they are in the partition key of their table
/// or of a partition below it, each described (`column
/// public.events.happened_on: date to timestamp with time zone, in the key
/// RANGE (happened_on)`): PostgreSQL refuses to alter them.
///
/// Changes name tables and columns as they are when they run: a type
/// change as the desired side does (`desired`: it runs after the renames,
/// and a kept table keeps its key), an enum type's recreation as the
/// current side does (`current`: it runs before them). The same holds for
/// a diff's down, its changes reversed with their names: pass the same
/// two sides.
pub fn partition_key_retypes(
    current: &Database,
    desired: &Database,
    changes: &[Change],
) -> Vec<String> {
    let spelled = |ty: &crate::change::ColumnType| match &ty.collation {
        Some(collation) => format!("{} COLLATE {collation}", ty.ty),
        None => ty.ty.to_string(),
    };
    let mut out = Vec::new();
    for change in changes {
        let retyped: Vec<(&Database, &QualifiedName, &str, String)> = match change {
            Change::Alter(Alter::ColumnType {
                table, column, ty, ..
            }) => vec![(
                desired,
                table,
                column.as_str(),
                format!("{} to {}", spelled(&ty.from), spelled(&ty.to)),
            )],
            Change::RecreateEnum(recreate) => recreate
                .columns
                .iter()
                .map(|c| {
                    let what = format!("to the recreated enum type {}", recreate.name);
                    (current, &c.table, c.column.as_str(), what)
                })
                .collect(),
            _ => continue,
        };
        for (db, table, column, what) in retyped {
            if let Some(key) = key_naming(db, table, column) {
                out.push(format!(
                    "column {table}.{}: {what}, in the key {key}",
                    petal_ir::quote_ident_if_needed(column)
                ));
            }
        }
    }
    out
}

/// The partition key, of `table` or of a partition below it in `db`, that
/// names `column` (a partition's columns are its parent's).
fn key_naming<'a>(db: &'a Database, table: &QualifiedName, column: &str) -> Option<&'a str> {
    let below = crate::partition_tree::PartitionTree::of(db).descendants(table);
    std::iter::once(table)
        .chain(&below)
        .filter_map(|t| db.tables.get(t)?.partition_by.as_deref())
        .find(|key| crate::column_refs::mentions_column(key, column))
}
