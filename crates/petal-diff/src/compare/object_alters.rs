//! The alterations of kept objects beside tables and enum types: sequence
//! settings and owners, domain and composite type changes, trigger states,
//! materialized view indexes, and comments.

use petal_ir::ObjectKey;

use super::Engine;
use super::objects::{ObjectPlan, Pairs, cur_key};
use super::types;
use crate::change::{Alter, Change, Delta, Object, SequenceSettings};

impl Engine<'_> {
    /// Sequence settings, domain and composite alterations of kept ones.
    pub(super) fn alter_providers(&mut self, pairs: &Pairs, plan: &ObjectPlan) {
        let mut changes = Vec::new();
        for t in pairs.sequences.keys() {
            let (Some(cur), Some(to)) = (self.cur.sequences.get(t), self.to.sequences.get(t))
            else {
                continue;
            };
            if cur.ty != to.ty || cur.options != to.options {
                let settings = |s: &petal_ir::Sequence| SequenceSettings {
                    ty: s.ty.clone(),
                    options: s.options,
                };
                changes.push(Change::Alter(Alter::SequenceSettings {
                    name: t.clone(),
                    settings: Delta::new(settings(cur), settings(to)),
                }));
            }
        }
        for t in pairs.domains.keys() {
            let key = ObjectKey::Domain { name: t.clone() };
            if let (false, Some(cur), Some(to)) = (
                plan.recreate.contains(&key),
                self.cur.domains.get(t),
                self.to.domains.get(t),
            ) {
                let users = self.domain_users(&cur.name);
                changes.extend(types::domain_changes(cur, to, &users));
            }
        }
        for t in pairs.composites.keys() {
            let key = ObjectKey::CompositeType { name: t.clone() };
            if let (false, Some(cur), Some(to)) = (
                plan.recreate.contains(&key),
                self.cur.composite_types.get(t),
                self.to.composite_types.get(t),
            ) {
                // PostgreSQL refuses to change an attribute's type while
                // a table column is of the type: when the migration takes
                // those columns away, the change waits for them (and the
                // down, reversed, makes it before they come back).
                let used = |db| tables_using_type(db, t).next().is_some();
                let leaving = used(&self.cur) && !used(self.to);
                for change in types::composite_changes(cur, to) {
                    match change {
                        Change::Alter(Alter::AttributeType { .. }) if leaving => {
                            self.retyped_attributes.push(change);
                        }
                        other => changes.push(other),
                    }
                }
            }
        }
        for change in changes {
            self.emit(change);
        }
    }

    /// The tables with a column of `domain` (or of an array of it), as the
    /// working copy has them when the domain changes: a new check or NOT
    /// NULL of the domain reads their rows.
    fn domain_users(&self, domain: &petal_ir::QualifiedName) -> Vec<petal_ir::QualifiedName> {
        tables_using_type(&self.cur, domain)
            .map(|t| t.name.clone())
            .collect()
    }

    /// Trigger states and sequence owners, once the tables are there.
    pub(super) fn alter_dependents(&mut self, pairs: &Pairs, plan: &ObjectPlan) {
        let mut changes = Vec::new();
        for t in pairs.triggers.keys() {
            let key = ObjectKey::trigger(t);
            let (Some(cur), Some(to)) = (self.cur.triggers.get(t), self.to.triggers.get(t)) else {
                continue;
            };
            if !plan.recreate.contains(&key) && cur.enabled != to.enabled {
                changes.push(Change::Alter(Alter::TriggerEnabled {
                    table: t.table.clone(),
                    name: t.name.clone(),
                    enabled: Delta::new(cur.enabled, to.enabled),
                }));
            }
        }
        for (name, to) in &self.to.sequences {
            let now = self
                .cur
                .sequences
                .get(name)
                .and_then(|s| s.owned_by.clone());
            if now != to.owned_by {
                changes.push(Change::Alter(Alter::SequenceOwner {
                    name: name.clone(),
                    owner: Delta::new(now, to.owned_by.clone()),
                }));
            }
        }
        for change in changes {
            self.emit(change);
        }
    }

    /// Indexes of kept materialized views that go or change (the views
    /// still under their `cur` names).
    pub(super) fn drop_view_indexes(&mut self, pairs: &Pairs, plan: &ObjectPlan) {
        let mut changes = Vec::new();
        for (t, c) in &pairs.views {
            let (Some(cur), Some(to)) = (self.cur.views.get(c), self.to.views.get(t)) else {
                continue;
            };
            if plan.recreate.contains(&crate::change::views::key(to)) {
                continue;
            }
            for index in changed_indexes(&cur.indexes, &to.indexes) {
                changes.push(Change::Drop(Object::Index {
                    table: c.clone(),
                    index: index.clone(),
                }));
            }
        }
        for change in changes {
            self.emit(change);
        }
    }

    /// New or changed indexes of kept materialized views (renamed by now).
    pub(super) fn create_view_indexes(&mut self, pairs: &Pairs, plan: &ObjectPlan) {
        let mut changes = Vec::new();
        for t in pairs.views.keys() {
            let (Some(cur), Some(to)) = (self.cur.views.get(t), self.to.views.get(t)) else {
                continue;
            };
            if plan.recreate.contains(&crate::change::views::key(to)) {
                continue;
            }
            for index in changed_indexes(&to.indexes, &cur.indexes) {
                changes.push(Change::Create(Object::Index {
                    table: t.clone(),
                    index: index.clone(),
                }));
            }
        }
        for change in changes {
            self.emit(change);
        }
    }
}

/// The indexes of `these` that `others` lacks, or holds otherwise (a
/// comment apart, which is altered on its own).
fn changed_indexes<'a>(
    these: &'a [petal_ir::Index],
    others: &[petal_ir::Index],
) -> Vec<&'a petal_ir::Index> {
    let bare = |i: &petal_ir::Index| petal_ir::Index {
        comment: None,
        ..i.clone()
    };
    these
        .iter()
        .filter(|index| {
            others
                .iter()
                .find(|o| o.name == index.name)
                .is_none_or(|o| bare(o) != bare(index))
        })
        .collect()
}

impl Engine<'_> {
    /// Phase 12b: comments of kept objects (new and recreated ones carry
    /// theirs).
    pub(super) fn comment_objects(&mut self, plan: &ObjectPlan) {
        use super::columns::comment_change;
        let mut changes = Vec::new();
        let (cur, to) = (&self.cur, self.to);
        let kept =
            |key: &ObjectKey| cur_key(&plan.pairs, key).is_some() && !plan.recreate.contains(key);
        for (name, view) in &to.views {
            let key = crate::change::views::key(view);
            let Some(now) = cur.views.get(name).filter(|_| kept(&key)) else {
                continue;
            };
            changes.extend(comment_change(key, &now.comment, &view.comment));
            for column in &view.columns {
                if let Some(c) = now.columns.iter().find(|c| c.name == column.name) {
                    let on = ObjectKey::column(name, &column.name);
                    changes.extend(comment_change(on, &c.comment, &column.comment));
                }
            }
            for index in &view.indexes {
                if let Some(i) = now.indexes.iter().find(|i| i.name == index.name) {
                    let on = ObjectKey::index(name, &index.name);
                    changes.extend(comment_change(on, &i.comment, &index.comment));
                }
            }
        }
        for (k, f) in &to.functions {
            let key = ObjectKey::function(k);
            if let Some(now) = cur.functions.get(k).filter(|_| kept(&key)) {
                changes.extend(comment_change(key, &now.comment, &f.comment));
            }
        }
        for (k, t) in &to.triggers {
            let key = ObjectKey::trigger(k);
            if let Some(now) = cur.triggers.get(k).filter(|_| kept(&key)) {
                changes.extend(comment_change(key, &now.comment, &t.comment));
            }
        }
        for (k, p) in &to.policies {
            let key = ObjectKey::policy(k);
            if let Some(now) = cur.policies.get(k).filter(|_| kept(&key)) {
                changes.extend(comment_change(key, &now.comment, &p.comment));
            }
        }
        for (name, s) in &to.sequences {
            let key = ObjectKey::Sequence { name: name.clone() };
            if let Some(now) = cur.sequences.get(name).filter(|_| kept(&key)) {
                changes.extend(comment_change(key, &now.comment, &s.comment));
            }
        }
        for (name, d) in &to.domains {
            let key = ObjectKey::Domain { name: name.clone() };
            if let Some(now) = cur.domains.get(name).filter(|_| kept(&key)) {
                changes.extend(comment_change(key, &now.comment, &d.comment));
            }
        }
        for (name, c) in &to.composite_types {
            let key = ObjectKey::CompositeType { name: name.clone() };
            let Some(now) = cur.composite_types.get(name).filter(|_| kept(&key)) else {
                continue;
            };
            changes.extend(comment_change(key, &now.comment, &c.comment));
            for a in &c.attributes {
                if let Some(n) = now.attributes.iter().find(|n| n.name == a.name) {
                    let on = ObjectKey::column(name, &a.name);
                    changes.extend(comment_change(on, &n.comment, &a.comment));
                }
            }
        }
        for (name, r) in &to.range_types {
            let key = ObjectKey::RangeType { name: name.clone() };
            if let Some(now) = cur.range_types.get(name).filter(|_| kept(&key)) {
                changes.extend(comment_change(key, &now.comment, &r.comment));
            }
        }
        for (name, c) in &to.collations {
            let key = ObjectKey::Collation { name: name.clone() };
            if let Some(now) = cur.collations.get(name).filter(|_| kept(&key)) {
                changes.extend(comment_change(key, &now.comment, &c.comment));
            }
        }
        for change in changes {
            self.emit(change);
        }
    }
}

/// The tables of `db` with a column of the type (or of an array of it).
fn tables_using_type<'a>(
    db: &'a petal_ir::Database,
    name: &petal_ir::QualifiedName,
) -> impl Iterator<Item = &'a petal_ir::Table> {
    let spelling = crate::names::type_spelling(name);
    db.tables.values().filter(move |t| {
        t.columns
            .iter()
            .any(|c| c.ty.element().as_str() == spelling)
    })
}
