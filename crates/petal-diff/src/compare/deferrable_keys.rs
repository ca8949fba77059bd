//! A primary key or unique constraint made deferrable (new, or changed) is
//! said so: PostgreSQL then refuses it as a foreign key's target and as an
//! `INSERT ... ON CONFLICT` arbiter, which an application may rely on.
//!
//! Read from the changes, not by comparing names: a table or key renamed
//! with its deferrability is no news.

use petal_ir::{Deferrable, QualifiedName};

use super::Warning;
use crate::change::{Change, Moved, Object};

/// A deferrable key the changes create: in a new table, or added (or put
/// back) where the key of that name they drop was not deferrable.
pub(super) fn newly_deferrable(changes: &[Change]) -> Vec<Warning> {
    let mut out = Vec::new();
    let dropped_deferrable = |table: &QualifiedName, name: &str| {
        changes.iter().any(|c| match c {
            Change::Drop(object) | Change::MoveAside(Moved { object, .. }) => {
                key_of(object).is_some_and(|(t, _, n, d)| t == table && n == name && !d.is_not())
            }
            _ => false,
        })
    };
    for change in changes {
        let warn = |out: &mut Vec<Warning>, table: &QualifiedName, primary_key, name: &str| {
            out.push(Warning::DeferrableKey {
                primary_key,
                table: table.clone(),
                constraint: name.to_string(),
            });
        };
        match change {
            Change::Create(Object::Table { table, .. }) => {
                let keys = table
                    .primary_key
                    .iter()
                    .map(|p| (true, &p.name, p.deferrable))
                    .chain(table.uniques.iter().map(|u| (false, &u.name, u.deferrable)));
                for (primary_key, name, deferrable) in keys {
                    if !deferrable.is_not() {
                        warn(&mut out, &table.name, primary_key, name);
                    }
                }
            }
            Change::Create(object) | Change::PutBack(Moved { object, .. }) => {
                if let Some((table, primary_key, name, deferrable)) = key_of(object)
                    && !deferrable.is_not()
                    && !dropped_deferrable(table, name)
                {
                    warn(&mut out, table, primary_key, name);
                }
            }
            _ => {}
        }
    }
    out
}

/// A primary key's or unique constraint's table, kind (`true`: primary
/// key), name and deferrability.
fn key_of(object: &Object) -> Option<(&QualifiedName, bool, &str, Deferrable)> {
    match object {
        Object::PrimaryKey { table, primary_key } => {
            Some((table, true, &primary_key.name, primary_key.deferrable))
        }
        Object::Unique { table, unique } => Some((table, false, &unique.name, unique.deferrable)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use petal_ir::{Column, Database, Deferrable, PrimaryKey, QualifiedName, SqlType, Table};

    use crate::compare::{Warning, diff};

    fn with_key(table: &str, deferrable: Deferrable) -> Database {
        let mut t = Table::new(QualifiedName::new("public", table));
        let mut id = Column::new("id", SqlType::canonical("integer"));
        id.nullable = false;
        t.columns.push(id);
        t.primary_key = Some(PrimaryKey {
            name: "bookings_pkey".into(),
            columns: vec!["id".into()],
            deferrable,
            comment: None,
        });
        let mut db = Database::default();
        db.schemas.insert("public".into());
        db.add_table(t);
        db
    }

    fn deferrable_warnings(from: &Database, to: &Database) -> usize {
        diff(from, to)
            .warnings
            .iter()
            .filter(|w| matches!(w, Warning::DeferrableKey { .. }))
            .count()
    }

    #[test]
    fn a_key_made_deferrable_is_said_and_a_renamed_table_keeping_one_is_not() {
        let plain = with_key("bookings", Deferrable::NotDeferrable);
        let deferred = with_key("bookings", Deferrable::InitiallyDeferred);
        assert_eq!(deferrable_warnings(&plain, &deferred), 1);
        assert_eq!(deferrable_warnings(&deferred, &plain), 0);
        let mut renamed = with_key("reservations", Deferrable::InitiallyDeferred);
        if let Some(t) = renamed.tables.values_mut().next() {
            t.renamed_from = Some(QualifiedName::new("public", "bookings"));
        }
        assert_eq!(deferrable_warnings(&deferred, &renamed), 0);
        // Created with its table, it is said too.
        assert_eq!(deferrable_warnings(&Database::default(), &deferred), 1);
    }
}
