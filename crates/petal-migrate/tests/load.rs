//! Reading a migrations directory.

use petal_migrate::load::{LoadError, load_dir};

const GOOD: &str =
    "-- petal revision: 20260101000000\n-- petal parents:\n\n-- +petal up\nSELECT 1;\n";

#[test]
fn reads_sql_files_in_name_order_and_ignores_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("20260101000000_first.sql"), GOOD).expect("write");
    std::fs::write(
        dir.path().join("20260102000000_second.sql"),
        "-- petal revision: 20260102000000\n-- petal parents: 20260101000000\n-- +petal up\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("README.md"), "not a migration").expect("write");
    std::fs::create_dir(dir.path().join("old.sql")).expect("mkdir");
    let files = load_dir(dir.path()).expect("loads");
    let revisions: Vec<&str> = files.iter().map(|f| f.revision.as_str()).collect();
    assert_eq!(revisions, ["20260101000000", "20260102000000"]);
    assert!(files[0].path().ends_with("20260101000000_first.sql"));
}

#[test]
fn a_missing_directory_holds_no_migrations() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(
        load_dir(&dir.path().join("migrations"))
            .expect("loads")
            .is_empty()
    );
}

#[test]
fn reports_every_malformed_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("20260101000000_a.sql"), "-- +petal up\n").expect("write");
    std::fs::write(dir.path().join("20260102000000_b.sql"), GOOD).expect("write");
    std::fs::write(dir.path().join("20260103000000_c.sql"), "-- +petal upp\n").expect("write");
    let Err(LoadError::Parse(errors)) = load_dir(dir.path()) else {
        panic!("expected parse errors");
    };
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors[0].path().ends_with("20260101000000_a.sql"));
    assert!(errors[0].message.contains("missing header"));
    assert!(errors[1].message.contains("differs from the file name"));
    assert!(errors[2].message.contains("did you mean `-- +petal up`"));
}

#[test]
fn a_byte_order_mark_is_not_a_missing_header() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = format!("\u{feff}{GOOD}");
    std::fs::write(dir.path().join("20260101000000_bom.sql"), text).expect("write");
    let files = load_dir(dir.path()).expect("loads");
    assert_eq!(files[0].up.steps[0].statements[0].sql, "SELECT 1");
}
