//! The conversions and the reconciliation, without a database.

use sha2::{Digest, Sha384};

use super::*;
use crate::revision::RevisionId;

fn dir(files: &[(&str, &str)]) -> SourceDir {
    SourceDir {
        display: "old".to_owned(),
        files: files
            .iter()
            .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
            .collect(),
    }
}

fn ids(conversion: &Conversion) -> Vec<&str> {
    conversion
        .migrations
        .iter()
        .map(|m| m.revision().as_str())
        .collect()
}

fn messages(error: &ConvertError) -> Vec<String> {
    error.reports.iter().map(ToString::to_string).collect()
}

#[test]
fn ids_keep_timestamps_and_count_numbers_from_the_epoch() {
    let id = |v: Version| revision_id(&v).map(|(id, mapping)| (id.to_string(), mapping));
    assert_eq!(
        id(Version::Text("20230101000000".into())),
        Ok(("20230101000000".into(), IdMapping::Timestamp))
    );
    assert_eq!(
        id(Version::Text("00000000000000".into())),
        Ok(("19700101000000".into(), IdMapping::EpochPlus(0)))
    );
    assert_eq!(
        id(Version::Number(42)),
        Ok(("19700101000042".into(), IdMapping::EpochPlus(42)))
    );
    assert_eq!(
        id(Version::Number(20_230_101_000_000)),
        Ok(("20230101000000".into(), IdMapping::Timestamp))
    );
    assert_eq!(
        id(Version::Text("202306171125350000".into())),
        Ok(("20230617112535".into(), IdMapping::TimestampPrefix))
    );
    assert!(id(Version::Text("v1".into())).is_err());
    assert!(
        id(Version::Number(20_231_301_000_000)).is_err(),
        "month 13, too far"
    );
}

#[test]
fn an_id_that_does_not_sort_after_the_one_before_takes_the_next_second() {
    let source = dir(&[
        ("2023-06-17-112535-0000_a/up.sql", "SELECT 1;"),
        ("2023-06-17-112535-0001_b/up.sql", "SELECT 2;"),
        ("2023-06-17-112536_c/up.sql", "SELECT 3;"),
        ("20230617112561_d/up.sql", "SELECT 4;"),
    ]);
    let conversion = convert(Tool::Diesel, &source, "m").expect("converts");
    assert_eq!(
        ids(&conversion),
        [
            "20230617112535",
            "20230617112536",
            "20230617112537",
            "20230617112538"
        ]
    );
    // Second 61: no time, and too large a number; its neighbours order it.
    assert_eq!(
        conversion.migrations[3].mapping,
        IdMapping::NextSecond { own: None }
    );
    assert_eq!(
        conversion.migrations[2].mapping,
        IdMapping::NextSecond {
            own: Some(RevisionId::parse("20230617112536").expect("an id"))
        }
    );
    let text = &conversion.migrations[1].text;
    assert!(
        text.contains("its own id, 20230617112535, does not sort after the revision before it"),
        "{text}"
    );
}

#[test]
fn diesel_folders_in_order_with_the_initial_setup_first() {
    let source = dir(&[
        (
            "2023-01-02-000000_add_posts/up.sql",
            "CREATE TABLE posts (id int);\n",
        ),
        (
            "2023-01-02-000000_add_posts/down.sql",
            "DROP TABLE posts;\n",
        ),
        (
            "2023-01-02-000000_add_posts/metadata.toml",
            "run_in_transaction = false\n",
        ),
        (
            "00000000000000_diesel_initial_setup/up.sql",
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n",
        ),
        (
            "00000000000000_diesel_initial_setup/down.sql",
            "DROP FUNCTION f();\n",
        ),
        (
            "2023-01-01-000000_create_users/up.sql",
            "-- Your SQL goes here\nCREATE TABLE users (id int);\n",
        ),
        (".keep", ""),
        ("README.md", "notes"),
    ]);
    let conversion = convert(Tool::Diesel, &source, "migrations").expect("converts");
    assert_eq!(
        ids(&conversion),
        ["19700101000000", "20230101000000", "20230102000000"]
    );
    assert_eq!(conversion.ignored, [".keep", "README.md"]);
    let [setup, users, posts] = conversion.migrations.as_slice() else {
        panic!("three migrations");
    };
    assert_eq!(setup.file.parents, []);
    assert_eq!(users.file.parents, [setup.revision().clone()]);
    assert_eq!(posts.file.parents, [users.revision().clone()]);
    assert_eq!(users.file_name, "20230101000000_create_users.sql");
    assert!(setup.text.contains("-- imported from: diesel 00000000000000_diesel_initial_setup/up.sql (version 00000000000000: the revision id is 1970-01-01 00:00:00 UTC plus 0 seconds)"), "{}", setup.text);
    // No down.sql: the down refuses, and the file says why.
    assert!(users.no_down());
    assert!(
        users
            .text
            .contains("-- no down: diesel has no down migration"),
        "{}",
        users.text
    );
    assert!(
        users
            .file
            .down
            .statements()
            .any(|s| s.sql.contains("RAISE EXCEPTION"))
    );
    // run_in_transaction = false: both sections' steps outside a transaction.
    assert!(posts.file.up.steps[0].no_transaction && posts.file.down.steps[0].no_transaction);
    assert!(!users.file.up.steps[0].no_transaction);
    assert_eq!(
        posts
            .file
            .up
            .statements()
            .map(|s| s.sql.as_str())
            .collect::<Vec<_>>(),
        ["CREATE TABLE posts (id int)"]
    );
}

#[test]
fn diesel_metadata_without_the_key_is_false_as_diesel_reads_it() {
    let source = dir(&[
        ("2023-01-01-000000_a/up.sql", "SELECT 1;"),
        ("2023-01-01-000000_a/metadata.toml", "# nothing\n"),
        ("2023-01-02-000000_b/up.sql", "SELECT 2;"),
        (
            "2023-01-02-000000_b/metadata.toml",
            "run_in_transaction = maybe\n",
        ),
    ]);
    let error = convert(Tool::Diesel, &source, "migrations").expect_err("maybe is no bool");
    assert_eq!(error.reports.len(), 1, "{:?}", messages(&error));
    assert!(
        messages(&error)[0]
            .starts_with("old/2023-01-02-000000_b/metadata.toml:1:1: `run_in_transaction = maybe`")
    );
}

#[test]
fn transaction_control_is_refused_at_the_source_line() {
    let source = dir(&[(
        "2023-01-01-000000_a/up.sql",
        "CREATE TABLE a (id int);\nCOMMIT;\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n",
    )]);
    let error = convert(Tool::Diesel, &source, "migrations").expect_err("COMMIT refused");
    assert!(
        messages(&error)[0].starts_with(
            "old/2023-01-01-000000_a/up.sql:2:1: `COMMIT` in a migration run in a transaction"
        ),
        "{:?}",
        messages(&error)
    );
    // Outside a transaction, diesel would take it, and so does petal.
    let mut source = source;
    source.files.insert(
        "2023-01-01-000000_a/metadata.toml".into(),
        "run_in_transaction = false".into(),
    );
    convert(Tool::Diesel, &source, "migrations").expect("no transaction to end");
}

#[test]
fn sqlx_simple_and_reversible_with_no_transaction() {
    let source = dir(&[
        ("1_users.sql", "CREATE TABLE users (id int);"),
        (
            "2_index.up.sql",
            "-- no-transaction\nCREATE INDEX CONCURRENTLY users_id ON users (id);",
        ),
        ("2_index.down.sql", "DROP INDEX users_id;"),
        ("3.sql", "not a migration"),
        ("9_orphan.down.sql", "SELECT 1;"),
    ]);
    let conversion = convert(Tool::Sqlx, &source, "migrations").expect("converts");
    assert_eq!(ids(&conversion), ["19700101000001", "19700101000002"]);
    assert_eq!(conversion.ignored, ["3.sql", "9_orphan.down.sql"]);
    let [users, index] = conversion.migrations.as_slice() else {
        panic!("two migrations");
    };
    assert!(users.no_down() && !index.no_down());
    assert!(index.file.up.steps[0].no_transaction);
    assert!(!index.file.down.steps[0].no_transaction);
    assert_eq!(index.file.message, "index");
    let error = convert(Tool::Sqlx, &dir(&[("x_bad.sql", "")]), "m").expect_err("no version");
    assert!(messages(&error)[0].contains("integer version"));
    let twice = dir(&[("1_a.sql", ""), ("1_b.up.sql", "")]);
    let error = convert(Tool::Sqlx, &twice, "m").expect_err("one version twice");
    assert!(messages(&error)[0].contains("two sqlx migrations have version 1"));
}

#[test]
fn refinery_versions_unversioned_nested_and_rust_refused() {
    let source = dir(&[
        ("V1__initial.sql", "CREATE TABLE persons (id int);"),
        ("sub/V2__cars.sql", "CREATE TABLE cars (id int);"),
        ("U3__seed.sql", "INSERT INTO cars VALUES (1);"),
        ("mod.rs", "pub mod x;"),
    ]);
    let conversion = convert(Tool::Refinery, &source, "migrations").expect("converts");
    assert_eq!(
        ids(&conversion),
        ["19700101000001", "19700101000002", "19700101000003"]
    );
    assert!(conversion.migrations[2].unversioned);
    assert!(conversion.migrations.iter().all(Imported::no_down));
    let rust = dir(&[(
        "V4__compute.rs",
        "fn migration() -> String { String::new() }",
    )]);
    let error = convert(Tool::Refinery, &rust, "m").expect_err("Rust refused");
    let text = messages(&error)[0].clone();
    assert!(
        text.starts_with("old/V4__compute.rs: a Rust migration"),
        "{text}"
    );
    assert!(text.contains("V4__compute.sql"), "{text}");
    let dotted = dir(&[("V1.1__x.sql", "")]);
    assert!(convert(Tool::Refinery, &dotted, "m").is_err());
}

#[test]
fn refinery_checksum_is_siphash13_of_name_version_and_sql() {
    use std::hash::{DefaultHasher, Hash, Hasher};
    // refinery's own computation, through std's hasher (SipHash-1-3 today).
    let mut std = DefaultHasher::new();
    "initial".hash(&mut std);
    1i32.hash(&mut std);
    "CREATE TABLE persons (id int);".hash(&mut std);
    assert_eq!(
        refinery_checksum("initial", 1, false, "CREATE TABLE persons (id int);"),
        std.finish()
    );
}

fn sqlx_dir() -> SourceDir {
    dir(&[
        ("1_a.sql", "CREATE TABLE a (id int);"),
        ("2_b.sql", "CREATE TABLE b (id int);"),
        ("3_c.sql", "CREATE TABLE c (id int);"),
    ])
}

fn sqlx_row(source: &SourceDir, version: i64, file: &str, success: bool) -> SqlxRow {
    SqlxRow {
        version,
        success,
        checksum: Sha384::digest(source.text(file).as_bytes()).to_vec(),
    }
}

#[test]
fn reconciled_applied_first_part_and_the_rest_pending() {
    let source = sqlx_dir();
    let conversion = convert(Tool::Sqlx, &source, "m").expect("converts");
    let rows = AppliedRows::Sqlx(vec![
        sqlx_row(&source, 1, "1_a.sql", true),
        sqlx_row(&source, 2, "2_b.sql", true),
    ]);
    let reconciled = reconcile(&conversion, &source, &rows);
    assert_eq!(reconciled.mismatches, []);
    assert_eq!(
        reconciled.applied,
        [
            conversion.migrations[0].revision().clone(),
            conversion.migrations[1].revision().clone()
        ]
    );
    assert_eq!(
        reconciled.pending,
        [conversion.migrations[2].revision().clone()]
    );
}

#[test]
fn every_mismatch_kind_is_reported() {
    let source = sqlx_dir();
    let conversion = convert(Tool::Sqlx, &source, "m").expect("converts");
    let mut changed = sqlx_row(&source, 3, "3_c.sql", true);
    changed.checksum[0] ^= 1;
    let rows = AppliedRows::Sqlx(vec![
        sqlx_row(&source, 2, "2_b.sql", false),
        changed,
        sqlx_row(&source, 7, "1_a.sql", true),
    ]);
    let reconciled = reconcile(&conversion, &source, &rows);
    let kinds: Vec<(String, MismatchKind)> = reconciled
        .mismatches
        .iter()
        .map(|m| (m.version.to_string(), m.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("1".into(), MismatchKind::OutOfOrder),
            ("2".into(), MismatchKind::Failed),
            ("2".into(), MismatchKind::OutOfOrder),
            ("3".into(), MismatchKind::Checksum),
            ("7".into(), MismatchKind::Missing),
        ]
    );
    let missing = reconciled.mismatches[4].report.to_string();
    assert!(
        missing.contains(
            "`_sqlx_migrations` records version 7 as applied, but old holds no sqlx migration"
        ),
        "{missing}"
    );
}

#[test]
fn diesel_gap_and_refinery_divergence() {
    let source = dir(&[
        ("2023-01-01-000000_a/up.sql", "SELECT 1;"),
        ("2023-01-02-000000_b/up.sql", "SELECT 2;"),
    ]);
    let conversion = convert(Tool::Diesel, &source, "m").expect("converts");
    let rows = AppliedRows::Diesel(vec!["20230102000000".into()]);
    let reconciled = reconcile(&conversion, &source, &rows);
    let text = reconciled.mismatches[0].report.to_string();
    assert!(
        text.contains(
            "version 20230101000000 is not applied while a later one, 20230102000000, is"
        ),
        "{text}"
    );
    assert!(text.contains("diesel would run it next"), "{text}");

    let source = dir(&[("V1__initial.sql", "SELECT 1;")]);
    let conversion = convert(Tool::Refinery, &source, "m").expect("converts");
    let good = refinery_checksum("initial", 1, false, "SELECT 1;").to_string();
    let row = |name: &str, checksum: &str| AppliedRows::Refinery {
        rows: vec![RefineryRow {
            version: 1,
            name: name.into(),
            checksum: checksum.into(),
        }],
        int8_versions: false,
    };
    assert_eq!(
        reconcile(&conversion, &source, &row("initial", &good)).mismatches,
        []
    );
    let bad = reconcile(&conversion, &source, &row("initial", "12"));
    assert_eq!(bad.mismatches[0].kind, MismatchKind::Checksum);
    let renamed = reconcile(&conversion, &source, &row("first", &good));
    assert!(
        renamed.mismatches[0]
            .report
            .to_string()
            .contains("applied as `first`")
    );
}
