//! What creating and dropping a user collation means.

use petal_ir::Collation;

use crate::classify::Review;

pub(super) fn create(collation: &Collation) -> Review {
    let locale = collation
        .locale
        .as_deref()
        .or(collation.lc_collate.as_deref())
        .unwrap_or("default");
    let nondeterministic = if collation.deterministic {
        ""
    } else {
        ", nondeterministic"
    };
    Review::safe(format!(
        "create collation {} ({} {locale}{nondeterministic})",
        collation.name, collation.provider
    ))
}

/// Nothing holds data of a collation; PostgreSQL refuses to drop one a
/// column, index or domain still uses.
pub(super) fn drop(collation: &Collation) -> Review {
    Review::safe(format!("drop collation {}", collation.name))
}
