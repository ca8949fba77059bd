//! Which constraint and index names a schema's models spell out.
//!
//! The scanner names an unnamed constraint or index as PostgreSQL would
//! (`orders_pkey`, `orders_customer_id_fkey`), avoiding every table name
//! and every name spelled out in the schema, and allocating in a fixed
//! order (tables by name; in each, primary key, uniques, exclusions,
//! checks, foreign keys, indexes, each kind in declaration order). A name
//! is left implicit exactly when that allocation gives it back; the others
//! are spelled out, which takes them from the allocation in turn, so the
//! decision is repeated until it holds. A field's foreign key cannot name
//! itself: one that must be named moves to the struct's `foreign_key(...)`.
//!
//! The scanner refuses what PostgreSQL refuses, so a database's names
//! are all spelled: an index's (or a key's, an exclusion's) name once in
//! a schema, a constraint's once in its table (a check's or a foreign
//! key's may repeat across tables).

use std::collections::BTreeSet;

use petal_ir::naming::{Namespace, index_column_names};
use petal_ir::{IndexKey, IndexKeyExpr, ReplicaIdentity, Table};

use super::plan::TablePlan;
use crate::lower::{ObjectKind, columns_in_expression};

/// A constraint or index of a table, by kind and position: in the plan's
/// list of that kind (`uniques`, in declaration order), or, once through
/// [`in_table`], in the table's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    PrimaryKey,
    Unique(usize),
    Exclusion(usize),
    Check(usize),
    ForeignKey(usize),
    Index(usize),
}

/// Where a spelled name must be alone: among the schema's indexes, or
/// among one table's constraints.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    Indexes,
    Constraints(String),
}

/// Settles the names of one schema's plans (in any order).
pub(super) fn settle(plans: &mut [TablePlan]) {
    plans.sort_by(|a, b| a.table.name.name.cmp(&b.table.name.name));
    loop {
        let mut spelled = spelled_names(plans);
        let mut ns = seeded(plans, &spelled);
        let mut changed = false;
        for plan in plans.iter_mut() {
            for (slot, default) in defaults(plan, &mut ns) {
                let wanted = name_of(plan, slot);
                let scoped: Vec<(Scope, String)> = (scopes(&plan.table, slot).into_iter())
                    .map(|s| (s, wanted.clone()))
                    .collect();
                if default != wanted && scoped.iter().all(|k| !spelled.contains(k)) {
                    spelled.extend(scoped);
                    set_named(plan, slot);
                    changed = true;
                    // The table's later defaults assumed this one took
                    // `default`: they are decided again on the next pass,
                    // else a second key on the same columns would be named
                    // needlessly.
                    break;
                }
            }
        }
        if !changed {
            break;
        }
    }
    for plan in plans.iter_mut() {
        // The struct's first, as `plan.foreign_keys` keeps them; the
        // scanner names the unnamed ones of the struct, then the fields'.
        plan.foreign_keys.sort_by_key(|p| p.field.is_some());
    }
    let spelled = spelled_names(plans);
    let mut ns = seeded(plans, &spelled);
    for plan in plans.iter_mut() {
        for (slot, default) in defaults(plan, &mut ns) {
            let wanted = name_of(plan, slot);
            if default != wanted {
                plan.note(format!(
                    "{} `{wanted}` is written unnamed, so it is named `{default}`: the name is \
                     also another index's of the schema or another constraint's of the table, \
                     which PostgreSQL refuses",
                    kind(slot).describe()
                ));
                rename(plan, slot, default);
            }
        }
        super::indexes::replica_identity(plan);
    }
}

/// Where the name at `slot` must be alone (see [`Scope`]).
fn scopes(t: &Table, slot: Slot) -> Vec<Scope> {
    let kind = kind(slot);
    let indexes = kind.has_index().then_some(Scope::Indexes);
    let constraints = kind
        .is_constraint()
        .then(|| Scope::Constraints(t.name.name.clone()));
    indexes.into_iter().chain(constraints).collect()
}

fn kind(slot: Slot) -> ObjectKind {
    match slot {
        Slot::PrimaryKey => ObjectKind::PrimaryKey,
        Slot::Unique(_) => ObjectKind::Unique,
        Slot::Exclusion(_) => ObjectKind::Exclusion,
        Slot::Check(_) => ObjectKind::Check,
        Slot::ForeignKey(_) => ObjectKind::ForeignKey,
        Slot::Index(_) => ObjectKind::Index,
    }
}

/// Every name the schema's models spell out, in each scope it takes.
fn spelled_names(plans: &[TablePlan]) -> BTreeSet<(Scope, String)> {
    let mut out = BTreeSet::new();
    for plan in plans {
        let key = plan
            .primary_key_named
            .then_some(Slot::PrimaryKey)
            .into_iter();
        let placed = |list: &[super::plan::Placed], slot: fn(usize) -> Slot| {
            (list.iter().enumerate())
                .filter(|(_, p)| p.named)
                .map(move |(at, _)| slot(at))
                .collect::<Vec<_>>()
        };
        let named_exclusions = (plan.exclusions.iter().enumerate())
            .filter(|(_, (p, _))| p.named)
            .map(|(at, _)| Slot::Exclusion(at));
        let slots = key
            .chain(placed(&plan.uniques, Slot::Unique))
            .chain(named_exclusions)
            .chain(placed(&plan.checks, Slot::Check))
            .chain(placed(&plan.foreign_keys, Slot::ForeignKey))
            .chain(placed(&plan.indexes, Slot::Index));
        for slot in slots {
            let name = name_of(plan, slot);
            out.extend(
                scopes(&plan.table, slot)
                    .into_iter()
                    .map(|s| (s, name.clone())),
            );
        }
    }
    out
}

/// The scanner's namespace before it lowers the schema's first table.
fn seeded(plans: &[TablePlan], spelled: &BTreeSet<(Scope, String)>) -> Namespace {
    let mut ns = Namespace::new();
    for plan in plans {
        ns.take(&plan.table.name.name);
    }
    for (_, name) in spelled {
        ns.take(name);
    }
    ns
}

/// The name the scanner gives each of the table's unnamed constraints and
/// indexes, allocated in its order.
fn defaults(plan: &TablePlan, ns: &mut Namespace) -> Vec<(Slot, String)> {
    let t = &plan.table;
    let table = t.name.name.as_str();
    let mut out = Vec::new();
    if t.primary_key.is_some() && !plan.primary_key_named {
        out.push((Slot::PrimaryKey, ns.primary_key(table)));
    }
    for (at, p) in plan.uniques.iter().enumerate().filter(|(_, p)| !p.named) {
        if let Some(unique) = t.uniques.get(p.at) {
            out.push((Slot::Unique(at), ns.unique(table, &unique.columns)));
        }
    }
    for (at, (p, excluded)) in plan.exclusions.iter().enumerate() {
        if !p.named {
            let keys: Vec<IndexKey> = excluded.elements.iter().map(|(k, _)| key_of(k)).collect();
            let columns = index_column_names(&keys, &[]);
            out.push((Slot::Exclusion(at), ns.exclusion(table, &columns)));
        }
    }
    let columns: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    for (at, p) in plan.checks.iter().enumerate().filter(|(_, p)| !p.named) {
        let Some(check) = t.checks.get(p.at) else {
            continue;
        };
        let used = columns_in_expression(&check.expr, &columns);
        let single = match used.as_slice() {
            [one] => Some(one.as_str()),
            _ => None,
        };
        out.push((Slot::Check(at), ns.check(table, single)));
    }
    for (at, p) in plan.foreign_keys.iter().enumerate() {
        if let Some(fk) = t.foreign_keys.get(p.at).filter(|_| !p.named) {
            out.push((Slot::ForeignKey(at), ns.foreign_key(table, &fk.columns)));
        }
    }
    for (at, p) in plan.indexes.iter().enumerate().filter(|(_, p)| !p.named) {
        let Some(index) = t.indexes.get(p.at) else {
            continue;
        };
        out.push((
            Slot::Index(at),
            ns.index(table, &index.keys, &index.include),
        ));
    }
    out
}

/// A slot of the plan's lists (`uniques`, ...) as one of the table's own
/// lists.
fn in_table(plan: &TablePlan, slot: Slot) -> Option<Slot> {
    Some(match slot {
        Slot::PrimaryKey => slot,
        Slot::Unique(at) => Slot::Unique(plan.uniques.get(at)?.at),
        Slot::ForeignKey(at) => Slot::ForeignKey(plan.foreign_keys.get(at)?.at),
        Slot::Exclusion(at) => Slot::Exclusion(plan.exclusions.get(at)?.0.at),
        Slot::Check(at) => Slot::Check(plan.checks.get(at)?.at),
        Slot::Index(at) => Slot::Index(plan.indexes.get(at)?.at),
    })
}

/// The name of the table's object at a slot of the table's lists.
fn name_mut(t: &mut Table, slot: Slot) -> Option<&mut String> {
    match slot {
        Slot::PrimaryKey => t.primary_key.as_mut().map(|p| &mut p.name),
        Slot::Unique(at) => t.uniques.get_mut(at).map(|u| &mut u.name),
        Slot::Exclusion(at) => t.exclusions.get_mut(at).map(|x| &mut x.name),
        Slot::Check(at) => t.checks.get_mut(at).map(|c| &mut c.name),
        Slot::ForeignKey(at) => t.foreign_keys.get_mut(at).map(|f| &mut f.name),
        Slot::Index(at) => t.indexes.get_mut(at).map(|i| &mut i.name),
    }
}

fn name_of(plan: &TablePlan, slot: Slot) -> String {
    in_table(plan, slot)
        .and_then(|slot| table_name(&plan.table, slot))
        .cloned()
        .unwrap_or_default()
}

/// The name of the table's object at a slot of the table's own lists.
fn table_name(t: &Table, slot: Slot) -> Option<&String> {
    match slot {
        Slot::PrimaryKey => t.primary_key.as_ref().map(|p| &p.name),
        Slot::Unique(at) => t.uniques.get(at).map(|u| &u.name),
        Slot::Exclusion(at) => t.exclusions.get(at).map(|x| &x.name),
        Slot::Check(at) => t.checks.get(at).map(|c| &c.name),
        Slot::ForeignKey(at) => t.foreign_keys.get(at).map(|f| &f.name),
        Slot::Index(at) => t.indexes.get(at).map(|i| &i.name),
    }
}

fn set_named(plan: &mut TablePlan, slot: Slot) {
    let placed = match slot {
        Slot::PrimaryKey => {
            plan.primary_key_named = true;
            return;
        }
        Slot::ForeignKey(at) => {
            let Some(placed) = plan.foreign_keys.get_mut(at) else {
                return;
            };
            // A field's moves to the struct (put with the struct's once
            // settled: slots are positions in the list until then).
            placed.named = true;
            placed.field = None;
            return;
        }
        Slot::Unique(at) => plan.uniques.get_mut(at),
        Slot::Exclusion(at) => plan.exclusions.get_mut(at).map(|(p, _)| p),
        Slot::Check(at) => plan.checks.get_mut(at),
        Slot::Index(at) => plan.indexes.get_mut(at),
    };
    if let Some(placed) = placed {
        placed.named = true;
    }
}

/// Gives an object the name the scanner will give it, so that the plan's
/// table is what the models declare.
fn rename(plan: &mut TablePlan, slot: Slot, name: String) {
    let Some(slot) = in_table(plan, slot) else {
        return;
    };
    let t = &mut plan.table;
    if let Some(old) = name_mut(t, slot) {
        let previous = std::mem::replace(old, name.clone());
        // The replica identity follows the key or index it names.
        if t.options.replica_identity.is_index(&previous) {
            t.options.replica_identity = ReplicaIdentity::Index(name);
        }
    }
}

/// An exclusion element's key as an index key, for its default name.
fn key_of(expr: &IndexKeyExpr) -> IndexKey {
    IndexKey {
        expr: expr.clone(),
        ..IndexKey::column("")
    }
}
