//! The plan of one kept table's keyed objects (keys, checks, exclusions,
//! indexes, foreign keys): what is renamed, dropped (or moved aside) and
//! created (or put back), for the constraint plan of `tables.rs`.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{ObjectKey, QualifiedName, Table};

use super::keyed::{TableObject, match_named};
use crate::change::{Change, Delta, Moved};

/// A table on both sides, as the constraint plan sees it.
pub(super) struct KeptTable<'a> {
    /// Its name in `to`.
    pub(super) name: &'a QualifiedName,
    /// The working copy with the planned renames applied.
    pub(super) old: &'a Table,
    /// The working copy as it is (drops name objects as they are now).
    pub(super) cur: &'a Table,
    pub(super) to: &'a Table,
}

/// Where planned changes of one kind go.
pub(super) struct Planned<'p> {
    pub(super) drops: &'p mut Vec<Change>,
    pub(super) adds: &'p mut Vec<Change>,
    pub(super) renames: &'p mut Vec<Change>,
    /// Unique keys dropped: (table, sorted columns).
    pub(super) rekeyed: &'p mut BTreeSet<(QualifiedName, Vec<String>)>,
}

/// Plans the objects of kind `T` of one kept table: renames, drops (named
/// as they are now) and creations.
pub(super) fn plan_kind<T: TableObject>(
    table: &KeptTable<'_>,
    out: &mut Planned<'_>,
    moved: impl Fn(&T) -> Option<ObjectKey>,
) {
    let matched = match_named(
        T::of(table.old),
        T::of(table.to),
        T::name,
        T::same_as,
        |o| moved(o).is_some(),
    );
    for (old, new) in matched.renamed {
        let name = Delta::new(old.name().to_string(), new.name().to_string());
        out.renames
            .push(Change::Rename(T::rename(table.name.clone(), name)));
    }
    // Dropped only to get out of another change's way, and wanted back
    // under the same name: moved aside and put back, saying why.
    let mut back: BTreeMap<String, ObjectKey> = BTreeMap::new();
    for gone in matched.dropped {
        if let Some(columns) = gone.unique_key() {
            out.rekeyed.insert((table.name.clone(), sorted(&columns)));
        }
        let Some(now) = T::of(table.cur).iter().find(|c| c.name() == gone.name()) else {
            continue;
        };
        let object = now.clone().object(table.cur.name.clone());
        let returns = matched.added.iter().any(|a| a.name() == gone.name());
        match moved(&gone).filter(|_| returns) {
            Some(because) => {
                back.insert(gone.name().to_string(), because.clone());
                out.drops.push(Change::MoveAside(Moved { object, because }));
            }
            None => out.drops.push(Change::Drop(object)),
        }
    }
    for added in matched.added {
        let because = back.remove(added.name());
        let object = added.object(table.name.clone());
        match because {
            Some(because) => out.adds.push(Change::PutBack(Moved { object, because })),
            None => out.adds.push(Change::Create(object)),
        }
    }
}

pub(super) fn sorted(columns: &[String]) -> Vec<String> {
    let mut c = columns.to_vec();
    c.sort();
    c
}
