//! The phases of the objects beside tables and enum types, as the diff
//! runs them around the tables' (see the module list in `compare`).

use std::collections::BTreeSet;

use petal_ir::{Database, ObjectKey, Privileges};

use super::Engine;
use super::objects::{
    ObjectPlan, cur_key, is_dependent, late_functions, ordered, to_key, used_by_tables,
};
use super::type_aside::{functions_naming, moved_aside};
use crate::change::{Alter, Change, Delta, Moved, Object, Rename, Replace};

/// The object of `db` a key names, whole, as a change carries it.
pub(super) fn object_of(db: &Database, key: &ObjectKey) -> Option<Object> {
    Some(match key {
        ObjectKey::View { name } | ObjectKey::MaterializedView { name } => Object::View {
            view: db.views.get(name)?.clone(),
        },
        ObjectKey::Function { name, signature } => Object::Function {
            function: db
                .functions
                .get(&petal_ir::FunctionKey {
                    name: name.clone(),
                    signature: signature.clone(),
                })?
                .clone(),
        },
        ObjectKey::Trigger { table, name } => Object::Trigger {
            trigger: db
                .triggers
                .get(&petal_ir::TriggerKey {
                    table: table.clone(),
                    name: name.clone(),
                })?
                .clone(),
        },
        ObjectKey::Policy { table, name } => Object::Policy {
            policy: db
                .policies
                .get(&petal_ir::PolicyKey {
                    table: table.clone(),
                    name: name.clone(),
                })?
                .clone(),
            guarded: false,
            reworded: false,
        },
        ObjectKey::Sequence { name } => Object::Sequence {
            sequence: db.sequences.get(name)?.clone(),
        },
        ObjectKey::Domain { name } => Object::Domain {
            domain: db.domains.get(name)?.clone(),
        },
        ObjectKey::CompositeType { name } => Object::CompositeType {
            composite: db.composite_types.get(name)?.clone(),
        },
        ObjectKey::RangeType { name } => Object::RangeType {
            range: db.range_types.get(name)?.clone(),
        },
        ObjectKey::Extension { name } => Object::Extension {
            extension: db.extensions.get(name)?.clone(),
        },
        ObjectKey::Collation { name } => Object::Collation {
            collation: db.collations.get(name)?.clone(),
        },
        _ => return None,
    })
}

/// Every key of `db`'s objects of these kinds.
pub(super) fn all_keys(db: &Database) -> BTreeSet<ObjectKey> {
    let mut keys = BTreeSet::new();
    keys.extend(db.views.values().map(crate::change::views::key));
    keys.extend(db.functions.keys().map(ObjectKey::function));
    keys.extend(db.triggers.keys().map(ObjectKey::trigger));
    keys.extend(db.policies.keys().map(ObjectKey::policy));
    keys.extend(
        db.sequences
            .keys()
            .map(|name| ObjectKey::Sequence { name: name.clone() }),
    );
    keys.extend(
        db.domains
            .keys()
            .map(|name| ObjectKey::Domain { name: name.clone() }),
    );
    keys.extend(
        db.composite_types
            .keys()
            .map(|name| ObjectKey::CompositeType { name: name.clone() }),
    );
    keys.extend(
        db.range_types
            .keys()
            .map(|name| ObjectKey::RangeType { name: name.clone() }),
    );
    keys.extend(
        db.collations
            .keys()
            .map(|name| ObjectKey::Collation { name: name.clone() }),
    );
    keys
}

impl Engine<'_> {
    /// The orders of the phases, from the decisions.
    pub(super) fn order(&self, plan: &mut ObjectPlan) {
        let (cur, to) = (&self.cur, self.to);
        let late = late_functions(to);
        let late_now = late_functions(cur);
        // What the tables use now (a default, a check, an index calling a
        // function) must outlive the drops of those uses, which come after
        // the dependents' drops: such a function is dropped with the
        // providers even when its new version is created late.
        let used_now = used_by_tables(cur);
        let mut drop_first = BTreeSet::new();
        let mut drop_to_recreate = BTreeSet::new();
        let mut drop_last = BTreeSet::new();
        for key in all_keys(cur) {
            let to_side = to_key(&plan.pairs, &key);
            let recreated = to_side.as_ref().is_some_and(|t| plan.recreate.contains(t));
            let dependent = is_dependent(&key, &late_now)
                || (to_side.as_ref().is_some_and(|t| late.contains(t)) && !used_now.contains(&key));
            if recreated && let (Some(t), Some(object)) = (&to_side, object_of(cur, &key)) {
                plan.privileges.insert(t.clone(), privileges_of(&object));
            }
            match (to_side.is_none(), recreated, dependent) {
                (true, _, true) | (false, true, true) => {
                    drop_first.insert(key);
                }
                (true, _, false) => {
                    drop_last.insert(key);
                }
                (false, true, false) => {
                    drop_to_recreate.insert(key);
                }
                (false, false, _) => {}
            }
        }
        let mut create_first = BTreeSet::new();
        let mut create_last = BTreeSet::new();
        for key in all_keys(to) {
            let kept = cur_key(&plan.pairs, &key).is_some();
            let changes = !kept || plan.recreate.contains(&key) || plan.replace.contains(&key);
            if !changes {
                continue;
            }
            if is_dependent(&key, &late) {
                create_last.insert(key);
            } else {
                create_first.insert(key);
            }
        }
        plan.drop_first = ordered(drop_first, cur, true);
        // The recreated providers moved aside rather than dropped, and the
        // functions dropped before they are (`type_aside.rs`).
        let aside = moved_aside(cur, &drop_to_recreate);
        drop_to_recreate.retain(|k| !aside.contains(k));
        for key in functions_naming(cur, &drop_last, &aside) {
            drop_last.remove(&key);
            drop_to_recreate.insert(key);
        }
        plan.drop_to_recreate = ordered(drop_to_recreate, cur, true);
        plan.drop_after = ordered(drop_last.union(&aside).cloned().collect(), cur, true);
        plan.drop_last = ordered(drop_last, cur, true);
        plan.aside = ordered(aside, cur, true);
        plan.create_first = ordered(create_first, to, false);
        plan.create_last = ordered(create_last, to, false);
    }

    /// Phase 2a: dependents out of the way, and the owners of sequences
    /// that go (so that dropping their column does not take them).
    pub(super) fn drop_dependents(&mut self, plan: &ObjectPlan) {
        self.drop_or_move_aside(&plan.drop_first, plan);
        for key in &plan.drop_last {
            let ObjectKey::Sequence { name } = key else {
                continue;
            };
            let owner = self
                .cur
                .sequences
                .get(name)
                .and_then(|s| s.owned_by.clone());
            if owner.is_some() {
                self.emit(Change::Alter(Alter::SequenceOwner {
                    name: name.clone(),
                    owner: Delta::new(owner, None),
                }));
            }
        }
        self.drop_view_indexes(&plan.pairs, plan);
    }

    /// Phase 2b: renames of kept objects (recreated ones are created under
    /// their new name).
    pub(super) fn rename_objects(&mut self, plan: &ObjectPlan) {
        let pairs = &plan.pairs;
        let mut renames = Vec::new();
        let skip = |key: ObjectKey| plan.recreate.contains(&key);
        // First, named on the table or view as it is: views are renamed
        // below, tables later.
        for (t, c) in &pairs.triggers {
            if t.name != c.name && !skip(ObjectKey::trigger(t)) {
                renames.push(Rename::Trigger {
                    table: c.table.clone(),
                    name: Delta::new(c.name.clone(), t.name.clone()),
                });
            }
        }
        for (t, c) in &pairs.policies {
            if t.name != c.name && !skip(ObjectKey::policy(t)) {
                renames.push(Rename::Policy {
                    table: c.table.clone(),
                    name: Delta::new(c.name.clone(), t.name.clone()),
                });
            }
        }
        for (t, c) in &pairs.sequences {
            if t != c {
                renames.push(Rename::Sequence {
                    name: Delta::new(c.clone(), t.clone()),
                });
            }
        }
        for (t, c) in &pairs.views {
            let materialized = self.cur.views.get(c).is_some_and(|v| v.materialized);
            let key = self.to.views.get(t).map(crate::change::views::key);
            if t != c && !key.is_some_and(skip) {
                renames.push(Rename::View {
                    materialized,
                    name: Delta::new(c.clone(), t.clone()),
                });
            }
        }
        for (t, c) in &pairs.functions {
            if t != c && !skip(ObjectKey::function(t)) {
                renames.push(Rename::Function {
                    signature: t.signature.clone(),
                    name: Delta::new(c.name.clone(), t.name.clone()),
                });
            }
        }
        let typed = [
            (&pairs.domains, 0u8),
            (&pairs.composites, 1),
            (&pairs.ranges, 2),
            (&pairs.collations, 3),
        ];
        for (map, kind) in typed {
            for (t, c) in map {
                let name = Delta::new(c.clone(), t.clone());
                let (key, rename) =
                    match kind {
                        0 => (
                            ObjectKey::Domain { name: t.clone() },
                            Rename::Domain { name },
                        ),
                        1 => (
                            ObjectKey::CompositeType { name: t.clone() },
                            Rename::CompositeType { name },
                        ),
                        3 => (
                            ObjectKey::Collation { name: t.clone() },
                            Rename::Collation { name },
                        ),
                        _ => (
                            ObjectKey::RangeType { name: t.clone() },
                            Rename::RangeType {
                                multirange: self.cur.range_types.get(c).and_then(|r| {
                                    super::type_aside::multirange_follows(r, t, false)
                                }),
                                name,
                            },
                        ),
                    };
                if t != c && !skip(key) {
                    renames.push(rename);
                }
            }
        }
        for rename in renames {
            self.emit(Change::Rename(rename));
        }
    }

    /// Phase 5b: providers recreated, created, replaced or altered, before
    /// the tables that may use them.
    pub(super) fn create_providers(&mut self, plan: &ObjectPlan) {
        // Dropped first: a function's signature may name a type moved
        // aside next by the name it is about to lose.
        self.drop_or_move_aside(&plan.drop_to_recreate, plan);
        self.move_types_aside(plan);
        self.create_or_replace(&plan.create_first, plan);
        self.alter_providers(&plan.pairs, plan);
    }

    /// Phase 11b: dependents created or replaced, then the states and
    /// owners that need the tables.
    pub(super) fn create_dependents(&mut self, plan: &ObjectPlan) {
        self.create_or_replace(&plan.create_last, plan);
        self.create_view_indexes(&plan.pairs, plan);
        self.alter_dependents(&plan.pairs, plan);
    }

    /// Phase 13: providers no longer wanted (before the enum types).
    pub(super) fn drop_providers(&mut self, plan: &ObjectPlan) {
        for key in &plan.drop_after {
            if plan.aside.contains(key) {
                self.drop_type_aside(key);
            } else if let Some(object) = object_of(&self.cur, key) {
                self.emit(Change::Drop(object));
            }
        }
    }

    /// Drops the objects of `keys` (named as in `cur`): moved aside where
    /// they come back only because something they depend on changes.
    fn drop_or_move_aside(&mut self, keys: &[ObjectKey], plan: &ObjectPlan) {
        for key in keys {
            let Some(object) = object_of(&self.cur, key) else {
                continue;
            };
            let object = super::policies::guard(object, plan, key, true);
            let because = to_key(&plan.pairs, key).and_then(|to| plan.because.get(&to));
            match because {
                Some(because) => self.emit(Change::MoveAside(Moved {
                    object,
                    because: because.clone(),
                })),
                None => self.emit(Change::Drop(object)),
            }
        }
    }

    fn create_or_replace(&mut self, keys: &[ObjectKey], plan: &ObjectPlan) {
        for key in keys {
            let Some(wanted) = object_of(self.to, key) else {
                continue;
            };
            if plan.replace.contains(key) && self.alter_policy(key, plan) {
                continue;
            }
            if plan.replace.contains(key) {
                // `CREATE OR REPLACE` keeps the comments: the comment
                // phase changes them afterwards, like anyone else's.
                let change = match (object_of(&self.cur, key), wanted) {
                    (Some(Object::View { view: from }), Object::View { view: mut to }) => {
                        to.comment = from.comment.clone();
                        for column in &mut to.columns {
                            column.comment = from
                                .columns
                                .iter()
                                .find(|c| c.name == column.name)
                                .and_then(|c| c.comment.clone());
                        }
                        Replace::View {
                            view: Delta::new(from, without_hints_view(to)),
                        }
                    }
                    (
                        Some(Object::Function { function: from }),
                        Object::Function { function: mut to },
                    ) => {
                        to.comment = from.comment.clone();
                        let affects = stored_results_of(key, &self.cur);
                        Replace::Function {
                            function: Delta::new(from, without_hints_function(to)),
                            affects,
                        }
                    }
                    _ => continue,
                };
                self.emit(Change::Replace(Box::new(change)));
                continue;
            }
            let mut object = super::policies::guard(for_creation(wanted), plan, key, false);
            if let Some(privileges) = plan.privileges.get(key) {
                set_privileges(&mut object, privileges.clone());
            }
            let change = match plan.because.get(key) {
                Some(because) => Change::PutBack(Moved {
                    object,
                    because: because.clone(),
                }),
                None => Change::Create(object),
            };
            self.create_provider(change);
        }
    }
}

/// An object as created in this phase: no hints; a sequence without its
/// owner (set once the owning column exists); a domain's or composite's
/// comments as they are.
fn for_creation(object: Object) -> Object {
    match object {
        Object::Sequence { mut sequence } => {
            sequence.renamed_from = None;
            sequence.owned_by = None;
            Object::Sequence { sequence }
        }
        Object::View { view } => Object::View {
            view: without_hints_view(view),
        },
        Object::Function { function } => Object::Function {
            function: without_hints_function(function),
        },
        Object::Domain { mut domain } => {
            domain.renamed_from = None;
            Object::Domain { domain }
        }
        Object::Policy {
            mut policy,
            guarded,
            reworded,
        } => {
            policy.renamed_from = None;
            Object::Policy {
                policy,
                guarded,
                reworded,
            }
        }
        Object::CompositeType { mut composite } => {
            composite.renamed_from = None;
            Object::CompositeType { composite }
        }
        Object::RangeType { mut range } => {
            range.renamed_from = None;
            Object::RangeType { range }
        }
        Object::Collation { mut collation } => {
            collation.renamed_from = None;
            Object::Collation { collation }
        }
        other => other,
    }
}

/// What the database grants on a view or function (`None` for the
/// other kinds, which keep none petal reads).
fn privileges_of(object: &Object) -> Privileges {
    match object {
        Object::View { view } => view.privileges.clone(),
        Object::Function { function } => function.privileges.clone(),
        _ => None,
    }
}

fn set_privileges(object: &mut Object, privileges: Privileges) {
    match object {
        Object::View { view } => view.privileges = privileges,
        Object::Function { function } => function.privileges = privileges,
        _ => {}
    }
}

fn without_hints_view(mut view: petal_ir::View) -> petal_ir::View {
    view.renamed_from = None;
    view
}

fn without_hints_function(mut function: petal_ir::Function) -> petal_ir::Function {
    function.renamed_from = None;
    function
}

/// What stored results of a function (in `db`): expression indexes,
/// checks and generated columns using it.
fn stored_results_of(key: &ObjectKey, db: &Database) -> Vec<ObjectKey> {
    let mut out: Vec<ObjectKey> = db
        .dependencies
        .iter()
        .filter(|d| &d.referenced == key)
        .map(|d| d.dependent.clone())
        .filter(|d| {
            matches!(
                d,
                ObjectKey::Index { .. } | ObjectKey::Constraint { .. } | ObjectKey::Column { .. }
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}
