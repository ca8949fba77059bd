//! Building an [`Erd`] from a schema: every table, view and enum type, or
//! the part of them a [`Selection`] asks for, and the foreign keys between
//! what is shown.
//!
//! Partitions are not drawn: PostgreSQL gives a partition its parent's
//! columns, keys and foreign keys, so a box per partition would repeat its
//! parent as many times as there are partitions (a table partitioned by
//! month has dozens). A partition stands for its root parent wherever it
//! appears: a selection naming it selects the parent, a foreign key
//! referencing it (PostgreSQL allows one) or declared on it alone is drawn
//! from or to the parent.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Database, QualifiedName, Table};

use super::{
    Attribute, Entity, EntityKind, Erd, KeyKind, NotFound, Relationship, Selection, UnknownTable,
};

impl Erd {
    /// The part of `db` that `selection` asks for.
    pub fn of(db: &Database, selection: &Selection) -> Result<Erd, UnknownTable> {
        let shown = match &selection.tables {
            None => everything(db),
            Some(names) => selected(db, names, selection.depth)?,
        };
        let mut entities: Vec<Entity> = shown.iter().filter_map(|name| entity(db, name)).collect();
        entities.sort_by(|a, b| (&a.name, a.kind).cmp(&(&b.name, b.kind)));
        let relationships = relationships(db, &shown);
        Ok(Erd {
            entities,
            relationships,
        })
    }

    /// This diagram with `other`'s entities and relationships that it
    /// lacks (by name): the removed tables of a change, read from the
    /// schema before it, drawn beside the schema after it.
    pub fn merge(mut self, other: Erd) -> Erd {
        let names: BTreeSet<QualifiedName> = self.entities.iter().map(|e| e.name.clone()).collect();
        let keys: BTreeSet<(QualifiedName, String)> = self
            .relationships
            .iter()
            .map(|r| (r.from.clone(), r.name.clone()))
            .collect();
        self.entities.extend(
            other
                .entities
                .into_iter()
                .filter(|e| !names.contains(&e.name)),
        );
        self.relationships.extend(
            other
                .relationships
                .into_iter()
                .filter(|r| !keys.contains(&(r.from.clone(), r.name.clone()))),
        );
        self.entities
            .sort_by(|a, b| (&a.name, a.kind).cmp(&(&b.name, b.kind)));
        sort_relationships(&mut self.relationships);
        self
    }
}

/// The entity `text` names in `db`: `schema.name`, or a bare name looked
/// up in `public` first, then in the one schema holding it (a name in
/// several other schemas is not guessed: [`NotFound::Ambiguous`] lists
/// them, so the user is told to qualify it rather than that it does not
/// exist). A partition is its root parent.
pub fn find(db: &Database, text: &str) -> Result<QualifiedName, NotFound> {
    let found = if text.contains('.') {
        let name = QualifiedName::parse(text, "public");
        is_entity(db, &name).then_some(name)
    } else {
        let public = QualifiedName::new("public", text);
        if is_entity(db, &public) {
            Some(public)
        } else {
            let mut matches: Vec<QualifiedName> =
                names(db).filter(|n| n.name == text).cloned().collect();
            matches.sort();
            matches.dedup();
            if matches.len() > 1 {
                return Err(NotFound::Ambiguous(matches));
            }
            matches.pop()
        }
    };
    found.map(|name| root(db, &name)).ok_or(NotFound::Unknown)
}

fn is_entity(db: &Database, name: &QualifiedName) -> bool {
    db.tables.contains_key(name) || db.views.contains_key(name) || db.enums.contains_key(name)
}

/// Every table, view and enum type's name (partitions included).
fn names(db: &Database) -> impl Iterator<Item = &QualifiedName> {
    db.tables
        .keys()
        .chain(db.views.keys())
        .chain(db.enums.keys())
}

/// The table a partition stands for: its parent's parent, up to the root
/// (any other name is itself). A broken chain (a parent missing, or a
/// cycle, which PostgreSQL cannot hold) stops where it breaks.
fn root(db: &Database, name: &QualifiedName) -> QualifiedName {
    let mut current = name.clone();
    let mut seen = BTreeSet::new();
    while let Some(parent) = db
        .tables
        .get(&current)
        .and_then(|t| t.partition_of.as_ref())
        .map(|p| p.parent.clone())
    {
        if !db.tables.contains_key(&parent) || !seen.insert(current.clone()) {
            break;
        }
        current = parent;
    }
    current
}

fn is_partition(table: &Table) -> bool {
    table.partition_of.is_some()
}

fn everything(db: &Database) -> BTreeSet<QualifiedName> {
    db.tables
        .values()
        .filter(|t| !is_partition(t))
        .map(|t| t.name.clone())
        .chain(db.views.keys().cloned())
        .chain(db.enums.keys().cloned())
        .collect()
}

/// The named entities, the tables within `depth` foreign-key hops of a
/// named table (either direction), and the enum types the shown tables'
/// and views' columns use.
fn selected(
    db: &Database,
    names: &[QualifiedName],
    depth: usize,
) -> Result<BTreeSet<QualifiedName>, UnknownTable> {
    let mut shown = BTreeSet::new();
    for name in names {
        if !is_entity(db, name) {
            return Err(UnknownTable(name.clone()));
        }
        shown.insert(root(db, name));
    }
    let neighbours = neighbours(db);
    let mut frontier: BTreeSet<QualifiedName> = shown.clone();
    for _ in 0..depth {
        let next: BTreeSet<QualifiedName> = frontier
            .iter()
            .filter_map(|name| neighbours.get(name))
            .flatten()
            .filter(|n| !shown.contains(*n))
            .cloned()
            .collect();
        if next.is_empty() {
            break;
        }
        shown.extend(next.iter().cloned());
        frontier = next;
    }
    let used: Vec<QualifiedName> = shown
        .iter()
        .flat_map(|name| column_types(db, name))
        .filter_map(|ty| enum_named(db, &ty))
        .collect();
    shown.extend(used);
    Ok(shown)
}

/// The tables each table is joined to by a foreign key, either way,
/// partitions folded into their roots.
fn neighbours(db: &Database) -> BTreeMap<QualifiedName, BTreeSet<QualifiedName>> {
    let mut out: BTreeMap<QualifiedName, BTreeSet<QualifiedName>> = BTreeMap::new();
    for table in db.tables.values() {
        let from = root(db, &table.name);
        for fk in &table.foreign_keys {
            let to = root(db, &fk.ref_table);
            out.entry(from.clone()).or_default().insert(to.clone());
            out.entry(to).or_default().insert(from.clone());
        }
    }
    out
}

/// The column types of a table or view, as printed.
fn column_types(db: &Database, name: &QualifiedName) -> Vec<String> {
    if let Some(table) = db.tables.get(name) {
        table
            .columns
            .iter()
            .map(|c| c.ty.as_str().to_string())
            .collect()
    } else if let Some(view) = db.views.get(name) {
        view.columns
            .iter()
            .map(|c| c.ty.as_str().to_string())
            .collect()
    } else {
        Vec::new()
    }
}

/// The enum type a column type names (`public.order_status`, an array of
/// it, or the bare name PostgreSQL prints for a type on its search path).
fn enum_named(db: &Database, ty: &str) -> Option<QualifiedName> {
    let element = ty.trim_end_matches("[]").replace('"', "");
    let name = QualifiedName::parse(&element, "public");
    db.enums.contains_key(&name).then_some(name)
}

fn entity(db: &Database, name: &QualifiedName) -> Option<Entity> {
    if let Some(table) = db.tables.get(name) {
        return Some(table_entity(table));
    }
    if let Some(view) = db.views.get(name) {
        let attributes = view
            .columns
            .iter()
            .map(|c| Attribute {
                name: c.name.clone(),
                sql_type: c.ty.as_str().to_string(),
                keys: Vec::new(),
                // PostgreSQL does not say whether a view's column can be
                // null: it may be.
                nullable: true,
                comment: c.comment.clone(),
            })
            .collect();
        let kind = if view.materialized {
            EntityKind::MaterializedView
        } else {
            EntityKind::View
        };
        return Some(Entity {
            name: name.clone(),
            kind,
            attributes,
        });
    }
    let labels = db.enums.get(name)?;
    Some(Entity {
        name: name.clone(),
        kind: EntityKind::Enum,
        attributes: labels
            .labels
            .iter()
            .map(|label| Attribute {
                name: label.clone(),
                // A label has no type of its own: each writer says it is
                // a label its own way.
                sql_type: String::new(),
                keys: Vec::new(),
                nullable: false,
                comment: None,
            })
            .collect(),
    })
}

fn table_entity(table: &Table) -> Entity {
    let in_pk = |c: &str| {
        table
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.iter().any(|k| k == c))
    };
    let in_fk = |c: &str| {
        table
            .foreign_keys
            .iter()
            .any(|fk| fk.columns.iter().any(|k| k == c))
    };
    let in_unique = |c: &str| {
        table
            .uniques
            .iter()
            .any(|u| u.columns.iter().any(|k| k == c))
    };
    let attributes = table
        .columns
        .iter()
        .map(|column| {
            let name = column.name.as_str();
            let keys = [
                (in_pk(name), KeyKind::Primary),
                (in_fk(name), KeyKind::Foreign),
                (in_unique(name), KeyKind::Unique),
            ]
            .into_iter()
            .filter_map(|(is, key)| is.then_some(key))
            .collect();
            Attribute {
                name: column.name.clone(),
                sql_type: column.ty.as_str().to_string(),
                keys,
                nullable: column.nullable,
                comment: column.comment.clone(),
            }
        })
        .collect();
    Entity {
        name: table.name.clone(),
        kind: EntityKind::Table,
        attributes,
    }
}

/// The foreign keys whose both ends are shown.
fn relationships(db: &Database, shown: &BTreeSet<QualifiedName>) -> Vec<Relationship> {
    let mut out: BTreeMap<(QualifiedName, String), Relationship> = BTreeMap::new();
    for table in db.tables.values() {
        let from = root(db, &table.name);
        if !shown.contains(&from) {
            continue;
        }
        // A partition keeps no columns of its own: the root's say whether
        // the referencing ones may be null.
        let columns_of = db.tables.get(&from).unwrap_or(table);
        for fk in &table.foreign_keys {
            let to = root(db, &fk.ref_table);
            if !shown.contains(&to) {
                continue;
            }
            let optional = fk.columns.iter().all(|c| {
                columns_of
                    .columns
                    .iter()
                    .find(|col| &col.name == c)
                    .is_none_or(|col| col.nullable)
            });
            let relationship = Relationship {
                from: from.clone(),
                to,
                name: fk.name.clone(),
                columns: fk.columns.clone(),
                referenced: fk.ref_columns.clone(),
                optional,
                one_to_one: is_unique_key(columns_of, &fk.columns),
            };
            out.entry((from.clone(), fk.name.clone()))
                .or_insert(relationship);
        }
    }
    let mut relationships: Vec<Relationship> = out.into_values().collect();
    sort_relationships(&mut relationships);
    relationships
}

/// `columns` (in any order) are the table's primary key, a unique
/// constraint, or a unique index on plain columns without a predicate:
/// each row holds its own values of them.
fn is_unique_key(table: &Table, columns: &[String]) -> bool {
    let wanted: BTreeSet<&str> = columns.iter().map(String::as_str).collect();
    let same = |key: &[String]| key.iter().map(String::as_str).collect::<BTreeSet<_>>() == wanted;
    table
        .primary_key
        .as_ref()
        .is_some_and(|pk| same(&pk.columns))
        || table.uniques.iter().any(|u| same(&u.columns))
        || table.indexes.iter().any(|index| {
            let plain: Option<Vec<String>> = index
                .keys
                .iter()
                .map(|k| match &k.expr {
                    petal_ir::IndexKeyExpr::Column(c) => Some(c.clone()),
                    petal_ir::IndexKeyExpr::Expression(_) => None,
                })
                .collect();
            index.unique && index.predicate.is_none() && plain.is_some_and(|p| same(&p))
        })
}

fn sort_relationships(relationships: &mut [Relationship]) {
    relationships.sort_by(|a, b| (&a.from, &a.name, &a.to).cmp(&(&b.from, &b.name, &b.to)));
}
