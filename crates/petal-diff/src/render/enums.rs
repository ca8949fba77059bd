//! SQL of enum types: creation, drops, label additions and renames, and
//! the recreation that removing a label takes.

use petal_ir::{ObjectKey, QualifiedName, naming, quote_ident, quote_literal};
use sea_query::{Alias, PostgresQueryBuilder, extension::postgres::Type};

use super::objects::drop_constraint;
use super::{ReviewedStatement, ddl, extra, many_with_impacts};
use crate::change::{
    AddEnumLabel, Change, EnumColumn, EnumForeignKey, Moved, Object, RecreateEnum,
};
use crate::classify::Safety;
use crate::impact::Impact;

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

/// `ALTER TYPE ... ADD VALUE`, placed before the label it precedes.
pub(crate) fn add_label(add: &AddEnumLabel, if_not_exists: bool) -> String {
    let labels = &add.labels;
    let mut sql = format!("ALTER TYPE {} ADD VALUE ", add.name.quoted());
    if if_not_exists {
        sql.push_str("IF NOT EXISTS ");
    }
    sql.push_str(&quote_literal(&add.label));
    if let Some(next) = labels.get(add.index) {
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
        naming::aside_name(&name.name, "petal_old"),
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

/// A type recreation with the foreign keys over its columns dropped before
/// and added back after (both sides of a key must have one type), and its
/// comment carried over.
pub(super) fn recreate(change: &Change, recreate: &RecreateEnum) -> Vec<ReviewedStatement> {
    let name = &recreate.name;
    // What reads the columns goes first and comes back last.
    let moved = |object: &Object| Moved {
        object: object.clone(),
        because: ObjectKey::Enum { name: name.clone() },
    };
    let mut out: Vec<ReviewedStatement> = recreate
        .dependents
        .iter()
        .rev()
        .flat_map(|object| super::render_change(&Change::MoveAside(moved(object))))
        .collect();
    // The keys' own impacts: as a drop and an addition on kept tables.
    let key_object = |f: &EnumForeignKey| Object::ForeignKey {
        table: f.table.clone(),
        foreign_key: f.foreign_key.clone(),
        new_table: false,
    };
    out.extend(recreate.foreign_keys.iter().map(|f| ReviewedStatement {
        impact: Change::Drop(key_object(f)).impact(),
        guard: None,
        ..extra(
            &ObjectKey::constraint(&f.table, &f.foreign_key.name),
            drop_constraint(&f.table, &f.foreign_key.name),
            format!(
                "drop foreign key {} of {} while its type is rebuilt",
                f.foreign_key.name, f.table
            ),
        )
    }));
    // Renaming, creating and dropping the type lock no relation; each
    // column's `ALTER TABLE` rewrites its table.
    out.extend(many_with_impacts(
        change,
        recreate_enum(name, &recreate.to_labels, &recreate.columns),
        |index| match index.checked_sub(2).and_then(|i| recreate.columns.get(i)) {
            Some(column) => Impact::default().rewrite(&column.table),
            None => Impact::default(),
        },
    ));
    for f in &recreate.foreign_keys {
        out.push(ReviewedStatement {
            safety: Safety::Locks,
            impact: Change::Create(key_object(f)).impact(),
            guard: None,
            ..extra(
                &ObjectKey::constraint(&f.table, &f.foreign_key.name),
                ddl::add_foreign_key(&f.table, &f.foreign_key),
                format!("re-add foreign key {} of {}", f.foreign_key.name, f.table),
            )
        });
    }
    if recreate.comment.is_some() {
        let on = ObjectKey::Enum { name: name.clone() };
        out.push(extra(
            &on,
            ddl::comment_on(&on, &recreate.comment),
            format!("comment on enum type {name} (recreated)"),
        ));
    }
    let on = ObjectKey::Enum { name: name.clone() };
    out.extend(super::privileges::grants(&on, &recreate.privileges));
    for object in &recreate.dependents {
        out.extend(super::render_change(&Change::PutBack(moved(object))));
    }
    out
}
