//! A schema as an entity-relationship diagram: which tables (and views,
//! enum types) it shows and how foreign keys join them, then written as
//! Mermaid or DOT.
//!
//! The types below are the interface between `petal erd` and the Markdown
//! report; one file per concern behind them: `select.rs` builds the
//! diagram from a schema, `mermaid.rs` (with the spellings of `words.rs`)
//! and `dot.rs` write it. The same diagram always writes the same text.

mod dot;
mod mermaid;
mod select;
mod words;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use petal_ir::QualifiedName;

/// Which part of a schema a diagram shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// `None`: every table. Otherwise these tables, and every table within
    /// `depth` foreign-key hops of one of them (either direction).
    pub tables: Option<Vec<QualifiedName>>,
    pub depth: usize,
}

/// How a diagram marks an object a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    Added,
    Changed,
    Removed,
}

/// The marks of a diagram, by table (or view, or enum type) name; columns
/// by `(table, column)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub objects: BTreeMap<QualifiedName, Mark>,
    pub columns: BTreeMap<(QualifiedName, String), Mark>,
}

/// What kind of thing an entity of the diagram is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntityKind {
    Table,
    View,
    MaterializedView,
    Enum,
}

/// A key a column takes part in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyKind {
    Primary,
    Foreign,
    Unique,
}

/// A column (or, for an enum type, a label) as the diagram shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    /// The SQL type as PostgreSQL prints it (`numeric(12,2)`); each writer
    /// sanitizes it for its syntax.
    pub sql_type: String,
    pub keys: Vec<KeyKind>,
    pub nullable: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub name: QualifiedName,
    pub kind: EntityKind,
    pub attributes: Vec<Attribute>,
}

/// A foreign key, from the referencing table to the referenced one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub from: QualifiedName,
    pub to: QualifiedName,
    /// The constraint's name.
    pub name: String,
    pub columns: Vec<String>,
    pub referenced: Vec<String>,
    /// Every referencing column nullable: a row may reference nothing.
    pub optional: bool,
    /// The referencing columns are a unique key: one-to-one.
    pub one_to_one: bool,
}

/// A diagram: its entities in name order, its relationships in
/// (from, name) order, so the same schema always writes the same text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erd {
    pub entities: Vec<Entity>,
    pub relationships: Vec<Relationship>,
}

impl Erd {
    /// Each name the diagram draws (its entities, and the ends of its
    /// relationships) with an id its writer can use: `spell` of the name,
    /// and when two names spell alike (`"a.b"."c"` and `"a"."b.c"`, or
    /// names in another alphabet), the later ones in name order numbered
    /// `_2`, `_3`, ..., so one node never stands for two tables.
    pub(crate) fn ids(
        &self,
        spell: impl Fn(&QualifiedName) -> String,
    ) -> BTreeMap<QualifiedName, String> {
        let mut names: Vec<&QualifiedName> = self
            .entities
            .iter()
            .map(|e| &e.name)
            .chain(self.relationships.iter().flat_map(|r| [&r.from, &r.to]))
            .collect();
        names.sort();
        names.dedup();
        let mut taken = std::collections::BTreeSet::new();
        let mut ids = BTreeMap::new();
        for name in names {
            let base = spell(name);
            let mut id = base.clone();
            let mut n = 2;
            while !taken.insert(id.clone()) {
                id = format!("{base}_{n}");
                n += 1;
            }
            ids.insert(name.clone(), id);
        }
        ids
    }
}

/// A table a selection names that the schema does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTable(pub QualifiedName);

impl fmt::Display for UnknownTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no table, view or enum type `{}` in the schema", self.0)
    }
}

impl std::error::Error for UnknownTable {}

/// Why [`find`] names no entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotFound {
    /// No table, view or enum type of that name.
    Unknown,
    /// A bare name held by several schemas (none of them `public`), in
    /// name order: the user has to say which.
    Ambiguous(Vec<QualifiedName>),
}

pub use select::find;
pub use words::mermaid_type;

/// The diagram as a Mermaid `erDiagram`.
pub fn mermaid(erd: &Erd, marks: &Marks) -> String {
    mermaid::write(erd, marks)
}

/// The diagram as a Graphviz DOT digraph.
pub fn dot(erd: &Erd, marks: &Marks) -> String {
    dot::write(erd, marks)
}
