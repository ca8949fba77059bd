//! The online recipes of a column's NOT NULL: on PostgreSQL 18 the NOT
//! NULL constraint itself added `NOT VALID` and validated in a later step;
//! on 13–17 a check `(col IS NOT NULL)` added `NOT VALID`, validated, then
//! `SET NOT NULL`, which reads nothing once the check proves it. Names are
//! cut to PostgreSQL's 63 bytes with a hash, so two stay two.

use petal_ir::{Check, ObjectKey, QualifiedName, quote_ident};

use super::{Scope, online};
use crate::change::{Alter, Change, NotNull, Object};
use crate::classify::Safety;
use crate::impact::Impact;
use crate::render::{ReviewedStatement, Sql, ddl, extra, objects, single};

/// Whether a server has `NOT NULL ... NOT VALID` (PostgreSQL 18).
fn native_not_null(server_version_num: i32) -> bool {
    server_version_num >= 180000
}

/// The online recipe of a column's NOT NULL change, when it has one.
pub(crate) enum NotNullRecipe<'c> {
    /// PostgreSQL 18: the NOT NULL constraint itself added `NOT VALID`,
    /// validated in a later step.
    Native {
        table: &'c QualifiedName,
        column: &'c str,
    },
    /// 13–17: a check `(col IS NOT NULL)` added `NOT VALID` and validated
    /// proves it, then `SET NOT NULL` reads nothing.
    Check {
        table: &'c QualifiedName,
        column: &'c str,
    },
    /// A NOT NULL left `NOT VALID`, validated in a step of its own.
    Validation {
        table: &'c QualifiedName,
        name: &'c str,
    },
}

/// How the online recipes write `change`, a column's NOT NULL, within
/// `changes`; `None` when it has no online form there (the plain form).
pub(crate) fn not_null_recipe<'c>(
    changes: &[Change],
    change: &'c Change,
    scope: Scope,
) -> Option<NotNullRecipe<'c>> {
    let Scope::All { server_version_num } = scope else {
        return None;
    };
    match change {
        Change::Alter(Alter::Nullable {
            table,
            column,
            nullable,
        }) if !nullable.to && !not_null_in_first_step(changes, table, column) => {
            Some(if native_not_null(server_version_num) {
                NotNullRecipe::Native { table, column }
            } else {
                NotNullRecipe::Check { table, column }
            })
        }
        Change::Alter(Alter::NotNullState {
            table,
            column,
            state,
        }) if !not_null_in_first_step(changes, table, column) => match (&state.from, &state.to) {
            (NotNull::NotValid(name), NotNull::Valid) => {
                Some(NotNullRecipe::Validation { table, name })
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether the migration's transactional step needs the column NOT NULL
/// (so its own NOT NULL change goes there, before): a primary key created
/// over it sets NOT NULL itself (and PostgreSQL 18 refuses one over a NOT
/// NULL still `NOT VALID`), and an identity added to it needs NOT NULL
/// first.
fn not_null_in_first_step(changes: &[Change], table: &QualifiedName, column: &str) -> bool {
    changes.iter().any(|c| match c {
        Change::Create(Object::PrimaryKey {
            table: t,
            primary_key,
        }) => t == table && primary_key.columns.iter().any(|k| k == column),
        Change::Alter(Alter::Identity {
            table: t,
            column: c,
            identity,
            ..
        }) => t == table && c == column && identity.from.is_none() && identity.to.is_some(),
        _ => false,
    })
}

/// The check proving a column holds no NULL.
pub(super) fn not_null_check(column: &str) -> Check {
    Check {
        not_valid: false,
        no_inherit: false,
        comment: None,
        name: petal_ir::naming::hashed_identifier(format!("petal_not_null_{column}")),
        expr: format!("{} IS NOT NULL", quote_ident(column)),
    }
}

/// petal's name for a column's NOT NULL constraint: PostgreSQL's own
/// default, `<table>_<column>_not_null`, when it fits in 63 bytes.
pub(super) fn not_null_name(table: &QualifiedName, column: &str) -> String {
    petal_ir::naming::hashed_identifier(format!("{}_{column}_not_null", table.name))
}

/// The NOT NULL constraint added `NOT VALID`: new rows are checked from
/// here on, the column reads as NOT NULL, and its validation follows.
pub(super) fn native_not_null_proof(
    change: &Change,
    table: &QualifiedName,
    column: &str,
    name: &str,
) -> ReviewedStatement {
    let sql = ddl::alter_table(
        table,
        &crate::render::columns::add_not_null_not_valid(name, column),
    );
    let mut statement = online(
        single(change, sql),
        Safety::Safe,
        vec![format!(
            "new and updated rows are checked from now on; the rows present are checked by \
             the validation of {name} below"
        )],
        Impact::exclusive(table),
    );
    statement.description.push_str(" (NOT VALID)");
    statement
}

pub(super) fn not_null_proof(
    table: &QualifiedName,
    column: &str,
    check: &Check,
) -> ReviewedStatement {
    let mut action = Sql::new();
    action.push("ADD ").append(ddl::check_clause(table, check));
    action.push(" NOT VALID");
    let mut statement = extra(
        &ObjectKey::constraint(table, &check.name),
        ddl::alter_table_traced(table, action),
        format!(
            "add check {} on {table} (NOT VALID): {column} IS NOT NULL, to set NOT NULL \
             without reading the table",
            check.name
        ),
    );
    statement.notes = vec!["new and updated rows are checked from now on".to_string()];
    statement.impact = Impact::exclusive(table);
    statement
}

pub(super) fn set_not_null(
    change: &Change,
    table: &QualifiedName,
    column: &str,
    check: &Check,
) -> Vec<ReviewedStatement> {
    let set = online(
        single(
            change,
            ddl::alter_table(
                table,
                &format!("ALTER COLUMN {} SET NOT NULL", quote_ident(column)),
            ),
        ),
        Safety::Safe,
        vec![format!(
            "reads nothing: the validated check {} proves it",
            check.name
        )],
        Impact::exclusive(table),
    );
    let mut drop = extra(
        &ObjectKey::constraint(table, &check.name),
        objects::drop_constraint(table, &check.name),
        format!(
            "drop check {} of {table}: NOT NULL holds it now",
            check.name
        ),
    );
    drop.impact = Impact::exclusive(table);
    vec![set, drop]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_to_distinct_identifiers() {
        assert_eq!(
            petal_ir::naming::hashed_identifier("orders_code_not_null".into()),
            "orders_code_not_null"
        );
        let long = "a_column_whose_name_runs_on_and_on_and_on_well_past_the_limit";
        let one = not_null_check(&format!("{long}_one")).name;
        let two = not_null_check(&format!("{long}_two")).name;
        assert!(one.len() <= 63 && two.len() <= 63, "{one} {two}");
        assert_ne!(one, two);
        assert_eq!(one, not_null_check(&format!("{long}_one")).name);
        let multibyte = petal_ir::naming::hashed_identifier("ä".repeat(40));
        assert!(multibyte.len() <= 63, "{multibyte}");
    }
}
