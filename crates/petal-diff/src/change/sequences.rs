//! What creating, dropping and altering a sequence means.

use petal_ir::{QualifiedName, Sequence, SequenceOwner};

use crate::classify::{Review, Safety};

pub(super) fn create(sequence: &Sequence) -> Review {
    Review::safe(format!(
        "create sequence {} ({})",
        sequence.name, sequence.ty
    ))
}

pub(super) fn drop(sequence: &Sequence) -> Review {
    Review::new(
        format!("drop sequence {} and its current value", sequence.name),
        Safety::Destructive,
    )
}

pub(super) fn settings(name: &QualifiedName) -> Review {
    Review::safe(format!("alter the settings of sequence {name}"))
}

pub(super) fn owner(name: &QualifiedName, to: &Option<SequenceOwner>) -> Review {
    Review::safe(match to {
        Some(owner) => format!(
            "make sequence {name} owned by {}.{} (dropped with it)",
            owner.table, owner.column
        ),
        None => format!("make sequence {name} owned by no column"),
    })
}

pub(super) fn column_sequence(
    table: &QualifiedName,
    column: &str,
    from: &Option<QualifiedName>,
    to: &Option<QualifiedName>,
) -> Review {
    let name = |n: &Option<QualifiedName>| {
        n.clone()
            .unwrap_or_else(|| crate::render::picked(table, column))
    };
    Review::safe(format!(
        "rename sequence {} of {table}.{column} to {}",
        name(from),
        name(to)
    ))
}
