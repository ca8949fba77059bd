//! The one planner behind upgrade, downgrade, stamp and `--sql`: which
//! revisions to run, in which direction and order.

use std::collections::{BTreeMap, BTreeSet};

use crate::file::{Checksum, MigrationFile};
use crate::graph::RevisionGraph;
use crate::journal::Edit;
use crate::plan_error::PlanError;
use crate::revision::RevisionId;
use crate::target::{Anchor, Target};

/// A row of the `petal_migrations` log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRevision {
    pub revision: RevisionId,
    pub checksum: Checksum,
    /// Increases with each applied revision; `-N` un-applies the highest.
    pub applied_order: i64,
    /// The checksums of the up's steps as they committed (the step
    /// journal); `None` for a revision applied before petal kept them.
    /// With them, an edit of the down alone is told from one of the up.
    pub up_steps: Option<Vec<Checksum>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Proceed although an applied revision's file changed since.
    pub allow_modified: bool,
}

/// One migration to run (or, for stamp, only to log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMigration {
    pub revision: RevisionId,
    pub direction: Direction,
    pub file: MigrationFile,
    /// How many steps of the section that runs are committed already (the
    /// step journal): the run starts after them.
    pub first_step: usize,
}

impl PlannedMigration {
    /// The section this migration runs: up or down.
    pub fn section(&self) -> &crate::file::Section {
        self.file.section(self.direction)
    }
}

/// Migrations in execution order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<PlannedMigration>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    pub fn revisions(&self) -> Vec<&RevisionId> {
        self.steps.iter().map(|step| &step.revision).collect()
    }
}

/// Plans an upgrade (`Direction::Up`) or downgrade (`Direction::Down`) from
/// the `applied` log to `target`.
///
/// Upgrade runs, in topological order, everything the target needs that is
/// not applied; downgrade un-applies, newest first, every applied revision
/// that is not the target or one of its ancestors. A `Target::Range` is
/// offline (`--sql`): `applied` is ignored and taken to be the range's start
/// and its ancestors. For `--sql` without a range, pass an empty `applied`
/// (offline starts from base).
pub fn plan(
    graph: &RevisionGraph,
    applied: &[AppliedRevision],
    target: &Target,
    direction: Direction,
    options: PlanOptions,
) -> Result<Plan, PlanError> {
    let state = match target {
        Target::Range { from, .. } => State::assumed(graph, from)?,
        _ => State::from_log(graph, applied, options)?,
    };
    let revisions = match (target, direction) {
        (Target::Forward(n), Direction::Up) => {
            let pending = upgrade_to(graph, &state, &Anchor::Head)?;
            take_exactly(pending, *n, "pending")?
        }
        (Target::Back(n), Direction::Down) => {
            let everything = state.applied.keys().cloned().collect();
            take_exactly(unapply_order(graph, &state, everything), *n, "applied")?
        }
        (Target::Forward(_) | Target::Back(_), _) => {
            return Err(PlanError::WrongDirection {
                target: target.to_string(),
                direction,
            });
        }
        (Target::Anchor(anchor) | Target::Range { to: anchor, .. }, Direction::Up) => {
            upgrade_to(graph, &state, anchor)?
        }
        (Target::Anchor(anchor) | Target::Range { to: anchor, .. }, Direction::Down) => {
            downgrade_to(graph, &state, anchor)?
        }
    };
    Ok(build_plan(graph, revisions, direction))
}

/// Plans `--sql`, which connects to no database: an upgrade without a range
/// starts from base (nothing applied), like Alembic's offline mode; a
/// downgrade needs a range, since nothing says where it would start.
pub fn plan_offline(
    graph: &RevisionGraph,
    target: &Target,
    direction: Direction,
) -> Result<Plan, PlanError> {
    if direction == Direction::Down && !matches!(target, Target::Range { .. }) {
        return Err(PlanError::OfflineDowngradeNeedsRange {
            target: target.to_string(),
        });
    }
    plan(graph, &[], target, direction, PlanOptions::default())
}

/// Plans `stamp`: the log is made to say `target` (with its ancestors) is
/// applied and nothing else, without running any SQL. Rows to delete come
/// first (as `Down`), then rows to insert (as `Up`). `+N`/`-N` stamp like
/// the upgrade/downgrade they name; ranges are refused.
pub fn plan_stamp(
    graph: &RevisionGraph,
    applied: &[AppliedRevision],
    target: &Target,
    options: PlanOptions,
) -> Result<Plan, PlanError> {
    let anchor = match target {
        Target::Forward(_) => return plan(graph, applied, target, Direction::Up, options),
        Target::Back(_) => return plan(graph, applied, target, Direction::Down, options),
        Target::Range { .. } => {
            return Err(PlanError::RangeNotAllowed {
                target: target.to_string(),
            });
        }
        Target::Anchor(anchor) => anchor,
    };
    let state = State::from_log(graph, applied, options)?;
    stamp_from(graph, &state, anchor)
}

/// Plans `stamp --sql`, which connects to no database: from base, or from
/// the start of a range `A:B` (A and its ancestors taken as recorded).
pub fn plan_stamp_offline(graph: &RevisionGraph, target: &Target) -> Result<Plan, PlanError> {
    match target {
        Target::Range { from, to } => stamp_from(graph, &State::assumed(graph, from)?, to),
        Target::Anchor(anchor) => stamp_from(graph, &State::assumed(graph, &Anchor::Base)?, anchor),
        Target::Forward(_) => plan(graph, &[], target, Direction::Up, PlanOptions::default()),
        Target::Back(_) => Err(PlanError::OfflineDowngradeNeedsRange {
            target: target.to_string(),
        }),
    }
}

/// The log rows to delete (as `Down`), then to insert (as `Up`), for the
/// log to say `anchor` and its ancestors are applied and nothing else.
fn stamp_from(graph: &RevisionGraph, state: &State, anchor: &Anchor) -> Result<Plan, PlanError> {
    let keep = target_closure(graph, anchor)?;
    let removed = state
        .applied
        .keys()
        .filter(|id| !keep.contains(*id))
        .cloned()
        .collect();
    let mut plan = build_plan(graph, unapply_order(graph, state, removed), Direction::Down);
    let added = graph
        .topological_order()
        .iter()
        .filter(|id| keep.contains(*id) && !state.applied.contains_key(*id))
        .cloned()
        .collect();
    plan.steps
        .extend(build_plan(graph, added, Direction::Up).steps);
    Ok(plan)
}

/// What is applied: revision → applied order. Every revision in it has a
/// file in the graph.
pub(crate) struct State {
    pub(crate) applied: BTreeMap<RevisionId, i64>,
}

impl State {
    fn from_log(
        graph: &RevisionGraph,
        applied: &[AppliedRevision],
        options: PlanOptions,
    ) -> Result<State, PlanError> {
        let missing: Vec<RevisionId> = applied
            .iter()
            .filter(|row| !graph.contains(&row.revision))
            .map(|row| row.revision.clone())
            .collect();
        if !missing.is_empty() {
            return Err(PlanError::MissingFile { revisions: missing });
        }
        let modified: Vec<(RevisionId, String)> = applied
            .iter()
            .filter_map(|row| {
                let file = graph.get(&row.revision)?;
                (crate::journal::edit_of(file, row) == Edit::Up)
                    .then(|| (row.revision.clone(), file.path().to_owned()))
            })
            .collect();
        if !modified.is_empty() && !options.allow_modified {
            return Err(PlanError::Modified {
                revisions: modified,
            });
        }
        let applied: BTreeMap<RevisionId, i64> = applied
            .iter()
            .map(|row| (row.revision.clone(), row.applied_order))
            .collect();
        for revision in applied.keys() {
            if let Some(parent) = graph
                .parents(revision)
                .iter()
                .find(|parent| !applied.contains_key(*parent))
            {
                return Err(PlanError::ParentNotApplied {
                    revision: revision.clone(),
                    parent: parent.clone(),
                });
            }
        }
        Ok(State { applied })
    }

    /// The offline state of a range's start: it and its ancestors applied,
    /// in topological order.
    fn assumed(graph: &RevisionGraph, from: &Anchor) -> Result<State, PlanError> {
        let closure = target_closure(graph, from)?;
        let applied = graph
            .topological_order()
            .iter()
            .filter(|id| closure.contains(*id))
            .zip(1..)
            .map(|(id, order)| (id.clone(), order))
            .collect();
        Ok(State { applied })
    }
}

/// The revisions that are applied when `anchor` is the current state.
fn target_closure(
    graph: &RevisionGraph,
    anchor: &Anchor,
) -> Result<BTreeSet<RevisionId>, PlanError> {
    match anchor {
        Anchor::Base => Ok(BTreeSet::new()),
        Anchor::Heads => Ok(graph.topological_order().iter().cloned().collect()),
        Anchor::Head | Anchor::Revision(_) | Anchor::Relative { .. } => {
            let Some(revision) = resolve_anchor(graph, anchor)? else {
                return Ok(BTreeSet::new());
            };
            let mut closure = graph.ancestors(&revision);
            closure.insert(revision);
            Ok(closure)
        }
    }
}

/// The revision a point of history names, as a user types it (`head`,
/// `base`, a revision or a unique prefix or suffix of one, `head-1`,
/// `REV+1`): `None` for base (and for `head` of an empty graph). `heads` is
/// no single point: an error.
pub fn revision_at(graph: &RevisionGraph, text: &str) -> Result<Option<RevisionId>, PlanError> {
    let not_one = |why: &str| PlanError::NotARevision {
        text: text.to_string(),
        why: why.to_string(),
    };
    let anchor = Anchor::parse(text.trim()).map_err(|_| {
        not_one(
            "expected head, base, a revision id (or a unique prefix or suffix of one), \
             or one of those with +N or -N (head-1, REV+1)",
        )
    })?;
    if anchor == Anchor::Heads {
        return Err(not_one("`heads` is no single revision: name one"));
    }
    resolve_anchor(graph, &anchor)
}

/// The revision `head` or a prefix names; `None` for `head` of an empty graph.
fn resolve_anchor(graph: &RevisionGraph, anchor: &Anchor) -> Result<Option<RevisionId>, PlanError> {
    match anchor {
        Anchor::Head => match graph.heads().as_slice() {
            [] => Ok(None),
            [only] => Ok(Some((*only).clone())),
            many => Err(PlanError::MultipleHeads {
                heads: many.iter().map(|id| (*id).clone()).collect(),
            }),
        },
        Anchor::Revision(prefix) => Ok(Some(graph.resolve(prefix)?.clone())),
        Anchor::Heads | Anchor::Base => Ok(None),
        Anchor::Relative { from, steps } => {
            if **from == Anchor::Heads {
                return Err(relative_error(
                    anchor,
                    "`heads` is no single revision to count from".to_string(),
                ));
            }
            if **from == Anchor::Head && graph.is_empty() {
                return Err(relative_error(anchor, "there are no revisions".to_string()));
            }
            let start = resolve_anchor(graph, from)?;
            walk(graph, anchor, start, *steps)
        }
    }
}

/// `steps` revisions after (positive) or before (negative) `start` (`None`:
/// base), one parent or one child at a time: a merge or a branch on the
/// way has no single next revision, and is an error naming it.
fn walk(
    graph: &RevisionGraph,
    anchor: &Anchor,
    mut at: Option<RevisionId>,
    steps: i64,
) -> Result<Option<RevisionId>, PlanError> {
    let list = |ids: &[&RevisionId]| {
        ids.iter()
            .map(|id| id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for _ in 0..steps.unsigned_abs() {
        at = match (&at, steps < 0) {
            (None, true) => {
                return Err(relative_error(anchor, "it goes below base".to_string()));
            }
            (Some(id), true) => match graph.parents(id) {
                [] => None,
                [one] => Some(one.clone()),
                many => {
                    let many: Vec<&RevisionId> = many.iter().collect();
                    return Err(relative_error(
                        anchor,
                        format!("{id} merges {}: name one of them", list(&many)),
                    ));
                }
            },
            (None, false) => match graph.bases().as_slice() {
                [] => return Err(relative_error(anchor, "there are no revisions".to_string())),
                [one] => Some((*one).clone()),
                many => {
                    return Err(relative_error(
                        anchor,
                        format!(
                            "the history starts {} times ({}): name one",
                            many.len(),
                            list(many)
                        ),
                    ));
                }
            },
            (Some(id), false) => match graph.children(id) {
                [] => {
                    return Err(relative_error(
                        anchor,
                        format!("{id} is a head: nothing comes after it"),
                    ));
                }
                [one] => Some(one.clone()),
                many => {
                    let many: Vec<&RevisionId> = many.iter().collect();
                    return Err(relative_error(
                        anchor,
                        format!(
                            "the history branches after {id} ({}): name one",
                            list(&many)
                        ),
                    ));
                }
            },
        };
    }
    Ok(at)
}

fn relative_error(anchor: &Anchor, why: String) -> PlanError {
    PlanError::Relative {
        target: anchor.to_string(),
        why,
    }
}

fn upgrade_to(
    graph: &RevisionGraph,
    state: &State,
    anchor: &Anchor,
) -> Result<Vec<RevisionId>, PlanError> {
    let needed = target_closure(graph, anchor)?;
    let pending: Vec<RevisionId> = graph
        .topological_order()
        .iter()
        .filter(|id| needed.contains(*id) && !state.applied.contains_key(*id))
        .cloned()
        .collect();
    if pending.is_empty() {
        // Already there, or past it: applied revisions beyond the target
        // mean the user wants a downgrade.
        let beyond: Vec<RevisionId> = match resolve_anchor(graph, anchor)? {
            Some(target) => graph
                .descendants(&target)
                .into_iter()
                .filter(|id| state.applied.contains_key(id))
                .collect(),
            // A relative target can count back to base.
            None if matches!(anchor, Anchor::Base | Anchor::Relative { .. }) => {
                state.applied.keys().cloned().collect()
            }
            None => Vec::new(),
        };
        if !beyond.is_empty() {
            return Err(PlanError::TargetBehindCurrent {
                target: anchor.to_string(),
                applied_beyond: beyond,
            });
        }
    }
    Ok(pending)
}

fn downgrade_to(
    graph: &RevisionGraph,
    state: &State,
    anchor: &Anchor,
) -> Result<Vec<RevisionId>, PlanError> {
    let keep = target_closure(graph, anchor)?;
    let not_applied: Vec<RevisionId> = keep
        .iter()
        .filter(|id| !state.applied.contains_key(*id))
        .cloned()
        .collect();
    if !not_applied.is_empty() && *anchor != Anchor::Heads {
        return Err(PlanError::TargetAheadOfCurrent {
            target: anchor.to_string(),
            not_applied,
        });
    }
    let removed = state
        .applied
        .keys()
        .filter(|id| !keep.contains(*id))
        .cloned()
        .collect();
    Ok(unapply_order(graph, state, removed))
}

/// The order to un-apply `removed` in: repeatedly the most recently applied
/// revision of it none of whose children are still applied, so a child is
/// always un-applied before its parents.
fn unapply_order(
    graph: &RevisionGraph,
    state: &State,
    mut removed: BTreeSet<RevisionId>,
) -> Vec<RevisionId> {
    let mut still_applied: BTreeSet<&RevisionId> = state.applied.keys().collect();
    let mut order = Vec::with_capacity(removed.len());
    loop {
        let next = removed
            .iter()
            .filter(|id| {
                graph
                    .children(id)
                    .iter()
                    .all(|child| !still_applied.contains(child))
            })
            .max_by_key(|id| (state.applied.get(*id).copied().unwrap_or(i64::MIN), *id))
            .cloned();
        let Some(next) = next else { break };
        removed.remove(&next);
        still_applied.remove(&next);
        order.push(next);
    }
    order
}

fn take_exactly(
    mut revisions: Vec<RevisionId>,
    n: usize,
    what: &'static str,
) -> Result<Vec<RevisionId>, PlanError> {
    if revisions.len() < n {
        return Err(PlanError::NotEnoughRevisions {
            requested: n,
            available: revisions.len(),
            what,
        });
    }
    revisions.truncate(n);
    Ok(revisions)
}

fn build_plan(graph: &RevisionGraph, revisions: Vec<RevisionId>, direction: Direction) -> Plan {
    let steps = revisions
        .into_iter()
        .filter_map(|revision| {
            let file = graph.get(&revision)?.clone();
            Some(PlannedMigration {
                revision,
                direction,
                file,
                first_step: 0,
            })
        })
        .collect();
    Plan { steps }
}
