//! SQL of column alterations that need more than one clause: type changes
//! (with `USING` and the default around them), identity and serial.

use petal_ir::{QualifiedName, naming, quote_ident, quote_literal};

use super::{Statement, ddl, extra, single};
use crate::change::Change;
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

/// The `ALTER TABLE` actions of an `AlterColumnType`: the type, and the
/// default dropped before and set after when it changes or a `USING` cast
/// is needed. (PostgreSQL runs an `ALTER TABLE`'s actions in passes: every
/// `DROP DEFAULT`, then every type, then every `SET DEFAULT`.)
fn type_change_actions(change: &Change) -> Vec<String> {
    let Change::AlterColumnType {
        column,
        from,
        to,
        to_collation,
        default_before,
        default_after,
        ..
    } = change
    else {
        return Vec::new();
    };
    let col = quote_ident(column);
    let (from_enum, to_enum) = (is_user_type(from), is_user_type(to));
    let using = crate::casts::using_cast(from, to, from_enum, to_enum);
    let around_default = default_before != default_after || using.is_some();
    let mut actions = Vec::new();
    if default_before.is_some() && around_default {
        actions.push(format!("ALTER COLUMN {col} DROP DEFAULT"));
    }
    let mut ty = format!("ALTER COLUMN {col} TYPE {to}");
    if let Some(collation) = to_collation {
        ty.push_str(&format!(" COLLATE {}", quote_ident(collation)));
    }
    if let Some(cast) = using {
        ty.push_str(&format!(" USING {col}{cast}"));
    }
    actions.push(ty);
    if let (Some(default), true) = (default_after, around_default) {
        actions.push(format!("ALTER COLUMN {col} SET DEFAULT {default}"));
    }
    actions
}

/// A serial column's sequence follows its new integer type.
fn sequence_follows_type(change: &Change) -> Option<Statement> {
    match change {
        Change::AlterColumnType {
            table,
            column,
            from,
            to,
            serial: true,
            ..
        } if to.as_str() != from.as_str() => Some(extra(
            on_owned_sequence(table, column, &format!("ALTER SEQUENCE %s AS {to}")),
            format!("make the sequence of {table}.{column} {to}"),
        )),
        _ => None,
    }
}

/// Type changes of one table (`changes`, at least two) as one `ALTER
/// TABLE`, one action per line, which rewrites the table once: the
/// statement carries the first change, the others are folded into it.
/// Sequences of serial columns follow.
pub(super) fn fold_type_changes(changes: &[Change]) -> Vec<Statement> {
    let Some(Change::AlterColumnType { table, .. }) = changes.first() else {
        return Vec::new();
    };
    let actions: Vec<String> = changes.iter().flat_map(type_change_actions).collect();
    let sql = format!(
        "ALTER TABLE {}\n    {};",
        table.quoted(),
        actions.join(",\n    ")
    );
    let mut statement = single(&changes[0], sql);
    statement.folded = changes[1..]
        .iter()
        .map(|c| single(c, String::new()))
        .collect();
    let mut out = vec![statement];
    out.extend(changes.iter().filter_map(sequence_follows_type));
    out
}

/// The statements of `AlterColumnType`, `SetIdentity` and `SetSerial`.
pub(super) fn render_column_change(change: &Change) -> Vec<Statement> {
    use Change::*;
    let one = |sql: String| vec![single(change, sql)];
    match change {
        AlterColumnType { table, .. } => {
            let mut out = one(ddl::alter_table(
                table,
                &type_change_actions(change).join(", "),
            ));
            out.extend(sequence_follows_type(change));
            out
        }
        SetIdentity {
            table,
            column,
            from,
            to,
        } => {
            let col = quote_ident(column);
            match (from, to) {
                (_, None) => one(ddl::alter_table(
                    table,
                    &format!("ALTER COLUMN {col} DROP IDENTITY"),
                )),
                (None, Some(identity)) => vec![
                    single(
                        change,
                        ddl::alter_table(
                            table,
                            &format!("ALTER COLUMN {col} ADD {}", identity_sql(*identity)),
                        ),
                    ),
                    extra(
                        sequence_past_rows(table, column),
                        format!("start the identity of {table}.{column} after existing values"),
                    ),
                ],
                (Some(_), Some(identity)) => {
                    let kind = match identity {
                        petal_ir::Identity::Always => "ALWAYS",
                        petal_ir::Identity::ByDefault => "BY DEFAULT",
                    };
                    one(ddl::alter_table(
                        table,
                        &format!("ALTER COLUMN {col} SET GENERATED {kind}"),
                    ))
                }
            }
        }
        SetSerial {
            table,
            column,
            ty,
            serial,
        } => {
            let col = quote_ident(column);
            if *serial {
                let sequence = QualifiedName::new(
                    table.schema.clone(),
                    naming::make_object_name(&table.name, Some(column), Some("seq")),
                );
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
                        sequence_past_rows(table, column),
                        format!("start the sequence of {table}.{column} after existing values"),
                    ),
                ]
            } else {
                vec![
                    single(
                        change,
                        ddl::alter_table(table, &format!("ALTER COLUMN {col} DROP DEFAULT")),
                    ),
                    extra(
                        on_owned_sequence(table, column, "DROP SEQUENCE %s"),
                        format!("drop the sequence owned by {table}.{column}"),
                    ),
                ]
            }
        }
        _ => Vec::new(),
    }
}
