//! Alterations and replacements of kept objects.

use petal_ir::{
    Database, Domain, Extension, FunctionKey, ObjectKey, PolicyKey, QualifiedName, TriggerKey,
};

use super::{ApplyError, column_mut, err, table_mut};
use crate::change::{Alter, Delta, NotNull, PolicyRules, Replace, RowSide, ValidatedConstraint};

fn not_null_state(db: &mut Database, alter: &Alter) -> Result<(), ApplyError> {
    if let Alter::NotNullState {
        table,
        column,
        state,
    } = alter
    {
        let c = column_mut(db, table, column)?;
        c.nullable = state.to == NotNull::Absent;
        c.not_null_not_valid = match &state.to {
            NotNull::NotValid(name) => Some(name.clone()),
            NotNull::Absent | NotNull::Valid => None,
        };
    }
    Ok(())
}

/// Rows are no part of a schema: a copy needs both tables to stand, and
/// leaves the written one's row-level security on as wanted (it was
/// created without).
fn copy_rows(db: &mut Database, rows: &Delta<RowSide>) -> Result<(), ApplyError> {
    table_mut(db, &rows.from.table)?;
    let written = table_mut(db, &rows.to.table)?;
    written.options.row_level_security = rows.to.row_security.enabled;
    written.options.force_row_level_security = rows.to.row_security.forced;
    Ok(())
}

fn sequence_alter(db: &mut Database, alter: &Alter) -> Result<(), ApplyError> {
    match alter {
        Alter::SequenceSettings { name, settings } => {
            let Some(s) = db.sequences.get_mut(name) else {
                return err(format!("sequence {name} does not exist"));
            };
            s.ty = settings.to.ty.clone();
            s.options = settings.to.options;
        }
        Alter::SequenceOwner { name, owner } => match db.sequences.get_mut(name) {
            Some(s) => s.owned_by = owner.to.clone(),
            None => return err(format!("sequence {name} does not exist")),
        },
        _ => {}
    }
    Ok(())
}

fn table_option(db: &mut Database, alter: &Alter) -> Result<(), ApplyError> {
    match alter {
        Alter::Unlogged { table, unlogged } => {
            table_mut(db, table)?.options.unlogged = unlogged.to;
        }
        Alter::TableStorage { table, storage } => {
            table_mut(db, table)?.options.storage = storage.to.clone();
        }
        Alter::ReplicaIdentity { table, identity } => {
            table_mut(db, table)?.options.replica_identity = identity.to.clone();
        }
        // Detached only to be attached again, a partition keeps its
        // parent's columns, which the IR does not hold for it: nothing
        // reads them in between.
        Alter::PartitionOf {
            table,
            partition_of,
            stands_alone: None,
            ..
        } => {
            table_mut(db, table)?;
            super::partition_defaults::moved(db, table, &partition_of.to);
        }
        Alter::PartitionOf {
            table,
            partition_of,
            stands_alone: Some(alone),
            ..
        } => {
            let moved = match &partition_of.to {
                None => crate::stand_alone::standing_alone(db, table, &alone.copies),
                Some(of) => db
                    .tables
                    .get(table)
                    .zip(db.tables.get(&of.parent))
                    .and_then(|(t, parent)| crate::stand_alone::joined(t, parent, of)),
            };
            let Some(moved) = moved else {
                return err(format!(
                    "{table} cannot {} a partition: it or its parent is missing",
                    if partition_of.to.is_some() {
                        "become"
                    } else {
                        "stop being"
                    }
                ));
            };
            *table_mut(db, table)? = moved;
            crate::stand_alone::follow_column_edges(db, table, partition_of);
        }
        Alter::RowSecurity { table, security } => {
            let options = &mut table_mut(db, table)?.options;
            options.row_level_security = security.to.enabled;
            options.force_row_level_security = security.to.forced;
        }
        _ => {}
    }
    Ok(())
}

fn alter_policy(
    db: &mut Database,
    table: &QualifiedName,
    name: &str,
    to: &PolicyRules,
) -> Result<(), ApplyError> {
    let key = PolicyKey {
        table: table.clone(),
        name: name.to_string(),
    };
    let Some(policy) = db.policies.get_mut(&key) else {
        return err(format!("policy {key} does not exist"));
    };
    policy.roles = to.roles.clone();
    policy.using = to.using.clone();
    policy.with_check = to.with_check.clone();
    Ok(())
}

/// A column made identity or serial, or no longer: the sequence's name
/// comes with the side that has one.
fn fed_by_sequence(db: &mut Database, alter: &Alter) -> Result<(), ApplyError> {
    match alter {
        Alter::Identity {
            table,
            column,
            identity,
            sequence,
        } => {
            let c = column_mut(db, table, column)?;
            if c.identity.is_none() {
                c.sequence = sequence.clone();
            }
            c.identity = identity.to;
            follow_sequence(c);
        }
        Alter::Serial {
            table,
            column,
            serial,
            sequence,
            ..
        } => {
            let c = column_mut(db, table, column)?;
            if !c.serial {
                c.sequence = sequence.clone();
            }
            c.serial = serial.to;
            follow_sequence(c);
        }
        _ => {}
    }
    Ok(())
}

pub(super) fn apply_alter(db: &mut Database, alter: &Alter) -> Result<(), ApplyError> {
    match alter {
        Alter::ColumnType {
            table, column, ty, ..
        } => {
            let c = column_mut(db, table, column)?;
            c.ty = ty.to.ty.clone();
            c.collation = ty.to.collation.clone();
            c.default = ty.to.default.clone();
        }
        Alter::Nullable {
            table,
            column,
            nullable,
        } => {
            // SET NOT NULL validates a NOT VALID constraint; DROP NOT NULL
            // removes it.
            let c = column_mut(db, table, column)?;
            c.nullable = nullable.to;
            c.not_null_not_valid = None;
        }
        Alter::NotNullState { .. } => not_null_state(db, alter)?,
        Alter::ConstraintValid {
            table,
            constraint,
            valid,
        } => constraint_valid(db, table, constraint, valid.to)?,
        Alter::Default {
            table,
            column,
            default,
            ..
        } => {
            if !super::partition_defaults::set(db, table, column, &default.to) {
                column_mut(db, table, column)?.default = default.to.clone();
            }
        }
        Alter::Identity { .. } | Alter::Serial { .. } => fed_by_sequence(db, alter)?,
        Alter::ColumnSequence {
            table,
            column,
            sequence,
        } => column_mut(db, table, column)?.sequence = sequence.to.clone(),
        Alter::Comment { on, text } => set_comment(db, on, text.to.clone())?,
        Alter::Privileges { .. } => {} // `privileges::follow` sets them.
        Alter::CopyRows { rows } => copy_rows(db, rows)?,
        Alter::IndexCopies { table, names, .. } => super::index_copies::set(db, table, names),
        Alter::Inherit {
            table,
            parent,
            inherits,
        } => {
            let parents = &mut table_mut(db, table)?.inherits;
            parents.retain(|p| p != parent);
            if inherits.to {
                parents.push(parent.clone());
            }
        }
        Alter::Unlogged { .. }
        | Alter::TableStorage { .. }
        | Alter::ReplicaIdentity { .. }
        | Alter::PartitionOf { .. }
        | Alter::RowSecurity { .. } => table_option(db, alter)?,
        Alter::Policy {
            table, name, rules, ..
        } => alter_policy(db, table, name, &rules.to)?,
        Alter::ExtensionVersion { name, version } => {
            extension_mut(db, name)?.version = version.to.clone();
        }
        Alter::ExtensionSchema { name, schema } => {
            extension_mut(db, name)?.schema = schema.to.clone();
        }
        Alter::SequenceSettings { .. } | Alter::SequenceOwner { .. } => sequence_alter(db, alter)?,
        Alter::TriggerEnabled {
            table,
            name,
            enabled,
        } => {
            let key = TriggerKey {
                table: table.clone(),
                name: name.clone(),
            };
            match db.triggers.get_mut(&key) {
                Some(t) => t.enabled = enabled.to,
                None => return err(format!("trigger {key} does not exist")),
            }
        }
        Alter::DomainDefault { domain, default } => {
            domain_mut(db, domain)?.default = default.to.clone();
        }
        Alter::DomainNotNull {
            domain, not_null, ..
        } => {
            domain_mut(db, domain)?.not_null = not_null.to;
        }
        Alter::AttributeType {
            composite,
            attribute,
            ty,
        } => {
            let Some(c) = db.composite_types.get_mut(composite) else {
                return err(format!("type {composite} does not exist"));
            };
            match c.attributes.iter_mut().find(|a| &a.name == attribute) {
                Some(a) => {
                    a.ty = ty.to.ty.clone();
                    a.collation = ty.to.collation.clone();
                }
                None => return err(format!("type {composite} has no attribute {attribute}")),
            }
        }
    }
    Ok(())
}

/// `CREATE OR REPLACE`: the object keeps its key, its definition changes.
pub(super) fn apply_replace(db: &mut Database, replace: &Replace) -> Result<(), ApplyError> {
    match replace {
        Replace::View { view } => match db.views.get_mut(&view.from.name) {
            Some(v) if v.name == view.to.name => *v = view.to.clone(),
            _ => return err(format!("view {} does not exist", view.from.name)),
        },
        Replace::Function { function, .. } => match db.functions.get_mut(&function.from.key()) {
            Some(f) if f.key() == function.to.key() => *f = function.to.clone(),
            _ => return err(format!("function {} does not exist", function.from.key())),
        },
    }
    Ok(())
}

/// A check or a foreign key validated, or made `NOT VALID` again.
fn constraint_valid(
    db: &mut Database,
    table: &QualifiedName,
    constraint: &ValidatedConstraint,
    valid: bool,
) -> Result<(), ApplyError> {
    let t = table_mut(db, table)?;
    let name = constraint.name();
    let flag = match constraint {
        ValidatedConstraint::Check(_) => t
            .checks
            .iter_mut()
            .find(|c| c.name == name)
            .map(|c| &mut c.not_valid),
        ValidatedConstraint::ForeignKey(_) => t
            .foreign_keys
            .iter_mut()
            .find(|f| f.name == name)
            .map(|f| &mut f.not_valid),
    };
    match flag {
        Some(flag) => *flag = !valid,
        None => return err(format!("constraint {name} of {table} does not exist")),
    }
    Ok(())
}

fn extension_mut<'a>(db: &'a mut Database, name: &str) -> Result<&'a mut Extension, ApplyError> {
    match db.extensions.get_mut(name) {
        Some(e) => Ok(e),
        None => err(format!("extension {name} does not exist")),
    }
}

fn domain_mut<'a>(
    db: &'a mut Database,
    name: &QualifiedName,
) -> Result<&'a mut Domain, ApplyError> {
    match db.domains.get_mut(name) {
        Some(d) => Ok(d),
        None => err(format!("domain {name} does not exist")),
    }
}

fn set_comment(db: &mut Database, on: &ObjectKey, text: Option<String>) -> Result<(), ApplyError> {
    let missing = || ApplyError {
        message: format!("{on} does not exist"),
    };
    match on {
        ObjectKey::Enum { name } => db.enums.get_mut(name).ok_or_else(missing)?.comment = text,
        ObjectKey::Table { name } => table_mut(db, name)?.comment = text,
        ObjectKey::Column { table, column } => {
            if let Some(view) = db.views.get_mut(table) {
                let c = view.columns.iter_mut().find(|c| &c.name == column);
                c.ok_or_else(missing)?.comment = text;
            } else if let Some(composite) = db.composite_types.get_mut(table) {
                let a = composite.attributes.iter_mut().find(|a| &a.name == column);
                a.ok_or_else(missing)?.comment = text;
            } else {
                column_mut(db, table, column)?.comment = text;
            }
        }
        ObjectKey::Index { table, name } => {
            let indexes = match db.views.get_mut(table) {
                Some(view) => &mut view.indexes,
                None => &mut table_mut(db, table)?.indexes,
            };
            let index = indexes.iter_mut().find(|i| &i.name == name);
            index.ok_or_else(missing)?.comment = text;
        }
        ObjectKey::Sequence { name } => {
            db.sequences.get_mut(name).ok_or_else(missing)?.comment = text;
        }
        ObjectKey::View { name } | ObjectKey::MaterializedView { name } => {
            db.views.get_mut(name).ok_or_else(missing)?.comment = text;
        }
        ObjectKey::Function { name, signature } => {
            let key = FunctionKey {
                name: name.clone(),
                signature: signature.clone(),
            };
            db.functions.get_mut(&key).ok_or_else(missing)?.comment = text;
        }
        ObjectKey::Trigger { table, name } => {
            let key = TriggerKey {
                table: table.clone(),
                name: name.clone(),
            };
            db.triggers.get_mut(&key).ok_or_else(missing)?.comment = text;
        }
        ObjectKey::Policy { table, name } => {
            let key = PolicyKey {
                table: table.clone(),
                name: name.clone(),
            };
            db.policies.get_mut(&key).ok_or_else(missing)?.comment = text;
        }
        ObjectKey::Domain { name } => db.domains.get_mut(name).ok_or_else(missing)?.comment = text,
        ObjectKey::CompositeType { name } => {
            db.composite_types
                .get_mut(name)
                .ok_or_else(missing)?
                .comment = text;
        }
        ObjectKey::RangeType { name } => {
            db.range_types.get_mut(name).ok_or_else(missing)?.comment = text;
        }
        ObjectKey::Collation { name } => {
            db.collations.get_mut(name).ok_or_else(missing)?.comment = text;
        }
        ObjectKey::Constraint { table, name } => {
            *table_mut(db, table)?
                .constraint_comment_mut(name)
                .ok_or_else(missing)? = text;
        }
        ObjectKey::Schema { .. }
        | ObjectKey::EnumLabel { .. }
        | ObjectKey::Extension { .. }
        | ObjectKey::DefaultPrivileges { .. }
        | ObjectKey::DomainCheck { .. } => {
            return err(format!("petal does not keep comments on {on}"));
        }
    }
    Ok(())
}

/// A column that stops feeding from a sequence loses it (and one that
/// starts gets the name PostgreSQL picks, which the IR leaves unsaid).
fn follow_sequence(column: &mut petal_ir::Column) {
    if !column.serial && column.identity.is_none() {
        column.sequence = None;
    }
}
