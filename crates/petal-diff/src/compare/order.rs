//! Dependency order: objects sorted so that each comes after what it
//! depends on (for creating), or before (for dropping), by the edges the
//! server recorded (and, for a SQL function's string body, which records
//! none, by the calls its text makes).

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Database, Dependency, Function, FunctionKey, ObjectKey, QualifiedName};

use super::functions;

/// The object an edge's end stands for among `keys`: itself, or for a
/// column, index, constraint or trigger, the relation it lives in.
fn owner<'a>(key: &'a ObjectKey, keys: &BTreeSet<&'a ObjectKey>, db: &Database) -> ObjectKey {
    if keys.contains(key) {
        return key.clone();
    }
    match key {
        ObjectKey::Column { table, .. } | ObjectKey::Index { table, .. } => {
            match db.views.get(table) {
                Some(view) => crate::change::views::key(view),
                None if db.composite_types.contains_key(table) => ObjectKey::CompositeType {
                    name: table.clone(),
                },
                None => ObjectKey::table(table),
            }
        }
        ObjectKey::Constraint { table, .. } => ObjectKey::table(table),
        ObjectKey::DomainCheck { domain, .. } => ObjectKey::Domain {
            name: domain.clone(),
        },
        other => other.clone(),
    }
}

/// `keys` in creation order: each after the ones among them it depends on
/// in `db`; otherwise in key order. A cycle (which the server would not
/// have let happen) is broken at its smallest key.
pub(super) fn creation_order(keys: &[ObjectKey], db: &Database) -> Vec<ObjectKey> {
    let set: BTreeSet<&ObjectKey> = keys.iter().collect();
    let owners = Owners::of(&set);
    let mut before: BTreeMap<ObjectKey, BTreeSet<ObjectKey>> = BTreeMap::new();
    for Dependency {
        dependent,
        referenced,
        ..
    } in &db.dependencies
    {
        // Most edges join nothing of `keys`: told apart without building
        // an owner's key.
        if !owners.may_own(dependent, &set) || !owners.may_own(referenced, &set) {
            continue;
        }
        let (d, r) = (owner(dependent, &set, db), owner(referenced, &set, db));
        if d != r && set.contains(&d) && set.contains(&r) {
            before.entry(d).or_default().insert(r);
        }
    }
    // A SQL function's string body records no edge of what it calls, yet
    // is checked when created: its calls among `keys` stand for edges.
    let functions = functions::by_name(set.iter().copied());
    for key in set
        .iter()
        .filter(|key| matches!(key, ObjectKey::Function { .. }))
    {
        let Some(function) = function_of(key, db) else {
            continue;
        };
        for called in functions::body_calls(function, &functions) {
            before
                .entry((*key).clone())
                .or_default()
                .insert(called.clone());
        }
    }
    let mut out = Vec::with_capacity(keys.len());
    let mut done: BTreeSet<ObjectKey> = BTreeSet::new();
    let mut sorted: Vec<&ObjectKey> = set.iter().copied().collect();
    sorted.sort();
    for root in sorted {
        visit(root, &before, &mut done, &mut BTreeSet::new(), &mut out);
    }
    out
}

/// The function `key` names in `db`, if it is one.
fn function_of<'a>(key: &ObjectKey, db: &'a Database) -> Option<&'a Function> {
    let ObjectKey::Function { name, signature } = key else {
        return None;
    };
    db.functions.get(&FunctionKey {
        name: name.clone(),
        signature: signature.clone(),
    })
}

/// The names of the relations and domains among some keys: a part (a
/// column, an index, a constraint, a domain's check) can stand for one of
/// the keys only if its relation or domain is named here.
struct Owners<'a> {
    names: BTreeSet<&'a QualifiedName>,
}

impl<'a> Owners<'a> {
    fn of(keys: &BTreeSet<&'a ObjectKey>) -> Self {
        let names = keys.iter().filter_map(|key| whole_name_of(key)).collect();
        Owners { names }
    }

    /// Whether [`owner`] of `key` may be one of `keys`.
    fn may_own(&self, key: &ObjectKey, keys: &BTreeSet<&ObjectKey>) -> bool {
        keys.contains(key) || whole_name(key).is_some_and(|whole| self.names.contains(whole))
    }
}

/// The relation or domain a part lives in: its edges stand for edges to
/// that whole too.
fn whole_name(key: &ObjectKey) -> Option<&QualifiedName> {
    match key {
        ObjectKey::Column { table, .. }
        | ObjectKey::Index { table, .. }
        | ObjectKey::Constraint { table, .. } => Some(table),
        ObjectKey::DomainCheck { domain, .. } => Some(domain),
        _ => None,
    }
}

/// The name of a whole that parts may live in.
fn whole_name_of(key: &ObjectKey) -> Option<&QualifiedName> {
    match key {
        ObjectKey::Table { name }
        | ObjectKey::View { name }
        | ObjectKey::MaterializedView { name }
        | ObjectKey::CompositeType { name }
        | ObjectKey::Domain { name } => Some(name),
        _ => None,
    }
}

fn visit(
    key: &ObjectKey,
    before: &BTreeMap<ObjectKey, BTreeSet<ObjectKey>>,
    done: &mut BTreeSet<ObjectKey>,
    on_path: &mut BTreeSet<ObjectKey>,
    out: &mut Vec<ObjectKey>,
) {
    if done.contains(key) || !on_path.insert(key.clone()) {
        return;
    }
    for first in before.get(key).into_iter().flatten() {
        visit(first, before, done, on_path, out);
    }
    on_path.remove(key);
    if done.insert(key.clone()) {
        out.push(key.clone());
    }
}

/// `keys` in drop order: dependents first.
pub(super) fn drop_order(keys: &[ObjectKey], db: &Database) -> Vec<ObjectKey> {
    let mut order = creation_order(keys, db);
    order.reverse();
    order
}

/// `db`'s edges read backwards once, by what they reference (as itself and
/// as its relation), so that each search is a walk over the objects found,
/// not over every edge for each of them. It borrows the edges: building it
/// copies no key.
pub(super) struct DependentsIndex<'a> {
    db: &'a Database,
    by_referenced: BTreeMap<&'a ObjectKey, Vec<&'a ObjectKey>>,
    /// Edges to a part (a column, an index, a constraint, a domain's
    /// check), by the name of its relation or domain: (part, dependent).
    by_whole: BTreeMap<&'a QualifiedName, Vec<(&'a ObjectKey, &'a ObjectKey)>>,
}

impl<'a> DependentsIndex<'a> {
    pub(super) fn new(db: &'a Database) -> Self {
        let mut by_referenced: BTreeMap<&ObjectKey, Vec<&ObjectKey>> = BTreeMap::new();
        let mut by_whole: BTreeMap<&QualifiedName, Vec<(&ObjectKey, &ObjectKey)>> = BTreeMap::new();
        for dep in &db.dependencies {
            let referenced = &dep.referenced;
            by_referenced
                .entry(referenced)
                .or_default()
                .push(&dep.dependent);
            if let Some(whole) = whole_name(referenced) {
                by_whole
                    .entry(whole)
                    .or_default()
                    .push((referenced, &dep.dependent));
            }
        }
        DependentsIndex {
            db,
            by_referenced,
            by_whole,
        }
    }

    /// What depends on `key` itself, or on a part of it, each as its
    /// [`owner`].
    fn direct(&self, key: &ObjectKey, out: &mut Vec<ObjectKey>) {
        let none = BTreeSet::new();
        for dependent in self.by_referenced.get(key).into_iter().flatten() {
            out.push(owner(dependent, &none, self.db));
        }
        let Some(name) = whole_name_of(key) else {
            return;
        };
        for (part, dependent) in self.by_whole.get(name).into_iter().flatten() {
            if owner(part, &none, self.db) == *key {
                out.push(owner(dependent, &none, self.db));
            }
        }
    }

    /// Everything that depends, directly or through others, on one of
    /// `keys` (columns and other parts standing for their relation).
    pub(super) fn of(&self, keys: &BTreeSet<ObjectKey>) -> BTreeSet<ObjectKey> {
        let mut found: BTreeSet<ObjectKey> = BTreeSet::new();
        let mut frontier: Vec<ObjectKey> = keys.iter().cloned().collect();
        let mut direct = Vec::new();
        while let Some(key) = frontier.pop() {
            self.direct(&key, &mut direct);
            for dependent in direct.drain(..) {
                if !keys.contains(&dependent) && found.insert(dependent.clone()) {
                    frontier.push(dependent);
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use petal_ir::{DependencyKind, QualifiedName};

    use super::*;

    fn view(name: &str) -> ObjectKey {
        ObjectKey::View {
            name: QualifiedName::new("public", name),
        }
    }

    #[test]
    fn views_over_views_come_after_them() {
        let mut db = Database::default();
        for (d, r) in [("c", "b"), ("b", "a")] {
            db.dependencies.insert(Dependency {
                dependent: view(d),
                referenced: view(r),
                kind: DependencyKind::Normal,
            });
        }
        let keys = vec![view("c"), view("a"), view("b")];
        assert_eq!(
            creation_order(&keys, &db),
            vec![view("a"), view("b"), view("c")]
        );
        assert_eq!(
            drop_order(&keys, &db),
            vec![view("c"), view("b"), view("a")]
        );
        let of_a = DependentsIndex::new(&db).of(&BTreeSet::from([view("a")]));
        assert_eq!(of_a, BTreeSet::from([view("b"), view("c")]));
    }
}
