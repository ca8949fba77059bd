//! The revision graph: revisions linked to their parents, with heads, bases,
//! merges and a deterministic topological order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use petal_source::Report;

use crate::file::MigrationFile;
use crate::revision::RevisionId;

/// What is wrong with a set of migration files as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphError {
    /// Two files hold the same revision id.
    DuplicateRevision {
        revision: RevisionId,
        first_path: String,
        second_path: String,
    },
    /// A file names a parent no file holds.
    UnknownParent {
        revision: RevisionId,
        parent: RevisionId,
        path: String,
    },
    /// Revisions that are (through their parents) their own ancestors;
    /// `members` in revision order with their paths.
    Cycle { members: Vec<(RevisionId, String)> },
}

impl GraphError {
    /// The error as a report about the file it concerns (a cycle concerns
    /// several, listed in the message).
    pub fn report(&self) -> Report {
        match self {
            GraphError::DuplicateRevision {
                revision,
                first_path,
                second_path,
            } => Report::in_file(
                second_path,
                format!(
                    "revision {revision} is also the revision of {first_path}; \
                     give one of them a new id (and update the parents that name it)"
                ),
            ),
            GraphError::UnknownParent {
                revision,
                parent,
                path,
            } => Report::in_file(
                path,
                format!(
                    "revision {revision} names parent {parent}, but no migration file has that revision"
                ),
            ),
            GraphError::Cycle { members } => {
                let mut message = String::from("revisions form a cycle through their parents:");
                for (revision, path) in members {
                    message.push_str(&format!("\n  {revision} ({path})"));
                }
                Report::new(message)
            }
        }
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.report().fmt(f)
    }
}

impl std::error::Error for GraphError {}

/// All migration files, linked by their parents.
#[derive(Debug, Clone, Default)]
pub struct RevisionGraph {
    files: BTreeMap<RevisionId, MigrationFile>,
    children: BTreeMap<RevisionId, Vec<RevisionId>>,
    /// Parents before children; ties broken by revision id.
    order: Vec<RevisionId>,
}

impl RevisionGraph {
    pub fn build(files: Vec<MigrationFile>) -> Result<Self, GraphError> {
        let mut by_id: BTreeMap<RevisionId, MigrationFile> = BTreeMap::new();
        // Sorting by path first makes "first" and "second" in the
        // duplicate error independent of the order files were listed in.
        let mut files = files;
        files.sort_by(|a, b| a.path().cmp(b.path()));
        for file in files {
            if let Some(first) = by_id.get(&file.revision) {
                return Err(GraphError::DuplicateRevision {
                    revision: file.revision.clone(),
                    first_path: first.path().to_owned(),
                    second_path: file.path().to_owned(),
                });
            }
            by_id.insert(file.revision.clone(), file);
        }
        let mut children: BTreeMap<RevisionId, Vec<RevisionId>> =
            by_id.keys().map(|id| (id.clone(), Vec::new())).collect();
        for file in by_id.values() {
            for parent in &file.parents {
                match children.get_mut(parent) {
                    Some(list) => list.push(file.revision.clone()),
                    None => {
                        return Err(GraphError::UnknownParent {
                            revision: file.revision.clone(),
                            parent: parent.clone(),
                            path: file.path().to_owned(),
                        });
                    }
                }
            }
        }
        // Children were pushed in revision order (by_id iterates sorted).
        let order = topological_order(&by_id, &children)?;
        Ok(RevisionGraph {
            files: by_id,
            children,
            order,
        })
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn contains(&self, revision: &RevisionId) -> bool {
        self.files.contains_key(revision)
    }

    pub fn get(&self, revision: &RevisionId) -> Option<&MigrationFile> {
        self.files.get(revision)
    }

    /// Revisions, parents before children, ties by revision id.
    pub fn topological_order(&self) -> &[RevisionId] {
        &self.order
    }

    /// Files in topological order.
    pub fn files(&self) -> impl Iterator<Item = &MigrationFile> {
        self.order.iter().filter_map(|id| self.files.get(id))
    }

    pub fn parents(&self, revision: &RevisionId) -> &[RevisionId] {
        self.files
            .get(revision)
            .map_or(&[], |file| file.parents.as_slice())
    }

    /// Children in revision order.
    pub fn children(&self, revision: &RevisionId) -> &[RevisionId] {
        self.children.get(revision).map_or(&[], Vec::as_slice)
    }

    /// Revisions without children, in revision order. More than one means
    /// branches that `petal merge` should join.
    pub fn heads(&self) -> Vec<&RevisionId> {
        self.children
            .iter()
            .filter(|(_, children)| children.is_empty())
            .map(|(id, _)| id)
            .collect()
    }

    /// Revisions without parents, in revision order.
    pub fn bases(&self) -> Vec<&RevisionId> {
        self.files
            .values()
            .filter(|file| file.parents.is_empty())
            .map(|file| &file.revision)
            .collect()
    }

    /// Revisions with several parents, in revision order.
    pub fn merges(&self) -> Vec<&RevisionId> {
        self.files
            .values()
            .filter(|file| file.is_merge())
            .map(|file| &file.revision)
            .collect()
    }

    /// Everything `revision` depends on, not including itself.
    pub fn ancestors(&self, revision: &RevisionId) -> BTreeSet<RevisionId> {
        self.reachable(revision, |id| self.parents(id))
    }

    /// Everything that depends on `revision`, not including itself.
    pub fn descendants(&self, revision: &RevisionId) -> BTreeSet<RevisionId> {
        self.reachable(revision, |id| self.children(id))
    }

    /// The revisions from `from` to `to`, each included, in topological
    /// order: descendants of `from` that are ancestors of `to`; `None` leaves
    /// that end open (`history -r A:B`).
    pub fn between(&self, from: Option<&RevisionId>, to: Option<&RevisionId>) -> Vec<RevisionId> {
        let after = from.map(|f| {
            let mut set = self.descendants(f);
            set.insert(f.clone());
            set
        });
        let before = to.map(|t| {
            let mut set = self.ancestors(t);
            set.insert(t.clone());
            set
        });
        self.order
            .iter()
            .filter(|id| {
                after.as_ref().is_none_or(|s| s.contains(*id))
                    && before.as_ref().is_none_or(|s| s.contains(*id))
            })
            .cloned()
            .collect()
    }

    fn reachable<'g>(
        &'g self,
        from: &RevisionId,
        next: impl Fn(&RevisionId) -> &'g [RevisionId],
    ) -> BTreeSet<RevisionId> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&RevisionId> = next(from).iter().collect();
        while let Some(id) = stack.pop() {
            if seen.insert(id.clone()) {
                stack.extend(next(id));
            }
        }
        seen
    }

    /// The revision whose id is `text`, starts with it, or ends with it:
    /// every id starts with the year, so a unique suffix is often the
    /// shorter name. A text matching several revisions, either way, is
    /// ambiguous.
    pub fn resolve(&self, text: &str) -> Result<&RevisionId, ResolveError> {
        if let Some((id, _)) = self.files.get_key_value(text) {
            return Ok(id);
        }
        let candidates: Vec<&RevisionId> = self
            .files
            .keys()
            .filter(|id| id.as_str().starts_with(text) || id.as_str().ends_with(text))
            .collect();
        match candidates.as_slice() {
            [] => Err(ResolveError::Unknown {
                prefix: text.to_owned(),
            }),
            [only] => Ok(only),
            many => Err(ResolveError::Ambiguous {
                prefix: text.to_owned(),
                candidates: many.iter().map(|id| (*id).clone()).collect(),
            }),
        }
    }
}

/// A revision prefix that names no revision, or several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    Unknown {
        prefix: String,
    },
    Ambiguous {
        prefix: String,
        candidates: Vec<RevisionId>,
    },
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::Unknown { prefix } => {
                write!(
                    f,
                    "no migration file has a revision starting or ending with {prefix}"
                )
            }
            ResolveError::Ambiguous { prefix, candidates } => {
                let list: Vec<&str> = candidates.iter().map(RevisionId::as_str).collect();
                write!(
                    f,
                    "revision {prefix} is ambiguous: {} start or end with it; give more digits",
                    list.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for ResolveError {}

/// Kahn's algorithm, always taking the smallest ready revision, so the
/// order depends only on the graph.
fn topological_order(
    files: &BTreeMap<RevisionId, MigrationFile>,
    children: &BTreeMap<RevisionId, Vec<RevisionId>>,
) -> Result<Vec<RevisionId>, GraphError> {
    let mut waiting: BTreeMap<&RevisionId, usize> = files
        .iter()
        .map(|(id, file)| (id, file.parents.len()))
        .collect();
    let mut ready: BTreeSet<&RevisionId> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(id, _)| *id)
        .collect();
    let mut order = Vec::with_capacity(files.len());
    while let Some(id) = ready.pop_first() {
        waiting.remove(id);
        order.push(id.clone());
        for child in children.get(id).map_or(&[][..], Vec::as_slice) {
            if let Some(n) = waiting.get_mut(child) {
                *n -= 1;
                if *n == 0 {
                    ready.insert(child);
                }
            }
        }
    }
    if waiting.is_empty() {
        return Ok(order);
    }
    // What is left waits on itself; report only the revisions on a cycle,
    // not their descendants, which wait too.
    let stuck: BTreeSet<&RevisionId> = waiting.keys().copied().collect();
    let members = stuck
        .iter()
        .filter(|id| reaches_itself(id, &stuck, children))
        .map(|id| {
            let path = files
                .get(*id)
                .map(|f| f.path().to_owned())
                .unwrap_or_default();
            ((*id).clone(), path)
        })
        .collect();
    Err(GraphError::Cycle { members })
}

fn reaches_itself(
    start: &RevisionId,
    within: &BTreeSet<&RevisionId>,
    children: &BTreeMap<RevisionId, Vec<RevisionId>>,
) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        for child in children.get(id).map_or(&[][..], Vec::as_slice) {
            if child == start {
                return true;
            }
            if within.contains(child) && seen.insert(child) {
                stack.push(child);
            }
        }
    }
    false
}
