//! Puts the mapped parts together: columns, constraints and indexes into
//! their tables (and a materialized view's indexes into it), every object
//! into the database, and the dependency edges named from what was read.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{
    Acl, Collation, Database, EnumType, Extension, Function, ObjectKey, Policy, QualifiedName,
    RangeType, Table, Trigger, View, naming::make_object_name,
};

use super::NotCompared;
use super::assemble::Columns;
use super::composite_types::CompositeRow;
use super::dependencies::{Catalog, Names, RawEdge};
use super::domains::DomainRow;
use super::keys::{ConstraintKind, IndexRow, ParsedConstraint};
use super::sequences::Sequences;
use super::views::ViewRow;
use crate::error::PgError;

/// Every query's rows, mapped.
pub(super) struct Parts {
    pub schemas: BTreeSet<String>,
    pub enums: Vec<(u32, EnumType)>,
    pub tables: BTreeMap<u32, Table>,
    pub columns: Columns,
    pub constraints: Vec<ParsedConstraint>,
    pub indexes: Vec<IndexRow>,
    pub not_compared: Vec<NotCompared>,
    /// Everything beside tables and enum types; none when only tables
    /// were read.
    pub objects: Option<ObjectRows>,
}

pub(super) struct ObjectRows {
    pub extensions: Vec<(u32, Extension)>,
    pub sequences: Sequences,
    pub views: Vec<ViewRow>,
    pub functions: Vec<(u32, Function)>,
    pub triggers: Vec<(u32, Trigger)>,
    pub policies: Vec<(u32, Policy)>,
    pub domains: Vec<DomainRow>,
    pub composites: Vec<CompositeRow>,
    pub ranges: Vec<(u32, RangeType)>,
    pub collations: Vec<(u32, Collation)>,
    pub edges: Vec<RawEdge>,
    /// The privileges' rows, and the role reading them, when they were
    /// read.
    pub acls: Option<(Vec<Acl>, Option<String>)>,
}

/// The database, and what was not compared (sorted, each once). Rows of
/// tables the tables query did not return (it is the one that decides
/// what is compared) are dropped.
pub(super) fn merge(parts: Parts) -> Result<(Database, Vec<NotCompared>), PgError> {
    let Parts {
        schemas,
        enums,
        mut tables,
        columns,
        constraints,
        indexes,
        not_compared: mut others,
        objects,
    } = parts;
    let mut names = Names::default();
    let mut views: BTreeMap<u32, View> = BTreeMap::new();
    let mut objects = objects;
    if let Some(objects) = &mut objects {
        for row in objects.views.drain(..) {
            let key = view_key(&row.view);
            for (attnum, column) in row.attnums.iter().zip(&row.view.columns) {
                names.column(row.oid, *attnum, &column.name);
            }
            names.object(Catalog::Class, row.oid, key);
            views.insert(row.oid, row.view);
        }
    }
    others.extend(columns.not_compared);
    put_columns(&mut tables, columns.list, &mut names);
    put_constraints(&mut tables, constraints, &mut names)?;
    put_indexes(&mut tables, &mut views, indexes, &mut names);
    let mut db = Database {
        schemas,
        ..Database::default()
    };
    for (oid, e) in enums {
        names.object(
            Catalog::Type,
            oid,
            ObjectKey::Enum {
                name: e.name.clone(),
            },
        );
        db.add_enum(e);
    }
    for (oid, table) in tables {
        names.object(Catalog::Class, oid, ObjectKey::table(&table.name));
        db.add_table(table);
    }
    if let Some(objects) = objects {
        others.extend(objects.sequences.not_compared.iter().cloned());
        let edges = add_objects(&mut db, objects, views, &mut names);
        db.dependencies = names.edges(edges);
        inherited_columns_as_their_parents(&mut db);
    }
    others.sort();
    others.dedup();
    Ok((db, others))
}

/// Columns into their tables, each serial or identity column with the name
/// of its sequence when PostgreSQL would not pick that name today.
fn put_columns(
    tables: &mut BTreeMap<u32, Table>,
    columns: Vec<super::assemble::ColumnRow>,
    names: &mut Names,
) {
    let mut defaults: BTreeMap<u32, BTreeMap<String, Option<String>>> = BTreeMap::new();
    for row in columns {
        let Some(table) = tables.get_mut(&row.table_oid) else {
            continue;
        };
        defaults
            .entry(row.table_oid)
            .or_default()
            .insert(row.column.name.clone(), row.raw_default);
        let mut column = row.column;
        names.column(row.table_oid, i32::from(row.attnum), &column.name);
        // A partition's columns are its parent's, as is a column an
        // inheritance child only inherits: named here for the table's own
        // constraints, kept on the parent alone.
        if table.partition_of.is_some() || !row.local {
            continue;
        }
        if let Some((oid, sequence)) = row.sequence {
            // The sequence is part of its column: edges on it are the column's.
            names.object(
                Catalog::Class,
                oid,
                ObjectKey::column(&table.name, &column.name),
            );
            let picked = QualifiedName::new(
                table.name.schema.clone(),
                make_object_name(&table.name.name, Some(&column.name), Some("seq")),
            );
            column.sequence = (sequence != picked).then_some(sequence);
        }
        table.columns.push(column);
    }
    put_own_defaults(tables, &defaults);
}

/// Each partition's column defaults that are not its parent's
/// (`Table::own_defaults`), each read against the parent's as the
/// catalog holds it (a partition's parent may be a partition too).
fn put_own_defaults(
    tables: &mut BTreeMap<u32, Table>,
    defaults: &BTreeMap<u32, BTreeMap<String, Option<String>>>,
) {
    let oids: BTreeMap<QualifiedName, u32> = tables
        .iter()
        .map(|(oid, t)| (t.name.clone(), *oid))
        .collect();
    // A serial, identity or generated column's default is its root
    // table's business: the IR keeps none on a partition.
    let fed: BTreeSet<(u32, String)> = tables
        .iter()
        .flat_map(|(oid, t)| {
            t.columns
                .iter()
                .filter(|c| c.is_fed())
                .map(move |c| (*oid, c.name.clone()))
        })
        .collect();
    let root_of = |mut oid: u32| {
        for _ in 0..tables.len() {
            let parent = tables.get(&oid).and_then(|t| t.partition_of.as_ref());
            match parent.and_then(|of| oids.get(&of.parent)) {
                Some(p) => oid = *p,
                None => break,
            }
        }
        oid
    };
    let roots: BTreeMap<u32, u32> = tables.keys().map(|oid| (*oid, root_of(*oid))).collect();
    for (oid, table) in tables.iter_mut() {
        let Some(of) = &table.partition_of else {
            continue;
        };
        let (Some(own), Some(parents), Some(root)) = (
            defaults.get(oid),
            oids.get(&of.parent).and_then(|p| defaults.get(p)),
            roots.get(oid),
        ) else {
            continue;
        };
        for (column, default) in own {
            let differs = parents.get(column).is_some_and(|parent| parent != default);
            if differs && !fed.contains(&(*root, column.clone())) {
                table.own_defaults.insert(column.clone(), default.clone());
            }
        }
    }
}

fn put_constraints(
    tables: &mut BTreeMap<u32, Table>,
    constraints: Vec<ParsedConstraint>,
    names: &mut Names,
) -> Result<(), PgError> {
    for constraint in constraints {
        let Some(table) = tables.get_mut(&constraint.table_oid) else {
            continue;
        };
        // Columns are in attnum order, but dropped ones leave gaps: look
        // each number up.
        let column_names = constraint
            .column_nums
            .iter()
            .map(|num| {
                names.column_name(constraint.table_oid, i32::from(*num)).ok_or_else(|| {
                    PgError::Catalog(format!(
                        "constraint {} on {} names column number {num}, which the table does not have",
                        constraint.kind.name(),
                        table.name
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let key = ObjectKey::constraint(&table.name, constraint.kind.name());
        names.object(Catalog::Constraint, constraint.oid, key);
        match constraint.kind.with_columns(column_names) {
            ConstraintKind::Primary(pk) => table.primary_key = Some(pk),
            ConstraintKind::Unique(u) => table.uniques.push(u),
            ConstraintKind::Check(c) => table.checks.push(c),
            ConstraintKind::Exclusion(x) => table.exclusions.push(x),
            ConstraintKind::Foreign(fk) => table.foreign_keys.push(fk),
        }
    }
    Ok(())
}

/// Indexes into their tables, or their materialized views.
fn put_indexes(
    tables: &mut BTreeMap<u32, Table>,
    views: &mut BTreeMap<u32, View>,
    indexes: Vec<IndexRow>,
    names: &mut Names,
) {
    for row in indexes {
        let (relation, list) = if let Some(table) = tables.get_mut(&row.relation) {
            (&table.name, &mut table.indexes)
        } else if let Some(view) = views.get_mut(&row.relation) {
            (&view.name, &mut view.indexes)
        } else {
            continue;
        };
        names.object(
            Catalog::Class,
            row.oid,
            ObjectKey::index(relation, &row.index.name),
        );
        list.push(row.index);
    }
}

/// Every kind beside tables and enum types into the database, each named
/// for the edges; returns the edges.
fn add_objects(
    db: &mut Database,
    objects: ObjectRows,
    views: BTreeMap<u32, View>,
    names: &mut Names,
) -> Vec<RawEdge> {
    for (oid, e) in objects.extensions {
        names.object(
            Catalog::Extension,
            oid,
            ObjectKey::Extension {
                name: e.name.clone(),
            },
        );
        db.extensions.insert(e.name.clone(), e);
    }
    for (oid, s) in objects.sequences.modelled {
        names.object(
            Catalog::Class,
            oid,
            ObjectKey::Sequence {
                name: s.name.clone(),
            },
        );
        db.sequences.insert(s.name.clone(), s);
    }
    for view in views.into_values() {
        db.views.insert(view.name.clone(), view);
    }
    for (oid, f) in objects.functions {
        names.object(Catalog::Proc, oid, ObjectKey::function(&f.key()));
        db.functions.insert(f.key(), f);
    }
    for (oid, t) in objects.triggers {
        names.object(Catalog::Trigger, oid, ObjectKey::trigger(&t.key()));
        db.triggers.insert(t.key(), t);
    }
    for (oid, p) in objects.policies {
        names.object(Catalog::Policy, oid, ObjectKey::policy(&p.key()));
        db.policies.insert(p.key(), p);
    }
    for row in objects.domains {
        let name = row.domain.name.clone();
        for (oid, check) in row.check_oids.iter().zip(&row.domain.checks) {
            let key = ObjectKey::DomainCheck {
                domain: name.clone(),
                name: check.name.clone(),
            };
            names.object(Catalog::Constraint, *oid, key);
        }
        names.object(
            Catalog::Type,
            row.oid,
            ObjectKey::Domain { name: name.clone() },
        );
        db.domains.insert(name, row.domain);
    }
    for row in objects.composites {
        let name = row.composite.name.clone();
        let key = ObjectKey::CompositeType { name: name.clone() };
        for (attnum, attribute) in row.attnums.iter().zip(&row.composite.attributes) {
            names.column(row.relid, *attnum, &attribute.name);
        }
        // Its attributes' edges are recorded on its pg_class row.
        names.object(Catalog::Class, row.relid, key.clone());
        names.object(Catalog::Type, row.oid, key);
        db.composite_types.insert(name, row.composite);
    }
    for (oid, c) in objects.collations {
        let key = ObjectKey::Collation {
            name: c.name.clone(),
        };
        names.object(Catalog::Collation, oid, key);
        db.collations.insert(c.name.clone(), c);
    }
    for (oid, r) in objects.ranges {
        names.object(
            Catalog::Type,
            oid,
            ObjectKey::RangeType {
                name: r.name.clone(),
            },
        );
        db.range_types.insert(r.name.clone(), r);
    }
    if let Some((rows, creator)) = objects.acls {
        db.privileges = Some(super::privileges::compared(rows, creator, db));
    }
    objects.edges
}

fn view_key(view: &View) -> ObjectKey {
    let name = view.name.clone();
    if view.materialized {
        ObjectKey::MaterializedView { name }
    } else {
        ObjectKey::View { name }
    }
}

/// An edge to a column an inheritance child only inherits (not in the IR:
/// it is its parent's) made an edge to the column of the table above that
/// declares it: a policy, view or index on the child reading it stands in
/// the way of that column's type change or drop, which reaches the child.
pub(super) fn inherited_columns_as_their_parents(db: &mut Database) {
    let declaring = |db: &Database, key: &ObjectKey| -> Option<ObjectKey> {
        let ObjectKey::Column { table, column } = key else {
            return None;
        };
        let child = db.tables.get(table)?;
        if child.inherits.is_empty() || child.column(column).is_some() {
            return None;
        }
        let mut above: Vec<&QualifiedName> = child.inherits.iter().collect();
        let mut at = 0;
        while let Some(parent) = above.get(at).copied() {
            at += 1;
            let Some(p) = db.tables.get(parent) else {
                continue;
            };
            if p.column(column).is_some() {
                return Some(ObjectKey::column(parent, column));
            }
            // A cycle cannot be built; the bound keeps a broken read finite.
            if above.len() <= db.tables.len() {
                above.extend(p.inherits.iter());
            }
        }
        None
    };
    if db.tables.values().all(|t| t.inherits.is_empty()) {
        return;
    }
    let edges = std::mem::take(&mut db.dependencies);
    db.dependencies = edges
        .into_iter()
        .map(|mut edge| {
            if let Some(key) = declaring(db, &edge.dependent) {
                edge.dependent = key;
            }
            if let Some(key) = declaring(db, &edge.referenced) {
                edge.referenced = key;
            }
            edge
        })
        .filter(|edge| edge.dependent != edge.referenced)
        .collect();
}
