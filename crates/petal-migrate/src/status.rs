//! What `petal status` and `petal current` show.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::RevisionGraph;
use crate::plan::AppliedRevision;
use crate::revision::RevisionId;

/// Serialized in snake_case (`missing_file`) for `--format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionState {
    Applied,
    Pending,
    /// Applied, but the file changed since (checksum).
    Modified,
    /// Applied, but no migration file holds it.
    MissingFile,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RevisionStatus {
    pub revision: RevisionId,
    pub state: RevisionState,
    /// The file; `None` for `MissingFile`.
    pub path: Option<String>,
    /// From the log; `None` for `Pending`.
    pub applied_order: Option<i64>,
}

/// Every revision with its state: those with files in topological order,
/// then applied revisions without a file in the order they were applied.
pub fn status(graph: &RevisionGraph, applied: &[AppliedRevision]) -> Vec<RevisionStatus> {
    let by_id: BTreeMap<&RevisionId, &AppliedRevision> =
        applied.iter().map(|row| (&row.revision, row)).collect();
    let mut out: Vec<RevisionStatus> = graph
        .files()
        .map(|file| {
            let row = by_id.get(&file.revision);
            let state = match row {
                None => RevisionState::Pending,
                Some(row) if row.checksum == file.checksum => RevisionState::Applied,
                Some(_) => RevisionState::Modified,
            };
            RevisionStatus {
                revision: file.revision.clone(),
                state,
                path: Some(file.path().to_owned()),
                applied_order: row.map(|row| row.applied_order),
            }
        })
        .collect();
    let mut missing: Vec<&AppliedRevision> = applied
        .iter()
        .filter(|row| !graph.contains(&row.revision))
        .collect();
    missing.sort_by_key(|row| (row.applied_order, &row.revision));
    out.extend(missing.into_iter().map(|row| RevisionStatus {
        revision: row.revision.clone(),
        state: RevisionState::MissingFile,
        path: None,
        applied_order: Some(row.applied_order),
    }));
    out
}

/// The applied heads: applied revisions none of whose children are
/// applied, in revision order. An applied revision without a file is
/// included, since nothing is known of its children.
pub fn current(graph: &RevisionGraph, applied: &[AppliedRevision]) -> Vec<RevisionId> {
    let applied_ids: BTreeSet<&RevisionId> = applied.iter().map(|row| &row.revision).collect();
    applied_ids
        .iter()
        .filter(|id| {
            graph
                .children(id)
                .iter()
                .all(|child| !applied_ids.contains(child))
        })
        .map(|id| (*id).clone())
        .collect()
}

/// How a database's applied revisions fall short of "at head": every
/// revision of the graph applied, and nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAtHead {
    /// Applied revisions that no migration file holds, in revision order:
    /// the database is newer than these files, or a file was lost.
    Unknown(Vec<RevisionId>),
    /// Revisions not applied yet, in topological order.
    Pending(Vec<RevisionId>),
}

/// Whether the `applied` log is at head: every revision of the graph
/// applied and nothing else. Unknown revisions are reported before pending
/// ones, since upgrading cannot fix them.
pub fn at_head(graph: &RevisionGraph, applied: &[AppliedRevision]) -> Result<(), NotAtHead> {
    let applied_ids: BTreeSet<&RevisionId> = applied.iter().map(|row| &row.revision).collect();
    let unknown: Vec<RevisionId> = applied_ids
        .iter()
        .filter(|id| !graph.contains(id))
        .map(|id| (*id).clone())
        .collect();
    if !unknown.is_empty() {
        return Err(NotAtHead::Unknown(unknown));
    }
    let pending: Vec<RevisionId> = graph
        .topological_order()
        .iter()
        .filter(|id| !applied_ids.contains(id))
        .cloned()
        .collect();
    if !pending.is_empty() {
        return Err(NotAtHead::Pending(pending));
    }
    Ok(())
}
