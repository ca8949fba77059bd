//! SQL of creating, dropping and renaming whole objects.

use petal_ir::{ObjectKey, QualifiedName, quote_ident};

use super::{
    ReviewedStatement, Sql, collations, create_table_sql, ddl, enums, extensions, extra, functions,
    many, partitions, policies, privileges, sequences, single, table_extras, triggers, types,
    views,
};
use crate::change::{Change, Delta, Object, Rename};
use crate::impact::Impact;

/// The statements creating `object` (the change's, for the comments).
pub(super) fn create(change: &Change, object: &Object) -> Vec<ReviewedStatement> {
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
        Object::Table { table, .. } => {
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
            out.extend(super::column_extras(table, column));
            if column.comment.is_some() {
                let on = ObjectKey::column(table, &column.name);
                out.push(comment_extra(&on, &column.comment));
            }
            out
        }
        Object::PrimaryKey { table, primary_key } => with_comment(
            one(ddl::add_constraint(
                table,
                ddl::primary_key_clause(table, primary_key),
            )),
            &ObjectKey::constraint(table, &primary_key.name),
            &primary_key.comment,
        ),
        Object::Unique { table, unique } => with_comment(
            one(ddl::add_constraint(
                table,
                ddl::unique_clause(table, unique),
            )),
            &ObjectKey::constraint(table, &unique.name),
            &unique.comment,
        ),
        Object::Check { table, check } => with_comment(
            one(ddl::add_constraint(table, ddl::check_clause(table, check))),
            &ObjectKey::constraint(table, &check.name),
            &check.comment,
        ),
        Object::Exclusion { table, exclusion } => with_comment(
            one(ddl::add_constraint(
                table,
                ddl::exclusion_clause(table, exclusion),
            )),
            &ObjectKey::constraint(table, &exclusion.name),
            &exclusion.comment,
        ),
        Object::ForeignKey {
            table, foreign_key, ..
        } => with_comment(
            one(ddl::add_foreign_key(table, foreign_key)),
            &ObjectKey::constraint(table, &foreign_key.name),
            &foreign_key.comment,
        ),
        Object::Index { table, index } => {
            let mut out = one(ddl::create_index(table, index));
            if index.comment.is_some() {
                out.push(index_comment(table, index));
            }
            out
        }
        Object::Extension { extension } => one(extensions::create(extension).into()),
        Object::Sequence { sequence } => with_rest(change, sequences::create(sequence)),
        Object::View { view } => {
            let mut out = one(views::create_sql(view, false).into());
            out.extend(views::extras(view));
            out
        }
        Object::Function { function } => {
            let mut out = one(functions::create(function).into());
            let on = ObjectKey::function(&function.key());
            if function.comment.is_some() {
                out.push(comment_extra(&on, &function.comment));
            }
            out.extend(privileges::grants(&on, &function.privileges));
            out
        }
        Object::Trigger { trigger } => with_rest(change, triggers::create(trigger)),
        Object::Policy { policy, .. } => with_rest(change, policies::create(policy)),
        Object::Domain { domain } => with_rest(change, types::create_domain(domain)),
        Object::DomainCheck { domain, check, .. } => {
            one(types::add_domain_check(domain, check).into())
        }
        Object::CompositeType { composite } => {
            with_rest(change, types::create_composite(composite))
        }
        Object::Attribute {
            composite,
            attribute,
        } => {
            let mut out = one(types::add_attribute(composite, attribute).into());
            if attribute.comment.is_some() {
                let on = ObjectKey::column(composite, &attribute.name);
                out.push(comment_extra(&on, &attribute.comment));
            }
            out
        }
        Object::RangeType { range } => with_rest(change, types::create_range(range)),
        Object::Collation { collation } => with_rest(change, collations::create(collation)),
    }
}

/// A creation's statement carrying the change, then the ones completing it.
fn with_rest(
    change: &Change,
    (sql, rest): (String, Vec<ReviewedStatement>),
) -> Vec<ReviewedStatement> {
    let mut out = vec![single(change, sql)];
    out.extend(rest);
    out
}

/// The statement dropping `object`.
pub(super) fn drop(change: &Change, object: &Object) -> Vec<ReviewedStatement> {
    // A partition is detached first: PostgreSQL refuses to drop one that a
    // foreign key to its parent reaches, and a detach checks that no row
    // references its rows.
    if let Object::Table {
        table,
        parent_references,
        ..
    } = object
        && let Some(of) = &table.partition_of
    {
        let detach =
            partitions::attach_or_detach(&table.name, &Delta::new(Some(of.clone()), None), None);
        let sqls = detach.into_iter().chain([ddl::drop_table(&table.name)]);
        let mut out = many(change, sqls.collect());
        // Detached, the table alone is locked by its drop, and the tables
        // its copies of the parent's foreign keys reference, whose
        // triggers go with them.
        if let Some(drop) = out.last_mut() {
            drop.impact = Impact::exclusive(&table.name).merge(&crate::impact::each_locked(
                parent_references,
                crate::LockMode::AccessExclusive,
            ));
        }
        return out;
    }
    let sql = match object {
        Object::Schema { name } => format!("DROP SCHEMA {};", quote_ident(name)),
        Object::Enum { enum_type } => enums::drop_enum(&enum_type.name),
        Object::Table { table, .. } => ddl::drop_table(&table.name),
        Object::Column { table, column } => {
            ddl::alter_table(table, &format!("DROP COLUMN {}", quote_ident(&column.name)))
        }
        Object::PrimaryKey { table, primary_key } => drop_constraint(table, &primary_key.name),
        Object::Unique { table, unique } => drop_constraint(table, &unique.name),
        Object::Check { table, check } => drop_constraint(table, &check.name),
        Object::Exclusion { table, exclusion } => drop_constraint(table, &exclusion.name),
        Object::ForeignKey {
            table, foreign_key, ..
        } => drop_constraint(table, &foreign_key.name),
        Object::Index { table, index } => {
            format!("DROP INDEX {};", ddl::index_name(table, &index.name))
        }
        Object::Extension { extension } => extensions::drop(extension),
        Object::Sequence { sequence } => sequences::drop(&sequence.name),
        Object::View { view } => views::drop(view),
        Object::Function { function } => functions::drop(function),
        Object::Trigger { trigger } => triggers::drop(trigger),
        Object::Policy { policy, .. } => policies::drop(policy),
        Object::Domain { domain } => format!("DROP DOMAIN {};", domain.name.quoted()),
        Object::DomainCheck { domain, check, .. } => types::alter_domain(
            domain,
            &format!("DROP CONSTRAINT {}", quote_ident(&check.name)),
        ),
        Object::CompositeType { composite } => types::drop_type(&composite.name),
        Object::Attribute {
            composite,
            attribute,
        } => types::alter_type(
            composite,
            &format!("DROP ATTRIBUTE {}", quote_ident(&attribute.name)),
        ),
        Object::RangeType { range } => types::drop_type(&range.name),
        Object::Collation { collation } => collations::drop(collation),
    };
    vec![single(change, sql)]
}

/// The statements renaming an object (moving a table or type to another
/// schema is a statement of its own).
pub(super) fn rename(change: &Change, rename: &Rename) -> Vec<ReviewedStatement> {
    let one = |sql: String| vec![single(change, sql)];
    match rename {
        Rename::Enum { name } => many(change, enums::rename_enum(&name.from, &name.to)),
        Rename::EnumLabel { enum_type, label } => {
            one(enums::rename_label(enum_type, &label.from, &label.to))
        }
        Rename::Table { name } => many(change, moved("TABLE", name, "")),
        Rename::Sequence { name } => many(change, moved("SEQUENCE", name, "")),
        Rename::View { materialized, name } => many(
            change,
            moved(views::rename_keyword(*materialized), name, ""),
        ),
        Rename::Function { signature, name } => {
            many(change, moved("ROUTINE", name, &format!("({signature})")))
        }
        Rename::Domain { name } => many(change, moved("DOMAIN", name, "")),
        Rename::CompositeType { name } => many(change, moved("TYPE", name, "")),
        Rename::Collation { name } => many(change, moved("COLLATION", name, "")),
        Rename::RangeType { name, multirange } => {
            let mut statements = moved("TYPE", name, "");
            statements.push(types::rename_multirange(name, multirange.as_ref()));
            many(change, statements)
        }
        Rename::Trigger { table, name } => one(triggers::rename(table, &name.from, &name.to)),
        Rename::Policy { table, name } => one(policies::rename(table, &name.from, &name.to)),
        Rename::DomainCheck { domain, name } => one(types::alter_domain(
            domain,
            &format!(
                "RENAME CONSTRAINT {} TO {}",
                quote_ident(&name.from),
                quote_ident(&name.to)
            ),
        )),
        Rename::Attribute { composite, name } => one(types::alter_type(
            composite,
            &format!(
                "RENAME ATTRIBUTE {} TO {}",
                quote_ident(&name.from),
                quote_ident(&name.to)
            ),
        )),
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

/// `ALTER <keyword> <from><suffix> SET SCHEMA ...` when the schema
/// changes, then `RENAME TO ...` when the name does (`suffix`: a function's
/// arguments).
fn moved(keyword: &str, name: &Delta<QualifiedName>, suffix: &str) -> Vec<String> {
    let (from, to) = (&name.from, &name.to);
    let mut sqls = Vec::new();
    let mut at = from.clone();
    if from.schema != to.schema {
        sqls.push(format!(
            "ALTER {keyword} {}{suffix} SET SCHEMA {};",
            at.quoted(),
            quote_ident(&to.schema)
        ));
        at.schema = to.schema.clone();
    }
    if from.name != to.name {
        sqls.push(format!(
            "ALTER {keyword} {}{suffix} RENAME TO {};",
            at.quoted(),
            quote_ident(&to.name)
        ));
    }
    sqls
}

/// `ALTER TABLE t ADD <clause>;`
pub(crate) fn drop_constraint(table: &QualifiedName, name: &str) -> String {
    ddl::alter_table(table, &format!("DROP CONSTRAINT {}", quote_ident(name)))
}

/// `created`, and the comment of what it created when it has one.
fn with_comment(
    mut created: Vec<ReviewedStatement>,
    on: &ObjectKey,
    comment: &Option<String>,
) -> Vec<ReviewedStatement> {
    if comment.is_some() {
        created.push(comment_extra(on, comment));
    }
    created
}

/// The comment of a new object, as a statement of its own after it.
pub(super) fn comment_extra(on: &ObjectKey, text: &Option<String>) -> ReviewedStatement {
    extra(on, ddl::comment_on(on, text), format!("comment on {on}"))
}

/// [`comment_extra`] of an object created with a comment; none without.
pub(super) fn comment_if_any(on: &ObjectKey, text: &Option<String>) -> Vec<ReviewedStatement> {
    text.as_ref()
        .map(|_| comment_extra(on, text))
        .into_iter()
        .collect()
}

/// The comment of an index created with its table or on its own.
pub(crate) fn index_comment(table: &QualifiedName, index: &petal_ir::Index) -> ReviewedStatement {
    let on = ObjectKey::index(table, &index.name);
    let description = format!("comment on index {}", index.name);
    extra(&on, ddl::comment_on(&on, &index.comment), description)
}
