//! Views and materialized views over a table or another view: columns,
//! aliased columns and IMMUTABLE helper calls, perhaps a filter. The query
//! is written as `pg_get_viewdef` prints it on PostgreSQL 13 to 15
//! (columns qualified by their relation's name), and read back by
//! [`parse`] when an edit of what the view reads makes it change.

use super::build::{ident, namespace, spelling};
use super::objects::{btree_index, maybe_comment};
use super::spell::{take_ident, take_qualified};
use super::{Rng, functions};
use crate::{CheckOption, Database, IndexKey, QualifiedName, SqlType, View, ViewColumn};

pub(super) const VIEW_NAMES: &[&str] = &["active_orders", "Order Summary", "сводка", "v_totals"];
const ALIASES: &[&str] = &["amount", "Сумма", "label"];

/// One output column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Item {
    /// `rel.column`, or `rel.column AS alias`.
    Column {
        column: String,
        alias: Option<String>,
    },
    /// `schema.f(rel.column) AS alias`.
    Call {
        function: QualifiedName,
        column: String,
        alias: String,
    },
}

impl Item {
    pub fn output(&self) -> &str {
        match self {
            Item::Column { column, alias } => alias.as_deref().unwrap_or(column),
            Item::Call { alias, .. } => alias,
        }
    }

    pub fn column(&self) -> &str {
        match self {
            Item::Column { column, .. } | Item::Call { column, .. } => column,
        }
    }

    pub fn column_mut(&mut self) -> &mut String {
        match self {
            Item::Column { column, .. } | Item::Call { column, .. } => column,
        }
    }
}

/// What a generated view's query says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Spec {
    pub source: QualifiedName,
    pub items: Vec<Item>,
    /// `WHERE (rel.column > 0)`, on an integer column.
    pub filter: Option<String>,
}

pub(super) fn render(spec: &Spec) -> String {
    let rel = ident(&spec.source.name);
    let items: Vec<String> = spec
        .items
        .iter()
        .map(|item| match item {
            Item::Column { column, alias } => match alias {
                Some(a) if a != column => format!("{rel}.{} AS {}", ident(column), ident(a)),
                _ => format!("{rel}.{}", ident(column)),
            },
            Item::Call {
                function,
                column,
                alias,
            } => format!(
                "{}({rel}.{}) AS {}",
                spelling(function),
                ident(column),
                ident(alias)
            ),
        })
        .collect();
    let filter = spec
        .filter
        .as_ref()
        .map(|c| format!("\n  WHERE ({rel}.{} > 0)", ident(c)))
        .unwrap_or_default();
    format!(
        " SELECT {}\n   FROM {}{filter};",
        items.join(",\n    "),
        spelling(&spec.source)
    )
}

/// The spec of a query [`render`] wrote; `None` for any other text.
pub(super) fn parse(definition: &str) -> Option<Spec> {
    let body = definition.strip_prefix(" SELECT ")?.strip_suffix(';')?;
    let (items, from) = body.split_once("\n   FROM ")?;
    let (source, rest) = take_qualified(from)?;
    let filter = match rest.strip_prefix("\n  WHERE (") {
        None if rest.is_empty() => None,
        None => return None,
        Some(f) => {
            let (_, f) = take_ident(f)?;
            let (column, f) = take_ident(f.strip_prefix('.')?)?;
            (f == " > 0)").then_some(())?;
            Some(column)
        }
    };
    let items = items
        .split(",\n    ")
        .map(parse_item)
        .collect::<Option<Vec<Item>>>()?;
    Some(Spec {
        source,
        items,
        filter,
    })
}

fn parse_item(text: &str) -> Option<Item> {
    let (first, rest) = take_ident(text)?;
    let (second, rest) = take_ident(rest.strip_prefix('.')?)?;
    let alias = |rest: &str| -> Option<Option<String>> {
        match rest.strip_prefix(" AS ") {
            None if rest.is_empty() => Some(None),
            None => None,
            Some(a) => {
                let (alias, end) = take_ident(a)?;
                end.is_empty().then_some(Some(alias))
            }
        }
    };
    match rest.strip_prefix('(') {
        Some(call) => {
            let (_, call) = take_ident(call)?;
            let (column, call) = take_ident(call.strip_prefix('.')?)?;
            Some(Item::Call {
                function: QualifiedName::new(first, second),
                column,
                alias: alias(call.strip_prefix(')')?)??,
            })
        }
        None => Some(Item::Column {
            column: second,
            alias: alias(rest)?,
        }),
    }
}

/// A relation's columns with their types: a table's, or a view's output.
pub(super) fn relation_columns(
    db: &Database,
    name: &QualifiedName,
) -> Option<Vec<(String, SqlType)>> {
    if let Some(t) = db.tables.get(name) {
        return Some(
            t.columns
                .iter()
                .map(|c| (c.name.clone(), c.ty.clone()))
                .collect(),
        );
    }
    let v = db.views.get(name)?;
    Some(
        v.columns
            .iter()
            .map(|c| (c.name.clone(), c.ty.clone()))
            .collect(),
    )
}

/// The output columns of `spec` over `db`; `None` when something it reads
/// is missing (a column, or a helper taking that column's type).
pub(super) fn output(spec: &Spec, db: &Database) -> Option<Vec<ViewColumn>> {
    let columns = relation_columns(db, &spec.source)?;
    let type_of = |name: &str| columns.iter().find(|(c, _)| c == name).map(|(_, t)| t);
    spec.items
        .iter()
        .map(|item| {
            let ty = type_of(item.column())?;
            let ty = match item {
                Item::Column { .. } => ty.clone(),
                Item::Call { function, .. } => {
                    let key = crate::FunctionKey {
                        name: function.clone(),
                        signature: ty.as_str().to_string(),
                    };
                    SqlType::from_canonical(db.functions.get(&key)?.result.clone()?)
                }
            };
            Some(ViewColumn {
                name: item.output().to_string(),
                ty,
                comment: None,
            })
        })
        .collect()
}

/// Sets a view's query and columns from `spec` (keeping the comments of
/// the columns that stay); false when the spec does not fit `db`.
pub(super) fn set_spec(db: &mut Database, name: &QualifiedName, spec: &Spec) -> bool {
    let Some(mut columns) = output(spec, db) else {
        return false;
    };
    let Some(v) = db.views.get_mut(name) else {
        return false;
    };
    for c in &mut columns {
        c.comment = v
            .columns
            .iter()
            .find(|o| o.name == c.name)
            .and_then(|o| o.comment.clone());
    }
    v.definition = render(spec);
    v.columns = columns;
    let names: Vec<&str> = v.columns.iter().map(|c| c.name.as_str()).collect();
    v.indexes.retain(|i| {
        i.keys.iter().all(
            |k| matches!(&k.expr, crate::IndexKeyExpr::Column(c) if names.contains(&c.as_str())),
        )
    });
    true
}

/// An item reading `column` (of type `ty`): the column itself, aliased, or
/// passed to a helper taking its type.
fn new_item(rng: &mut Rng, db: &Database, column: &str, ty: &SqlType, taken: &[String]) -> Item {
    let helpers = functions::helpers_of(db, ty.as_str());
    if rng.chance(30)
        && let Some((function, _)) = rng.pick(&helpers)
    {
        let alias = crate::naming::make_object_name(&function.name, Some(column), None);
        if !taken.contains(&alias) {
            return Item::Call {
                function: function.clone(),
                column: column.to_string(),
                alias,
            };
        }
    }
    let alias = rng
        .pick(ALIASES)
        .map(|a| a.to_string())
        .filter(|a| rng.chance(15) && !taken.contains(a));
    Item::Column {
        column: column.to_string(),
        alias,
    }
}

/// A spec over `source`: one to three of its columns, perhaps filtered.
pub(super) fn new_spec(rng: &mut Rng, db: &Database, source: &QualifiedName) -> Option<Spec> {
    let columns = relation_columns(db, source)?;
    let mut items: Vec<Item> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let Some((column, ty)) = rng.pick(&columns) else {
            break;
        };
        let taken: Vec<String> = items.iter().map(|i| i.output().to_string()).collect();
        let item = new_item(rng, db, column, ty, &taken);
        if !taken.iter().any(|t| t == item.output()) && !taken.contains(column) {
            items.push(item);
        }
    }
    let integers: Vec<&String> = columns
        .iter()
        .filter(|(_, t)| matches!(t.as_str(), "integer" | "bigint" | "smallint"))
        .map(|(c, _)| c)
        .collect();
    let filter = rng
        .pick(&integers)
        .filter(|_| rng.chance(30))
        .map(|c| (*c).clone());
    (!items.is_empty()).then(|| Spec {
        source: source.clone(),
        items,
        filter,
    })
}

fn relations(db: &Database) -> Vec<QualifiedName> {
    db.tables.keys().chain(db.views.keys()).cloned().collect()
}

/// A new view over a table or a view of `db`.
pub(super) fn add_view(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(source) = rng.pick(&relations(db)).cloned() else {
        return false;
    };
    let schemas: Vec<String> = db.schemas.iter().cloned().collect();
    let (Some(schema), Some(name)) = (rng.pick(&schemas), rng.pick(VIEW_NAMES)) else {
        return false;
    };
    let name = QualifiedName::new(schema.clone(), *name);
    let mut ns = namespace(db, &name.schema);
    let Some(spec) = new_spec(rng, db, &source) else {
        return false;
    };
    let Some(columns) = output(&spec, db).filter(|_| !ns.is_taken(&name.name)) else {
        return false;
    };
    ns.take(&name.name);
    let materialized = rng.chance(20);
    let plain = spec.items.iter().all(|i| matches!(i, Item::Column { .. }));
    let updatable = !materialized && plain && db.tables.contains_key(&source);
    let mut view = View {
        name: name.clone(),
        materialized,
        definition: render(&spec),
        columns,
        check_option: None,
        security_barrier: !materialized && rng.chance(15),
        security_invoker: false,
        options: Vec::new(),
        indexes: Vec::new(),
        comment: maybe_comment(rng, 20),
        privileges: None,
        renamed_from: None,
    };
    view.privileges = super::privileges::of_view(rng, materialized);
    if updatable && rng.chance(15) {
        view.check_option = Some(if rng.chance(50) {
            CheckOption::Local
        } else {
            CheckOption::Cascaded
        });
    }
    for c in &mut view.columns {
        c.comment = maybe_comment(rng, 10);
    }
    if materialized && rng.chance(50) {
        add_index(rng, &mut view, &mut ns);
    }
    db.schemas.insert(name.schema.clone());
    db.views.insert(name, view);
    true
}

/// An index of a materialized view on one of its plain columns.
pub(super) fn add_index(rng: &mut Rng, view: &mut View, ns: &mut crate::naming::Namespace) -> bool {
    let keys: Vec<&ViewColumn> = view
        .columns
        .iter()
        .filter(|c| !c.ty.is_array() && c.ty.as_str() != "jsonb")
        .collect();
    let Some(column) = rng.pick(&keys).map(|c| c.name.clone()) else {
        return false;
    };
    let keys = vec![IndexKey::column(column)];
    if view.indexes.iter().any(|i| i.keys == keys) {
        return false;
    }
    let name = ns.index(&view.name.name, &keys, &[]);
    view.indexes
        .push(btree_index(name, keys, maybe_comment(rng, 20)));
    view.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    true
}
