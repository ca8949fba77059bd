//! The diagram as a Graphviz DOT digraph: an HTML-like table per entity
//! (its name, then a row per column: keys, name, type, `null` when it may
//! be), an edge per foreign key from the referencing table to the
//! referenced one, labelled with the referencing columns, in crow's-foot
//! notation. Marks are colours (green added, amber changed, red removed)
//! with a legend in the graph's own label, which is no node: a diagram
//! without marks has exactly one node per entity and one edge per
//! relationship, which `scripts/check-diagrams.sh` counts in the SVG.

use std::collections::BTreeMap;
use std::fmt::Write;

use petal_ir::QualifiedName;

use super::{Attribute, Entity, EntityKind, Erd, KeyKind, Mark, Marks, Relationship};

const FONT: &str = "Helvetica";
const HEADER: &str = "#e8e8e8";
const BORDER: &str = "#555555";
const MUTED: &str = "#777777";

/// A mark's (fill, border) colours.
fn colours(mark: Mark) -> (&'static str, &'static str) {
    match mark {
        Mark::Added => ("#c9f2c7", "#2e8b2e"),
        Mark::Changed => ("#ffe3a3", "#c98a00"),
        Mark::Removed => ("#f7c6c6", "#c0392b"),
    }
}

pub(super) fn write(erd: &Erd, marks: &Marks) -> String {
    let ids = node_ids(erd);
    let mut out = String::from("digraph erd {\n");
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"{FONT}\", fontsize=10, nodesep=0.4, ranksep=0.8];"
    );
    let _ = writeln!(
        out,
        "  node [shape=plain, fontname=\"{FONT}\", fontsize=10];"
    );
    let _ = writeln!(
        out,
        "  edge [fontname=\"{FONT}\", fontsize=9, color=\"{BORDER}\", dir=both];"
    );
    if !marks.objects.is_empty() || !marks.columns.is_empty() {
        write_legend(&mut out);
    }
    for entity in &erd.entities {
        write_entity(&mut out, entity, &ids, marks);
    }
    for relationship in &erd.relationships {
        write_edge(&mut out, relationship, &ids, marks);
    }
    out.push_str("}\n");
    out
}

/// The legend, as the graph's label under the drawing.
fn write_legend(out: &mut String) {
    let cells: String = [Mark::Added, Mark::Changed, Mark::Removed]
        .into_iter()
        .map(|mark| {
            let (fill, border) = colours(mark);
            format!(
                "<td bgcolor=\"{fill}\" color=\"{border}\">{}</td>",
                word(mark)
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "  label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"4\" cellpadding=\"4\"><tr>{cells}</tr></table>>;"
    );
    out.push_str("  labelloc=b;\n");
}

fn word(mark: Mark) -> &'static str {
    match mark {
        Mark::Added => "added",
        Mark::Changed => "changed",
        Mark::Removed => "removed",
    }
}

fn write_entity(out: &mut String, entity: &Entity, ids: &Ids, marks: &Marks) {
    let mark = marks.objects.get(&entity.name).copied();
    let (fill, border) = mark.map_or((HEADER, BORDER), colours);
    let kind = match entity.kind {
        EntityKind::Table => "",
        EntityKind::View => "view",
        EntityKind::MaterializedView => "materialized view",
        EntityKind::Enum => "enum",
    };
    let mut title = format!("<b>{}</b>", html(&entity.name.to_string()));
    if !kind.is_empty() {
        let _ = write!(title, "<br/><font color=\"{MUTED}\"><i>{kind}</i></font>");
    }
    if let Some(mark) = mark {
        let _ = write!(title, " <i>({})</i>", word(mark));
    }
    let _ = write!(
        out,
        "  {} [label=<<table border=\"1\" cellborder=\"0\" cellspacing=\"0\" cellpadding=\"3\" color=\"{border}\">\
         <tr><td colspan=\"3\" bgcolor=\"{fill}\">{title}</td></tr>",
        node_id(ids, &entity.name)
    );
    for attribute in &entity.attributes {
        let column_mark = marks
            .columns
            .get(&(entity.name.clone(), attribute.name.clone()))
            .copied();
        write_row(out, attribute, entity.kind, column_mark);
    }
    out.push_str("</table>>];\n");
}

/// One column's row: keys, name, type.
fn write_row(out: &mut String, attribute: &Attribute, kind: EntityKind, mark: Option<Mark>) {
    let bg = mark.map_or(String::new(), |m| format!(" bgcolor=\"{}\"", colours(m).0));
    let keys: Vec<&str> = attribute
        .keys
        .iter()
        .map(|k| match k {
            KeyKind::Primary => "PK",
            KeyKind::Foreign => "FK",
            KeyKind::Unique => "UK",
        })
        .collect();
    let mut name = html(&attribute.name);
    if attribute.keys.contains(&KeyKind::Primary) {
        name = format!("<b>{name}</b>");
    }
    if let Some(mark) = mark {
        let _ = write!(name, " <i>({})</i>", word(mark));
    }
    let mut ty = html(&attribute.sql_type);
    if kind != EntityKind::Enum && attribute.nullable {
        let _ = write!(ty, " <font color=\"{MUTED}\">null</font>");
    }
    // Graphviz refuses an empty `<font>`: a column in no key gets an
    // empty cell.
    let keys = if keys.is_empty() {
        String::new()
    } else {
        format!("<font color=\"{MUTED}\">{}</font>", keys.join(","))
    };
    let _ = write!(
        out,
        "<tr><td align=\"left\"{bg}>{keys}</td>\
         <td align=\"left\"{bg}>{name}</td><td align=\"left\"{bg}>{ty}</td></tr>"
    );
}

/// `child -> parent`, crow's foot at the child (a ring for the rows that
/// reference nothing, a bar instead of the crow for a one-to-one), a bar
/// at the parent (a ring too when every referencing column may be null).
/// Edges join the tables, not the column rows: a port on a row's cell
/// lands the arrow inside the table, over the neighbouring cells; the
/// label names the columns.
fn write_edge(out: &mut String, relationship: &Relationship, ids: &Ids, marks: &Marks) {
    let tail = if relationship.one_to_one {
        "teeodot"
    } else {
        "crowodot"
    };
    let head = if relationship.optional {
        "teeodot"
    } else {
        "teetee"
    };
    // An edge of a table that comes or goes comes or goes with it.
    let mark = [&relationship.from, &relationship.to]
        .into_iter()
        .filter_map(|name| marks.objects.get(name))
        .find(|m| **m != Mark::Changed);
    let colour = mark.map_or(String::new(), |m| {
        format!(
            ", color=\"{}\", fontcolor=\"{}\"",
            colours(*m).1,
            colours(*m).1
        )
    });
    let _ = writeln!(
        out,
        "  {} -> {} [label={}, arrowtail={tail}, arrowhead={head}{colour}];",
        node_id(ids, &relationship.from),
        node_id(ids, &relationship.to),
        quoted(&relationship.columns.join(", "))
    );
}

/// Each entity's node id, quoted.
type Ids = BTreeMap<QualifiedName, String>;

/// Node ids: `schema.name`, readable in the DOT text and quoted, numbered
/// on a clash (`Erd::ids`); the label shows the real name.
fn node_ids(erd: &Erd) -> Ids {
    erd.ids(ToString::to_string)
        .into_iter()
        .map(|(name, id)| (name, quoted(&id)))
        .collect()
}

fn node_id<'a>(ids: &'a Ids, name: &QualifiedName) -> &'a str {
    // Every name of the diagram is in the map: `node_ids` took them all.
    ids.get(name).map_or("\"_\"", String::as_str)
}

/// A DOT double-quoted string.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text inside an HTML-like label.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
