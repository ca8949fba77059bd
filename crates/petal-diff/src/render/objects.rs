//! SQL of creating, dropping and renaming whole objects.

use petal_ir::{ObjectKey, QualifiedName, quote_ident};

use super::{Sql, Statement, create_table_sql, ddl, enums, extra, many, single, table_extras};
use crate::change::{Change, Object, Rename};

/// The statements creating `object` (the change's, for the comments).
pub(super) fn create(change: &Change, object: &Object) -> Vec<Statement> {
    let one = |sql: Sql| vec![single(change, sql)];
    match object {
        Object::Schema { name } => one(format!("CREATE SCHEMA {};", quote_ident(name)).into()),
        Object::Enum { enum_type } => {
            let mut out = one(enums::create_enum(&enum_type.name, &enum_type.labels).into());
            if enum_type.comment.is_some() {
                let on = ObjectKey::Enum {
                    name: enum_type.name.clone(),
                };
                out.push(comment_extra(&on, &enum_type.comment));
            }
            out
        }
        Object::Table { table } => {
            let mut out = one(create_table_sql(table, &[]));
            out.extend(table_extras(table));
            out
        }
        Object::Column { table, column } => {
            let mut action = Sql::new();
            action
                .push("ADD COLUMN ")
                .append(ddl::column_definition(table, column));
            let mut out = one(ddl::alter_table_traced(table, action));
            if let Some(sql) = ddl::serial_nullable_fixup(table, column) {
                let on = ObjectKey::column(table, &column.name);
                out.push(extra(
                    &on,
                    sql,
                    format!("allow NULL in {table}.{}", column.name),
                ));
            }
            if column.comment.is_some() {
                let on = ObjectKey::column(table, &column.name);
                out.push(comment_extra(&on, &column.comment));
            }
            out
        }
        Object::PrimaryKey { table, primary_key } => {
            one(add(table, ddl::primary_key_clause(table, primary_key)))
        }
        Object::Unique { table, unique } => one(add(table, ddl::unique_clause(table, unique))),
        Object::Check { table, check } => one(add(table, ddl::check_clause(table, check))),
        Object::ForeignKey {
            table, foreign_key, ..
        } => one(ddl::add_foreign_key(table, foreign_key)),
        Object::Index { table, index } => {
            let mut out = one(ddl::create_index(table, index));
            if index.comment.is_some() {
                let on = ObjectKey::index(table, &index.name);
                let description = format!("comment on index {}", index.name);
                out.push(extra(
                    &on,
                    ddl::comment_on(&on, &index.comment),
                    description,
                ));
            }
            out
        }
    }
}

/// The statement dropping `object`.
pub(super) fn drop(change: &Change, object: &Object) -> Vec<Statement> {
    let sql = match object {
        Object::Schema { name } => format!("DROP SCHEMA {};", quote_ident(name)),
        Object::Enum { enum_type } => enums::drop_enum(&enum_type.name),
        Object::Table { table } => ddl::drop_table(&table.name),
        Object::Column { table, column } => {
            ddl::alter_table(table, &format!("DROP COLUMN {}", quote_ident(&column.name)))
        }
        Object::PrimaryKey { table, primary_key } => drop_constraint(table, &primary_key.name),
        Object::Unique { table, unique } => drop_constraint(table, &unique.name),
        Object::Check { table, check } => drop_constraint(table, &check.name),
        Object::ForeignKey {
            table, foreign_key, ..
        } => drop_constraint(table, &foreign_key.name),
        Object::Index { table, index } => {
            format!("DROP INDEX {};", ddl::index_name(table, &index.name))
        }
    };
    vec![single(change, sql)]
}

/// The statements renaming an object (moving a table or type to another
/// schema is a statement of its own).
pub(super) fn rename(change: &Change, rename: &Rename) -> Vec<Statement> {
    let one = |sql: String| vec![single(change, sql)];
    match rename {
        Rename::Enum { name } => many(change, enums::rename_enum(&name.from, &name.to)),
        Rename::EnumLabel { enum_type, label } => {
            one(enums::rename_label(enum_type, &label.from, &label.to))
        }
        Rename::Table { name } => {
            let (from, to) = (&name.from, &name.to);
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
        Rename::Column { table, name } => one(ddl::alter_table(
            table,
            &format!(
                "RENAME COLUMN {} TO {}",
                quote_ident(&name.from),
                quote_ident(&name.to)
            ),
        )),
        Rename::Constraint { table, name } => one(ddl::alter_table(
            table,
            &format!(
                "RENAME CONSTRAINT {} TO {}",
                quote_ident(&name.from),
                quote_ident(&name.to)
            ),
        )),
        Rename::Index { table, name } => one(format!(
            "ALTER INDEX {} RENAME TO {};",
            ddl::index_name(table, &name.from),
            quote_ident(&name.to)
        )),
    }
}

/// `ALTER TABLE t ADD <clause>;`
fn add(table: &QualifiedName, clause: Sql) -> Sql {
    let mut action = Sql::new();
    action.push("ADD ").append(clause);
    ddl::alter_table_traced(table, action)
}

pub(super) fn drop_constraint(table: &QualifiedName, name: &str) -> String {
    ddl::alter_table(table, &format!("DROP CONSTRAINT {}", quote_ident(name)))
}

/// The comment of a new object, as a statement of its own after it.
pub(super) fn comment_extra(on: &ObjectKey, text: &Option<String>) -> Statement {
    extra(on, ddl::comment_on(on, text), format!("comment on {on}"))
}
