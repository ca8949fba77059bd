//! Renames, as the server makes them: what refers to the object by name in
//! the IR (foreign keys, key columns, triggers) follows.

use std::collections::BTreeMap;

use petal_ir::naming::default_multirange_name;
use petal_ir::{Database, FunctionKey, PolicyKey, QualifiedName, ReplicaIdentity, TriggerKey};

use super::{ApplyError, err, indexes_mut, rename_in, table_mut};
use crate::change::{Delta, Rename};
use crate::column_refs::rename_column_in;
use crate::names::{
    rename_function_references, rename_label_references, rename_sequence_references,
    rename_type_references, trigger_on,
};

pub(super) fn apply_rename(db: &mut Database, rename: &Rename) -> Result<(), ApplyError> {
    match rename {
        Rename::Enum { name } => {
            let (from, to) = (&name.from, &name.to);
            let Some(mut e) = db.enums.remove(from) else {
                return err(format!("type {from} does not exist"));
            };
            e.name = to.clone();
            db.enums.insert(to.clone(), e);
            rename_type_references(db, from, to);
        }
        Rename::EnumLabel { enum_type, label } => {
            let Some(e) = db.enums.get_mut(enum_type) else {
                return err(format!("type {enum_type} does not exist"));
            };
            match e.labels.iter_mut().find(|l| **l == label.from) {
                Some(l) => *l = label.to.clone(),
                None => return err(format!("type {enum_type} has no label {}", label.from)),
            }
            rename_label_references(db, enum_type, &label.from, &label.to);
        }
        Rename::Table { name } => rename_table(db, &name.from, &name.to)?,
        Rename::Column { table, name } => rename_column(db, table, &name.from, &name.to)?,
        Rename::Constraint { table, name } => rename_constraint(db, table, name)?,
        Rename::Index { table, name } => {
            let indexes = indexes_mut(db, table)?;
            match indexes.iter_mut().find(|i| i.name == name.from) {
                Some(i) => i.name = name.to.clone(),
                None => return err(format!("index {} does not exist on {table}", name.from)),
            }
            rename_identity_index(db, table, name);
        }
        Rename::Sequence { name } => {
            let mut sequence = take(&mut db.sequences, &name.from, "sequence")?;
            sequence.name = name.to.clone();
            db.sequences.insert(name.to.clone(), sequence);
            rename_sequence_references(db, &name.from, &name.to);
        }
        Rename::View { name, .. } => {
            let mut view = take(&mut db.views, &name.from, "view")?;
            view.name = name.to.clone();
            db.views.insert(name.to.clone(), view);
            move_triggers(db, &name.from, &name.to);
        }
        Rename::Function { signature, name } => {
            let key = |name: &QualifiedName| FunctionKey {
                name: name.clone(),
                signature: signature.clone(),
            };
            let mut function = take(&mut db.functions, &key(&name.from), "function")?;
            function.name = name.to.clone();
            db.functions.insert(key(&name.to), function);
            for trigger in db.triggers.values_mut() {
                if trigger.function == key(&name.from) {
                    trigger.function = key(&name.to);
                }
            }
            rename_function_references(db, &key(&name.to), &name.from);
        }
        Rename::Trigger { table, name } => {
            let key = |name: &str| TriggerKey {
                table: table.clone(),
                name: name.to_string(),
            };
            let mut trigger = take(&mut db.triggers, &key(&name.from), "trigger")?;
            trigger.definition =
                crate::names::trigger_named(&trigger.definition, &name.from, &name.to);
            trigger.name = name.to.clone();
            db.triggers.insert(key(&name.to), trigger);
        }
        Rename::Policy { table, name } => {
            let key = |name: &str| PolicyKey {
                table: table.clone(),
                name: name.to_string(),
            };
            let mut policy = take(&mut db.policies, &key(&name.from), "policy")?;
            policy.name = name.to.clone();
            db.policies.insert(key(&name.to), policy);
        }
        Rename::Domain { name }
        | Rename::CompositeType { name }
        | Rename::RangeType { name, .. }
        | Rename::Collation { name } => rename_type(db, rename, name)?,
        Rename::DomainCheck { domain, name } => {
            let Some(d) = db.domains.get_mut(domain) else {
                return err(format!("domain {domain} does not exist"));
            };
            match d.checks.iter_mut().find(|c| c.name == name.from) {
                Some(c) => c.name = name.to.clone(),
                None => return err(format!("domain {domain} has no check {}", name.from)),
            }
            d.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Rename::Attribute { composite, name } => {
            let Some(c) = db.composite_types.get_mut(composite) else {
                return err(format!("type {composite} does not exist"));
            };
            match c.attributes.iter_mut().find(|a| a.name == name.from) {
                Some(a) => a.name = name.to.clone(),
                None => return err(format!("type {composite} has no attribute {}", name.from)),
            }
        }
    }
    Ok(())
}

/// A domain, composite or range type, or a collation, under its new name,
/// and what names it following.
fn rename_type(
    db: &mut Database,
    rename: &Rename,
    name: &Delta<QualifiedName>,
) -> Result<(), ApplyError> {
    let to = name.to.clone();
    match rename {
        Rename::Domain { .. } => rekey(&mut db.domains, name, "domain", |d| d.name = to)?,
        Rename::CompositeType { .. } => {
            rekey(&mut db.composite_types, name, "type", |c| c.name = to)?;
        }
        Rename::RangeType { multirange, .. } => {
            let range = take(&mut db.range_types, &name.from, "type")?;
            db.range_types.insert(
                to.clone(),
                petal_ir::RangeType {
                    name: to.clone(),
                    // Renamed to the name derived from the range's new
                    // one: said only where it is in another schema.
                    multirange: match multirange {
                        Some(m)
                            if m.to.name == default_multirange_name(&to.name)
                                && m.to.schema == to.schema =>
                        {
                            None
                        }
                        Some(m) => Some(petal_ir::type_spelling(&m.to)),
                        None => range.multirange,
                    },
                    ..range
                },
            );
            if let Some(multirange) = multirange {
                rename_type_references(db, &multirange.from, &multirange.to);
            }
        }
        Rename::Collation { .. } => {
            rekey(&mut db.collations, name, "collation", |c| c.name = to)?;
            crate::names::rename_collation_references(db, &name.from, &name.to);
            return Ok(());
        }
        _ => return err(format!("{} is no type", rename.key())),
    }
    rename_type_references(db, &name.from, &name.to);
    Ok(())
}

/// The object `map` holds under `name.from`, moved to `name.to` once
/// `rename` has named it so.
fn rekey<T>(
    map: &mut BTreeMap<QualifiedName, T>,
    name: &Delta<QualifiedName>,
    what: &str,
    rename: impl FnOnce(&mut T),
) -> Result<(), ApplyError> {
    let mut object = take(map, &name.from, what)?;
    rename(&mut object);
    map.insert(name.to.clone(), object);
    Ok(())
}

fn rename_table(
    db: &mut Database,
    from: &QualifiedName,
    to: &QualifiedName,
) -> Result<(), ApplyError> {
    if db.tables.contains_key(to) {
        return err(format!("table {to} already exists"));
    }
    let Some(mut t) = db.tables.remove(from) else {
        return err(format!("table {from} does not exist"));
    };
    for column in &mut t.columns {
        keep_sequence_name(column, from, &column.name.clone(), to, &column.name.clone());
    }
    t.name = to.clone();
    db.tables.insert(to.clone(), t);
    move_triggers(db, from, to);
    for sequence in db.sequences.values_mut() {
        if let Some(owner) = sequence.owned_by.as_mut().filter(|o| &o.table == from) {
            owner.table = to.clone();
        }
    }
    for other in db.tables.values_mut() {
        for fk in other
            .foreign_keys
            .iter_mut()
            .filter(|f| &f.ref_table == from)
        {
            fk.ref_table = to.clone();
        }
        if let Some(of) = other.partition_of.as_mut().filter(|of| &of.parent == from) {
            of.parent = to.clone();
        }
        for parent in other.inherits.iter_mut().filter(|p| *p == from) {
            *parent = to.clone();
        }
    }
    Ok(())
}

/// A column rename as the server does it: every constraint and index key
/// naming the column follows, and so do foreign keys pointing at it.
fn rename_column(
    db: &mut Database,
    table: &QualifiedName,
    from: &str,
    to: &str,
) -> Result<(), ApplyError> {
    let t = table_mut(db, table)?;
    if t.column(to).is_some() {
        return err(format!("column {table}.{to} already exists"));
    }
    match t.columns.iter_mut().find(|c| c.name == from) {
        Some(c) => {
            keep_sequence_name(c, table, from, table, to);
            c.name = to.to_string();
        }
        None => return err(format!("column {table}.{from} does not exist")),
    }
    for sequence in db.sequences.values_mut() {
        if let Some(owner) = sequence.owned_by.as_mut()
            && &owner.table == table
            && owner.column == from
        {
            owner.column = to.to_string();
        }
    }
    let t = table_mut(db, table)?;
    if let Some(pk) = &mut t.primary_key {
        rename_in(&mut pk.columns, from, to);
    }
    for u in &mut t.uniques {
        rename_in(&mut u.columns, from, to);
    }
    for fk in &mut t.foreign_keys {
        rename_in(&mut fk.columns, from, to);
    }
    // Expressions are stored by column number: the server prints them
    // with the new name.
    let follow = |text: &mut String| *text = rename_column_in(text, from, to);
    for ix in &mut t.indexes {
        rename_in(&mut ix.include, from, to);
        for key in &mut ix.keys {
            match &mut key.expr {
                petal_ir::IndexKeyExpr::Column(c) if c == from => *c = to.to_string(),
                petal_ir::IndexKeyExpr::Expression(e) => follow(e),
                petal_ir::IndexKeyExpr::Column(_) => {}
            }
        }
        ix.predicate.iter_mut().for_each(follow);
    }
    t.checks.iter_mut().for_each(|c| follow(&mut c.expr));
    t.exclusions
        .iter_mut()
        .for_each(|x| follow(&mut x.definition));
    t.columns
        .iter_mut()
        .filter_map(|c| c.generated.as_mut())
        .for_each(follow);
    t.partition_by.iter_mut().for_each(follow);
    for policy in db.policies.values_mut().filter(|p| &p.table == table) {
        policy.using.iter_mut().for_each(follow);
        policy.with_check.iter_mut().for_each(follow);
    }
    for other in db.tables.values_mut() {
        for fk in other
            .foreign_keys
            .iter_mut()
            .filter(|f| &f.ref_table == table)
        {
            rename_in(&mut fk.ref_columns, from, to);
        }
    }
    Ok(())
}

/// A primary key, unique, check or foreign key constraint renamed.
fn rename_constraint(
    db: &mut Database,
    table: &QualifiedName,
    name: &Delta<String>,
) -> Result<(), ApplyError> {
    let t = table_mut(db, table)?;
    let slot = t
        .primary_key
        .iter_mut()
        .map(|p| &mut p.name)
        .chain(t.uniques.iter_mut().map(|u| &mut u.name))
        .chain(t.checks.iter_mut().map(|c| &mut c.name))
        .chain(t.exclusions.iter_mut().map(|x| &mut x.name))
        .chain(t.foreign_keys.iter_mut().map(|f| &mut f.name))
        .find(|n| **n == name.from);
    match slot {
        Some(n) => {
            *n = name.to.clone();
            rename_identity_index(db, table, name);
            Ok(())
        }
        None => err(format!(
            "constraint {} does not exist on table {table}",
            name.from
        )),
    }
}

/// The replica identity names its index, which a key's rename renames.
fn rename_identity_index(db: &mut Database, table: &QualifiedName, name: &Delta<String>) {
    if let Some(t) = db.tables.get_mut(table)
        && t.options.replica_identity.is_index(&name.from)
    {
        t.options.replica_identity = ReplicaIdentity::Index(name.to.clone());
    }
}

/// Removes an object to put it back under a new key.
fn take<K: Ord + std::fmt::Display, T>(
    map: &mut BTreeMap<K, T>,
    key: &K,
    what: &str,
) -> Result<T, ApplyError> {
    match map.remove(key) {
        Some(object) => Ok(object),
        None => err(format!("{what} {key} does not exist")),
    }
}

/// A relation's triggers (and a table's policies) follow it to its new
/// name.
fn move_triggers(db: &mut Database, from: &QualifiedName, to: &QualifiedName) {
    let policies: Vec<PolicyKey> = db
        .policies
        .keys()
        .filter(|k| &k.table == from)
        .cloned()
        .collect();
    for key in policies {
        if let Some(mut policy) = db.policies.remove(&key) {
            policy.table = to.clone();
            db.policies.insert(policy.key(), policy);
        }
    }
    let moved: Vec<TriggerKey> = db
        .triggers
        .keys()
        .filter(|k| &k.table == from)
        .cloned()
        .collect();
    for key in moved {
        if let Some(mut trigger) = db.triggers.remove(&key) {
            trigger.definition = trigger_on(&trigger.definition, from, to);
            trigger.table = to.clone();
            db.triggers.insert(trigger.key(), trigger);
        }
    }
}

/// A serial or identity column's sequence keeps its name when its table or
/// column is renamed: the IR leaves a sequence's name unsaid only when it
/// is the one PostgreSQL would pick for the table and column.
fn keep_sequence_name(
    column: &mut petal_ir::Column,
    old_table: &QualifiedName,
    old_column: &str,
    new_table: &QualifiedName,
    new_column: &str,
) {
    if !column.serial && column.identity.is_none() {
        return;
    }
    let picked = crate::render::picked;
    let mut name = column
        .sequence
        .clone()
        .unwrap_or_else(|| picked(old_table, old_column));
    // A table moved to another schema takes its owned sequences along.
    if old_table.schema != new_table.schema && name.schema == old_table.schema {
        name.schema = new_table.schema.clone();
    }
    column.sequence = (name != picked(new_table, new_column)).then_some(name);
}
