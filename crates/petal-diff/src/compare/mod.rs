//! The diff engine: compares two IRs and emits the changes in execution
//! order.
//!
//! The engine keeps a working copy of the database (`cur`) and applies every
//! change it emits to it with the in-memory interpreter, so each later
//! decision sees the schema as it will be at that point of the migration
//! (names after earlier renames, defaults after an enum recreation). The
//! phases, in order:
//!
//! 0. new labels of existing enum types (first, so a leading step can
//!    commit them before anything uses them);
//! 1. new schemas;
//! 2. enum type and label renames (the tables matched before: kept tables
//!    leave the inheritance parents they do not keep, `inherit.rs`);
//! 3. foreign keys that go or change;
//! 4. indexes, checks, uniques and primary keys that go or change (before the
//!    columns they use change or go);
//! 5. enum types created, or recreated to remove labels; then the other
//!    providers (extensions, collations, types, sequences, functions):
//!    those recreated dropped, those a column is of renamed aside,
//!    and the new ones created;
//! 6. table and column renames;
//! 7. dropped columns and tables (before anything new can want their names),
//!    then constraint and index renames;
//! 8. new tables and columns;
//! 9. column alterations;
//! 10. new primary keys, uniques, checks and indexes;
//! 11. new foreign keys (after all tables, so cycles work);
//! 12. comments;
//! 13. the types and collations renamed aside in 5, then dropped providers
//!     (functions, domains, composite and range types, collations), then
//!     enum types;
//! 14. dropped schemas;
//! 15. privileges, when compared, on what is there after all the rest
//!     (default privileges in 1, after the new schemas);
//! 16. the tables that join a parent attached, kept tables made
//!     inheritance children, then the partitions' copies of their
//!     parents' indexes named as wanted.

mod columns;
mod deferrable_keys;
mod enums;
mod extensions;
mod foreign_key_types;
mod function_users;
mod functions;
mod generated;
mod index_copies;
mod inherit;
mod inheritance;
mod keyed;
mod object_alters;
mod object_phases;
mod objects;
mod order;
mod partition_defaults;
mod partitions;
mod policies;
mod privileges;
mod recreate;
pub(crate) mod recreate_with_rows;
mod sequence_names;
mod stand_alone;
mod table_drops;
mod table_options;
mod table_plan;
mod tables;
mod triggers;
mod type_aside;
mod types;
mod views;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use petal_ir::{Database, QualifiedName};
use serde::{Deserialize, Serialize};

use crate::apply::apply;
use crate::change::{Change, Object};
use crate::partition_tree::PartitionTree;
pub use inheritance::inherited_column_conflicts;
pub use partitions::{partition_key_retypes, recreated_tables};
pub use recreate_with_rows::copy_obstacle;

/// The result of comparing two schemas.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    /// The changes that turn `from` into `to`, in execution order.
    pub changes: Vec<Change>,
    pub warnings: Vec<Warning>,
    /// `from`'s partitioned tables and partitions, and its inheritance
    /// parents and children: what a statement on a parent does to them
    /// (`render_diff_as`).
    #[serde(default, skip_serializing_if = "PartitionTree::holds_nothing")]
    pub partitions: PartitionTree,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The changes that undo `changes`: each inverse, in reverse order.
    pub fn down(&self) -> Vec<Change> {
        crate::change::inverse_all(&self.changes)
    }
}

/// Something the reviewer should know that is not a change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// A column dropped and another of the same type added in one table:
    /// perhaps a rename, which only a hint can tell.
    PossibleColumnRename {
        table: QualifiedName,
        dropped: String,
        added: String,
        ty: String,
    },
    /// A table dropped and another with the same columns added.
    PossibleTableRename {
        dropped: QualifiedName,
        added: QualifiedName,
    },
    /// A `renamed_from` hint that cannot apply: the old name still exists
    /// on the desired side too, or the new name exists on both.
    IgnoredRenameHint {
        object: String,
        renamed_from: String,
    },
    /// Between two databases, a rename told from the catalogs alone
    /// (`infer_renames`): the same place and type, or the same parts.
    InferredRename {
        object: String,
        renamed_from: String,
    },
    /// A foreign key column whose type is not that of the column it
    /// references, where the database had no such pair.
    ForeignKeyTypeMismatch {
        table: QualifiedName,
        constraint: String,
        column: String,
        ty: String,
        ref_table: QualifiedName,
        ref_column: String,
        ref_ty: String,
    },
    /// A primary key or unique constraint made deferrable.
    DeferrableKey {
        /// A primary key; a unique constraint otherwise.
        primary_key: bool,
        table: QualifiedName,
        constraint: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::PossibleColumnRename {
                table,
                dropped,
                added,
                ty,
            } => write!(
                f,
                "possible rename: column {table}.{dropped} is dropped and {table}.{added} added, \
                 both {ty}; if it is a rename, add #[petal(renamed_from = \"{dropped}\")] to \
                 {added}, or the data in {dropped} is lost"
            ),
            Warning::PossibleTableRename { dropped, added } => write!(
                f,
                "possible rename: table {dropped} is dropped and {added} added with the same \
                 columns; if it is a rename, add #[petal(renamed_from = \"{dropped}\")] to \
                 {added}, or the data in {dropped} is lost"
            ),
            Warning::IgnoredRenameHint {
                object,
                renamed_from,
            } => write!(
                f,
                "{object} has renamed_from = \"{renamed_from}\", but {renamed_from} is kept as \
                 well (or {object} already exists): the hint is ignored"
            ),
            Warning::InferredRename {
                object,
                renamed_from,
            } => write!(
                f,
                "{object} is taken for {renamed_from} renamed (it stands where {renamed_from} \
                 stood, alike): renamed, not dropped and added; check it is so"
            ),
            Warning::ForeignKeyTypeMismatch {
                table,
                constraint,
                column,
                ty,
                ref_table,
                ref_column,
                ref_ty,
            } => write!(
                f,
                "foreign key {constraint} of {table}: {column} is {ty}, but {ref_table}.{ref_column} \
                 it references is {ref_ty}; a value of one may not fit the other, and every join \
                 compares across types: give both the same type"
            ),
            Warning::DeferrableKey {
                primary_key,
                table,
                constraint,
            } => write!(
                f,
                "{} {constraint} of {table} becomes deferrable: no foreign key can reference \
                 it, and INSERT ... ON CONFLICT cannot use it",
                if *primary_key {
                    "primary key"
                } else {
                    "unique constraint"
                }
            ),
        }
    }
}

/// Compares `from` (usually the database) with `to` (usually the models,
/// whose rename hints are read) and returns the changes from one to the
/// other, in execution order.
pub fn diff(from: &Database, to: &Database) -> Diff {
    diff_with_rows(from, to, &BTreeSet::new())
}

/// [`diff`], where the tables `with_rows` names, when PostgreSQL cannot
/// change them in place (made partitioned or not, given another partition
/// key, made a partition), are recreated with their rows rather than
/// dropped and created (`recreate_with_rows.rs`).
pub fn diff_with_rows(from: &Database, to: &Database, with_rows: &BTreeSet<QualifiedName>) -> Diff {
    // Cloning a big schema costs more than checking it is in order already.
    let to: Cow<'_, Database> = if is_normalized(to) {
        Cow::Borrowed(to)
    } else {
        let mut owned = to.clone();
        owned.normalize();
        Cow::Owned(owned)
    };
    let mut cur = from.clone().without_hints();
    cur.normalize();
    // A table that joins a parent is diffed toward what it holds before
    // it is attached.
    let (joining, before_joining) = stand_alone::joining(&cur, &to);
    let target: &Database = before_joining.as_ref().unwrap_or(&to);
    let mut engine = Engine {
        to: target,
        cur,
        changes: Vec::new(),
        warnings: Vec::new(),
        moved_defaults: BTreeMap::new(),
        moved_columns: BTreeMap::new(),
        retyped_attributes: Vec::new(),
        moved_foreign_keys: Vec::new(),
        held_sequences: Vec::new(),
        created: Default::default(),
        with_rows,
        swaps: Vec::new(),
        joining,
    };
    engine.run();
    let mut warnings = engine.warnings;
    warnings.extend(foreign_key_types::new_mismatches(from, &to));
    warnings.extend(deferrable_keys::newly_deferrable(&engine.changes));
    warnings.sort();
    warnings.dedup();
    Diff {
        changes: engine.changes,
        warnings,
        partitions: PartitionTree::of(from),
    }
}

fn is_normalized(db: &Database) -> bool {
    fn sorted<T>(items: &[T], name: impl Fn(&T) -> &str) -> bool {
        items.windows(2).all(|w| name(&w[0]) <= name(&w[1]))
    }
    db.tables.values().all(|t| {
        sorted(&t.uniques, |u| &u.name)
            && sorted(&t.checks, |c| &c.name)
            && sorted(&t.foreign_keys, |f| &f.name)
            && sorted(&t.indexes, |i| &i.name)
            && sorted(&t.exclusions, |x| &x.name)
    })
}

/// Which table of `cur` becomes which table of `to`, and which of its
/// columns become which.
#[derive(Debug, Default)]
pub(crate) struct Matching {
    /// `to` name → `cur` name, for tables on both sides.
    pub tables: BTreeMap<QualifiedName, QualifiedName>,
    /// `to` table name → (`to` column → `cur` column), for kept columns.
    pub columns: BTreeMap<QualifiedName, BTreeMap<String, String>>,
    /// `to` name → `cur` name, for enum types on both sides.
    pub enums: BTreeMap<QualifiedName, QualifiedName>,
}

impl Matching {
    /// The `to` name of a `cur` table, when it is kept.
    pub fn table_to(&self, cur: &QualifiedName) -> Option<&QualifiedName> {
        // Most tables keep their names: one lookup, and the scan only for
        // the others (a table is matched once, so no other name maps to a
        // table matched to its own).
        if let Some((to, c)) = self.tables.get_key_value(cur)
            && c == cur
        {
            return Some(to);
        }
        self.tables.iter().find(|(_, c)| *c == cur).map(|(t, _)| t)
    }
}

pub(crate) struct Engine<'a> {
    pub to: &'a Database,
    pub cur: Database,
    pub changes: Vec<Change>,
    pub warnings: Vec<Warning>,
    /// The column defaults dropped only to get out of a recreated
    /// function's way (column → function), so setting them again says why.
    pub moved_defaults: BTreeMap<petal_ir::ObjectKey, petal_ir::ObjectKey>,
    /// The generated columns moved aside in phase 5a (as the models name
    /// them → the recreated function they call), put back in phase 8.
    pub moved_columns: BTreeMap<petal_ir::ObjectKey, petal_ir::ObjectKey>,
    /// Attribute type changes of composite types that table columns stop
    /// using in this migration, held from phase 5b until those columns
    /// are gone or retyped (phase 8).
    pub retyped_attributes: Vec<Change>,
    /// Foreign keys to the parent of a partition that is detached and
    /// attached again, moved aside in phase 7 and put back in phase 11.
    pub moved_foreign_keys: Vec<Change>,
    /// Sequences whose names an owned sequence still holds, created once
    /// it is gone (`compare/sequence_names.rs`).
    pub held_sequences: Vec<Change>,
    /// The objects this migration creates (or creates again), whose
    /// wanted grants are all given explicitly (`compare/privileges.rs`).
    pub created: std::collections::BTreeSet<petal_ir::ObjectKey>,
    /// The tables to recreate with their rows where they cannot change in
    /// place (`--allow-recreate`).
    pub with_rows: &'a BTreeSet<QualifiedName>,
    /// The tables moved aside in phase 7, whose rows are copied into their
    /// successors once those stand.
    pub swaps: Vec<QualifiedName>,
    /// The plain tables that join a parent, attached last
    /// (`compare/stand_alone.rs`); `to` holds them as they stand before.
    pub joining: Vec<stand_alone::Joining>,
}

impl Engine<'_> {
    /// Records a change and applies it to the working copy.
    pub fn emit(&mut self, change: Change) {
        for revoke in self.grants_lost_by(&change) {
            let _ = apply(&mut self.cur, &revoke);
            self.changes.push(revoke);
        }
        if let Some(release) = self.identity_released_by(&change) {
            let _ = apply(&mut self.cur, &release);
            self.changes.push(release);
        }
        for release in self.partition_defaults_released_by(&change) {
            let _ = apply(&mut self.cur, &release);
            self.changes.push(release);
        }
        for release in self.index_copies_released_by(&change) {
            let _ = apply(&mut self.cur, &release);
            self.changes.push(release);
        }
        // The engine only emits changes that fit the working copy; an error
        // here means an input IR that is inconsistent in itself (a foreign
        // key to a missing table, say), which the change list carries as is.
        let _ = apply(&mut self.cur, &change);
        self.created.extend(privileges::created_by(&change));
        self.changes.push(change);
    }

    fn run(&mut self) {
        // First of all (a new enum label's columns then count the detached
        // table's, which its down converts before the attach); the render
        // puts the labels before it (`render_steps`).
        self.detach_leaving();
        let mut matching = Matching::default();
        self.match_enums(&mut matching);
        self.add_enum_labels(&matching);
        for schema in &self.to.schemas {
            if !self.cur.schemas.contains(schema) {
                let name = schema.clone();
                self.emit(Change::Create(Object::Schema { name }));
            }
        }
        self.grant_privileges(true);
        self.create_extensions();
        self.match_tables(&mut matching);
        self.leave_parents(&matching);
        let objects = self.plan_objects(&matching);
        // Row-level security turned off before the policies go, on after
        // they come.
        self.row_security(&matching, &objects, false);
        self.drop_dependents(&objects);
        self.rename_enums(&mut matching);
        self.rename_objects(&objects);
        let plan = self.plan_constraints(&matching, &objects);
        self.drop_constraints(&plan);
        self.drop_defaults_over_recreated(&objects, &matching);
        self.create_and_recreate_enums(&matching);
        self.create_providers(&objects);
        self.rename_tables_and_columns(&matching);
        self.drop_columns_and_tables(&matching);
        self.create_held_sequences(false);
        self.persistence(&matching);
        self.rename_constraints(&plan);
        self.create_tables_and_columns(&matching);
        self.alter_columns(&matching);
        for change in std::mem::take(&mut self.retyped_attributes) {
            self.emit(change);
        }
        self.partition_defaults();
        self.create_inheritance_children(&matching);
        // Every new table stands, with its partitions; nothing reads or
        // references it yet.
        self.copy_rows_aside();
        // After the other columns' type changes: a generated column added
        // back reads them as they are wanted.
        self.put_back_generated();
        self.add_constraints(&plan);
        self.validity(&matching);
        self.table_settings(&matching);
        self.create_dependents(&objects);
        self.row_security(&matching, &objects, true);
        self.comments(&matching);
        self.comment_objects(&objects);
        // Providers (a composite or domain over an enum type, a function
        // taking one) before the enum types they may use; no enum type
        // uses one.
        self.drop_providers(&objects);
        self.drop_enums();
        self.drop_extensions();
        let gone: Vec<String> = self
            .cur
            .schemas
            .iter()
            .filter(|s| !self.to.schemas.contains(*s))
            .cloned()
            .collect();
        for name in gone {
            self.emit(Change::Drop(Object::Schema { name }));
        }
        self.grant_privileges(false);
        self.attach_joining();
        self.join_parents(&matching);
        self.index_copies();
    }
}
