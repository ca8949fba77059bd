//! The compared privileges, last: once every object is created, renamed
//! and recreated, each object on both sides whose grants differ between
//! the working copy and the wanted schema gets its `GRANT`s and
//! `REVOKE`s. The working copy follows the migration's changes
//! (`apply::privileges`), so a renamed table's grants are looked for under
//! its new name, and a view recreated with its old grants, or a table
//! recreated with none, gets what it lacks.

use std::collections::BTreeSet;

use petal_ir::{Database, ObjectKey};

use super::Engine;
use crate::apply::privileges::owned_sequence;
use crate::change::{Alter, Change, Delta};

impl Engine<'_> {
    /// Nothing unless both sides compare privileges.
    pub(super) fn grant_privileges(&mut self) {
        let (Some(cur), Some(to)) = (&self.cur.privileges, &self.to.privileges) else {
            return;
        };
        let keys: BTreeSet<&ObjectKey> = cur.0.keys().chain(to.0.keys()).collect();
        let mut changes = Vec::new();
        for on in keys {
            if !exists(&self.cur, on) || !exists(self.to, on) {
                continue;
            }
            let (from, wanted) = (cur.grants(on), to.grants(on));
            if from != wanted {
                changes.push(Alter::Privileges {
                    on: on.clone(),
                    grants: Delta::new(from, wanted),
                });
            }
        }
        for alter in changes {
            self.emit(Change::Alter(alter));
        }
    }
}

/// Whether `db` holds the object `on` names: an entry of the other side's
/// for an object this side lacks is not compared (it is created with its
/// grants, or dropped with them).
fn exists(db: &Database, on: &ObjectKey) -> bool {
    match on {
        ObjectKey::Schema { name } => db.schemas.contains(name),
        ObjectKey::Table { name } => db.tables.contains_key(name),
        ObjectKey::Column { table, column } => db
            .tables
            .get(table)
            .is_some_and(|t| t.columns.iter().any(|c| &c.name == column)),
        ObjectKey::Sequence { name } => {
            db.sequences.contains_key(name)
                || db.tables.values().any(|t| {
                    t.columns
                        .iter()
                        .any(|c| owned_sequence(&t.name, c).as_ref() == Some(name))
                })
        }
        ObjectKey::View { name } => db.views.get(name).is_some_and(|v| !v.materialized),
        ObjectKey::MaterializedView { name } => db.views.get(name).is_some_and(|v| v.materialized),
        ObjectKey::Function { name, signature } => db
            .functions
            .keys()
            .any(|k| &k.name == name && &k.signature == signature),
        ObjectKey::Enum { name } => db.enums.contains_key(name),
        ObjectKey::Domain { name } => db.domains.contains_key(name),
        ObjectKey::CompositeType { name } => db.composite_types.contains_key(name),
        ObjectKey::RangeType { name } => db.range_types.contains_key(name),
        _ => false,
    }
}
