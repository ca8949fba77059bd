//! Random edits of views: created, dropped, renamed (with the hint a SQL
//! file carries), their query changed with the columns kept (`CREATE OR
//! REPLACE`), a column appended (which petal recreates: the down could not
//! drop it), or a column gone, retyped or moved, or plain to materialized
//! (recreated); their options, indexes and comments. What reads a changed
//! view follows in `settle`.

use super::build::namespace;
use super::objects::{maybe_comment, set};
use super::views::{
    Item, Spec, VIEW_NAMES, add_index, add_view, parse, relation_columns, set_spec,
};
use super::{Rng, functions};
use crate::{CheckOption, Database, QualifiedName};

pub(super) fn create_view(rng: &mut Rng, db: &mut Database) -> bool {
    add_view(rng, db)
}

fn pick_view(rng: &mut Rng, db: &Database) -> Option<QualifiedName> {
    let names: Vec<&QualifiedName> = db.views.keys().collect();
    rng.pick(&names).map(|n| (*n).clone())
}

/// A view and its spec, for the edits that rewrite the query.
fn pick_spec(rng: &mut Rng, db: &Database) -> Option<(QualifiedName, Spec)> {
    let name = pick_view(rng, db)?;
    let spec = parse(&db.views.get(&name)?.definition)?;
    Some((name, spec))
}

pub(super) fn drop_view(rng: &mut Rng, db: &mut Database) -> bool {
    pick_view(rng, db).is_some_and(|name| db.views.remove(&name).is_some())
}

pub(super) fn rename_view(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(old) = pick_view(rng, db) else {
        return false;
    };
    let new = match rng.pick(VIEW_NAMES) {
        Some(n) if rng.chance(50) => n.to_string(),
        _ => format!("{}_2", crate::naming::clip(&old.name, 60)),
    };
    let new = QualifiedName::new(old.schema.clone(), new);
    if namespace(db, &old.schema).is_taken(&new.name) {
        return false;
    }
    let Some(mut view) = db.views.remove(&old) else {
        return false;
    };
    view.name = new.clone();
    view.renamed_from = view.renamed_from.take().or(Some(old));
    db.views.insert(new, view);
    true
}

/// A change of the query that keeps the columns (the filter, a helper call
/// swapped for another of the same types: `CREATE OR REPLACE VIEW`), or
/// appends one.
pub(super) fn replace_view(rng: &mut Rng, db: &mut Database) -> bool {
    let Some((name, mut spec)) = pick_spec(rng, db) else {
        return false;
    };
    let Some(columns) = relation_columns(db, &spec.source) else {
        return false;
    };
    match rng.below(3) {
        0 => {
            let unused: Vec<&(String, crate::SqlType)> = columns
                .iter()
                .filter(|(c, _)| {
                    !spec
                        .items
                        .iter()
                        .any(|i| i.column() == c || i.output() == c)
                })
                .collect();
            let Some((column, _)) = rng.pick(&unused) else {
                return false;
            };
            spec.items.push(Item::Column {
                column: column.clone(),
                alias: None,
            });
        }
        1 => {
            let integers: Vec<&String> = columns
                .iter()
                .filter(|(_, t)| matches!(t.as_str(), "integer" | "bigint" | "smallint"))
                .map(|(c, _)| c)
                .collect();
            let filter = rng.pick(&integers).map(|c| (*c).clone());
            let filter = if spec.filter.is_some() && rng.chance(50) {
                None
            } else {
                filter
            };
            if filter == spec.filter {
                return false;
            }
            spec.filter = filter;
        }
        _ => {
            if !swap_helper(rng, db, &mut spec) {
                return false;
            }
        }
    }
    set_spec(db, &name, &spec)
}

/// Calls another helper of the same argument and result types.
fn swap_helper(rng: &mut Rng, db: &Database, spec: &mut Spec) -> bool {
    let Some(columns) = relation_columns(db, &spec.source) else {
        return false;
    };
    let at = rng.below(spec.items.len());
    let Some(Item::Call {
        function, column, ..
    }) = spec.items.get_mut(at)
    else {
        return false;
    };
    let Some((_, ty)) = columns.iter().find(|(c, _)| c == column) else {
        return false;
    };
    let helpers = functions::helpers_of(db, ty.as_str());
    let result = helpers.iter().find(|(f, _)| f == function).map(|(_, r)| r);
    let others: Vec<&QualifiedName> = helpers
        .iter()
        .filter(|(f, r)| f != function && Some(r) == result)
        .map(|(f, _)| f)
        .collect();
    let Some(other) = rng.pick(&others) else {
        return false;
    };
    *function = (*other).clone();
    true
}

/// A change `CREATE OR REPLACE VIEW` refuses: a column dropped, read from
/// another column, the columns reordered, or the view made materialized
/// (or plain).
pub(super) fn recreate_view(rng: &mut Rng, db: &mut Database) -> bool {
    let Some((name, mut spec)) = pick_spec(rng, db) else {
        return false;
    };
    match rng.below(4) {
        0 if spec.items.len() > 1 => {
            spec.items.remove(rng.below(spec.items.len()));
        }
        1 => {
            let Some(columns) = relation_columns(db, &spec.source) else {
                return false;
            };
            let at = rng.below(spec.items.len());
            let Some(item) = spec.items.get_mut(at) else {
                return false;
            };
            let now = columns
                .iter()
                .find(|(c, _)| c == item.column())
                .map(|(_, t)| t);
            let others: Vec<&String> = columns
                .iter()
                .filter(|(_, t)| Some(t) != now)
                .map(|(c, _)| c)
                .collect();
            let Some(other) = rng.pick(&others) else {
                return false;
            };
            // An alias keeps the output name unique; the type changes.
            *item = Item::Column {
                column: (*other).clone(),
                alias: Some(item.output().to_string()),
            };
        }
        2 if spec.items.len() > 1 => spec.items.reverse(),
        3 => return toggle_materialized(db, &name),
        _ => return false,
    }
    set_spec(db, &name, &spec)
}

fn toggle_materialized(db: &mut Database, name: &QualifiedName) -> bool {
    let Some(v) = db.views.get_mut(name) else {
        return false;
    };
    v.materialized = !v.materialized;
    v.indexes.clear();
    v.check_option = None;
    v.security_barrier = false;
    true
}

/// `security_barrier` or a check option set or cleared (plain views).
pub(super) fn view_options(rng: &mut Rng, db: &mut Database) -> bool {
    let Some((name, spec)) = pick_spec(rng, db) else {
        return false;
    };
    let over_table = db.tables.contains_key(&spec.source);
    let plain = spec.items.iter().all(|i| matches!(i, Item::Column { .. }));
    let Some(v) = db.views.get_mut(&name).filter(|v| !v.materialized) else {
        return false;
    };
    if rng.chance(50) {
        v.security_barrier = !v.security_barrier;
        return true;
    }
    if !(over_table && plain) {
        return false;
    }
    v.check_option = match v.check_option {
        None => Some(CheckOption::Cascaded),
        Some(CheckOption::Cascaded) => Some(CheckOption::Local),
        Some(CheckOption::Local) => None,
    };
    true
}

/// A materialized view's index added or dropped.
pub(super) fn view_index(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_view(rng, db) else {
        return false;
    };
    let mut ns = namespace(db, &name.schema);
    let Some(v) = db.views.get_mut(&name).filter(|v| v.materialized) else {
        return false;
    };
    if !v.indexes.is_empty() && rng.chance(50) {
        v.indexes.remove(rng.below(v.indexes.len()));
        return true;
    }
    add_index(rng, v, &mut ns)
}

/// The comment of a view, of one of its columns, or of an index.
pub(super) fn comment_view(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(name) = pick_view(rng, db) else {
        return false;
    };
    let comment = maybe_comment(rng, 70);
    let action = rng.below(3);
    let Some(v) = db.views.get_mut(&name) else {
        return false;
    };
    let slot = match action {
        0 => &mut v.comment,
        1 => {
            let at = rng.below(v.columns.len());
            let Some(c) = v.columns.get_mut(at) else {
                return false;
            };
            &mut c.comment
        }
        _ => {
            let at = rng.below(v.indexes.len());
            let Some(i) = v.indexes.get_mut(at) else {
                return false;
            };
            &mut i.comment
        }
    };
    set(slot, comment)
}
