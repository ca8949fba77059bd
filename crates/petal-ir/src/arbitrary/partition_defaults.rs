//! A partition's own column defaults, at random, and the rules they are
//! held to: a plain column of the root table's, a value of its type, and
//! never what the partition would get from its parent anyway (which the
//! catalogs do not tell apart from its parent's).

use super::Rng;
use crate::{Column, Database, QualifiedName};

/// Gives one partition an own default on one column (none where its
/// parent has one, or a value of the column's type), or takes one away.
pub(super) fn edit_own_defaults(rng: &mut Rng, db: &mut Database) -> bool {
    let partitions: Vec<QualifiedName> = db
        .tables
        .values()
        .filter(|t| t.partition_of.is_some())
        .map(|t| t.name.clone())
        .collect();
    let Some(name) = rng.pick(&partitions).cloned() else {
        return false;
    };
    let columns: Vec<Column> = db
        .partition_root(&name)
        .map(|t| t.columns.iter().filter(|c| !c.is_fed()).cloned().collect())
        .unwrap_or_default();
    let Some(column) = rng.pick(&columns).cloned() else {
        return false;
    };
    let own = match (rng.below(3), value(&column)) {
        (0, _) | (_, None) => None,
        (_, Some(v)) => Some(v),
    };
    if let Some(t) = db.tables.get_mut(&name)
        && t.own_defaults.remove(&column.name).is_none()
    {
        t.own_defaults.insert(column.name.clone(), own);
    }
    keep_valid(db);
    true
}

/// Each partition's own defaults that no longer fit its root's columns,
/// or are its parent's anyway, gone.
pub(super) fn keep_valid(db: &mut Database) {
    let names: Vec<QualifiedName> = db
        .tables
        .values()
        .filter(|t| !t.own_defaults.is_empty())
        .map(|t| t.name.clone())
        .collect();
    for name in names {
        let Some(t) = db.tables.get(&name) else {
            continue;
        };
        let Some(parent) = t.partition_of.as_ref().map(|of| of.parent.clone()) else {
            if let Some(t) = db.tables.get_mut(&name) {
                t.own_defaults.clear();
            }
            continue;
        };
        let kept = t
            .own_defaults
            .iter()
            .filter(|(column, own)| {
                let fits = db
                    .partition_root(&name)
                    .and_then(|r| r.column(column))
                    .is_some_and(|c| {
                        !c.is_fed() && own.as_ref().is_none_or(|v| value(c).as_ref() == Some(v))
                    });
                fits && db.column_default(&parent, column) != **own
            })
            .map(|(c, d)| (c.clone(), d.clone()))
            .collect();
        if let Some(t) = db.tables.get_mut(&name) {
            t.own_defaults = kept;
        }
    }
}

/// An own default of the column's type, as PostgreSQL prints it.
fn value(c: &Column) -> Option<String> {
    match c.ty.as_str() {
        "text" => Some("'own'::text".to_string()),
        "integer" | "bigint" | "smallint" => Some("7".to_string()),
        _ => None,
    }
}
