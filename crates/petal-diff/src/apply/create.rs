//! Creations, as the server makes them.

use std::collections::BTreeMap;

use petal_ir::{Database, QualifiedName};

use super::{ApplyError, err, indexes_mut, table_mut};
use crate::change::Object;

pub(super) fn create(db: &mut Database, object: &Object) -> Result<(), ApplyError> {
    match object {
        Object::Schema { name } => {
            if !db.schemas.insert(name.clone()) {
                return err(format!("schema {name} already exists"));
            }
        }
        Object::Enum { enum_type } => {
            if db.enums.contains_key(&enum_type.name) {
                return err(format!("type {} already exists", enum_type.name));
            }
            db.enums.insert(enum_type.name.clone(), enum_type.clone());
        }
        Object::Table { table, .. } => {
            if db.tables.contains_key(&table.name) {
                return err(format!("table {} already exists", table.name));
            }
            let mut t = table.clone();
            t.renamed_from = None;
            for c in &mut t.columns {
                c.renamed_from = None;
            }
            t.normalize();
            db.tables.insert(t.name.clone(), t);
        }
        Object::Column { .. }
        | Object::PrimaryKey { .. }
        | Object::Unique { .. }
        | Object::Check { .. }
        | Object::Exclusion { .. }
        | Object::ForeignKey { .. }
        | Object::Index { .. } => create_table_part(db, object)?,
        Object::Extension { extension } => {
            insert(
                &mut db.extensions,
                extension.name.clone(),
                extension,
                "extension",
            )?;
        }
        Object::Sequence { sequence } => {
            relation_free(db, &sequence.name)?;
            insert(
                &mut db.sequences,
                sequence.name.clone(),
                sequence,
                "sequence",
            )?;
        }
        Object::View { view } => {
            relation_free(db, &view.name)?;
            let mut view = view.clone();
            view.renamed_from = None;
            insert(&mut db.views, view.name.clone(), &view, "view")?;
        }
        Object::Function { function } => {
            let mut function = function.clone();
            function.renamed_from = None;
            insert(&mut db.functions, function.key(), &function, "function")?;
        }
        Object::Trigger { trigger } => {
            insert(&mut db.triggers, trigger.key(), trigger, "trigger")?;
        }
        Object::Policy { policy, .. } => {
            if !db.tables.contains_key(&policy.table) {
                return err(format!("table {} does not exist", policy.table));
            }
            let mut policy = policy.clone();
            policy.renamed_from = None;
            insert(&mut db.policies, policy.key(), &policy, "policy")?;
        }
        Object::Domain { domain } => {
            type_free(db, &domain.name)?;
            let mut domain = domain.clone();
            domain.renamed_from = None;
            insert(&mut db.domains, domain.name.clone(), &domain, "domain")?;
        }
        Object::DomainCheck { domain, check, .. } => {
            let Some(d) = db.domains.get_mut(domain) else {
                return err(format!("domain {domain} does not exist"));
            };
            if d.checks.iter().any(|c| c.name == check.name) {
                return err(format!("domain {domain} already has check {}", check.name));
            }
            d.checks.push(check.clone());
            d.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Object::CompositeType { composite } => {
            type_free(db, &composite.name)?;
            let mut composite = composite.clone();
            composite.renamed_from = None;
            let name = composite.name.clone();
            insert(&mut db.composite_types, name, &composite, "type")?;
        }
        Object::Attribute {
            composite,
            attribute,
        } => {
            let Some(c) = db.composite_types.get_mut(composite) else {
                return err(format!("type {composite} does not exist"));
            };
            if c.attributes.iter().any(|a| a.name == attribute.name) {
                return err(format!("type {composite} already has {}", attribute.name));
            }
            c.attributes.push(attribute.clone());
        }
        Object::Collation { collation } => {
            let mut collation = collation.clone();
            collation.renamed_from = None;
            let name = collation.name.clone();
            insert(&mut db.collations, name, &collation, "collation")?;
        }
        Object::RangeType { range } => {
            type_free(db, &range.name)?;
            let mut range = range.clone();
            range.renamed_from = None;
            insert(&mut db.range_types, range.name.clone(), &range, "type")?;
        }
    }
    Ok(())
}

/// A column, constraint or index added to its table.
fn create_table_part(db: &mut Database, object: &Object) -> Result<(), ApplyError> {
    match object {
        Object::Column { table, column } => {
            let t = table_mut(db, table)?;
            if t.column(&column.name).is_some() {
                return err(format!("column {table}.{} already exists", column.name));
            }
            let mut c = column.clone();
            c.renamed_from = None;
            t.columns.push(c);
        }
        Object::PrimaryKey { table, primary_key } => {
            let t = table_mut(db, table)?;
            if t.primary_key.is_some() {
                return err(format!("table {table} already has a primary key"));
            }
            t.primary_key = Some(primary_key.clone());
        }
        Object::Unique { table, unique } => table_mut(db, table)?.uniques.push(unique.clone()),
        Object::Check { table, check } => table_mut(db, table)?.checks.push(check.clone()),
        Object::Exclusion { table, exclusion } => {
            table_mut(db, table)?.exclusions.push(exclusion.clone());
        }
        Object::ForeignKey {
            table, foreign_key, ..
        } => table_mut(db, table)?.foreign_keys.push(foreign_key.clone()),
        Object::Index { table, index } => indexes_mut(db, table)?.push(index.clone()),
        _ => {}
    }
    Ok(())
}

/// Inserts a new object under its key, or says one is there already.
fn insert<K: Ord + std::fmt::Display, T: Clone>(
    map: &mut BTreeMap<K, T>,
    key: K,
    object: &T,
    what: &str,
) -> Result<(), ApplyError> {
    if map.contains_key(&key) {
        return err(format!("{what} {key} already exists"));
    }
    map.insert(key, object.clone());
    Ok(())
}

/// Tables, views and sequences share one namespace per schema.
fn relation_free(db: &Database, name: &QualifiedName) -> Result<(), ApplyError> {
    if db.tables.contains_key(name)
        || db.views.contains_key(name)
        || db.sequences.contains_key(name)
    {
        return err(format!("relation {name} already exists"));
    }
    Ok(())
}

/// Enum, domain, composite and range types share one namespace per schema.
fn type_free(db: &Database, name: &QualifiedName) -> Result<(), ApplyError> {
    if db.enums.contains_key(name)
        || db.domains.contains_key(name)
        || db.composite_types.contains_key(name)
        || db.range_types.contains_key(name)
    {
        return err(format!("type {name} already exists"));
    }
    Ok(())
}
