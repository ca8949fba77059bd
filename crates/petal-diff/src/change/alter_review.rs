//! What each alteration means for a live database: its description,
//! safety and notes.

use petal_ir::{Identity, ObjectKey, QualifiedName};

use super::alter::{Alter, NotNull, ValidatedConstraint};
use super::{
    Delta, copy_rows, defaults, extensions, policies, privileges, sequences, table_options,
    triggers, types,
};
use crate::classify::{Review, Safety, identity_sql};

impl Alter {
    pub(crate) fn review(&self) -> Review {
        match self {
            Alter::ColumnType {
                table, column, ty, ..
            } => super::column_type::review(table, column, ty),
            Alter::Nullable {
                table,
                column,
                nullable,
            } => nullable_review(table, column, nullable.to),
            Alter::NotNullState {
                table,
                column,
                state,
            } => not_null_state_review(table, column, state),
            Alter::ConstraintValid {
                table,
                constraint,
                valid,
            } => constraint_valid_review(table, constraint, valid.to),
            Alter::Default {
                table,
                column,
                default,
                because,
            } => defaults::review(table, column, default.to.as_deref(), because.as_ref()),
            Alter::Identity {
                table,
                column,
                identity,
                ..
            } => match identity.to {
                // Writes giving the column a value break whether it was an
                // identity before or a plain column.
                Some(Identity::Always) => {
                    let review = Review::new(
                        format!("make {table}.{column} {}", identity_sql(Identity::Always)),
                        Safety::Breaking,
                    )
                    .note(
                        "an INSERT that gives this column a value fails from now on unless it \
                         says OVERRIDING SYSTEM VALUE, and an UPDATE setting it fails",
                    );
                    if identity.from.is_none() {
                        review.note(SEQUENCE_AFTER_ROWS)
                    } else {
                        review
                    }
                }
                Some(i) if identity.from.is_none() => Review::new(
                    format!("make {table}.{column} {}", identity_sql(i)),
                    Safety::Locks,
                )
                .note(SEQUENCE_AFTER_ROWS),
                Some(i) => Review::safe(format!("make {table}.{column} {}", identity_sql(i))),
                None => Review::safe(format!("drop identity of {table}.{column}")),
            },
            Alter::Serial {
                table,
                column,
                serial,
                ..
            } => {
                if serial.to {
                    Review::new(
                        format!(
                            "make {table}.{column} serial (owned sequence feeding its default)"
                        ),
                        Safety::Locks,
                    )
                    .note(SEQUENCE_AFTER_ROWS)
                } else {
                    Review::safe(format!(
                        "make {table}.{column} a plain column (drop its owned sequence)"
                    ))
                }
            }
            Alter::ColumnSequence {
                table,
                column,
                sequence,
            } => sequences::column_sequence(table, column, &sequence.from, &sequence.to),
            Alter::Comment { on, text } => comment(on, text),
            Alter::Unlogged { .. }
            | Alter::TableStorage { .. }
            | Alter::ReplicaIdentity { .. }
            | Alter::PartitionOf { .. } => table_options::review(self),
            Alter::IndexCopies {
                table,
                parent,
                names,
            } => super::partitions::index_copies_review(table, parent, names),
            Alter::Inherit {
                table,
                parent,
                inherits,
            } => super::partitions::inherit_review(table, parent, inherits.to),
            Alter::CopyRows { rows } => copy_rows::review(rows),
            Alter::RowSecurity { .. } | Alter::Policy { .. } => policies::review(self),
            Alter::Privileges { on, grants, .. } => privileges::review(on, grants),
            Alter::ExtensionVersion { name, version } => {
                extensions::update(name, version.from.as_deref(), version.to.as_deref())
            }
            Alter::ExtensionSchema { name, schema } => {
                extensions::move_schema(name, &schema.from, &schema.to)
            }
            Alter::SequenceSettings { name, .. } => sequences::settings(name),
            Alter::SequenceOwner { name, owner } => sequences::owner(name, &owner.to),
            Alter::TriggerEnabled {
                table,
                name,
                enabled,
            } => triggers::enabled(table, name, enabled.to),
            Alter::DomainDefault { domain, default } => types::domain_default(domain, &default.to),
            Alter::DomainNotNull {
                domain, not_null, ..
            } => types::domain_not_null(domain, not_null.to),
            Alter::AttributeType {
                composite,
                attribute,
                ty,
            } => types::attribute_type(composite, attribute, &ty.to.ty),
        }
    }
}

/// A column's NOT NULL set or dropped.
fn nullable_review(table: &QualifiedName, column: &str, nullable: bool) -> Review {
    if nullable {
        Review::safe(format!("drop NOT NULL on {table}.{column}"))
    } else {
        Review::new(format!("set NOT NULL on {table}.{column}"), Safety::Locks)
            .note("fails if any row holds NULL in this column")
    }
}

/// A column's NOT NULL added `NOT VALID`, validated, made so again, or
/// dropped.
fn not_null_state_review(table: &QualifiedName, column: &str, state: &Delta<NotNull>) -> Review {
    match (&state.from, &state.to) {
        (NotNull::NotValid(name), NotNull::Valid) => Review::safe(format!(
            "validate NOT NULL {name} of {table}.{column}"
        ))
        .note("fails if any row holds NULL in this column; reads every row while writes go on"),
        (NotNull::Absent, NotNull::NotValid(name)) => Review::safe(format!(
            "add NOT NULL {name} on {table}.{column} (NOT VALID): new rows are checked, the rows \
             present are not"
        )),
        (_, NotNull::NotValid(name)) => Review::safe(format!(
            "make NOT NULL {name} of {table}.{column} NOT VALID again"
        )),
        (_, NotNull::Absent) => Review::safe(format!("drop NOT NULL on {table}.{column}")),
        (_, NotNull::Valid) => nullable_review(table, column, false),
    }
}

/// `VALIDATE CONSTRAINT`, or a constraint made `NOT VALID` again.
fn constraint_valid_review(
    table: &QualifiedName,
    constraint: &ValidatedConstraint,
    valid: bool,
) -> Review {
    let (kind, violation) = match constraint {
        ValidatedConstraint::Check(_) => ("check", "any row violates the check"),
        ValidatedConstraint::ForeignKey(_) => ("foreign key", "any row references a missing key"),
    };
    let name = constraint.name();
    if valid {
        Review::safe(format!("validate {kind} {name} of {table}")).note(format!(
            "fails if {violation}; reads every row while reads and writes go on"
        ))
    } else {
        Review::safe(format!("make {kind} {name} of {table} NOT VALID again"))
            .note("dropped and added NOT VALID in one statement: the rows present are not checked")
    }
}

const SEQUENCE_AFTER_ROWS: &str =
    "the sequence starts after the largest value present, so existing rows keep theirs";

fn comment(on: &ObjectKey, text: &Delta<Option<String>>) -> Review {
    Review::safe(format!(
        "comment on {on}: {}",
        text.to.as_deref().unwrap_or("none")
    ))
}
