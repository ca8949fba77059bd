//! SQL of a partition leaving or joining its parent, and of the names of
//! its copies of its parent's indexes.

use std::collections::BTreeMap;

use petal_ir::{PartitionOf, QualifiedName};

use super::ReviewedStatement;
use crate::change::{Alter, Change, Delta};
use crate::{ParentSequence, StandAlone};

/// The statements of `Alter::PartitionOf`.
pub(super) fn statements(
    change: &Change,
    table: &QualifiedName,
    partition_of: &Delta<Option<PartitionOf>>,
    stands_alone: &Option<StandAlone>,
) -> Vec<ReviewedStatement> {
    let mut sqls = attach_or_detach(table, partition_of, stands_alone.as_ref());
    let prepared = sqls.len() > 1 && partition_of.to.is_none();
    let attached = sqls.len();
    if let (Some(alone), None) = (stands_alone, &partition_of.from) {
        sqls.extend(sequences_moved_past(table, &alone.parent_sequences));
    }
    let mut out = super::many(change, sqls);
    // The block before the detach locks the parent (alone) and the
    // partition, in that order, as the detach does.
    if let (true, Some(first), Some(from)) = (prepared, out.first_mut(), &partition_of.from) {
        first.impact =
            crate::Impact::exclusive(table).lock(&from.parent, crate::LockMode::AccessExclusive);
    }
    // Each `setval` after an attach reads the table, under the lock the
    // attach holds.
    for statement in out.iter_mut().skip(attached) {
        statement.impact = crate::Impact::default().scan(table);
    }
    out
}

/// Each of the parent's identity or serial sequences moved past the
/// largest value `table` brings to its column, never back: the table's
/// rows were numbered elsewhere.
fn sequences_moved_past(table: &QualifiedName, sequences: &[ParentSequence]) -> Vec<String> {
    sequences
        .iter()
        .map(|s| super::sequences::setval_forward(&s.sequence, &s.column, table))
        .collect()
}

/// `DETACH PARTITION` for the parent it leaves, `ATTACH PARTITION` for the
/// one it joins (both when a change carries both sides). A partition that
/// comes to stand alone is first made to hold what the diff expects of it
/// (`stand_alone.rs`).
pub(crate) fn attach_or_detach(
    table: &QualifiedName,
    partition_of: &Delta<Option<PartitionOf>>,
    stands_alone: Option<&StandAlone>,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(from) = &partition_of.from {
        let alone = stands_alone.filter(|_| partition_of.to.is_none());
        if let Some(alone) = alone {
            out.push(super::stand_alone::before_detach(
                table,
                &from.parent,
                &alone.copies,
                "ACCESS EXCLUSIVE",
            ));
        }
        out.push(format!(
            "ALTER TABLE {} DETACH PARTITION {};",
            from.parent.quoted(),
            table.quoted()
        ));
        if let Some(alone) = alone.filter(|a| !a.self_references.is_empty()) {
            out.push(super::stand_alone::self_references_kept(
                table,
                &alone.self_references,
            ));
        }
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

/// The `DO` block giving partition `table`'s copies of indexes of its
/// parent `parent` the names `names` holds (parent's index → copy's), each
/// found through `pg_inherits`, those named otherwise first out of each
/// other's way; none for no name.
pub(crate) fn index_copies_named(
    table: &QualifiedName,
    parent: &QualifiedName,
    names: &BTreeMap<String, String>,
) -> Option<String> {
    let copies: Vec<crate::ParentCopy> = names
        .iter()
        .map(|(index, copy)| crate::ParentCopy {
            kind: crate::ParentCopyKind::Index,
            of: index.clone(),
            name: copy.clone(),
        })
        .collect();
    let renames = super::stand_alone::index_copies_renamed(table, parent, &copies)?;
    Some(super::stand_alone::do_block(&renames))
}

/// The statement of a partition's copies named, or of a table made an
/// inheritance child or no longer one (`ALTER TABLE ... [NO] INHERIT`).
pub(super) fn place(alter: &Alter) -> Option<String> {
    match alter {
        Alter::IndexCopies {
            table,
            parent,
            names,
        } => index_copies_named(table, parent, &names.to),
        Alter::Inherit {
            table,
            parent,
            inherits,
        } => {
            let verb = if inherits.to { "INHERIT" } else { "NO INHERIT" };
            let action = format!("{verb} {}", parent.quoted());
            Some(super::ddl::alter_table(table, &action))
        }
        _ => None,
    }
}
