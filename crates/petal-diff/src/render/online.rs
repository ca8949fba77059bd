//! The online recipes: the same changes, written so that writers go on
//! while a table is read whole.
//!
//! - An index on a kept table is built `CONCURRENTLY` (and dropped so), in
//!   a step of its own that runs outside a transaction. The step first
//!   drops an index of that name if one is there: a concurrent build that
//!   failed (a lock timeout, a duplicate) leaves an invalid index behind,
//!   and the step's next attempt removes it before building again.
//! - A unique constraint is attached (`USING INDEX`) to a unique index
//!   built that way.
//! - A check or a foreign key is added `NOT VALID` (new rows are checked
//!   from then on) and validated in a later step, under `SHARE UPDATE
//!   EXCLUSIVE`, which lets writers go on.
//! - `SET NOT NULL` is proved first by a check `(col IS NOT NULL)` added
//!   `NOT VALID` and validated: PostgreSQL then sets it without reading the
//!   table, and the check is dropped. From PostgreSQL 18 the NOT NULL
//!   constraint itself is added `NOT VALID` and validated.
//!
//! What has no online form (a primary key, a type change that rewrites the
//! table) is written as in the plain mode, in the first transactional step.
//! - A table that joins a parent is attached last, and where a check can
//!   say what its bound says, that check is added `NOT VALID` and
//!   validated first: the attach then reads none of its rows.
//!
//! Step order: the transactional step with everything else, concurrent
//! drops (after the foreign keys that may need an index are gone),
//! concurrent builds, unique constraints attached, the `NOT VALID`
//! additions (after the keys they may reference, and after any enum label
//! they use committed), one step per validation, the `SET NOT NULL`s, the
//! tables attached.

mod attach;
mod context;
pub(crate) mod detach;
mod indexes;
mod not_null;

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Index, ObjectKey, QualifiedName, quote_ident};

use super::{ReviewedStatement, ReviewedStep, ddl, extra, render_steps, single};
use crate::change::{Alter, Change, Delta, Object};
use crate::classify::Safety;
use crate::impact::{Impact, LockMode};
use crate::partition_tree::PartitionTree;
pub(crate) use context::Context;
use indexes::{attach_unique, build_concurrently, drop_concurrently, unique_index};
pub(crate) use not_null::{NotNullRecipe, not_null_recipe};
use not_null::{
    native_not_null_proof, not_null_check, not_null_name, not_null_proof, set_not_null,
};

/// The pieces of an online migration, in the order they run.
#[derive(Default)]
struct Plan {
    /// Every statement that still blocks writers says so (the whole file
    /// is online).
    flag_blocking: bool,
    concurrent_drops: Vec<ReviewedStep>,
    plain: Vec<Change>,
    not_valid: Vec<ReviewedStatement>,
    concurrent_builds: Vec<ReviewedStep>,
    attached: Vec<ReviewedStatement>,
    validations: Vec<ReviewedStep>,
    not_null: Vec<ReviewedStatement>,
    /// Tables that join a parent, attached once they hold what its
    /// partitions hold (`online/attach.rs`).
    attaching: Vec<ReviewedStatement>,
    /// Partitions detached `CONCURRENTLY` before anything else runs
    /// (`online/detach.rs`): their steps, and the change the partition
    /// tree follows.
    detaching: Vec<(Vec<ReviewedStep>, Change)>,
    /// The statements above that PostgreSQL passes on to a table's
    /// inheritance children (a check's, a NOT NULL's; not an index's or a
    /// foreign key's), by their SQL: their labels name the children too.
    to_heirs: BTreeSet<String>,
    /// The statements above that add a key (`Change::
    /// locks_inheritance_children`), by their SQL, with their table.
    lock_heirs: BTreeMap<String, QualifiedName>,
}

/// Which changes take the online recipes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// Every one that has one (`--online`, `online = true`), for the
    /// target's server version.
    All { server_version_num: i32 },
    /// Only the indexes the models mark `concurrently`.
    MarkedIndexes,
}

/// Whether some change is an index the models mark `concurrently`.
pub(super) fn marks_an_index(changes: &[Change]) -> bool {
    changes.iter().any(|c| {
        matches!(c, Change::Create(Object::Index { index, .. }) | Change::Drop(Object::Index { index, .. }) if index.concurrently)
    })
}

pub(super) fn render(changes: &[Change], scope: Scope, tree: &PartitionTree) -> Vec<ReviewedStep> {
    render_in(&Context::new(changes, tree), scope, changes)
}

/// The steps of `selected`, some of the context's changes, written as they
/// are within all of them.
pub(super) fn render_in(
    context: &Context<'_>,
    scope: Scope,
    selected: &[Change],
) -> Vec<ReviewedStep> {
    let changes = context.changes;
    let kept = |table: &QualifiedName| context.kept(table);
    let concurrent = |table: &QualifiedName| context.kept_unpartitioned(table);
    let all = matches!(scope, Scope::All { .. });
    // From 18, PostgreSQL locks an inheritance parent's children when a
    // unique or foreign key is added to it (`Change::locks_inheritance_children`);
    // the online recipes know the target's version.
    let keys_lock_heirs =
        matches!(scope, Scope::All { server_version_num } if server_version_num >= 180000);
    let mut plan = Plan {
        flag_blocking: all,
        ..Plan::default()
    };
    for change in selected {
        // A partition with partitions of its own, or of a parent that is a
        // partition, is detached as in the plain mode (`online/detach.rs`).
        if let Some(detach) = detach::concurrent_detach(changes, change, scope).filter(|d| {
            !context.tree.is_partitioned(d.table()) && !context.tree.is_partition(d.parent())
        }) {
            plan.detaching.push((detach.steps(), detach.detached()));
            plan.plain.extend(detach.rest());
            continue;
        }
        if context.on_a_name_renamed_away(change) {
            plan.plain.push(change.clone());
            continue;
        }
        if let Some(recipe) = not_null_recipe(changes, change, scope) {
            if !context.set_by_a_parents_recipe(change, scope) {
                plan.not_null_by(recipe, change);
            }
            continue;
        }
        match change {
            Change::Drop(Object::Index { table, index })
                if concurrent(table)
                    && (all || index.concurrently)
                    && !loses_a_key_column(changes, table, index) =>
            {
                plan.concurrent_drops
                    .push(outside(vec![drop_concurrently(change, table, index)]));
            }
            Change::Create(Object::Index { table, index })
                if concurrent(table) && (all || index.concurrently) =>
            {
                plan.concurrent_builds
                    .push(outside(build_concurrently(change, table, index)));
            }
            Change::Create(Object::Unique { table, unique }) if all && concurrent(table) => {
                plan.concurrent_builds
                    .push(outside(unique_index(table, unique)));
                let attach = attach_unique(change, table, unique);
                if keys_lock_heirs {
                    plan.lock_heirs.insert(attach.sql.clone(), table.clone());
                }
                plan.attached.push(attach);
                plan.attached.extend(after_the_constraint(change));
            }
            // One meant to stay NOT VALID is written so as it is.
            Change::Create(Object::Check { table, check })
                if all && kept(table) && !check.not_valid =>
            {
                let added = not_valid(change, table, &check.name);
                let validated = validation(table, &check.name, None);
                if change.reaches_inheritance_children() {
                    plan.to_heirs.insert(added.sql.clone());
                    plan.to_heirs
                        .extend(validated.statements.iter().map(|s| s.sql.clone()));
                }
                plan.not_valid.push(added);
                plan.not_valid.extend(after_the_constraint(change));
                plan.validations.push(validated);
            }
            Change::Create(Object::ForeignKey {
                table,
                foreign_key,
                new_table: false,
            }) if all && concurrent(table) && !foreign_key.not_valid => {
                let added = not_valid(change, table, &foreign_key.name);
                if keys_lock_heirs {
                    plan.lock_heirs.insert(added.sql.clone(), table.clone());
                }
                plan.not_valid.push(added);
                plan.not_valid.extend(after_the_constraint(change));
                plan.validations.push(validation(
                    table,
                    &foreign_key.name,
                    Some(&foreign_key.ref_table),
                ));
            }
            Change::Alter(Alter::PartitionOf {
                table,
                partition_of:
                    Delta {
                        from: None,
                        to: Some(of),
                    },
                stands_alone: Some(alone),
                ..
            }) => {
                let proof = alone
                    .parent_key
                    .as_deref()
                    .and_then(|key| attach::bound_check(key, &of.bound))
                    .filter(|_| all);
                plan.attach(change, table, of, proof);
            }
            Change::Alter(Alter::IndexCopies { table, .. }) if context.attached_last(table) => {
                plan.attaching.extend(super::render_change(change));
            }
            _ => plan.plain.push(change.clone()),
        }
    }
    plan.into_steps(context.tree)
}

impl Plan {
    /// A table joining a parent, attached last: after a check saying what
    /// its bound says (`proof`) is added `NOT VALID` and validated, where
    /// one can (`online/attach.rs`).
    fn attach(
        &mut self,
        change: &Change,
        table: &QualifiedName,
        of: &petal_ir::PartitionOf,
        proof: Option<String>,
    ) {
        match proof {
            Some(check) => {
                self.not_valid.push(attach::proof(table, &check));
                let name = attach::proof_name(table);
                self.validations.push(validation(table, &name, None));
                self.attaching.extend(attach::attach(change, table, of));
            }
            None => self.attaching.extend(super::render_change(change)),
        }
    }

    fn not_null_by(&mut self, recipe: NotNullRecipe<'_>, change: &Change) {
        // A column's NOT NULL, and the checks proving it, reach the
        // inheritance children (they inherit the column).
        let before = (
            self.not_valid.len(),
            self.validations.len(),
            self.not_null.len(),
        );
        self.not_null_recipe(recipe, change);
        let added = self.not_valid[before.0..]
            .iter()
            .chain(
                self.validations[before.1..]
                    .iter()
                    .flat_map(|s| &s.statements),
            )
            .chain(&self.not_null[before.2..])
            .map(|s| s.sql.clone())
            .collect::<Vec<_>>();
        self.to_heirs.extend(added);
    }

    fn not_null_recipe(&mut self, recipe: NotNullRecipe<'_>, change: &Change) {
        match recipe {
            NotNullRecipe::Native { table, column } => {
                let name = not_null_name(table, column);
                self.not_valid
                    .push(native_not_null_proof(change, table, column, &name));
                self.validations.push(validation(table, &name, None));
            }
            NotNullRecipe::Check { table, column } => {
                let check = not_null_check(column);
                self.not_valid.push(not_null_proof(table, column, &check));
                self.validations.push(validation(table, &check.name, None));
                self.not_null
                    .extend(set_not_null(change, table, column, &check));
            }
            NotNullRecipe::Validation { table, name } => {
                self.validations.push(validation(table, name, None));
            }
        }
    }

    fn into_steps(self, tree: &PartitionTree) -> Vec<ReviewedStep> {
        let mut tree = tree.clone();
        // First, as the plain mode detaches first: the changes after may
        // need the table standing alone.
        let mut steps = Vec::new();
        for (detach, change) in self.detaching {
            steps.extend(detach);
            tree.apply(&change);
        }
        let first_plain = steps.len();
        steps.extend(render_steps(&self.plain, &mut tree));
        let plain_steps = steps.len();
        if self.flag_blocking {
            for statement in steps[first_plain..]
                .iter_mut()
                .flat_map(|s| &mut s.statements)
            {
                flag_what_stays_blocking(statement);
            }
        }
        // After the transactional step: a foreign key dropped there may
        // need the index until it is gone.
        steps.extend(self.concurrent_drops);
        steps.extend(self.concurrent_builds);
        if !self.attached.is_empty() {
            steps.push(ReviewedStep::new(
                self.attached,
                Some("unique constraints take over the indexes built above".to_string()),
            ));
        }
        // A step of their own, after the unique constraints a foreign key
        // may reference, and after the commit of any enum label they use.
        if !self.not_valid.is_empty() {
            steps.push(ReviewedStep::new(
                self.not_valid,
                Some("constraints added NOT VALID: new rows are checked from here on".into()),
            ));
        }
        steps.extend(self.validations);
        if !self.not_null.is_empty() {
            steps.push(ReviewedStep::new(
                self.not_null,
                Some("NOT NULL set over the validated checks, without reading the tables".into()),
            ));
        }

        // After the transactional step, on kept tables: the tree as it
        // leaves.
        for statement in steps[plain_steps..]
            .iter_mut()
            .flat_map(|s| &mut s.statements)
        {
            statement.map_impacts(&|impact| tree.spread(impact));
            if self.to_heirs.contains(&statement.sql) {
                statement.map_impacts(&|impact| tree.spread_to_heirs(impact));
            }
            if let Some(table) = self.lock_heirs.get(&statement.sql) {
                statement.map_impacts(&|impact| tree.lock_heirs(table, impact));
            }
        }
        // An attach reaches no partition but the default one, which its
        // label names already.
        if !self.attaching.is_empty() {
            steps.push(ReviewedStep::new(
                self.attaching,
                Some(
                    "tables attached last, once they hold what their parents' partitions hold"
                        .into(),
                ),
            ));
        }
        steps
    }
}

/// Whether the migration drops, or changes the type of, a column the
/// index is on: the index then goes in the transactional step, before the
/// column, which takes `ACCESS EXCLUSIVE` anyway (a concurrent drop after
/// it would find nothing, and a type change would first rebuild the
/// index, whose expression may not take the new type).
fn loses_a_key_column(changes: &[Change], table: &QualifiedName, index: &Index) -> bool {
    let on = |column: &str| {
        index.keys.iter().any(|k| match &k.expr {
            petal_ir::IndexKeyExpr::Column(name) => name == column,
            // An expression may name it: the column's change reaches it.
            petal_ir::IndexKeyExpr::Expression(e) => e.contains(column),
        }) || index.include.iter().any(|c| c == column)
            || index.predicate.as_ref().is_some_and(|p| p.contains(column))
    };
    changes.iter().any(|c| match c {
        Change::Drop(Object::Column { table: t, column }) if t == table => on(&column.name),
        Change::Alter(Alter::ColumnType {
            table: t, column, ..
        }) if t == table => on(column),
        _ => false,
    })
}

/// A statement of the online file that still makes writers wait while it
/// reads or rewrites a table says so, and what would avoid it.
fn flag_what_stays_blocking(statement: &mut ReviewedStatement) {
    let impact = statement.total_impact();
    let blocking = |r: &QualifiedName| impact.locks.get(r).is_some_and(|m| m.blocks_writes());
    if impact.rewrites.iter().any(blocking) {
        statement.notes.push(
            "no online form: reads and writes wait while the table is rewritten; without \
             downtime this takes a new column, a backfill in batches and a swap, which petal \
             does not write yet"
                .to_string(),
        );
    } else if impact.scans.iter().any(blocking) {
        statement
            .notes
            .push("no online form: writers wait while it reads the table".to_string());
    }
}

fn outside(statements: Vec<ReviewedStatement>) -> ReviewedStep {
    ReviewedStep {
        statements,
        reason: Some("runs outside a transaction: CONCURRENTLY refuses one".to_string()),
        no_transaction: true,
    }
}

/// The change's statement with its own description, classification,
/// notes and impact in the online recipe.
fn online(
    mut statement: ReviewedStatement,
    safety: Safety,
    notes: Vec<String>,
    impact: Impact,
) -> ReviewedStatement {
    statement.safety = safety;
    statement.notes = notes;
    statement.impact = impact;
    statement
}

/// What the plain rendering of a constraint's creation writes after its
/// `ADD CONSTRAINT` (its comment), which the online recipe keeps.
fn after_the_constraint(change: &Change) -> Vec<ReviewedStatement> {
    super::render_change(change).into_iter().skip(1).collect()
}

/// The change's `ADD CONSTRAINT ...;` as `... NOT VALID;`.
fn not_valid(change: &Change, table: &QualifiedName, name: &str) -> ReviewedStatement {
    let mut statement = super::render_change(change)
        .into_iter()
        .next()
        .unwrap_or_else(|| single(change, String::new()));
    if let Some(sql) = statement.sql.strip_suffix(';') {
        statement.sql = format!("{sql} NOT VALID;");
    }
    let impact = match change {
        Change::Create(Object::ForeignKey { foreign_key, .. }) => Impact::default()
            .lock(table, LockMode::ShareRowExclusive)
            .lock(&foreign_key.ref_table, LockMode::ShareRowExclusive),
        _ => Impact::exclusive(table),
    };
    statement.description.push_str(" (NOT VALID)");
    online(
        statement,
        Safety::Safe,
        vec![format!(
            "new and updated rows are checked from now on; the rows present are checked by \
             the validation of {name} below"
        )],
        impact,
    )
}

/// `VALIDATE CONSTRAINT`, a step of its own: `SHARE UPDATE EXCLUSIVE` on
/// the table (and `ROW SHARE`, which blocks no one, on a referenced one).
fn validation(
    table: &QualifiedName,
    name: &str,
    referenced: Option<&QualifiedName>,
) -> ReviewedStep {
    let mut impact = Impact::default()
        .lock(table, LockMode::ShareUpdateExclusive)
        .scan(table);
    if let Some(referenced) = referenced {
        impact = impact.scan(referenced);
    }
    let mut statement = extra(
        &ObjectKey::constraint(table, name),
        ddl::alter_table(table, &format!("VALIDATE CONSTRAINT {}", quote_ident(name))),
        format!("validate constraint {name} on {table}"),
    );
    statement.notes =
        vec!["fails if a row present violates it; reads every row while writes go on".to_string()];
    statement.impact = impact;
    ReviewedStep::new(
        vec![statement],
        Some(format!("{name} is validated in a transaction of its own")),
    )
}
