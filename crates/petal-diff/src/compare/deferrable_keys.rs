//! A primary key or unique constraint made deferrable (new, or changed) is
//! said so: PostgreSQL then refuses it as a foreign key's target and as an
//! `INSERT ... ON CONFLICT` arbiter, which an application may rely on.

use petal_ir::{Database, Deferrable};

use super::Warning;

/// The keys deferrable in `to` that `from` has not deferrable (or not at
/// all), by table and name.
pub(super) fn newly_deferrable(from: &Database, to: &Database) -> Vec<Warning> {
    let mut out = Vec::new();
    for (name, table) in &to.tables {
        let before = from.tables.get(name);
        let was_deferrable = |constraint: &str| {
            before.is_some_and(|t| {
                t.primary_key
                    .iter()
                    .map(|p| (&p.name, p.deferrable))
                    .chain(t.uniques.iter().map(|u| (&u.name, u.deferrable)))
                    .any(|(n, d)| n == constraint && !d.is_not())
            })
        };
        let keys = table
            .primary_key
            .iter()
            .map(|p| (true, &p.name, p.deferrable))
            .chain(table.uniques.iter().map(|u| (false, &u.name, u.deferrable)));
        for (primary_key, constraint, deferrable) in keys {
            if deferrable != Deferrable::NotDeferrable && !was_deferrable(constraint) {
                out.push(Warning::DeferrableKey {
                    primary_key,
                    table: name.clone(),
                    constraint: constraint.clone(),
                });
            }
        }
    }
    out
}
