//! The picture of a change: the tables it touches and their direct
//! neighbours, as a Mermaid `erDiagram` with what was added, changed and
//! removed marked. What the diagram looks like is `crate::erd`'s; this
//! module says which tables and which marks.

use petal_diff::{Change, Object, Rename};
use petal_ir::{Database, ObjectKey, QualifiedName};

use crate::erd::{self, Attribute, EntityKind, Erd, Mark, Marks, Selection};

/// Each object and column the changes touch, marked: created ones added,
/// dropped ones removed, the rest (and a table whose parts change)
/// changed. Objects only moved out of another change's way and put back
/// are the same before and after: not marked.
pub fn marks(changes: &[Change]) -> Marks {
    let mut marks = Marks::default();
    for change in changes {
        let (key, mark) = match change {
            Change::MoveAside(_) | Change::PutBack(_) => continue,
            Change::Create(object) => (object.key(), Mark::Added),
            Change::Drop(object) => (object.key(), Mark::Removed),
            // Marked under the name it gets: the diagram draws the after.
            Change::Rename(rename) => (renamed(rename), Mark::Changed),
            other => (other.key(), Mark::Changed),
        };
        mark_key(&mut marks, &key, mark);
        // A created or dropped table's columns are the table's, not
        // changes of their own; a column's or a part's table is changed.
        if let Change::Create(Object::Table { .. }) | Change::Drop(Object::Table { .. }) = change {
            continue;
        }
        if let Some(table) = owning_table(&key) {
            put(&mut marks.objects, table.clone(), Mark::Changed);
        }
    }
    marks
}

/// The key of a renamed object under its new name, where the diagram
/// shows it (tables, columns, views, enum types); the old key otherwise.
fn renamed(rename: &Rename) -> ObjectKey {
    match rename {
        Rename::Table { name } => ObjectKey::table(&name.to),
        Rename::Column { table, name } => ObjectKey::column(table, &name.to),
        Rename::Enum { name } => ObjectKey::Enum {
            name: name.to.clone(),
        },
        Rename::View {
            materialized: false,
            name,
        } => ObjectKey::View {
            name: name.to.clone(),
        },
        Rename::View {
            materialized: true,
            name,
        } => ObjectKey::MaterializedView {
            name: name.to.clone(),
        },
        other => other.key(),
    }
}

fn mark_key(marks: &mut Marks, key: &ObjectKey, mark: Mark) {
    match key {
        ObjectKey::Table { name }
        | ObjectKey::Enum { name }
        | ObjectKey::View { name }
        | ObjectKey::MaterializedView { name } => put(&mut marks.objects, name.clone(), mark),
        ObjectKey::Column { table, column } => {
            put(&mut marks.columns, (table.clone(), column.clone()), mark);
        }
        ObjectKey::EnumLabel { enum_type, .. } => {
            put(&mut marks.objects, enum_type.clone(), Mark::Changed);
        }
        _ => {}
    }
}

/// A mark over the one an earlier change left: a change after a creation
/// or a drop leaves it so; a drop and a creation of one name (a table
/// recreated) is a change.
fn put<K: Ord>(map: &mut std::collections::BTreeMap<K, Mark>, key: K, mark: Mark) {
    let merged = match (map.get(&key), mark) {
        (None, mark) => mark,
        (Some(Mark::Removed), Mark::Added) | (Some(Mark::Added), Mark::Removed) => Mark::Changed,
        (Some(earlier @ (Mark::Added | Mark::Removed)), Mark::Changed) => *earlier,
        (Some(_), mark) => mark,
    };
    map.insert(key, merged);
}

/// The table a part (a column, constraint, index, trigger, policy)
/// belongs to.
fn owning_table(key: &ObjectKey) -> Option<&QualifiedName> {
    match key {
        ObjectKey::Column { table, .. }
        | ObjectKey::Constraint { table, .. }
        | ObjectKey::Index { table, .. }
        | ObjectKey::Trigger { table, .. }
        | ObjectKey::Policy { table, .. } => Some(table),
        _ => None,
    }
}

/// The Mermaid `erDiagram` of the changed tables of `after` and their
/// direct neighbours, with the removed ones (and theirs) drawn from
/// `before`; `None` when no table changed (or the writer draws nothing).
pub fn mermaid(marks: &Marks, before: &Database, after: &Database) -> Option<String> {
    let erd = of_change(marks, before, after)?;
    let text = erd::mermaid(&erd, marks);
    (!text.trim().is_empty()).then_some(text)
}

/// The diagram of a change: the changed tables of `after` and their
/// direct neighbours, the removed ones (and theirs) drawn from `before`,
/// the dropped columns of kept tables put back; `None` when no table
/// changed. Written as the report's Mermaid, or by `petal diff --format
/// dot|svg`, with `marks`.
pub fn of_change(marks: &Marks, before: &Database, after: &Database) -> Option<Erd> {
    let tables_in = |db: &Database, wanted: &dyn Fn(Mark) -> bool| -> Vec<QualifiedName> {
        marks
            .objects
            .iter()
            .filter(|(name, mark)| wanted(**mark) && db.tables.contains_key(*name))
            .map(|(name, _)| name.clone())
            .collect()
    };
    let changed = tables_in(after, &|m| m != Mark::Removed);
    let removed = tables_in(before, &|m| m == Mark::Removed);
    if changed.is_empty() && removed.is_empty() {
        return None;
    }
    let around = |tables: Vec<QualifiedName>, db: &Database| -> Erd {
        if tables.is_empty() {
            return Erd::default();
        }
        let selection = Selection {
            tables: Some(tables),
            depth: 1,
        };
        // Every table selected is in `db`: an unknown one cannot come.
        Erd::of(db, &selection).unwrap_or_default()
    };
    let mut erd = around(changed, after).merge(around(removed, before));
    show_removed_columns(&mut erd, marks, before);
    (!erd.entities.is_empty()).then_some(erd)
}

/// The columns the changes drop, put back into their kept table's entity
/// as the schema before had them (after the columns it keeps), so the
/// diagram shows them marked removed rather than not at all.
fn show_removed_columns(erd: &mut Erd, marks: &Marks, before: &Database) {
    for ((table, column), mark) in &marks.columns {
        if *mark != Mark::Removed {
            continue;
        }
        let Some(entity) = erd
            .entities
            .iter_mut()
            .find(|e| e.kind == EntityKind::Table && e.name == *table)
        else {
            continue;
        };
        if entity.attributes.iter().any(|a| a.name == *column) {
            continue;
        }
        let Some(was) = before
            .tables
            .get(table)
            .and_then(|t| t.columns.iter().find(|c| c.name == *column))
        else {
            continue;
        };
        entity.attributes.push(Attribute {
            name: was.name.clone(),
            sql_type: was.ty.to_string(),
            keys: Vec::new(),
            nullable: was.nullable,
            comment: None,
        });
    }
}
