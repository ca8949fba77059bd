//! The compared privileges ([`Database::privileges`]) through a change:
//! a `GRANT`/`REVOKE` sets an object's, a created object has its kind's
//! default (a view or function the grants it is created with), a dropped
//! one has none, and a rename moves them to the new name, as the server's
//! ACLs go.

use petal_ir::{Acl, Acls, Database, ObjectKey, QualifiedName};

use crate::change::{Alter, Change, Moved, Object, RecreateEnum, Rename};
use crate::render::picked;

/// The name of the sequence a serial or identity column owns.
pub(crate) fn owned_sequence(
    table: &QualifiedName,
    column: &petal_ir::Column,
) -> Option<QualifiedName> {
    if !column.serial && column.identity.is_none() {
        return None;
    }
    Some(
        column
            .sequence
            .clone()
            .unwrap_or_else(|| picked(table, &column.name)),
    )
}

/// Updates `db`'s compared privileges for `change`.
pub(super) fn follow(db: &mut Database, change: &Change) {
    if let Change::Alter(Alter::Privileges { on, grants, .. }) = change {
        carried(db, on, &grants.to);
    }
    // The sequences a change moves, or makes again, by their names.
    let moved = moved_sequences(db, change);
    let Some(acls) = &mut db.privileges else {
        return;
    };
    for (from, to) in moved {
        let old = acls
            .objects
            .remove(&ObjectKey::Sequence { name: from.clone() });
        match (to, old) {
            (Some(to), Some(acl)) => acls.set(ObjectKey::Sequence { name: to }, acl.grants),
            (Some(_), None) => {}
            // Made again: what a creation gives it.
            (None, _) => {
                let on = ObjectKey::Sequence { name: from };
                acls.set(on.clone(), acls.fresh(&on));
            }
        }
    }
    match change {
        Change::Create(object) | Change::PutBack(Moved { object, .. }) => created(acls, object),
        Change::Drop(object) | Change::MoveAside(Moved { object, .. }) => dropped(acls, object),
        Change::Rename(rename) => renamed(acls, rename),
        // A recreated enum type is a new type, granted what it carries.
        Change::RecreateEnum(RecreateEnum {
            name, privileges, ..
        }) => given(acls, ObjectKey::Enum { name: name.clone() }, privileges),
        Change::Alter(Alter::Privileges { on, grants, .. }) => {
            acls.set(on.clone(), grants.to.clone());
        }
        Change::Replace(_) | Change::Alter(_) | Change::AddEnumLabel(_) => {}
    }
}

/// The owned sequences `change` (applied to `db` already) renames, moves
/// to another schema with its table (old name, new name), or drops and
/// makes again (old name, none: the new one has the default grants).
fn moved_sequences(db: &Database, change: &Change) -> Vec<(QualifiedName, Option<QualifiedName>)> {
    let column_of = |table: &QualifiedName, column: &str| {
        db.tables
            .get(table)
            .and_then(|t| t.columns.iter().find(|c| c.name == column))
            .and_then(|c| owned_sequence(table, c))
    };
    match change {
        Change::Alter(Alter::ColumnSequence {
            table,
            column,
            sequence,
        }) => {
            let named =
                |s: &Option<QualifiedName>| s.clone().unwrap_or_else(|| picked(table, column));
            vec![(named(&sequence.from), Some(named(&sequence.to)))]
        }
        Change::Alter(alter) => remade_sequence(alter)
            .and_then(|(table, column)| column_of(table, column))
            .map(|name| (name, None))
            .into_iter()
            .collect(),
        Change::Rename(Rename::Table { name }) if name.from.schema != name.to.schema => {
            let Some(table) = db.tables.get(&name.to) else {
                return Vec::new();
            };
            table
                .columns
                .iter()
                .filter_map(|c| owned_sequence(&name.to, c))
                .filter(|s| s.schema == name.to.schema)
                .map(|s| {
                    (
                        QualifiedName::new(name.from.schema.clone(), s.name.clone()),
                        Some(s),
                    )
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The column whose owned sequence `alter` drops and makes again (or
/// makes, or drops): a serial column's turned on or off, an identity
/// added or dropped (`SET GENERATED` keeps the sequence).
pub(crate) fn remade_sequence(alter: &Alter) -> Option<(&QualifiedName, &str)> {
    match alter {
        Alter::Serial { table, column, .. } => Some((table, column)),
        Alter::Identity {
            table,
            column,
            identity,
            ..
        } if identity.from.is_some() != identity.to.is_some() => Some((table, column)),
        _ => None,
    }
}

/// A view's or a function's own [`petal_ir::Privileges`], set to `grants`:
/// what the object would be created with again.
fn carried(db: &mut Database, on: &ObjectKey, grants: &[petal_ir::Grant]) {
    let privileges = (grants != Acl::default_grants(on)).then(|| grants.to_vec());
    match on {
        ObjectKey::View { name } | ObjectKey::MaterializedView { name } => {
            if let Some(view) = db.views.get_mut(name) {
                view.privileges = privileges;
            }
        }
        ObjectKey::Function { name, signature } => {
            let found = db
                .functions
                .iter_mut()
                .find(|(k, _)| &k.name == name && &k.signature == signature);
            if let Some((_, function)) = found {
                function.privileges = privileges;
            }
        }
        _ => {}
    }
}

/// A created object has what its creation gives it ([`Acls::fresh`]); a
/// view or function created with grants, as its SQL says them: the
/// kind's default it does not want revoked, the ones it wants granted.
fn created(acls: &mut Acls, object: &Object) {
    let key = object.key();
    match object {
        Object::View { view } => given(acls, key, &view.privileges),
        Object::Function { function } => given(acls, key, &function.privileges),
        Object::Table { table, .. } => {
            forget_relation(acls, &table.name);
            acls.set(key.clone(), acls.fresh(&key));
            for column in &table.columns {
                made_sequence(acls, &table.name, column);
            }
        }
        Object::Column { table, column } => {
            acls.objects.remove(&key);
            made_sequence(acls, table, column);
        }
        _ => acls.set(key.clone(), acls.fresh(&key)),
    }
}

/// The sequence a new serial or identity column makes has what a creation
/// gives it.
fn made_sequence(acls: &mut Acls, table: &QualifiedName, column: &petal_ir::Column) {
    if let Some(name) = owned_sequence(table, column) {
        let on = ObjectKey::Sequence { name };
        acls.set(on.clone(), acls.fresh(&on));
    }
}

/// `on` created, then given `privileges` (`None`: its kind's default) as
/// `render::privileges::grants` writes them.
pub(crate) fn given(acls: &mut Acls, on: ObjectKey, privileges: &petal_ir::Privileges) {
    let kind_default = Acl::default_grants(&on);
    let wanted = privileges.clone().unwrap_or_else(|| kind_default.clone());
    let mut grants: Vec<petal_ir::Grant> = acls
        .fresh(&on)
        .into_iter()
        .filter(|g| !kind_default.contains(g) || wanted.contains(g))
        .collect();
    // The SQL grants what the kind's default does not hold: a default the
    // creation did not give stays missing.
    grants.extend(wanted.into_iter().filter(|g| !kind_default.contains(g)));
    acls.set(on, petal_ir::merged(grants));
}

fn dropped(acls: &mut Acls, object: &Object) {
    match object {
        Object::Table { table, .. } => {
            forget_relation(acls, &table.name);
            // Its serial and identity columns' sequences go with it.
            for column in &table.columns {
                if let Some(name) = owned_sequence(&table.name, column) {
                    acls.objects.remove(&ObjectKey::Sequence { name });
                }
            }
        }
        Object::Column { table, column } => {
            acls.objects.remove(&ObjectKey::column(table, &column.name));
            if let Some(name) = owned_sequence(table, column) {
                acls.objects.remove(&ObjectKey::Sequence { name });
            }
        }
        Object::View { view } => forget_relation(acls, &view.name),
        // With all in it, and itself.
        Object::Schema { name } => acls
            .objects
            .retain(|k, _| k.schema() != Some(name.as_str())),
        _ => {
            acls.objects.remove(&object.key());
        }
    }
}

/// Forgets a relation's grants and its columns'.
fn forget_relation(acls: &mut Acls, name: &QualifiedName) {
    acls.objects.retain(|k, _| match k {
        ObjectKey::Table { name: n }
        | ObjectKey::View { name: n }
        | ObjectKey::MaterializedView { name: n } => n != name,
        ObjectKey::Column { table, .. } => table != name,
        _ => true,
    });
}

fn renamed(acls: &mut Acls, rename: &Rename) {
    let from = rename.key();
    let to = rename.clone().reversed().key();
    let moved: Vec<ObjectKey> = acls
        .objects
        .keys()
        .filter(|k| **k == from || is_column_of(k, &from))
        .cloned()
        .collect();
    for key in moved {
        let Some(acl) = acls.objects.remove(&key) else {
            continue;
        };
        let new = match (&key, &to) {
            (ObjectKey::Column { column, .. }, ObjectKey::Table { name })
            | (ObjectKey::Column { column, .. }, ObjectKey::View { name })
            | (ObjectKey::Column { column, .. }, ObjectKey::MaterializedView { name }) => {
                ObjectKey::column(name, column)
            }
            _ => to.clone(),
        };
        acls.set(new, acl.grants);
    }
}

/// Whether `key` is a column of the relation `relation`.
fn is_column_of(key: &ObjectKey, relation: &ObjectKey) -> bool {
    let ObjectKey::Column { table, .. } = key else {
        return false;
    };
    matches!(relation,
        ObjectKey::Table { name } | ObjectKey::View { name } | ObjectKey::MaterializedView { name }
            if name == table)
}
