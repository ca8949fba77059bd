//! The dependency edges a generated database's server would record, as
//! introspection reads them (`pg_depend`, a view's through its rule),
//! derived from the objects: what the diff orders its changes by.
//!
//! Left out, as for the tables and enum types alone: the edges between a
//! table's own parts (an index or a check on its columns), which the diff
//! does not need to order the other kinds.

use std::collections::BTreeSet;

use super::build::spelling;
use super::spell::call_prefix;
use super::{extensions, sequences, triggers, views};
use crate::{Database, Dependency, DependencyKind, FunctionKey, ObjectKey, SqlType};

/// The object a column (or attribute, or view column) of type `ty`
/// depends on: a domain, composite, range or enum type, or the extension
/// that made the type.
fn type_key(db: &Database, ty: &SqlType) -> Option<ObjectKey> {
    let element = ty.element();
    let spelled = |name: &crate::QualifiedName| spelling(name) == element.as_str();
    if let Some(name) = db.domains.keys().find(|n| spelled(n)) {
        return Some(ObjectKey::Domain { name: name.clone() });
    }
    if let Some(name) = db.composite_types.keys().find(|n| spelled(n)) {
        return Some(ObjectKey::CompositeType { name: name.clone() });
    }
    if let Some(name) = db.range_types.keys().find(|n| spelled(n)) {
        return Some(ObjectKey::RangeType { name: name.clone() });
    }
    if let Some(name) = db.enums.keys().find(|n| spelled(n)) {
        return Some(ObjectKey::Enum { name: name.clone() });
    }
    extensions::extension_of(db, ty).map(|name| ObjectKey::Extension { name })
}

/// The functions an expression calls.
fn calls<'a>(db: &'a Database, expr: &'a str) -> impl Iterator<Item = ObjectKey> + 'a {
    db.functions
        .keys()
        .filter(move |k| expr.contains(&call_prefix(&k.name)))
        .map(ObjectKey::function)
}

pub(super) fn derive(db: &Database) -> BTreeSet<Dependency> {
    let mut out = BTreeSet::new();
    let mut edge = |dependent: ObjectKey, referenced: ObjectKey, kind: DependencyKind| {
        out.insert(Dependency {
            dependent,
            referenced,
            kind,
        });
    };
    let normal = DependencyKind::Normal;
    for t in db.tables.values() {
        for c in &t.columns {
            let key = ObjectKey::column(&t.name, &c.name);
            if let Some(ty) = type_key(db, &c.ty) {
                edge(key.clone(), ty, normal);
            }
            let collation = db
                .collations
                .keys()
                .find(|n| c.collation.as_deref() == Some(crate::Collation::spelling(n).as_str()));
            if let Some(name) = collation {
                let referenced = ObjectKey::Collation { name: name.clone() };
                edge(key.clone(), referenced, normal);
            }
            for expr in c.default.iter().chain(&c.generated) {
                calls(db, expr).for_each(|f| edge(key.clone(), f, normal));
                let feeds = db
                    .sequences
                    .keys()
                    .filter(|s| *expr == sequences::nextval(s));
                for s in feeds {
                    edge(key.clone(), ObjectKey::Sequence { name: s.clone() }, normal);
                }
            }
        }
        for check in &t.checks {
            let key = ObjectKey::constraint(&t.name, &check.name);
            calls(db, &check.expr).for_each(|f| edge(key.clone(), f, normal));
        }
        for index in &t.indexes {
            let key = ObjectKey::index(&t.name, &index.name);
            for k in &index.keys {
                if let crate::IndexKeyExpr::Expression(e) = &k.expr {
                    calls(db, e).for_each(|f| edge(key.clone(), f, normal));
                }
            }
        }
    }
    for v in db.views.values() {
        view_edges(db, v, &mut edge);
    }
    for t in db.triggers.values() {
        let key = ObjectKey::trigger(&t.key());
        edge(key.clone(), ObjectKey::function(&t.function), normal);
        edge(
            key.clone(),
            ObjectKey::table(&t.table),
            DependencyKind::Auto,
        );
        for c in triggers::parse(&t.definition)
            .map(|s| s.update_of)
            .unwrap_or_default()
        {
            edge(key.clone(), ObjectKey::column(&t.table, &c), normal);
        }
    }
    for p in db.policies.values() {
        let key = ObjectKey::policy(&p.key());
        for c in super::policies::columns(p) {
            edge(key.clone(), ObjectKey::column(&p.table, &c), normal);
        }
    }
    for s in db.sequences.values() {
        if let Some(owner) = &s.owned_by {
            let key = ObjectKey::Sequence {
                name: s.name.clone(),
            };
            let column = ObjectKey::column(&owner.table, &owner.column);
            edge(key, column, DependencyKind::Auto);
        }
    }
    for d in db.domains.values() {
        if let Some(ty) = type_key(db, &d.base_type) {
            edge(
                ObjectKey::Domain {
                    name: d.name.clone(),
                },
                ty,
                normal,
            );
        }
    }
    for c in db.composite_types.values() {
        for a in &c.attributes {
            if let Some(ty) = type_key(db, &a.ty) {
                edge(ObjectKey::column(&c.name, &a.name), ty, normal);
            }
        }
    }
    out
}

/// A view reads the columns its query names (through its rule) and the
/// functions it calls; its columns of user types depend on those types.
fn view_edges(
    db: &Database,
    v: &crate::View,
    edge: &mut impl FnMut(ObjectKey, ObjectKey, DependencyKind),
) {
    let key = if v.materialized {
        ObjectKey::MaterializedView {
            name: v.name.clone(),
        }
    } else {
        ObjectKey::View {
            name: v.name.clone(),
        }
    };
    let normal = DependencyKind::Normal;
    if let Some(spec) = views::parse(&v.definition) {
        let columns = views::relation_columns(db, &spec.source).unwrap_or_default();
        let read = spec
            .items
            .iter()
            .map(|i| i.column())
            .chain(spec.filter.as_deref());
        for column in read {
            edge(key.clone(), ObjectKey::column(&spec.source, column), normal);
        }
        for item in &spec.items {
            let views::Item::Call {
                function, column, ..
            } = item
            else {
                continue;
            };
            let Some((_, ty)) = columns.iter().find(|(c, _)| c == column) else {
                continue;
            };
            let f = FunctionKey {
                name: function.clone(),
                signature: ty.as_str().to_string(),
            };
            edge(key.clone(), ObjectKey::function(&f), normal);
        }
    }
    for c in &v.columns {
        if let Some(ty) = type_key(db, &c.ty) {
            edge(ObjectKey::column(&v.name, &c.name), ty, normal);
        }
    }
}
