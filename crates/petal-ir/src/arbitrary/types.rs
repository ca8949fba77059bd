//! Composite types and range types, and what every user type shares: when
//! it is in use, and how a rename reaches what is of it.
//!
//! PostgreSQL adds and drops a composite type's attributes while a column
//! is of it, but refuses to change an attribute's type then, and petal does
//! not take columns out of a type's way: retyped attributes, reordered ones
//! and dropped ones other than the last (recreations) and other subtypes of
//! a range type are for types nothing is of.

use super::Rng;
use super::build::{namespace, spelling};
use super::objects::{free_name, maybe_comment, set};
use crate::{Attribute, CompositeType, Database, QualifiedName, RangeType, SqlType};

const COMPOSITE_NAMES: &[&str] = &["address", "Money Pair", "координаты"];
const ATTRIBUTES: &[(&str, &str)] = &[
    ("street", "text"),
    ("zip", "character varying(20)"),
    ("amount", "numeric(12,2)"),
    ("Этаж", "integer"),
    ("flags", "boolean"),
    ("at", "timestamp with time zone"),
];
const RANGE_NAMES: &[&str] = &["floatrange", "Period", "диапазон"];
/// Subtypes, with the difference function `pg_range` names for them.
const SUBTYPES: &[(&str, Option<&str>)] = &[
    ("double precision", Some("float8mi")),
    ("date", None),
    ("numeric", None),
];

/// The multirange type PostgreSQL 14+ makes beside range type `name`.
pub(super) fn multirange_name(name: &str) -> String {
    match name.find("range") {
        Some(at) => format!("{}multi{}", &name[..at], &name[at..]),
        None => format!("{name}_multirange"),
    }
}

/// Whether a column, view column, attribute or domain is of type `name`.
pub(super) fn type_in_use(db: &Database, name: &QualifiedName) -> bool {
    let s = spelling(name);
    let is = |ty: &SqlType| ty.element().as_str() == s;
    db.tables
        .values()
        .any(|t| t.columns.iter().any(|c| is(&c.ty)))
        || db
            .views
            .values()
            .any(|v| v.columns.iter().any(|c| is(&c.ty)))
        || db
            .composite_types
            .values()
            .any(|c| c.attributes.iter().any(|a| is(&a.ty)))
        || db.domains.values().any(|d| is(&d.base_type))
}

/// After a type's rename: columns, attributes and domains of it name it
/// anew (views follow in `settle`).
pub(super) fn follow_type_rename(db: &mut Database, old: &QualifiedName, new: &QualifiedName) {
    let (from, to) = (spelling(old), spelling(new));
    let retype = |ty: &mut SqlType| {
        if ty.element().as_str() == from {
            let array = if ty.is_array() { "[]" } else { "" };
            *ty = SqlType::from_canonical(format!("{to}{array}"));
        }
    };
    for c in db.tables.values_mut().flat_map(|t| t.columns.iter_mut()) {
        retype(&mut c.ty);
    }
    for a in db
        .composite_types
        .values_mut()
        .flat_map(|c| c.attributes.iter_mut())
    {
        retype(&mut a.ty);
    }
    for d in db.domains.values_mut() {
        retype(&mut d.base_type);
    }
}

fn attribute(rng: &mut Rng, db: &Database, taken: &[Attribute]) -> Option<Attribute> {
    let (name, ty) = rng.pick(ATTRIBUTES)?;
    if taken.iter().any(|a| a.name == *name) {
        return None;
    }
    let domains: Vec<&QualifiedName> = db.domains.keys().collect();
    let ty = match rng.pick(&domains) {
        Some(d) if rng.chance(20) => SqlType::from_canonical(spelling(d)),
        _ => SqlType::from_canonical(*ty),
    };
    Some(Attribute {
        name: name.to_string(),
        ty,
        collation: None,
        comment: maybe_comment(rng, 10),
    })
}

pub(super) fn create_composite(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = free_name(rng, db, COMPOSITE_NAMES) else {
        return false;
    };
    let mut attributes = Vec::new();
    for _ in 0..1 + rng.below(3) {
        if let Some(a) = attribute(rng, db, &attributes) {
            attributes.push(a);
        }
    }
    if attributes.is_empty() {
        return false;
    }
    let composite = CompositeType {
        name: name.clone(),
        attributes,
        comment: maybe_comment(rng, 15),
        renamed_from: None,
    };
    db.composite_types.insert(name, composite);
    true
}

fn pick<T>(
    rng: &mut Rng,
    map: &std::collections::BTreeMap<QualifiedName, T>,
) -> Option<QualifiedName> {
    let names: Vec<&QualifiedName> = map.keys().collect();
    rng.pick(&names).map(|n| (*n).clone())
}

pub(super) fn drop_type(rng: &mut Rng, db: &mut Database) -> bool {
    let composite = rng.chance(60);
    let name = if composite {
        pick(rng, &db.composite_types)
    } else {
        pick(rng, &db.range_types)
    };
    match name {
        Some(name) if !type_in_use(db, &name) => {
            db.composite_types.remove(&name).is_some() || db.range_types.remove(&name).is_some()
        }
        _ => false,
    }
}

/// A composite or range type renamed, with its hint.
pub(super) fn rename_type(rng: &mut Rng, db: &mut Database) -> bool {
    let composite = rng.chance(60);
    let (old, names) = if composite {
        (pick(rng, &db.composite_types), COMPOSITE_NAMES)
    } else {
        (pick(rng, &db.range_types), RANGE_NAMES)
    };
    let (Some(old), Some(new)) = (old, rng.pick(names)) else {
        return false;
    };
    let new = QualifiedName::new(old.schema.clone(), *new);
    let ns = namespace(db, &new.schema);
    if ns.is_taken(&new.name) || ns.is_taken(&multirange_name(&new.name)) {
        return false;
    }
    if let Some(mut c) = db.composite_types.remove(&old) {
        c.name = new.clone();
        c.renamed_from = c.renamed_from.take().or(Some(old.clone()));
        db.composite_types.insert(new.clone(), c);
    } else if let Some(mut r) = db.range_types.remove(&old) {
        r.name = new.clone();
        r.renamed_from = r.renamed_from.take().or(Some(old.clone()));
        db.range_types.insert(new.clone(), r);
    } else {
        return false;
    }
    follow_type_rename(db, &old, &new);
    true
}

/// An attribute added or dropped; retyped, or the attributes reordered
/// (recreated), when nothing is of the type.
pub(super) fn alter_composite(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick(rng, &db.composite_types) else {
        return false;
    };
    let free = !type_in_use(db, &name);
    let action = rng.below(4);
    let added = db
        .composite_types
        .get(&name)
        .and_then(|c| attribute(rng, db, &c.attributes));
    let Some(c) = db.composite_types.get_mut(&name) else {
        return false;
    };
    match action {
        0 => match added {
            Some(a) => c.attributes.push(a),
            None => return false,
        },
        // In use, only the last one: dropping another recreates the type
        // (the down could not put it back in place).
        1 if c.attributes.len() > 1 => {
            let at = if free {
                rng.below(c.attributes.len())
            } else {
                c.attributes.len() - 1
            };
            c.attributes.remove(at);
        }
        2 if free => {
            let at = rng.below(c.attributes.len());
            let Some(a) = c.attributes.get_mut(at) else {
                return false;
            };
            let to = match a.ty.as_str() {
                "text" => "character varying(20)",
                "character varying(20)" => "text",
                "integer" => "bigint",
                "numeric(12,2)" => "double precision",
                _ => return false,
            };
            a.ty = SqlType::from_canonical(to);
        }
        3 if free && c.attributes.len() > 1 => c.attributes.reverse(),
        _ => return false,
    }
    true
}

pub(super) fn create_range(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = free_name(rng, db, RANGE_NAMES) else {
        return false;
    };
    if namespace(db, &name.schema).is_taken(&multirange_name(&name.name)) {
        return false;
    }
    let Some(&(subtype, diff)) = rng.pick(SUBTYPES) else {
        return false;
    };
    let range = RangeType {
        name: name.clone(),
        subtype: SqlType::from_canonical(subtype),
        subtype_opclass: None,
        collation: None,
        canonical: None,
        subtype_diff: diff.map(|d| d.to_string()),
        multirange: None,
        comment: maybe_comment(rng, 15),
        renamed_from: None,
    };
    db.range_types.insert(name, range);
    true
}

/// Another subtype (recreated), for a range type nothing is of.
pub(super) fn resubtype_range(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick(rng, &db.range_types) else {
        return false;
    };
    if type_in_use(db, &name) {
        return false;
    }
    let Some(&(subtype, diff)) = rng.pick(SUBTYPES) else {
        return false;
    };
    match db.range_types.get_mut(&name) {
        Some(r) if r.subtype.as_str() != subtype => {
            r.subtype = SqlType::from_canonical(subtype);
            r.subtype_diff = diff.map(|d| d.to_string());
            true
        }
        _ => false,
    }
}

/// The comment of a composite type, of one of its attributes, or of a
/// range type.
pub(super) fn comment_type(rng: &mut Rng, db: &mut Database) -> bool {
    let comment = maybe_comment(rng, 70);
    let action = rng.below(3);
    let slot = match action {
        0 | 1 => {
            let Some(name) = pick(rng, &db.composite_types) else {
                return false;
            };
            let at = rng.below(8);
            let Some(c) = db.composite_types.get_mut(&name) else {
                return false;
            };
            match c.attributes.get_mut(at).filter(|_| action == 1) {
                Some(a) => &mut a.comment,
                None => &mut c.comment,
            }
        }
        _ => {
            let Some(name) = pick(rng, &db.range_types) else {
                return false;
            };
            let Some(r) = db.range_types.get_mut(&name) else {
                return false;
            };
            &mut r.comment
        }
    };
    set(slot, comment)
}
