//! The step journal (`petal_migration_steps`): which steps of a migration
//! are committed. A multi-step migration stopped halfway — a failed step, a
//! cancel, a crash — is known for what it is, resumed after its last
//! committed step, and undone only as far as it ran.
//!
//! The journal keeps a row per committed step, written in the step's own
//! transaction: `up` rows stay while the revision is applied (they are its
//! per-step checksums), `down` rows exist only while a downgrade is under
//! way; the step that completes a downgrade deletes every row of the
//! revision.

use std::collections::BTreeMap;

use crate::file::{Checksum, MigrationFile};
use crate::graph::RevisionGraph;
use crate::plan::{AppliedRevision, Direction, Plan, PlanOptions, PlannedMigration, plan};
use crate::plan_error::PlanError;
use crate::revision::RevisionId;
use crate::target::Target;

/// A committed step, as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalledStep {
    pub revision: RevisionId,
    pub direction: Direction,
    /// 1-based, as the user counts steps.
    pub step: usize,
    /// How many steps the section had when this one committed.
    pub of: usize,
    pub checksum: Checksum,
}

/// The journal's rows by revision and direction, each list in step order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Journal {
    rows: BTreeMap<(RevisionId, Direction), Vec<JournalledStep>>,
}

/// Where a revision stands between applied and not: `committed` of the
/// `of` steps of its `direction` are committed. Up: partly applied (the log
/// does not hold it); down: partly reverted (the log still holds it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub direction: Direction,
    pub committed: usize,
    pub of: usize,
}

impl Progress {
    /// "2 of 3 steps committed" / "1 of 2 down steps committed".
    pub fn describe(&self) -> String {
        let what = match self.direction {
            Direction::Up => "steps",
            Direction::Down => "down steps",
        };
        format!("{} of {} {what} committed", self.committed, self.of)
    }
}

/// What changed in an applied revision's file since it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    None,
    /// The up's statements are as they ran; the down, a comment or a
    /// header changed. A downgrade runs the down as it is now.
    OutsideTheUp,
    /// What ran changed, or petal cannot tell (a revision applied before
    /// the journal kept per-step checksums).
    Up,
}

/// How `file` differs from what the log says ran.
pub fn edit_of(file: &MigrationFile, row: &AppliedRevision) -> Edit {
    if file.checksum == row.checksum {
        return Edit::None;
    }
    match &row.up_steps {
        Some(steps) if *steps == file.up.step_checksums() => Edit::OutsideTheUp,
        _ => Edit::Up,
    }
}

impl Journal {
    pub fn new(rows: impl IntoIterator<Item = JournalledStep>) -> Journal {
        let mut journal = Journal::default();
        for row in rows {
            journal
                .rows
                .entry((row.revision.clone(), row.direction))
                .or_default()
                .push(row);
        }
        for list in journal.rows.values_mut() {
            list.sort_by_key(|row| row.step);
        }
        journal
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The committed steps of `revision`'s `direction`, in step order.
    pub fn committed(&self, revision: &RevisionId, direction: Direction) -> &[JournalledStep] {
        self.rows
            .get(&(revision.clone(), direction))
            .map_or(&[], Vec::as_slice)
    }

    /// The up's checksums of `revision` as they committed, when the journal
    /// holds them all (the log's `up_steps`).
    pub fn up_checksums(&self, revision: &RevisionId) -> Option<Vec<Checksum>> {
        let rows = self.committed(revision, Direction::Up);
        let whole = rows.last().is_some_and(|last| last.of == rows.len());
        whole.then(|| rows.iter().map(|row| row.checksum.clone()).collect())
    }

    /// Where `revision` stands, `applied` saying whether the log holds it;
    /// `None` when it is simply applied or not.
    pub fn progress(&self, revision: &RevisionId, applied: bool) -> Option<Progress> {
        let up = self.committed(revision, Direction::Up);
        let down = self.committed(revision, Direction::Down);
        if applied {
            let last = down.last()?;
            return Some(Progress {
                direction: Direction::Down,
                committed: down.len(),
                of: last.of,
            });
        }
        let last = up.last()?;
        // Undoing a partly applied revision runs the last down steps, each
        // undoing one committed up step.
        Some(Progress {
            direction: Direction::Up,
            committed: up.len().saturating_sub(down.len()),
            of: last.of,
        })
    }

    /// Every revision in a partial state, in revision order.
    pub fn partial(&self, applied: &[AppliedRevision]) -> Vec<(RevisionId, Progress)> {
        let mut revisions: Vec<&RevisionId> = self.rows.keys().map(|(rev, _)| rev).collect();
        revisions.dedup();
        revisions
            .into_iter()
            .filter_map(|rev| {
                let is_applied = applied.iter().any(|row| &row.revision == rev);
                Some((rev.clone(), self.progress(rev, is_applied)?))
            })
            .collect()
    }

    /// How many steps of the section `direction` runs are done already:
    /// where a run of `file` starts. Refuses when a committed step was
    /// edited since it ran, and when a partly applied revision's down does
    /// not pair its steps with the up's.
    pub fn steps_done(
        &self,
        file: &MigrationFile,
        direction: Direction,
        applied: bool,
    ) -> Result<usize, PlanError> {
        let revision = &file.revision;
        let up = self.committed(revision, Direction::Up);
        let down = self.committed(revision, Direction::Down);
        match (direction, applied) {
            (Direction::Up, _) => {
                if !down.is_empty() {
                    return Err(PlanError::UndoUnderway {
                        revision: revision.clone(),
                        undone: down.len(),
                    });
                }
                check_prefix(file, Direction::Up, up, 0)?;
                Ok(up.len())
            }
            (Direction::Down, true) => {
                check_prefix(file, Direction::Down, down, 0)?;
                Ok(down.len())
            }
            (Direction::Down, false) => {
                // Down step i undoes up step n + 1 - i: with k up steps
                // committed, the last k down steps undo them.
                check_prefix(file, Direction::Up, up, 0)?;
                let (n, m) = (file.up.steps.len(), file.down.steps.len());
                if file.down_unpaired {
                    return Err(PlanError::DownUnpaired {
                        revision: revision.clone(),
                        path: file.path().to_owned(),
                        committed: up.len(),
                        up_steps: n,
                    });
                }
                if n != m {
                    return Err(PlanError::StepsNotPaired {
                        revision: revision.clone(),
                        path: file.path().to_owned(),
                        committed: up.len(),
                        up_steps: n,
                        down_steps: m,
                    });
                }
                let start = n - up.len();
                check_prefix(file, Direction::Down, down, start)?;
                Ok(start + down.len())
            }
        }
    }
}

/// The committed `rows` must be the section's steps `start + 1`, `start +
/// 2`, ... with the checksums they have in the file now.
fn check_prefix(
    file: &MigrationFile,
    direction: Direction,
    rows: &[JournalledStep],
    start: usize,
) -> Result<(), PlanError> {
    let checksums = file.section(direction).step_checksums();
    for (index, row) in rows.iter().enumerate() {
        let step = start + index;
        let same = row.step == step + 1 && checksums.get(step) == Some(&row.checksum);
        if !same {
            return Err(PlanError::CommittedStepEdited {
                revision: file.revision.clone(),
                path: file.path().to_owned(),
                direction,
                step: row.step,
            });
        }
    }
    Ok(())
}

/// [`plan`] with the journal: each migration starts after its committed
/// steps; a downgrade first undoes what partly applied revisions ran (the
/// partial revision counts as one of `-N`); a partly reverted revision
/// blocks every run that does not finish reverting it.
pub fn plan_journalled(
    graph: &RevisionGraph,
    applied: &[AppliedRevision],
    journal: &Journal,
    target: &Target,
    direction: Direction,
    options: PlanOptions,
) -> Result<Plan, PlanError> {
    let partial = journal.partial(applied);
    let missing: Vec<RevisionId> = partial
        .iter()
        .filter(|(rev, _)| !graph.contains(rev))
        .map(|(rev, _)| rev.clone())
        .collect();
    if !missing.is_empty() {
        return Err(PlanError::MissingFile { revisions: missing });
    }
    let partly_applied: Vec<&RevisionId> = partial
        .iter()
        .filter(|(_, p)| p.direction == Direction::Up)
        .map(|(rev, _)| rev)
        .collect();
    let mut undo = Vec::new();
    let mut rest_target = target.clone();
    if direction == Direction::Down {
        for rev in &partly_applied {
            if let Some(file) = graph.get(rev) {
                undo.push(PlannedMigration {
                    revision: (*rev).clone(),
                    direction,
                    file: file.clone(),
                    first_step: 0,
                });
            }
        }
        if let Target::Back(n) = target
            && !undo.is_empty()
        {
            rest_target = Target::Back(n.saturating_sub(undo.len()));
        }
    }
    let mut planned = match rest_target {
        Target::Back(0) => Plan::default(),
        _ => plan(graph, applied, &rest_target, direction, options)?,
    };
    for (rev, progress) in &partial {
        if progress.direction == Direction::Down {
            let finishes = direction == Direction::Down
                && planned.steps.first().is_some_and(|m| &m.revision == rev);
            if !finishes {
                return Err(PlanError::PartlyReverted {
                    revision: rev.clone(),
                    progress: *progress,
                });
            }
        }
    }
    undo.append(&mut planned.steps);
    for m in &mut undo {
        let is_applied = applied.iter().any(|row| row.revision == m.revision);
        m.first_step = journal.steps_done(&m.file, m.direction, is_applied)?;
    }
    Ok(Plan { steps: undo })
}
