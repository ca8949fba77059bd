//! Reading SQL files as a user writes them.

use std::path::PathBuf;

use petal_ir::QualifiedName;
use petal_source::ReportList;
use petal_sql::{Kind, Phase, read_sql};

fn files(list: &[(&str, &str)]) -> Vec<(PathBuf, String)> {
    list.iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect()
}

#[test]
fn statements_come_in_path_order_with_their_kinds_and_hints() {
    let read = read_sql(&files(&[
        (
            "sql/views.sql",
            "-- the board\n-- petal: renamed_from = old_board\nCREATE OR REPLACE VIEW board AS SELECT 1 AS one;\n",
        ),
        (
            "sql/00_extensions.sql",
            "CREATE EXTENSION IF NOT EXISTS citext;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;",
        ),
    ]))
    .unwrap_or_else(|e| panic!("{}", ReportList(&e)));
    let kinds: Vec<Kind> = read.statements.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [Kind::Extension, Kind::Function, Kind::View]);
    let phases: Vec<Phase> = read.statements.iter().map(|s| s.kind.phase()).collect();
    assert_eq!(
        phases,
        [Phase::First, Phase::BeforeTables, Phase::AfterTables]
    );
    let view = &read.statements[2];
    assert_eq!(view.name, Some(QualifiedName::new("public", "board")));
    assert_eq!(view.renamed_from.as_deref(), Some("old_board"));
    assert_eq!(view.load_sql(), "CREATE  VIEW board AS SELECT 1 AS one");
    assert_eq!(view.place(), "sql/views.sql:3:1");
    // A place in the loaded text maps back into the file.
    let at = view.load_sql().find("SELECT").unwrap_or(0);
    let report = view.report_at(at, "x");
    assert_eq!(report.position().map(|p| (p.line, p.column)), Some((3, 33)));
    assert_eq!(read.statements[0].version, None);
}

#[test]
fn every_mistake_is_reported_at_its_place() {
    let errors = match read_sql(&files(&[
        (
            "sql/a.sql",
            "CREATE VIEW v AS SELECT 1;\nINSERT INTO t VALUES (1);\nCREATE TABLE t (a int);\n",
        ),
        (
            "sql/b.sql",
            "\n\ncreate view public.v as select 2;\nDROP VIEW v;\n",
        ),
    ])) {
        Ok(_) => panic!("mistakes read"),
        Err(e) => ReportList(&e).to_string(),
    };
    for expected in [
        "sql/a.sql:2:1: `INSERT` is data",
        "sql/a.sql:3:1: `CREATE TABLE`: tables are Rust models",
        "sql/b.sql:4:1: `DROP` does not belong in a SQL file",
        "sql/b.sql:3:1: view `public.v` is declared twice",
        "first declared at sql/a.sql:1:1 (as a view)",
    ] {
        assert!(errors.contains(expected), "{expected:?} not in:\n{errors}");
    }
}

#[test]
fn an_unterminated_string_is_an_error_of_its_file() {
    let errors = match read_sql(&files(&[("sql/a.sql", "CREATE VIEW v AS SELECT 'oops;\n")])) {
        Ok(_) => panic!("read"),
        Err(e) => ReportList(&e).to_string(),
    };
    assert!(errors.starts_with("sql/a.sql:1:25: "), "{errors}");
}

#[test]
fn a_directory_of_files_is_read_recursively() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let nested = dir.path().join("views");
    std::fs::create_dir_all(&nested).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(nested.join("a.sql"), "CREATE VIEW a AS SELECT 1;")
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("b.sql"), "CREATE SEQUENCE s;")
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("notes.txt"), "not SQL").unwrap_or_else(|e| panic!("{e}"));
    let read = petal_sql::read_dir(dir.path()).unwrap_or_else(|e| panic!("{}", ReportList(&e)));
    let kinds: Vec<Kind> = read.statements.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [Kind::Sequence, Kind::View]);
    let missing = petal_sql::read_dir(&dir.path().join("nope")).map(|r| r.is_empty());
    assert!(matches!(missing, Ok(true)));
}

/// A sequence has one owner: two `OWNED BY`s of one sequence are one
/// declaration twice, whichever tables they name.
#[test]
fn a_sequence_owner_is_declared_once() {
    let errors = match read_sql(&files(&[(
        "sql/s.sql",
        "CREATE SEQUENCE n;\nALTER SEQUENCE n OWNED BY a.x;\nALTER SEQUENCE n OWNED BY b.y;\n",
    )])) {
        Ok(_) => panic!("read"),
        Err(e) => ReportList(&e).to_string(),
    };
    assert!(
        errors.contains("sql/s.sql:3:1: sequence owner `public.n` is declared twice"),
        "{errors}"
    );
}
