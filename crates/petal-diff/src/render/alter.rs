//! SQL of alterations (a column's in `columns`), and of `CREATE OR
//! REPLACE`.

use petal_ir::quote_ident;

use super::{ReviewedStatement, columns, ddl, extensions, functions, many, sequences, single};
use super::{copy_rows, partitions, policies, privileges, table_options, triggers, types, views};
use crate::change::{Alter, Change, Replace};

/// The statements of an alteration that is not a column's.
pub(super) fn render(change: &Change, alter: &Alter) -> Vec<ReviewedStatement> {
    let one = |sql: String| vec![single(change, sql)];
    match alter {
        Alter::ColumnType { table, .. } => columns::type_change(change, table),
        Alter::Nullable {
            table,
            column,
            nullable,
        } => one(columns::nullable(table, column, nullable.to)),
        Alter::NotNullState {
            table,
            column,
            state,
        } => one(columns::not_null_state(table, column, state)),
        Alter::Default {
            table,
            column,
            default,
            ..
        } => vec![single(change, columns::default(table, column, &default.to))],
        Alter::Identity {
            table,
            column,
            identity,
            sequence,
        } => columns::identity_change(change, table, column, identity, sequence),
        Alter::Serial {
            table,
            column,
            ty,
            serial,
            sequence,
        } => columns::serial_change(change, table, column, ty, serial.to, sequence),
        Alter::ColumnSequence {
            table,
            column,
            sequence,
        } => many(
            change,
            sequences::rename_column_sequence(table, column, &sequence.from, &sequence.to),
        ),
        Alter::Comment { on, text } => one(ddl::comment_on(on, &text.to)),
        Alter::Unlogged { table, unlogged } => one(table_options::set_unlogged(table, unlogged.to)),
        Alter::TableStorage { table, storage } => {
            one(table_options::storage(table, &storage.from, &storage.to))
        }
        Alter::ReplicaIdentity { table, identity } => {
            one(table_options::replica_identity(table, &identity.to))
        }
        Alter::RowSecurity { .. } | Alter::Policy { .. } | Alter::Privileges { .. } => {
            access(change, alter)
        }
        Alter::PartitionOf {
            table,
            partition_of,
            stands_alone,
            ..
        } => partitions::statements(change, table, partition_of, stands_alone),
        Alter::IndexCopies { .. } | Alter::Inherit { .. } => {
            partitions::place(alter).map(one).unwrap_or_default()
        }
        Alter::CopyRows { rows } => copy_rows::copy(change, rows),
        Alter::ConstraintValid {
            table,
            constraint,
            valid,
        } => {
            let mut out = one(ddl::constraint_validity(table, constraint, valid.to));
            // Dropped and added again, it lost its comment.
            if !valid.to && constraint.comment().is_some() {
                let on = petal_ir::ObjectKey::constraint(table, constraint.name());
                out.push(super::objects::comment_extra(&on, constraint.comment()));
            }
            out
        }
        Alter::ExtensionVersion { name, version } => one(extensions::update(name, &version.to)),
        Alter::ExtensionSchema { name, schema } => one(extensions::set_schema(name, &schema.to)),
        Alter::SequenceSettings { name, settings } => {
            one(sequences::alter_settings(name, &settings.to))
        }
        Alter::SequenceOwner { name, owner } => one(sequences::set_owner(name, &owner.to)),
        Alter::TriggerEnabled {
            table,
            name,
            enabled,
        } => one(triggers::set_enabled(table, name, enabled.to)),
        Alter::DomainDefault { domain, default } => one(types::alter_domain(
            domain,
            &match &default.to {
                Some(d) => format!("SET DEFAULT {d}"),
                None => "DROP DEFAULT".to_string(),
            },
        )),
        Alter::DomainNotNull {
            domain, not_null, ..
        } => one(types::alter_domain(
            domain,
            if not_null.to {
                "SET NOT NULL"
            } else {
                "DROP NOT NULL"
            },
        )),
        Alter::AttributeType {
            composite,
            attribute,
            ty,
        } => one(attribute_type(composite, attribute, &ty.to)),
    }
}

/// `ALTER TYPE ... ALTER ATTRIBUTE ... TYPE ...`.
fn attribute_type(
    composite: &petal_ir::QualifiedName,
    attribute: &str,
    to: &crate::change::AttributeType,
) -> String {
    let collate = to
        .collation
        .as_deref()
        .map(|c| format!(" COLLATE {}", petal_ir::collation_sql(c)))
        .unwrap_or_default();
    types::alter_type(
        composite,
        &format!(
            "ALTER ATTRIBUTE {} TYPE {}{collate}",
            quote_ident(attribute),
            to.ty
        ),
    )
}

/// Who may touch a table: its row-level security, a policy, the grants
/// on an object.
fn access(change: &Change, alter: &Alter) -> Vec<ReviewedStatement> {
    match alter {
        Alter::RowSecurity { table, security } => vec![single(
            change,
            policies::row_security(table, &security.from, &security.to),
        )],
        Alter::Policy {
            table, name, rules, ..
        } => vec![single(change, policies::alter(table, name, rules))],
        Alter::Privileges {
            on,
            grants,
            columns,
        } => many(change, privileges::alter(on, grants, columns)),
        _ => Vec::new(),
    }
}

/// `CREATE OR REPLACE`, then what the replacement does not set itself: a
/// view's storage parameters turned off. (Comments are left as they were,
/// and changed by changes of their own.)
pub(super) fn replace(change: &Change, replace: &Replace) -> Vec<ReviewedStatement> {
    match replace {
        Replace::View { view } => {
            let mut out = vec![single(change, views::create_sql(&view.to, true))];
            if let Some(reset) = views::reset_options(&view.from, &view.to) {
                out.push(single(change, reset));
            }
            out
        }
        Replace::Function { function, .. } => {
            vec![single(change, functions::create(&function.to))]
        }
    }
}
