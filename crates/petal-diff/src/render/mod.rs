//! Changes to SQL text, in steps.
//!
//! A migration section is a list of [`Step`]s, each run in its own
//! transaction; a step is a list of [`Statement`]s, each one SQL statement
//! ending in `;`, with the description, safety and notes of the change it
//! comes from, for the comment a migration file puts above it.
//!
//! Most statements are rendered by hand, because sea-query's PostgreSQL
//! backend does not cover them (identity, serial, deferrable constraints,
//! comments, enum alterations, `USING`) or escapes literals differently from
//! `petal_ir::quote_literal`; sea-query renders the plain drops of tables and
//! types. Same changes, same bytes.

mod columns;
mod ddl;
mod enums;
mod load;

use petal_ir::{Database, QualifiedName, quote_ident, quote_literal};
use serde::{Deserialize, Serialize};

use crate::change::Change;
use crate::classify::Safety;
use crate::compare::{Diff, diff};
use crate::names::type_spelling;

pub use load::{Load, TableUnit, render_load};

/// One SQL statement and what a reviewer should know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The statement, ending in `;`.
    pub sql: String,
    pub description: String,
    pub safety: Safety,
    pub notes: Vec<String>,
    /// Changes whose SQL this statement carries too, each with its own
    /// description, safety and notes: a table's type changes run as one
    /// `ALTER TABLE`, so the table is rewritten once, not once per column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub folded: Vec<Statement>,
}

/// Statements that run in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub statements: Vec<Statement>,
    /// Why this step is separate, when it is (for a comment in the file).
    pub reason: Option<String>,
}

/// The statements of a list of changes, in steps: one step, or two when new
/// enum labels must be committed before later statements use them (the
/// first step then holds only `ADD VALUE IF NOT EXISTS`, so it can run
/// again after a later step failed).
pub fn render(changes: &[Change]) -> Vec<Step> {
    if changes.is_empty() {
        return Vec::new();
    }
    let leading = changes
        .iter()
        .take_while(|c| matches!(c, Change::AddEnumLabel { .. }))
        .count();
    let rest: Vec<Statement> = render_changes(&changes[leading..]);
    let used_later = changes[..leading].iter().any(|c| match c {
        Change::AddEnumLabel { name, label, .. } => {
            rest.iter().any(|s| mentions(&s.sql, name, label))
        }
        _ => false,
    });
    if !used_later {
        let statements = render_changes(changes);
        return vec![Step {
            statements,
            reason: None,
        }];
    }
    let labels = changes[..leading]
        .iter()
        .flat_map(|c| match c {
            Change::AddEnumLabel {
                name,
                labels,
                label,
                index,
                ..
            } => {
                let mut s = single(c, enums::add_label(name, labels, label, *index, true));
                s.description.push_str(" (if missing)");
                vec![s]
            }
            _ => render_change(c),
        })
        .collect();
    vec![
        Step {
            statements: labels,
            reason: Some(
                "new enum labels are committed first: PostgreSQL refuses a label in the \
                 transaction that added it"
                    .to_string(),
            ),
        },
        Step {
            statements: rest,
            reason: None,
        },
    ]
}

/// Whether a statement may use `label` of enum type `name`.
fn mentions(sql: &str, name: &QualifiedName, label: &str) -> bool {
    (sql.contains(&type_spelling(name)) || sql.contains(&name.quoted()))
        && sql.contains(&quote_literal(label)[1..])
}

/// The down section of a diff: the inverse changes, rendered.
pub fn render_down(diff: &Diff) -> Vec<Step> {
    render(&diff.down())
}

/// The DDL that creates `db` in a new database, whose `public` schema
/// already exists.
pub fn render_schema(db: &Database) -> Vec<Statement> {
    let mut empty = Database::default();
    if db.schemas.contains("public") {
        empty.schemas.insert("public".to_string());
    }
    render(&diff(&empty, db).changes)
        .into_iter()
        .flat_map(|s| s.statements)
        .collect()
}

/// The statement carrying a change's description, safety and notes.
pub(super) fn single(change: &Change, sql: String) -> Statement {
    Statement {
        sql,
        description: change.description(),
        safety: change.safety(),
        notes: change.notes(),
        folded: Vec::new(),
    }
}

/// A statement that only completes another (an index or comment of a new
/// table): safe, described on its own.
pub(super) fn extra(sql: String, description: String) -> Statement {
    Statement {
        sql,
        description,
        safety: Safety::Safe,
        notes: Vec::new(),
        folded: Vec::new(),
    }
}

/// Several statements of one change: the first carries the description and
/// notes, the others say they continue it (with the same safety).
fn many(change: &Change, sqls: Vec<String>) -> Vec<Statement> {
    let count = sqls.len();
    let safety = change.safety();
    let mut description = Some(change.description());
    let mut notes = Some(change.notes());
    sqls.into_iter()
        .enumerate()
        .map(|(i, sql)| Statement {
            sql,
            description: description
                .take()
                .unwrap_or_else(|| format!("continued ({} of {count})", i + 1)),
            safety,
            notes: notes.take().unwrap_or_default(),
            folded: Vec::new(),
        })
        .collect()
}

/// The statements of consecutive changes, with each run of type changes
/// of one table folded into one statement.
fn render_changes(changes: &[Change]) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut rest = changes;
    while let Some(first) = rest.first() {
        let run = match first {
            Change::AlterColumnType { table, .. } => rest
                .iter()
                .take_while(|c| matches!(c, Change::AlterColumnType { table: t, .. } if t == table))
                .count(),
            _ => 1,
        };
        if run > 1 {
            out.extend(columns::fold_type_changes(&rest[..run]));
        } else {
            out.extend(render_change(first));
        }
        rest = &rest[run..];
    }
    out
}

/// The statements of one change.
pub fn render_change(change: &Change) -> Vec<Statement> {
    use Change::*;
    let one = |sql: String| vec![single(change, sql)];
    match change {
        CreateSchema { name } => one(format!("CREATE SCHEMA {};", quote_ident(name))),
        DropSchema { name } => one(format!("DROP SCHEMA {};", quote_ident(name))),
        CreateEnum { enum_type } => {
            let mut out = one(enums::create_enum(&enum_type.name, &enum_type.labels));
            if enum_type.comment.is_some() {
                let target = enum_type.name.quoted();
                out.push(extra(
                    ddl::comment("TYPE", &target, &enum_type.comment),
                    format!("comment on enum type {}", enum_type.name),
                ));
            }
            out
        }
        DropEnum { enum_type } => one(enums::drop_enum(&enum_type.name)),
        RenameEnum { from, to } => many(change, enums::rename_enum(from, to)),
        AddEnumLabel {
            name,
            labels,
            label,
            index,
            ..
        } => one(enums::add_label(name, labels, label, *index, false)),
        RenameEnumLabel { name, from, to } => one(enums::rename_label(name, from, to)),
        RecreateEnum {
            name,
            to_labels,
            columns,
            foreign_keys,
            comment,
            ..
        } => {
            let mut out: Vec<Statement> = foreign_keys
                .iter()
                .map(|f| {
                    extra(
                        drop_constraint(&f.table, &f.foreign_key.name),
                        format!(
                            "drop foreign key {} of {} while its type is rebuilt",
                            f.foreign_key.name, f.table
                        ),
                    )
                })
                .collect();
            out.extend(many(change, enums::recreate_enum(name, to_labels, columns)));
            for f in foreign_keys {
                out.push(Statement {
                    safety: Safety::Locks,
                    ..extra(
                        ddl::add_foreign_key(&f.table, &f.foreign_key),
                        format!("re-add foreign key {} of {}", f.foreign_key.name, f.table),
                    )
                });
            }
            if comment.is_some() {
                out.push(extra(
                    ddl::comment("TYPE", &name.quoted(), comment),
                    format!("comment on enum type {name} (recreated)"),
                ));
            }
            out
        }
        SetEnumComment { name, to, .. } => one(ddl::comment("TYPE", &name.quoted(), to)),
        CreateTable { table } => create_table(change, table),
        DropTable { table } => one(ddl::drop_table(&table.name)),
        RenameTable { from, to } => {
            let mut sqls = Vec::new();
            let mut at = from.clone();
            if from.schema != to.schema {
                sqls.push(ddl::alter_table(
                    &at,
                    &format!("SET SCHEMA {}", quote_ident(&to.schema)),
                ));
                at.schema = to.schema.clone();
            }
            if from.name != to.name {
                sqls.push(ddl::alter_table(
                    &at,
                    &format!("RENAME TO {}", quote_ident(&to.name)),
                ));
            }
            many(change, sqls)
        }
        AddColumn { table, column } => {
            let mut out = one(ddl::alter_table(
                table,
                &format!("ADD COLUMN {}", ddl::column_definition(column)),
            ));
            if let Some(sql) = ddl::serial_nullable_fixup(table, column) {
                out.push(extra(sql, format!("allow NULL in {table}.{}", column.name)));
            }
            if column.comment.is_some() {
                out.push(extra(
                    ddl::comment(
                        "COLUMN",
                        &ddl::column_target(table, &column.name),
                        &column.comment,
                    ),
                    format!("comment on column {table}.{}", column.name),
                ));
            }
            out
        }
        DropColumn { table, column } => one(ddl::alter_table(
            table,
            &format!("DROP COLUMN {}", quote_ident(&column.name)),
        )),
        RenameColumn { table, from, to } => one(ddl::alter_table(
            table,
            &format!("RENAME COLUMN {} TO {}", quote_ident(from), quote_ident(to)),
        )),
        SetNullable {
            table,
            column,
            nullable,
        } => one(ddl::alter_table(
            table,
            &format!(
                "ALTER COLUMN {} {} NOT NULL",
                quote_ident(column),
                if *nullable { "DROP" } else { "SET" }
            ),
        )),
        SetDefault {
            table, column, to, ..
        } => one(ddl::alter_table(
            table,
            &match to {
                Some(d) => format!("ALTER COLUMN {} SET DEFAULT {d}", quote_ident(column)),
                None => format!("ALTER COLUMN {} DROP DEFAULT", quote_ident(column)),
            },
        )),
        AlterColumnType { .. } | SetIdentity { .. } | SetSerial { .. } => {
            columns::render_column_change(change)
        }
        SetTableComment { table, to, .. } => one(ddl::comment("TABLE", &table.quoted(), to)),
        SetColumnComment {
            table, column, to, ..
        } => one(ddl::comment(
            "COLUMN",
            &ddl::column_target(table, column),
            to,
        )),
        AddPrimaryKey { table, primary_key } => one(ddl::alter_table(
            table,
            &format!("ADD {}", ddl::primary_key_clause(primary_key)),
        )),
        DropPrimaryKey { table, primary_key } => one(drop_constraint(table, &primary_key.name)),
        AddUnique { table, unique } => one(ddl::alter_table(
            table,
            &format!("ADD {}", ddl::unique_clause(unique)),
        )),
        DropUnique { table, unique } => one(drop_constraint(table, &unique.name)),
        AddCheck { table, check } => one(ddl::alter_table(
            table,
            &format!("ADD {}", ddl::check_clause(check)),
        )),
        DropCheck { table, check } => one(drop_constraint(table, &check.name)),
        AddForeignKey {
            table, foreign_key, ..
        } => one(ddl::add_foreign_key(table, foreign_key)),
        DropForeignKey {
            table, foreign_key, ..
        } => one(drop_constraint(table, &foreign_key.name)),
        RenameConstraint { table, from, to } => one(ddl::alter_table(
            table,
            &format!(
                "RENAME CONSTRAINT {} TO {}",
                quote_ident(from),
                quote_ident(to)
            ),
        )),
        CreateIndex { table, index } => {
            let mut out = one(ddl::create_index(table, index));
            if index.comment.is_some() {
                out.push(extra(
                    ddl::comment(
                        "INDEX",
                        &ddl::index_name(table, &index.name),
                        &index.comment,
                    ),
                    format!("comment on index {}", index.name),
                ));
            }
            out
        }
        DropIndex { table, index } => one(format!(
            "DROP INDEX {};",
            ddl::index_name(table, &index.name)
        )),
        RenameIndex { table, from, to } => one(format!(
            "ALTER INDEX {} RENAME TO {};",
            ddl::index_name(table, from),
            quote_ident(to)
        )),
        SetIndexComment {
            table, index, to, ..
        } => one(ddl::comment("INDEX", &ddl::index_name(table, index), to)),
    }
}

fn drop_constraint(table: &QualifiedName, name: &str) -> String {
    ddl::alter_table(table, &format!("DROP CONSTRAINT {}", quote_ident(name)))
}

/// `CREATE TABLE` with columns, primary key, uniques and checks inline,
/// then its indexes and comments.
fn create_table(change: &Change, table: &petal_ir::Table) -> Vec<Statement> {
    let mut out = vec![single(change, create_table_sql(table, &[]))];
    out.extend(table_extras(table));
    out
}

/// The `CREATE TABLE` statement alone, with `foreign_keys` inline after
/// the checks.
fn create_table_sql(table: &petal_ir::Table, foreign_keys: &[&petal_ir::ForeignKey]) -> String {
    let mut lines: Vec<String> = table.columns.iter().map(ddl::column_definition).collect();
    lines.extend(table.primary_key.iter().map(ddl::primary_key_clause));
    lines.extend(table.uniques.iter().map(ddl::unique_clause));
    lines.extend(table.checks.iter().map(ddl::check_clause));
    lines.extend(foreign_keys.iter().map(|fk| ddl::foreign_key_clause(fk)));
    let body = if lines.is_empty() {
        String::new()
    } else {
        format!("\n    {}\n", lines.join(",\n    "))
    };
    format!("CREATE TABLE {} ({body});", table.name.quoted())
}

/// What completes a new table after its `CREATE TABLE`: the serial
/// nullability fix-ups, its indexes and its comments.
fn table_extras(table: &petal_ir::Table) -> Vec<Statement> {
    let mut out = Vec::new();
    let name = &table.name;
    for column in &table.columns {
        if let Some(sql) = ddl::serial_nullable_fixup(name, column) {
            out.push(extra(sql, format!("allow NULL in {name}.{}", column.name)));
        }
    }
    for index in &table.indexes {
        out.push(extra(
            ddl::create_index(name, index),
            format!("create index {} on {name} (new table)", index.name),
        ));
    }
    if table.comment.is_some() {
        out.push(extra(
            ddl::comment("TABLE", &name.quoted(), &table.comment),
            format!("comment on table {name}"),
        ));
    }
    for column in table.columns.iter().filter(|c| c.comment.is_some()) {
        out.push(extra(
            ddl::comment(
                "COLUMN",
                &ddl::column_target(name, &column.name),
                &column.comment,
            ),
            format!("comment on column {name}.{}", column.name),
        ));
    }
    for index in table.indexes.iter().filter(|i| i.comment.is_some()) {
        out.push(extra(
            ddl::comment("INDEX", &ddl::index_name(name, &index.name), &index.comment),
            format!("comment on index {}", index.name),
        ));
    }
    out
}
