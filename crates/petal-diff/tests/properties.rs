//! Properties of the diff over generated pairs of schemas (A, B), B being A
//! after random edits of every kind, rename hints included.

use petal_diff::{Change, apply_all, diff, inverse_all, render};
use petal_ir::Database;
use petal_ir::arbitrary::{whole_database, whole_database_pair};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PETAL_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// What the in-memory interpreter can reach: no hints, no dependency
/// edges, which only the server records (the diff reads them, `apply`
/// keeps them as they were), and no view's or function's own privileges,
/// which a recreated object carries from the database where they are not
/// compared (the convergence property checks them on the server; where
/// they are, `Database::privileges` holds them, and is compared).
fn normalized(db: &Database) -> Database {
    let mut db = db.clone().without_hints();
    db.normalize();
    db.dependencies.clear();
    db.views.values_mut().for_each(|v| v.privileges = None);
    db.functions.values_mut().for_each(|f| f.privileges = None);
    db
}

/// [`normalized`], without the names of partitions' copies of indexes:
/// the generator names some (the others have PostgreSQL's names), the
/// working copy knows those PostgreSQL gives too. The second diff checks
/// the names asked for; the convergence property, every name.
fn comparable(db: &Database) -> Database {
    let mut db = normalized(db);
    db.clear_index_copies();
    db
}

/// Every statement of a change list, as text.
fn sql(changes: &[Change]) -> Vec<String> {
    render(changes)
        .into_iter()
        .flat_map(|s| s.statements)
        .map(|s| s.sql)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn up_turns_a_into_b((a, b) in whole_database_pair()) {
        let d = diff(&a, &b);
        let mut db = normalized(&a);
        apply_all(&mut db, &d.changes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&comparable(&db), &comparable(&b), "changes: {:#?}", d.changes);
        // and nothing is left to do, on the database as the server has it
        db.dependencies = b.dependencies.clone();
        prop_assert!(diff(&db, &b).is_empty(), "second diff: {:#?}", diff(&db, &b).changes);
    }

    #[test]
    fn down_turns_b_back_into_a((a, b) in whole_database_pair()) {
        let d = diff(&a, &b);
        let mut db = normalized(&b);
        apply_all(&mut db, &d.down()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&comparable(&db), &comparable(&a), "changes: {:#?}", d.changes);
    }

    #[test]
    fn inverse_of_inverse_is_identity((a, b) in whole_database_pair()) {
        // Except for a new label, whose inverse (a type recreation) is
        // undone by another recreation.
        let changes: Vec<Change> = diff(&a, &b)
            .changes
            .into_iter()
            .filter(|c| !matches!(c, Change::AddEnumLabel(_)))
            .collect();
        prop_assert_eq!(inverse_all(&inverse_all(&changes)), changes);
    }

    #[test]
    fn a_schema_has_no_diff_with_itself(a in whole_database()) {
        prop_assert_eq!(diff(&a, &a).changes, vec![]);
    }

    #[test]
    fn the_empty_diff_of_b_with_hints((_, b) in whole_database_pair()) {
        // Hints that already took effect change nothing.
        prop_assert_eq!(diff(&normalized(&b), &b).changes, vec![]);
    }

    #[test]
    fn rendering_is_deterministic_and_never_cascades((a, b) in whole_database_pair()) {
        let d = diff(&a, &b);
        let up = sql(&d.changes);
        prop_assert_eq!(&up, &sql(&diff(&a.clone(), &b.clone()).changes));
        let down = sql(&d.down());
        for statement in up.iter().chain(&down) {
            // Foreign key actions and a view's check option are schema,
            // not a drop behaviour; a revoke's takes only grants, which
            // the same migration gives back as wanted.
            let revoke = statement.starts_with("REVOKE ");
            let schema_words = statement
                .replace(if revoke { " CASCADE;" } else { "ON DELETE CASCADE" }, "")
                .replace("ON DELETE CASCADE", "")
                .replace("ON UPDATE CASCADE", "")
                .replace("WITH CASCADED CHECK OPTION", "");
            prop_assert!(!schema_words.contains("CASCADE"), "{}", statement);
            prop_assert!(statement.ends_with(';'), "{}", statement);
        }
    }

    #[test]
    fn from_empty_builds_the_schema(a in whole_database()) {
        // An empty database compares privileges when `a` does.
        let empty = Database {
            privileges: a.privileges.as_ref().map(|_| petal_ir::Acls::default()),
            ..Database::default()
        };
        let d = diff(&empty, &a);
        let mut db = empty.clone();
        apply_all(&mut db, &d.changes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&comparable(&db), &comparable(&a));
        let mut back = db.clone();
        apply_all(&mut back, &d.down()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, empty);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Every statement knows where it comes from, and every traced range
    /// is a piece of its text.
    #[test]
    fn statements_are_traced_to_their_objects((a, b) in whole_database_pair()) {
        let d = diff(&a, &b);
        for step in render(&d.changes).into_iter().chain(render(&d.down())) {
            for s in step.statements {
                prop_assert!(s.origin_at(None).is_some(), "untraced: {}", s.sql);
                for t in &s.origins {
                    prop_assert!(t.start <= t.end && t.end <= s.sql.len(), "{t:?} in {}", s.sql);
                    prop_assert!(s.sql.is_char_boundary(t.start) && s.sql.is_char_boundary(t.end));
                }
            }
        }
    }
}
