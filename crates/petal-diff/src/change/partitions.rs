//! What attaching and detaching a partition means for a live database.

use petal_ir::{PartitionOf, QualifiedName};

use super::Delta;
use crate::classify::{Review, Safety};

/// The review of a partition detached or attached.
pub(super) fn review(
    table: &QualifiedName,
    partition_of: &Delta<Option<PartitionOf>>,
    default_partition: Option<&QualifiedName>,
) -> Review {
    match (&partition_of.from, &partition_of.to) {
        (_, Some(to)) => {
            let mut review = Review::new(
                format!(
                    "attach {table} to {} as its partition {}",
                    to.parent, to.bound
                ),
                Safety::Locks,
            )
            .note(format!(
                "reads every row of {table} to prove it fits the bound, under an ACCESS \
                 EXCLUSIVE lock on {table} (fails if one does not)"
            ));
            if let Some(default) = default_partition {
                review = review.note(format!(
                    "reads every row of the default partition {default} as well, to prove none \
                     belongs here"
                ));
            }
            review
        }
        (Some(from), None) => Review::new(
            format!("detach partition {table} from {}", from.parent),
            Safety::Locks,
        )
        .note(format!(
            "its rows leave {}: reads of {} no longer see them",
            from.parent, from.parent
        ))
        .note(format!("takes an ACCESS EXCLUSIVE lock on {}", from.parent)),
        (None, None) => Review::safe(format!("{table} stays no partition")),
    }
}
