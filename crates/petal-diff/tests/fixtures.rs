//! Snapshots of the SQL generated for typical model edits, one test per
//! directory under `tests/fixtures/`: `before.json` and `after.json` (the
//! IR as lists) and the reviewed snapshots `up.snap` and `down.snap`,
//! which hold the up and down sections exactly as a migration file shows
//! them (the file's writer writes them), under the diff's warnings and,
//! where the migration needs a server newer than 13, the file's
//! `-- petal requires:` header.
//!
//! Where the online recipes write a change otherwise (`Mode::Online`:
//! concurrent indexes, `NOT VALID` then `VALIDATE`, ...), the fixture holds
//! `online-up.snap` and `online-down.snap` too (written for PostgreSQL
//! 17); where they write the same, it must not. Where PostgreSQL 18's
//! online recipes differ from 17's (`NOT NULL ... NOT VALID`), the fixture
//! holds `online18-up.snap` and `online18-down.snap` as well.
//!
//! A new directory is a new test without further ado; a `.snap` file that
//! no fixture produces (a renamed or removed fixture's leftovers) fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use petal_diff::{
    Mode, ReviewedStep, apply_all, diff_with_rows, render_diff_as, render_down, render_down_as,
};
use petal_ir::{
    Acls, Collation, CompositeType, Database, Dependency, Domain, EnumType, Extension, Function,
    Keyed, Policy, QualifiedName, RangeType, Sequence, Table, Trigger, View,
};
use serde::Deserialize;

/// The files a fixture directory holds, and nothing else.
const FIXTURE_FILES: [&str; 9] = [
    "before.json",
    "with_rows.txt",
    "after.json",
    "up.snap",
    "down.snap",
    "online-up.snap",
    "online-down.snap",
    "online18-up.snap",
    "online18-down.snap",
];

fn main() {
    let args = Arguments::from_args();
    let mut trials: Vec<Trial> = fixture_dirs()
        .into_iter()
        .map(|dir| {
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Trial::test(format!("fixture::{name}"), move || check(&dir))
        })
        .collect();
    trials.push(Trial::test("every_snapshot_belongs_to_a_fixture", orphans));
    libtest_mimic::run(&args, trials).exit();
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root())
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// The IR as lists (`Database` serializes its maps so), every list but
/// `schemas` optional.
#[derive(Deserialize)]
struct FixtureDb {
    schemas: Vec<String>,
    #[serde(default)]
    enums: Vec<EnumType>,
    #[serde(default)]
    tables: Vec<Table>,
    #[serde(default)]
    extensions: Vec<Extension>,
    #[serde(default)]
    sequences: Vec<Sequence>,
    #[serde(default)]
    views: Vec<View>,
    #[serde(default)]
    functions: Vec<Function>,
    #[serde(default)]
    triggers: Vec<Trigger>,
    #[serde(default)]
    policies: Vec<Policy>,
    #[serde(default)]
    domains: Vec<Domain>,
    #[serde(default)]
    composite_types: Vec<CompositeType>,
    #[serde(default)]
    range_types: Vec<RangeType>,
    #[serde(default)]
    collations: Vec<Collation>,
    #[serde(default)]
    dependencies: Vec<Dependency>,
    #[serde(default)]
    privileges: Option<Acls>,
}

fn load(path: &Path) -> Result<Database, Failed> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let fixture: FixtureDb = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a fixture: {e}", path.display()))?;
    let mut db = Database::default();
    db.schemas.extend(fixture.schemas);
    for e in fixture.enums {
        db.add_enum(e);
    }
    for t in fixture.tables {
        db.add_table(t);
    }
    db.extensions = keyed(fixture.extensions);
    db.sequences = keyed(fixture.sequences);
    db.views = keyed(fixture.views);
    db.functions = keyed(fixture.functions);
    db.triggers = keyed(fixture.triggers);
    db.policies = keyed(fixture.policies);
    db.domains = keyed(fixture.domains);
    db.composite_types = keyed(fixture.composite_types);
    db.range_types = keyed(fixture.range_types);
    db.collations = keyed(fixture.collations);
    db.dependencies = fixture.dependencies.into_iter().collect();
    db.privileges = fixture.privileges;
    db.normalize();
    Ok(db)
}

fn keyed<T: Keyed>(items: Vec<T>) -> BTreeMap<T::Key, T> {
    items.into_iter().map(|item| (item.key(), item)).collect()
}

/// `db` without the privileges, when they are not compared (a fixture
/// with `privileges` compares them).
fn unprivileged(db: &Database) -> Database {
    let mut db = db.clone();
    if db.privileges.is_some() {
        return db;
    }
    db.views.values_mut().for_each(|v| v.privileges = None);
    db.functions.values_mut().for_each(|f| f.privileges = None);
    db
}

/// `db`, naming the partitions' copies of indexes only where `wanted`
/// names some: a fixture read before petal read those names asks for none
/// (the working copy knows those PostgreSQL gives).
fn like(db: &Database, wanted: &Database) -> Database {
    let mut db = db.clone();
    if !wanted.names_index_copies() {
        db.clear_index_copies();
    }
    db
}

/// One fixture: the diff leads from before to after and back, and renders
/// as the reviewed snapshots.
fn check(dir: &Path) -> Result<(), Failed> {
    let before = load(&dir.join("before.json"))?;
    let after = load(&dir.join("after.json"))?;
    // The tables `--allow-recreate` names, one `schema.table` a line.
    let with_rows: BTreeSet<QualifiedName> = std::fs::read_to_string(dir.join("with_rows.txt"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once('.'))
        .map(|(schema, table)| QualifiedName::new(schema, table))
        .collect();
    let diff = |from: &Database, to: &Database| diff_with_rows(from, to, &with_rows);
    let d = diff(&before, &after);
    if d.changes.is_empty() {
        return Err("no changes".into());
    }
    // The interpreter keeps the dependency edges as they were: only the
    // server records new ones.
    let mut db = before.clone();
    apply_all(&mut db, &d.changes).map_err(|e| format!("up: {e}"))?;
    db.dependencies = after.dependencies.clone();
    // Privileges are not compared: a recreated object keeps the
    // database's (before.json's), which after.json, the models, lacks. The
    // down must restore them exactly.
    if unprivileged(&like(&db, &after)) != unprivileged(&after.clone().without_hints()) {
        return Err(format!("up does not lead to after.json: {:#?}", d.changes).into());
    }
    if !diff(&db, &after).is_empty() {
        return Err(format!("a second diff: {:#?}", diff(&db, &after).changes).into());
    }
    apply_all(&mut db, &d.down()).map_err(|e| format!("down: {e}"))?;
    db.dependencies = before.dependencies.clone();
    if like(&db, &before) != before {
        return Err(format!("down does not lead back to before.json: {:#?}", d.down()).into());
    }

    let mut up = String::new();
    // The file's header, where the up or the down needs a newer server.
    let requires = Mode::Plain
        .requires_server(&d.changes)
        .max(Mode::Plain.requires_server(&d.down()));
    if let Some(major) = requires {
        let _ = writeln!(up, "-- petal requires: PostgreSQL {major}");
    }
    for w in &d.warnings {
        let _ = writeln!(up, "-- warning: {w}");
    }
    up.push_str(&text(&render_diff_as(&d, Mode::Plain)));
    let down = text(&render_down(&d));
    let online_for = |server_version_num| {
        let mode = Mode::Online { server_version_num };
        (
            text(&render_diff_as(&d, mode)),
            text(&render_down_as(&d, mode)),
        )
    };
    let (online_up, online_down) = online_for(170000);
    let online = online_up != text(&render_diff_as(&d, Mode::Plain)) || online_down != down;
    if !online && dir.join("online-up.snap").exists() {
        return Err("online-up.snap is stale: the online recipes write what up.snap holds".into());
    }
    let (online18_up, online18_down) = online_for(180000);
    let online18 = online18_up != online_up || online18_down != online_down;
    if !online18 && dir.join("online18-up.snap").exists() {
        return Err(
            "online18-up.snap is stale: PostgreSQL 18's online recipes write what \
                    online-up.snap holds"
                .into(),
        );
    }

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        insta::assert_snapshot!("up", up);
        insta::assert_snapshot!("down", down);
        if online {
            insta::assert_snapshot!("online-up", online_up);
            insta::assert_snapshot!("online-down", online_down);
        }
        if online18 {
            insta::assert_snapshot!("online18-up", online18_up);
            insta::assert_snapshot!("online18-down", online18_down);
        }
    });
    Ok(())
}

/// Every file under `tests/fixtures` is one of a fixture's own.
fn orphans() -> Result<(), Failed> {
    let mut strays = Vec::new();
    let mut pending = vec![root()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let parent = path.parent().unwrap_or(&dir);
            let is_fixture = parent.parent() == Some(root().as_path())
                && parent.join("before.json").is_file()
                && parent.join("after.json").is_file();
            let known = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| FIXTURE_FILES.contains(&n));
            if !(is_fixture && known) {
                let shown = path.strip_prefix(root()).unwrap_or(&path);
                strays.push(format!("tests/fixtures/{}", shown.display()));
            }
        }
    }
    strays.sort();
    if strays.is_empty() {
        Ok(())
    } else {
        Err(format!("files no fixture produces or reads: {}", strays.join(", ")).into())
    }
}

/// Steps as a migration file shows them, written by the file's own writer.
fn text(steps: &[ReviewedStep]) -> String {
    let steps: Vec<petal_migrate::Step> = steps
        .iter()
        .map(|step| petal_migrate::Step {
            no_transaction: step.no_transaction,
            ..step.annotated().into_iter().collect()
        })
        .collect();
    let mut out = String::new();
    petal_migrate::write_steps(&mut out, &steps, &petal_migrate::FILE_LAYOUT);
    out
}
