//! Random edits of tables, constraints, indexes, enum types, comments and
//! schemas (the column edits live in `mutate.rs`).

use super::Rng;
use super::build::{
    COMMENTS, ENUM_NAMES, EXTRA_SCHEMAS, LABELS, TABLE_NAMES, add_check, add_enum, add_foreign_key,
    add_index, add_table, add_unique, namespace, spelling,
};
use super::mutate::pick_table;
use crate::{Database, Deferrable, PrimaryKey, QualifiedName, SqlType, quote_literal};

/// Drops the foreign keys that rely on a key of `table` over `columns`.
fn drop_dependent_fks(db: &mut Database, table: &QualifiedName, columns: &[String]) {
    for t in db.tables.values_mut() {
        t.foreign_keys
            .retain(|f| !(f.ref_table == *table && f.ref_columns == columns));
    }
}

pub(super) fn edit_constraints(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_table(rng, db) else {
        return false;
    };
    let mut ns = namespace(db, &name.schema);
    let action = rng.below(6);
    let Some(t) = db.tables.get_mut(&name) else {
        return false;
    };
    let dropped_unique = match action {
        0 => return add_unique(rng, t, &mut ns),
        1 => return add_check(rng, t, &mut ns),
        2 => return add_index(rng, t, &mut ns),
        3 if !t.uniques.is_empty() => {
            let at = rng.below(t.uniques.len());
            t.uniques.remove(at)
        }
        4 if !t.checks.is_empty() => {
            let at = rng.below(t.checks.len());
            t.checks.remove(at);
            return true;
        }
        5 if !t.indexes.is_empty() => {
            let at = rng.below(t.indexes.len());
            t.indexes.remove(at);
            return true;
        }
        _ => return false,
    };
    drop_dependent_fks(db, &name, &dropped_unique.columns);
    true
}

pub(super) fn edit_foreign_keys(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_table(rng, db) else {
        return false;
    };
    if rng.chance(50) {
        return add_foreign_key(rng, db, &name);
    }
    let Some(t) = db.tables.get_mut(&name) else {
        return false;
    };
    if t.foreign_keys.is_empty() {
        return false;
    }
    let at = rng.below(t.foreign_keys.len());
    t.foreign_keys.remove(at);
    true
}

pub(super) fn add_new_table(rng: &mut Rng, db: &mut Database) -> bool {
    let schemas: Vec<String> = db.schemas.iter().cloned().collect();
    let Some(name) = add_table(rng, db, &schemas) else {
        return false;
    };
    if rng.chance(60) {
        add_foreign_key(rng, db, &name);
    }
    true
}

pub(super) fn drop_table(rng: &mut Rng, db: &mut Database) -> bool {
    if db.tables.len() < 2 {
        return false;
    }
    let Some(name) = pick_table(rng, db) else {
        return false;
    };
    db.tables.remove(&name);
    for t in db.tables.values_mut() {
        t.foreign_keys.retain(|f| f.ref_table != name);
    }
    true
}

pub(super) fn rename_table(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(old) = pick_table(rng, db) else {
        return false;
    };
    let Some(new) = rng.pick(TABLE_NAMES) else {
        return false;
    };
    let new = QualifiedName::new(old.schema.clone(), *new);
    if db.tables.contains_key(&new) || namespace(db, &old.schema).is_taken(&new.name) {
        return false;
    }
    let Some(mut t) = db.tables.remove(&old) else {
        return false;
    };
    t.name = new.clone();
    // A second rename keeps the first hint: it names what the database has.
    t.renamed_from = t.renamed_from.take().or(Some(old.clone()));
    db.tables.insert(new.clone(), t);
    for t in db.tables.values_mut() {
        for f in t.foreign_keys.iter_mut().filter(|f| f.ref_table == old) {
            f.ref_table = new.clone();
        }
    }
    true
}

/// Rewrites `from` to `to` in every column default and index predicate
/// (a label renamed, a type renamed); with `to` none (a label removed), the
/// defaults naming it go, and so do the indexes whose predicates do.
fn rewrite_defaults(db: &mut Database, from: &str, to: Option<&str>) {
    for t in db.tables.values_mut() {
        t.indexes
            .retain(|i| to.is_some() || !i.predicate.as_deref().is_some_and(|p| p.contains(from)));
        for i in &mut t.indexes {
            if let (Some(p), Some(to)) = (&mut i.predicate, to) {
                *p = p.replace(from, to);
            }
        }
        for c in &mut t.columns {
            if c.default.as_deref().is_some_and(|d| d.contains(from)) {
                c.default = to.map(|to| c.default.as_deref().unwrap_or("").replace(from, to));
            }
        }
    }
}

pub(super) fn edit_enum_labels(rng: &mut Rng, db: &mut Database) -> bool {
    let names: Vec<QualifiedName> = db.enums.keys().cloned().collect();
    let Some(name) = rng.pick(&names).cloned() else {
        return false;
    };
    let Some(label) = rng.pick(LABELS).map(|s| s.to_string()) else {
        return false;
    };
    let action = rng.below(3);
    let Some(e) = db.enums.get_mut(&name) else {
        return false;
    };
    if !e.renamed_labels.is_empty() {
        return false;
    }
    let type_name = spelling(&name);
    let constant = |l: &str| format!("{}::{type_name}", quote_literal(l));
    match action {
        0 if !e.labels.contains(&label) => {
            let at = rng.below(e.labels.len() + 1);
            e.labels.insert(at, label);
        }
        1 if !e.labels.contains(&label) => {
            let at = rng.below(e.labels.len());
            let old = std::mem::replace(&mut e.labels[at], label.clone());
            e.renamed_labels.insert(label.clone(), old.clone());
            rewrite_defaults(db, &constant(&old), Some(&constant(&label)));
        }
        2 if e.labels.len() > 1 => {
            let at = rng.below(e.labels.len());
            let old = e.labels.remove(at);
            rewrite_defaults(db, &constant(&old), None);
        }
        _ => return false,
    }
    true
}

fn enum_in_use(db: &Database, name: &QualifiedName) -> bool {
    let s = spelling(name);
    db.tables
        .values()
        .any(|t| t.columns.iter().any(|c| c.ty.element().as_str() == s))
}

pub(super) fn edit_enum_type(rng: &mut Rng, db: &mut Database) -> bool {
    let names: Vec<QualifiedName> = db.enums.keys().cloned().collect();
    let schemas: Vec<String> = db.schemas.iter().cloned().collect();
    match (rng.below(3), rng.pick(&names).cloned()) {
        (0, _) | (_, None) => add_enum(rng, db, &schemas),
        (1, Some(name)) if !enum_in_use(db, &name) => db.enums.remove(&name).is_some(),
        (_, Some(old)) => {
            let Some(new) = rng.pick(ENUM_NAMES) else {
                return false;
            };
            let new = QualifiedName::new(old.schema.clone(), *new);
            if db.enums.contains_key(&new) {
                return false;
            }
            let Some(mut e) = db.enums.remove(&old) else {
                return false;
            };
            e.name = new.clone();
            e.renamed_from = e.renamed_from.take().or(Some(old.clone()));
            db.enums.insert(new.clone(), e);
            let (from, to) = (spelling(&old), spelling(&new));
            for t in db.tables.values_mut() {
                for c in &mut t.columns {
                    if c.ty.element().as_str() == from {
                        let array = if c.ty.is_array() { "[]" } else { "" };
                        c.ty = SqlType::from_canonical(format!("{to}{array}"));
                    }
                }
            }
            rewrite_defaults(db, &format!("::{from}"), Some(&format!("::{to}")));
            true
        }
    }
}

pub(super) fn edit_comments(rng: &mut Rng, db: &mut Database) -> bool {
    let comment = if rng.chance(70) {
        rng.pick(COMMENTS).map(|s| s.to_string())
    } else {
        None
    };
    let action = rng.below(5);
    if action == 3 {
        let names: Vec<QualifiedName> = db.enums.keys().cloned().collect();
        let Some(e) = rng.pick(&names).and_then(|n| db.enums.get_mut(n)) else {
            return false;
        };
        e.comment = comment;
        return true;
    }
    let Some(name) = pick_table(rng, db) else {
        return false;
    };
    let Some(t) = db.tables.get_mut(&name) else {
        return false;
    };
    match action {
        0 => t.comment = comment,
        1 => {
            let at = rng.below(t.columns.len());
            let Some(c) = t.columns.get_mut(at) else {
                return false;
            };
            c.comment = comment;
        }
        4 => {
            // A constraint's: a key's, a check's or a foreign key's.
            let names: Vec<String> = t
                .constraint_comments()
                .into_iter()
                .map(|(n, _)| n.to_string())
                .collect();
            let Some(name) = rng.pick(&names) else {
                return false;
            };
            let Some(c) = t.constraint_comment_mut(name) else {
                return false;
            };
            *c = comment;
        }
        _ => {
            let at = rng.below(t.indexes.len());
            let Some(i) = t.indexes.get_mut(at) else {
                return false;
            };
            i.comment = comment;
        }
    }
    true
}

pub(super) fn edit_schema(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(schema) = rng.pick(EXTRA_SCHEMAS).map(|s| s.to_string()) else {
        return false;
    };
    if !db.schemas.contains(&schema) {
        db.schemas.insert(schema.clone());
        add_table(rng, db, &[schema]);
        return true;
    }
    // Drop it only when nothing outside it refers to what it holds.
    let referenced = db.tables.values().any(|t| {
        t.name.schema != schema
            && (t.foreign_keys.iter().any(|f| f.ref_table.schema == schema)
                || db.enums.keys().filter(|e| e.schema == schema).any(|e| {
                    t.columns
                        .iter()
                        .any(|c| c.ty.element().as_str() == spelling(e))
                }))
    });
    // Nor when it holds objects of the other kinds (which are dropped on
    // their own edits, with what uses them).
    let in_schema = |name: &QualifiedName| name.schema == schema;
    let holds_objects = db.views.keys().any(in_schema)
        || db.sequences.keys().any(in_schema)
        || db.functions.keys().any(|k| in_schema(&k.name))
        || db.domains.keys().any(in_schema)
        || db.composite_types.keys().any(in_schema)
        || db.range_types.keys().any(in_schema);
    if referenced || holds_objects || db.tables.keys().all(|t| t.schema == schema) {
        return false;
    }
    db.schemas.remove(&schema);
    db.tables.retain(|n, _| n.schema != schema);
    db.enums.retain(|n, _| n.schema != schema);
    true
}

pub(super) fn rename_index(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_table(rng, db) else {
        return false;
    };
    let ns = namespace(db, &name.schema);
    let Some(t) = db.tables.get_mut(&name) else {
        return false;
    };
    let at = rng.below(t.indexes.len());
    let Some(index) = t.indexes.get_mut(at) else {
        return false;
    };
    let new = format!("{}_2", crate::naming::clip(&index.name, 60));
    if ns.is_taken(&new) {
        return false;
    }
    index.name = new;
    true
}

/// A check or a foreign key made `NOT VALID`, or validated.
pub(super) fn edit_validity(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_table(rng, db) else {
        return false;
    };
    let Some(t) = db.tables.get_mut(&name) else {
        return false;
    };
    let checks = t.checks.len();
    let at = rng.below(checks + t.foreign_keys.len());
    if at < checks {
        let Some(check) = t.checks.get_mut(at) else {
            return false;
        };
        check.not_valid = !check.not_valid;
    } else {
        let Some(fk) = t.foreign_keys.get_mut(at - checks) else {
            return false;
        };
        fk.not_valid = !fk.not_valid;
    }
    true
}

/// A btree index's fill factor set, changed or reset (the index is built
/// again: its storage is part of what it is).
pub(super) fn edit_index_storage(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_table(rng, db) else {
        return false;
    };
    let Some(t) = db.tables.get_mut(&name) else {
        return false;
    };
    let at = rng.below(t.indexes.len());
    let Some(index) = t.indexes.get_mut(at).filter(|i| i.method == "btree") else {
        return false;
    };
    index.storage = match index.storage.as_slice() {
        [] => vec![format!(
            "fillfactor={}",
            rng.pick(&[70, 90]).copied().unwrap_or(70)
        )],
        [only] if only == "fillfactor=70" && rng.chance(50) => vec!["fillfactor=90".into()],
        _ => Vec::new(),
    };
    true
}

pub(super) fn edit_primary_key(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_table(rng, db) else {
        return false;
    };
    // A key no foreign key references may change its deferrability
    // instead (PostgreSQL refuses a deferrable one as a target).
    let key = db.tables.get(&name).and_then(|t| t.primary_key.clone());
    let referenced = db.tables.values().any(|o| {
        o.foreign_keys.iter().any(|fk| {
            fk.ref_table == name && key.as_ref().is_some_and(|p| p.columns == fk.ref_columns)
        })
    });
    let mut ns = namespace(db, &name.schema);
    let Some(t) = db.tables.get_mut(&name) else {
        return false;
    };
    if let Some(pk) = t
        .primary_key
        .as_mut()
        .filter(|_| !referenced && rng.chance(40))
    {
        pk.deferrable = if pk.deferrable.is_not() {
            Deferrable::InitiallyDeferred
        } else {
            Deferrable::NotDeferrable
        };
        return true;
    }
    if let Some(pk) = t.primary_key.take() {
        drop_dependent_fks(db, &name, &pk.columns);
        return true;
    }
    let candidates: Vec<String> = t
        .columns
        .iter()
        .filter(|c| !c.ty.is_array() && c.ty.as_str() != "jsonb" && !c.ty.as_str().contains('.'))
        // CREATE TABLE drops a unique constraint that repeats the primary key.
        .filter(|c| !t.uniques.iter().any(|u| u.columns == [c.name.clone()]))
        .map(|c| c.name.clone())
        .collect();
    let Some(column) = rng.pick(&candidates).cloned() else {
        return false;
    };
    // A primary key makes its columns NOT NULL.
    for c in t.columns.iter_mut().filter(|c| c.name == column) {
        c.nullable = false;
    }
    t.primary_key = Some(PrimaryKey {
        deferrable: Default::default(),
        comment: None,
        name: ns.primary_key(&name.name),
        columns: vec![column],
    });
    true
}
