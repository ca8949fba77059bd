//! Inheritance children (`CREATE TABLE child (...) INHERITS (parent)`):
//! kept only while their parents are, matched column by column through
//! their parents' renames, and the column changes PostgreSQL cannot make
//! under an inheritance edge named.
//!
//! PostgreSQL passes a parent's column changes on to its children
//! (`apply/inheritance.rs`): a column added to a parent is added to each
//! child that lacks it, and merged with a child's own of that name; a
//! dropped one goes from the children that only inherit it; a type,
//! default, NOT NULL or name change reaches the children's column. So
//! parents' columns are renamed, dropped and altered before their
//! children's (`parents_first`), and added after them (a child that
//! declares the column itself must have it before its parent's comes).
//!
//! What PostgreSQL cannot do: drop a column a child inherits from a
//! parent that keeps it, or add to a child a column it inherits already
//! (`inherited_column_conflicts`). A kept table whose parents change is
//! reparented in place (`ALTER TABLE ... INHERIT | NO INHERIT`,
//! `inherit.rs`) where no column changes whether it is its own; any
//! other is not matched (`unmatch_reparented`), and autogenerate refuses
//! the drop and create.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use petal_ir::{Database, QualifiedName};

use super::Matching;
use crate::change::{Alter, Change, Object, Rename};

/// How many inheritance or partition edges stand above `table` in `db`
/// (0: none), by its longest path.
pub(super) fn depth(db: &Database, table: &QualifiedName) -> usize {
    fn walk(db: &Database, table: &QualifiedName, steps: usize) -> usize {
        // A cycle cannot be built; the bound keeps a broken IR finite.
        if steps > db.tables.len() {
            return 0;
        }
        let Some(t) = db.tables.get(table) else {
            return 0;
        };
        t.partition_of
            .iter()
            .map(|of| &of.parent)
            .chain(&t.inherits)
            .map(|parent| 1 + walk(db, parent, steps + 1))
            .max()
            .unwrap_or(0)
    }
    walk(db, table, 0)
}

/// `names` (tables of `db`) with parents before their children.
pub(super) fn parents_first<'n>(
    db: &Database,
    names: impl IntoIterator<Item = &'n QualifiedName>,
) -> Vec<&'n QualifiedName> {
    let mut names: Vec<&QualifiedName> = names.into_iter().collect();
    names.sort_by_key(|name| (depth(db, name), *name));
    names
}

/// `names` (tables of `db`) with children before their parents.
pub(super) fn children_first<'n>(
    db: &Database,
    names: impl IntoIterator<Item = &'n QualifiedName>,
) -> Vec<&'n QualifiedName> {
    let mut names: Vec<&QualifiedName> = names.into_iter().collect();
    names.sort_by_key(|name| (Reverse(depth(db, name)), *name));
    names
}

/// Unmatches the kept inheritance children whose parents are not the
/// same kept tables, in the same order, on both sides (a parent added or
/// removed, or one dropped and created again), and theirs in turn.
pub(super) fn unmatch_reparented(cur: &Database, to: &Database, matching: &mut Matching) {
    loop {
        let reparented: Vec<QualifiedName> = matching
            .tables
            .iter()
            .filter(|(to_name, cur_name)| {
                let (Some(wanted), Some(was)) =
                    (to.tables.get(*to_name), cur.tables.get(*cur_name))
                else {
                    return false;
                };
                let kept_as: Vec<Option<&QualifiedName>> =
                    was.inherits.iter().map(|p| matching.table_to(p)).collect();
                let changed = kept_as.len() != wanted.inherits.len()
                    || kept_as
                        .iter()
                        .zip(&wanted.inherits)
                        .any(|(kept, parent)| *kept != Some(parent));
                changed && !super::inherit::reparents_in_place(cur, to, matching, was, wanted)
            })
            .map(|(name, _)| name.clone())
            .collect();
        if reparented.is_empty() {
            return;
        }
        for name in reparented {
            matching.tables.remove(&name);
            matching.columns.remove(&name);
        }
    }
}

/// A kept child's column matched to its current one through a parent's
/// column rename: PostgreSQL renames the child's column with the
/// parent's, and the child's declaration carries no hint of its own.
pub(super) fn follow_parent_renames(cur: &Database, to: &Database, matching: &mut Matching) {
    let renamed = |matching: &Matching, parent: &QualifiedName| -> Vec<(String, String)> {
        matching.columns.get(parent).map_or(Vec::new(), |columns| {
            columns
                .iter()
                .filter(|(new, old)| new != old)
                .map(|(new, old)| (new.clone(), old.clone()))
                .collect()
        })
    };
    let children: Vec<(QualifiedName, QualifiedName)> = matching
        .tables
        .iter()
        .filter(|(to_name, _)| {
            to.tables
                .get(*to_name)
                .is_some_and(|t| !t.inherits.is_empty())
        })
        .map(|(t, c)| (t.clone(), c.clone()))
        .collect();
    for (to_name, cur_name) in parents_first_pairs(to, children) {
        let (Some(wanted), Some(was)) = (to.tables.get(&to_name), cur.tables.get(&cur_name)) else {
            continue;
        };
        let renames: Vec<(String, String)> = wanted
            .inherits
            .iter()
            .flat_map(|parent| renamed(matching, parent))
            .collect();
        let Some(columns) = matching.columns.get_mut(&to_name) else {
            continue;
        };
        for (new, old) in renames {
            let free = !columns.contains_key(&new) && !columns.values().any(|c| *c == old);
            if free && wanted.column(&new).is_some() && was.column(&old).is_some() {
                columns.insert(new, old);
            }
        }
    }
}

/// Parents' renames reach grandchildren through children: children are
/// matched nearest first.
fn parents_first_pairs(
    db: &Database,
    mut pairs: Vec<(QualifiedName, QualifiedName)>,
) -> Vec<(QualifiedName, QualifiedName)> {
    pairs.sort_by_key(|(name, _)| (depth(db, name), name.clone()));
    pairs
}

/// Whether a table above `table` in `db` declares `column` (so that a
/// change to that one reaches `table`'s).
pub(super) fn declared_above(db: &Database, table: &QualifiedName, column: &str) -> bool {
    db.inheritance_ancestors(table)
        .into_iter()
        .any(|a| db.tables.get(a).is_some_and(|t| t.column(column).is_some()))
}

/// The column changes of `changes` that PostgreSQL refuses, or that would
/// lose rows, under an inheritance edge, each described: a column dropped
/// from a child that inherits it from a table keeping it ("cannot drop
/// inherited column"), a column added to a child that inherits it
/// already, or whose parent drops it in the same migration (its values
/// would go with the parent's: `ALTER TABLE ONLY parent DROP COLUMN`
/// keeps them, by hand), an identity column added to a table with
/// children. `before` and `after` are the two sides the
/// changes run between (for a down: the desired side, then the current).
pub fn inherited_column_conflicts(
    before: &Database,
    after: &Database,
    changes: &[Change],
) -> Vec<String> {
    let columns = |drop: bool| -> BTreeSet<(&QualifiedName, &str)> {
        changes
            .iter()
            .filter_map(|c| match c {
                Change::Create(Object::Column { table, column }) if !drop => {
                    Some((table, column.name.as_str()))
                }
                Change::Drop(Object::Column { table, column }) if drop => {
                    Some((table, column.name.as_str()))
                }
                _ => None,
            })
            .collect()
    };
    let (added, dropped) = (columns(false), columns(true));
    // The parents a kept table joins last of all (`inherit.rs`): its
    // columns change before it is their child.
    let joined: BTreeSet<(&QualifiedName, &QualifiedName)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Alter(Alter::Inherit {
                table,
                parent,
                inherits,
            }) if inherits.to => Some((table, parent)),
            _ => None,
        })
        .collect();
    // An ancestor that holds the column before and after: the child
    // inherits it throughout.
    let holds = |table: &QualifiedName, column: &str| -> Option<QualifiedName> {
        let parents = after.tables.get(table).map_or(Vec::new(), |t| {
            t.inherits
                .iter()
                .filter(|p| !joined.contains(&(table, *p)))
                .collect()
        });
        parents
            .into_iter()
            .flat_map(|p| std::iter::once(p).chain(after.inheritance_ancestors(p)))
            .find(|a| {
                after
                    .tables
                    .get(*a)
                    .is_some_and(|t| t.column(column).is_some())
                    && !added.contains(&(*a, column))
            })
            .cloned()
    };
    let mut out = Vec::new();
    for change in changes {
        match change {
            Change::Drop(Object::Column { table, column }) => {
                if let Some(parent) = holds(table, &column.name) {
                    out.push(format!(
                        "column {table}.{}: inherited from {parent}, which keeps it, so \
                         PostgreSQL cannot drop it from the child",
                        column.name
                    ));
                }
            }
            Change::Create(Object::Column { table, column }) => {
                // Children created in the same migration come after it.
                let has_children = before.tables.values().any(|t| t.inherits.contains(table));
                if column.identity.is_some() && has_children {
                    out.push(format!(
                        "column {table}.{}: an identity column, which PostgreSQL cannot add \
                         to a table with inheritance children",
                        column.name
                    ));
                }
                if let Some(parent) = holds(table, &column.name) {
                    out.push(format!(
                        "column {table}.{}: inherited from {parent} already, so PostgreSQL \
                         cannot add it to the child",
                        column.name
                    ));
                } else if let Some(parent) =
                    before.inheritance_ancestors(table).into_iter().find(|a| {
                        dropped.contains(&(*a, column.name.as_str()))
                            && before
                                .tables
                                .get(*a)
                                .is_some_and(|t| t.column(&column.name).is_some())
                    })
                {
                    out.push(format!(
                        "column {table}.{}: inherited from {parent}, which drops it; the \
                         child's values would go with it (`ALTER TABLE ONLY {parent} DROP \
                         COLUMN {}` keeps them in the child)",
                        column.name,
                        petal_ir::quote_ident(&column.name)
                    ));
                }
            }
            Change::Rename(Rename::Column { table, name }) => {
                let clash = before
                    .tables
                    .values()
                    .find(|t| t.inherits.contains(table) && t.column(&name.to).is_some());
                if let Some(child) = clash {
                    out.push(format!(
                        "column {table}.{}: renamed to {}, which its inheritance child {} \
                         declares already (PostgreSQL renames the child's inherited column too)",
                        name.from, name.to, child.name
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use petal_ir::{Column, Database, Identity, QualifiedName, SqlType, Table};

    use super::inherited_column_conflicts;
    use crate::diff;

    fn name(n: &str) -> QualifiedName {
        QualifiedName::new("public", n)
    }

    /// `orders (id, note)` and `archive (own...) INHERITS (orders)`.
    fn schema(parent: &[&str], own: &[&str]) -> Database {
        let mut db = Database::default();
        db.schemas.insert("public".into());
        let mut orders = Table::new(name("orders"));
        orders.columns = parent
            .iter()
            .map(|c| Column::new(*c, SqlType::canonical("integer")))
            .collect();
        let mut archive = Table::new(name("archive"));
        archive.inherits = vec![name("orders")];
        archive.columns = own
            .iter()
            .map(|c| Column::new(*c, SqlType::canonical("integer")))
            .collect();
        db.tables.insert(orders.name.clone(), orders);
        db.tables.insert(archive.name.clone(), archive);
        db
    }

    fn conflicts(a: &Database, b: &Database) -> Vec<String> {
        inherited_column_conflicts(a, b, &diff(a, b).changes)
    }

    #[test]
    fn what_postgresql_cannot_do_under_an_inheritance_edge_is_named() {
        // The child's own copy of `note` dropped while the parent keeps it.
        let a = schema(&["id", "note"], &["note"]);
        let b = schema(&["id", "note"], &[]);
        assert_eq!(
            conflicts(&a, &b),
            [
                "column public.archive.note: inherited from public.orders, which keeps it, so \
              PostgreSQL cannot drop it from the child"
            ]
        );
        // The reverse: a column the child inherits, declared by it too.
        assert_eq!(conflicts(&b, &a).len(), 1, "{:?}", conflicts(&b, &a));
        // The parent's column dropped, the child's own copy kept: fine.
        let kept = schema(&["id"], &["note"]);
        assert!(
            conflicts(&a, &kept).is_empty(),
            "{:?}",
            conflicts(&a, &kept)
        );
        // The parent's column dropped, the child declaring it anew: its
        // values would go with the parent's.
        assert_eq!(conflicts(&b, &kept).len(), 1, "{:?}", conflicts(&b, &kept));
    }

    #[test]
    fn an_identity_column_over_existing_children_is_named() {
        let a = schema(&["id"], &[]);
        let mut b = a.clone();
        if let Some(t) = b.tables.get_mut(&name("orders")) {
            let mut seq = Column::new("seq", SqlType::canonical("integer"));
            seq.nullable = false;
            seq.identity = Some(Identity::Always);
            t.columns.push(seq);
        }
        assert_eq!(conflicts(&a, &b).len(), 1, "{:?}", conflicts(&a, &b));
        // A child created in the same migration comes after the column.
        let mut alone = a.clone();
        alone.tables.remove(&name("archive"));
        assert!(
            conflicts(&alone, &b).is_empty(),
            "{:?}",
            conflicts(&alone, &b)
        );
    }

    #[test]
    fn a_parent_column_renamed_onto_a_childs_own_is_named() {
        let a = schema(&["id", "code"], &["label"]);
        let mut b = schema(&["id", "label"], &["label"]);
        if let Some(c) = b
            .tables
            .get_mut(&name("orders"))
            .and_then(|t| t.columns.iter_mut().find(|c| c.name == "label"))
        {
            c.renamed_from = Some("code".into());
        }
        let found = conflicts(&a, &b);
        assert!(
            found.iter().any(|c| c.contains("renamed to label")),
            "{found:?}"
        );
    }
}
