//! The model writer is the scanner's inverse: for a random database,
//! `write_models` → the files in a directory → `scan_dir` gives back the
//! database's tables (partitions and inheritance children aside: they are
//! the SQL files') and enum
//! types, as the model language can declare them.
//!
//! What the comparison forgives, each for its reason:
//!
//! - the scanner's own spellings, which canonicalization (the models
//!   applied to a dev database and read back) turns into PostgreSQL's:
//!   a partition strategy in lower case (`list (code)` for `LIST (code)`),
//!   an exclusion element's column always quoted and an expression element
//!   always in parentheses (`("code" WITH =)` for `(code WITH =)`);
//! - rename hints and `concurrently`, which a database never holds;
//! - what the model language cannot declare, which the writer must list in
//!   `unwritten` (checked both ways: listed exactly when something is
//!   left out), stated here again on its own ([`declarable`]): a NOT VALID
//!   NOT NULL (written NOT NULL), a foreign key to a table no model is, a
//!   non-unique index's NULLS NOT DISTINCT.
//!
//! Every other difference is a writer bug. `PETAL_PROPTEST_CASES` sets the
//! number of cases of each property (64 by default).

use std::collections::BTreeMap;
use std::path::Path;

use petal_ir::arbitrary::{Rng, database, whole_database};
use petal_ir::{Database, QualifiedName};
use petal_syntax::{Cfg, WrittenModels, scan_dir, write_models};
use proptest::prelude::*;
use proptest::test_runner::Config;

mod write_support;

use write_support::decorate;

fn config() -> Config {
    let cases = std::env::var("PETAL_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    Config {
        cases,
        // A failure prints its database; nothing is written into the tree.
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Tables and enum types as the generator makes them.
    #[test]
    fn tables_and_enums_scan_back(db in database()) {
        round_trip(&db)?;
    }

    /// Whole databases (domain, composite, range and extension types in
    /// columns, partitioned tables), decorated with what the generator
    /// does not make: collations, comments, generated and identity columns,
    /// operator classes, odd labels.
    #[test]
    fn decorated_databases_scan_back((db, seed) in (whole_database(), any::<u64>())) {
        round_trip(&decorate(db, &mut Rng::new(seed)))?;
    }
}

/// The scanner's configuration as the engine builds it for a model crate
/// with petal's default features.
fn cfg() -> Cfg {
    let features = ["chrono", "serde_json", "uuid", "rust_decimal"];
    Cfg {
        features: None,
        petal_features: Some(features.iter().map(|f| f.to_string()).collect()),
        any_configuration: false,
    }
}

fn round_trip(db: &Database) -> Result<(), TestCaseError> {
    let written = write_models(db);
    let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    write_files(dir.path(), &written)?;
    let scanned = scan_dir(dir.path(), &cfg()).map_err(|e| {
        TestCaseError::fail(format!(
            "the written models do not scan:\n{e}\n{}",
            files(&written)
        ))
    })?;
    let expected = spelled_alike(declarable(db));
    let actual = spelled_alike(scanned.database.without_hints());
    if let Some(difference) = first_difference(&expected, &actual) {
        return Err(TestCaseError::fail(format!(
            "{difference}\nunwritten: {:#?}\n{}",
            written.unwritten,
            files(&written)
        )));
    }
    let faithful = spelled_alike(models_part(db));
    prop_assert_eq!(
        faithful == expected,
        written.unwritten.is_empty(),
        "what is left out and what `unwritten` says disagree: {:#?}\n{}",
        written.unwritten,
        files(&written)
    );
    prop_assert_eq!(
        written.structs.len(),
        expected.tables.len(),
        "a struct per table"
    );
    prop_assert_eq!(
        written.enums.len(),
        expected.enums.len(),
        "an enum per enum type"
    );
    Ok(())
}

fn write_files(dir: &Path, written: &WrittenModels) -> Result<(), TestCaseError> {
    for (path, text) in &written.files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        std::fs::write(&path, text).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
    Ok(())
}

fn files(written: &WrittenModels) -> String {
    written
        .files
        .iter()
        .map(|(path, text)| format!("=== {path}\n{text}"))
        .collect()
}

/// The tables and enum types of `db`, hints dropped, as a database.
fn models_part(db: &Database) -> Database {
    let mut out = Database::default();
    for e in db.enums.values() {
        out.add_enum(e.clone());
    }
    for t in db.tables.values().filter(|t| !t.is_declared_in_sql()) {
        out.add_table(t.clone());
    }
    out.normalize();
    out.without_hints()
}

/// [`models_part`], less what the model language cannot declare (see the
/// module's comment), as the models declare it instead.
fn declarable(db: &Database) -> Database {
    let mut out = models_part(db);
    let columns: BTreeMap<QualifiedName, Vec<String>> = out
        .tables
        .values()
        .map(|t| {
            (
                t.name.clone(),
                t.columns.iter().map(|c| c.name.clone()).collect(),
            )
        })
        .collect();
    for t in out.tables.values_mut() {
        for c in &mut t.columns {
            c.not_null_not_valid = None;
        }
        // A foreign key to what no model declares (a partition, an
        // inheritance child).
        t.foreign_keys.retain(|fk| {
            let target = columns.get(&fk.ref_table);
            target.is_some_and(|c| fk.ref_columns.iter().all(|r| c.contains(r)))
        });
        for index in t.indexes.iter_mut().filter(|i| !i.unique) {
            index.nulls_not_distinct = false;
        }
    }
    out
}

/// Both sides in one spelling where the scanner's differs from
/// PostgreSQL's (see the module's comment).
fn spelled_alike(mut db: Database) -> Database {
    for t in db.tables.values_mut() {
        if let Some(key) = &mut t.partition_by
            && let Some((strategy, rest)) = key.split_once(' ')
        {
            *key = format!("{} {rest}", strategy.to_ascii_lowercase());
        }
        for x in &mut t.exclusions {
            x.definition = write_support::exclusion_spelling(&x.definition);
        }
    }
    db
}

/// The first table or enum type that differs, both sides in JSON.
fn first_difference(expected: &Database, actual: &Database) -> Option<String> {
    for (name, e) in &expected.tables {
        match actual.tables.get(name) {
            Some(a) if a == e => {}
            a => {
                return Some(format!(
                    "table {name} differs\nexpected: {}\nscanned: {}",
                    pretty(e),
                    a.map_or("none".to_string(), pretty)
                ));
            }
        }
    }
    for (name, e) in &expected.enums {
        if actual.enums.get(name) != Some(e) {
            return Some(format!(
                "enum {name} differs\nexpected: {}\nscanned: {:?}",
                pretty(e),
                actual.enums.get(name)
            ));
        }
    }
    if expected != actual {
        let extra_tables: Vec<_> = actual
            .tables
            .keys()
            .filter(|n| !expected.tables.contains_key(*n))
            .collect();
        let extra_enums: Vec<_> = actual
            .enums
            .keys()
            .filter(|n| !expected.enums.contains_key(*n))
            .collect();
        return Some(format!(
            "the databases differ: scanned tables {extra_tables:?} and enums {extra_enums:?} are \
             not expected; schemas {:?} / {:?}",
            expected.schemas, actual.schemas
        ));
    }
    None
}

fn pretty<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| e.to_string())
}
