//! Random model edits: every kind of change the diff engine knows, each
//! leaving a valid database, renames carrying their hints.

use super::Rng;
use super::build::{
    COLUMN_NAMES, COMMENTS, ENUM_NAMES, EXTRA_SCHEMAS, LABELS, TABLE_NAMES, add_check, add_enum,
    add_foreign_key, add_index, add_table, add_unique, default_for, ident, namespace, new_column,
    spelling,
};
use crate::{Database, Identity, PrimaryKey, QualifiedName, SqlType, Table, quote_literal};

type Edit = fn(&mut Rng, &mut Database) -> bool;

const EDITS: &[Edit] = &[
    add_column,
    drop_column,
    rename_column,
    change_type,
    toggle_nullable,
    change_default,
    change_identity,
    toggle_serial,
    edit_constraints,
    edit_foreign_keys,
    add_new_table,
    drop_table,
    rename_table,
    edit_enum_labels,
    edit_enum_type,
    edit_comments,
    edit_schema,
    rename_index,
    edit_primary_key,
];

/// `db` after `edits` random edits (the hints of the result name what was
/// renamed from `db`).
pub fn mutate(db: &Database, rng: &mut Rng, edits: usize) -> Database {
    let mut out = db.clone();
    let mut done = 0;
    for _ in 0..edits * 20 {
        if done == edits {
            break;
        }
        let Some(edit) = rng.pick(EDITS) else { break };
        if edit(rng, &mut out) {
            done += 1;
        }
    }
    out.normalize();
    out
}

fn pick_table(rng: &mut Rng, db: &Database) -> Option<QualifiedName> {
    let names: Vec<&QualifiedName> = db.tables.keys().collect();
    rng.pick(&names).map(|n| (*n).clone())
}

/// Whether anything but the column itself names it: keys, indexes, checks,
/// foreign keys (from this table or pointing at it).
fn column_in_use(db: &Database, table: &Table, column: &str) -> bool {
    let quoted = ident(column);
    let in_text = |t: &str| t.contains(column) || t.contains(&quoted);
    table
        .primary_key
        .iter()
        .any(|p| p.columns.iter().any(|c| c == column))
        || table
            .uniques
            .iter()
            .any(|u| u.columns.iter().any(|c| c == column))
        || table
            .foreign_keys
            .iter()
            .any(|f| f.columns.iter().any(|c| c == column))
        || table.checks.iter().any(|c| in_text(&c.expr))
        || table.indexes.iter().any(|i| {
            i.include.iter().any(|c| c == column)
                || i.predicate.as_deref().is_some_and(in_text)
                || i.keys.iter().any(|k| match &k.expr {
                    crate::IndexKeyExpr::Column(c) => c == column,
                    crate::IndexKeyExpr::Expression(e) => in_text(e),
                })
        })
        || db.tables.values().any(|t| {
            t.foreign_keys
                .iter()
                .any(|f| f.ref_table == table.name && f.ref_columns.iter().any(|c| c == column))
        })
}

/// A column of a random table matching `filter`: (table, column name).
fn pick_column(
    rng: &mut Rng,
    db: &Database,
    filter: impl Fn(&Table, &crate::Column) -> bool,
) -> Option<(QualifiedName, String)> {
    let all: Vec<(QualifiedName, String)> = db
        .tables
        .values()
        .flat_map(|t| {
            t.columns
                .iter()
                .filter(|c| filter(t, c))
                .map(|c| (t.name.clone(), c.name.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    rng.pick(&all).cloned()
}

fn add_column(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_table(rng, db) else {
        return false;
    };
    let Some(cname) = rng.pick(COLUMN_NAMES) else {
        return false;
    };
    let mut column = new_column(rng, db, cname);
    if !column.nullable && column.default.is_none() {
        // Rows may exist: a NOT NULL column needs a default to fill them.
        column.nullable = true;
    }
    let Some(t) = db.tables.get_mut(&name) else {
        return false;
    };
    if t.column(cname).is_some() {
        return false;
    }
    t.columns.push(column);
    true
}

fn drop_column(rng: &mut Rng, db: &mut Database) -> bool {
    let Some((table, column)) = pick_column(rng, db, |t, c| !column_in_use(db, t, &c.name)) else {
        return false;
    };
    let Some(t) = db.tables.get_mut(&table) else {
        return false;
    };
    if t.columns.len() < 2 {
        return false;
    }
    t.columns.retain(|c| c.name != column);
    true
}

fn rename_column(rng: &mut Rng, db: &mut Database) -> bool {
    // Expressions would be reprinted with the new name; keep to columns no
    // expression mentions, and follow them in every column list.
    let pick = pick_column(rng, db, |t, c| {
        let quoted = ident(&c.name);
        let text = |s: &str| s.contains(&c.name) || s.contains(&quoted);
        !t.checks.iter().any(|k| text(&k.expr))
            && !t.indexes.iter().any(|i| {
                i.predicate.as_deref().is_some_and(text)
                    || i.keys
                        .iter()
                        .any(|k| matches!(&k.expr, crate::IndexKeyExpr::Expression(e) if text(e)))
            })
            && !c.serial
            && c.identity.is_none()
    });
    let Some((table, old)) = pick else {
        return false;
    };
    let Some(new) = rng.pick(COLUMN_NAMES).map(|s| s.to_string()) else {
        return false;
    };
    let Some(t) = db.tables.get_mut(&table) else {
        return false;
    };
    if t.column(&new).is_some() {
        return false;
    }
    let swap = |names: &mut Vec<String>| {
        for n in names.iter_mut().filter(|n| **n == old) {
            *n = new.clone();
        }
    };
    for c in t.columns.iter_mut().filter(|c| c.name == old) {
        c.name = new.clone();
        c.renamed_from = c.renamed_from.take().or(Some(old.clone()));
    }
    if let Some(p) = &mut t.primary_key {
        swap(&mut p.columns);
    }
    t.uniques.iter_mut().for_each(|u| swap(&mut u.columns));
    t.foreign_keys.iter_mut().for_each(|f| swap(&mut f.columns));
    for i in &mut t.indexes {
        swap(&mut i.include);
        for k in &mut i.keys {
            if matches!(&k.expr, crate::IndexKeyExpr::Column(c) if *c == old) {
                k.expr = crate::IndexKeyExpr::Column(new.clone());
            }
        }
    }
    for other in db.tables.values_mut() {
        for f in other
            .foreign_keys
            .iter_mut()
            .filter(|f| f.ref_table == table)
        {
            swap(&mut f.ref_columns);
        }
    }
    true
}

/// Type changes a model makes: widening, narrowing, to and from text and
/// enums.
fn new_type(rng: &mut Rng, db: &Database, ty: &SqlType) -> Option<SqlType> {
    let enums: Vec<String> = db.enums.keys().map(spelling).collect();
    let to = match ty.as_str() {
        "integer" => *rng.pick(&["bigint", "text", "numeric(12,2)"])?,
        "bigint" => "integer",
        "smallint" => "integer",
        "double precision" => "numeric(12,2)",
        "numeric(12,2)" => "double precision",
        "text" if !enums.is_empty() && rng.chance(40) => {
            return rng.pick(&enums).map(|e| SqlType::from_canonical(e.clone()));
        }
        "text" => "character varying(20)",
        "character varying(20)" => "text",
        other if enums.iter().any(|e| e == other) => "text",
        _ => return None,
    };
    Some(SqlType::from_canonical(to))
}

fn change_type(rng: &mut Rng, db: &mut Database) -> bool {
    let pick = pick_column(rng, db, |t, c| {
        !column_in_use(db, t, &c.name) && !c.serial && c.identity.is_none()
    });
    let Some((table, column)) = pick else {
        return false;
    };
    let Some(ty) = db
        .tables
        .get(&table)
        .and_then(|t| t.column(&column))
        .map(|c| c.ty.clone())
    else {
        return false;
    };
    let Some(to) = new_type(rng, db, &ty) else {
        return false;
    };
    let default = if rng.chance(50) {
        default_for(rng, &to, db)
    } else {
        None
    };
    let Some(c) = db
        .tables
        .get_mut(&table)
        .and_then(|t| t.columns.iter_mut().find(|c| c.name == column))
    else {
        return false;
    };
    c.ty = to;
    c.default = default;
    if !c.nullable && c.default.is_none() {
        c.nullable = true;
    }
    true
}

fn column_mut<'a>(
    db: &'a mut Database,
    table: &QualifiedName,
    column: &str,
) -> Option<&'a mut crate::Column> {
    db.tables
        .get_mut(table)?
        .columns
        .iter_mut()
        .find(|c| c.name == column)
}

fn toggle_nullable(rng: &mut Rng, db: &mut Database) -> bool {
    let pick = pick_column(rng, db, |t, c| {
        c.identity.is_none()
            && !c.serial
            && !t.primary_key.iter().any(|p| p.columns.contains(&c.name))
    });
    let Some((table, column)) = pick else {
        return false;
    };
    let Some(c) = column_mut(db, &table, &column) else {
        return false;
    };
    c.nullable = !c.nullable;
    true
}

fn change_default(rng: &mut Rng, db: &mut Database) -> bool {
    let pick = pick_column(rng, db, |_, c| {
        c.identity.is_none() && !c.serial && c.nullable
    });
    let Some((table, column)) = pick else {
        return false;
    };
    let Some(ty) = db
        .tables
        .get(&table)
        .and_then(|t| t.column(&column))
        .map(|c| c.ty.clone())
    else {
        return false;
    };
    let default = if rng.chance(75) {
        default_for(rng, &ty, db)
    } else {
        None
    };
    let Some(c) = column_mut(db, &table, &column) else {
        return false;
    };
    if c.default == default {
        return false;
    }
    c.default = default;
    true
}

fn change_identity(rng: &mut Rng, db: &mut Database) -> bool {
    let integer = |c: &crate::Column| matches!(c.ty.as_str(), "integer" | "bigint" | "smallint");
    let pick = pick_column(rng, db, |_, c| {
        integer(c) && !c.serial && (c.identity.is_some() || !c.nullable && c.default.is_none())
    });
    let Some((table, column)) = pick else {
        return false;
    };
    let Some(c) = column_mut(db, &table, &column) else {
        return false;
    };
    c.identity = match (c.identity, rng.chance(25)) {
        (Some(_), true) => None,
        (Some(Identity::Always), false) => Some(Identity::ByDefault),
        (Some(Identity::ByDefault), false) => Some(Identity::Always),
        (None, _) => Some(Identity::ByDefault),
    };
    true
}

fn toggle_serial(rng: &mut Rng, db: &mut Database) -> bool {
    let integer = |c: &crate::Column| matches!(c.ty.as_str(), "integer" | "bigint" | "smallint");
    let pick = pick_column(rng, db, |_, c| {
        integer(c) && c.identity.is_none() && (c.serial || c.default.is_none() && !c.nullable)
    });
    let Some((table, column)) = pick else {
        return false;
    };
    let Some(c) = column_mut(db, &table, &column) else {
        return false;
    };
    c.serial = !c.serial;
    true
}

/// Drops the foreign keys that rely on a key of `table` over `columns`.
fn drop_dependent_fks(db: &mut Database, table: &QualifiedName, columns: &[String]) {
    for t in db.tables.values_mut() {
        t.foreign_keys
            .retain(|f| !(f.ref_table == *table && f.ref_columns == columns));
    }
}

fn edit_constraints(rng: &mut Rng, db: &mut Database) -> bool {
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

fn edit_foreign_keys(rng: &mut Rng, db: &mut Database) -> bool {
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

fn add_new_table(rng: &mut Rng, db: &mut Database) -> bool {
    let schemas: Vec<String> = db.schemas.iter().cloned().collect();
    let Some(name) = add_table(rng, db, &schemas) else {
        return false;
    };
    if rng.chance(60) {
        add_foreign_key(rng, db, &name);
    }
    true
}

fn drop_table(rng: &mut Rng, db: &mut Database) -> bool {
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

fn rename_table(rng: &mut Rng, db: &mut Database) -> bool {
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

/// Rewrites `from` to `to` in every column default.
fn rewrite_defaults(db: &mut Database, from: &str, to: Option<&str>) {
    for t in db.tables.values_mut() {
        for c in &mut t.columns {
            if c.default.as_deref().is_some_and(|d| d.contains(from)) {
                c.default = to.map(|to| c.default.as_deref().unwrap_or("").replace(from, to));
            }
        }
    }
}

fn edit_enum_labels(rng: &mut Rng, db: &mut Database) -> bool {
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

fn edit_enum_type(rng: &mut Rng, db: &mut Database) -> bool {
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

fn edit_comments(rng: &mut Rng, db: &mut Database) -> bool {
    let comment = if rng.chance(70) {
        rng.pick(COMMENTS).map(|s| s.to_string())
    } else {
        None
    };
    let action = rng.below(4);
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

fn edit_schema(rng: &mut Rng, db: &mut Database) -> bool {
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
    if referenced || db.tables.keys().all(|t| t.schema == schema) {
        return false;
    }
    db.schemas.remove(&schema);
    db.tables.retain(|n, _| n.schema != schema);
    db.enums.retain(|n, _| n.schema != schema);
    true
}

fn rename_index(rng: &mut Rng, db: &mut Database) -> bool {
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

fn edit_primary_key(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_table(rng, db) else {
        return false;
    };
    let mut ns = namespace(db, &name.schema);
    let Some(t) = db.tables.get_mut(&name) else {
        return false;
    };
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
        name: ns.primary_key(&name.name),
        columns: vec![column],
    });
    true
}
