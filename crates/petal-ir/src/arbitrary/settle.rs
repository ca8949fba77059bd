//! After each edit, what reads a relation follows it, as PostgreSQL would
//! have it after the same edit (so the edited database stays one the
//! server accepts): a view over a renamed table or column names the new
//! one (keeping its own column names, as PostgreSQL does); a view over a
//! dropped column, or a retyped one a helper no longer takes, loses that
//! column (or goes, with what reads it, when none is left) and a view over
//! a retyped column changes type; a trigger follows its table and its
//! `UPDATE OF` columns, and goes with its table; a sequence follows its
//! owner, and goes with it.

use std::collections::{BTreeMap, BTreeSet};

use super::views::{self, Item};
use super::{triggers, views::relation_columns};
use crate::{Database, QualifiedName};

/// What one edit did to the relations (tables and views): which it
/// renamed, and which table columns it renamed.
#[derive(Debug, Default)]
struct Moves {
    /// Old name → new name.
    relations: BTreeMap<QualifiedName, QualifiedName>,
    /// (new relation name, old column) → new column.
    columns: BTreeMap<(QualifiedName, String), String>,
}

impl Moves {
    /// One edit renames at most one relation (the one that left and
    /// came back under a hint) and one column (found at the same place
    /// under a hint).
    fn between(before: &Database, after: &Database) -> Moves {
        let names = |db: &Database| -> BTreeSet<QualifiedName> {
            db.tables.keys().chain(db.views.keys()).cloned().collect()
        };
        let (old, new) = (names(before), names(after));
        let gone: Vec<&QualifiedName> = old.difference(&new).collect();
        let came: Vec<&QualifiedName> = new.difference(&old).collect();
        let hinted = |name: &QualifiedName| {
            after
                .tables
                .get(name)
                .is_some_and(|t| t.renamed_from.is_some())
                || after
                    .views
                    .get(name)
                    .is_some_and(|v| v.renamed_from.is_some())
        };
        let mut moves = Moves::default();
        if let ([from], [to]) = (gone.as_slice(), came.as_slice())
            && hinted(to)
        {
            moves.relations.insert((*from).clone(), (*to).clone());
        }
        for (name, table) in &before.tables {
            let to = moves.relation(name);
            let Some(now) = after.tables.get(&to) else {
                continue;
            };
            for (at, column) in table.columns.iter().enumerate() {
                if now.column(&column.name).is_some() {
                    continue;
                }
                let renamed = now
                    .columns
                    .get(at)
                    .filter(|c| c.renamed_from.is_some() && table.column(&c.name).is_none());
                if let Some(c) = renamed {
                    moves
                        .columns
                        .insert((to.clone(), column.name.clone()), c.name.clone());
                }
            }
        }
        moves
    }

    fn relation(&self, name: &QualifiedName) -> QualifiedName {
        self.relations.get(name).unwrap_or(name).clone()
    }

    fn column(&self, relation: &QualifiedName, column: &str) -> String {
        let key = (relation.clone(), column.to_string());
        self.columns.get(&key).map_or(column, |c| c).to_string()
    }
}

pub(super) fn settle(before: &Database, after: &mut Database) {
    let moves = Moves::between(before, after);
    settle_views(after, &moves);
    settle_triggers(after, &moves);
    settle_sequences(after, &moves);
    super::policies::follow(after, |r| moves.relation(r), |t, c| moves.column(t, c));
}

/// Views in an order where each comes after the view it reads.
fn view_order(db: &Database) -> Vec<QualifiedName> {
    let mut out: Vec<QualifiedName> = Vec::new();
    let mut pending: Vec<QualifiedName> = db.views.keys().cloned().collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|name| {
            let source = db
                .views
                .get(name)
                .and_then(|v| views::parse(&v.definition))
                .map(|s| s.source);
            let ready = source.is_none_or(|s| !db.views.contains_key(&s) || out.contains(&s));
            if ready {
                out.push(name.clone());
            }
            !ready
        });
        if pending.len() == before {
            out.append(&mut pending);
        }
    }
    out
}

fn settle_views(db: &mut Database, moves: &Moves) {
    for name in view_order(db) {
        let Some(mut spec) = db
            .views
            .get(&name)
            .and_then(|v| views::parse(&v.definition))
        else {
            continue;
        };
        spec.source = moves.relation(&spec.source);
        let Some(columns) = relation_columns(db, &spec.source) else {
            db.views.remove(&name);
            continue;
        };
        let type_of = |c: &str| columns.iter().find(|(n, _)| n == c).map(|(_, t)| t.clone());
        for item in &mut spec.items {
            let old = item.column().to_string();
            let column = moves.column(&spec.source, &old);
            if let Item::Column { alias, .. } = item
                && alias.is_none()
                && column != old
            {
                *alias = Some(old);
            }
            *item.column_mut() = column;
        }
        spec.items.retain(|item| {
            let Some(ty) = type_of(item.column()) else {
                return false;
            };
            match item {
                Item::Column { .. } => true,
                Item::Call { function, .. } => db.functions.contains_key(&crate::FunctionKey {
                    name: function.clone(),
                    signature: ty.as_str().to_string(),
                }),
            }
        });
        let source = spec.source.clone();
        spec.filter = spec
            .filter
            .take()
            .map(|c| moves.column(&source, &c))
            .filter(|c| {
                type_of(c).is_some_and(|t| matches!(t.as_str(), "integer" | "bigint" | "smallint"))
            });
        if spec.items.is_empty() || !views::set_spec(db, &name, &spec) {
            db.views.remove(&name);
        }
    }
}

fn settle_triggers(db: &mut Database, moves: &Moves) {
    let keys: Vec<crate::TriggerKey> = db.triggers.keys().cloned().collect();
    for key in keys {
        let Some(mut trigger) = db.triggers.remove(&key) else {
            continue;
        };
        let Some(mut spec) = triggers::parse(&trigger.definition) else {
            db.triggers.insert(key, trigger);
            continue;
        };
        spec.table = moves.relation(&spec.table);
        let Some(table) = db.tables.get(&spec.table) else {
            continue;
        };
        spec.update_of = spec
            .update_of
            .iter()
            .map(|c| moves.column(&spec.table, c))
            .filter(|c| table.column(c).is_some())
            .collect();
        trigger.table = spec.table.clone();
        trigger.definition = triggers::render(&spec);
        db.triggers.insert(trigger.key(), trigger);
    }
}

fn settle_sequences(db: &mut Database, moves: &Moves) {
    let names: Vec<QualifiedName> = db.sequences.keys().cloned().collect();
    for name in names {
        let Some(owner) = db.sequences.get(&name).and_then(|s| s.owned_by.clone()) else {
            continue;
        };
        let table = moves.relation(&owner.table);
        let column = moves.column(&table, &owner.column);
        let kept = db
            .tables
            .get(&table)
            .is_some_and(|t| t.column(&column).is_some());
        match db.sequences.get_mut(&name) {
            Some(s) if kept => s.owned_by = Some(crate::SequenceOwner { table, column }),
            _ => {
                db.sequences.remove(&name);
            }
        }
    }
}
