//! Inheritance children, at random, and the rules PostgreSQL holds them
//! to.
//!
//! A child inherits from one table (no partition, no partitioned table; a
//! child itself at times, so trees go two levels deep) and declares a
//! column or two of its own, one of them
//! at times a copy of a parent's column (merged with it: the child keeps
//! its own copy when the parent's goes). The other edits are held to what
//! PostgreSQL does under an inheritance edge (`keep_valid`): a child
//! stays as it was but for its parents' renames and for what its parents'
//! column changes do to the columns it shares with them, and goes with a
//! parent that goes; a parent's new column that a child declares already
//! takes that column's type. Children come and go, and gain or lose a
//! column of their own, by `edit_children`.

use super::Rng;
use super::build::namespace;
use crate::{Column, Database, QualifiedName, SqlType, Table};

/// The own columns a child draws from (names no generated table uses).
const OWN_COLUMNS: &[(&str, &str)] = &[
    ("archived_on", "date"),
    ("archived_note", "text"),
    ("shard", "integer"),
    ("origin", "text"),
];

/// The tables a child may inherit from: plain tables with a column, and
/// no identity column (PostgreSQL cannot add one to a table with
/// children, nor turn a parent's column into one under them), and
/// children of such a table (grandchildren, no deeper).
fn parents(db: &Database) -> Vec<QualifiedName> {
    db.tables
        .values()
        .filter(|t| {
            let tree = t.partition_of.is_none()
                && (t.inherits.is_empty() || ancestors(db, &t.name).len() < 2);
            t.partition_by.is_none()
                && tree
                && !t.columns.is_empty()
                && t.columns.iter().all(|c| c.identity.is_none())
        })
        .map(|t| t.name.clone())
        .collect()
}

/// The tables above `table`, nearest first, as names of their own (the
/// rules edit `db` while they walk them).
fn ancestors(db: &Database, table: &QualifiedName) -> Vec<QualifiedName> {
    db.inheritance_ancestors(table)
        .into_iter()
        .cloned()
        .collect()
}

/// A column of `parent` a child may declare too: no generated, identity
/// or serial column (their rules differ for a child's own copy).
fn shareable(parent: &Table) -> Vec<&Column> {
    parent
        .columns
        .iter()
        .filter(|c| c.generated.is_none() && c.identity.is_none() && !c.serial)
        .collect()
}

/// The inheritance children of `db`.
fn children_of(db: &Database) -> Vec<QualifiedName> {
    db.tables
        .values()
        .filter(|t| !t.inherits.is_empty())
        .map(|t| t.name.clone())
        .collect()
}

/// Adds an inheritance child of a table of `db`, where one qualifies.
pub(super) fn add_child(rng: &mut Rng, db: &mut Database) -> bool {
    add_child_beside(rng, db, &Database::default())
}

/// [`add_child`], under a name no table of `before` had (a new child
/// under an old one's name would be that one changed past what
/// PostgreSQL allows).
fn add_child_beside(rng: &mut Rng, db: &mut Database, before: &Database) -> bool {
    let Some(parent) = rng.pick(&parents(db)).cloned() else {
        return false;
    };
    let Some(p) = db.tables.get(&parent) else {
        return false;
    };
    let mut child_columns: Vec<Column> = Vec::new();
    if rng.chance(50)
        && let Some(shared) = rng.pick(&shareable(p)).copied()
    {
        let mut copy = Column::new(shared.name.clone(), shared.ty.clone());
        copy.nullable = shared.nullable;
        copy.collation = shared.collation.clone();
        copy.default = shared.default.clone();
        child_columns.push(copy);
    }
    for _ in 0..1 + rng.below(2) {
        let Some((name, ty)) = rng.pick(OWN_COLUMNS).copied() else {
            break;
        };
        let taken = p.column(name).is_some()
            || inherited(db, &parent, name)
            || child_columns.iter().any(|c| c.name == name);
        if !taken {
            child_columns.push(Column::new(name, SqlType::canonical(ty)));
        }
    }
    let mut ns = namespace(db, &parent.schema);
    for taken in before.tables.keys().filter(|t| t.schema == parent.schema) {
        ns.take(&taken.name);
    }
    let name = ns.choose(&parent.name, None, "child");
    let mut child = Table::new(QualifiedName::new(parent.schema.clone(), name));
    child.inherits = vec![parent];
    child.columns = child_columns;
    db.tables.insert(child.name.clone(), child);
    true
}

/// One edit of the children: one added, one dropped, or a column of its
/// own added to or dropped from one (never one it shares with a parent).
pub(super) fn edit_children(rng: &mut Rng, db: &mut Database, before: &Database) -> bool {
    let children = children_of(db);
    let Some(name) = rng.pick(&children).cloned() else {
        return add_child_beside(rng, db, before);
    };
    match rng.below(4) {
        0 => add_child_beside(rng, db, before),
        1 => {
            // With its own children: PostgreSQL drops no table others
            // inherit from (but with CASCADE).
            let before = db.clone();
            for below in db.inheritance_descendants(&name) {
                db.tables.remove(&below);
            }
            db.tables.remove(&name);
            super::settle::settle(&before, db);
            true
        }
        2 => {
            let Some((column, ty)) = rng.pick(OWN_COLUMNS).copied() else {
                return false;
            };
            if inherited(db, &name, column) {
                return false;
            }
            match db.tables.get_mut(&name) {
                Some(t) if t.column(column).is_none() => {
                    t.columns.push(Column::new(column, SqlType::canonical(ty)));
                    true
                }
                _ => false,
            }
        }
        _ => {
            let Some(t) = db.tables.get(&name) else {
                return false;
            };
            let own: Vec<String> = t
                .columns
                .iter()
                .filter(|c| !inherited(db, &name, &c.name))
                .map(|c| c.name.clone())
                .collect();
            let Some(column) = rng.pick(&own).cloned() else {
                return false;
            };
            let before = db.clone();
            if let Some(t) = db.tables.get_mut(&name) {
                t.columns.retain(|c| c.name != column);
            }
            super::settle::settle(&before, db);
            true
        }
    }
}

/// Whether a table above `child` has `column`.
fn inherited(db: &Database, child: &QualifiedName, column: &str) -> bool {
    ancestors(db, child)
        .iter()
        .filter_map(|a| db.tables.get(a))
        .any(|a| a.column(column).is_some())
}

/// Holds `db` (edited from `before`) to what PostgreSQL does under an
/// inheritance edge: each child of `before` as it was, but under its
/// parents' new names, and gone with a parent that went (with what reads
/// it); then `mirror`.
pub(super) fn keep_valid(before: &Database, db: &mut Database) {
    let has_children = |db: &Database| db.tables.values().any(|t| !t.inherits.is_empty());
    if !has_children(before) && !has_children(db) {
        return;
    }
    let renamed: Vec<(QualifiedName, QualifiedName)> = db
        .tables
        .values()
        .filter_map(|t| Some((t.renamed_from.clone()?, t.name.clone())))
        .collect();
    let new_name = |name: &QualifiedName| -> QualifiedName {
        renamed
            .iter()
            .find(|(old, _)| old == name)
            .map_or_else(|| name.clone(), |(_, new)| new.clone())
    };
    let settled = db.clone();
    for was in before.tables.values().filter(|t| !t.inherits.is_empty()) {
        let now = new_name(&was.name);
        if !db.tables.contains_key(&now) {
            continue;
        }
        let parents: Vec<QualifiedName> = was.inherits.iter().map(&new_name).collect();
        if parents.iter().any(|p| !db.tables.contains_key(p)) {
            db.tables.remove(&now);
            continue;
        }
        let mut child = was.clone();
        child.name = now.clone();
        child.renamed_from = (now != was.name).then(|| was.name.clone());
        child.inherits = parents;
        db.tables.insert(now, child);
    }
    // A child a parent's edit left without a parent of its own, and its
    // own children in turn.
    loop {
        let orphans: Vec<QualifiedName> = db
            .tables
            .values()
            .filter(|t| t.inherits.iter().any(|p| !db.tables.contains_key(p)))
            .map(|t| t.name.clone())
            .collect();
        if orphans.is_empty() {
            break;
        }
        for name in orphans {
            db.tables.remove(&name);
        }
    }
    // No foreign key to a child: its keys are restored as they were.
    let children = children_of(db);
    for t in db.tables.values_mut() {
        t.foreign_keys
            .retain(|fk| !children.contains(&fk.ref_table));
    }
    follow_column_renames(db, &children);
    super::settle::settle(&settled, db);
    hold_parents(before, db, &new_name);
    mirror(db);
}

/// A parent's column renamed renames a child's own column of that name
/// (PostgreSQL renames every inherited column with it), under a hint; one
/// renamed to a name a child declares already (which PostgreSQL refuses)
/// is dropped and added instead.
fn follow_column_renames(db: &mut Database, children: &[QualifiedName]) {
    let mut clashes: Vec<(QualifiedName, String)> = Vec::new();
    for name in children {
        let Some(child) = db.tables.get(name) else {
            continue;
        };
        for parent in ancestors(db, name).iter().filter_map(|p| db.tables.get(p)) {
            for column in &parent.columns {
                if column.renamed_from.is_some() && child.column(&column.name).is_some() {
                    clashes.push((parent.name.clone(), column.name.clone()));
                }
            }
        }
    }
    for (parent, column) in clashes {
        if let Some(c) = db
            .tables
            .get_mut(&parent)
            .and_then(|p| p.columns.iter_mut().find(|c| c.name == column))
        {
            c.renamed_from = None;
        }
    }
    for name in children {
        let renames: Vec<(String, String)> = ancestors(db, name)
            .iter()
            .filter_map(|p| db.tables.get(p))
            .flat_map(|p| &p.columns)
            .filter_map(|c| Some((c.renamed_from.clone()?, c.name.clone())))
            .collect();
        let Some(child) = db.tables.get_mut(name) else {
            continue;
        };
        for (old, new) in renames {
            if child.column(&new).is_some() {
                continue;
            }
            if let Some(column) = child.columns.iter_mut().find(|c| c.name == old) {
                column.name = new;
                column.renamed_from = Some(old);
            }
        }
    }
}

/// What a parent's edits may not do to a column a child declares too: a
/// shared column turned generated, identity or serial is put back as it
/// was (PostgreSQL cannot, or the child's copy would have to go while
/// inherited); a new column of the name a child declares on its own
/// comes nullable, with no default, of the child's type (PostgreSQL
/// merges the two, and refuses two types).
fn hold_parents(
    before: &Database,
    db: &mut Database,
    new_name: &dyn Fn(&QualifiedName) -> QualifiedName,
) {
    let children: Vec<Table> = db
        .tables
        .values()
        .filter(|t| !t.inherits.is_empty())
        .cloned()
        .collect();
    for child in children {
        for parent in &ancestors(db, &child.name) {
            let was = before
                .tables
                .values()
                .find(|t| new_name(&t.name) == *parent)
                .cloned();
            let Some(p) = db.tables.get_mut(parent) else {
                continue;
            };
            for own in &child.columns {
                let Some(column) = p.columns.iter_mut().find(|c| c.name == own.name) else {
                    continue;
                };
                let old = was.as_ref().and_then(|w| w.column(&own.name));
                let special =
                    column.generated.is_some() || column.identity.is_some() || column.serial;
                match old {
                    Some(old) if special => *column = old.clone(),
                    Some(_) => {}
                    None => {
                        column.ty = own.ty.clone();
                        column.collation = own.collation.clone();
                        column.nullable = true;
                        column.default = None;
                        column.generated = None;
                        column.identity = None;
                        column.serial = false;
                    }
                }
            }
        }
    }
}

/// A column a child shares with a parent is the parent's as PostgreSQL
/// keeps it: its type and collation, its NOT NULL and default (a parent's
/// change reaches it). A parent's column that is generated, an identity
/// or serial (a new child's, never a kept one's: `hold_parents`) is no
/// child's to share: the child's copy goes.
pub(super) fn mirror(db: &mut Database) {
    // The shallower first: a grandchild's copy follows its parent's, as
    // that one now is.
    let mut children = children_of(db);
    children.sort_by_key(|name| ancestors(db, name).len());
    for name in children {
        let parents: Vec<Table> = ancestors(db, &name)
            .iter()
            .filter_map(|p| db.tables.get(p).cloned())
            .collect();
        let Some(child) = db.tables.get_mut(&name) else {
            continue;
        };
        child.columns.retain(|c| {
            parents
                .iter()
                .filter_map(|p| p.column(&c.name))
                .all(|shared| {
                    shared.generated.is_none() && shared.identity.is_none() && !shared.serial
                })
        });
        for column in &mut child.columns {
            let Some(shared) = parents.iter().find_map(|p| p.column(&column.name)) else {
                continue;
            };
            column.ty = shared.ty.clone();
            column.collation = shared.collation.clone();
            column.nullable = shared.nullable;
            column.default = shared.default.clone();
            column.generated = None;
            column.identity = None;
            column.serial = false;
        }
    }
}

/// A kept plain table that declares every column of a table (and of its
/// parents) made its child, or a child that declares every column and
/// check of its parents made a plain table: what `ALTER TABLE ...
/// INHERIT` and `NO INHERIT` do in place (a table of `before`, kept).
pub(super) fn reparent_a_table(rng: &mut Rng, db: &mut Database, before: &Database) -> bool {
    let kept = |t: &&Table| before.tables.contains_key(&t.name) && t.renamed_from.is_none();
    let leaving: Vec<QualifiedName> = db
        .tables
        .values()
        .filter(kept)
        .filter(|t| !t.inherits.is_empty() && t.inherits.iter().all(|p| db.declares_all_of(t, p)))
        .map(|t| t.name.clone())
        .collect();
    if rng.chance(50)
        && let Some(name) = rng.pick(&leaving).cloned()
    {
        if let Some(t) = db.tables.get_mut(&name) {
            t.inherits.clear();
        }
        return true;
    }
    let has_children = |name: &QualifiedName| db.tables.values().any(|t| t.inherits.contains(name));
    let plain: Vec<QualifiedName> = db
        .tables
        .values()
        .filter(kept)
        .filter(|t| {
            t.inherits.is_empty()
                && t.partition_of.is_none()
                && t.partition_by.is_none()
                && !has_children(&t.name)
                && t.columns
                    .iter()
                    .all(|c| c.generated.is_none() && c.identity.is_none() && !c.serial)
        })
        .map(|t| t.name.clone())
        .collect();
    let pairs: Vec<(QualifiedName, QualifiedName)> = plain
        .iter()
        .flat_map(|t| parents(db).into_iter().map(move |p| (t.clone(), p)))
        .filter(|(t, p)| join(&mut db.clone(), t, p))
        .collect();
    let Some((table, parent)) = rng.pick(&pairs).cloned() else {
        return false;
    };
    join(db, &table, &parent)
}

/// `table` given the columns of `parent` (and of its parents) it lacks,
/// and made its child; false, and nothing done, where PostgreSQL would
/// refuse: a column of another type or collation, or nullable where the
/// parent's is not, a check it lacks, a column it could not share.
fn join(db: &mut Database, table: &QualifiedName, parent: &QualifiedName) -> bool {
    if table == parent || ancestors(db, parent).contains(table) {
        return false;
    }
    let mut sources = vec![parent.clone()];
    sources.extend(ancestors(db, parent));
    let passed: Vec<Column> = sources
        .iter()
        .filter_map(|s| db.tables.get(s))
        .flat_map(|t| t.columns.iter().cloned())
        .collect();
    let checks = sources
        .iter()
        .filter_map(|s| db.tables.get(s))
        .flat_map(|t| t.checks.iter().filter(|c| !c.no_inherit));
    let Some(t) = db.tables.get(table) else {
        return false;
    };
    let mut checks = checks;
    if checks.any(|c| !t.checks.iter().any(|mine| mine == c)) {
        return false;
    }
    let mut added = Vec::new();
    for column in &passed {
        if column.generated.is_some() || column.identity.is_some() || column.serial {
            return false;
        }
        match t.column(&column.name) {
            Some(mine) => {
                let fits = mine.ty == column.ty
                    && mine.collation == column.collation
                    && (column.nullable || !mine.nullable);
                if !fits {
                    return false;
                }
            }
            None if !added.iter().any(|c: &Column| c.name == column.name) => {
                let mut copy = Column::new(column.name.clone(), column.ty.clone());
                copy.nullable = true;
                copy.collation = column.collation.clone();
                added.push(copy);
            }
            None => {}
        }
    }
    // A column it gains that the parent holds NOT NULL would need its rows
    // proven: none is added so.
    if added
        .iter()
        .any(|c| passed.iter().any(|p| p.name == c.name && !p.nullable))
    {
        return false;
    }
    let Some(t) = db.tables.get_mut(table) else {
        return false;
    };
    t.columns.extend(added);
    t.inherits = vec![parent.clone()];
    true
}
