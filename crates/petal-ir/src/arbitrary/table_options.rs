//! A table's options, at random: logged or unlogged, storage parameters,
//! replica identity; and the rules PostgreSQL holds them to.

use super::Rng;
use super::mutate::pick_table;
use crate::{Database, ReplicaIdentity, Table};

/// Options for a new table: mostly the defaults.
pub(super) fn random_options(rng: &mut Rng, t: &mut Table) {
    t.options.unlogged = rng.chance(10);
    if rng.chance(15) {
        t.options.storage = storage(rng);
    }
    if rng.chance(15) {
        t.options.replica_identity = identity(rng, t);
    }
}

/// Changes one option of one table.
pub(super) fn edit_table_options(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_table(rng, db) else {
        return false;
    };
    let Some(t) = db.tables.get_mut(&name) else {
        return false;
    };
    match rng.below(3) {
        0 => t.options.unlogged = !t.options.unlogged,
        1 => {
            let wanted = if t.options.storage.is_empty() {
                storage(rng)
            } else {
                Vec::new()
            };
            t.options.storage = wanted;
        }
        _ => {
            let wanted = identity(rng, t);
            if wanted == t.options.replica_identity {
                return false;
            }
            t.options.replica_identity = wanted;
        }
    }
    keep_valid(db);
    true
}

fn storage(rng: &mut Rng) -> Vec<String> {
    let fillfactor = *rng
        .pick(&["fillfactor=70", "fillfactor=90"])
        .unwrap_or(&"fillfactor=70");
    let mut parameters = vec![fillfactor.to_string()];
    // Either order: a new table keeps the one it is given.
    match rng.below(5) {
        0 => parameters.insert(0, "autovacuum_enabled=false".to_string()),
        1 => parameters.push("autovacuum_enabled=false".to_string()),
        _ => {}
    }
    parameters
}

/// Default, full, nothing, or the primary key's index where it can be.
fn identity(rng: &mut Rng, t: &Table) -> ReplicaIdentity {
    let key = t.primary_key.as_ref().filter(|p| p.deferrable.is_not());
    match (rng.below(4), key) {
        (0, _) => ReplicaIdentity::Default,
        (1, _) => ReplicaIdentity::Full,
        (2, _) => ReplicaIdentity::Nothing,
        (_, Some(key)) => ReplicaIdentity::Index(key.name.clone()),
        (_, None) => ReplicaIdentity::Full,
    }
}

/// What PostgreSQL requires, restored after any edit: a logged table's
/// foreign keys reference logged tables (the referenced table made logged
/// where one does not), and a replica identity index is the table's
/// immediate primary key (else the identity goes back to the default).
pub(super) fn keep_valid(db: &mut Database) {
    loop {
        let unlogged_target = db.tables.values().find_map(|t| {
            if t.options.unlogged {
                return None;
            }
            t.foreign_keys
                .iter()
                .map(|fk| &fk.ref_table)
                .find(|r| db.tables.get(*r).is_some_and(|p| p.options.unlogged))
                .cloned()
        });
        match unlogged_target.and_then(|name| db.tables.get_mut(&name)) {
            Some(parent) => parent.options.unlogged = false,
            None => break,
        }
    }
    for t in db.tables.values_mut() {
        if let ReplicaIdentity::Index(index) = &t.options.replica_identity {
            let usable = t
                .primary_key
                .as_ref()
                .is_some_and(|p| p.name == *index && p.deferrable.is_not());
            if !usable {
                t.options.replica_identity = ReplicaIdentity::Default;
            }
        }
    }
}
