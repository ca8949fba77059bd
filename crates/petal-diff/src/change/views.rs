//! What creating, replacing and dropping a view means.

use petal_ir::{ObjectKey, View};

use crate::classify::{Review, Safety};

pub(crate) fn key(view: &View) -> ObjectKey {
    if view.materialized {
        ObjectKey::MaterializedView {
            name: view.name.clone(),
        }
    } else {
        ObjectKey::View {
            name: view.name.clone(),
        }
    }
}

pub(super) fn create(view: &View) -> Review {
    let review = Review::safe(format!("create {} {}", view.kind(), view.name));
    if view.materialized {
        review.note("runs its query to fill it: as long as the query takes")
    } else {
        review
    }
}

pub(super) fn drop(view: &View) -> Review {
    let review = Review::safe(format!("drop {} {}", view.kind(), view.name));
    if view.materialized {
        Review {
            safety: Safety::Locks,
            ..review
        }
        .note("its readers fail until it is created and filled again")
    } else {
        review
    }
}

pub(super) fn replace(view: &View) -> Review {
    Review::safe(format!("replace the query of view {}", view.name))
}
