//! Why a plan cannot be made, in words that say how to fix it.

use std::fmt;

use crate::graph::ResolveError;
use crate::plan::Direction;
use crate::revision::RevisionId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// Applied revisions (per the log) that no migration file holds.
    MissingFile { revisions: Vec<RevisionId> },
    /// Applied revisions whose file changed since, with their paths.
    Modified {
        revisions: Vec<(RevisionId, String)>,
    },
    /// The log holds a revision but not one of its parents.
    ParentNotApplied {
        revision: RevisionId,
        parent: RevisionId,
    },
    /// `head` with several heads.
    MultipleHeads { heads: Vec<RevisionId> },
    /// A revision prefix that names no revision or several.
    Resolve(ResolveError),
    /// An upgrade to a target that applied revisions are already past.
    TargetBehindCurrent {
        target: String,
        applied_beyond: Vec<RevisionId>,
    },
    /// A downgrade to a target that is not (fully) applied.
    TargetAheadOfCurrent {
        target: String,
        not_applied: Vec<RevisionId>,
    },
    /// `+N` / `-N` asking for more revisions than there are.
    NotEnoughRevisions {
        requested: usize,
        available: usize,
        /// "pending" or "applied".
        what: &'static str,
    },
    /// `+N` for a downgrade or `-N` for an upgrade.
    WrongDirection {
        target: String,
        direction: Direction,
    },
    /// A range where only a single target makes sense (stamp).
    RangeNotAllowed { target: String },
    /// An offline (`--sql`) downgrade to a single target: without a
    /// database, nothing says where it starts.
    OfflineDowngradeNeedsRange { target: String },
    /// `head-1`, `base+2`, `REV+1` that leads nowhere or to several places.
    Relative { target: String, why: String },
    /// A text that names no single revision where one is wanted (`show`,
    /// `edit`, `history -r`).
    NotARevision { text: String, why: String },
    /// A committed step (per the step journal) whose statements changed in
    /// the file since.
    CommittedStepEdited {
        revision: RevisionId,
        path: String,
        direction: Direction,
        /// 1-based.
        step: usize,
    },
    /// A partly applied revision whose down does not have one step per up
    /// step: which down steps undo what ran is unknown.
    StepsNotPaired {
        revision: RevisionId,
        path: String,
        committed: usize,
        up_steps: usize,
        down_steps: usize,
    },
    /// A partly applied revision whose down is marked `unpaired`: it
    /// undoes the whole revision, not what ran.
    DownUnpaired {
        revision: RevisionId,
        path: String,
        committed: usize,
        up_steps: usize,
    },
    /// A revision whose downgrade stopped halfway, and a run that would not
    /// finish it.
    PartlyReverted {
        revision: RevisionId,
        progress: crate::journal::Progress,
    },
    /// An upgrade of a partly applied revision whose committed steps are
    /// being undone.
    UndoUnderway { revision: RevisionId, undone: usize },
}

impl From<ResolveError> for PlanError {
    fn from(e: ResolveError) -> Self {
        PlanError::Resolve(e)
    }
}

fn list(revisions: &[RevisionId]) -> String {
    revisions
        .iter()
        .map(RevisionId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::MissingFile { revisions } => write!(
                f,
                "the database has applied {} that no migration file holds: {}; \
                 restore the missing file (from version control, or from the branch that added it), \
                 or record where the database really is with `petal stamp --purge REV`",
                if revisions.len() == 1 {
                    "a revision"
                } else {
                    "revisions"
                },
                list(revisions)
            ),
            PlanError::Modified { revisions } => {
                write!(f, "applied migrations were edited after they ran:")?;
                for (revision, path) in revisions {
                    write!(f, "\n  {path} (revision {revision})")?;
                }
                write!(
                    f,
                    "\nthe database did not get those edits; undo them and put the change in a new \
                     revision, or pass --allow-modified if the edit changes nothing that ran"
                )
            }
            PlanError::ParentNotApplied { revision, parent } => write!(
                f,
                "the log says revision {revision} is applied but its parent {parent} is not; \
                 fix petal_migrations with `petal stamp`"
            ),
            PlanError::MultipleHeads { heads } => write!(
                f,
                "`head` is ambiguous: the migrations have {} heads ({}); \
                 run `petal merge` to join them, or name one revision, or use `heads` for all",
                heads.len(),
                list(heads)
            ),
            PlanError::Resolve(e) => e.fmt(f),
            PlanError::TargetBehindCurrent {
                target,
                applied_beyond,
            } => write!(
                f,
                "cannot upgrade to {target}: the database is past it (applied after it: {}); \
                 use `petal downgrade {target}` to go back",
                list(applied_beyond)
            ),
            PlanError::TargetAheadOfCurrent {
                target,
                not_applied,
            } => write!(
                f,
                "cannot downgrade to {target}: it is not applied (not applied: {}); \
                 use `petal upgrade {target}` to go forward",
                list(not_applied)
            ),
            PlanError::NotEnoughRevisions {
                requested,
                available,
                what,
            } => write!(
                f,
                "asked for {requested} revisions but only {available} {} {what}",
                if *available == 1 { "is" } else { "are" }
            ),
            PlanError::WrongDirection { target, direction } => match direction {
                Direction::Up => write!(f, "`{target}` goes back; use `petal downgrade {target}`"),
                Direction::Down => {
                    write!(f, "`{target}` goes forward; use `petal upgrade {target}`")
                }
            },
            PlanError::RangeNotAllowed { target } => write!(
                f,
                "a range ({target}) only works with --sql; give a single target"
            ),
            PlanError::OfflineDowngradeNeedsRange { target } => write!(
                f,
                "offline downgrade needs a range FROM:TO (for example `head:{target}`): \
                 without a database petal cannot know where to start"
            ),
            PlanError::Relative { target, why } => write!(f, "cannot go to {target}: {why}"),
            PlanError::NotARevision { text, why } => write!(f, "`{text}` names no revision: {why}"),
            PlanError::CommittedStepEdited { .. }
            | PlanError::StepsNotPaired { .. }
            | PlanError::DownUnpaired { .. }
            | PlanError::PartlyReverted { .. }
            | PlanError::UndoUnderway { .. } => self.fmt_journal(f),
        }
    }
}

impl PlanError {
    /// The refusals the step journal gives.
    fn fmt_journal(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::CommittedStepEdited {
                revision,
                path,
                direction,
                step,
            } => {
                let section = match direction {
                    Direction::Up => "",
                    Direction::Down => "down ",
                };
                write!(
                    f,
                    "{section}step {step} of revision {revision} ({path}) was edited after it committed: \
                     the database ran it as it was. Undo the edit; put a change in a step that has not \
                     run, or in a new revision"
                )
            }
            PlanError::StepsNotPaired {
                revision,
                path,
                committed,
                up_steps,
                down_steps,
            } => write!(
                f,
                "revision {revision} ({path}) is partly applied ({committed} of {up_steps} steps \
                 committed) and its down has {down_steps} step(s) for the up's {up_steps}, so \
                 petal cannot tell which down steps undo what ran. Finish it with `petal upgrade` \
                 (after fixing the step that failed), or undo its committed steps by hand and \
                 clear its journal with `petal stamp` naming where the database is \
                 (`petal current` shows it)"
            ),
            PlanError::DownUnpaired {
                revision,
                path,
                committed,
                up_steps,
            } => write!(
                f,
                "revision {revision} ({path}) is partly applied ({committed} of {up_steps} steps \
                 committed) and its down is `unpaired`: it undoes the whole revision, not its \
                 steps one by one, so it cannot undo just what ran. Finish it with `petal \
                 upgrade` (after fixing the step that failed) and downgrade it whole, or undo \
                 its committed steps by hand and clear its journal with `petal stamp` naming \
                 where the database is (`petal current` shows it)"
            ),
            PlanError::PartlyReverted { revision, progress } => write!(
                f,
                "revision {revision} is partly reverted ({}): finish reverting it with \
                 `petal downgrade {revision}-1`, or, if what its down ran was undone by hand, \
                 record it as applied with `petal stamp {revision}`",
                progress.describe()
            ),
            PlanError::UndoUnderway { revision, undone } => write!(
                f,
                "revision {revision} is partly applied and {undone} of its down step(s) undoing \
                 it committed: finish undoing it with `petal downgrade -1` before upgrading"
            ),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for PlanError {}
