//! The compared privileges, last: once every object is created, renamed
//! and recreated, each object on both sides whose grants differ between
//! the working copy and the wanted schema gets its `GRANT`s and
//! `REVOKE`s. The working copy follows the migration's changes
//! (`apply::privileges`), so a renamed table's grants are looked for under
//! its new name, and a view recreated with its old grants, or a table
//! recreated with none, gets what it lacks.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Acls, Database, Grant, ObjectKey};

use super::Engine;
use crate::apply::privileges::{owned_sequence, remade_sequence};
use crate::change::{Alter, Change, Delta, Moved, Object};

impl Engine<'_> {
    /// Nothing unless both sides compare privileges. `defaults`: the
    /// default privileges alone (first, once the new schemas are there,
    /// so that what the migration creates gets the wanted ones; in the
    /// down, reversed, what it creates again gets the same); else the
    /// grants on objects (last, once they are all there).
    pub(super) fn grant_privileges(&mut self, defaults: bool) {
        let (Some(cur), Some(to)) = (&self.cur.privileges, &self.to.privileges) else {
            return;
        };
        let keys: BTreeSet<&ObjectKey> = cur.objects.keys().chain(to.objects.keys()).collect();
        let keys = keys
            .into_iter()
            .filter(|k| matches!(k, ObjectKey::DefaultPrivileges { .. }) == defaults);
        let mut changes = Vec::new();
        for on in keys {
            if !exists(&self.cur, on) || !exists(self.to, on) {
                continue;
            }
            let (mut from, wanted) = (cur.grants(on), to.grants(on));
            // What the migration creates gets every wanted grant said,
            // whatever the creator's default privileges gave it: a replay
            // by another role (`check --migrations`) gets the same. (The
            // down drops it next, whatever this says it had.)
            if self.created.contains(on) {
                from.retain(|g| !wanted.contains(g));
            }
            if from != wanted {
                changes.push(alter(cur, on.clone(), from, wanted));
            }
        }
        for alter in changes {
            self.emit(Change::Alter(alter));
        }
    }
}

impl Engine<'_> {
    /// The grants of enum type `name` that its recreation (or the one
    /// undoing an added label) carries, when compared.
    pub(super) fn enum_privileges(&self, name: &petal_ir::QualifiedName) -> petal_ir::Privileges {
        self.to.privileges.as_ref()?;
        let acls = self.cur.privileges.as_ref()?;
        let on = ObjectKey::Enum { name: name.clone() };
        acls.objects.get(&on).map(|acl| acl.grants.clone())
    }

    /// Before a change that drops an object with the grants it has (a
    /// table with its columns' and its owned sequences'), the `REVOKE`s
    /// taking them to the default: the down, which creates the object
    /// again, then grants them back. A view or a function carries its own
    /// grants, and an enum type's recreation its, and needs none.
    pub(super) fn grants_lost_by(&self, change: &Change) -> Vec<Change> {
        let (Some(acls), Some(_)) = (&self.cur.privileges, &self.to.privileges) else {
            return Vec::new();
        };
        let mut lost: Vec<ObjectKey> = Vec::new();
        let dropped = match change {
            Change::Drop(object) | Change::MoveAside(Moved { object, .. }) => Some(object),
            _ => None,
        };
        // A serial or identity column changed drops its sequence, and
        // makes one again.
        if let Some((table, column)) = match change {
            Change::Alter(alter) => remade_sequence(alter),
            _ => None,
        } {
            let column = self
                .cur
                .tables
                .get(table)
                .and_then(|t| t.columns.iter().find(|c| c.name == column));
            lost.extend(column.and_then(|c| owned(table, c)));
        }
        match dropped {
            Some(object @ (Object::Table { .. } | Object::Column { .. })) => {
                lost.extend(with_parts(object));
            }
            // A schema's default privileges go with it.
            Some(Object::Schema { name }) => {
                lost.push(ObjectKey::Schema { name: name.clone() });
                let defaults = acls.objects.keys().filter(|k| {
                    matches!(k, ObjectKey::DefaultPrivileges { schema: Some(s), .. } if s == name)
                });
                lost.extend(defaults.cloned());
            }
            // A view or function carries its grants, given again relative
            // to the kind's default: only the creator's default privileges
            // would give it more.
            Some(object @ (Object::View { .. } | Object::Function { .. }))
                if acls.fresh(&object.key()) != petal_ir::Acl::default_grants(&object.key()) =>
            {
                lost.push(object.key());
            }
            Some(
                object @ (Object::Sequence { .. }
                | Object::Enum { .. }
                | Object::Domain { .. }
                | Object::CompositeType { .. }
                | Object::RangeType { .. }),
            ) => lost.push(object.key()),
            _ => {}
        }
        lost.into_iter()
            .filter_map(|on| {
                // To what the down's creation gives it.
                let grants = acls.grants(&on);
                let fresh = acls.fresh(&on);
                (grants != fresh).then(|| Change::Alter(alter(acls, on, grants, fresh)))
            })
            .collect()
    }
}

/// `on`'s grants from `from` to `to`, with a table's columns' as `acls`
/// holds them.
fn alter(acls: &Acls, on: ObjectKey, from: Vec<Grant>, to: Vec<Grant>) -> Alter {
    let mut columns = BTreeMap::new();
    if let ObjectKey::Table { name } = &on {
        for acl in acls.objects.values() {
            if let ObjectKey::Column { table, column } = &acl.on
                && table == name
            {
                columns.insert(column.clone(), acl.grants.clone());
            }
        }
    }
    Alter::Privileges {
        on,
        grants: Delta::new(from, to),
        columns,
    }
}

/// The objects `change` creates, or creates again, whose grants are
/// compared: a table with its owned sequences, a column's owned sequence;
/// not a view or function, whose creation says its grants itself.
pub(super) fn created_by(change: &Change) -> Vec<ObjectKey> {
    let object = match change {
        Change::Create(object) | Change::PutBack(Moved { object, .. }) => object,
        _ => return Vec::new(),
    };
    if matches!(object, Object::View { .. } | Object::Function { .. }) {
        return Vec::new();
    }
    with_parts(object)
}

/// An object's key with those of its parts that hold grants of their own
/// and come and go with it: a table's columns, and the sequences its (or a
/// column's) serial and identity columns own.
fn with_parts(object: &Object) -> Vec<ObjectKey> {
    let mut keys = vec![object.key()];
    match object {
        Object::Table { table, .. } => {
            for column in &table.columns {
                keys.push(ObjectKey::column(&table.name, &column.name));
                keys.extend(owned(&table.name, column));
            }
        }
        Object::Column { table, column } => keys.extend(owned(table, column)),
        _ => {}
    }
    keys
}

/// The sequence a serial or identity column owns, as a key.
fn owned(table: &petal_ir::QualifiedName, column: &petal_ir::Column) -> Option<ObjectKey> {
    owned_sequence(table, column).map(|name| ObjectKey::Sequence { name })
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
        ObjectKey::DefaultPrivileges { schema, .. } => {
            schema.as_ref().is_none_or(|s| db.schemas.contains(s))
        }
        _ => false,
    }
}
