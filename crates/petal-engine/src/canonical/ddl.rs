//! The DDL that turns one schema into another, as steps of statements:
//! the bridge to `petal-diff` for canonicalization, which needs the SQL but
//! none of the review comments.

use petal_ir::Database;

/// Steps (each one transaction) of SQL statements turning `from` into `to`.
pub fn between(from: &Database, to: &Database) -> Vec<Vec<String>> {
    let diff = petal_diff::diff(from, to);
    petal_diff::render(&diff.changes)
        .into_iter()
        .map(|step| step.statements.into_iter().map(|s| s.sql).collect())
        .collect()
}

/// The statements creating `db` in a new database (whose `public` schema
/// exists already), each traced to the objects it renders.
pub fn create(db: &Database) -> Vec<petal_diff::ReviewedStatement> {
    petal_diff::render_schema(db)
}
