//! The diagram as a Mermaid `erDiagram`.
//!
//! Mermaid colours no single entity in the ER diagrams every renderer
//! draws (`classDef` in `erDiagram` is recent, and an older renderer
//! refuses the whole diagram for it), so marks are written into the text:
//! an entity's label ends in `[+]` (added), `[~]` (changed) or `[-]`
//! (removed), a column's comment starts with `added`, `changed` or
//! `removed`. Spellings follow `words.rs`.

use std::collections::BTreeMap;
use std::fmt::Write;

use petal_ir::QualifiedName;

use super::words::{identifier, mermaid_type, quoted_text, word};
use super::{Attribute, Entity, EntityKind, Erd, KeyKind, Mark, Marks, Relationship};

/// Comments longer than this are cut: a diagram is for seeing the shape
/// of a schema, and a paragraph in a box hides it.
const COMMENT_LIMIT: usize = 60;

pub(super) fn write(erd: &Erd, marks: &Marks) -> String {
    let ids = identifiers(erd);
    let mut out = String::from("erDiagram\n");
    for entity in &erd.entities {
        write_entity(&mut out, entity, &ids, marks);
    }
    for relationship in &erd.relationships {
        write_relationship(&mut out, relationship, &ids);
    }
    out
}

/// Each entity's Mermaid identifier: its name as an identifier, numbered
/// on a clash (`Erd::ids`).
fn identifiers(erd: &Erd) -> BTreeMap<QualifiedName, String> {
    erd.ids(|name| identifier(&format!("{}_{}", name.schema, name.name)))
}

fn id_of<'a>(ids: &'a BTreeMap<QualifiedName, String>, name: &QualifiedName) -> &'a str {
    ids.get(name).map_or("_", String::as_str)
}

fn write_entity(
    out: &mut String,
    entity: &Entity,
    ids: &BTreeMap<QualifiedName, String>,
    marks: &Marks,
) {
    let mut label = entity.name.to_string();
    match entity.kind {
        EntityKind::Table => {}
        EntityKind::View => label.push_str(" (view)"),
        EntityKind::MaterializedView => label.push_str(" (materialized view)"),
        EntityKind::Enum => label.push_str(" (enum)"),
    }
    if let Some(mark) = marks.objects.get(&entity.name) {
        label.push(' ');
        label.push_str(mark_suffix(*mark));
    }
    let id = id_of(ids, &entity.name);
    let label = quoted_text(&label, usize::MAX);
    if entity.attributes.is_empty() {
        let _ = writeln!(out, "    {id}[\"{label}\"]");
        return;
    }
    let _ = writeln!(out, "    {id}[\"{label}\"] {{");
    for attribute in &entity.attributes {
        let mark = marks
            .columns
            .get(&(entity.name.clone(), attribute.name.clone()))
            .copied();
        write_attribute(out, attribute, entity.kind, mark);
    }
    out.push_str("    }\n");
}

/// `type name [PK, FK] ["comment"]`; an enum's label as `label name`.
fn write_attribute(out: &mut String, attribute: &Attribute, kind: EntityKind, mark: Option<Mark>) {
    let ty = if kind == EntityKind::Enum {
        "label".to_string()
    } else {
        mermaid_type(&attribute.sql_type)
    };
    let name = word(&attribute.name);
    let _ = write!(out, "        {ty} {name}");
    if !attribute.keys.is_empty() {
        let keys: Vec<&str> = attribute.keys.iter().map(|k| key_marker(*k)).collect();
        let _ = write!(out, " {}", keys.join(", "));
    }
    // The comment says, in this order, the mark, the real name when the
    // word had to change it, and the column's own comment.
    let mut parts: Vec<String> = Vec::new();
    if let Some(mark) = mark {
        parts.push(mark_word(mark).to_string());
    }
    if name != attribute.name {
        parts.push(attribute.name.clone());
    }
    if let Some(comment) = &attribute.comment {
        parts.push(comment.clone());
    }
    if !parts.is_empty() {
        let _ = write!(
            out,
            " \"{}\"",
            quoted_text(&parts.join(": "), COMMENT_LIMIT)
        );
    }
    out.push('\n');
}

/// `child }o--|| parent : "columns"`: the referencing side many (or at
/// most one, for a one-to-one), the referenced side exactly one (or at
/// most one, when the referencing columns may all be null).
fn write_relationship(
    out: &mut String,
    relationship: &Relationship,
    ids: &BTreeMap<QualifiedName, String>,
) {
    let from_side = if relationship.one_to_one { "|o" } else { "}o" };
    let to_side = if relationship.optional { "o|" } else { "||" };
    let label = quoted_text(&relationship.columns.join(", "), usize::MAX);
    let _ = writeln!(
        out,
        "    {} {from_side}--{to_side} {} : \"{label}\"",
        id_of(ids, &relationship.from),
        id_of(ids, &relationship.to),
    );
}

fn key_marker(key: KeyKind) -> &'static str {
    match key {
        KeyKind::Primary => "PK",
        KeyKind::Foreign => "FK",
        KeyKind::Unique => "UK",
    }
}

fn mark_suffix(mark: Mark) -> &'static str {
    match mark {
        Mark::Added => "[+]",
        Mark::Changed => "[~]",
        Mark::Removed => "[-]",
    }
}

fn mark_word(mark: Mark) -> &'static str {
    match mark {
        Mark::Added => "added",
        Mark::Changed => "changed",
        Mark::Removed => "removed",
    }
}
