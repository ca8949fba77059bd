//! What creating, replacing and dropping a function means.

use petal_ir::{Function, ObjectKey, Volatility};

use crate::classify::Review;

pub(super) fn create(function: &Function) -> Review {
    Review::safe(format!(
        "create {} {}",
        function.kind.noun(),
        function.key()
    ))
}

pub(super) fn drop(function: &Function) -> Review {
    Review::safe(format!("drop {} {}", function.kind.noun(), function.key()))
}

/// `affects`: indexes, checks and generated columns that use the function
/// (in the database as it is): PostgreSQL does not recompute them.
pub(super) fn replace(from: &Function, to: &Function, affects: &[ObjectKey]) -> Review {
    let mut review = Review::safe(format!(
        "replace the body of {} {}",
        to.kind.noun(),
        to.key()
    ));
    let immutable = from.volatility == Volatility::Immutable;
    if immutable && !affects.is_empty() {
        let list: Vec<String> = affects.iter().map(ToString::to_string).collect();
        review = review.note(format!(
            "PostgreSQL does not recompute what it stored with the old body: {}; \
             rebuild them (REINDEX, re-add the check or the column) if the result changes",
            list.join(", ")
        ));
    }
    review
}
