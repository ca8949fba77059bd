//! The Cvety.kz models read two ways: through the derives (compiled) and
//! through the scanner (the CLI's way, not compiled). They must agree, and
//! the result is pinned by snapshots that a reviewer checks against
//! `cvety-schema.md`.

use std::path::Path;

use petal_ir::{ObjectKey, Origin};
use petal_syntax::{Cfg, ScannedModels, scan_dir};

fn scanned() -> ScannedModels {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    match scan_dir(&dir, &Cfg::default()) {
        Ok(models) => models,
        Err(errors) => panic!("the scanner rejects schema/src:\n{errors}"),
    }
}

#[test]
fn derive_and_scanner_give_the_same_ir() {
    let scanned = scanned().database;
    let derived = cvety_schema::database();
    // The 13 tables of the shop's specification, and `users` (added by the
    // third migration).
    assert_eq!(derived.tables.len(), 14);
    assert_eq!(derived.enums.len(), 6);
    for (name, table) in &derived.tables {
        let other = scanned.tables.get(name);
        assert_eq!(Some(table), other, "table {name}");
        // Equality ignores column order; the order matters for CREATE TABLE.
        let order =
            |t: &petal_ir::Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            other.map(order),
            Some(order(table)),
            "column order of {name}"
        );
    }
    for (name, e) in &derived.enums {
        assert_eq!(Some(e), scanned.enums.get(name), "enum {name}");
    }
    assert_eq!(derived, scanned);
}

#[test]
fn scanned_ir_as_json() {
    // The IR's maps are keyed by qualified names, which JSON cannot key
    // by: list the values, which carry their names.
    let db = scanned().database;
    let json = serde_json::json!({
        "schemas": db.schemas,
        "enums": db.enums.values().collect::<Vec<_>>(),
        "tables": db.tables.values().collect::<Vec<_>>(),
    });
    insta::assert_json_snapshot!("cvety_ir", json);
}

#[test]
fn scanned_ir_as_text() {
    insta::assert_snapshot!("cvety_dump", petal_ir::dump(&scanned().database));
}

#[test]
fn every_object_has_a_source_location() {
    let scanned = scanned();
    let db = &scanned.database;
    for (name, table) in &db.tables {
        let has = |key: ObjectKey| scanned.locations.contains_key(&Origin::whole(key));
        assert!(has(ObjectKey::table(name)), "{name}");
        for c in &table.columns {
            let key = ObjectKey::Column {
                table: name.clone(),
                column: c.name.clone(),
            };
            assert!(has(key), "{name}.{}", c.name);
        }
        let constraints = table
            .primary_key
            .iter()
            .map(|p| &p.name)
            .chain(table.uniques.iter().map(|u| &u.name))
            .chain(table.foreign_keys.iter().map(|f| &f.name));
        for c in constraints {
            let key = ObjectKey::Constraint {
                table: name.clone(),
                name: c.clone(),
            };
            assert!(has(key), "{name} {c}");
        }
        for ix in &table.indexes {
            let key = ObjectKey::Index {
                table: name.clone(),
                name: ix.name.clone(),
            };
            assert!(has(key), "{name} {}", ix.name);
        }
    }
    // A spot check that the location is the declaration itself.
    let key = ObjectKey::Column {
        table: petal_ir::QualifiedName::new("public", "orders"),
        column: "customer_phone".into(),
    };
    let loc = &scanned.locations[&Origin::whole(key)];
    assert!(loc.path().ends_with("src/order.rs"), "{loc}");
    let text = std::fs::read_to_string(loc.path()).unwrap();
    assert_eq!(
        loc.source.text(),
        text,
        "the location shares the file's text"
    );
    assert!(text[loc.span.start..].starts_with("customer_phone: String"));
    let line = text.lines().nth(loc.position().line - 1).unwrap();
    assert_eq!(line.trim(), "pub customer_phone: String,");
}
