//! Dependency edges → IR. The query resolves each end to the catalog row
//! of the object petal models (a view, not its rule; a column, not its
//! default) and returns it by oid; the ends are named here from the other
//! queries' rows. An edge is kept only when both ends are objects of the
//! IR just read, and never from an object to itself.

use std::collections::{BTreeSet, HashMap};

use petal_ir::{Dependency, DependencyKind, ObjectKey, QualifiedName};

use super::rows::{Rows, get, unknown};
use crate::error::PgError;

/// The catalogs whose rows name an object the IR models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Catalog {
    Class,
    Proc,
    Type,
    Trigger,
    Policy,
    Constraint,
    Extension,
    Collation,
}

impl Catalog {
    fn parse(name: &str) -> Option<Catalog> {
        Some(match name {
            "pg_class" => Catalog::Class,
            "pg_proc" => Catalog::Proc,
            "pg_type" => Catalog::Type,
            "pg_trigger" => Catalog::Trigger,
            "pg_policy" => Catalog::Policy,
            "pg_constraint" => Catalog::Constraint,
            "pg_extension" => Catalog::Extension,
            "pg_collation" => Catalog::Collation,
            _ => return None,
        })
    }
}

/// One end of an edge: a catalog row, a column number (0: none), and,
/// when the read was narrowed to some tables, the name the query gave an
/// end on another compared table.
#[derive(Clone)]
struct End {
    catalog: Catalog,
    oid: u32,
    sub: i32,
    fallback: Option<Fallback>,
}

/// An end on a compared table the client did not read: that table, and
/// the name of the column, index, constraint, trigger or policy (none: the
/// table).
#[derive(Clone)]
struct Fallback {
    table: QualifiedName,
    name: Option<String>,
}

/// An edge as the query returned it, ends not named yet.
pub(super) struct RawEdge {
    dependent: End,
    referenced: End,
    kind: DependencyKind,
}

/// Maps each row as it arrives; ends in catalogs that name nothing petal
/// models (an operator class, a collation) are dropped at once.
pub(super) fn raw_edges(rows: Rows) -> Result<Vec<RawEdge>, PgError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let end = |side: &str| -> Result<Option<End>, PgError> {
            let column = |name: &str| format!("{side}_{name}");
            let Some(catalog) = Catalog::parse(&get::<String>(row, &column("catalog"))?) else {
                return Ok(None);
            };
            let schema: Option<String> = get(row, &column("table_schema"))?;
            let table: Option<String> = get(row, &column("table_name"))?;
            let fallback = match (schema, table) {
                (Some(schema), Some(table)) => Some(Fallback {
                    table: QualifiedName::new(schema, table),
                    name: get(row, &column("name"))?,
                }),
                _ => None,
            };
            Ok(Some(End {
                catalog,
                oid: get(row, &column("oid"))?,
                sub: get(row, &column("sub"))?,
                fallback,
            }))
        };
        let (Some(dependent), Some(referenced)) = (end("dependent")?, end("referenced")?) else {
            continue;
        };
        let kind = match get::<String>(row, "deptype")?.as_str() {
            "n" => DependencyKind::Normal,
            "a" => DependencyKind::Auto,
            "x" => DependencyKind::Extension,
            other => return Err(unknown("deptype", other, "a dependency edge")),
        };
        out.push(RawEdge {
            dependent,
            referenced,
            kind,
        });
    }
    Ok(out)
}

/// Every object the IR holds, by the catalog row that records it, and the
/// columns of its relations by number.
#[derive(Default)]
pub(super) struct Names {
    objects: HashMap<(Catalog, u32), ObjectKey>,
    /// (relation oid, attnum) → name, for tables, views and composite types.
    columns: HashMap<(u32, i32), String>,
}

impl Names {
    pub fn object(&mut self, catalog: Catalog, oid: u32, key: ObjectKey) {
        self.objects.insert((catalog, oid), key);
    }

    pub fn column(&mut self, relation: u32, attnum: i32, name: &str) {
        self.columns.insert((relation, attnum), name.to_string());
    }

    pub fn column_name(&self, relation: u32, attnum: i32) -> Option<String> {
        self.columns.get(&(relation, attnum)).cloned()
    }

    fn name(&self, end: End) -> Option<ObjectKey> {
        let Some(key) = self.objects.get(&(end.catalog, end.oid)) else {
            return end.fallback.and_then(|f| f.key(end.catalog, end.sub));
        };
        match relation(key) {
            Some(relation) if end.catalog == Catalog::Class && end.sub > 0 => {
                let column = self.columns.get(&(end.oid, end.sub))?;
                Some(ObjectKey::column(relation, column))
            }
            _ => Some(key.clone()),
        }
    }

    pub fn edges(&self, raw: Vec<RawEdge>) -> BTreeSet<Dependency> {
        raw.into_iter()
            .filter_map(|edge| {
                let dependent = self.name(edge.dependent)?;
                let referenced = self.name(edge.referenced)?;
                // A partition key's column on its own table, an identity
                // sequence (named as its column) on that column: nothing to
                // order. A partition on its parent: `Table::partition_of`
                // says so. A policy on its table: it is the table's part.
                let own = match (&dependent, &referenced) {
                    (ObjectKey::Column { table, .. }, _) => relation(&referenced) == Some(table),
                    (ObjectKey::Table { .. }, ObjectKey::Table { .. }) => true,
                    (ObjectKey::Policy { table, .. }, ObjectKey::Table { name }) => table == name,
                    _ => false,
                };
                (dependent != referenced && !own).then_some(Dependency {
                    dependent,
                    referenced,
                    kind: edge.kind,
                })
            })
            .collect()
    }
}

impl Fallback {
    fn key(self, catalog: Catalog, sub: i32) -> Option<ObjectKey> {
        let table = &self.table;
        Some(match (catalog, self.name) {
            (Catalog::Class, None) => ObjectKey::table(table),
            (Catalog::Class, Some(column)) if sub > 0 => ObjectKey::column(table, &column),
            (Catalog::Class, Some(index)) => ObjectKey::index(table, &index),
            (Catalog::Constraint, Some(name)) => ObjectKey::constraint(table, &name),
            (Catalog::Trigger, Some(name)) => ObjectKey::trigger(&petal_ir::TriggerKey {
                table: table.clone(),
                name,
            }),
            (Catalog::Policy, Some(name)) => ObjectKey::policy(&petal_ir::PolicyKey {
                table: table.clone(),
                name,
            }),
            _ => return None,
        })
    }
}

/// The relation an object key names, when it has columns.
fn relation(key: &ObjectKey) -> Option<&QualifiedName> {
    match key {
        ObjectKey::Table { name }
        | ObjectKey::View { name }
        | ObjectKey::MaterializedView { name }
        | ObjectKey::CompositeType { name } => Some(name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(catalog: Catalog, oid: u32, sub: i32) -> End {
        End {
            catalog,
            oid,
            sub,
            fallback: None,
        }
    }

    fn edge(dependent: (Catalog, u32, i32), referenced: (Catalog, u32, i32)) -> RawEdge {
        RawEdge {
            dependent: end(dependent.0, dependent.1, dependent.2),
            referenced: end(referenced.0, referenced.1, referenced.2),
            kind: DependencyKind::Normal,
        }
    }

    #[test]
    fn ends_are_named_from_the_objects_read_and_unknown_ones_dropped() {
        let t = QualifiedName::new("app", "orders");
        let v = QualifiedName::new("app", "recent");
        let mut names = Names::default();
        names.object(Catalog::Class, 10, ObjectKey::table(&t));
        names.column(10, 2, "total");
        names.object(Catalog::Class, 20, ObjectKey::View { name: v.clone() });
        let edges = names.edges(vec![
            edge((Catalog::Class, 20, 0), (Catalog::Class, 10, 2)),
            // a column on its own table, a view on itself, an unknown end
            edge((Catalog::Class, 10, 2), (Catalog::Class, 10, 0)),
            edge((Catalog::Class, 20, 0), (Catalog::Class, 20, 0)),
            edge((Catalog::Class, 20, 0), (Catalog::Proc, 99, 0)),
            // a column number the table does not have
            edge((Catalog::Class, 20, 0), (Catalog::Class, 10, 7)),
        ]);
        let expected = Dependency {
            dependent: ObjectKey::View { name: v },
            referenced: ObjectKey::column(&t, "total"),
            kind: DependencyKind::Normal,
        };
        assert_eq!(edges, BTreeSet::from([expected]));
    }

    #[test]
    fn ends_on_tables_not_read_are_named_by_the_query() {
        let t = QualifiedName::new("app", "orders");
        let mut names = Names::default();
        names.object(Catalog::Class, 10, ObjectKey::table(&t));
        let other = QualifiedName::new("app", "customers");
        let mut raw = edge((Catalog::Constraint, 30, 0), (Catalog::Constraint, 40, 0));
        raw.dependent.fallback = Some(Fallback {
            table: t.clone(),
            name: Some("orders_customer_id_fkey".into()),
        });
        raw.referenced.fallback = Some(Fallback {
            table: other.clone(),
            name: Some("customers_pkey".into()),
        });
        let edges = names.edges(vec![raw]);
        let expected = Dependency {
            dependent: ObjectKey::constraint(&t, "orders_customer_id_fkey"),
            referenced: ObjectKey::constraint(&other, "customers_pkey"),
            kind: DependencyKind::Normal,
        };
        assert_eq!(edges, BTreeSet::from([expected]));
    }
}
