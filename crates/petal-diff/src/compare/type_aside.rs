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

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Collation, Database, ObjectKey, QualifiedName, RangeType, SqlType};

use super::object_phases::object_of;
use super::objects::{ObjectPlan, Pairs};
use super::{Engine, Matching};
use crate::change::{Change, Delta, Rename};
use crate::names::EnumSpelling;
use crate::render::retired_name;

/// The columns of `db` of the domain, composite or range type `key` (or an
/// array of it; a range's multirange too), or of the collation `key`; none
/// for any other kind.
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
    // A range's multirange goes with it: its columns are the range's too.
    let multirange = match key {
        ObjectKey::RangeType { .. } => db.range_types.get(name).and_then(|r| r.multirange_name()),
        _ => None,
    };
    let spellings: Vec<EnumSpelling> = std::iter::once(name)
        .chain(multirange.as_ref())
        .map(EnumSpelling::new)
        .collect();
    db.tables
        .values()
        .flat_map(|table| {
            table
                .columns
                .iter()
                .filter(|c| spellings.iter().any(|s| s.used_by(&c.ty).is_some()))
                .map(|c| ObjectKey::column(&table.name, &c.name))
        })
        .collect()
}

/// The rename of a range's multirange that comes with renaming the range
/// to `to` (PostgreSQL keeps a multirange's name through its range's
/// rename): one bearing the name derived from the range's is renamed after
/// the new name, as a range created under that name would have it; one
/// named by hand is left alone, but when the range goes `aside` (to be
/// created again under its name, which takes the multirange's too).
pub(super) fn multirange_follows(
    range: &RangeType,
    to: &QualifiedName,
    aside: bool,
) -> Option<Delta<QualifiedName>> {
    let from = range.multirange_name()?;
    (range.multirange.is_none() || aside).then(|| Delta {
        to: QualifiedName::new(
            from.schema.clone(),
            petal_ir::naming::default_multirange_name(&to.name),
        ),
        from,
    })
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

/// The rename aside of `key`, a type or collation of `cur`.
fn rename_aside(cur: &Database, key: &ObjectKey) -> Option<Rename> {
    let aside = |name: &QualifiedName| Delta::new(name.clone(), retired_name(name));
    Some(match key {
        ObjectKey::Domain { name } => Rename::Domain { name: aside(name) },
        ObjectKey::CompositeType { name } => Rename::CompositeType { name: aside(name) },
        ObjectKey::RangeType { name } => Rename::RangeType {
            // Its multirange goes aside with it, whatever its name: the
            // new range takes that name too.
            multirange: cur
                .range_types
                .get(name)
                .and_then(|r| multirange_follows(r, &retired_name(name), true)),
            name: aside(name),
        },
        ObjectKey::Collation { name } => Rename::Collation { name: aside(name) },
        _ => return None,
    })
}

impl Engine<'_> {
    /// Phase 5b, first: the recreated types that columns are of, renamed
    /// aside (their new versions are created next, under the old names).
    pub(super) fn move_types_aside(&mut self, plan: &ObjectPlan) {
        for key in &plan.aside {
            if let Some(rename) = rename_aside(&self.cur, key) {
                self.emit(Change::Rename(rename));
            }
        }
    }

    /// Phase 13, in drop order with the other providers that go: a type
    /// moved aside, now that no column is of it.
    pub(super) fn drop_type_aside(&mut self, key: &ObjectKey) {
        let object = aside_key(key).and_then(|aside| object_of(&self.cur, &aside));
        if let Some(object) = object {
            self.emit(Change::Drop(object));
        }
    }
}

/// Of the recreated providers `recreated` (cur keys), those moved aside
/// rather than dropped: those a table's column is of, and those another
/// one moved aside is built on (a collation only a domain of columns
/// names: the columns' collation is the domain's, unsaid).
pub(super) fn moved_aside(cur: &Database, recreated: &BTreeSet<ObjectKey>) -> BTreeSet<ObjectKey> {
    let mut aside: BTreeSet<ObjectKey> = recreated
        .iter()
        .filter(|k| !typed_columns(cur, k).is_empty())
        .cloned()
        .collect();
    loop {
        let under: Vec<ObjectKey> = cur
            .dependencies
            .iter()
            .filter(|d| recreated.contains(&d.referenced) && !aside.contains(&d.referenced))
            // Only types and collations can be renamed aside.
            .filter(|d| aside_key(&d.referenced).is_some())
            .filter(|d| provider_of(cur, &d.dependent).is_some_and(|p| aside.contains(&p)))
            .map(|d| d.referenced.clone())
            .collect();
        if under.is_empty() {
            return aside;
        }
        aside.extend(under);
    }
}

/// The functions of `drop_last` whose arguments or result name a type of
/// `aside`: dropped before the type is renamed, since their drop names
/// them by their arguments' types and their down creates them again from
/// their text, which names the type as it was (the defaults, checks and
/// indexes calling one go before it: `function_users.rs`).
pub(super) fn functions_naming(
    cur: &Database,
    drop_last: &BTreeSet<ObjectKey>,
    aside: &BTreeSet<ObjectKey>,
) -> Vec<ObjectKey> {
    let spellings: Vec<String> = aside
        .iter()
        .flat_map(|k| match k {
            ObjectKey::Domain { name } | ObjectKey::CompositeType { name } => vec![name.clone()],
            // A range's multirange goes aside with it.
            ObjectKey::RangeType { name } => std::iter::once(name.clone())
                .chain(cur.range_types.get(name).and_then(|r| r.multirange_name()))
                .collect(),
            _ => Vec::new(),
        })
        .map(|name| crate::names::type_spelling(&name))
        .collect();
    let names = |text: &str| spellings.iter().any(|s| crate::names::names_type(text, s));
    drop_last
        .iter()
        .filter(|k| match k {
            ObjectKey::Function { name, signature } => {
                let key = petal_ir::FunctionKey {
                    name: name.clone(),
                    signature: signature.clone(),
                };
                let function = cur.functions.get(&key);
                let result = function.and_then(|f| f.result.as_deref());
                // The arguments with their modes: an OUT one is in neither
                // the signature nor (a `record`) the result.
                let arguments = function.map(|f| f.arguments.as_str());
                names(signature) || result.is_some_and(names) || arguments.is_some_and(names)
            }
            _ => false,
        })
        .cloned()
        .collect()
}

/// The provider (domain, range or composite type) a dependency edge's
/// dependent is, if any.
fn provider_of(cur: &Database, dependent: &ObjectKey) -> Option<ObjectKey> {
    match dependent {
        ObjectKey::Domain { .. } | ObjectKey::RangeType { .. } => Some(dependent.clone()),
        // A composite's attributes are named as its columns.
        ObjectKey::Column { table, .. } if cur.composite_types.contains_key(table) => {
            Some(ObjectKey::CompositeType {
                name: table.clone(),
            })
        }
        _ => None,
    }
}

/// The providers of `cur` (domains, composite and range types) built on
/// one of `recreated` (cur keys), directly or through each other: a
/// domain over a recreated domain or of a recreated collation, a range of
/// one, a composite with an attribute of one. They are recreated too: the
/// one under them is dropped (or moved aside and dropped), and they would
/// hold on to it.
pub(super) fn providers_over(
    cur: &Database,
    recreated: &BTreeSet<ObjectKey>,
) -> BTreeSet<ObjectKey> {
    let mut found: BTreeSet<ObjectKey> = BTreeSet::new();
    let mut frontier: Vec<ObjectKey> = recreated.iter().cloned().collect();
    while let Some(gone) = frontier.pop() {
        for edge in cur.dependencies.iter().filter(|d| d.referenced == gone) {
            let Some(provider) = provider_of(cur, &edge.dependent) else {
                continue;
            };
            if !recreated.contains(&provider) && found.insert(provider.clone()) {
                frontier.push(provider);
            }
        }
    }
    found
}

/// A collation as `cur` spells it, named as `to` does when the collation
/// is renamed (so that a rename alone is no change).
pub(super) fn collation_renamed(pairs: &Pairs, collation: &Option<String>) -> Option<String> {
    let spelled = collation.as_ref()?;
    let renamed = pairs
        .collations
        .iter()
        .find(|(_, c)| Collation::spelling(c) == *spelled)
        .map(|(t, _)| Collation::spelling(t));
    Some(renamed.unwrap_or_else(|| spelled.clone()))
}

/// A type as `cur` spells it, named as `to` does when the type (an enum,
/// domain, composite or range type, or one of their arrays) is renamed.
pub(super) fn type_renamed(pairs: &Pairs, matching: &Matching, ty: &SqlType) -> SqlType {
    let renames = matching
        .enums
        .iter()
        .chain(&pairs.domains)
        .chain(&pairs.composites)
        .chain(&pairs.ranges)
        .filter(|(t, c)| t != c);
    for (to, cur) in renames {
        if let Some(array) = EnumSpelling::new(cur).used_by(ty) {
            return crate::names::enum_type(to, array);
        }
    }
    ty.clone()
}

impl Engine<'_> {
    /// The checks and indexes (and constraints) of the working copy that
    /// name a type or collation moved aside (a cast to the domain, a key's
    /// `COLLATE`), and that type: the constraint plan drops them before the
    /// rename and adds them back after, as for a recreated function.
    pub(super) fn over_types_aside(&self, plan: &ObjectPlan) -> BTreeMap<ObjectKey, ObjectKey> {
        self.cur
            .dependencies
            .iter()
            .filter(|d| plan.aside.contains(&d.referenced))
            .filter(|d| {
                matches!(
                    d.dependent,
                    ObjectKey::Constraint { .. } | ObjectKey::Index { .. }
                )
            })
            .map(|d| (d.dependent.clone(), d.referenced.clone()))
            .collect()
    }
}

/// The columns of `db` (as `db` names their tables) of the types and
/// collations moved aside: they change type, so the foreign keys over
/// them go and come back (`tables.rs`).
pub(super) fn columns_aside(db: &Database, plan: &ObjectPlan) -> BTreeSet<ObjectKey> {
    plan.aside
        .iter()
        .flat_map(|key| typed_columns(db, key))
        .collect()
}
