//! Standalone sequences: settings, an owner (`OWNED BY`, a column of a
//! table in the same schema), comments, and column defaults drawing from
//! them (`nextval`).
//!
//! A sequence that feeds a default is never owned by a column, and an
//! owned one never feeds a default: introspection would read an owned
//! sequence feeding its own column's default as that column's `serial`.

use super::Rng;
use super::build::namespace;
use super::mutate::pick_column;
use super::objects::{free_name, maybe_comment, set};
use crate::{
    Database, QualifiedName, Sequence, SequenceOptions, SequenceOwner, SqlType, quote_literal,
};

const SEQUENCE_NAMES: &[&str] = &["ticket_seq", "Invoice Numbers", "номер_seq"];
const TYPES: &[&str] = &["smallint", "integer", "bigint"];

/// Settings the generator varies; the minimum stays 1 and the start at
/// most 100, so that any other settings accept a sequence's current value
/// (its start: nothing draws from it in the convergence property).
fn options(rng: &mut Rng, ty: &SqlType) -> SequenceOptions {
    let mut o = SequenceOptions::defaults(ty);
    if rng.chance(30) {
        o.start = 100;
    }
    if rng.chance(30) {
        o.increment = 5;
    }
    if rng.chance(20) {
        o.cache = 10;
    }
    if rng.chance(20) {
        o.cycle = true;
        o.max_value = o.max_value.min(30000);
    }
    o
}

/// `nextval('public.ticket_seq'::regclass)`, as `pg_get_expr` prints it.
pub(super) fn nextval(name: &QualifiedName) -> String {
    format!(
        "nextval({}::regclass)",
        quote_literal(&super::build::spelling(name))
    )
}

fn feeds_a_default(db: &Database, name: &QualifiedName) -> bool {
    let call = nextval(name);
    db.tables.values().any(|t| {
        t.columns
            .iter()
            .any(|c| c.default.as_deref() == Some(&call))
    })
}

pub(super) fn create_sequence(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = free_name(rng, db, SEQUENCE_NAMES) else {
        return false;
    };
    let ty = SqlType::from_canonical(*rng.pick(TYPES).unwrap_or(&"bigint"));
    let sequence = Sequence {
        name: name.clone(),
        options: options(rng, &ty),
        ty,
        owned_by: None,
        comment: maybe_comment(rng, 15),
        renamed_from: None,
    };
    db.sequences.insert(name, sequence);
    true
}

fn pick_sequence(rng: &mut Rng, db: &Database) -> Option<QualifiedName> {
    let names: Vec<&QualifiedName> = db.sequences.keys().collect();
    rng.pick(&names).map(|n| (*n).clone())
}

pub(super) fn drop_sequence(rng: &mut Rng, db: &mut Database) -> bool {
    match pick_sequence(rng, db) {
        Some(name) if !feeds_a_default(db, &name) => db.sequences.remove(&name).is_some(),
        _ => false,
    }
}

/// A rename in its schema, with its hint; the defaults drawing from it
/// follow (PostgreSQL prints the new name in them).
pub(super) fn rename_sequence(rng: &mut Rng, db: &mut Database) -> bool {
    let (Some(old), Some(new)) = (pick_sequence(rng, db), rng.pick(SEQUENCE_NAMES)) else {
        return false;
    };
    let new = QualifiedName::new(old.schema.clone(), *new);
    if namespace(db, &old.schema).is_taken(&new.name) {
        return false;
    }
    let Some(mut s) = db.sequences.remove(&old) else {
        return false;
    };
    s.name = new.clone();
    s.renamed_from = s.renamed_from.take().or(Some(old.clone()));
    db.sequences.insert(new.clone(), s);
    let (from, to) = (nextval(&old), nextval(&new));
    for c in db.tables.values_mut().flat_map(|t| t.columns.iter_mut()) {
        if c.default.as_deref() == Some(&from) {
            c.default = Some(to.clone());
        }
    }
    true
}

/// Other settings (type, increment, bounds, cache, cycle).
pub(super) fn sequence_settings(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_sequence(rng, db) else {
        return false;
    };
    let ty = SqlType::from_canonical(*rng.pick(TYPES).unwrap_or(&"bigint"));
    let o = options(rng, &ty);
    let Some(s) = db.sequences.get_mut(&name) else {
        return false;
    };
    if s.ty == ty && s.options == o {
        return false;
    }
    s.ty = ty;
    s.options = o;
    true
}

/// `OWNED BY` a column of a table in the sequence's schema, or by none.
pub(super) fn sequence_owner(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_sequence(rng, db) else {
        return false;
    };
    let owner = if rng.chance(30) || feeds_a_default(db, &name) {
        None
    } else {
        pick_column(rng, db, |t, c| {
            t.name.schema == name.schema && !c.serial && c.identity.is_none()
        })
        .map(|(table, column)| SequenceOwner { table, column })
    };
    match db.sequences.get_mut(&name) {
        Some(s) if s.owned_by != owner => {
            s.owned_by = owner;
            true
        }
        _ => false,
    }
}

pub(super) fn comment_sequence(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_sequence(rng, db) else {
        return false;
    };
    let comment = maybe_comment(rng, 70);
    db.sequences
        .get_mut(&name)
        .is_some_and(|s| set(&mut s.comment, comment))
}

/// An integer column's default draws from an unowned sequence.
pub(super) fn default_from_sequence(rng: &mut Rng, db: &mut Database) -> bool {
    let free: Vec<QualifiedName> = db
        .sequences
        .values()
        .filter(|s| s.owned_by.is_none())
        .map(|s| s.name.clone())
        .collect();
    let Some(sequence) = rng.pick(&free).cloned() else {
        return false;
    };
    let pick = pick_column(rng, db, |_, c| {
        matches!(c.ty.as_str(), "integer" | "bigint")
            && !c.serial
            && c.identity.is_none()
            && c.generated.is_none()
    });
    let Some((table, column)) = pick else {
        return false;
    };
    let default = Some(nextval(&sequence));
    super::mutate::column_mut(db, &table, &column).is_some_and(|c| set(&mut c.default, default))
}
