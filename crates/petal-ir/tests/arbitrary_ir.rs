//! Properties of the IR over generated schemas (run with `--features
//! arbitrary`, which the workspace's test build turns on through
//! petal-diff's dev-dependencies).
#![cfg(feature = "arbitrary")]

use petal_ir::arbitrary::{database, database_pair};
use petal_ir::{Database, MAX_IDENTIFIER_BYTES};
use proptest::prelude::*;

/// What PostgreSQL would refuse: dangling references, overlong names.
fn assert_valid(db: &Database) {
    for e in db.enums.values() {
        assert!(
            db.schemas.contains(&e.name.schema),
            "{} has no schema",
            e.name
        );
        assert!(!e.labels.is_empty(), "{} has no labels", e.name);
    }
    for t in db.tables.values() {
        assert!(
            db.schemas.contains(&t.name.schema),
            "{} has no schema",
            t.name
        );
        assert!(!t.columns.is_empty(), "{} has no columns", t.name);
        let names: Vec<&str> = t.object_names().collect();
        for name in names.iter().chain([&t.name.name.as_str()]) {
            assert!(name.len() <= MAX_IDENTIFIER_BYTES, "{name} is too long");
        }
        let has = |c: &String| t.column(c).is_some();
        if let Some(pk) = &t.primary_key {
            assert!(pk.columns.iter().all(has), "{}: {pk:?}", t.name);
        }
        for u in &t.uniques {
            assert!(u.columns.iter().all(has), "{}: {u:?}", t.name);
        }
        for fk in &t.foreign_keys {
            assert!(fk.columns.iter().all(has), "{}: {fk:?}", t.name);
            let target = db.tables.get(&fk.ref_table);
            let target = target.unwrap_or_else(|| panic!("{}: {fk:?} has no target", t.name));
            let keyed = target
                .primary_key
                .iter()
                .any(|p| p.columns == fk.ref_columns)
                || target
                    .uniques
                    .iter()
                    .any(|u| u.columns == fk.ref_columns && u.deferrable.is_not());
            assert!(keyed, "{}: {fk:?} points at no key", t.name);
        }
        for c in &t.columns {
            let ty = c.ty.element();
            if ty.as_str().contains('.') {
                let known = db.enums.keys().any(|e| {
                    petal_ir::quote_ident(&e.name) == ty.as_str()
                        || ty.as_str().ends_with(&e.name)
                        || ty.as_str().ends_with(&petal_ir::quote_ident(&e.name))
                });
                assert!(known, "{}.{} has unknown type {ty}", t.name, c.name);
            }
        }
    }
}

proptest! {
    // `Database` keys its maps by `QualifiedName`, a struct, which JSON
    // cannot use as an object key: serialization fails with "key must be a
    // string". Needs a change in `database.rs` (serialize those maps as
    // sequences), outside this module's remit: reported to the lead.
    #[test]
    fn json_round_trip(db in database()) {
        let text = serde_json::to_string(&db).unwrap();
        let back: Database = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, db);
    }

    #[test]
    fn json_round_trip_keeps_hints((_, after) in database_pair()) {
        let text = serde_json::to_string(&after).unwrap();
        let back: Database = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, after);
    }

    /// Tables and enum types, the IR's leaves, do round-trip through JSON.
    #[test]
    fn json_round_trip_of_tables_and_enums((_, after) in database_pair()) {
        for table in after.tables.values() {
            let back: petal_ir::Table =
                serde_json::from_str(&serde_json::to_string(table).unwrap()).unwrap();
            prop_assert_eq!(&back, table);
        }
        for e in after.enums.values() {
            let back: petal_ir::EnumType =
                serde_json::from_str(&serde_json::to_string(e).unwrap()).unwrap();
            prop_assert_eq!(&back, e);
        }
    }

    #[test]
    fn normalize_is_idempotent((before, after) in database_pair()) {
        for db in [before, after] {
            let mut once = db.clone();
            once.normalize();
            let mut twice = once.clone();
            twice.normalize();
            prop_assert_eq!(&once, &twice);
            prop_assert_eq!(petal_ir::dump(&once), petal_ir::dump(&twice));
        }
    }

    #[test]
    fn generated_schemas_are_valid((before, after) in database_pair()) {
        assert_valid(&before);
        assert_valid(&after);
    }
}

#[test]
fn pairs_usually_differ() {
    use petal_ir::arbitrary::{Rng, build_database, mutate};
    let mut differ = 0;
    for seed in 0..200 {
        let mut rng = Rng::new(seed);
        let a = build_database(&mut rng);
        let b = mutate(&a, &mut rng, 3);
        if a != b.clone().without_hints() || a != b {
            differ += 1;
        }
    }
    assert!(differ > 180, "only {differ} of 200 pairs differ");
}
