//! The objects beside tables and enum types (sequences, types, functions,
//! views, triggers, policies): matched by key (with the SQL files' rename hints),
//! then each kept one kept, altered, replaced in place, or recreated.
//!
//! They go around the tables' phases by what they are to the tables:
//! - types, sequences and the functions that need no relation are
//!   providers: created before the tables (a column may be of a domain, a
//!   default may call a function) and dropped after them;
//! - views, triggers, policies and the functions that read a relation's row type
//!   (or, in a `BEGIN ATOMIC` body, its columns) are dependents: dropped
//!   before the tables change and created after.
//!
//! Within each group the server's dependency edges give the order. A view
//! or trigger over something dropped or recreated is recreated with it:
//! PostgreSQL refuses to drop what they depend on.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{
    Database, FunctionKey, ObjectKey, PolicyKey, Privileges, QualifiedName, TriggerKey,
};

use super::keyed::pair_by_key;
use super::order::{DependentsIndex, creation_order, drop_order};
use super::type_aside::{collation_renamed, providers_over, type_renamed, typed_columns};
use super::{Engine, Matching, functions, policies, triggers, types, views};

/// What a kept object's change takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decision {
    /// Nothing beyond alterations of its own (comments, states, options).
    Keep,
    /// `CREATE OR REPLACE`.
    Replace,
    /// Dropped and created again.
    Recreate,
}

/// The objects on both sides: `to` key → `cur` key, per kind.
#[derive(Debug, Default)]
pub(super) struct Pairs {
    pub sequences: BTreeMap<QualifiedName, QualifiedName>,
    pub views: BTreeMap<QualifiedName, QualifiedName>,
    pub functions: BTreeMap<FunctionKey, FunctionKey>,
    pub triggers: BTreeMap<TriggerKey, TriggerKey>,
    pub policies: BTreeMap<PolicyKey, PolicyKey>,
    pub domains: BTreeMap<QualifiedName, QualifiedName>,
    pub composites: BTreeMap<QualifiedName, QualifiedName>,
    pub ranges: BTreeMap<QualifiedName, QualifiedName>,
    pub collations: BTreeMap<QualifiedName, QualifiedName>,
    /// The materialized views of each side: a kept view may become
    /// materialized (or plain), and its key on each side says which.
    pub materialized_cur: BTreeSet<QualifiedName>,
    pub materialized_to: BTreeSet<QualifiedName>,
}

/// Every decision about these objects, taken before the first change.
#[derive(Debug, Default)]
pub(super) struct ObjectPlan {
    pub pairs: Pairs,
    /// `to` keys of kept objects replaced in place.
    pub replace: BTreeSet<ObjectKey>,
    /// `to` keys of kept objects dropped and created again.
    pub recreate: BTreeSet<ObjectKey>,
    /// `cur` keys dropped before the tables change, in drop order.
    pub drop_first: Vec<ObjectKey>,
    /// `cur` keys of recreated providers, dropped just before they are
    /// created again, and of dropped functions that name a type moved
    /// aside (dropped before its rename).
    pub drop_to_recreate: Vec<ObjectKey>,
    /// `to` keys created or replaced before the tables, in order.
    pub create_first: Vec<ObjectKey>,
    /// `to` keys created or replaced after the tables, in order.
    pub create_last: Vec<ObjectKey>,
    /// `cur` keys dropped after the tables, in drop order.
    pub drop_last: Vec<ObjectKey>,
    /// `cur` keys of recreated domains, composite and range types and
    /// collations that a column is of, in drop order: PostgreSQL drops no
    /// type (or collation) a column uses, so the old one is
    /// renamed aside before the new one is created, the columns are
    /// converted to the new one with the tables, and the old one is
    /// dropped after them (`type_aside.rs`).
    pub aside: Vec<ObjectKey>,
    /// `cur` keys dropped after the tables (`drop_last`) and the types
    /// moved aside, in one drop order: a dropped domain over a type moved
    /// aside goes before it.
    pub drop_after: Vec<ObjectKey>,
    /// `to` keys of objects recreated only to get out of another change's
    /// way, and what they depend on that changes (named as in `cur`): they
    /// are moved aside and put back, and the file says why.
    pub because: BTreeMap<ObjectKey, ObjectKey>,
    /// `to` keys of recreated objects, and what the database grants on
    /// them: petal does not compare privileges, so a recreated object gets
    /// the database's back (and the down, reversed, the same).
    pub privileges: BTreeMap<ObjectKey, Privileges>,
    /// Kept tables with row-level security on both sides, by their `to`
    /// and by their `cur` names (`policies::guarded_tables`).
    pub guarded_to: BTreeSet<QualifiedName>,
    pub guarded_cur: BTreeSet<QualifiedName>,
    /// The tables (as `cur` names them) with a permissive policy before
    /// the migration.
    pub open_before: BTreeSet<QualifiedName>,
    /// `to` keys of kept policies that reach other roles, or other
    /// commands, or turn restrictive or permissive: recreated, they say
    /// who gains or loses; the others (their expressions' text may differ,
    /// as PostgreSQL prints it after a rename or a retype under them) do
    /// not.
    pub changed_policies: BTreeSet<ObjectKey>,
    /// `to` keys of kept policies recreated for an expression added or
    /// taken away, reaching the same roles.
    pub reworded_policies: BTreeSet<ObjectKey>,
}

impl Engine<'_> {
    fn pair_objects(&self, matching: &Matching) -> Pairs {
        let (cur, to) = (&self.cur, self.to);
        let named = |renamed: &Option<QualifiedName>| renamed.clone();
        let mut pairs = Pairs {
            sequences: pair_by_key(&cur.sequences, &to.sequences, |s| named(&s.renamed_from)),
            views: pair_by_key(&cur.views, &to.views, |v| named(&v.renamed_from)),
            functions: pair_by_key(&cur.functions, &to.functions, |f| {
                f.renamed_from.as_ref().map(|name| FunctionKey {
                    name: name.clone(),
                    signature: f.signature.clone(),
                })
            }),
            triggers: BTreeMap::new(),
            policies: policies::pair(cur, to, matching),
            domains: pair_by_key(&cur.domains, &to.domains, |d| named(&d.renamed_from)),
            composites: pair_by_key(&cur.composite_types, &to.composite_types, |c| {
                named(&c.renamed_from)
            }),
            ranges: pair_by_key(&cur.range_types, &to.range_types, |r| {
                named(&r.renamed_from)
            }),
            collations: pair_by_key(&cur.collations, &to.collations, |c| named(&c.renamed_from)),
            materialized_cur: materialized(cur),
            materialized_to: materialized(to),
        };
        // A trigger on a kept table (or view) follows it through a rename,
        // and its own hint when its old name is gone and its new one is
        // new.
        for (key, trigger) in &to.triggers {
            // On a new relation, it is new, whatever an old one was called.
            let Some(table) = matching
                .tables
                .get(&key.table)
                .or_else(|| pairs.views.get(&key.table))
            else {
                continue;
            };
            let old = |name: &str| TriggerKey {
                table: table.clone(),
                name: name.to_string(),
            };
            if cur.triggers.contains_key(&old(&key.name)) {
                pairs.triggers.insert(key.clone(), old(&key.name));
            } else if let Some(hint) = &trigger.renamed_from {
                let wanted_too = to.triggers.contains_key(&TriggerKey {
                    table: key.table.clone(),
                    name: hint.clone(),
                });
                if cur.triggers.contains_key(&old(hint)) && !wanted_too {
                    pairs.triggers.insert(key.clone(), old(hint));
                }
            }
        }
        pairs
    }

    /// Decides every kept object's fate and the orders of the phases.
    pub(super) fn plan_objects(&self, matching: &Matching) -> ObjectPlan {
        let (guarded_to, guarded_cur) = policies::guarded_tables(&self.cur, self.to, matching);
        let mut plan = ObjectPlan {
            pairs: self.pair_objects(matching),
            guarded_to,
            guarded_cur,
            open_before: policies::open_tables(&self.cur),
            ..ObjectPlan::default()
        };
        self.decide(&mut plan, matching);
        // One index of the working copy's edges for both searches (it does
        // not change while the plan is made), built only if one searches.
        let edges = OnceCell::new();
        self.recreate_over_renames(&mut plan, matching, &edges);
        self.recreate_dependents(&mut plan, matching, &edges);
        self.order(&mut plan);
        plan
    }

    fn decide(&self, plan: &mut ObjectPlan, matching: &Matching) {
        let (cur, to, pairs) = (&self.cur, self.to, &plan.pairs);
        let mut decided: Vec<(ObjectKey, Decision)> = Vec::new();
        for (t, c) in &pairs.views {
            let (Some(a), Some(b)) = (cur.views.get(c), to.views.get(t)) else {
                continue;
            };
            decided.push((crate::change::views::key(b), views::decide(a, b)));
        }
        for (t, c) in &pairs.functions {
            let (Some(a), Some(b)) = (cur.functions.get(c), to.functions.get(t)) else {
                continue;
            };
            decided.push((ObjectKey::function(t), functions::decide(a, b)));
        }
        for (t, c) in &pairs.triggers {
            let (Some(a), Some(b)) = (cur.triggers.get(c), to.triggers.get(t)) else {
                continue;
            };
            decided.push((ObjectKey::trigger(t), triggers::decide(a, b)));
        }
        for (t, c) in &pairs.policies {
            let (Some(a), Some(b)) = (cur.policies.get(c), to.policies.get(t)) else {
                continue;
            };
            let columns = matching.columns.get(&t.table);
            let decision = policies::decide(a, b, columns.unwrap_or(&BTreeMap::new()));
            if policies::reaches_others(a, b) {
                plan.changed_policies.insert(ObjectKey::policy(t));
            } else if decision == Decision::Recreate {
                plan.reworded_policies.insert(ObjectKey::policy(t));
            }
            decided.push((ObjectKey::policy(t), decision));
        }
        for (t, c) in &pairs.domains {
            let (Some(a), Some(b)) = (cur.domains.get(c), to.domains.get(t)) else {
                continue;
            };
            // Named as `to` names them: a renamed base type or collation
            // is no change.
            let a = petal_ir::Domain {
                base_type: type_renamed(pairs, matching, &a.base_type),
                collation: collation_renamed(pairs, &a.collation),
                ..a.clone()
            };
            let key = ObjectKey::Domain { name: t.clone() };
            decided.push((key, types::decide_domain(&a, b)));
        }
        for (t, c) in &pairs.composites {
            let (Some(a), Some(b)) = (cur.composite_types.get(c), to.composite_types.get(t)) else {
                continue;
            };
            let key = ObjectKey::CompositeType { name: t.clone() };
            let mut decision = types::decide_composite(a, b);
            // An attribute retyped in place would fail under a column of
            // the type that stays: the type is recreated around it.
            let kept_column = |k: &ObjectKey| match k {
                ObjectKey::Column { table, column } => matching
                    .table_to(table)
                    .and_then(|to_table| matching.columns.get(to_table))
                    .is_some_and(|kept| kept.iter().any(|(_, c)| c == column)),
                _ => false,
            };
            let cur_key = ObjectKey::CompositeType { name: c.clone() };
            let retyped = types::retypes_attribute(
                a,
                b,
                |ty| type_renamed(pairs, matching, ty),
                |c| collation_renamed(pairs, c),
            );
            if decision == Decision::Keep
                && retyped
                && typed_columns(cur, &cur_key).iter().any(kept_column)
            {
                decision = Decision::Recreate;
            }
            decided.push((key, decision));
        }
        for (t, c) in &pairs.ranges {
            let (Some(a), Some(b)) = (cur.range_types.get(c), to.range_types.get(t)) else {
                continue;
            };
            let a = petal_ir::RangeType {
                subtype: type_renamed(pairs, matching, &a.subtype),
                collation: collation_renamed(pairs, &a.collation),
                ..a.clone()
            };
            let key = ObjectKey::RangeType { name: t.clone() };
            decided.push((key, types::decide_range(&a, b)));
        }
        // PostgreSQL alters nothing of a collation but its name.
        for (t, c) in &pairs.collations {
            let (Some(a), Some(b)) = (cur.collations.get(c), to.collations.get(t)) else {
                continue;
            };
            if !a.same_definition(b) {
                decided.push((ObjectKey::Collation { name: t.clone() }, Decision::Recreate));
            }
        }
        for (key, decision) in decided {
            match decision {
                Decision::Keep => {}
                Decision::Replace => {
                    plan.replace.insert(key);
                }
                Decision::Recreate => {
                    plan.recreate.insert(key);
                }
            }
        }
        // The types built on a recreated type or collation are recreated
        // with it (`type_aside.rs`).
        let recreated: BTreeSet<ObjectKey> = plan
            .recreate
            .iter()
            .filter_map(|k| cur_key(&plan.pairs, k))
            .collect();
        let over: Vec<ObjectKey> = providers_over(cur, &recreated)
            .iter()
            .filter_map(|k| to_key(&plan.pairs, k))
            .collect();
        for key in over {
            plan.replace.remove(&key);
            plan.recreate.insert(key);
        }
    }
}

fn materialized(db: &Database) -> BTreeSet<QualifiedName> {
    db.views
        .values()
        .filter(|v| v.materialized)
        .map(|v| v.name.clone())
        .collect()
}

/// A view's key on the side whose materialized views are `materialized`.
fn view_key(name: &QualifiedName, materialized: &BTreeSet<QualifiedName>) -> ObjectKey {
    let name = name.clone();
    if materialized.contains(&name) {
        ObjectKey::MaterializedView { name }
    } else {
        ObjectKey::View { name }
    }
}

/// The `cur` key of a kept object's `to` key, by the pairs.
pub(super) fn cur_key(pairs: &Pairs, key: &ObjectKey) -> Option<ObjectKey> {
    Some(match key {
        ObjectKey::View { name } | ObjectKey::MaterializedView { name } => {
            view_key(pairs.views.get(name)?, &pairs.materialized_cur)
        }
        ObjectKey::Function { name, signature } => {
            let key = FunctionKey {
                name: name.clone(),
                signature: signature.clone(),
            };
            ObjectKey::function(pairs.functions.get(&key)?)
        }
        ObjectKey::Trigger { table, name } => {
            let key = TriggerKey {
                table: table.clone(),
                name: name.clone(),
            };
            ObjectKey::trigger(pairs.triggers.get(&key)?)
        }
        ObjectKey::Policy { table, name } => {
            let key = PolicyKey {
                table: table.clone(),
                name: name.clone(),
            };
            ObjectKey::policy(pairs.policies.get(&key)?)
        }
        ObjectKey::Sequence { name } => ObjectKey::Sequence {
            name: pairs.sequences.get(name)?.clone(),
        },
        ObjectKey::Domain { name } => ObjectKey::Domain {
            name: pairs.domains.get(name)?.clone(),
        },
        ObjectKey::CompositeType { name } => ObjectKey::CompositeType {
            name: pairs.composites.get(name)?.clone(),
        },
        ObjectKey::RangeType { name } => ObjectKey::RangeType {
            name: pairs.ranges.get(name)?.clone(),
        },
        ObjectKey::Collation { name } => ObjectKey::Collation {
            name: pairs.collations.get(name)?.clone(),
        },
        _ => return None,
    })
}

/// The `to` key a kept object's `cur` key pairs with.
pub(super) fn to_key(pairs: &Pairs, key: &ObjectKey) -> Option<ObjectKey> {
    let find = |map: &BTreeMap<QualifiedName, QualifiedName>, name: &QualifiedName| {
        map.iter().find(|(_, c)| *c == name).map(|(t, _)| t.clone())
    };
    Some(match key {
        ObjectKey::View { name } | ObjectKey::MaterializedView { name } => {
            view_key(&find(&pairs.views, name)?, &pairs.materialized_to)
        }
        ObjectKey::Function { name, signature } => {
            let key = FunctionKey {
                name: name.clone(),
                signature: signature.clone(),
            };
            let (t, _) = pairs.functions.iter().find(|(_, c)| **c == key)?;
            ObjectKey::function(t)
        }
        ObjectKey::Trigger { table, name } => {
            let key = TriggerKey {
                table: table.clone(),
                name: name.clone(),
            };
            let (t, _) = pairs.triggers.iter().find(|(_, c)| **c == key)?;
            ObjectKey::trigger(t)
        }
        ObjectKey::Policy { table, name } => {
            let key = PolicyKey {
                table: table.clone(),
                name: name.clone(),
            };
            let (t, _) = pairs.policies.iter().find(|(_, c)| **c == key)?;
            ObjectKey::policy(t)
        }
        ObjectKey::Sequence { name } => ObjectKey::Sequence {
            name: find(&pairs.sequences, name)?,
        },
        ObjectKey::Domain { name } => ObjectKey::Domain {
            name: find(&pairs.domains, name)?,
        },
        ObjectKey::CompositeType { name } => ObjectKey::CompositeType {
            name: find(&pairs.composites, name)?,
        },
        ObjectKey::RangeType { name } => ObjectKey::RangeType {
            name: find(&pairs.ranges, name)?,
        },
        ObjectKey::Collation { name } => ObjectKey::Collation {
            name: find(&pairs.collations, name)?,
        },
        _ => return None,
    })
}

/// Whether an object of `db` is a dependent (dropped before the tables
/// change, created after): a view, trigger or policy, or a function that
/// reads a relation.
pub(super) fn is_dependent(key: &ObjectKey, late: &BTreeSet<ObjectKey>) -> bool {
    match key {
        ObjectKey::View { .. }
        | ObjectKey::MaterializedView { .. }
        | ObjectKey::Trigger { .. }
        | ObjectKey::Policy { .. } => true,
        ObjectKey::Function { .. } => late.contains(key),
        _ => false,
    }
}

/// The functions of `db` created after the tables change (and dropped
/// before): those that read a relation, as their recorded dependencies
/// say, and those whose SQL body is a string PostgreSQL checks on creation
/// against tables that may not exist yet — unless what the tables
/// themselves need (a default, a check, an index, a domain, a function
/// they call) uses them. One pass over the edges for all of them.
pub(super) fn late_functions(db: &Database) -> BTreeSet<ObjectKey> {
    let mut uses: BTreeMap<&ObjectKey, Vec<&ObjectKey>> = BTreeMap::new();
    let mut needed_first: BTreeSet<&ObjectKey> = BTreeSet::new();
    for d in &db.dependencies {
        if matches!(d.dependent, ObjectKey::Function { .. }) {
            uses.entry(&d.dependent).or_default().push(&d.referenced);
        }
        let by_a_dependent = matches!(
            d.dependent,
            ObjectKey::View { .. }
                | ObjectKey::MaterializedView { .. }
                | ObjectKey::Trigger { .. }
                | ObjectKey::Policy { .. }
        );
        if !by_a_dependent {
            needed_first.insert(&d.referenced);
        }
    }
    db.functions
        .iter()
        .map(|(k, f)| (ObjectKey::function(k), f))
        .filter(|(key, f)| {
            reads_relation(key, &uses)
                || (f.has_checked_string_body() && !needed_first.contains(key))
        })
        .map(|(key, _)| key)
        .collect()
}

/// What the tables of `db` use themselves: the functions (and other
/// objects) a column's default, a check or an index calls.
pub(super) fn used_by_tables(db: &Database) -> BTreeSet<ObjectKey> {
    db.dependencies
        .iter()
        .filter(|d| {
            matches!(
                d.dependent,
                ObjectKey::Column { .. } | ObjectKey::Constraint { .. } | ObjectKey::Index { .. }
            )
        })
        .map(|d| d.referenced.clone())
        .collect()
}

/// Whether a function depends (directly or through other functions) on a
/// table, view or column; `uses`: each function's referenced ends.
fn reads_relation(key: &ObjectKey, uses: &BTreeMap<&ObjectKey, Vec<&ObjectKey>>) -> bool {
    let mut seen: BTreeSet<&ObjectKey> = BTreeSet::new();
    let mut frontier = vec![key];
    while let Some(k) = frontier.pop() {
        if !seen.insert(k) {
            continue;
        }
        for referenced in uses.get(k).into_iter().flatten() {
            match referenced {
                ObjectKey::Table { .. }
                | ObjectKey::View { .. }
                | ObjectKey::MaterializedView { .. }
                | ObjectKey::Column { .. } => return true,
                f @ ObjectKey::Function { .. } => frontier.push(f),
                _ => {}
            }
        }
    }
    false
}

/// For each of `found` (dependents of `gone` in `index`'s database), one of `gone` it
/// depends on, directly or through others: the first in key order.
pub(super) fn causes(
    found: &BTreeSet<ObjectKey>,
    gone: &BTreeSet<ObjectKey>,
    index: &DependentsIndex,
) -> BTreeMap<ObjectKey, ObjectKey> {
    let mut out = BTreeMap::new();
    if found.is_empty() {
        return out;
    }
    for cause in gone {
        if out.len() == found.len() {
            break;
        }
        for key in index.of(&BTreeSet::from([cause.clone()])) {
            if found.contains(&key) {
                out.entry(key).or_insert_with(|| cause.clone());
            }
        }
    }
    out
}

/// Objects of `keys` in creation or drop order by `db`'s edges.
pub(super) fn ordered(keys: BTreeSet<ObjectKey>, db: &Database, dropping: bool) -> Vec<ObjectKey> {
    let keys: Vec<ObjectKey> = keys.into_iter().collect();
    if dropping {
        drop_order(&keys, db)
    } else {
        creation_order(&keys, db)
    }
}
