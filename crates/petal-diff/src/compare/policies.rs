//! Row-level security: a kept policy altered in place or recreated, a
//! policy's `guarded` flag (whether creating or dropping it changes who
//! reaches which rows of a kept table), and a kept table's switches —
//! turned off before its policies are dropped, on after they are created,
//! so that no step of a migration leaves a table secured by fewer policies
//! than either side has.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Database, ObjectKey, Policy, PolicyKey, QualifiedName};

use super::objects::{Decision, ObjectPlan};
use super::{Engine, Matching};
use crate::change::{Alter, Change, Delta, Object, PolicyRules, RowSecurity};
use crate::column_refs::rename_column_in;

/// Kept policy `cur` becoming `to` (perhaps on a renamed table, under
/// another name: renamed on its own). `columns`: the table's kept columns,
/// `to` name → `cur` name (PostgreSQL prints a renamed column's new name in
/// the policy by itself). Nothing; `ALTER POLICY` (a "replace") when only
/// its roles or expressions change, each expression there on both sides
/// (`ALTER POLICY` cannot take one away, so neither the up nor the down may
/// need to); a drop and a create otherwise: an expression added or taken
/// away, the other kind, another command.
pub(super) fn decide(cur: &Policy, to: &Policy, columns: &BTreeMap<String, String>) -> Decision {
    if cur.permissive != to.permissive || cur.command != to.command {
        return Decision::Recreate;
    }
    let renamed = |text: &Option<String>| {
        text.as_ref().map(|text| {
            columns
                .iter()
                .filter(|(new, old)| new != old)
                .fold(text.clone(), |text, (new, old)| {
                    rename_column_in(&text, old, new)
                })
        })
    };
    let from = PolicyRules {
        roles: cur.roles.clone(),
        using: renamed(&cur.using),
        with_check: renamed(&cur.with_check),
    };
    let wanted = PolicyRules::of(to);
    if from == wanted {
        Decision::Keep
    } else if PolicyRules::alterable(&from, &wanted) {
        Decision::Replace
    } else {
        Decision::Recreate
    }
}

/// Whether kept policy `cur` becoming `to` changes whom it reaches: its
/// kind, its command or its roles. (New expressions may too, which no
/// text comparison can tell: an in-place `ALTER POLICY` says so.)
pub(super) fn reaches_others(cur: &Policy, to: &Policy) -> bool {
    cur.permissive != to.permissive || cur.command != to.command || cur.roles != to.roles
}

/// Each wanted policy paired with the policy it was, on a kept table (a
/// renamed table's policies follow it): under its name, or under its hint
/// when the old name is gone and the new one new. A policy on a new table
/// is new, whatever the old tables were called; an old policy pairs once.
pub(super) fn pair(
    cur: &Database,
    to: &Database,
    matching: &Matching,
) -> BTreeMap<PolicyKey, PolicyKey> {
    let mut pairs = BTreeMap::new();
    let mut claimed = BTreeSet::new();
    for (key, policy) in &to.policies {
        let Some(table) = matching.tables.get(&key.table) else {
            continue;
        };
        let old = |name: &str| PolicyKey {
            table: table.clone(),
            name: name.to_string(),
        };
        let hinted = policy.renamed_from.as_ref().filter(|hint| {
            let wanted_too = to.policies.contains_key(&PolicyKey {
                table: key.table.clone(),
                name: (*hint).clone(),
            });
            !wanted_too && !cur.policies.contains_key(&old(&key.name))
        });
        let found = [Some(&key.name), hinted]
            .into_iter()
            .flatten()
            .map(|name| old(name))
            .find(|k| cur.policies.contains_key(k) && !claimed.contains(k));
        if let Some(found) = found {
            claimed.insert(found.clone());
            pairs.insert(key.clone(), found);
        }
    }
    pairs
}

/// The kept tables with row-level security on both before and after, by
/// their `to` names and their `cur` names apart: creating or dropping a
/// policy on one changes who reaches its rows (on a new table, or one
/// whose security is switched, the table's own change says it).
pub(super) fn guarded_tables(
    cur: &Database,
    to: &Database,
    matching: &Matching,
) -> (BTreeSet<QualifiedName>, BTreeSet<QualifiedName>) {
    let on = |db: &Database, name: &QualifiedName| {
        db.tables
            .get(name)
            .is_some_and(|t| t.options.row_level_security)
    };
    let mut by_to = BTreeSet::new();
    let mut by_cur = BTreeSet::new();
    for (t, c) in &matching.tables {
        if on(cur, c) && on(to, t) {
            by_to.insert(t.clone());
            by_cur.insert(c.clone());
        }
    }
    (by_to, by_cur)
}

/// `object` (a `cur` policy when `dropped`, else a `to` one) with its
/// `guarded` and `reworded` flags set. A policy dropped only to be created
/// again reaching the same roles changes no one's access by whom it
/// reaches; one that reaches others says so on both sides. One created
/// again with other expressions (`reworded`) says that those change which
/// rows it lets through.
pub(super) fn guard(object: Object, plan: &ObjectPlan, key: &ObjectKey, dropped: bool) -> Object {
    let Object::Policy { policy, .. } = object else {
        return object;
    };
    let reworded =
        !dropped && plan.reworded_policies.contains(key) && plan.guarded_to.contains(&policy.table);
    // Kept: its `to` key, found by its `cur` one when it is dropped.
    let kept = if dropped {
        super::objects::to_key(&plan.pairs, key)
    } else {
        super::objects::cur_key(&plan.pairs, key).map(|_| key.clone())
    };
    let unchanged = kept.is_some_and(|k| !plan.changed_policies.contains(&k));
    let tables = if dropped {
        &plan.guarded_cur
    } else {
        &plan.guarded_to
    };
    Object::Policy {
        guarded: !unchanged && tables.contains(&policy.table),
        reworded,
        policy,
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

impl Engine<'_> {
    /// A kept table's row-level security, switched: when `on` is false,
    /// what goes off (before the policies are dropped, phase 2a, the tables
    /// under their `cur` names); when true, what comes on (after the
    /// policies are created, phase 11b), from the working copy's state.
    /// `open` on each side: whether the table has a permissive policy at
    /// that point (the old ones early, the new ones late).
    pub(super) fn row_security(&mut self, matching: &Matching, plan: &ObjectPlan, on: bool) {
        let mut pending = Vec::new();
        let open_after = open_tables(self.to);
        for (name, cur_name) in &matching.tables {
            // Late, the working copy has the table under its new name.
            let now_named = if on { name } else { cur_name };
            let (Some(cur), Some(to)) = (self.cur.tables.get(now_named), self.to.tables.get(name))
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
                open: open_after.contains(name),
            };
            // Early, only what goes off (a mixed switch, on and off, is
            // two alters); late, the rest, from where the early one left.
            let target = if on {
                into
            } else {
                RowSecurity {
                    enabled: from.enabled && into.enabled,
                    forced: from.forced && into.forced,
                    open: from.open,
                }
            };
            let from = if on {
                RowSecurity {
                    open: into.open,
                    ..from
                }
            } else {
                from
            };
            if (from.enabled, from.forced) != (target.enabled, target.forced) {
                pending.push(Alter::RowSecurity {
                    table: now_named.clone(),
                    security: Delta::new(from, target),
                });
            }
        }
        for alter in pending {
            self.emit(Change::Alter(alter));
        }
    }

    /// `ALTER POLICY` for a kept policy (`key`, its `to` key) whose roles
    /// or expressions change; nothing when the working copy has it as
    /// wanted already (an enum label renamed under it, say). False when
    /// `key` is no policy.
    pub(super) fn alter_policy(&mut self, key: &ObjectKey, plan: &ObjectPlan) -> bool {
        let ObjectKey::Policy { table, name } = key else {
            return false;
        };
        let policy_key = PolicyKey {
            table: table.clone(),
            name: name.clone(),
        };
        let (Some(from), Some(to)) = (
            self.cur.policies.get(&policy_key),
            self.to.policies.get(&policy_key),
        ) else {
            return true;
        };
        let rules = Delta::new(PolicyRules::of(from), PolicyRules::of(to));
        if rules.from != rules.to {
            self.emit(Change::Alter(Alter::Policy {
                table: to.table.clone(),
                name: to.name.clone(),
                permissive: to.permissive,
                rules,
                guarded: plan.guarded_to.contains(&to.table),
            }));
        }
        true
    }
}
