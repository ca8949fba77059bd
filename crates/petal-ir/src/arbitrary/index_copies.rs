//! The names of partitions' copies of their parents' indexes
//! (`Table::index_copies`), at random, and the rules they are held to: a
//! partition of a table that is no partition names its copy of one of
//! its parent's indexes (not one made `ON ONLY`: the generator attaches
//! no partition's index to one), under a name free in its schema. A copy
//! it does not name has PostgreSQL's.

use std::collections::BTreeSet;

use super::Rng;
use super::build::namespace;
use crate::{Database, QualifiedName};

/// Names one partition's copy of one of its parent's indexes, or takes
/// the name away.
pub(super) fn edit_index_copies(rng: &mut Rng, db: &mut Database) -> bool {
    keep_valid(db);
    let copies: Vec<(QualifiedName, String)> = db
        .tables
        .values()
        .filter_map(|t| Some((t, copied(db, &t.partition_of.as_ref()?.parent)?)))
        .flat_map(|(t, indexes)| indexes.into_iter().map(|i| (t.name.clone(), i)))
        .collect();
    let Some((table, index)) = rng.pick(&copies).cloned() else {
        return false;
    };
    let named = db
        .tables
        .get(&table)
        .is_some_and(|t| t.index_copies.contains_key(&index));
    if named && rng.chance(50) {
        if let Some(t) = db.tables.get_mut(&table) {
            t.index_copies.remove(&index);
        }
        return true;
    }
    // No other kind is named so.
    let name = format!("copy_{}", rng.below(1_000_000));
    let held = db
        .tables
        .values()
        .any(|t| t.name.schema == table.schema && t.index_copies.values().any(|c| *c == name));
    if held || namespace(db, &table.schema).is_taken(&name) {
        return false;
    }
    if let Some(t) = db.tables.get_mut(&table) {
        t.index_copies.insert(index, name);
    }
    true
}

/// The indexes of `parent` a partition of it may name its copy of: none
/// when it is a partition itself.
fn copied(db: &Database, parent: &QualifiedName) -> Option<Vec<String>> {
    let p = db.tables.get(parent)?;
    if p.partition_of.is_some() {
        return None;
    }
    Some(
        p.indexes
            .iter()
            .filter(|i| !i.only)
            .map(|i| i.name.clone())
            .collect(),
    )
}

/// Each name of a copy that no longer fits: of an index its parent no
/// longer has, on a table that is no partition of a plain parent, or a
/// name something else in its schema holds (the first copy keeps it).
pub(super) fn keep_valid(db: &mut Database) {
    let names: Vec<QualifiedName> = db
        .tables
        .values()
        .filter(|t| !t.index_copies.is_empty())
        .map(|t| t.name.clone())
        .collect();
    let mut held: BTreeSet<(String, String)> = BTreeSet::new();
    for name in names {
        let indexes = db
            .tables
            .get(&name)
            .and_then(|t| copied(db, &t.partition_of.as_ref()?.parent))
            .unwrap_or_default();
        let others = namespace(db, &name.schema);
        let Some(t) = db.tables.get_mut(&name) else {
            continue;
        };
        t.index_copies.retain(|index, copy| {
            indexes.contains(index)
                && !others.is_taken(copy)
                && held.insert((name.schema.clone(), copy.clone()))
        });
    }
}
