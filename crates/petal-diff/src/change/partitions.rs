//! What attaching and detaching a partition means for a live database.

use std::collections::BTreeMap;

use petal_ir::{PartitionOf, QualifiedName};

use super::Delta;
use crate::classify::{Review, Safety};

/// The review of a partition detached or attached; `stands_alone`: what a
/// table that stands alone once detached, or did before it was attached,
/// carries.
pub(super) fn review(
    table: &QualifiedName,
    partition_of: &Delta<Option<PartitionOf>>,
    default_partition: Option<&QualifiedName>,
    referenced_by: &[QualifiedName],
    stands_alone: Option<&crate::StandAlone>,
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
            if let Some(alone) = stands_alone {
                review = review.note(format!(
                    "its rows join {}; its checks, keys, indexes and foreign keys that match {}'s \
                     become {}'s, as they are",
                    to.parent, to.parent, to.parent
                ));
                if !alone.parent_sequences.is_empty() {
                    review = review.note(format!(
                        "{}'s identity and serial sequences move past the values it brings",
                        to.parent
                    ));
                }
            }
            review
        }
        (Some(from), None) => {
            let mut review = Review::new(
                format!("detach partition {table} from {}", from.parent),
                Safety::Locks,
            );
            if stands_alone.is_some() {
                review = review.note(format!(
                    "{table} stands alone with its rows, and keeps {}'s columns, checks, keys, \
                     indexes and foreign keys as its own; the copies are first renamed to the \
                     names this migration gives them",
                    from.parent
                ));
                if !referenced_by.is_empty() {
                    review = review.note(format!(
                        "fails if a row of a table whose foreign key references {} references \
                         one of its rows",
                        from.parent
                    ));
                }
            }
            review
                .note(format!(
                    "its rows leave {}: reads of {} no longer see them",
                    from.parent, from.parent
                ))
                .note(format!("takes an ACCESS EXCLUSIVE lock on {}", from.parent))
        }
        (None, None) => Review::safe(format!("{table} stays no partition")),
    }
}

/// The review of the names of a partition's copies of its parent's
/// indexes: renaming an index locks no table.
pub(super) fn index_copies_review(
    table: &QualifiedName,
    parent: &QualifiedName,
    names: &Delta<BTreeMap<String, String>>,
) -> Review {
    if names.to.is_empty() {
        let copies: Vec<&str> = names.from.values().map(String::as_str).collect();
        return Review::safe(format!(
            "keep the names of {table}'s copies of {parent}'s indexes ({}): no statement \
             here, the reverse of this migration gives them again",
            copies.join(", ")
        ));
    }
    let renames: Vec<String> = names
        .to
        .iter()
        .map(|(index, copy)| format!("{index} → {copy}"))
        .collect();
    Review::safe(format!(
        "name {table}'s copies of {parent}'s indexes ({})",
        renames.join(", ")
    ))
}

/// The review of a kept table made an inheritance child of `parent`, or
/// no longer one.
pub(super) fn inherit_review(
    table: &QualifiedName,
    parent: &QualifiedName,
    inherits: bool,
) -> Review {
    let (what, rows) = if inherits {
        (
            format!("make {table} an inheritance child of {parent}"),
            format!("reads of {parent} see {table}'s rows from now on"),
        )
    } else {
        (
            format!("make {table} no inheritance child of {parent}"),
            format!("{table}'s rows leave reads of {parent}"),
        )
    };
    Review::new(what, Safety::Locks)
        .note(rows)
        .note(format!("takes an ACCESS EXCLUSIVE lock on {table}"))
}
