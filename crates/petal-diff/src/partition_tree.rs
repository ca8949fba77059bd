//! Which tables are partitioned, and their partitions, at each point of a
//! migration: what a statement on a partitioned table also does to its
//! partitions (PostgreSQL recurses: a lock on the parent is taken on each
//! partition, a read or a rewrite happens in the partitions, which hold
//! the rows), and what has no online form there (`CREATE INDEX
//! CONCURRENTLY` on a partitioned table). It follows inheritance children
//! too: a statement on a parent that PostgreSQL passes on to them (a
//! column's, a check's) locks, reads or rewrites each.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Database, QualifiedName};
use serde::{Deserialize, Serialize};

use crate::change::{Alter, Change, Object, Rename};
use crate::impact::Impact;

/// Each partitioned table with its partitions (none yet, possibly).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionTree {
    children: BTreeMap<QualifiedName, BTreeSet<QualifiedName>>,
    /// Each inheritance parent with its children.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    inheritors: BTreeMap<QualifiedName, BTreeSet<QualifiedName>>,
    /// The tables and views the migration created so far, by the names
    /// they have now: nobody else's, so locking them makes no one wait. A
    /// name a table was renamed away from (or dropped under) and then
    /// created again names a new relation only from there on, as when a
    /// table is recreated with its rows.
    #[serde(skip)]
    fresh: BTreeSet<QualifiedName>,
}

impl PartitionTree {
    /// The partitioned tables of `db` and their partitions.
    pub fn of(db: &Database) -> PartitionTree {
        let mut tree = PartitionTree::default();
        for table in db.tables.values() {
            if table.partition_by.is_some() {
                tree.children.entry(table.name.clone()).or_default();
            }
            if let Some(of) = &table.partition_of {
                tree.children
                    .entry(of.parent.clone())
                    .or_default()
                    .insert(table.name.clone());
            }
            tree.inherit(table);
        }
        tree
    }

    fn inherit(&mut self, table: &petal_ir::Table) {
        for parent in &table.inherits {
            self.inheritors
                .entry(parent.clone())
                .or_default()
                .insert(table.name.clone());
        }
    }

    /// No partitioned table (inheritance parents aside).
    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }

    /// Neither a partitioned table nor an inheritance parent: nothing to
    /// keep when a diff is written out.
    pub fn holds_nothing(&self) -> bool {
        self.children.is_empty() && self.inheritors.is_empty()
    }

    pub fn is_partitioned(&self, table: &QualifiedName) -> bool {
        self.children.contains_key(table)
    }

    /// Whether `table` is a partition of some partitioned table.
    pub fn is_partition(&self, table: &QualifiedName) -> bool {
        self.children.values().any(|c| c.contains(table))
    }

    /// The tree once `change` ran.
    pub fn apply(&mut self, change: &Change) {
        self.follow_fresh(change);
        match change {
            Change::Create(Object::Table { table, .. }) => {
                if table.partition_by.is_some() {
                    self.children.entry(table.name.clone()).or_default();
                }
                if let Some(of) = &table.partition_of {
                    self.attach(&of.parent, &table.name);
                }
                self.inherit(table);
            }
            Change::Drop(Object::Table { table, .. }) => self.remove(&table.name),
            Change::Alter(Alter::PartitionOf {
                table,
                partition_of,
                ..
            }) => {
                if let Some(from) = &partition_of.from {
                    self.detach(&from.parent, table);
                }
                if let Some(to) = &partition_of.to {
                    self.attach(&to.parent, table);
                }
            }
            Change::Alter(Alter::Inherit {
                table,
                parent,
                inherits,
            }) => {
                let children = self.inheritors.entry(parent.clone()).or_default();
                if inherits.to {
                    children.insert(table.clone());
                } else {
                    children.remove(table);
                    if children.is_empty() {
                        self.inheritors.remove(parent);
                    }
                }
            }
            Change::Rename(Rename::Table { name }) => {
                for map in [&mut self.children, &mut self.inheritors] {
                    if let Some(children) = map.remove(&name.from) {
                        map.insert(name.to.clone(), children);
                    }
                    for children in map.values_mut() {
                        if children.remove(&name.from) {
                            children.insert(name.to.clone());
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The tree once all of `changes` ran, as the next migration (their
    /// down) starts from it: what they created is there before it.
    pub fn after(mut self, changes: &[Change]) -> PartitionTree {
        for change in changes {
            self.apply(change);
        }
        self.fresh.clear();
        self
    }

    fn follow_fresh(&mut self, change: &Change) {
        match change {
            Change::Create(Object::Table { table, .. }) => {
                self.fresh.insert(table.name.clone());
            }
            Change::Create(Object::View { view }) => {
                self.fresh.insert(view.name.clone());
            }
            Change::Drop(Object::Table { table, .. }) => {
                self.fresh.remove(&table.name);
            }
            Change::Drop(Object::View { view }) => {
                self.fresh.remove(&view.name);
            }
            Change::Rename(Rename::Table { name } | Rename::View { name, .. }) => {
                if self.fresh.remove(&name.from) {
                    self.fresh.insert(name.to.clone());
                } else {
                    self.fresh.remove(&name.to);
                }
            }
            _ => {}
        }
    }

    /// `impact` without the relations the migration created so far.
    pub(crate) fn on_existing(&self, impact: Impact) -> Impact {
        if self.fresh.is_empty() {
            return impact;
        }
        impact.without(&self.fresh)
    }

    fn attach(&mut self, parent: &QualifiedName, table: &QualifiedName) {
        self.children
            .entry(parent.clone())
            .or_default()
            .insert(table.clone());
    }

    fn detach(&mut self, parent: &QualifiedName, table: &QualifiedName) {
        if let Some(children) = self.children.get_mut(parent) {
            children.remove(table);
        }
    }

    fn remove(&mut self, table: &QualifiedName) {
        for map in [&mut self.children, &mut self.inheritors] {
            map.remove(table);
            for children in map.values_mut() {
                children.remove(table);
            }
        }
    }

    /// Every table inheriting from `table`, at any depth.
    fn heirs(&self, table: &QualifiedName) -> Vec<QualifiedName> {
        below(&self.inheritors, table)
    }

    /// Whether `table` inherits from `parent`, at any depth.
    pub(crate) fn inherits_from(&self, table: &QualifiedName, parent: &QualifiedName) -> bool {
        self.heirs(parent).contains(table)
    }

    /// `impact` of a statement PostgreSQL passes on to inheritance
    /// children (`Change::reaches_inheritance_children`): each lock taken
    /// on every child below, and what is read or rewritten read or
    /// rewritten in them too.
    pub fn spread_to_heirs(&self, impact: Impact) -> Impact {
        if self.inheritors.is_empty() {
            return impact;
        }
        let mut out = impact.clone();
        for (relation, mode) in &impact.locks {
            for heir in self.heirs(relation) {
                out = out.lock(&heir, *mode);
            }
        }
        for relation in &impact.scans {
            out.scans.extend(self.heirs(relation));
        }
        for relation in &impact.rewrites {
            out.rewrites.extend(self.heirs(relation));
        }
        out
    }

    /// `impact` of a key added to `table` (`Change::
    /// locks_inheritance_children`): the lock it takes on `table` taken on
    /// every child below as well; nothing of theirs read.
    pub fn lock_heirs(&self, table: &QualifiedName, impact: Impact) -> Impact {
        let Some(&mode) = impact.locks.get(table) else {
            return impact;
        };
        self.heirs(table)
            .iter()
            .fold(impact, |impact, heir| impact.lock(heir, mode))
    }

    /// Every partition under `table`, at any depth.
    pub(crate) fn descendants(&self, table: &QualifiedName) -> Vec<QualifiedName> {
        below(&self.children, table)
    }

    /// `impact` as PostgreSQL carries it out on a partitioned table: each
    /// lock taken on every partition below as well, and what is read or
    /// rewritten read or rewritten in the partitions that hold rows.
    pub fn spread(&self, impact: Impact) -> Impact {
        if self.is_empty() {
            return impact;
        }
        let mut out = impact.clone();
        for (relation, mode) in &impact.locks {
            for partition in self.descendants(relation) {
                out = out.lock(&partition, *mode);
            }
        }
        let leaves = |relation: &QualifiedName| -> Vec<QualifiedName> {
            self.descendants(relation)
                .into_iter()
                .filter(|d| !self.is_partitioned(d))
                .collect()
        };
        for relation in impact.scans.iter().filter(|r| self.is_partitioned(r)) {
            out.scans.remove(relation);
            out.scans.extend(leaves(relation));
        }
        for relation in impact.rewrites.iter().filter(|r| self.is_partitioned(r)) {
            out.rewrites.remove(relation);
            out.rewrites.extend(leaves(relation));
        }
        out
    }
}

/// Every table under `table` in `tree` (parent → children), at any depth.
fn below(
    tree: &BTreeMap<QualifiedName, BTreeSet<QualifiedName>>,
    table: &QualifiedName,
) -> Vec<QualifiedName> {
    let mut out: Vec<QualifiedName> = Vec::new();
    let mut stack: Vec<&QualifiedName> = vec![table];
    while let Some(at) = stack.pop() {
        for child in tree.get(at).into_iter().flatten() {
            // A cycle cannot be built; the check keeps a broken input finite.
            if !out.contains(child) {
                out.push(child.clone());
                stack.push(child);
            }
        }
    }
    out
}
