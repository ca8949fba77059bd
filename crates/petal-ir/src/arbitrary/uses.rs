//! Edits that put the other kinds under a table's dependents: a column of
//! a domain, composite, range or extension type; a default, a check or an
//! expression index calling an IMMUTABLE helper function.
//!
//! What they add holds for the rows the convergence property inserts
//! (1, 2, 3 in integer columns, 'v1' ... in text ones, NULL in the
//! others), so a new check never fails on them.

use super::build::{COLUMN_NAMES, namespace};
use super::mutate::{column_mut, pick_column, pick_table};
use super::objects::{btree_index, set};
use super::{Rng, extensions};
use crate::{Check, Database, Function, IndexKey, QualifiedName, SqlType};

/// Arguments a default passes to a helper of each signature.
fn arguments(signature: &str) -> Option<&'static str> {
    match signature {
        "integer" => Some("21"),
        "text" => Some("'X'::text"),
        "integer, integer" => Some("5, 10"),
        _ => None,
    }
}

/// Types a new column may be of: the domains (those a new column can be
/// of, holding their default or NULL), composite, range and extension
/// types of `db`.
fn user_types(db: &Database) -> Vec<SqlType> {
    let spell = |n: &QualifiedName| SqlType::from_canonical(super::build::spelling(n));
    let domains = db
        .domains
        .values()
        .filter(|d| !d.not_null || d.default.is_some())
        .map(|d| spell(&d.name));
    domains
        .chain(db.composite_types.keys().map(spell))
        .chain(db.range_types.keys().map(spell))
        .chain(extensions::types(db))
        .collect()
}

/// A new nullable column of a user type (without a default: it takes the
/// domain's, if any, or NULL).
pub(super) fn column_of_user_type(rng: &mut Rng, db: &mut Database) -> bool {
    let types = user_types(db);
    let (Some(ty), Some(table), Some(name)) = (
        rng.pick(&types).cloned(),
        pick_table(rng, db),
        rng.pick(COLUMN_NAMES),
    ) else {
        return false;
    };
    let Some(t) = db.tables.get_mut(&table) else {
        return false;
    };
    if t.column(name).is_some() {
        return false;
    }
    t.columns.push(crate::Column::new(*name, ty));
    true
}

/// IMMUTABLE helpers of `db` (not aggregates: an expression of a row
/// may not call one).
fn helpers(db: &Database) -> Vec<Function> {
    db.functions
        .values()
        .filter(|f| {
            f.kind == crate::FunctionKind::Function && f.volatility == crate::Volatility::Immutable
        })
        .cloned()
        .collect()
}

/// A column's default calls a helper returning the column's type.
pub(super) fn default_calling_function(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(f) = rng.pick(&helpers(db)).cloned() else {
        return false;
    };
    let (Some(result), Some(arguments)) = (f.result.clone(), arguments(&f.signature)) else {
        return false;
    };
    let pick = pick_column(rng, db, |_, c| c.ty.as_str() == result && !c.is_fed());
    let Some((table, column)) = pick else {
        return false;
    };
    let default = Some(format!(
        "{}{arguments})",
        super::spell::call_prefix(&f.name)
    ));
    column_mut(db, &table, &column).is_some_and(|c| set(&mut c.default, default))
}

/// `public.norm(name)`: a helper called on a column.
fn call_over(f: &Function, column: &str) -> String {
    format!(
        "{}{})",
        super::spell::call_prefix(&f.name),
        super::build::ident(column)
    )
}

/// A helper of one argument, and a column of `db` of its argument type.
fn helper_and_column(rng: &mut Rng, db: &Database) -> Option<(Function, QualifiedName, String)> {
    let one: Vec<Function> = helpers(db)
        .into_iter()
        .filter(|f| !f.signature.contains(','))
        .collect();
    let f = rng.pick(&one)?.clone();
    let (table, column) = pick_column(rng, db, |_, c| c.ty.as_str() == f.signature)?;
    Some((f, table, column))
}

/// A check calling a helper on a column; it holds for every value the
/// convergence property inserts.
pub(super) fn check_calling_function(rng: &mut Rng, db: &mut Database) -> bool {
    let Some((f, table, column)) = helper_and_column(rng, db) else {
        return false;
    };
    let call = call_over(&f, &column);
    let expr = match f.result.as_deref() {
        Some("boolean") => call,
        Some("integer" | "bigint") => format!("({call} > 0)"),
        Some("text") => format!("({call} <> ''::text)"),
        _ => return false,
    };
    let mut ns = namespace(db, &table.schema);
    let Some(t) = db.tables.get_mut(&table) else {
        return false;
    };
    if t.checks.iter().any(|c| c.expr == expr) {
        return false;
    }
    t.checks.push(Check {
        not_valid: false,
        no_inherit: false,
        comment: None,
        name: ns.check(&table.name, Some(&column)),
        expr,
    });
    t.normalize();
    true
}

/// An expression index calling a helper on a column.
pub(super) fn index_calling_function(rng: &mut Rng, db: &mut Database) -> bool {
    let Some((f, table, column)) = helper_and_column(rng, db) else {
        return false;
    };
    let keys = vec![IndexKey::expression(call_over(&f, &column))];
    let mut ns = namespace(db, &table.schema);
    let Some(t) = db.tables.get_mut(&table) else {
        return false;
    };
    if t.indexes.iter().any(|i| i.keys == keys) {
        return false;
    }
    let name = ns.index(&table.name, &keys, &[]);
    t.indexes.push(btree_index(name, keys, None));
    t.normalize();
    true
}

/// One of the uses above, for the builder: objects under dependents.
pub(super) fn any_use(rng: &mut Rng, db: &mut Database) -> bool {
    match rng.below(4) {
        0 => column_of_user_type(rng, db),
        1 => default_calling_function(rng, db),
        2 => check_calling_function(rng, db),
        _ => index_calling_function(rng, db),
    }
}
