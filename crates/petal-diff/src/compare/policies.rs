//! Row-level security: a kept policy altered in place or recreated, a
//! policy's `guarded` flag (whether creating or dropping it changes who
//! reaches which rows of a kept table), and a kept table's switches.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Database, Policy, PolicyKey, QualifiedName};

use super::objects::{Decision, ObjectPlan};
use super::{Engine, Matching};
use crate::change::{Alter, Change, Delta, Object, PolicyRules, RowSecurity};

/// Kept policy `cur` becoming `to` (perhaps on a renamed table, under
/// another name: renamed on its own): nothing; `ALTER POLICY` (a
/// "replace") when only its roles or expressions change, each expression
/// there on both sides (`ALTER POLICY` cannot take one away, so neither
/// the up nor the down may need to); a drop and a create otherwise: an
/// expression added or taken away, the other kind, another command.
pub(super) fn decide(cur: &Policy, to: &Policy) -> Decision {
    if cur.permissive != to.permissive || cur.command != to.command {
        return Decision::Recreate;
    }
    let (from, wanted) = (PolicyRules::of(cur), PolicyRules::of(to));
    if from == wanted {
        Decision::Keep
    } else if PolicyRules::alterable(&from, &wanted) {
        Decision::Replace
    } else {
        Decision::Recreate
    }
}

/// Each wanted policy paired with the policy it was: on its table as the
/// database names it (a renamed table's policies follow it), under its
/// name, or under its hint when the old name is gone and the new one new.
pub(super) fn pair(
    cur: &Database,
    to: &Database,
    matching: &Matching,
) -> BTreeMap<PolicyKey, PolicyKey> {
    let mut pairs = BTreeMap::new();
    for (key, policy) in &to.policies {
        let table = matching.tables.get(&key.table).unwrap_or(&key.table);
        let old = |name: &str| PolicyKey {
            table: table.clone(),
            name: name.to_string(),
        };
        if cur.policies.contains_key(&old(&key.name)) {
            pairs.insert(key.clone(), old(&key.name));
        } else if let Some(hint) = &policy.renamed_from {
            let wanted_too = to.policies.contains_key(&PolicyKey {
                table: key.table.clone(),
                name: hint.clone(),
            });
            if cur.policies.contains_key(&old(hint)) && !wanted_too {
                pairs.insert(key.clone(), old(hint));
            }
        }
    }
    pairs
}

/// The kept tables with row-level security on both before and after, by
/// both their names: creating or dropping a policy on one changes who
/// reaches its rows (on a new table, or one whose security is switched,
/// the table's own change says it).
pub(super) fn guarded_tables(
    cur: &Database,
    to: &Database,
    matching: &Matching,
) -> BTreeSet<QualifiedName> {
    let on = |db: &Database, name: &QualifiedName| {
        db.tables
            .get(name)
            .is_some_and(|t| t.options.row_level_security)
    };
    let mut guarded = BTreeSet::new();
    for (t, c) in &matching.tables {
        if on(cur, c) && on(to, t) {
            guarded.insert(t.clone());
            guarded.insert(c.clone());
        }
    }
    guarded
}

/// `object` with its `guarded` flag set, when it is a policy. `back`: it
/// is dropped to be created again (its new version says what changes),
/// or created again only because something it reads changed: no one
/// gains or loses by it.
pub(super) fn guard(object: Object, plan: &ObjectPlan, back: bool) -> Object {
    match object {
        Object::Policy { policy, .. } => Object::Policy {
            guarded: !back && plan.guarded_tables.contains(&policy.table),
            policy,
        },
        other => other,
    }
}

/// Whether `db` has a permissive policy on `table`.
fn open(db: &Database, table: &QualifiedName) -> bool {
    db.policies
        .values()
        .any(|p| &p.table == table && p.permissive)
}

impl Engine<'_> {
    /// Phase 11c: a kept table's row-level security switched, before the
    /// policies are created (in one transaction, no one sees between).
    /// `open_before`: the tables (by their names before) that had a
    /// permissive policy before the migration.
    pub(super) fn row_security(&mut self, matching: &Matching, plan: &ObjectPlan) {
        let mut pending = Vec::new();
        for (name, cur_name) in &matching.tables {
            let (Some(cur), Some(to)) = (self.cur.tables.get(name), self.to.tables.get(name))
            else {
                continue;
            };
            let (now, wanted) = (&cur.options, &to.options);
            let from = RowSecurity {
                enabled: now.row_level_security,
                forced: now.force_row_level_security,
                open: plan.open_before.contains(cur_name),
            };
            let into = RowSecurity {
                enabled: wanted.row_level_security,
                forced: wanted.force_row_level_security,
                open: open(self.to, name),
            };
            if (from.enabled, from.forced) != (into.enabled, into.forced) {
                pending.push(Alter::RowSecurity {
                    table: name.clone(),
                    security: Delta::new(from, into),
                });
            }
        }
        for alter in pending {
            self.emit(Change::Alter(alter));
        }
    }
}

/// The tables of `db` with a permissive policy.
pub(super) fn open_tables(db: &Database) -> BTreeSet<QualifiedName> {
    db.policies
        .values()
        .filter(|p| p.permissive)
        .map(|p| p.table.clone())
        .collect()
}

/// `ALTER POLICY` for kept policy `from` becoming `to`.
pub(super) fn alter(from: &Policy, to: &Policy, plan: &ObjectPlan) -> Change {
    Change::Alter(Alter::Policy {
        table: to.table.clone(),
        name: to.name.clone(),
        rules: Delta::new(PolicyRules::of(from), PolicyRules::of(to)),
        guarded: plan.guarded_tables.contains(&to.table),
    })
}
