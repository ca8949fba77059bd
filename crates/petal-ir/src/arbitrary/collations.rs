//! User collations, drawn from their own stream (`Rng::fourth_side`, so
//! that the kinds before them draw as they did): libc ones of the locales
//! every server has (`C`, `POSIX`) and ICU ones (every server build here
//! has ICU), deterministic, since a check's `LIKE` refuses a
//! nondeterministic one (the tests in `petal-engine` cover those); the
//! text columns that use them, and their edits: created, dropped once
//! unused, renamed (with the hint), redefined under their columns, and
//! columns moved onto and off them.

use super::Rng;
use super::objects::maybe_comment;
use crate::{Collation, Database, QualifiedName, Table};

const NAMES: &[&str] = &["sort_c", "Posix Copy", "ordre", "icu_en"];

/// (provider, libc locale, ICU locale).
const DEFINITIONS: &[(&str, Option<&str>, Option<&str>)] = &[
    ("libc", Some("C"), None),
    ("libc", Some("POSIX"), None),
    ("icu", None, Some("und")),
    ("icu", None, Some("en")),
    ("icu", None, Some("de")),
];

fn definition(rng: &mut Rng, name: QualifiedName) -> Option<Collation> {
    let (provider, libc, icu) = *rng.pick(DEFINITIONS)?;
    Some(Collation {
        name,
        provider: provider.to_string(),
        locale: icu.map(str::to_string),
        lc_collate: libc.map(str::to_string),
        lc_ctype: libc.map(str::to_string),
        deterministic: true,
        rules: None,
        comment: maybe_comment(rng, 30),
        renamed_from: None,
    })
}

/// A name no collation of `db` has, in `public`.
fn free_name(rng: &mut Rng, db: &Database) -> Option<QualifiedName> {
    let name = QualifiedName::new("public", *rng.pick(NAMES)?);
    (db.schemas.contains("public") && !db.collations.contains_key(&name)).then_some(name)
}

/// The (table, column) pairs whose collation may change: plain text
/// columns outside keys, partitions, exclusions and generation.
fn collatable(db: &Database) -> Vec<(QualifiedName, String)> {
    let in_keys = |t: &Table, column: &str| {
        let named = |columns: &[String]| columns.iter().any(|c| c == column);
        t.primary_key.as_ref().is_some_and(|k| named(&k.columns))
            || t.uniques.iter().any(|u| named(&u.columns))
            || t.foreign_keys.iter().any(|f| named(&f.columns))
            || db.tables.values().any(|other| {
                other
                    .foreign_keys
                    .iter()
                    .any(|f| f.ref_table == t.name && named(&f.ref_columns))
            })
    };
    db.tables
        .values()
        .filter(|t| t.partition_by.is_none() && t.partition_of.is_none() && t.exclusions.is_empty())
        .flat_map(|t| {
            t.columns
                .iter()
                .filter(|c| collatable_type(&c.ty) && c.generated.is_none() && !in_keys(t, &c.name))
                .map(|c| (t.name.clone(), c.name.clone()))
        })
        .collect()
}

/// Whether a column of `ty` takes a collation (the generator's text types).
fn collatable_type(ty: &crate::SqlType) -> bool {
    let ty = ty.as_str();
    ty == "text" || ty.starts_with("character varying")
}

/// No collation on a column another edit retyped to what takes none (an
/// enum type, a number): the server refuses `COLLATE` there.
pub(super) fn keep_valid(db: &mut Database) {
    for column in db.tables.values_mut().flat_map(|t| &mut t.columns) {
        if column.collation.is_some() && !collatable_type(&column.ty) {
            column.collation = None;
        }
    }
}

/// The collation's spelling columns of it hold.
fn used(db: &Database, name: &QualifiedName) -> bool {
    let spelling = Collation::spelling(name);
    let is = |c: &Option<String>| c.as_deref() == Some(spelling.as_str());
    db.tables.values().any(|t| {
        t.columns.iter().any(|c| is(&c.collation))
            || t.indexes
                .iter()
                .any(|i| i.keys.iter().any(|k| is(&k.collation)))
    }) || db.domains.values().any(|d| is(&d.collation))
        || db.range_types.values().any(|r| is(&r.collation))
        || db
            .composite_types
            .values()
            .any(|c| c.attributes.iter().any(|a| is(&a.collation)))
}

/// One or two collations, and a column or two on them.
pub(super) fn build_collations(rng: &mut Rng, db: &mut Database) {
    for _ in 0..1 + rng.below(2) {
        create_collation(rng, db);
    }
    for _ in 0..rng.below(3) {
        collate_column(rng, db);
    }
}

/// One edit of the collations or of a column's collation.
pub(super) fn edit_collations(rng: &mut Rng, db: &mut Database) -> bool {
    match rng.below(5) {
        0 => create_collation(rng, db) && collate_column(rng, db),
        1 => drop_collation(rng, db),
        2 => rename_collation(rng, db),
        3 => redefine_collation(rng, db),
        _ => collate_column(rng, db),
    }
}

fn create_collation(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(collation) = free_name(rng, db).and_then(|name| definition(rng, name)) else {
        return false;
    };
    db.collations.insert(collation.name.clone(), collation);
    true
}

fn drop_collation(rng: &mut Rng, db: &mut Database) -> bool {
    let names: Vec<QualifiedName> = db.collations.keys().cloned().collect();
    let Some(name) = rng.pick(&names).cloned() else {
        return false;
    };
    !used(db, &name) && db.collations.remove(&name).is_some()
}

/// Renamed with its hint, and every column of it following.
fn rename_collation(rng: &mut Rng, db: &mut Database) -> bool {
    let names: Vec<QualifiedName> = db.collations.keys().cloned().collect();
    let (Some(old), Some(new)) = (rng.pick(&names).cloned(), free_name(rng, db)) else {
        return false;
    };
    let Some(mut collation) = db.collations.remove(&old) else {
        return false;
    };
    collation.name = new.clone();
    collation.renamed_from = Some(old.clone());
    db.collations.insert(new.clone(), collation);
    let (from, to) = (Collation::spelling(&old), Collation::spelling(&new));
    for column in db.tables.values_mut().flat_map(|t| &mut t.columns) {
        if column.collation.as_deref() == Some(from.as_str()) {
            column.collation = Some(to.clone());
        }
    }
    true
}

/// Another locale under the same name: recreated around its columns.
fn redefine_collation(rng: &mut Rng, db: &mut Database) -> bool {
    let names: Vec<QualifiedName> = db.collations.keys().cloned().collect();
    let Some(name) = rng.pick(&names).cloned() else {
        return false;
    };
    let Some(mut new) = definition(rng, name.clone()) else {
        return false;
    };
    let Some(old) = db.collations.get(&name) else {
        return false;
    };
    if old.same_definition(&new) {
        return false;
    }
    new.comment = old.comment.clone();
    db.collations.insert(name, new);
    true
}

/// A text column onto a user collation, onto `C`, or back to the default.
fn collate_column(rng: &mut Rng, db: &mut Database) -> bool {
    let columns = collatable(db);
    let Some((table, column)) = rng.pick(&columns).cloned() else {
        return false;
    };
    let mut choices: Vec<Option<String>> = db
        .collations
        .keys()
        .map(|n| Some(Collation::spelling(n)))
        .collect();
    choices.push(Some("C".to_string()));
    choices.push(None);
    let Some(collation) = rng.pick(&choices).cloned() else {
        return false;
    };
    let Some(c) = db
        .tables
        .get_mut(&table)
        .and_then(|t| t.columns.iter_mut().find(|c| c.name == column))
    else {
        return false;
    };
    if c.collation == collation {
        return false;
    }
    c.collation = collation;
    true
}
