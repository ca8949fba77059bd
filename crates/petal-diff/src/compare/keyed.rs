//! Keyed matching, the one mechanism by which the diff pairs the objects
//! of two schemas: by key first; an object present on one side only may
//! still be the same object under another name (equal in everything but
//! the name), and is then renamed rather than dropped and created.
//!
//! Each kind of object says what its key is, what "the same but for the
//! name" means for it, and which changes create, drop and rename it: the
//! [`TableObject`] trait for what lives in a table; the kinds a schema
//! holds (views, functions, sequences, types …) are keyed maps, paired by
//! [`pair_by_key`] with their rename hints.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Check, Exclusion, ForeignKey, Index, PrimaryKey, QualifiedName, Table, Unique};

use crate::change::{Delta, Object, Rename};

/// The outcome of matching two lists of keyed objects.
pub(super) struct Matched<T> {
    /// Objects that stay, unchanged or renamed: (old, new).
    pub renamed: Vec<(T, T)>,
    pub dropped: Vec<T>,
    pub added: Vec<T>,
}

/// Matches `old` against `new` by name. `same` compares two objects
/// ignoring their names; `forced` marks an old object that must be dropped
/// and created again even when it is unchanged (what it depends on goes
/// away for a while).
pub(super) fn match_named<T: Clone>(
    old: &[T],
    new: &[T],
    name: impl Fn(&T) -> &str,
    same: impl Fn(&T, &T) -> bool,
    forced: impl Fn(&T) -> bool,
) -> Matched<T> {
    let mut out = Matched {
        renamed: Vec::new(),
        dropped: Vec::new(),
        added: Vec::new(),
    };
    let old_names: BTreeSet<&str> = old.iter().map(&name).collect();
    let new_names: BTreeSet<&str> = new.iter().map(&name).collect();
    let mut unmatched_new: Vec<&T> = Vec::new();
    for n in new {
        match old.iter().find(|o| name(o) == name(n)) {
            Some(o) if same(o, n) && !forced(o) => {}
            Some(o) => {
                out.dropped.push(o.clone());
                out.added.push(n.clone());
            }
            None => unmatched_new.push(n),
        }
    }
    for o in old.iter().filter(|o| !new_names.contains(name(o))) {
        let twin = unmatched_new
            .iter()
            .position(|n| same(o, n) && !forced(o) && !old_names.contains(name(n)));
        match twin {
            Some(at) => {
                let n = unmatched_new.remove(at);
                out.renamed.push((o.clone(), n.clone()));
            }
            None => out.dropped.push(o.clone()),
        }
    }
    out.added.extend(unmatched_new.into_iter().cloned());
    out
}

/// Pairs a kind's objects (the whole schema's kinds, keyed maps) by key, or by a rename hint naming a key that
/// `to` does not keep.
pub(super) fn pair_by_key<K: Ord + Clone, T>(
    cur: &BTreeMap<K, T>,
    to: &BTreeMap<K, T>,
    hint: impl Fn(&T) -> Option<K>,
) -> BTreeMap<K, K> {
    let mut out = BTreeMap::new();
    for (key, object) in to {
        if cur.contains_key(key) {
            out.insert(key.clone(), key.clone());
        } else if let Some(old) = hint(object) {
            let claimed = out.values().any(|c| *c == old);
            if cur.contains_key(&old) && !to.contains_key(&old) && !claimed {
                out.insert(key.clone(), old);
            }
        }
    }
    out
}

/// A kind of object that lives in a table and is keyed by its name there:
/// constraints and indexes.
pub(super) trait TableObject: Clone {
    fn name(&self) -> &str;
    /// Equal in everything but the name (and what a rename keeps, such as
    /// an index's comment, which is compared on its own).
    fn same_as(&self, other: &Self) -> bool;
    /// The objects of this kind in `table`.
    fn of(table: &Table) -> &[Self];
    /// The object as a change creates or drops it, in `table`.
    fn object(self, table: QualifiedName) -> Object;
    fn rename(table: QualifiedName, name: Delta<String>) -> Rename;
    /// The columns of the unique key this object is, when a foreign key
    /// can reference it (a key must go while the object is rebuilt).
    fn unique_key(&self) -> Option<Vec<String>> {
        None
    }
}

impl TableObject for PrimaryKey {
    fn name(&self) -> &str {
        &self.name
    }
    fn same_as(&self, other: &Self) -> bool {
        self.columns == other.columns && self.deferrable == other.deferrable
    }
    fn of(table: &Table) -> &[Self] {
        table.primary_key.as_slice()
    }
    fn object(self, table: QualifiedName) -> Object {
        Object::PrimaryKey {
            table,
            primary_key: self,
        }
    }
    fn rename(table: QualifiedName, name: Delta<String>) -> Rename {
        Rename::Constraint { table, name }
    }
    fn unique_key(&self) -> Option<Vec<String>> {
        Some(self.columns.clone())
    }
}

impl TableObject for Unique {
    fn name(&self) -> &str {
        &self.name
    }
    fn same_as(&self, other: &Self) -> bool {
        self.columns == other.columns
            && self.nulls_not_distinct == other.nulls_not_distinct
            && self.deferrable == other.deferrable
    }
    fn of(table: &Table) -> &[Self] {
        &table.uniques
    }
    fn object(self, table: QualifiedName) -> Object {
        Object::Unique {
            table,
            unique: self,
        }
    }
    fn rename(table: QualifiedName, name: Delta<String>) -> Rename {
        Rename::Constraint { table, name }
    }
    fn unique_key(&self) -> Option<Vec<String>> {
        Some(self.columns.clone())
    }
}

impl TableObject for Check {
    fn name(&self) -> &str {
        &self.name
    }
    /// Its validity changes in place (`Alter::ConstraintValid`); `NO
    /// INHERIT` cannot.
    fn same_as(&self, other: &Self) -> bool {
        self.expr == other.expr && self.no_inherit == other.no_inherit
    }
    fn of(table: &Table) -> &[Self] {
        &table.checks
    }
    fn object(self, table: QualifiedName) -> Object {
        Object::Check { table, check: self }
    }
    fn rename(table: QualifiedName, name: Delta<String>) -> Rename {
        Rename::Constraint { table, name }
    }
}

impl TableObject for Exclusion {
    fn name(&self) -> &str {
        &self.name
    }
    /// Its comment changes in place.
    fn same_as(&self, other: &Self) -> bool {
        self.definition == other.definition && self.deferrable == other.deferrable
    }
    fn of(table: &Table) -> &[Self] {
        &table.exclusions
    }
    fn object(self, table: QualifiedName) -> Object {
        Object::Exclusion {
            table,
            exclusion: self,
        }
    }
    fn rename(table: QualifiedName, name: Delta<String>) -> Rename {
        Rename::Constraint { table, name }
    }
}

impl TableObject for Index {
    fn name(&self) -> &str {
        &self.name
    }
    fn same_as(&self, other: &Self) -> bool {
        // Storage parameters in any order are the same ones.
        let bare = |i: &Index| Index {
            name: String::new(),
            comment: None,
            concurrently: false,
            storage: i
                .storage
                .iter()
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            ..i.clone()
        };
        bare(self) == bare(other)
    }
    fn of(table: &Table) -> &[Self] {
        &table.indexes
    }
    fn object(self, table: QualifiedName) -> Object {
        Object::Index { table, index: self }
    }
    fn rename(table: QualifiedName, name: Delta<String>) -> Rename {
        Rename::Index { table, name }
    }
    fn unique_key(&self) -> Option<Vec<String>> {
        if !self.unique {
            return None;
        }
        self.keys
            .iter()
            .map(|k| match &k.expr {
                petal_ir::IndexKeyExpr::Column(c) => Some(c.clone()),
                petal_ir::IndexKeyExpr::Expression(_) => None,
            })
            .collect()
    }
}

impl TableObject for ForeignKey {
    fn name(&self) -> &str {
        &self.name
    }
    fn same_as(&self, other: &Self) -> bool {
        // Its comment and validity change in place.
        let bare = |f: &ForeignKey| ForeignKey {
            name: String::new(),
            comment: None,
            not_valid: false,
            ..f.clone()
        };
        bare(self) == bare(other)
    }
    fn of(table: &Table) -> &[Self] {
        &table.foreign_keys
    }
    /// A key of a kept table (the keys of new and dropped tables are
    /// planned with their tables).
    fn object(self, table: QualifiedName) -> Object {
        Object::ForeignKey {
            table,
            foreign_key: self,
            new_table: false,
        }
    }
    fn rename(table: QualifiedName, name: Delta<String>) -> Rename {
        Rename::Constraint { table, name }
    }
}
