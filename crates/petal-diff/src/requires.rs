//! The oldest server a migration's statements run on. petal reads and
//! writes PostgreSQL 13 to 18, and a schema may hold what came later than
//! 13: the file that creates it says so in its header (`-- petal requires:
//! PostgreSQL N`), the runner refuses it on an older server before a plan
//! runs, and autogenerate says so when the database it diffed against is
//! older. This module names what needs a newer server; `Mode` adds what
//! its own recipes need (`render::Mode::requires_server`).

use petal_ir::{Function, Index, ObjectKey, Table, Unique, View};

use crate::change::{Change, Object, Replace};

/// Something a change writes that an older server does not take.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Requirement {
    /// The first major version that takes it.
    pub major: u32,
    /// The object that needs it.
    pub object: ObjectKey,
    /// What of it needs that version, in a few words.
    pub what: &'static str,
}

/// What `changes` create that needs a server newer than 13, in the order
/// of the changes.
pub fn requirements(changes: &[Change]) -> Vec<Requirement> {
    changes.iter().flat_map(of_change).collect()
}

fn of_change(change: &Change) -> Vec<Requirement> {
    match change {
        Change::Create(object) => of_object(object),
        Change::PutBack(moved) => of_object(&moved.object),
        Change::Replace(replace) => match replace.as_ref() {
            Replace::View { view } => of_view(&view.to),
            Replace::Function { function, .. } => of_function(&function.to),
        },
        Change::Drop(_)
        | Change::Rename(_)
        | Change::Alter(_)
        | Change::AddEnumLabel(_)
        | Change::RecreateEnum(_)
        | Change::MoveAside(_) => Vec::new(),
    }
}

fn of_object(object: &Object) -> Vec<Requirement> {
    let key = object.key();
    match object {
        Object::Table { table, .. } => of_table(table),
        Object::Unique { unique, .. } => of_unique(unique, key),
        Object::Index { index, .. } => of_index(index, key),
        Object::View { view } => of_view(view),
        Object::Function { function } => of_function(function),
        _ => Vec::new(),
    }
}

fn of_table(table: &Table) -> Vec<Requirement> {
    let uniques = table
        .uniques
        .iter()
        .flat_map(|u| of_unique(u, ObjectKey::constraint(&table.name, &u.name)));
    let indexes = table
        .indexes
        .iter()
        .flat_map(|i| of_index(i, ObjectKey::index(&table.name, &i.name)));
    uniques.chain(indexes).collect()
}

fn of_unique(unique: &Unique, object: ObjectKey) -> Vec<Requirement> {
    nulls_not_distinct(unique.nulls_not_distinct, object)
}

fn of_index(index: &Index, object: ObjectKey) -> Vec<Requirement> {
    nulls_not_distinct(index.nulls_not_distinct, object)
}

fn nulls_not_distinct(set: bool, object: ObjectKey) -> Vec<Requirement> {
    set.then_some(Requirement {
        major: 15,
        object,
        what: "NULLS NOT DISTINCT",
    })
    .into_iter()
    .collect()
}

fn of_view(view: &View) -> Vec<Requirement> {
    let object = crate::change::views::key(view);
    let mut found: Vec<Requirement> = view
        .indexes
        .iter()
        .flat_map(|i| of_index(i, ObjectKey::index(&view.name, &i.name)))
        .collect();
    if view.security_invoker {
        found.push(Requirement {
            major: 15,
            object,
            what: "the option security_invoker",
        });
    }
    found
}

fn of_function(function: &Function) -> Vec<Requirement> {
    // A `LANGUAGE sql` body that is not a string is `BEGIN ATOMIC ... END`
    // or `RETURN ...`: SQL-standard bodies, from PostgreSQL 14.
    let standard_body = function.language == "sql" && !function.has_checked_string_body();
    standard_body
        .then(|| Requirement {
            major: 14,
            object: ObjectKey::function(&function.key()),
            what: "a SQL-standard body (BEGIN ATOMIC or RETURN)",
        })
        .into_iter()
        .collect()
}
