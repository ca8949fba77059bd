//! The review of a column's default set or dropped.

use petal_ir::{ObjectKey, QualifiedName};

use crate::classify::Review;

/// `because`: what the change only gets out of the way of. A column of
/// another table is a partitioned table's column whose default changes,
/// or which goes, reaching every partition below it: a partition's own
/// default is set to its parent's first, so that the down sets it back
/// after (`compare/partition_defaults.rs`).
pub(super) fn review(
    table: &QualifiedName,
    column: &str,
    to: Option<&str>,
    because: Option<&ObjectKey>,
) -> Review {
    let parents = match because {
        Some(ObjectKey::Column { table: parent, .. }) if parent != table => because,
        _ => None,
    };
    Review::safe(match (to, because, parents) {
        (Some(d), _, Some(parent)) => format!(
            "set default of {table}.{column} to {d} around the change to {parent}, which \
             reaches every partition"
        ),
        (None, _, Some(parent)) => format!(
            "drop default of {table}.{column} around the change to {parent}, which reaches \
             every partition"
        ),
        (Some(d), None, _) => format!("set default of {table}.{column} to {d}"),
        (None, None, _) => format!("drop default of {table}.{column}"),
        (Some(d), Some(because), _) => {
            format!("set default of {table}.{column} to {d} again, after {because} is recreated")
        }
        (None, Some(because), _) => {
            format!(
                "drop default of {table}.{column} first: it calls {because}, which is recreated"
            )
        }
    })
}
