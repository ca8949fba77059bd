//! Domains, composite and range types (and collations) recreated while a
//! column is of them.
//!
//! PostgreSQL can change neither a domain's base type (nor its collation)
//! nor a range's subtype in place, nor a composite's attribute while a
//! column is of it, and it drops no type a column uses, whether the
//! column stays or goes later in the migration. A collation changes
//! nothing but its name in place, and goes the same way: its columns are
//! converted with `COLLATE` the new one. So the old
//! type is renamed aside (`<name>_petal_old`, as a recreated enum type's
//! is) before the new one is created; the working copy's columns follow
//! the rename, so the tables' phase sees each of them change type and
//! converts it (`ALTER COLUMN ... TYPE ... USING c::text::new`, its default
//! dropped and set around it, what reads it moved out of the way); a
//! dropped table goes with its column; and the old type is dropped once
//! the tables are done.

use petal_ir::{Collation, Database, ObjectKey, QualifiedName};

use super::Engine;
use super::object_phases::object_of;
use super::objects::ObjectPlan;
use crate::change::{Change, Delta, Rename};
use crate::names::EnumSpelling;
use crate::render::retired_name;

/// The columns of `db` of the domain, composite or range type `key` (or an
/// array of it), or of the collation `key`; none for any other kind.
pub(super) fn typed_columns(db: &Database, key: &ObjectKey) -> Vec<ObjectKey> {
    if let ObjectKey::Collation { name } = key {
        let spelling = Collation::spelling(name);
        return db
            .tables
            .values()
            .flat_map(|table| {
                table
                    .columns
                    .iter()
                    .filter(|c| c.collation.as_deref() == Some(spelling.as_str()))
                    .map(|c| ObjectKey::column(&table.name, &c.name))
            })
            .collect();
    }
    let (ObjectKey::Domain { name }
    | ObjectKey::CompositeType { name }
    | ObjectKey::RangeType { name }) = key
    else {
        return Vec::new();
    };
    let spelling = EnumSpelling::new(name);
    db.tables
        .values()
        .flat_map(|table| {
            table
                .columns
                .iter()
                .filter(|c| spelling.used_by(&c.ty).is_some())
                .map(|c| ObjectKey::column(&table.name, &c.name))
        })
        .collect()
}

/// The key a type moved aside has meanwhile.
fn aside_key(key: &ObjectKey) -> Option<ObjectKey> {
    Some(match key {
        ObjectKey::Domain { name } => ObjectKey::Domain {
            name: retired_name(name),
        },
        ObjectKey::CompositeType { name } => ObjectKey::CompositeType {
            name: retired_name(name),
        },
        ObjectKey::RangeType { name } => ObjectKey::RangeType {
            name: retired_name(name),
        },
        ObjectKey::Collation { name } => ObjectKey::Collation {
            name: retired_name(name),
        },
        _ => return None,
    })
}

fn rename_aside(key: &ObjectKey) -> Option<Rename> {
    let aside = |name: &QualifiedName| Delta::new(name.clone(), retired_name(name));
    Some(match key {
        ObjectKey::Domain { name } => Rename::Domain { name: aside(name) },
        ObjectKey::CompositeType { name } => Rename::CompositeType { name: aside(name) },
        ObjectKey::RangeType { name } => Rename::RangeType { name: aside(name) },
        ObjectKey::Collation { name } => Rename::Collation { name: aside(name) },
        _ => return None,
    })
}

impl Engine<'_> {
    /// Phase 5b, first: the recreated types that columns are of, renamed
    /// aside (their new versions are created next, under the old names).
    pub(super) fn move_types_aside(&mut self, plan: &ObjectPlan) {
        for key in &plan.aside {
            if let Some(rename) = rename_aside(key) {
                self.emit(Change::Rename(rename));
            }
        }
    }

    /// Phase 13, first: the types moved aside, now that no column is of
    /// them (before the providers they may use, such as a range's
    /// functions).
    pub(super) fn drop_types_aside(&mut self, plan: &ObjectPlan) {
        for key in &plan.aside {
            let object = aside_key(key).and_then(|aside| object_of(&self.cur, &aside));
            if let Some(object) = object {
                self.emit(Change::Drop(object));
            }
        }
    }
}
