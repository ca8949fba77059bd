//! A partition that comes to stand alone, or that goes, detached
//! `CONCURRENTLY` (from PostgreSQL 14): the parent stays open to reads and
//! writes. One that goes is dropped once it stands alone, in the
//! transactional step: its drop then locks it alone (and the tables its
//! copies of its parent's foreign keys reference), never the parent.
//!
//! PostgreSQL detaches so in two transactions. The first marks the
//! partition pending detach under `SHARE UPDATE EXCLUSIVE` on both tables
//! and commits; from then on new queries of the parent leave the
//! partition out. It then waits for every transaction that may still see
//! it there, and the second transaction detaches it under `ACCESS
//! EXCLUSIVE` on the partition alone (and `SHARE ROW EXCLUSIVE` on the
//! tables the parent's foreign keys reference, whose triggers gain the
//! partition's copies). Measured by the label suite, whose sessions make
//! each of its transactions wait (`labels/partitions.rs`): the parent is
//! never locked more than `SHARE UPDATE EXCLUSIVE`.
//!
//! A failure or a signal between the two transactions (a lock timeout
//! while it waits, a cancel) leaves the partition pending: a detach then
//! fails, and only `DETACH PARTITION ... FINALIZE` completes it. The step
//! therefore holds both, each under a `-- +petal if` query on
//! `pg_inherits.inhdetachpending`, so that whichever attempt runs it (a
//! retry after a lock timeout, `petal upgrade` after a crash) takes the
//! branch that finishes the detach, and none when it is done.
//!
//! PostgreSQL refuses it where the parent has a default partition. Where
//! foreign keys reference the parent, the detach checks that none of
//! their rows reference the partition's, under locks the labels do not
//! measure yet: both are detached as in the plain mode, in the
//! transactional step, and so is one whose plain order needs what comes
//! first (a default partition dropped or detached, a foreign key to the
//! parent dropped), one from a parent that is itself a partition (the
//! keys to the parents above reach it too), and one with partitions of
//! its own (what the detach locks below it is not measured).
//!
//! The detach gives the table a check saying what its bound said, named
//! by PostgreSQL; a block after it drops every check the table did not
//! hold before (one that goes takes it with it).

use petal_ir::{PartitionOf, QualifiedName, quote_literal};

use super::Scope;
use crate::StandAlone;
use crate::change::{Alter, Change, Delta, Object, Rename};
use crate::impact::{Impact, LockMode};
use crate::render::{ReviewedStep, many, stand_alone};

/// A partition the online recipes detach `CONCURRENTLY`.
pub(crate) struct Detach<'c> {
    change: &'c Change,
    table: &'c QualifiedName,
    of: &'c PartitionOf,
    /// One that stands alone after; none for one that goes.
    alone: Option<&'c StandAlone>,
    parent_references: &'c [QualifiedName],
}

/// The change's detach, when the online recipes write it `CONCURRENTLY`:
/// a partition that comes to stand alone or is dropped, on PostgreSQL 14
/// or later, from a parent the migration keeps that has no default
/// partition and no foreign key referencing it.
pub(crate) fn concurrent_detach<'c>(
    changes: &[Change],
    change: &'c Change,
    scope: Scope,
) -> Option<Detach<'c>> {
    let Scope::All { server_version_num } = scope else {
        return None;
    };
    let detach = match change {
        Change::Alter(Alter::PartitionOf {
            table,
            partition_of:
                Delta {
                    from: Some(of),
                    to: None,
                },
            default_partition: None,
            referenced_by,
            parent_references,
            stands_alone: Some(alone),
        }) if referenced_by.is_empty() => Detach {
            change,
            table,
            of,
            alone: Some(alone),
            parent_references,
        },
        Change::Drop(Object::Table {
            table,
            default_partition: None,
            referenced_by,
            parent_references,
            rows_copied: None,
        }) if referenced_by.is_empty() => Detach {
            change,
            table: &table.name,
            of: table.partition_of.as_ref()?,
            alone: None,
            parent_references,
        },
        _ => return None,
    };
    let concurrent = server_version_num >= 140000
        && !detach.of.is_default()
        && parent_kept(changes, &detach.of.parent)
        && nothing_before_it_needed(changes, &detach.of.parent);
    concurrent.then_some(detach)
}

/// Whether nothing the plain order runs before a detach (a default
/// partition dropped or detached first of all, a foreign key to the
/// parent dropped or moved aside) is needed by the concurrent one, which
/// runs before everything: PostgreSQL refuses it beside a default
/// partition, and it checks the rows of every foreign key to the parent.
fn nothing_before_it_needed(changes: &[Change], parent: &QualifiedName) -> bool {
    !changes.iter().any(|c| match c {
        Change::Drop(Object::Table { table, .. }) => table
            .partition_of
            .as_ref()
            .is_some_and(|of| of.parent == *parent && of.is_default()),
        Change::Alter(Alter::PartitionOf {
            partition_of: Delta { from: Some(of), .. },
            ..
        }) => of.parent == *parent && of.is_default(),
        Change::Drop(Object::ForeignKey { foreign_key, .. }) => foreign_key.ref_table == *parent,
        Change::MoveAside(moved) => matches!(
            &moved.object,
            Object::ForeignKey { foreign_key, .. } if foreign_key.ref_table == *parent
        ),
        _ => false,
    })
}

/// Whether the parent is there before and after, as the same table.
fn parent_kept(changes: &[Change], parent: &QualifiedName) -> bool {
    !changes.iter().any(|c| match c {
        Change::Create(Object::Table { table, .. }) | Change::Drop(Object::Table { table, .. }) => {
            table.name == *parent
        }
        Change::Rename(Rename::Table { name }) => name.to == *parent,
        _ => false,
    })
}

impl Detach<'_> {
    /// Its steps: the partition made ready to stand alone, the detach
    /// outside a transaction, the check PostgreSQL added dropped; for one
    /// that goes, the detach alone.
    pub(crate) fn steps(&self) -> Vec<ReviewedStep> {
        let (table, parent) = (self.table, &self.of.parent);
        let (t, p) = (table.quoted(), parent.quoted());
        let pending_is = |pending: bool| {
            format!(
                "SELECT EXISTS (SELECT FROM pg_inherits WHERE inhrelid = {}::regclass \
                 AND inhparent = {}::regclass AND {}inhdetachpending)",
                quote_literal(&t),
                quote_literal(&p),
                if pending { "" } else { "NOT " }
            )
        };
        let mut sqls = vec![
            format!("ALTER TABLE {p} DETACH PARTITION {t} FINALIZE;"),
            format!("ALTER TABLE {p} DETACH PARTITION {t} CONCURRENTLY;"),
        ];
        if let Some(alone) = self.alone {
            sqls.insert(
                0,
                stand_alone::before_detach(table, parent, &alone.copies, "SHARE UPDATE EXCLUSIVE"),
            );
            sqls.push(stand_alone::after_concurrent_detach(table, &alone.checks));
        }
        let mut out = many(self.change, sqls);
        let detach = Impact::exclusive(table)
            .lock(parent, LockMode::ShareUpdateExclusive)
            .merge(&crate::impact::each_locked(
                self.parent_references,
                LockMode::ShareRowExclusive,
            ));
        let ready = self.alone.map(|_| {
            let mut ready = out.remove(0);
            ready.impact = Impact::exclusive(table).lock(parent, LockMode::ShareUpdateExclusive);
            ready
                .notes
                .push("the detach runs CONCURRENTLY after it, in a step of its own".to_string());
            ready
        });
        let mut finalize = out.remove(0);
        finalize.description =
            format!("finish the detach of {table} that an earlier attempt left pending");
        finalize.notes = vec!["none is pending on the first run".to_string()];
        finalize.impact = detach.clone();
        finalize.guard = Some(pending_is(true));
        let mut concurrently = out.remove(0);
        concurrently.description = match self.alone {
            Some(_) => format!("detach {table} from {parent} concurrently"),
            None => format!("detach {table} from {parent} concurrently, to drop it below"),
        };
        concurrently.notes = vec![
            "in two transactions: new queries of the parent leave the partition out from the \
             first; the second waits for the transactions that may still see it there"
                .to_string(),
        ];
        concurrently.impact = detach;
        concurrently.guard = Some(pending_is(false));
        // Once it goes, the safety is its drop's: a detach loses nothing.
        if self.alone.is_none() {
            for statement in [&mut finalize, &mut concurrently] {
                statement.safety = crate::classify::Safety::Locks;
            }
        }
        let detaching = ReviewedStep {
            statements: vec![finalize, concurrently],
            reason: Some(
                "runs outside a transaction: DETACH PARTITION ... CONCURRENTLY refuses one"
                    .to_string(),
            ),
            no_transaction: true,
        };
        let Some(ready) = ready else {
            return vec![detaching];
        };
        let mut check = out.remove(0);
        check.description = format!("drop the check on its bound the detach gave {table}");
        check.notes = Vec::new();
        check.impact = Impact::exclusive(table);
        vec![
            ReviewedStep::new(
                vec![ready],
                Some(format!(
                    "{table} made to hold what it holds standing alone, before it leaves \
                     {parent}"
                )),
            ),
            detaching,
            ReviewedStep::new(vec![check], None),
        ]
    }

    pub(crate) fn table(&self) -> &QualifiedName {
        self.table
    }

    pub(crate) fn parent(&self) -> &QualifiedName {
        &self.of.parent
    }

    /// The change the partition tree follows: the detach.
    pub(crate) fn detached(&self) -> Change {
        Change::Alter(Alter::PartitionOf {
            table: self.table.clone(),
            partition_of: Delta::new(Some(self.of.clone()), None),
            default_partition: None,
            referenced_by: Vec::new(),
            parent_references: self.parent_references.to_vec(),
            stands_alone: self.alone.cloned(),
        })
    }

    /// What the transactional step still runs of the change: a partition
    /// that goes, dropped as the table it stands as once detached.
    pub(crate) fn rest(&self) -> Option<Change> {
        match self.change {
            Change::Drop(Object::Table {
                table,
                parent_references,
                ..
            }) => {
                let mut alone = table.clone();
                alone.partition_of = None;
                Some(Change::Drop(Object::Table {
                    table: alone,
                    default_partition: None,
                    referenced_by: Vec::new(),
                    parent_references: parent_references.clone(),
                    rows_copied: None,
                }))
            }
            _ => None,
        }
    }
}

/// Whether the online recipes detach some partition `CONCURRENTLY`
/// (which needs PostgreSQL 14).
pub(crate) fn detaches_concurrently(changes: &[Change], scope: Scope) -> bool {
    changes
        .iter()
        .any(|c| concurrent_detach(changes, c, scope).is_some())
}
