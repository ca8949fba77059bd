//! Exclusion constraints at random: `=` on a column of one of the
//! generator's own types (a btree indexes each),
//! some partial, some deferrable; added, dropped and changed.

use super::Rng;
use super::build::{TYPES, ident, namespace};
use super::mutate::pick_table;
use crate::naming::Namespace;
use crate::{Database, Deferrable, Exclusion, Table};

/// Adds an exclusion constraint on one column of `t`, if it has one of
/// a usable type.
pub(super) fn add_exclusion(rng: &mut Rng, t: &mut Table, ns: &mut Namespace) -> bool {
    let usable: Vec<String> = t
        .columns
        .iter()
        .filter(|c| c.generated.is_none() && TYPES.contains(&c.ty.as_str()))
        .map(|c| c.name.clone())
        .collect();
    let Some(column) = rng.pick(&usable).cloned() else {
        return false;
    };
    if t.exclusions
        .iter()
        .any(|x| x.definition.contains(&ident(&column)))
    {
        return false;
    }
    let mut definition = format!("EXCLUDE USING btree ({} WITH =)", ident(&column));
    if rng.chance(30) {
        definition.push_str(&format!(" WHERE ({} IS NOT NULL)", ident(&column)));
    }
    let deferrable = if rng.chance(20) {
        Deferrable::InitiallyDeferred
    } else {
        Deferrable::NotDeferrable
    };
    t.exclusions.push(Exclusion {
        name: ns.exclusion(&t.name.name, &[column]),
        definition,
        deferrable,
        comment: None,
    });
    t.normalize();
    true
}

/// Adds, drops, or flips the deferrability of one exclusion constraint.
pub(super) fn edit_exclusions(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_table(rng, db) else {
        return false;
    };
    let mut ns = namespace(db, &name.schema);
    let Some(t) = db.tables.get_mut(&name) else {
        return false;
    };
    match rng.below(3) {
        0 => add_exclusion(rng, t, &mut ns),
        _ if t.exclusions.is_empty() => false,
        1 => {
            let at = rng.below(t.exclusions.len());
            t.exclusions.remove(at);
            true
        }
        _ => {
            let at = rng.below(t.exclusions.len());
            let x = &mut t.exclusions[at];
            x.deferrable = if x.deferrable.is_not() {
                Deferrable::InitiallyImmediate
            } else {
                Deferrable::NotDeferrable
            };
            true
        }
    }
}
