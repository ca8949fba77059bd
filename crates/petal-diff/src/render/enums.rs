//! SQL of enum types: creation, drops, label additions and renames, and
//! the recreation that removing a label takes.

use petal_ir::{QualifiedName, naming, quote_ident, quote_literal};
use sea_query::{Alias, PostgresQueryBuilder, extension::postgres::Type};

use crate::change::EnumColumn;

pub(crate) fn create_enum(name: &QualifiedName, labels: &[String]) -> String {
    let labels: Vec<String> = labels.iter().map(|l| quote_literal(l)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({});",
        name.quoted(),
        labels.join(", ")
    )
}

/// `DROP TYPE "s"."t";` through sea-query (identifiers only, no literal).
pub(crate) fn drop_enum(name: &QualifiedName) -> String {
    let statement = Type::drop()
        .name((
            Alias::new(name.schema.as_str()),
            Alias::new(name.name.as_str()),
        ))
        .to_string(PostgresQueryBuilder);
    format!("{statement};")
}

pub(crate) fn add_label(
    name: &QualifiedName,
    labels: &[String],
    label: &str,
    index: usize,
    if_not_exists: bool,
) -> String {
    let mut sql = format!("ALTER TYPE {} ADD VALUE ", name.quoted());
    if if_not_exists {
        sql.push_str("IF NOT EXISTS ");
    }
    sql.push_str(&quote_literal(label));
    if let Some(next) = labels.get(index) {
        sql.push_str(&format!(" BEFORE {}", quote_literal(next)));
    } else if let Some(last) = labels.last() {
        sql.push_str(&format!(" AFTER {}", quote_literal(last)));
    }
    sql.push(';');
    sql
}

pub(crate) fn rename_label(name: &QualifiedName, from: &str, to: &str) -> String {
    format!(
        "ALTER TYPE {} RENAME VALUE {} TO {};",
        name.quoted(),
        quote_literal(from),
        quote_literal(to)
    )
}

pub(crate) fn rename_enum(from: &QualifiedName, to: &QualifiedName) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = from.clone();
    if from.schema != to.schema {
        out.push(format!(
            "ALTER TYPE {} SET SCHEMA {};",
            at.quoted(),
            quote_ident(&to.schema)
        ));
        at.schema = to.schema.clone();
    }
    if from.name != to.name {
        out.push(format!(
            "ALTER TYPE {} RENAME TO {};",
            at.quoted(),
            quote_ident(&to.name)
        ));
    }
    out
}

/// The name the old type takes while its replacement is built.
pub(crate) fn retired_name(name: &QualifiedName) -> QualifiedName {
    QualifiedName::new(
        name.schema.clone(),
        naming::make_object_name(&name.name, None, Some("petal_old")),
    )
}

/// Rename the old type away, create the new one, convert every column
/// through `text` (defaults dropped and set around it), drop the old type.
pub(crate) fn recreate_enum(
    name: &QualifiedName,
    labels: &[String],
    columns: &[EnumColumn],
) -> Vec<String> {
    let retired = retired_name(name);
    let mut out = vec![
        format!(
            "ALTER TYPE {} RENAME TO {};",
            name.quoted(),
            quote_ident(&retired.name)
        ),
        create_enum(name, labels),
    ];
    for column in columns {
        let col = quote_ident(&column.column);
        let (through, target) = if column.array {
            ("text[]", format!("{}[]", name.quoted()))
        } else {
            ("text", name.quoted())
        };
        let mut actions = Vec::new();
        if column.default_before.is_some() {
            actions.push(format!("ALTER COLUMN {col} DROP DEFAULT"));
        }
        actions.push(format!(
            "ALTER COLUMN {col} TYPE {target} USING {col}::{through}::{target}"
        ));
        if let Some(default) = &column.default_after {
            actions.push(format!("ALTER COLUMN {col} SET DEFAULT {default}"));
        }
        out.push(format!(
            "ALTER TABLE {} {};",
            column.table.quoted(),
            actions.join(", ")
        ));
    }
    out.push(drop_enum(&retired));
    out
}
