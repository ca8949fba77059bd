//! The names of partitions' copies of their parents' indexes
//! (`Table::index_copies`) through the changes, as PostgreSQL gives them:
//! a copy it makes (an index created on a parent, a partition created,
//! a table attached with no index of the parent's definition) takes the
//! name `ChooseIndexName` picks when it is free (`default_name`), a
//! table attached keeps its own index of the parent's definition as the
//! copy, and a copy named otherwise keeps its name until it is dropped
//! or renamed (`compare/index_copies.rs` names it as wanted).

use std::collections::BTreeMap;

use petal_ir::naming::Namespace;
use petal_ir::{Database, Index, QualifiedName};

use crate::change::{Alter, Change, Delta, Moved, Object, Rename};

/// What `change` (applied already) does to the copies of the indexes it
/// creates, drops, renames or names, and to those of a partition it
/// creates, detaches or attaches.
pub(crate) fn pass_on(db: &mut Database, change: &Change) {
    match change {
        // Made `ON ONLY`, it has no copy.
        Change::Create(Object::Index { table, index })
        | Change::PutBack(Moved {
            object: Object::Index { table, index },
            ..
        }) if !index.only => copied(db, table, &index.name),
        Change::Create(Object::Table { table, .. }) => {
            if let Some(of) = &table.partition_of {
                for index in copyable(db, &of.parent) {
                    made(db, &table.name, &index);
                }
            }
        }
        Change::Drop(Object::Index { table, index })
        | Change::MoveAside(Moved {
            object: Object::Index { table, index },
            ..
        }) => forget(db, table, &index.name),
        Change::Rename(Rename::Index { table, name }) => {
            rekey(db, table, &name.from, &name.to);
        }
        Change::Alter(Alter::PartitionOf {
            table,
            partition_of,
            stands_alone,
            ..
        }) => match (&partition_of.to, stands_alone) {
            // Standing alone, its copies are its own indexes.
            (None, Some(_)) => {
                if let Some(t) = db.tables.get_mut(table) {
                    t.index_copies.clear();
                }
            }
            // Detached to be attached again, it keeps them; attached, it
            // holds one of each index of its parent (`stand_alone::joined`
            // names those a joining table had).
            (None, None) => {}
            (Some(of), _) => {
                let names: Vec<String> = copyable(db, &of.parent);
                if let Some(t) = db.tables.get_mut(table) {
                    t.index_copies.retain(|k, _| names.contains(k));
                }
                for index in names {
                    made(db, table, &index);
                }
            }
        },
        // A column's type changed under an index of a partitioned table:
        // PostgreSQL builds the index again, its copies under its names.
        _ => {
            for (table, index) in rebuilt(db, change) {
                forget(db, &table, &index);
                copied(db, &table, &index);
            }
        }
    }
}

/// The copies of index `index` of `table`, and theirs, forgotten.
fn forget(db: &mut Database, table: &QualifiedName, index: &str) {
    for (partition, copies) in lost(db, table, index) {
        if let Some(t) = db.tables.get_mut(&partition) {
            t.index_copies.retain(|k, _| !copies.contains_key(k));
        }
    }
}

/// The indexes of partitioned tables `change` builds again: those on a
/// column whose type (or collation) it changes, or that it converts to a
/// recreated enum type, by name or in an expression or a predicate.
pub(crate) fn rebuilt(db: &Database, change: &Change) -> Vec<(QualifiedName, String)> {
    let columns: Vec<(&QualifiedName, &str)> = match change {
        Change::Alter(Alter::ColumnType { table, column, .. }) => vec![(table, column.as_str())],
        Change::RecreateEnum(recreate) => recreate
            .columns
            .iter()
            .map(|c| (&c.table, c.column.as_str()))
            .collect(),
        _ => return Vec::new(),
    };
    indexes_reading(db, columns)
}

/// The indexes of partitioned tables of `db` that read one of `columns`.
pub(crate) fn indexes_reading(
    db: &Database,
    columns: Vec<(&QualifiedName, &str)>,
) -> Vec<(QualifiedName, String)> {
    let mut out = Vec::new();
    for (table, column) in columns {
        let Some(t) = db.tables.get(table).filter(|t| t.partition_by.is_some()) else {
            continue;
        };
        for index in t.indexes.iter().filter(|i| !i.only && mentions(i, column)) {
            out.push((table.clone(), index.name.clone()));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether `index` reads `column`: a key or an included column, or a
/// word of an expression or of its predicate.
fn mentions(index: &Index, column: &str) -> bool {
    let in_text = |text: &str| {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == column)
            || text.contains(&petal_ir::quote_ident(column))
    };
    index.keys.iter().any(|k| match &k.expr {
        petal_ir::IndexKeyExpr::Column(c) => c == column,
        petal_ir::IndexKeyExpr::Expression(e) => in_text(e),
    }) || index.include.iter().any(|c| c == column)
        || index.predicate.as_deref().is_some_and(in_text)
}

/// The indexes of `parent` a partition of it holds a copy of: its own
/// (but a key's), and its copies of its own parent's.
fn copyable(db: &Database, parent: &QualifiedName) -> Vec<String> {
    db.tables.get(parent).map_or_else(Vec::new, |p| {
        p.indexes
            .iter()
            .map(|i| i.name.clone())
            .chain(p.index_copies.values().cloned())
            .collect()
    })
}

/// Index `index` of `parent` made just now: each partition below gets a
/// copy of it, and so on down.
fn copied(db: &mut Database, parent: &QualifiedName, index: &str) {
    let below: Vec<QualifiedName> = partitions_of(db, parent).map(|t| t.name.clone()).collect();
    for partition in below {
        made(db, &partition, index);
    }
}

/// Partition `partition`'s copy of its parent's index `index`, unless it
/// has one, under PostgreSQL's name; and the copies of that copy below.
fn made(db: &mut Database, partition: &QualifiedName, index: &str) {
    let Some(t) = db.tables.get(partition) else {
        return;
    };
    if t.index_copies.contains_key(index) {
        return;
    }
    let Some(name) = t
        .partition_of
        .as_ref()
        .and_then(|of| index_definition(db, &of.parent, index))
        .map(|def| default_name(partition, def))
    else {
        return;
    };
    if let Some(t) = db.tables.get_mut(partition) {
        t.index_copies.insert(index.to_string(), name.clone());
    }
    copied(db, partition, &name);
}

/// Sets the names `names.to` gives; the partitions below hold their
/// copies of a renamed copy under its new name.
pub(super) fn set(
    db: &mut Database,
    table: &QualifiedName,
    names: &Delta<BTreeMap<String, String>>,
) {
    // To no name: a change to come makes the copies anew (or, for a new
    // enum label, its inverse does), which the working copy follows then.
    let Some(t) = db.tables.get_mut(table).filter(|_| !names.to.is_empty()) else {
        return;
    };
    let mut renamed = Vec::new();
    for index in names.from.keys().chain(names.to.keys()) {
        if let Some(old) = t.index_copies.remove(index) {
            renamed.extend(names.to.get(index).map(|new| (old, new.clone())));
        }
    }
    t.index_copies
        .extend(names.to.iter().map(|(k, v)| (k.clone(), v.clone())));
    for (old, new) in renamed {
        rekey(db, table, &old, &new);
    }
}

/// The known copies of index `index` of `table`, and of those copies in
/// turn, partition by partition, parents before their partitions: what
/// dropping the index drops.
pub(crate) fn lost(
    db: &Database,
    table: &QualifiedName,
    index: &str,
) -> Vec<(QualifiedName, BTreeMap<String, String>)> {
    let mut out = Vec::new();
    let mut pending = vec![(table.clone(), index.to_string())];
    while let Some((parent, index)) = pending.pop() {
        for t in partitions_of(db, &parent) {
            if let Some(copy) = t.index_copies.get(&index) {
                out.push((
                    t.name.clone(),
                    BTreeMap::from([(index.clone(), copy.clone())]),
                ));
                pending.push((t.name.clone(), copy.clone()));
            }
        }
    }
    out
}

/// The partitions of `parent` hold their copies of its index `from` under
/// the key `to` once it is renamed.
fn rekey(db: &mut Database, parent: &QualifiedName, from: &str, to: &str) {
    let below: Vec<QualifiedName> = partitions_of(db, parent).map(|t| t.name.clone()).collect();
    for name in below {
        if let Some(t) = db.tables.get_mut(&name)
            && let Some(copy) = t.index_copies.remove(from)
        {
            t.index_copies.insert(to.to_string(), copy);
        }
    }
}

fn partitions_of<'a>(
    db: &'a Database,
    parent: &'a QualifiedName,
) -> impl Iterator<Item = &'a petal_ir::Table> {
    db.tables.values().filter(move |t| {
        t.partition_of
            .as_ref()
            .is_some_and(|of| &of.parent == parent)
    })
}

/// Whether `copy`, partition `partition`'s copy of its parent's index
/// `index`, bears the name PostgreSQL picks for a new one.
pub(crate) fn is_default(
    db: &Database,
    partition: &QualifiedName,
    index: &str,
    copy: &str,
) -> bool {
    db.tables
        .get(partition)
        .and_then(|t| t.partition_of.as_ref())
        .and_then(|of| index_definition(db, &of.parent, index))
        .is_some_and(|def| copy == default_name(partition, def))
}

/// The index `name` of `table`: its own, or, on a partition, its copy of
/// its parent's, whose definition is the parent's.
pub(crate) fn index_definition<'a>(
    db: &'a Database,
    table: &QualifiedName,
    name: &str,
) -> Option<&'a Index> {
    let t = db.tables.get(table)?;
    if let Some(own) = t.indexes.iter().find(|i| i.name == name) {
        return Some(own);
    }
    let of = t.partition_of.as_ref()?;
    let (copied, _) = t.index_copies.iter().find(|(_, copy)| *copy == name)?;
    index_definition(db, &of.parent, copied)
}

/// The name PostgreSQL gives partition `partition`'s copy of `index` when
/// the name is free (`ChooseIndexName`).
pub(crate) fn default_name(partition: &QualifiedName, index: &Index) -> String {
    Namespace::new().index(&partition.name, &index.keys, &index.include)
}
