//! Random model edits: every kind of change the diff engine knows, each
//! leaving a valid database, renames carrying their hints.

use super::Rng;
use super::build::{COLUMN_NAMES, default_for, ident, new_column, spelling};
use crate::{Database, Identity, QualifiedName, SqlType, Table};

use super::mutate_objects::{
    add_new_table, drop_table, edit_comments, edit_constraints, edit_enum_labels, edit_enum_type,
    edit_foreign_keys, edit_index_storage, edit_primary_key, edit_schema, edit_validity,
    rename_index, rename_table,
};

type Edit = fn(&mut Rng, &mut Database) -> bool;

pub(super) const EDITS: &[Edit] = &[
    add_column,
    drop_column,
    rename_column,
    change_type,
    // Twice: type changes are where data is most at risk.
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
    // Twice: a type recreated moves what reads it out of the way and back.
    edit_enum_labels,
    edit_enum_type,
    edit_comments,
    edit_schema,
    rename_index,
    edit_index_storage,
    edit_validity,
    edit_primary_key,
];

/// The edits of kinds added later, drawn from the side stream after the
/// others (see [`Rng::side`]): a table's options, exclusion constraints.
pub(super) fn late_edits(rng: &Rng, db: &mut Database) {
    let mut side = rng.side();
    if side.chance(25) {
        super::table_options::edit_table_options(&mut side, db);
    }
    if side.chance(25) {
        super::exclusions::edit_exclusions(&mut side, db);
    }
    if side.chance(60) {
        super::partitions::edit_partitions(&mut side, db);
    }
    if side.chance(40) {
        super::partition_defaults::edit_own_defaults(&mut side, db);
    }
}

/// `db` after `edits` random edits of its tables and enum types (the hints
/// of the result name what was renamed from `db`).
pub fn mutate_tables_and_enums(db: &Database, rng: &mut Rng, edits: usize) -> Database {
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
    late_edits(rng, &mut out);
    super::table_options::keep_valid(&mut out);
    out.normalize();
    out
}

pub(super) fn pick_table(rng: &mut Rng, db: &Database) -> Option<QualifiedName> {
    let names: Vec<&QualifiedName> = db.tables.keys().collect();
    rng.pick(&names).map(|n| (*n).clone())
}

/// Whether anything but the column itself names it: keys, indexes, checks,
/// foreign keys (from this table or pointing at it).
pub(super) fn column_in_use(db: &Database, table: &Table, column: &str) -> bool {
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
        || table.exclusions.iter().any(|x| in_text(&x.definition))
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
pub(super) fn pick_column(
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
            && !t.exclusions.iter().any(|x| text(&x.definition))
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

/// A column's type changes; often another column's of the same table too,
/// which the diff renders as one statement.
fn change_type(rng: &mut Rng, db: &mut Database) -> bool {
    let eligible = |db: &Database, t: &Table, c: &crate::Column| {
        !column_in_use(db, t, &c.name) && !c.serial && c.identity.is_none()
    };
    let pick = pick_column(rng, db, |t, c| eligible(db, t, c));
    let Some((table, column)) = pick else {
        return false;
    };
    if !change_column_type(rng, db, &table, &column) {
        return false;
    }
    if rng.chance(60) {
        let others: Vec<String> = db
            .tables
            .get(&table)
            .map(|t| {
                t.columns
                    .iter()
                    .filter(|c| c.name != column && eligible(db, t, c))
                    .filter(|c| type_can_change(db, &c.ty))
                    .map(|c| c.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(other) = rng.pick(&others).cloned() {
            change_column_type(rng, db, &table, &other);
        }
    }
    true
}

/// Whether [`new_type`] has a type for `ty` (the rng only picks among
/// them).
fn type_can_change(db: &Database, ty: &SqlType) -> bool {
    new_type(&mut Rng::new(0), db, ty).is_some()
}

fn change_column_type(
    rng: &mut Rng,
    db: &mut Database,
    table: &QualifiedName,
    column: &str,
) -> bool {
    let Some(ty) = db
        .tables
        .get(table)
        .and_then(|t| t.column(column))
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
        .get_mut(table)
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

pub(super) fn column_mut<'a>(
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
