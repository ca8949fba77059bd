//! An object moved out of the way of another change and put back after it.
//!
//! PostgreSQL refuses to drop or retype what a view, a trigger or a
//! function depends on, and re-reads an index's or a check's text when a
//! column it names changes type. Such an object is dropped before the
//! change and created again after it: a [`Change::MoveAside`] and a
//! [`Change::PutBack`], which are each other's inverse, and which say in
//! the file what they move and because of what.
//!
//! [`Change::MoveAside`]: super::Change::MoveAside
//! [`Change::PutBack`]: super::Change::PutBack

use petal_ir::ObjectKey;
use serde::{Deserialize, Serialize};

use super::Object;
use crate::classify::Review;

/// The object moved, as it is when dropped (aside) or as it is wanted when
/// created again (back), and what it depends on that changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    /// Flattened, as a creation's or a drop's object is: `"object":
    /// "view", "view": {...}` beside `"change"`.
    #[serde(flatten)]
    pub object: Object,
    pub because: ObjectKey,
}

impl Moved {
    /// The drop's review, saying why and that the object comes back.
    pub(crate) fn aside_review(&self) -> Review {
        let review = self.object.drop_review();
        // A stored generated column loses nothing: its values are computed
        // again when it is added back.
        if let Object::Column { table, column } = &self.object
            && column.generated.is_some()
        {
            return Review {
                description: format!(
                    "recreated: drop generated column {table}.{}, which calls {}, before it changes (added back below, its values computed again)",
                    column.name, self.because
                ),
                safety: crate::classify::Safety::Safe,
                notes: Vec::new(),
            };
        }
        Review {
            description: format!(
                "recreated: {}, which depends on {}, before it changes (created again below)",
                review.description, self.because
            ),
            ..review
        }
    }

    /// The creation's review, saying why it was gone.
    pub(crate) fn back_review(&self) -> Review {
        let review = self.object.create_review();
        Review {
            description: format!(
                "recreated: {} again, after {} changed",
                review.description, self.because
            ),
            ..review
        }
    }
}
