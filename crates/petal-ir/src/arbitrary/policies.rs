//! Row-level security: tables switched on (and forced), and policies on
//! them, permissive or restrictive, for a command, to some of the roles
//! every test cluster has ([`ROLES`]), with `USING`/`WITH CHECK`
//! expressions written as `pg_get_expr` prints them: a constant, or a
//! column of the table `IS NOT NULL` (so that a renamed, retyped or dropped
//! column reaches the policy).
//!
//! Drawn from the side streams only (`build_database`, `mutate`), so that
//! the cases the main stream draws stay the cases they were.

use super::Rng;
use super::build::ident;
use super::objects::{maybe_comment, set};
use super::spell::take_ident;
use crate::{Database, Policy, PolicyCommand, PolicyKey, QualifiedName};

/// The roles generated policies name: `public`, and two roles the test
/// harnesses create on their cluster.
pub const ROLES: &[&str] = &["public", "petal_reader", "petal_writer"];

const POLICY_NAMES: &[&str] = &["own_rows", "Readers", "только_свои", "audit"];

const COMMANDS: &[PolicyCommand] = &[
    PolicyCommand::All,
    PolicyCommand::Select,
    PolicyCommand::Insert,
    PolicyCommand::Update,
    PolicyCommand::Delete,
];

/// `(column IS NOT NULL)`, as the server prints it.
fn not_null(column: &str) -> String {
    format!("({} IS NOT NULL)", ident(column))
}

/// The column an expression [`not_null`] wrote names; none for a
/// constant.
fn column_of(expression: &str) -> Option<String> {
    let inner = expression
        .strip_prefix('(')?
        .strip_suffix(" IS NOT NULL)")?;
    let (column, rest) = take_ident(inner)?;
    rest.is_empty().then_some(column)
}

/// An expression over `table`: a column of it, or a constant.
fn expression(rng: &mut Rng, db: &Database, table: &QualifiedName) -> String {
    let columns: Vec<String> = db.tables.get(table).map_or(Vec::new(), |t| {
        t.columns.iter().map(|c| c.name.clone()).collect()
    });
    match rng.pick(&columns) {
        Some(column) if rng.chance(60) => not_null(column),
        _ => if rng.chance(50) { "true" } else { "false" }.to_string(),
    }
}

/// Roles in their sorted order, at least one; `public` alone, since
/// PostgreSQL keeps nothing else beside it.
fn roles(rng: &mut Rng) -> Vec<String> {
    let mut out: Vec<String> = ROLES
        .iter()
        .filter(|_| rng.chance(40))
        .map(|r| r.to_string())
        .collect();
    if out.is_empty() {
        out.push(rng.pick(ROLES).unwrap_or(&"public").to_string());
    }
    if out.iter().any(|r| r == "public") {
        out = vec!["public".to_string()];
    }
    out.sort();
    out
}

/// The expressions a command takes: `USING` but for `INSERT`, `WITH
/// CHECK` but for `SELECT` and `DELETE` (sometimes, where optional).
fn expressions(rng: &mut Rng, db: &Database, policy: &mut Policy) {
    let (using, check) = match policy.command {
        PolicyCommand::Insert => (false, true),
        PolicyCommand::Select | PolicyCommand::Delete => (true, false),
        PolicyCommand::All | PolicyCommand::Update => (true, rng.chance(50)),
    };
    policy.using = using.then(|| expression(rng, db, &policy.table));
    policy.with_check = check.then(|| expression(rng, db, &policy.table));
}

/// The tables a policy may be on: not a partition (which holds nothing
/// of its own in these schemas).
fn tables(db: &Database) -> Vec<QualifiedName> {
    db.tables
        .values()
        .filter(|t| t.partition_of.is_none())
        .map(|t| t.name.clone())
        .collect()
}

fn create_policy(rng: &mut Rng, db: &mut Database) -> bool {
    let (Some(table), Some(name)) = (rng.pick(&tables(db)).cloned(), rng.pick(POLICY_NAMES)) else {
        return false;
    };
    let key = PolicyKey {
        table: table.clone(),
        name: name.to_string(),
    };
    if db.policies.contains_key(&key) {
        return false;
    }
    let mut policy = Policy {
        table,
        name: name.to_string(),
        permissive: rng.chance(70),
        command: rng.pick(COMMANDS).copied().unwrap_or_default(),
        roles: roles(rng),
        using: None,
        with_check: None,
        comment: maybe_comment(rng, 15),
        renamed_from: None,
    };
    expressions(rng, db, &mut policy);
    db.policies.insert(key, policy);
    true
}

fn pick_policy(rng: &mut Rng, db: &Database) -> Option<PolicyKey> {
    let keys: Vec<&PolicyKey> = db.policies.keys().collect();
    rng.pick(&keys).map(|k| (*k).clone())
}

/// Row-level security switched on or off, or forced, on a table.
fn switch_row_security(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(table) = rng.pick(&tables(db)).cloned() else {
        return false;
    };
    let Some(t) = db.tables.get_mut(&table) else {
        return false;
    };
    if rng.chance(70) {
        t.options.row_level_security = !t.options.row_level_security;
    } else {
        t.options.force_row_level_security = !t.options.force_row_level_security;
    }
    true
}

/// Other roles or expressions (altered in place), or the other kind or
/// command (recreated).
fn change_policy(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(key) = pick_policy(rng, db) else {
        return false;
    };
    let Some(mut policy) = db.policies.get(&key).cloned() else {
        return false;
    };
    match rng.below(4) {
        0 => policy.roles = roles(rng),
        1 => policy.permissive = !policy.permissive,
        2 => {
            policy.command = rng.pick(COMMANDS).copied().unwrap_or_default();
            expressions(rng, db, &mut policy);
        }
        _ => expressions(rng, db, &mut policy),
    }
    db.policies
        .get_mut(&key)
        .is_some_and(|slot| set(slot, policy))
}

/// Another name on the same table, with a hint (kept from an earlier
/// rename in the same pair).
fn rename_policy(rng: &mut Rng, db: &mut Database) -> bool {
    let (Some(key), Some(name)) = (pick_policy(rng, db), rng.pick(POLICY_NAMES)) else {
        return false;
    };
    let new = PolicyKey {
        table: key.table.clone(),
        name: name.to_string(),
    };
    if db.policies.contains_key(&new) {
        return false;
    }
    let Some(mut policy) = db.policies.remove(&key) else {
        return false;
    };
    policy.renamed_from = policy.renamed_from.take().or(Some(key.name));
    policy.name = new.name.clone();
    db.policies.insert(new, policy);
    true
}

fn comment_policy(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(key) = pick_policy(rng, db) else {
        return false;
    };
    let comment = maybe_comment(rng, 70);
    db.policies
        .get_mut(&key)
        .is_some_and(|p| set(&mut p.comment, comment))
}

fn drop_policy(rng: &mut Rng, db: &mut Database) -> bool {
    pick_policy(rng, db).is_some_and(|k| db.policies.remove(&k).is_some())
}

/// Some tables secured, with some policies: a new database's.
pub(super) fn build_policies(rng: &mut Rng, db: &mut Database) {
    for _ in 0..1 + rng.below(2) {
        switch_row_security(rng, db);
    }
    for _ in 0..1 + rng.below(3) {
        create_policy(rng, db);
    }
    keep_valid(db);
}

/// A few edits of row-level security and policies.
pub(super) fn edit_policies(rng: &mut Rng, db: &mut Database) {
    type Edit = fn(&mut Rng, &mut Database) -> bool;
    const EDITS: &[Edit] = &[
        create_policy,
        drop_policy,
        change_policy,
        change_policy,
        rename_policy,
        comment_policy,
        switch_row_security,
    ];
    for _ in 0..1 + rng.below(3) {
        if let Some(edit) = rng.pick(EDITS) {
            edit(rng, db);
        }
    }
    keep_valid(db);
}

/// Policies follow their table and column through a rename (`moved`:
/// the new name of a relation, and of a column of one, from the edit
/// that was just made).
pub(super) fn follow(
    db: &mut Database,
    relation: impl Fn(&QualifiedName) -> QualifiedName,
    column: impl Fn(&QualifiedName, &str) -> String,
) {
    let keys: Vec<PolicyKey> = db.policies.keys().cloned().collect();
    for key in keys {
        let Some(mut policy) = db.policies.remove(&key) else {
            continue;
        };
        policy.table = relation(&policy.table);
        for expression in [&mut policy.using, &mut policy.with_check]
            .into_iter()
            .flatten()
        {
            if let Some(c) = column_of(expression) {
                *expression = not_null(&column(&policy.table, &c));
            }
        }
        db.policies.insert(policy.key(), policy);
    }
    keep_valid(db);
}

/// What PostgreSQL would hold: a policy on a table that exists and is no
/// partition, over columns it has.
pub(super) fn keep_valid(db: &mut Database) {
    let tables = &db.tables;
    db.policies.retain(|key, policy| {
        let Some(table) = tables.get(&key.table).filter(|t| t.partition_of.is_none()) else {
            return false;
        };
        [&policy.using, &policy.with_check]
            .into_iter()
            .flatten()
            .filter_map(|e| column_of(e))
            .all(|c| table.column(&c).is_some())
    });
}

/// The columns a policy's expressions name.
pub(super) fn columns(policy: &Policy) -> Vec<String> {
    [&policy.using, &policy.with_check]
        .into_iter()
        .flatten()
        .filter_map(|e| column_of(e))
        .collect()
}
