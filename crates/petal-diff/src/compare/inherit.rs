//! A kept table whose inheritance parents change: `ALTER TABLE ... NO
//! INHERIT` for each parent it leaves, first of all, and `INHERIT` for
//! each it joins, last of all (it must hold the parent's columns, of
//! their types, and its checks by then).
//!
//! Neither statement changes which columns are the table's own: one it
//! only inherits becomes its own when it leaves the parent, and one it
//! has stays its own when it joins one, which no statement undoes. So a
//! table is reparented in place only where it declares every column and
//! check each parent it leaves (or joins) passes on, on that side; and
//! it keeps the parents it keeps in their order, and joins the others
//! after them (`ALTER TABLE ... INHERIT` appends). Any other change of
//! parents drops and creates the table (`unmatch_reparented`), which
//! autogenerate refuses.

use petal_ir::{Database, QualifiedName, Table};

use super::{Engine, Matching};
use crate::change::{Alter, Change, Delta};

/// Whether kept table `was` (of `cur`) becomes `wanted` (of `to`) in
/// place (see the module's comment).
pub(super) fn reparents_in_place(
    cur: &Database,
    to: &Database,
    matching: &Matching,
    was: &Table,
    wanted: &Table,
) -> bool {
    let kept: Vec<&QualifiedName> = was
        .inherits
        .iter()
        .filter_map(|p| matching.table_to(p))
        .filter(|p| wanted.inherits.contains(p))
        .collect();
    if !wanted
        .inherits
        .starts_with(&kept.iter().map(|p| (*p).clone()).collect::<Vec<_>>())
    {
        return false;
    }
    let left = was.inherits.iter().filter(|p| {
        matching
            .table_to(p)
            .is_none_or(|k| !wanted.inherits.contains(k))
    });
    let joined = &wanted.inherits[kept.len()..];
    left.into_iter().all(|p| cur.declares_all_of(was, p))
        && joined.iter().all(|p| to.declares_all_of(wanted, p))
}

impl Engine<'_> {
    /// First of all: each kept table leaves the parents it does not keep.
    pub(super) fn leave_parents(&mut self, matching: &Matching) {
        let mut leaving = Vec::new();
        for (to_name, cur_name) in &matching.tables {
            let (Some(was), Some(wanted)) =
                (self.cur.tables.get(cur_name), self.to.tables.get(to_name))
            else {
                continue;
            };
            for parent in &was.inherits {
                let kept = matching
                    .table_to(parent)
                    .is_some_and(|p| wanted.inherits.contains(p));
                if !kept {
                    leaving.push((cur_name.clone(), parent.clone()));
                }
            }
        }
        for (table, parent) in leaving {
            self.emit(inherit(table, parent, false));
        }
    }

    /// Last of all: each kept table joins the parents it does not have,
    /// in their order.
    pub(super) fn join_parents(&mut self, matching: &Matching) {
        let mut joining = Vec::new();
        for to_name in matching.tables.keys() {
            let (Some(now), Some(wanted)) =
                (self.cur.tables.get(to_name), self.to.tables.get(to_name))
            else {
                continue;
            };
            for parent in wanted.inherits.iter().filter(|p| !now.inherits.contains(p)) {
                joining.push((to_name.clone(), parent.clone()));
            }
        }
        for (table, parent) in joining {
            self.emit(inherit(table, parent, true));
        }
    }
}

fn inherit(table: QualifiedName, parent: QualifiedName, inherits: bool) -> Change {
    Change::Alter(Alter::Inherit {
        table,
        parent,
        inherits: Delta::new(!inherits, inherits),
    })
}
