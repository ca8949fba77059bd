//! A kept partition made a table of its own, and a kept table made a
//! partition: PostgreSQL detaches and attaches them in place, rows kept.
//!
//! Both are edits of a pair's second database, drawn last from their own
//! stream (`Rng::seventh_side`). Only what petal moves so qualifies: a
//! partition of a partitioned table that is no partition itself, outside
//! inheritance trees; and a table that nothing else reads (no view, function,
//! trigger, policy, sequence or foreign key stands on it), joining a
//! list-partitioned parent with values the row filler never writes (so
//! its rows do not fit: the attach fails on them, as its notes say, and
//! the case converges on empty tables).

use super::Rng;
use super::build::namespace;
use super::partitions::list_values;
use crate::{Database, ObjectKey, PartitionOf, QualifiedName, Table};

/// Whether `t` of `db` can stand alone or join a parent: neither
/// partitioned nor in an inheritance tree, declared as it stands.
fn movable(db: &Database, t: &Table) -> bool {
    t.partition_by.is_none()
        && t.inherits.is_empty()
        && t.renamed_from.is_none()
        && !db.tables.values().any(|o| o.inherits.contains(&t.name))
}

/// A parent whose partitions can stand alone: partitioned, no partition
/// itself.
fn plain_parent(t: &Table) -> bool {
    t.partition_by.is_some() && t.partition_of.is_none()
}

/// Makes one partition that `before` holds under the same parent a table
/// of its own in `db`, with its parent's columns and, half the time, its
/// primary key.
pub(super) fn detach_a_partition(rng: &mut Rng, before: &Database, db: &mut Database) -> bool {
    let candidates: Vec<QualifiedName> =
        db.tables
            .values()
            .filter(|t| movable(db, t))
            .filter(|t| {
                let Some(of) = &t.partition_of else {
                    return false;
                };
                let kept = before.tables.get(&t.name).is_some_and(|b| {
                    b.partition_of.as_ref().map(|o| &o.parent) == Some(&of.parent)
                });
                kept && db.tables.get(&of.parent).is_some_and(plain_parent)
            })
            .map(|t| t.name.clone())
            .collect();
    let Some(name) = rng.pick(&candidates).cloned() else {
        return false;
    };
    let Some(parent) = db
        .tables
        .get(&name)
        .and_then(|t| t.partition_of.as_ref())
        .and_then(|of| db.tables.get(&of.parent))
        .cloned()
    else {
        return false;
    };
    let mut ns = namespace(db, &name.schema);
    let with_key = rng.chance(50);
    let Some(t) = db.tables.get_mut(&name) else {
        return false;
    };
    t.partition_of = None;
    t.own_defaults.clear();
    t.columns = parent
        .columns
        .iter()
        .map(|c| crate::Column {
            comment: None,
            renamed_from: None,
            ..c.clone()
        })
        .collect();
    if let Some(pk) = parent.primary_key.as_ref().filter(|_| with_key) {
        t.primary_key = Some(crate::PrimaryKey {
            name: ns.primary_key(&name.name),
            comment: None,
            ..pk.clone()
        });
    }
    true
}

/// Makes one plain table that `before` holds under the same name, and
/// that nothing else reads, a partition of a list-partitioned table in
/// `db`.
pub(super) fn attach_a_table(rng: &mut Rng, before: &Database, db: &mut Database) -> bool {
    let read = |db: &Database, name: &QualifiedName| {
        let on = |key: &ObjectKey| match key {
            ObjectKey::Table { name: t }
            | ObjectKey::Column { table: t, .. }
            | ObjectKey::Constraint { table: t, .. }
            | ObjectKey::Index { table: t, .. } => t == name,
            _ => false,
        };
        let referenced = db
            .tables
            .values()
            .any(|o| o.name != *name && o.foreign_keys.iter().any(|fk| fk.ref_table == *name));
        let owned = db
            .sequences
            .values()
            .any(|s| s.owned_by.as_ref().is_some_and(|o| o.table == *name));
        referenced
            || owned
            || super::depends::derive(db)
                .iter()
                .any(|d| on(&d.referenced) && !on(&d.dependent))
            || db.policies.keys().any(|k| k.table == *name)
            || db.triggers.keys().any(|k| k.table == *name)
    };
    let tables: Vec<QualifiedName> = db
        .tables
        .values()
        .filter(|t| t.partition_of.is_none() && movable(db, t) && !t.is_declared_in_sql())
        .filter(|t| {
            before
                .tables
                .get(&t.name)
                .is_some_and(|b| b.partition_of.is_none() && movable(before, b))
        })
        .filter(|t| !read(db, &t.name))
        .map(|t| t.name.clone())
        .collect();
    let parents: Vec<QualifiedName> = super::partitions::list_partitioned(db)
        .filter(|t| plain_parent(t))
        .map(|t| t.name.clone())
        .collect();
    let (Some(table), Some(parent)) = (rng.pick(&tables).cloned(), rng.pick(&parents).cloned())
    else {
        return false;
    };
    let Some(bound) = free_bound(rng, db, &parent) else {
        return false;
    };
    let mut partition = Table::new(table.clone());
    partition.partition_of = Some(PartitionOf { parent, bound });
    partition.comment = db.tables.get(&table).and_then(|t| t.comment.clone());
    db.tables.insert(table, partition);
    true
}

/// `FOR VALUES IN (...)` of `parent`'s key type that no partition of it
/// holds.
fn free_bound(rng: &mut Rng, db: &Database, parent: &QualifiedName) -> Option<String> {
    let ty = super::partitions::key_type(db, parent)?;
    let bound = list_values(rng, &ty);
    let taken = db
        .tables
        .values()
        .filter_map(|p| p.partition_of.as_ref())
        .filter(|of| of.parent == *parent)
        .all(|of| super::partitions::apart(&of.bound, &bound));
    taken.then_some(bound)
}
