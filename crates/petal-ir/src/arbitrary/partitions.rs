//! Partitioned tables and their partitions, at random, and the rules
//! PostgreSQL holds them to.
//!
//! A table is partitioned by `LIST` over a column, with a default
//! partition and partitions for values the row filler never writes (so
//! rows stay in the default partition, and value partitions come, go and
//! change their values with no row in the way), or by `HASH` over a full
//! set of remainders (so every row has a partition). Partitioning is
//! decided when a schema is built; edits add, drop and rebound value
//! partitions, and `keep_valid` holds the other edits to what a
//! partitioned table allows.

use super::Rng;
use super::build::{ident, namespace};
use crate::{
    Database, IndexKey, IndexKeyExpr, PartitionOf, QualifiedName, Table, TableOptions,
    quote_literal,
};

/// The column types a partition key is drawn from.
const KEY_TYPES: &[&str] = &["integer", "bigint", "text", "date"];

/// Makes one table of `db` partitioned, where one qualifies.
pub(super) fn partition_a_table(rng: &mut Rng, db: &mut Database) -> bool {
    let candidates: Vec<(QualifiedName, String)> = db
        .tables
        .values()
        .filter_map(|t| partitionable(db, t))
        .collect();
    let Some((name, column)) = rng.pick(&candidates).cloned() else {
        return false;
    };
    partition_table(rng, db, &name, &column)
}

/// A plain table of `db` that can be partitioned (no trigger on it), with
/// the column its key would be over.
fn partitionable(db: &Database, t: &Table) -> Option<(QualifiedName, String)> {
    let plain = t.partition_of.is_none() && t.partition_by.is_none();
    let triggered = db.triggers.keys().any(|k| k.table == t.name);
    if !plain || triggered {
        return None;
    }
    key_column(t).map(|c| (t.name.clone(), c))
}

/// Makes one plain table that `before` holds under the same name
/// partitioned in `db`: PostgreSQL cannot do it in place, so the diff
/// drops and creates it, or recreates it with its rows (`--allow-recreate`).
/// Only tables outside inheritance trees qualify.
pub(super) fn partition_a_kept_table(rng: &mut Rng, before: &Database, db: &mut Database) -> bool {
    let in_a_tree = |d: &Database, t: &QualifiedName| {
        d.tables
            .values()
            .any(|o| o.inherits.contains(t) || (o.name == *t && !o.inherits.is_empty()))
    };
    let candidates: Vec<(QualifiedName, String)> = db
        .tables
        .values()
        .filter(|t| t.renamed_from.is_none() && !t.is_declared_in_sql())
        .filter(|t| {
            before
                .tables
                .get(&t.name)
                .is_some_and(|b| b.partition_of.is_none() && b.partition_by.is_none())
        })
        .filter(|t| !in_a_tree(db, &t.name) && !in_a_tree(before, &t.name))
        .filter_map(|t| partitionable(db, t))
        .collect();
    let Some((name, column)) = rng.pick(&candidates).cloned() else {
        return false;
    };
    partition_table(rng, db, &name, &column)
}

/// Makes one partitioned table that `before` holds under the same name a
/// plain one in `db`, its partitions gone: PostgreSQL cannot do it in
/// place, so the diff drops and creates it, or recreates it with its
/// rows (`--allow-recreate`). Only a table that is no partition qualifies.
pub(super) fn unpartition_a_kept_table(
    rng: &mut Rng,
    before: &Database,
    db: &mut Database,
) -> bool {
    let candidates: Vec<QualifiedName> = db
        .tables
        .values()
        .filter(|t| {
            t.partition_by.is_some() && t.partition_of.is_none() && t.renamed_from.is_none()
        })
        .filter(|t| {
            before
                .tables
                .get(&t.name)
                .is_some_and(|b| b.partition_by.is_some() && b.partition_of.is_none())
        })
        .map(|t| t.name.clone())
        .collect();
    let Some(name) = rng.pick(&candidates).cloned() else {
        return false;
    };
    // Nothing may stand on a partition that goes (a view, a function).
    let partitions = partition_names(db);
    let on_a_partition = |key: &crate::ObjectKey| match key {
        crate::ObjectKey::Table { name } | crate::ObjectKey::Column { table: name, .. } => {
            partitions.contains(name)
        }
        _ => false,
    };
    let table_of = |key: &crate::ObjectKey| match key {
        crate::ObjectKey::Table { name }
        | crate::ObjectKey::Column { table: name, .. }
        | crate::ObjectKey::Constraint { table: name, .. }
        | crate::ObjectKey::Index { table: name, .. } => Some(name.clone()),
        _ => None,
    };
    if super::depends::derive(db)
        .iter()
        .any(|d| on_a_partition(&d.referenced) && table_of(&d.dependent).is_none())
    {
        return false;
    }
    if let Some(t) = db.tables.get_mut(&name) {
        t.partition_by = None;
    }
    // Its partitions, and theirs, go.
    loop {
        let below: Vec<QualifiedName> = db
            .tables
            .values()
            .filter(|t| {
                t.partition_of.as_ref().is_some_and(|of| {
                    db.tables
                        .get(&of.parent)
                        .is_none_or(|p| p.partition_by.is_none())
                })
            })
            .map(|t| t.name.clone())
            .collect();
        if below.is_empty() {
            break;
        }
        for gone in below {
            db.tables.remove(&gone);
        }
    }
    let tables: Vec<QualifiedName> = db.tables.keys().cloned().collect();
    for t in db.tables.values_mut() {
        t.foreign_keys.retain(|fk| tables.contains(&fk.ref_table));
    }
    true
}

/// Partitions `name` of `db` by `column`, with its partitions.
fn partition_table(rng: &mut Rng, db: &mut Database, name: &QualifiedName, column: &str) -> bool {
    let (name, column) = (name.clone(), column.to_string());
    let Some(ty) = db
        .tables
        .get(&name)
        .and_then(|t| t.column(&column))
        .map(|c| c.ty.to_string())
    else {
        return false;
    };
    let mut ns = namespace(db, &name.schema);
    let mut partitions: Vec<Table> = Vec::new();
    let strategy = if rng.chance(70) {
        partitions.push(partition(&mut ns, &name, "default", "DEFAULT".into()));
        for _ in 0..1 + rng.below(2) {
            let bound = list_values(rng, &ty);
            let bounds = partitions.iter().filter_map(|p| p.partition_of.as_ref());
            if bounds.into_iter().all(|of| apart(&of.bound, &bound)) {
                partitions.push(partition(&mut ns, &name, "part", bound));
            }
        }
        "LIST"
    } else {
        let modulus = 2 + rng.below(2);
        for remainder in 0..modulus {
            let bound = format!("FOR VALUES WITH (modulus {modulus}, remainder {remainder})");
            partitions.push(partition(&mut ns, &name, "part", bound));
        }
        "HASH"
    };
    if let Some(t) = db.tables.get_mut(&name) {
        t.partition_by = Some(format!("{strategy} ({})", ident(&column)));
        conform(t);
    }
    for p in partitions {
        db.tables.insert(p.name.clone(), p);
    }
    true
}

/// A column every key and unique index of `t` holds (PostgreSQL requires
/// it of the partition key), of a type the key is drawn from.
fn key_column(t: &Table) -> Option<String> {
    if !t.exclusions.is_empty() {
        return None;
    }
    let mut keys: Vec<Vec<String>> = t.uniques.iter().map(|u| u.columns.clone()).collect();
    keys.extend(t.primary_key.iter().map(|p| p.columns.clone()));
    for index in t.indexes.iter().filter(|i| i.unique) {
        keys.push(index_columns(&index.keys));
    }
    t.columns
        .iter()
        .filter(|c| KEY_TYPES.contains(&c.ty.as_str()) && c.generated.is_none())
        .find(|c| keys.iter().all(|k| k.contains(&c.name)))
        .map(|c| c.name.clone())
}

/// The plain columns among an index's keys (an expression key holds
/// none PostgreSQL would count).
fn index_columns(keys: &[IndexKey]) -> Vec<String> {
    keys.iter()
        .filter_map(|k| match &k.expr {
            IndexKeyExpr::Column(name) => Some(name.clone()),
            IndexKeyExpr::Expression(_) => None,
        })
        .collect()
}

fn partition(
    ns: &mut crate::naming::Namespace,
    parent: &QualifiedName,
    label: &str,
    bound: String,
) -> Table {
    let name = ns.choose(&parent.name, None, label);
    let mut t = Table::new(QualifiedName::new(parent.schema.clone(), name));
    t.partition_of = Some(PartitionOf {
        parent: parent.clone(),
        bound,
    });
    t
}

/// `FOR VALUES IN (...)` over one or two values the row filler never
/// writes (it writes 1 to 3, `v1` to `v3`, January 2024), as
/// `pg_get_expr` prints them.
pub(super) fn list_values(rng: &mut Rng, ty: &str) -> String {
    let first = 100 + rng.below(50);
    let count = 1 + rng.below(2);
    let values: Vec<String> = (first..first + count)
        .map(|n| match ty {
            "integer" => n.to_string(),
            "bigint" => quote_literal(&n.to_string()),
            "date" => quote_literal(&format!("2031-01-{:02}", 1 + n % 28)),
            _ => quote_literal(&format!("p{n}")),
        })
        .collect();
    format!("FOR VALUES IN ({})", values.join(", "))
}

/// What a partitioned table may not have: options (it holds no rows),
/// exclusion constraints, `NO INHERIT` checks, `NOT VALID` foreign keys.
fn conform(t: &mut Table) {
    t.options = TableOptions::default();
    t.exclusions.clear();
    for check in &mut t.checks {
        check.no_inherit = false;
    }
    for fk in &mut t.foreign_keys {
        fk.not_valid = false;
    }
}

/// The names of the partitions of `db`.
fn partition_names(db: &Database) -> Vec<QualifiedName> {
    db.tables
        .values()
        .filter(|t| t.partition_of.is_some())
        .map(|t| t.name.clone())
        .collect()
}

/// The list-partitioned tables of `db`.
pub(super) fn list_partitioned(db: &Database) -> impl Iterator<Item = &Table> {
    db.tables.values().filter(|t| {
        t.partition_by
            .as_deref()
            .is_some_and(|p| p.starts_with("LIST"))
    })
}

/// The type of partitioned `parent`'s key column, as `format_type` prints it.
pub(super) fn key_type(db: &Database, parent: &QualifiedName) -> Option<String> {
    let t = db.tables.get(parent)?;
    let key = key_of(t.partition_by.as_deref()?)?;
    Some(t.column(&key)?.ty.to_string())
}

/// The key column of a partitioned table, from `LIST (col)`.
pub(super) fn key_of(partition_by: &str) -> Option<String> {
    let inner = partition_by
        .split_once('(')?
        .1
        .strip_suffix(')')?
        .to_string();
    Some(
        match inner.strip_prefix('"').and_then(|i| i.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\"\"", "\""),
            None => inner,
        },
    )
}

/// Edits the value partitions of one list-partitioned table: one added,
/// one dropped, or one given other values.
pub(super) fn edit_partitions(rng: &mut Rng, db: &mut Database) -> bool {
    let lists: Vec<QualifiedName> = list_partitioned(db).map(|t| t.name.clone()).collect();
    let Some(parent) = rng.pick(&lists).cloned() else {
        return false;
    };
    let Some(ty) = key_type(db, &parent) else {
        return false;
    };
    let values: Vec<QualifiedName> = db
        .tables
        .values()
        .filter(|t| {
            t.partition_of
                .as_ref()
                .is_some_and(|of| of.parent == parent && !of.is_default())
        })
        .map(|t| t.name.clone())
        .collect();
    // Whether `bound` shares no value with another partition than `except`.
    let free = |db: &Database, bound: &str, except: Option<&QualifiedName>| {
        db.tables.values().all(|t| {
            Some(&t.name) == except
                || t.partition_of
                    .as_ref()
                    .is_none_or(|of| of.parent != parent || apart(&of.bound, bound))
        })
    };
    match (rng.below(3), rng.pick(&values).cloned()) {
        (0, Some(gone)) => db.tables.remove(&gone).is_some(),
        (1, Some(moved)) => {
            let bound = list_values(rng, &ty);
            if !free(db, &bound, Some(&moved)) {
                return false;
            }
            let of = db
                .tables
                .get_mut(&moved)
                .and_then(|t| t.partition_of.as_mut());
            of.map(|of| of.bound = bound).is_some()
        }
        _ => {
            let bound = list_values(rng, &ty);
            if !free(db, &bound, None) {
                return false;
            }
            let mut ns = namespace(db, &parent.schema);
            let p = partition(&mut ns, &parent, "part", bound);
            db.tables.insert(p.name.clone(), p);
            true
        }
    }
}

/// Whether two list bounds share no value (a default partition shares
/// none).
pub(super) fn apart(a: &str, b: &str) -> bool {
    let values = |bound: &str| -> Vec<String> {
        bound
            .strip_prefix("FOR VALUES IN (")
            .and_then(|v| v.strip_suffix(')'))
            .map(|v| v.split(", ").map(str::to_string).collect())
            .unwrap_or_default()
    };
    let a = values(a);
    values(b).iter().all(|v| !a.contains(v))
}

/// What PostgreSQL holds partitioned tables and partitions to, restored
/// in `db` after edits of `before` made for any table:
///
/// - a partition whose parent went goes too, and one whose parent was
///   renamed follows it; a partition that holds rows (a default or a hash
///   one) and was dropped comes back, since its parent's rows would go
///   with it;
/// - a partition holds nothing of its own here (its columns are its
///   parent's): what an edit gave it goes;
/// - the key column of a partitioned table stays as it was (PostgreSQL
///   refuses to drop it or change its type), its name followed when it
///   is renamed; keys and unique indexes without it go, with the foreign
///   keys that reference them; and it keeps `conform`'s rules.
pub(super) fn keep_valid(before: &Database, db: &mut Database) {
    follow_parents(db);
    restore_holding_partitions(before, db);
    let partitions = partition_names(db);
    for name in &partitions {
        if let Some(t) = db.tables.get_mut(name) {
            let mut bare = Table::new(t.name.clone());
            bare.partition_of = t.partition_of.take();
            bare.own_defaults = std::mem::take(&mut t.own_defaults);
            bare.renamed_from = t.renamed_from.take();
            bare.comment = t.comment.take();
            *t = bare;
        }
    }
    let parents: Vec<QualifiedName> = db
        .tables
        .values()
        .filter(|t| t.partition_by.is_some())
        .map(|t| t.name.clone())
        .collect();
    for name in &parents {
        keep_key(before, db, name);
    }
    // Triggers on partitioned tables and partitions go, and so do those
    // on a partition an edit of partitions dropped after a trigger edit.
    let partitioned = |t: &QualifiedName| partitions.contains(t) || parents.contains(t);
    let (tables, views) = (&db.tables, &db.views);
    let exists = |t: &QualifiedName| tables.contains_key(t) || views.contains_key(t);
    db.triggers
        .retain(|k, _| !partitioned(&k.table) && exists(&k.table));
    for t in db.tables.values_mut() {
        t.foreign_keys
            .retain(|fk| !partitions.contains(&fk.ref_table));
    }
    super::partition_defaults::keep_valid(db);
}

/// A partition of a renamed parent names it so (even where another table
/// took the old name since); one whose parent went, or is no partitioned
/// table, goes.
fn follow_parents(db: &mut Database) {
    let renamed: Vec<(QualifiedName, QualifiedName)> = db
        .tables
        .values()
        .filter_map(|t| Some((t.renamed_from.clone()?, t.name.clone())))
        .collect();
    for t in db.tables.values_mut() {
        if let Some(of) = t.partition_of.as_mut()
            && let Some((_, new)) = renamed.iter().find(|(old, _)| *old == of.parent)
        {
            of.parent = new.clone();
        }
    }
    loop {
        let orphan = db.tables.values().find_map(|t| {
            let parent = &t.partition_of.as_ref()?.parent;
            let partitioned = db
                .tables
                .get(parent)
                .is_some_and(|p| p.partition_by.is_some());
            (!partitioned).then(|| t.name.clone())
        });
        match orphan {
            Some(orphan) => db.tables.remove(&orphan),
            None => break,
        };
    }
}

/// The default and hash partitions of `before` that an edit dropped,
/// back, while their parent is still partitioned.
fn restore_holding_partitions(before: &Database, db: &mut Database) {
    let renamed_to = |old: &QualifiedName| -> Option<QualifiedName> {
        if db.tables.get(old).is_some_and(|t| t.renamed_from.is_none()) {
            return Some(old.clone());
        }
        db.tables
            .values()
            .find(|t| t.renamed_from.as_ref() == Some(old))
            .map(|t| t.name.clone())
    };
    let mut back = Vec::new();
    for p in before.tables.values() {
        let Some(of) = &p.partition_of else {
            continue;
        };
        let holds_rows = of.is_default() || of.bound.starts_with("FOR VALUES WITH");
        let kept = renamed_to(&p.name).is_some();
        let parent = renamed_to(&of.parent)
            .filter(|n| db.tables.get(n).is_some_and(|t| t.partition_by.is_some()));
        if let (true, false, Some(parent)) = (holds_rows, kept, parent) {
            let mut p = p.clone();
            if let Some(of) = p.partition_of.as_mut() {
                of.parent = parent;
            }
            back.push(p);
        }
    }
    for p in back {
        if !namespace(db, &p.name.schema).is_taken(&p.name.name) {
            db.tables.insert(p.name.clone(), p);
        }
    }
}

/// The key column of partitioned `name` kept as it was in `before`, and
/// the rest of `conform`'s rules.
fn keep_key(before: &Database, db: &mut Database, name: &QualifiedName) {
    let Some(t) = db.tables.get(name) else {
        return;
    };
    let old_name = t.renamed_from.clone().unwrap_or_else(|| name.clone());
    let Some(old_key) = t.partition_by.as_deref().and_then(key_of) else {
        return;
    };
    let Some(original) = before
        .tables
        .get(&old_name)
        .and_then(|o| o.column(&old_key))
        .cloned()
    else {
        return;
    };
    let Some(t) = db.tables.get_mut(name) else {
        return;
    };
    let mut retyped = false;
    let current = t
        .columns
        .iter()
        .position(|c| c.name == old_key && c.renamed_from.is_none())
        .or_else(|| {
            t.columns
                .iter()
                .position(|c| c.renamed_from.as_deref() == Some(old_key.as_str()))
        })
        // The key column went, and another took its name by a rename:
        // that one becomes the key (two columns of one name cannot be),
        // and the foreign keys on it or to it, typed as it was, go.
        .or_else(|| {
            let at = t.columns.iter().position(|c| c.name == old_key)?;
            retyped = t.columns[at].ty != original.ty;
            Some(at)
        });
    let key = match current {
        Some(at) => {
            let renamed = t.columns[at].renamed_from.clone();
            let column_name = t.columns[at].name.clone();
            t.columns[at] = crate::Column {
                name: column_name.clone(),
                renamed_from: renamed,
                comment: t.columns[at].comment.clone(),
                ..original
            };
            column_name
        }
        None => {
            t.columns.push(original);
            old_key
        }
    };
    if let Some(strategy) = t.partition_by.as_deref().and_then(|p| p.split_once(' ')) {
        t.partition_by = Some(format!("{} ({})", strategy.0, ident(&key)));
    }
    conform(t);
    let holds = |columns: &[String]| columns.contains(&key);
    let mut gone: Vec<Vec<String>> = Vec::new();
    if t.primary_key.as_ref().is_some_and(|p| !holds(&p.columns)) {
        gone.extend(t.primary_key.take().map(|p| p.columns));
    }
    t.uniques.retain(|u| {
        let keep = holds(&u.columns);
        if !keep {
            gone.push(u.columns.clone());
        }
        keep
    });
    t.indexes
        .retain(|i| !i.unique || holds(&index_columns(&i.keys)));
    if retyped {
        t.foreign_keys.retain(|fk| !fk.columns.contains(&key));
    }
    for other in db.tables.values_mut() {
        other.foreign_keys.retain(|fk| {
            let to_it = fk.ref_table == *name;
            !(to_it
                && (gone.contains(&fk.ref_columns) || (retyped && fk.ref_columns.contains(&key))))
        });
    }
}
