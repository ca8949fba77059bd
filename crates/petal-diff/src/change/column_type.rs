//! What changing a column's type, or only its collation, means.

use petal_ir::QualifiedName;

use super::{ColumnType, Delta};
use crate::casts::{TypeChangeRisk, type_change_risk};
use crate::classify::{Review, Safety};
use crate::names::is_user_type;

pub(super) fn review(table: &QualifiedName, column: &str, ty: &Delta<ColumnType>) -> Review {
    let (from, to) = (&ty.from.ty, &ty.to.ty);
    let collation = |c: &Option<String>| c.clone().unwrap_or_else(|| "the default".to_string());
    if from == to {
        // The same type under another collation: no row changes, but the
        // column's indexes are ordered by it.
        return Review::new(
            format!(
                "change collation of {table}.{column} from {} to {}",
                collation(&ty.from.collation),
                collation(&ty.to.collation)
            ),
            Safety::Locks,
        )
        .note("rebuilds the indexes on the column, which its collation orders")
        .note(
            "equality follows the new collation: a unique index or key over the column fails to \
             build again if rows are equal under it (`a` and `A` under a case-insensitive one)",
        );
    }
    let description = format!("change type of {table}.{column} from {from} to {to}");
    let enums = (is_user_type(from), is_user_type(to));
    match type_change_risk(from, to, enums) {
        TypeChangeRisk::Lossy => Review::new(description, Safety::Destructive).note(format!(
            "{from} -> {to} can round, truncate or overflow values, or fail on values that do \
             not convert"
        )),
        TypeChangeRisk::Rewrite => {
            Review::new(description, Safety::Locks).note("rewrites the table")
        }
        TypeChangeRisk::MetadataOnly if ty.from.collation != ty.to.collation => {
            Review::new(description, Safety::Locks)
        }
        TypeChangeRisk::MetadataOnly => Review::safe(description),
    }
}
