//! What creating, dropping, attaching and detaching a partition locks and
//! reads besides the partition, as measured (`crates/petal-engine/tests/
//! labels.rs`): its parent, the parent's default partition, and the tables
//! whose foreign keys reference the parent.

use petal_ir::{PartitionOf, QualifiedName};

use super::{Impact, LockMode};
use crate::change::Delta;

/// A new partition: the parent locked whole, the default partition locked
/// and read (none of its rows may belong to the new bound), and each
/// referencing table locked while its foreign key gains the partition.
pub(super) fn created(
    of: &PartitionOf,
    default_partition: &Option<QualifiedName>,
    referenced_by: &[QualifiedName],
) -> Impact {
    let impact = with_default(Impact::exclusive(&of.parent), default_partition, true);
    referencing(impact, referenced_by, LockMode::ShareRowExclusive, false)
}

/// A partition dropped: the statement detaching it first, which locks the
/// parent and its default partition, and, where foreign keys reference
/// the parent, reads the partition and the referencing tables (none of
/// their rows may reference a row that leaves).
pub(super) fn detached_to_drop(
    table: &QualifiedName,
    of: &PartitionOf,
    default_partition: &Option<QualifiedName>,
    referenced_by: &[QualifiedName],
) -> Impact {
    let impact = Impact::exclusive(table).lock(&of.parent, LockMode::AccessExclusive);
    let impact = with_default(impact, default_partition, false);
    detached(impact, table, referenced_by)
}

/// An attach takes SHARE UPDATE EXCLUSIVE on the parent and reads the
/// partition; a detach locks the parent whole. Both lock the default
/// partition, and an attach reads it.
pub(super) fn moved(
    table: &QualifiedName,
    partition_of: &Delta<Option<PartitionOf>>,
    default_partition: &Option<QualifiedName>,
    referenced_by: &[QualifiedName],
) -> Impact {
    let mut impact = Impact::exclusive(table);
    if let Some(from) = &partition_of.from {
        impact = impact.lock(&from.parent, LockMode::AccessExclusive);
    }
    if let Some(to) = &partition_of.to {
        impact = impact
            .lock(&to.parent, LockMode::ShareUpdateExclusive)
            .scan(table);
    }
    let attach = partition_of.to.is_some();
    let impact = with_default(impact, default_partition, attach);
    if attach {
        referencing(impact, referenced_by, LockMode::ShareRowExclusive, false)
    } else {
        detached(impact, table, referenced_by)
    }
}

/// The tables the parent's foreign keys reference: a detach makes the
/// triggers of the partition's copies of the keys there, an attach drops
/// those of the partition's own keys the parent's take.
pub(super) fn parent_references(
    partition_of: &Delta<Option<PartitionOf>>,
    references: &[QualifiedName],
) -> Impact {
    let mode = match partition_of.to {
        Some(_) => LockMode::AccessExclusive,
        None => LockMode::ShareRowExclusive,
    };
    each_locked(references, mode)
}

/// Each of `tables` locked `mode`: a new partition's copies of its
/// parent's foreign keys make triggers on the tables they reference
/// (`SHARE ROW EXCLUSIVE`), as a detach changes them.
pub(crate) fn each_locked(tables: &[QualifiedName], mode: LockMode) -> Impact {
    tables
        .iter()
        .fold(Impact::default(), |impact, t| impact.lock(t, mode))
}

/// A detach under foreign keys to the parent: the referencing tables
/// locked whole and read with the partition.
fn detached(impact: Impact, table: &QualifiedName, referenced_by: &[QualifiedName]) -> Impact {
    if referenced_by.is_empty() {
        return impact;
    }
    referencing(
        impact.scan(table),
        referenced_by,
        LockMode::AccessExclusive,
        true,
    )
}

fn referencing(
    impact: Impact,
    referenced_by: &[QualifiedName],
    mode: LockMode,
    read: bool,
) -> Impact {
    referenced_by.iter().fold(impact, |impact, t| {
        let impact = impact.lock(t, mode);
        if read { impact.scan(t) } else { impact }
    })
}

/// `impact` with the parent's default partition locked, and `read`.
fn with_default(impact: Impact, default: &Option<QualifiedName>, read: bool) -> Impact {
    match default {
        Some(default) if read => impact
            .lock(default, LockMode::AccessExclusive)
            .scan(default),
        Some(default) => impact.lock(default, LockMode::AccessExclusive),
        None => impact,
    }
}
