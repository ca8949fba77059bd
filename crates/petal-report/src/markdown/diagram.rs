//! The picture of a change: the tables and views it touches and their
//! direct neighbours, as a Mermaid `erDiagram` with what was added,
//! changed and removed marked. What the diagram looks like is `crate::erd`'s; this
//! module says which tables and which marks.

use std::collections::BTreeSet;

use petal_diff::{Change, Object, Rename};
use petal_ir::{Database, ObjectKey, QualifiedName};

use super::MERMAID_TEXT_LIMIT;
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

/// A diagram the report may show.
pub struct Drawn {
    pub text: String,
    /// With the tables next to the changed ones.
    pub neighbours: bool,
}

/// What of the diagram is over Mermaid's limit, and left out for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLong {
    Nothing,
    Neighbours,
    Diagram,
}

/// The report's diagrams under Mermaid's limit, the smaller first, and
/// what of it the limit leaves out.
pub fn within_mermaids_limit(
    changes: &[Change],
    before: &Database,
    after: &Database,
) -> (Vec<Drawn>, TooLong) {
    let marks = marks(changes);
    let mut drawn: Vec<Drawn> = Vec::new();
    for depth in [0, 1] {
        let Some(text) = mermaid(&marks, before, after, depth) else {
            return (drawn, TooLong::Nothing);
        };
        let text = text.trim_end().to_string();
        // Mermaid counts a JavaScript string's length: UTF-16 units.
        if text.encode_utf16().count() >= MERMAID_TEXT_LIMIT {
            let too_long = if drawn.is_empty() {
                TooLong::Diagram
            } else {
                TooLong::Neighbours
            };
            return (drawn, too_long);
        }
        match drawn.last_mut() {
            // No neighbours: the one diagram is both.
            Some(alone) if alone.text == text => alone.neighbours = true,
            _ => drawn.push(Drawn {
                text,
                neighbours: depth > 0,
            }),
        }
    }
    (drawn, TooLong::Nothing)
}

/// The Mermaid `erDiagram` of the changed tables and views of `after`,
/// with the tables `depth` foreign keys away, the removed ones (and
/// theirs) drawn from `before`; `None` when nothing drawn changed (or the
/// writer draws nothing).
pub fn mermaid(marks: &Marks, before: &Database, after: &Database, depth: usize) -> Option<String> {
    let erd = of_change_at(marks, before, after, depth)?;
    let text = erd::mermaid(&erd, &folded(marks, before, after));
    (!text.trim().is_empty()).then_some(text)
}

/// The diagram of a change: the changed tables, views and enum types of
/// `after` and the tables next to them, the removed ones (and theirs)
/// drawn from `before`, the dropped columns of kept tables put back;
/// `None` when none changed. Written as the report's Mermaid, or by
/// `petal diff --format dot|svg`, with [`folded`] marks (a partition's
/// on its root, which stands for it).
pub fn of_change(marks: &Marks, before: &Database, after: &Database) -> Option<Erd> {
    of_change_at(marks, before, after, 1)
}

/// `marks` with each partition's also on the root table it is drawn as
/// (`erd` folds a partition into its root): a partition created, dropped
/// or changed changes its root. A mark the root has of its own is kept.
pub fn folded(marks: &Marks, before: &Database, after: &Database) -> Marks {
    let mut out = marks.clone();
    let root_of = |name: &QualifiedName| -> Option<QualifiedName> {
        [after, before].into_iter().find_map(|db| {
            let table = db.tables.get(name)?;
            table.partition_of.as_ref()?;
            // `find` reads a typed name and answers with the root parent.
            erd::find(db, &name.to_string())
                .into_iter()
                .find(|root| root != name)
        })
    };
    for name in marks.objects.keys() {
        if let Some(root) = root_of(name) {
            put(&mut out.objects, root, Mark::Changed);
        }
    }
    for (table, column) in marks.columns.keys() {
        if let Some(root) = root_of(table) {
            put(
                &mut out.columns,
                (root.clone(), column.clone()),
                Mark::Changed,
            );
            put(&mut out.objects, root, Mark::Changed);
        }
    }
    out
}

fn of_change_at(marks: &Marks, before: &Database, after: &Database, depth: usize) -> Option<Erd> {
    let marks = folded(marks, before, after);
    let drawn_in = |db: &Database, wanted: &dyn Fn(Mark) -> bool| -> Vec<QualifiedName> {
        marks
            .objects
            .iter()
            .filter(|(name, mark)| {
                wanted(**mark)
                    && (db.tables.contains_key(*name)
                        || db.views.contains_key(*name)
                        || db.enums.contains_key(*name))
            })
            .map(|(name, _)| name.clone())
            .collect()
    };
    let changed = drawn_in(after, &|m| m != Mark::Removed);
    let removed = drawn_in(before, &|m| m == Mark::Removed);
    if changed.is_empty() && removed.is_empty() {
        return None;
    }
    let around = |names: Vec<QualifiedName>, db: &Database| -> Erd {
        if names.is_empty() {
            return Erd::default();
        }
        let selection = Selection {
            tables: Some(names),
            depth,
        };
        // Every name selected is in `db`: an unknown one cannot come.
        Erd::of(db, &selection).unwrap_or_default()
    };
    let mut erd = around(changed, after).merge(around(removed, before));
    let enums = enums_wanted(&marks, before, after);
    erd.entities
        .retain(|e| e.kind != EntityKind::Enum || enums.contains(&e.name));
    show_removed_columns(&mut erd, &marks, before);
    (!erd.entities.is_empty()).then_some(erd)
}

/// The enum types worth drawing: the changed ones and those a changed
/// column uses (every column of a table or view created or dropped, or
/// of a view replaced), not every type a neighbour's columns use.
fn enums_wanted(marks: &Marks, before: &Database, after: &Database) -> BTreeSet<QualifiedName> {
    let mut wanted = BTreeSet::new();
    let is_enum =
        |name: &QualifiedName| after.enums.contains_key(name) || before.enums.contains_key(name);
    for (name, mark) in &marks.objects {
        if is_enum(name) {
            wanted.insert(name.clone());
            continue;
        }
        let db = if *mark == Mark::Removed {
            before
        } else {
            after
        };
        let whole = *mark != Mark::Changed || db.views.contains_key(name);
        if whole {
            for ty in column_types(db, name, None) {
                wanted.extend(enum_of(db, &ty));
            }
        }
    }
    for ((table, column), mark) in &marks.columns {
        let db = if *mark == Mark::Removed {
            before
        } else {
            after
        };
        for ty in column_types(db, table, Some(column)) {
            wanted.extend(enum_of(db, &ty));
        }
    }
    wanted
}

/// The types of a table's or view's columns (only `only`'s when given).
fn column_types(db: &Database, name: &QualifiedName, only: Option<&str>) -> Vec<String> {
    let keep = |column: &str| only.is_none_or(|o| o == column);
    if let Some(table) = db.tables.get(name) {
        table
            .columns
            .iter()
            .filter(|c| keep(&c.name))
            .map(|c| c.ty.as_str().to_string())
            .collect()
    } else if let Some(view) = db.views.get(name) {
        view.columns
            .iter()
            .filter(|c| keep(&c.name))
            .map(|c| c.ty.as_str().to_string())
            .collect()
    } else {
        Vec::new()
    }
}

/// The enum type a column type names (as `erd` reads it: an array of it,
/// quoted, or bare for a type on the search path).
fn enum_of(db: &Database, ty: &str) -> Option<QualifiedName> {
    let element = ty.trim_end_matches("[]").replace('"', "");
    let name = QualifiedName::parse(&element, "public");
    db.enums.contains_key(&name).then_some(name)
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
