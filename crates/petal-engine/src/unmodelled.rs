//! A migration PostgreSQL would refuse because something petal does not
//! model depends on what it changes: a rule, an event trigger or a
//! table's publication over a column that is dropped or retyped, a
//! function or type that is recreated, a table that is dropped. petal cannot take such an object out of the way
//! and put it back (it does not know how to write it), so it refuses to
//! write the file, naming the object and the change, rather than leave
//! the failure to `upgrade` (or, for the down, to a rollback in a hurry).

use std::collections::BTreeMap;

use petal_diff::{Alter, Change, Diff, Moved, Object, Rename};
use petal_ir::{ObjectKey, QualifiedName};
use petal_pg::NotCompared;

/// Each unmodelled dependent over something the up or the down changes,
/// described (`rule public.orders.archive uses column
/// public.orders.total, which the up changes the type of`).
pub(crate) fn blocked(not_compared: &[NotCompared], diff: &Diff) -> Vec<String> {
    let mut out = unlogged_published(not_compared, diff);
    let users: Vec<&NotCompared> = not_compared
        .iter()
        .filter(|o| !o.depends_on.is_empty())
        .collect();
    if users.is_empty() {
        return out;
    }
    let old_names = OldNames::of(&diff.changes);
    let down = diff.down();
    for (direction, changes) in [("up", &diff.changes), ("down", &down)] {
        let touched = touched(changes, &old_names);
        for user in &users {
            for key in &user.depends_on {
                // A table dropped takes its columns: PostgreSQL refuses it
                // under a dependent on any of them, but for one on the
                // table itself, which goes with it.
                let table = match key {
                    ObjectKey::Column { table, .. } if user.on.as_ref() != Some(table) => touched
                        .get(&ObjectKey::Table {
                            name: table.clone(),
                        }),
                    _ => None,
                };
                if let Some(what) = touched.get(key).or(table) {
                    out.push(format!(
                        "{} {} uses {key}, which the {direction} {what}",
                        user.kind, user.name
                    ));
                }
            }
        }
    }
    out
}

/// PostgreSQL refuses `SET UNLOGGED` on a table a publication holds
/// (an unlogged table cannot be replicated).
fn unlogged_published(not_compared: &[NotCompared], diff: &Diff) -> Vec<String> {
    let old_names = OldNames::of(&diff.changes);
    let down = diff.down();
    let mut out = Vec::new();
    for (direction, changes) in [("up", &diff.changes), ("down", &down)] {
        for change in changes.iter() {
            let Change::Alter(Alter::Unlogged { table, unlogged }) = change else {
                continue;
            };
            if !unlogged.to {
                continue;
            }
            let table = old_names.table(table);
            let published = not_compared
                .iter()
                .filter(|o| o.kind == "publication of a table" && o.on.as_ref() == Some(&table));
            for publication in published {
                out.push(format!(
                    "{} {} holds table {table}, which the {direction} makes unlogged",
                    publication.kind, publication.name
                ));
            }
        }
    }
    out
}

/// The changes name tables and columns as they are when they run, after
/// the up's renames; the dependents name them as the database does today.
#[derive(Default)]
struct OldNames {
    tables: BTreeMap<QualifiedName, QualifiedName>,
    /// (today's table, new column name) → today's column name.
    columns: BTreeMap<(QualifiedName, String), String>,
}

impl OldNames {
    fn of(changes: &[Change]) -> Self {
        let mut out = OldNames::default();
        for change in changes {
            match change {
                Change::Rename(Rename::Table { name }) => {
                    out.tables.insert(name.to.clone(), name.from.clone());
                }
                Change::Rename(Rename::Column { table, name }) => {
                    let table = out.table(table);
                    out.columns
                        .insert((table, name.to.clone()), name.from.clone());
                }
                _ => {}
            }
        }
        out
    }

    fn table(&self, table: &QualifiedName) -> QualifiedName {
        self.tables.get(table).unwrap_or(table).clone()
    }

    fn column(&self, table: &QualifiedName, column: &str) -> ObjectKey {
        let table = self.table(table);
        let column = self
            .columns
            .get(&(table.clone(), column.to_string()))
            .map_or(column, String::as_str);
        ObjectKey::column(&table, column)
    }
}

/// What PostgreSQL refuses to do under a dependent, by the key (named as
/// in the database today) of what it is done to.
fn touched(changes: &[Change], names: &OldNames) -> BTreeMap<ObjectKey, &'static str> {
    let old = |table: &QualifiedName| names.table(table);
    // A type or collation renamed, then dropped under its new name: one
    // recreated while columns are of it, moved aside first. Whatever still
    // uses it follows the rename and keeps the drop from running.
    let renamed: BTreeMap<ObjectKey, ObjectKey> = changes
        .iter()
        .filter_map(|change| match change {
            Change::Rename(rename) => Some((renamed_type(rename)?, rename.key())),
            _ => None,
        })
        .collect();
    let mut out = BTreeMap::new();
    for change in changes {
        match change {
            Change::Drop(object) | Change::MoveAside(Moved { object, .. }) => {
                let key = match object {
                    Object::Table { table, .. } => ObjectKey::Table {
                        name: old(&table.name),
                    },
                    Object::Column { table, column } => {
                        ObjectKey::column(&old(table), &column.name)
                    }
                    _ => object.key(),
                };
                if let Some(original) = renamed.get(&key) {
                    out.entry(original.clone()).or_insert("recreates");
                }
                out.entry(key).or_insert("drops");
            }
            Change::Alter(Alter::ColumnType { table, column, .. }) => {
                out.entry(names.column(table, column))
                    .or_insert("changes the type of");
            }
            Change::RecreateEnum(recreate) => {
                let key = ObjectKey::Enum {
                    name: recreate.name.clone(),
                };
                out.entry(key).or_insert("recreates");
                for column in &recreate.columns {
                    out.entry(names.column(&column.table, &column.column))
                        .or_insert("moves to a recreated type");
                }
            }
            _ => {}
        }
    }
    out
}

/// The key a renamed domain, composite or range type or collation has
/// after the rename: the key of the rename back.
fn renamed_type(rename: &Rename) -> Option<ObjectKey> {
    matches!(
        rename,
        Rename::Domain { .. }
            | Rename::CompositeType { .. }
            | Rename::RangeType { .. }
            | Rename::Collation { .. }
    )
    .then(|| rename.clone().reversed().key())
}

#[cfg(test)]
mod tests {
    use super::*;
    use petal_ir::{Column, Database, SqlType, Table};

    fn orders(total: &str, name: &str) -> Database {
        let mut table = Table::new(QualifiedName::new("public", name));
        table
            .columns
            .push(Column::new("id", SqlType::canonical("integer")));
        table
            .columns
            .push(Column::new("total", SqlType::canonical(total)));
        let mut db = Database::default();
        db.schemas.insert("public".into());
        db.add_table(table);
        db
    }

    fn only_table(db: &mut Database) -> &mut Table {
        db.tables
            .values_mut()
            .next()
            .unwrap_or_else(|| panic!("one table"))
    }

    /// A policy on `on`, using `orders.total`.
    fn policy_on_total(on: &str) -> NotCompared {
        NotCompared {
            kind: "policy".into(),
            name: format!("public.{on}.small"),
            depends_on: vec![ObjectKey::column(
                &QualifiedName::new("public", "orders"),
                "total",
            )],
            on: Some(QualifiedName::new("public", on)),
        }
    }

    #[test]
    fn a_retyped_column_under_a_policy_is_named_both_ways() {
        let diff = petal_diff::diff(&orders("numeric", "orders"), &orders("bigint", "orders"));
        assert_eq!(
            blocked(&[policy_on_total("orders")], &diff),
            [
                "policy public.orders.small uses column public.orders.total, which the up \
                 changes the type of",
                "policy public.orders.small uses column public.orders.total, which the down \
                 changes the type of",
            ]
        );
    }

    #[test]
    fn a_column_dropped_after_its_table_is_renamed_is_found_by_its_old_name() {
        let mut after = orders("numeric", "purchases");
        let table = only_table(&mut after);
        table.renamed_from = Some(QualifiedName::new("public", "orders"));
        table.columns.retain(|c| c.name != "total");
        let diff = petal_diff::diff(&orders("numeric", "orders"), &after);
        let found = blocked(&[policy_on_total("orders")], &diff);
        assert_eq!(
            found,
            ["policy public.orders.small uses column public.orders.total, which the up drops"]
        );
    }

    #[test]
    fn a_column_renamed_and_retyped_is_found_by_its_old_name() {
        let mut after = orders("bigint", "orders");
        let table = only_table(&mut after);
        if let Some(total) = table.columns.iter_mut().find(|c| c.name == "total") {
            total.name = "amount".into();
            total.renamed_from = Some("total".into());
        }
        let diff = petal_diff::diff(&orders("numeric", "orders"), &after);
        let found = blocked(&[policy_on_total("orders")], &diff);
        assert_eq!(
            found.first().map(String::as_str),
            Some(
                "policy public.orders.small uses column public.orders.total, which the up \
                 changes the type of"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn a_table_dropped_under_a_dependent_on_its_columns_is_named() {
        let mut after = orders("numeric", "orders");
        after.tables.clear();
        let diff = petal_diff::diff(&orders("numeric", "orders"), &after);
        assert_eq!(
            blocked(&[policy_on_total("audit")], &diff),
            ["policy public.audit.small uses column public.orders.total, which the up drops"]
        );
        // A policy on the dropped table itself goes with it.
        assert!(blocked(&[policy_on_total("orders")], &diff).is_empty());
    }

    #[test]
    fn a_published_table_made_unlogged_is_named() {
        let mut after = orders("numeric", "orders");
        only_table(&mut after).options.unlogged = true;
        let diff = petal_diff::diff(&orders("numeric", "orders"), &after);
        let publication = NotCompared {
            kind: "publication of a table".into(),
            name: "feed on public.orders".into(),
            depends_on: Vec::new(),
            on: Some(QualifiedName::new("public", "orders")),
        };
        assert_eq!(
            blocked(std::slice::from_ref(&publication), &diff),
            [
                "publication of a table feed on public.orders holds table public.orders, which the up makes unlogged"
            ]
        );
        // Made logged, it is no trouble.
        let back = petal_diff::diff(&after, &orders("numeric", "orders"));
        let downs = blocked(&[publication], &back);
        assert_eq!(downs.len(), 1, "only the down makes it unlogged: {downs:?}");
    }

    #[test]
    fn what_the_changes_leave_alone_is_not_in_the_way() {
        let mut after = orders("numeric", "orders");
        let table = only_table(&mut after);
        table
            .columns
            .push(Column::new("note", SqlType::canonical("text")));
        let diff = petal_diff::diff(&orders("numeric", "orders"), &after);
        assert!(blocked(&[policy_on_total("orders")], &diff).is_empty());
    }
}
