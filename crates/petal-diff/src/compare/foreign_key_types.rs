//! A foreign key whose column no longer has the type of the column it
//! references: PostgreSQL accepts it whenever the two types compare, so a
//! `bigint` id referenced by an `integer` column stands until an id above
//! 2^31 has nowhere to go. The diff warns when its result has such a pair
//! that the database did not have.

use std::collections::BTreeSet;

use petal_ir::{Database, QualifiedName};

use super::Warning;

/// The column pairs of foreign keys in `db` whose types differ, as
/// (table, constraint, column).
fn mismatches(db: &Database) -> Vec<Warning> {
    let mut out = Vec::new();
    for table in db.tables.values() {
        for fk in &table.foreign_keys {
            let Some(target) = db.tables.get(&fk.ref_table) else {
                continue;
            };
            for (column, ref_column) in fk.columns.iter().zip(&fk.ref_columns) {
                let (Some(c), Some(r)) = (table.column(column), target.column(ref_column)) else {
                    continue;
                };
                if c.ty != r.ty {
                    out.push(Warning::ForeignKeyTypeMismatch {
                        table: table.name.clone(),
                        constraint: fk.name.clone(),
                        column: column.clone(),
                        ty: c.ty.as_str().to_string(),
                        ref_table: fk.ref_table.clone(),
                        ref_column: ref_column.clone(),
                        ref_ty: r.ty.as_str().to_string(),
                    });
                }
            }
        }
    }
    out
}

/// The mismatched foreign key columns of `to` that `from` does not have
/// already (by table, constraint and column: what the user was already
/// told about is not repeated on every run).
pub(super) fn new_mismatches(from: &Database, to: &Database) -> Vec<Warning> {
    let key = |w: &Warning| -> Option<(QualifiedName, String, String)> {
        match w {
            Warning::ForeignKeyTypeMismatch {
                table,
                constraint,
                column,
                ..
            } => Some((table.clone(), constraint.clone(), column.clone())),
            _ => None,
        }
    };
    let known: BTreeSet<_> = mismatches(from).iter().filter_map(key).collect();
    mismatches(to)
        .into_iter()
        .filter(|w| key(w).is_none_or(|k| !known.contains(&k)))
        .collect()
}
