//! What `petal status` and `petal current` show.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::RevisionGraph;
use crate::journal::{Edit, Journal, Progress, edit_of};
use crate::plan::{AppliedRevision, Direction};
use crate::plan_error::PlanError;
use crate::revision::RevisionId;

/// Serialized in snake_case (`missing_file`) for `--format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionState {
    Applied,
    Pending,
    /// Applied, but what ran changed in the file since (checksum); for a
    /// partly applied revision, a committed step changed.
    Modified,
    /// Applied; the down (or a comment, a header) changed since, the up's
    /// steps did not: a downgrade runs the down as it is now.
    DownChanged,
    /// Some of the up's steps committed (the step journal), not all.
    PartlyApplied,
    /// Applied, and some of the down's steps committed, not all.
    PartlyReverted,
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
    /// For a partly applied or partly reverted revision, how far it went.
    pub progress: Option<Progress>,
}

/// Every revision with its state: those with files in topological order,
/// then applied revisions without a file in the order they were applied.
pub fn status(
    graph: &RevisionGraph,
    applied: &[AppliedRevision],
    journal: &Journal,
) -> Vec<RevisionStatus> {
    let by_id: BTreeMap<&RevisionId, &AppliedRevision> =
        applied.iter().map(|row| (&row.revision, row)).collect();
    let mut out: Vec<RevisionStatus> = graph
        .files()
        .map(|file| {
            let row = by_id.get(&file.revision);
            let progress = journal.progress(&file.revision, row.is_some());
            let edited = progress.is_some()
                && [Direction::Up, Direction::Down]
                    .into_iter()
                    .any(|direction| {
                        journal
                            .steps_done(file, direction, row.is_some())
                            .is_err_and(|e| matches!(e, PlanError::CommittedStepEdited { .. }))
                    });
            let state = match (row, progress) {
                _ if edited => RevisionState::Modified,
                (None, None) => RevisionState::Pending,
                (None, Some(_)) => RevisionState::PartlyApplied,
                (Some(row), _) if edit_of(file, row) == Edit::Up => RevisionState::Modified,
                (Some(_), Some(_)) => RevisionState::PartlyReverted,
                (Some(row), None) if edit_of(file, row) == Edit::OutsideTheUp => {
                    RevisionState::DownChanged
                }
                (Some(_), None) => RevisionState::Applied,
            };
            RevisionStatus {
                revision: file.revision.clone(),
                state,
                path: Some(file.path().to_owned()),
                applied_order: row.map(|row| row.applied_order),
                progress,
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
        progress: None,
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
