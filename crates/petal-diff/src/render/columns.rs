//! SQL of column alterations that need more than one clause: type changes
//! (with `USING` and the default around them), identity and serial.

use petal_ir::{
    Identity, ObjectKey, Origin, Part, QualifiedName, SqlType, quote_ident, quote_literal,
};

use super::{ReviewedStatement, Sql, ddl, extra, single};
use crate::change::{Alter, Change, Delta, NotNull};
use crate::classify::identity_sql;
use crate::names::is_user_type;

/// `pg_get_serial_sequence('"s"."t"', 'c')`: the sequence an identity or
/// serial column owns, whatever it is named.
fn owned_sequence(table: &QualifiedName, column: &str) -> String {
    format!(
        "pg_get_serial_sequence({}, {})",
        quote_literal(&table.quoted()),
        quote_literal(column)
    )
}

/// Moves a new sequence past the values already in the column.
fn sequence_past_rows(table: &QualifiedName, column: &str) -> String {
    format!(
        "SELECT setval({}, coalesce(max({col}), 0) + 1, false) FROM {};",
        owned_sequence(table, column),
        table.quoted(),
        col = quote_ident(column)
    )
}

/// A statement on the owned sequence of a column, whose name the IR does
/// not keep (a renamed table keeps its sequence's old name).
/// `template` holds `%s` where the sequence name goes.
fn on_owned_sequence(table: &QualifiedName, column: &str, template: &str) -> String {
    format!(
        "DO $petal$ BEGIN EXECUTE format({}, {}); END $petal$;",
        quote_literal(template),
        owned_sequence(table, column)
    )
}

/// The `ALTER TABLE` actions of a type change: the type, and the default
/// dropped before and set after when it changes or a `USING` cast is
/// needed. (PostgreSQL runs an `ALTER TABLE`'s actions in passes: every
/// `DROP DEFAULT`, then every type, then every `SET DEFAULT`.)
fn type_change_actions(change: &Change) -> Vec<Sql> {
    let Change::Alter(Alter::ColumnType {
        table, column, ty, ..
    }) = change
    else {
        return Vec::new();
    };
    let key = ObjectKey::column(table, column);
    let (from, to) = (&ty.from.ty, &ty.to.ty);
    let col = quote_ident(column);
    let (from_enum, to_enum) = (is_user_type(from), is_user_type(to));
    let using = crate::casts::using_cast(from, to, from_enum, to_enum);
    let around_default = ty.from.default != ty.to.default || using.is_some();
    let mut actions = Vec::new();
    if ty.from.default.is_some() && around_default {
        actions.push(Sql::from(format!("ALTER COLUMN {col} DROP DEFAULT")));
    }
    let mut action = Sql::new();
    action.push(&format!("ALTER COLUMN {col} TYPE "));
    action.push_traced(Origin::part(key.clone(), Part::Type), to.as_str());
    if let Some(collation) = &ty.to.collation {
        action.push(&format!(" COLLATE {}", petal_ir::collation_sql(collation)));
    }
    if let Some(cast) = using {
        action.push(&format!(" USING {col}{cast}"));
    }
    actions.push(action);
    if let (Some(default), true) = (&ty.to.default, around_default) {
        actions.push(set_default(&key, column, default));
    }
    actions
}

/// `ALTER COLUMN c SET DEFAULT <default>`, the default traced.
fn set_default(key: &ObjectKey, column: &str, default: &str) -> Sql {
    let mut action = Sql::new();
    action.push(&format!(
        "ALTER COLUMN {} SET DEFAULT ",
        quote_ident(column)
    ));
    action.push_traced(Origin::part(key.clone(), Part::Default), default);
    action
}

/// Actions joined by `separator`, their origins kept.
fn joined(actions: Vec<Sql>, separator: &str) -> Sql {
    let mut sql = Sql::new();
    for (i, action) in actions.into_iter().enumerate() {
        if i > 0 {
            sql.push(separator);
        }
        sql.append(action);
    }
    sql
}

/// A serial column's sequence follows its new integer type.
fn sequence_follows_type(change: &Change) -> Option<ReviewedStatement> {
    match change {
        Change::Alter(Alter::ColumnType {
            table,
            column,
            serial: true,
            ty,
        }) if ty.to.ty.as_str() != ty.from.ty.as_str() => {
            let to = &ty.to.ty;
            Some(extra(
                &ObjectKey::column(table, column),
                on_owned_sequence(table, column, &format!("ALTER SEQUENCE %s AS {to}")),
                format!("make the sequence of {table}.{column} {to}"),
            ))
        }
        _ => None,
    }
}

/// Type changes of one table (`changes`, at least two) as one `ALTER
/// TABLE`, one action per line, which rewrites the table once: the
/// statement carries the first change, the others are folded into it.
/// Sequences of serial columns follow.
pub(super) fn fold_type_changes(changes: &[Change]) -> Vec<ReviewedStatement> {
    let Some(Change::Alter(Alter::ColumnType { table, .. })) = changes.first() else {
        return Vec::new();
    };
    let actions: Vec<Sql> = changes.iter().flat_map(type_change_actions).collect();
    let mut sql = Sql::new();
    sql.push(&format!("ALTER TABLE {}\n    ", table.quoted()));
    sql.append(joined(actions, ",\n    "));
    sql.push(";");
    let mut statement = single(&changes[0], sql);
    statement.folded = changes[1..]
        .iter()
        .map(|c| single(c, String::new()))
        .collect();
    let mut out = vec![statement];
    out.extend(changes.iter().filter_map(sequence_follows_type));
    out
}

/// The statements of a column's alteration.
/// `ALTER TABLE ... ALTER COLUMN ... TYPE`, and the serial sequence after.
pub(super) fn type_change(change: &Change, table: &QualifiedName) -> Vec<ReviewedStatement> {
    let actions = joined(type_change_actions(change), ", ");
    let mut out = vec![single(change, ddl::alter_table_traced(table, actions))];
    out.extend(sequence_follows_type(change));
    out
}

pub(super) fn nullable(table: &QualifiedName, column: &str, nullable: bool) -> String {
    ddl::alter_table(
        table,
        &format!(
            "ALTER COLUMN {} {} NOT NULL",
            quote_ident(column),
            if nullable { "DROP" } else { "SET" }
        ),
    )
}

/// A NOT NULL added `NOT VALID`, validated, made so again (PostgreSQL
/// has no statement for it but a drop and an addition, in one `ALTER
/// TABLE`, reading nothing), or dropped.
pub(super) fn not_null_state(
    table: &QualifiedName,
    column: &str,
    state: &Delta<NotNull>,
) -> String {
    let drop = format!("ALTER COLUMN {} DROP NOT NULL", quote_ident(column));
    let action = match (&state.from, &state.to) {
        (NotNull::NotValid(name), NotNull::Valid) => {
            format!("VALIDATE CONSTRAINT {}", quote_ident(name))
        }
        (NotNull::Absent, NotNull::NotValid(name)) => add_not_null_not_valid(name, column),
        (_, NotNull::NotValid(name)) => format!("{drop}, {}", add_not_null_not_valid(name, column)),
        (_, NotNull::Absent) => drop,
        (_, NotNull::Valid) => return nullable(table, column, false),
    };
    ddl::alter_table(table, &action)
}

/// `ADD CONSTRAINT n NOT NULL c NOT VALID` (PostgreSQL 18).
pub(super) fn add_not_null_not_valid(constraint: &str, column: &str) -> String {
    format!(
        "ADD CONSTRAINT {} NOT NULL {} NOT VALID",
        quote_ident(constraint),
        quote_ident(column)
    )
}

pub(super) fn default(table: &QualifiedName, column: &str, default: &Option<String>) -> Sql {
    let action = match default {
        Some(d) => set_default(&ObjectKey::column(table, column), column, d),
        None => Sql::from(format!("ALTER COLUMN {} DROP DEFAULT", quote_ident(column))),
    };
    ddl::alter_table_traced(table, action)
}

pub(super) fn identity_change(
    change: &Change,
    table: &QualifiedName,
    column: &str,
    identity: &Delta<Option<Identity>>,
    sequence: &Option<QualifiedName>,
) -> Vec<ReviewedStatement> {
    let col = quote_ident(column);
    let one = |sql: String| vec![single(change, sql)];
    let named = sequence
        .as_ref()
        .map(|s| format!(" (SEQUENCE NAME {})", s.quoted()))
        .unwrap_or_default();
    match (identity.from, identity.to) {
        (_, None) => one(ddl::alter_table(
            table,
            &format!("ALTER COLUMN {col} DROP IDENTITY"),
        )),
        (None, Some(identity)) => vec![
            single(
                change,
                ddl::alter_table(
                    table,
                    &format!("ALTER COLUMN {col} ADD {}{named}", identity_sql(identity)),
                ),
            ),
            extra(
                &ObjectKey::column(table, column),
                sequence_past_rows(table, column),
                format!("start the identity of {table}.{column} after existing values"),
            ),
        ],
        (Some(_), Some(identity)) => {
            let kind = match identity {
                Identity::Always => "ALWAYS",
                Identity::ByDefault => "BY DEFAULT",
            };
            one(ddl::alter_table(
                table,
                &format!("ALTER COLUMN {col} SET GENERATED {kind}"),
            ))
        }
    }
}

pub(super) fn serial_change(
    change: &Change,
    table: &QualifiedName,
    column: &str,
    ty: &SqlType,
    serial: bool,
    named: &Option<QualifiedName>,
) -> Vec<ReviewedStatement> {
    let col = quote_ident(column);
    // The sequence by name, not `pg_get_serial_sequence`: a column may own
    // several sequences (`ALTER SEQUENCE ... OWNED BY` another one), and
    // that function returns any of them.
    let sequence = named
        .clone()
        .unwrap_or_else(|| super::sequences::picked(table, column));
    if !serial {
        return vec![
            single(
                change,
                ddl::alter_table(table, &format!("ALTER COLUMN {col} DROP DEFAULT")),
            ),
            extra(
                &ObjectKey::column(table, column),
                format!("DROP SEQUENCE {};", sequence.quoted()),
                format!("drop the sequence {sequence} owned by {table}.{column}"),
            ),
        ];
    }
    vec![
        single(
            change,
            format!(
                "CREATE SEQUENCE {} AS {ty} OWNED BY {};",
                sequence.quoted(),
                ddl::column_target(table, column)
            ),
        ),
        extra(
            &ObjectKey::column(table, column),
            ddl::alter_table(
                table,
                &format!(
                    "ALTER COLUMN {col} SET DEFAULT nextval({}::regclass)",
                    quote_literal(&sequence.quoted())
                ),
            ),
            format!("feed {table}.{column} from its sequence"),
        ),
        extra(
            &ObjectKey::column(table, column),
            format!(
                "SELECT setval({}::regclass, coalesce(max({col}), 0) + 1, false) FROM {};",
                quote_literal(&sequence.quoted()),
                table.quoted()
            ),
            format!("start the sequence of {table}.{column} after existing values"),
        ),
    ]
}
