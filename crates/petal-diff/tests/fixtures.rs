//! Snapshots of the SQL generated for typical model edits. Each directory
//! under `tests/fixtures/` holds `before.json` and `after.json` (schemas,
//! enum types and tables of the IR, as lists) and the reviewed snapshots
//! `up.snap` and `down.snap`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use petal_diff::{Step, apply_all, diff, render};
use petal_ir::{Database, EnumType, Table};
use serde::Deserialize;

/// The IR as lists, since `Database`'s maps are keyed by structs.
#[derive(Deserialize)]
struct FixtureDb {
    schemas: Vec<String>,
    #[serde(default)]
    enums: Vec<EnumType>,
    #[serde(default)]
    tables: Vec<Table>,
}

fn load(path: &Path) -> Database {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let fixture: FixtureDb = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not a fixture: {e}", path.display()));
    let mut db = Database::default();
    db.schemas.extend(fixture.schemas);
    for e in fixture.enums {
        db.add_enum(e);
    }
    for t in fixture.tables {
        db.add_table(t);
    }
    db.normalize();
    db
}

/// Steps as a migration file shows them: safety, description and notes in
/// comments over each statement.
fn text(steps: &[Step]) -> String {
    let mut out = String::new();
    for (i, step) in steps.iter().enumerate() {
        if steps.len() > 1 {
            let _ = writeln!(out, "-- +petal step {}", i + 1);
        }
        if let Some(reason) = &step.reason {
            let _ = writeln!(out, "-- {reason}");
        }
        for s in &step.statements {
            for part in std::iter::once(s).chain(&s.folded) {
                let _ = writeln!(out, "-- {}: {}", part.safety, part.description);
                for note in &part.notes {
                    let _ = writeln!(out, "--   note: {note}");
                }
            }
            let _ = writeln!(out, "{}", s.sql);
        }
    }
    out
}

fn fixture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/fixtures exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn typical_edits() {
    let dirs = fixture_dirs();
    assert!(dirs.len() >= 20, "only {} fixtures", dirs.len());
    for dir in dirs {
        let before = load(&dir.join("before.json"));
        let after = load(&dir.join("after.json"));
        let d = diff(&before, &after);
        assert!(!d.changes.is_empty(), "{}: no changes", dir.display());

        // The changes really lead from one to the other, both ways.
        let mut db = before.clone();
        apply_all(&mut db, &d.changes).unwrap();
        assert_eq!(db, after.clone().without_hints(), "{}", dir.display());
        apply_all(&mut db, &d.down()).unwrap();
        assert_eq!(db, before, "{}", dir.display());

        let mut up = String::new();
        for w in &d.warnings {
            let _ = writeln!(up, "-- warning: {w}");
        }
        up.push_str(&text(&render(&d.changes)));
        let down = text(&render(&d.down()));

        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| {
            insta::assert_snapshot!("up", up);
            insta::assert_snapshot!("down", down);
        });
    }
}
