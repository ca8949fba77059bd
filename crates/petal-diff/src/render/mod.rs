//! Changes to SQL text, in steps.
//!
//! A migration section is a list of [`ReviewedStep`]s, each run in its own
//! transaction; a step is a list of [`ReviewedStatement`]s, each one SQL statement
//! ending in `;`, with the description, safety and notes of the change it
//! comes from, for the comment a migration file puts above it.
//!
//! Most statements are rendered by hand, because sea-query's PostgreSQL
//! backend does not cover them (identity, serial, deferrable constraints,
//! comments, enum alterations, `USING`) or escapes literals differently from
//! `petal_ir::quote_literal`; sea-query renders the plain drops of tables and
//! types. Same changes, same bytes.

mod alter;
mod collations;
mod columns;
mod copy_rows;
mod create_table;
mod ddl;
mod enums;
mod extensions;
mod functions;
mod load;
mod objects;
mod online;
mod partitions;
mod policies;
mod privileges;
mod reviewed;
mod sequences;
mod sql;
mod stand_alone;
mod statement;
mod table_options;
mod triggers;
mod types;
mod views;

use std::collections::BTreeMap;

use petal_ir::{Database, ObjectKey, QualifiedName, quote_ident, quote_literal};
use serde::{Deserialize, Serialize};

use crate::change::{Alter, Change, Object};
use crate::classify::Safety;
use crate::compare::{Diff, diff};
use crate::impact::{Impact, created_relations};
use crate::names::type_spelling;
use crate::partition_tree::PartitionTree;
pub(crate) use create_table::create_table_sql;

pub(crate) use enums::retired_name;
pub use functions::UNCHECKED_BODIES;
pub use load::{Load, TableUnit, render_load};
pub use reviewed::{ReviewedStatement, ReviewedStep};
pub(crate) use sequences::picked;
pub use sql::{Sql, Traced};
pub(crate) use statement::{extra, many, many_with_impacts, single};

/// The statements of a list of changes, in steps: one step, or two when new
/// enum labels must be committed before later statements use them (the
/// first step then holds only `ADD VALUE IF NOT EXISTS`, so it can run
/// again after a later step failed).
pub fn render(changes: &[Change]) -> Vec<ReviewedStep> {
    render_as(changes, Mode::Plain)
}

/// How the statements of a migration are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Each change as one statement (or a few) in the migration's
    /// transaction; an index the models mark `concurrently` as `Online`
    /// writes it.
    #[default]
    Plain,
    /// Writers go on during the long phases: indexes built and dropped
    /// `CONCURRENTLY` in steps of their own, outside a transaction; checks
    /// and foreign keys added `NOT VALID` and validated in later steps;
    /// `SET NOT NULL` proved by a validated check first; unique
    /// constraints attached to an index built concurrently (`online.rs`).
    /// `server_version_num` is the target's: from PostgreSQL 18, `SET NOT
    /// NULL` takes the native `NOT NULL ... NOT VALID` instead of a check.
    Online { server_version_num: i32 },
}

impl Mode {
    /// Online for a server of `server_version_num`, or plain.
    pub fn new(online: bool, server_version_num: i32) -> Mode {
        if online {
            Mode::Online { server_version_num }
        } else {
            Mode::Plain
        }
    }

    /// The oldest PostgreSQL major version the statements of `changes`,
    /// written in this mode, run on, when it is newer than the oldest
    /// petal supports (a migration file's `-- petal requires:` header).
    pub fn requires_server(self, changes: &[Change]) -> Option<u32> {
        let scope = match self {
            Mode::Plain => online::Scope::MarkedIndexes,
            Mode::Online { server_version_num } => online::Scope::All { server_version_num },
        };
        let own = changes
            .iter()
            .any(|change| {
                // A NOT NULL constraint NOT VALID exists from 18 on only.
                matches!(change, Change::Alter(Alter::NotNullState { .. }))
                    || matches!(
                        online::not_null_recipe(changes, change, scope),
                        Some(online::NotNullRecipe::Native { .. })
                    )
            })
            .then_some(18);
        // DETACH PARTITION ... CONCURRENTLY exists from 14 on.
        let detach = online::detach::detaches_concurrently(changes, scope).then_some(14);
        let own = own.max(detach);
        let created = crate::requirements(changes)
            .into_iter()
            .map(|r| r.major)
            .max();
        own.max(created)
    }
}

/// The statements of `changes`, in steps, written as `mode` says, with no
/// partitioned table in the database (`render_diff_as` knows them).
pub fn render_as(changes: &[Change], mode: Mode) -> Vec<ReviewedStep> {
    render_over(changes, mode, &PartitionTree::default())
}

/// The up of `diff`, written as `mode` says, over the partitioned tables
/// of the database it starts from.
pub fn render_diff_as(diff: &Diff, mode: Mode) -> Vec<ReviewedStep> {
    render_over(&diff.changes, mode, &diff.partitions)
}

/// `changes` over the partition tree `tree` they start from.
fn render_over(changes: &[Change], mode: Mode, tree: &PartitionTree) -> Vec<ReviewedStep> {
    let mut steps = match mode {
        Mode::Plain if online::marks_an_index(changes) => {
            online::render(changes, online::Scope::MarkedIndexes, tree)
        }
        Mode::Plain => render_steps(changes, &mut tree.clone()),
        Mode::Online { server_version_num } => {
            online::render(changes, online::Scope::All { server_version_num }, tree)
        }
    };
    let created = created_relations(changes);
    for statement in steps.iter_mut().flat_map(|s| &mut s.statements) {
        statement.map_impacts(&|impact| impact.without(&created));
    }
    steps
}

/// Each change's classification and impacts within `changes` (on the
/// relations they do not create) as `mode` writes it, for a summary that
/// lists changes: the strongest classification of its statements, and the
/// impact of each of them that has one, in order (an online check is a
/// brief `ACCESS EXCLUSIVE`, then a read under `SHARE UPDATE EXCLUSIVE`).
pub fn change_labels(diff: &Diff, mode: Mode) -> Vec<(Safety, Vec<Impact>)> {
    let changes = &diff.changes;
    let created = created_relations(changes);
    let context = online::Context::new(changes, &diff.partitions);
    let mut tree = diff.partitions.clone();
    let scope = match mode {
        Mode::Plain if online::marks_an_index(changes) => Some(online::Scope::MarkedIndexes),
        Mode::Plain => None,
        Mode::Online { server_version_num } => Some(online::Scope::All { server_version_num }),
    };
    changes
        .iter()
        .map(|change| {
            let one = std::slice::from_ref(change);
            let steps = match scope {
                Some(scope) => online::render_in(&context, scope, one),
                None => render_steps(one, &mut tree),
            };
            let statements = steps.iter().flat_map(|step| &step.statements);
            let safety = statements
                .clone()
                .map(|s| s.safety)
                .max()
                .unwrap_or_else(|| change.safety());
            let mut impacts: Vec<Impact> = Vec::new();
            for statement in statements {
                let impact = statement.total_impact().without(&created);
                if !impact.is_empty() && !impacts.contains(&impact) {
                    impacts.push(impact);
                }
            }
            (safety, impacts)
        })
        .collect()
}

/// The plain steps of `changes`; `tree` is the partition tree they start
/// from, and is left as they leave it.
pub(crate) fn render_steps(changes: &[Change], tree: &mut PartitionTree) -> Vec<ReviewedStep> {
    let mut steps = steps_of(changes, tree);
    functions::bodies_checked_when_run(&mut steps);
    steps
}

fn steps_of(changes: &[Change], tree: &mut PartitionTree) -> Vec<ReviewedStep> {
    if changes.is_empty() {
        return Vec::new();
    }
    let hoisted = labels_first(changes);
    let changes = hoisted.as_slice();
    let leading = changes
        .iter()
        .take_while(|c| matches!(c, Change::AddEnumLabel(_)))
        .count();
    // Enum labels touch no table: the tree is the same after them.
    let rest: Vec<ReviewedStatement> = render_changes(&changes[leading..], tree);
    let used_later = changes[..leading].iter().any(|c| match c {
        Change::AddEnumLabel(add) => rest.iter().any(|s| mentions(&s.sql, &add.name, &add.label)),
        _ => false,
    });
    if !used_later {
        let labels = render_changes(&changes[..leading], tree);
        let statements = labels.into_iter().chain(rest).collect();
        return vec![ReviewedStep::new(statements, None)];
    }
    let labels = changes[..leading]
        .iter()
        .flat_map(|c| match c {
            Change::AddEnumLabel(add) => {
                let mut s = single(c, enums::add_label(add, true));
                s.description.push_str(" (if missing)");
                vec![s]
            }
            _ => render_change(c),
        })
        .collect();
    vec![
        ReviewedStep::new(
            labels,
            Some(
                "new enum labels are committed first: PostgreSQL refuses a label in the \
                 transaction that added it"
                    .to_string(),
            ),
        ),
        ReviewedStep::new(rest, None),
    ]
}

/// `changes` with the new enum labels among the detaches that open a
/// migration (`Engine::detach_leaving`) put before them: a label touches
/// no table and a detach no type, so the two orders are one, and leading
/// labels can be committed in a step of their own.
fn labels_first(changes: &[Change]) -> Vec<Change> {
    let detach = |c: &Change| {
        matches!(
            c,
            Change::Alter(Alter::PartitionOf {
                partition_of: crate::change::Delta { to: None, .. },
                stands_alone: Some(_),
                ..
            })
        )
    };
    let opening = changes
        .iter()
        .take_while(|c| matches!(c, Change::AddEnumLabel(_)) || detach(c))
        .count();
    let (labels, detaches): (Vec<&Change>, Vec<&Change>) = changes[..opening]
        .iter()
        .partition(|c| matches!(c, Change::AddEnumLabel(_)));
    labels
        .into_iter()
        .chain(detaches)
        .chain(&changes[opening..])
        .cloned()
        .collect()
}

/// Whether a statement may use `label` of enum type `name`.
fn mentions(sql: &str, name: &QualifiedName, label: &str) -> bool {
    (sql.contains(&type_spelling(name)) || sql.contains(&name.quoted()))
        && sql.contains(&quote_literal(label)[1..])
}

/// The down section of a diff: the inverse changes, rendered.
pub fn render_down(diff: &Diff) -> Vec<ReviewedStep> {
    render_down_as(diff, Mode::Plain)
}

/// The down section of a diff, written as `mode` says.
pub fn render_down_as(diff: &Diff, mode: Mode) -> Vec<ReviewedStep> {
    let tree = diff.partitions.clone().after(&diff.changes);
    let mut steps = render_over(&diff.down(), mode, &tree);
    // What the up drops comes back empty: the statement that recreates a
    // table or a column says so, where the reviewer of the down reads.
    let mut emptied: BTreeMap<ObjectKey, &str> = BTreeMap::new();
    for change in &diff.changes {
        match change {
            Change::Drop(Object::Table {
                table,
                rows_copied: None,
                ..
            }) => {
                emptied.insert(
                    ObjectKey::table(&table.name),
                    "its rows are not restored: the up dropped them, and the table comes back empty",
                );
            }
            // A generated column's values are computed again.
            Change::Drop(Object::Column { table, column }) if column.generated.is_none() => {
                emptied.insert(
                    ObjectKey::column(table, &column.name),
                    "its values are not restored: the up dropped them, and the column comes back with its default or NULL",
                );
            }
            _ => {}
        }
    }
    let mut annotate = |part: &mut ReviewedStatement| {
        let key = part.object().cloned();
        if let Some(note) = key.and_then(|k| emptied.remove(&k)) {
            part.notes.push(note.to_string());
        }
    };
    for statement in steps.iter_mut().flat_map(|s| &mut s.statements) {
        annotate(statement);
        statement.folded.iter_mut().for_each(&mut annotate);
    }
    steps
}

/// The DDL that creates `db` in a new database, whose `public` schema
/// already exists.
pub fn render_schema(db: &Database) -> Vec<ReviewedStatement> {
    let mut empty = Database {
        // Compared, so that the grants are written too.
        privileges: db.privileges.as_ref().map(|_| petal_ir::Acls::default()),
        ..Database::default()
    };
    if db.schemas.contains("public") {
        empty.schemas.insert("public".to_string());
    }
    render(&diff(&empty, db).changes)
        .into_iter()
        .flat_map(|s| s.statements)
        .collect()
}

/// The statements of consecutive changes, with each run of type changes
/// of one table folded into one statement.
fn render_changes(changes: &[Change], tree: &mut PartitionTree) -> Vec<ReviewedStatement> {
    let mut out = Vec::new();
    let mut rest = changes;
    while let Some(first) = rest.first() {
        let from = out.len();
        let run = match first {
            Change::Alter(Alter::ColumnType { table, .. }) => rest
                .iter()
                .take_while(|c| {
                    matches!(c, Change::Alter(Alter::ColumnType { table: t, .. }) if t == table)
                })
                .count(),
            _ => 1,
        };
        if run > 1 {
            out.extend(columns::fold_type_changes(&rest[..run]));
        } else {
            out.extend(render_change(first));
        }
        // Creating, dropping, attaching or detaching a partition locks
        // what its own impact says, and so does a policy's statement; any
        // other statement on a partitioned table reaches each partition.
        if !first.is_partition_ddl() && !first.is_row_security() {
            for statement in &mut out[from..] {
                statement.map_impacts(&|impact| tree.spread(impact));
            }
        }
        // And one PostgreSQL passes on to inheritance children reaches them;
        // a key added locks them.
        if first.reaches_inheritance_children() {
            for statement in &mut out[from..] {
                statement.map_impacts(&|impact| tree.spread_to_heirs(impact));
            }
        }
        if let Some(table) = first.locks_inheritance_children() {
            for statement in &mut out[from..] {
                statement.map_impacts(&|impact| tree.lock_heirs(table, impact));
            }
        }
        // Positionally: a name may hold an existing relation first and a
        // new one later (a table recreated with its rows).
        for statement in &mut out[from..] {
            statement.map_impacts(&|impact| tree.on_existing(impact));
        }
        for change in &rest[..run] {
            tree.apply(change);
        }
        rest = &rest[run..];
    }
    out
}

/// The statements of one change.
pub fn render_change(change: &Change) -> Vec<ReviewedStatement> {
    match change {
        Change::Create(object) => objects::create(change, object),
        Change::Drop(object) => objects::drop(change, object),
        Change::Rename(rename) => objects::rename(change, rename),
        Change::Replace(replace) => alter::replace(change, replace),
        Change::Alter(a) => alter::render(change, a),
        Change::AddEnumLabel(add) => vec![single(change, enums::add_label(add, false))],
        Change::RecreateEnum(recreate) => enums::recreate(change, recreate),
        Change::MoveAside(moved) => objects::drop(change, &moved.object),
        Change::PutBack(moved) => objects::create(change, &moved.object),
    }
}

/// What completes a new serial or identity column: `NULL` allowed where
/// `serial` made it `NOT NULL`, its sequence renamed where it does not
/// have the name PostgreSQL picks.
pub(crate) fn column_extras(
    table: &QualifiedName,
    column: &petal_ir::Column,
) -> Vec<ReviewedStatement> {
    let on = ObjectKey::column(table, &column.name);
    let mut out = Vec::new();
    if let Some(sql) = ddl::serial_nullable_fixup(table, column) {
        out.push(extra(
            &on,
            sql,
            format!("allow NULL in {table}.{}", column.name),
        ));
    }
    if let Some(wanted) = &column.sequence {
        // An identity column names its sequence inline.
        for sql in ddl::named_serial_sequence(table, column) {
            out.push(extra(
                &on,
                sql,
                format!("sequence {wanted} of {table}.{}", column.name),
            ));
        }
    }
    out
}

/// What completes a new table after its `CREATE TABLE`: its columns'
/// extras, its indexes and its comments.
pub(crate) fn table_extras(table: &petal_ir::Table) -> Vec<ReviewedStatement> {
    let mut out = Vec::new();
    let name = &table.name;
    for column in &table.columns {
        out.extend(column_extras(name, column));
    }
    // A partition's own "no default": `DEFAULT NULL` in its `CREATE TABLE`
    // stores a default of a column whose type has a modifier (a cast).
    let own_defaults = table.partition_of.iter().flat_map(|_| &table.own_defaults);
    for (column, _) in own_defaults.filter(|(_, d)| d.is_none()) {
        out.push(extra(
            &ObjectKey::column(name, column),
            ddl::alter_table(
                name,
                &format!("ALTER COLUMN {} DROP DEFAULT", quote_ident(column)),
            ),
            format!("drop default of {name}.{column}, its parent's (new partition)"),
        ));
    }
    // A partition's copies of its parent's indexes, which its `CREATE
    // TABLE` made, under PostgreSQL's names.
    if let Some(of) = &table.partition_of
        && let Some(sql) = partitions::index_copies_named(name, &of.parent, &table.index_copies)
    {
        out.push(extra(
            &ObjectKey::table(name),
            sql,
            format!(
                "name {name}'s copies of {}'s indexes (new partition)",
                of.parent
            ),
        ));
    }
    for index in &table.indexes {
        out.push(extra(
            &ObjectKey::index(name, &index.name),
            ddl::create_index(name, index),
            format!("create index {} on {name} (new table)", index.name),
        ));
    }
    // After the indexes: it may name one.
    let identity = &table.options.replica_identity;
    if !identity.is_default() {
        out.push(extra(
            &ObjectKey::table(name),
            table_options::replica_identity(name, identity),
            format!("set replica identity of {name} (new table)"),
        ));
    }
    let security = crate::change::RowSecurity {
        enabled: table.options.row_level_security,
        forced: table.options.force_row_level_security,
        open: false,
    };
    if security.enabled || security.forced {
        out.push(extra(
            &ObjectKey::table(name),
            policies::row_security(name, &Default::default(), &security),
            format!("set row level security of {name} (new table)"),
        ));
    }
    for check in table.checks.iter().filter(|c| c.not_valid) {
        out.push(extra(
            &ObjectKey::constraint(name, &check.name),
            ddl::add_constraint(name, ddl::check_clause(name, check)),
            format!(
                "add check constraint {} on {name} NOT VALID (new table)",
                check.name
            ),
        ));
    }
    if table.comment.is_some() {
        out.push(objects::comment_extra(
            &ObjectKey::table(name),
            &table.comment,
        ));
    }
    for column in table.columns.iter().filter(|c| c.comment.is_some()) {
        let on = ObjectKey::column(name, &column.name);
        out.push(objects::comment_extra(&on, &column.comment));
    }
    for index in table.indexes.iter().filter(|i| i.comment.is_some()) {
        out.push(objects::index_comment(name, index));
    }
    // Its foreign keys are objects of their own, created with theirs.
    let foreign = |name: &str| table.foreign_keys.iter().any(|f| f.name == name);
    for (constraint, comment) in table.constraint_comments() {
        if comment.is_none() || foreign(constraint) {
            continue;
        }
        let on = ObjectKey::constraint(name, constraint);
        out.push(objects::comment_extra(&on, comment));
    }
    out
}
