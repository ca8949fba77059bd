//! What changing a table's options means: logged or unlogged, storage
//! parameters, replica identity, and (`partitions.rs`) its place as a
//! partition.

use petal_ir::{QualifiedName, ReplicaIdentity};

use super::Alter;
use crate::classify::{Review, Safety};

/// The review of an alteration of a table's options.
pub(super) fn review(alter: &Alter) -> Review {
    match alter {
        Alter::Unlogged { table, unlogged } => logged(table, unlogged.to),
        Alter::TableStorage { table, storage } => self::storage(table, &storage.to),
        Alter::ReplicaIdentity { table, identity } => replica_identity(table, &identity.to),
        Alter::PartitionOf {
            table,
            partition_of,
            default_partition,
            referenced_by,
            stands_alone,
            ..
        } => super::partitions::review(
            table,
            partition_of,
            default_partition.as_ref(),
            referenced_by,
            stands_alone.as_ref(),
        ),
        other => Review::safe(format!("alter {}", other.key())),
    }
}

fn logged(table: &QualifiedName, unlogged: bool) -> Review {
    if unlogged {
        Review::new(format!("make {table} UNLOGGED"), Safety::Destructive)
            .note(
                "an unlogged table is emptied after a crash and is not replicated: standbys \
                 and logical replicas no longer see its rows",
            )
            .note("rewrites the table under an ACCESS EXCLUSIVE lock")
    } else {
        Review::new(format!("make {table} LOGGED"), Safety::Locks)
            .note("rewrites the table under an ACCESS EXCLUSIVE lock, writing every row to the WAL")
    }
}

fn storage(table: &QualifiedName, to: &[String]) -> Review {
    let what = if to.is_empty() {
        "none".to_string()
    } else {
        to.join(", ")
    };
    Review::safe(format!("set storage parameters of {table}: {what}"))
}

fn replica_identity(table: &QualifiedName, to: &ReplicaIdentity) -> Review {
    let review = Review::safe(format!(
        "set replica identity of {table} to {}",
        to.describe()
    ));
    match to {
        ReplicaIdentity::Nothing => review.note(
            "UPDATE and DELETE on the table fail while it is in a publication that publishes them",
        ),
        ReplicaIdentity::Full => {
            review.note("logical decoding records every old column of each updated or deleted row")
        }
        _ => review,
    }
}
