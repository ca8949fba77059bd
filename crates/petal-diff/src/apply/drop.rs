//! Drops, as the server makes them: what goes with an object (a table's
//! triggers, a column's owned sequence) goes too.

use std::collections::BTreeMap;

use petal_ir::{Database, QualifiedName, ReplicaIdentity, Table};

use super::{ApplyError, err, indexes_mut, remove_named, table_mut};
use crate::change::Object;

pub(super) fn drop(db: &mut Database, object: &Object) -> Result<(), ApplyError> {
    match object {
        Object::Schema { name } => {
            let in_use = db
                .tables
                .keys()
                .chain(db.enums.keys())
                .any(|n| &n.schema == name);
            if in_use {
                return err(format!("schema {name} is not empty"));
            }
            if !db.schemas.remove(name) {
                return err(format!("schema {name} does not exist"));
            }
        }
        Object::Enum { enum_type } => {
            if db.enums.remove(&enum_type.name).is_none() {
                return err(format!("type {} does not exist", enum_type.name));
            }
        }
        Object::Table { table, .. } => {
            // PostgreSQL would drop them with it, unasked, or refuse.
            let under_it = |t: &&Table| {
                t.inherits.contains(&table.name)
                    || t.partition_of
                        .as_ref()
                        .is_some_and(|of| of.parent == table.name)
            };
            if let Some(below) = db.tables.values().find(under_it) {
                return err(format!(
                    "table {} still has partition or inheritance child {}",
                    table.name, below.name
                ));
            }
            if db.tables.remove(&table.name).is_none() {
                return err(format!("table {} does not exist", table.name));
            }
            // Its triggers and policies go with it.
            db.triggers.retain(|k, _| k.table != table.name);
            db.policies.retain(|k, _| k.table != table.name);
            drop_owned_sequences(db, &table.name, None);
        }
        Object::Column { table, column } => {
            let t = table_mut(db, table)?;
            remove_named(&mut t.columns, &column.name, |c| &c.name, "column", table)?;
            drop_owned_sequences(db, table, Some(&column.name));
        }
        Object::PrimaryKey { table, .. } => {
            let Some(key) = table_mut(db, table)?.primary_key.take() else {
                return err(format!("table {table} has no primary key"));
            };
            forget_identity_index(db, table, &key.name);
        }
        Object::Unique { table, unique } => {
            let t = table_mut(db, table)?;
            remove_named(&mut t.uniques, &unique.name, |u| &u.name, "unique", table)?;
            forget_identity_index(db, table, &unique.name);
        }
        Object::Check { table, check } => {
            let t = table_mut(db, table)?;
            remove_named(&mut t.checks, &check.name, |c| &c.name, "check", table)?;
        }
        Object::Exclusion { table, exclusion } => {
            let t = table_mut(db, table)?;
            let name = &exclusion.name;
            remove_named(&mut t.exclusions, name, |x| &x.name, "exclusion", table)?;
        }
        Object::ForeignKey {
            table, foreign_key, ..
        } => {
            let t = table_mut(db, table)?;
            let name = &foreign_key.name;
            remove_named(&mut t.foreign_keys, name, |f| &f.name, "foreign key", table)?;
        }
        Object::Index { table, index } => {
            let indexes = indexes_mut(db, table)?;
            remove_named(indexes, &index.name, |i| &i.name, "index", table)?;
            forget_identity_index(db, table, &index.name);
        }
        Object::Extension { extension } => {
            remove(&mut db.extensions, &extension.name, "extension")?;
        }
        Object::Sequence { sequence } => remove(&mut db.sequences, &sequence.name, "sequence")?,
        Object::View { view } => {
            remove(&mut db.views, &view.name, "view")?;
            db.triggers.retain(|k, _| k.table != view.name);
        }
        Object::Function { function } => {
            remove(&mut db.functions, &function.key(), "function")?;
        }
        Object::Trigger { trigger } => remove(&mut db.triggers, &trigger.key(), "trigger")?,
        Object::Policy { policy, .. } => remove(&mut db.policies, &policy.key(), "policy")?,
        Object::Domain { domain } => remove(&mut db.domains, &domain.name, "domain")?,
        Object::DomainCheck { domain, check, .. } => {
            let Some(d) = db.domains.get_mut(domain) else {
                return err(format!("domain {domain} does not exist"));
            };
            remove_named(&mut d.checks, &check.name, |c| &c.name, "check", domain)?;
        }
        Object::CompositeType { composite } => {
            remove(&mut db.composite_types, &composite.name, "type")?;
        }
        Object::Attribute {
            composite,
            attribute,
        } => {
            let Some(c) = db.composite_types.get_mut(composite) else {
                return err(format!("type {composite} does not exist"));
            };
            let name = &attribute.name;
            remove_named(&mut c.attributes, name, |a| &a.name, "attribute", composite)?;
        }
        Object::RangeType { range } => remove(&mut db.range_types, &range.name, "type")?,
        Object::Collation { collation } => {
            remove(&mut db.collations, &collation.name, "collation")?;
        }
    }
    Ok(())
}

/// A table whose replica identity index is dropped keeps `relreplident`
/// 'i' with no index marked, which PostgreSQL treats (and petal reads) as
/// `NOTHING`; an index of the same name created again is not marked.
fn forget_identity_index(db: &mut Database, table: &QualifiedName, index: &str) {
    if let Some(t) = db.tables.get_mut(table)
        && t.options.replica_identity.is_index(index)
    {
        t.options.replica_identity = ReplicaIdentity::Nothing;
    }
}

fn remove<K: Ord + std::fmt::Display, T>(
    map: &mut BTreeMap<K, T>,
    key: &K,
    what: &str,
) -> Result<(), ApplyError> {
    match map.remove(key) {
        Some(_) => Ok(()),
        None => err(format!("{what} {key} does not exist")),
    }
}

/// Sequences `OWNED BY` a dropped table (or one of its columns) go with it.
fn drop_owned_sequences(db: &mut Database, table: &QualifiedName, column: Option<&str>) {
    db.sequences.retain(|_, s| {
        !s.owned_by
            .as_ref()
            .is_some_and(|owner| &owner.table == table && column.is_none_or(|c| owner.column == c))
    });
}
