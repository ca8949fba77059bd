//! The live database's kept read (`.petal/live/`): taken while the
//! catalogs' fingerprint stands, read again as soon as anything changes,
//! and never in the way when it is missing, damaged or another's.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use petal_engine::Settings;
use petal_engine::sources::{Loaded, read_database};
use petal_testkit::TestDb;

#[allow(dead_code)] // the property tests' helpers
mod common;

/// A database holding `ddl`, and a project with a `.petal/` directory.
async fn database_and_project(ddl: &str) -> (TestDb, tempfile::TempDir, Settings) {
    let db = TestDb::new().await;
    db.client().batch_execute(ddl).await.unwrap();
    let project = tempfile::tempdir().unwrap();
    std::fs::create_dir(project.path().join(".petal")).unwrap();
    let settings = common::settings(project.path().to_path_buf());
    (db, project, settings)
}

async fn read(db: &TestDb, settings: &Settings) -> Loaded {
    let loaded = match read_database(db.config(), settings).await {
        Ok(loaded) => loaded,
        Err(e) => panic!("{e}"),
    };
    // The kept read is written behind the answer.
    petal_engine::canonical::settle().await;
    loaded
}

/// The one file `.petal/live/` holds.
fn kept_file(root: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(root.join(".petal").join("live"))
        .expect(".petal/live/ made")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

/// Marks the kept read: a not-compared entry no database has, under the
/// file's own seal. A read that returns it took the kept read.
fn mark(file: &Path) {
    let text = std::fs::read_to_string(file).expect("kept read");
    let (seal, body) = text.split_once('\n').expect("a seal line");
    let mut kept: serde_json::Value = serde_json::from_str(body).expect("JSON");
    kept["not_compared"]
        .as_array_mut()
        .expect("not_compared")
        .push(serde_json::json!({
            "kind": "marker", "name": "kept", "depends_on": [], "on": null
        }));
    std::fs::write(file, format!("{seal}\n{kept}")).expect("write");
}

fn marked(loaded: &Loaded) -> bool {
    loaded.not_compared.iter().any(|n| n.kind == "marker")
}

#[tokio::test]
async fn the_kept_read_stands_until_the_catalogs_change() {
    let (db, project, settings) =
        database_and_project("CREATE TABLE shop (id integer PRIMARY KEY)").await;

    let first = read(&db, &settings).await;
    let file = kept_file(project.path());
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the kept read is the user's alone");

    // Nothing changed: the kept read is what comes back.
    mark(&file);
    let second = read(&db, &settings).await;
    assert!(marked(&second), "the kept read was not taken");
    assert_eq!(first.database, second.database);

    // Rows are not the schema: still kept.
    db.client()
        .batch_execute("INSERT INTO shop VALUES (1), (2); ANALYZE shop")
        .await
        .unwrap();
    assert!(marked(&read(&db, &settings).await));

    // A change of the schema: read again, and kept anew.
    db.client()
        .batch_execute("ALTER TABLE shop ADD COLUMN name text")
        .await
        .unwrap();
    let third = read(&db, &settings).await;
    assert!(!marked(&third), "a stale kept read was taken");
    let shop = third.database.tables.values().next().expect("shop");
    assert_eq!(shop.columns.len(), 2);
    mark(&kept_file(project.path()));
    assert!(marked(&read(&db, &settings).await), "the new read was kept");

    // Other options (privileges compared): the kept read is another's.
    let with_privileges = Settings {
        privileges: true,
        ..settings.clone()
    };
    let fourth = read(&db, &with_privileges).await;
    assert!(!marked(&fourth));
    assert!(fourth.database.privileges.is_some());
}

#[tokio::test]
async fn a_damaged_kept_read_is_read_again() {
    let (db, project, settings) =
        database_and_project("CREATE TABLE shop (id integer PRIMARY KEY)").await;
    let first = read(&db, &settings).await;
    let file = kept_file(project.path());

    // Another seal over a read that decodes: not taken.
    mark(&file);
    let marked_text = std::fs::read_to_string(&file).unwrap();
    let (_, marked_body) = marked_text.split_once('\n').unwrap();
    std::fs::write(&file, format!("another seal\n{marked_body}")).unwrap();
    assert!(
        !marked(&read(&db, &settings).await),
        "a read under another seal was taken"
    );

    let text = std::fs::read_to_string(kept_file(project.path())).unwrap();
    let (seal, _) = text.split_once('\n').unwrap();
    for damaged in [
        format!("{seal}\n{{\"server_version_num\": 1"),
        "not a seal\n{}".to_string(),
        String::new(),
    ] {
        std::fs::write(&file, damaged).unwrap();
        let again = read(&db, &settings).await;
        assert_eq!(first.database, again.database);
    }
    // And kept whole again.
    mark(&kept_file(project.path()));
    assert!(marked(&read(&db, &settings).await));
}

/// A killed write's leftover goes a minute on (a younger one may be
/// another run's, writing still), and a project keeps the reads of its
/// eight most recently read databases.
#[tokio::test]
async fn leftovers_and_old_reads_are_cleared() {
    let (db, project, settings) = database_and_project("").await;
    read(&db, &settings).await;
    let file = kept_file(project.path());
    let dir = file.parent().unwrap().to_path_buf();
    let hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    let old_leftover = file.with_extension("json.999");
    let young_leftover = file.with_extension("json.998");
    for path in [&old_leftover, &young_leftover] {
        std::fs::write(path, "half").unwrap();
    }
    let others: Vec<PathBuf> = (0..9).map(|i| dir.join(format!("other{i}.json"))).collect();
    for path in others.iter().chain([&old_leftover]) {
        std::fs::write(path, "{}").unwrap();
        let opened = std::fs::File::options().write(true).open(path).unwrap();
        opened.set_modified(hours_ago).unwrap();
    }
    // A change, so the read is written again.
    db.client()
        .batch_execute("CREATE TABLE shop (id integer)")
        .await
        .unwrap();
    read(&db, &settings).await;
    assert!(!old_leftover.exists(), "a killed write's leftover stayed");
    assert!(young_leftover.exists(), "another run's write was removed");
    let reads = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .count();
    assert_eq!(reads, 8);
    assert!(file.exists(), "the read just written went");
}

/// `diff --from database --to database` reads one database twice at once:
/// both reads are kept, one over the other, and nothing is left beside.
/// (The writes of a schema this small rarely overlap: the files' names
/// are unique by construction, `private_file::write`.)
#[tokio::test]
async fn two_reads_of_one_database_at_once_are_both_kept() {
    let (db, project, settings) = database_and_project("CREATE TABLE shop (id integer)").await;
    let (one, two) = tokio::join!(
        read_database(db.config(), &settings),
        read_database(db.config(), &settings)
    );
    petal_engine::canonical::settle().await;
    assert_eq!(one.unwrap().database, two.unwrap().database);
    let file = kept_file(project.path());
    mark(&file);
    assert!(marked(&read(&db, &settings).await));
}

#[tokio::test]
async fn without_petal_nothing_is_kept() {
    let db = TestDb::new().await;
    let project = tempfile::tempdir().unwrap();
    let settings = common::settings(project.path().to_path_buf());
    read(&db, &settings).await;
    assert!(!project.path().join(".petal").exists());
}
