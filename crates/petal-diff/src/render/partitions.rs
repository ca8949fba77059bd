//! SQL of a partition leaving or joining its parent.

use petal_ir::{PartitionOf, QualifiedName};

use crate::change::Delta;

/// `DETACH PARTITION` for the parent it leaves, `ATTACH PARTITION` for the
/// one it joins (both when a change carries both sides).
pub(crate) fn attach_or_detach(
    table: &QualifiedName,
    partition_of: &Delta<Option<PartitionOf>>,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(from) = &partition_of.from {
        out.push(format!(
            "ALTER TABLE {} DETACH PARTITION {};",
            from.parent.quoted(),
            table.quoted()
        ));
    }
    if let Some(to) = &partition_of.to {
        out.push(format!(
            "ALTER TABLE {} ATTACH PARTITION {} {};",
            to.parent.quoted(),
            table.quoted(),
            to.bound
        ));
    }
    out
}
