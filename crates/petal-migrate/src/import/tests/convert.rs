//! Each tool's directory read by its rules, and written as petal files.

use super::super::*;
use super::{dir, ids, messages};
use crate::revision::RevisionId;

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

/// diesel reads `metadata.toml` into its `TomlMetadata` and takes the
/// default (`true`) when that fails; a key under a table is not its key.
#[test]
fn diesel_metadata_read_as_diesel_reads_it() {
    let source = dir(&[
        ("2023-01-01-000000_a/up.sql", "SELECT 1;"),
        ("2023-01-01-000000_a/metadata.toml", "# nothing\n"),
        ("2023-01-02-000000_b/up.sql", "SELECT 2;"),
        (
            "2023-01-02-000000_b/metadata.toml",
            "run_in_transaction = maybe\n",
        ),
        ("2023-01-03-000000_c/up.sql", "SELECT 3;"),
        (
            "2023-01-03-000000_c/metadata.toml",
            "[table]\nrun_in_transaction = true\n",
        ),
        ("2023-01-04-000000_d/up.sql", "SELECT 4;"),
        (
            "2023-01-04-000000_d/metadata.toml",
            "run_in_transaction = \"false\" # a string\n",
        ),
        ("2023-01-05-000000_e/up.sql", "SELECT 5;"),
        (
            "2023-01-05-000000_e/metadata.toml",
            "run_in_transaction = false\nother = 1\n",
        ),
    ]);
    let conversion = convert(Tool::Diesel, &source, "migrations").expect("converts");
    let no_transaction: Vec<bool> = conversion
        .migrations
        .iter()
        .map(|m| m.file.up.steps[0].no_transaction)
        .collect();
    assert_eq!(no_transaction, [true, false, true, false, true]);
    let notes: Vec<String> = conversion.notes.iter().map(|r| format!("{r:?}")).collect();
    assert_eq!(conversion.notes.len(), 2, "{notes:?}");
    let first = conversion.notes[0].to_string();
    assert!(
        first.starts_with("old/2023-01-02-000000_b/metadata.toml:1:"),
        "{first}"
    );
    assert!(
        first.contains("does not parse as diesel's metadata"),
        "{first}"
    );
    assert!(notes[0].contains("run_in_transaction = true"), "{notes:?}");
    let second = conversion.notes[1].to_string();
    assert!(
        second.starts_with("old/2023-01-04-000000_d/metadata.toml:1:"),
        "{second}"
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
    // Outside a transaction too: petal's journal is written on the same
    // session, after the file.
    let mut source = source;
    source.files.insert(
        "2023-01-01-000000_a/metadata.toml".into(),
        "run_in_transaction = false".into(),
    );
    let error = convert(Tool::Diesel, &source, "migrations").expect_err("COMMIT refused");
    assert!(
        messages(&error)[0].starts_with(
            "old/2023-01-01-000000_a/up.sql:2:1: `COMMIT` in a migration run outside a transaction"
        ),
        "{:?}",
        messages(&error)
    );
    let sqlx = dir(&[("1_a.sql", "-- no-transaction\nBEGIN;\n")]);
    let error = convert(Tool::Sqlx, &sqlx, "m").expect_err("BEGIN refused");
    assert!(
        messages(&error)[0].starts_with("old/1_a.sql:2:1: `BEGIN` in a migration run outside"),
        "{:?}",
        messages(&error)
    );
}

/// diesel and sqlx send a file they run outside a transaction as one
/// query string, which PostgreSQL runs all or nothing when it holds more
/// than one statement: petal runs such a file in its transaction, and
/// only a single statement outside one.
#[test]
fn a_no_transaction_file_of_several_statements_runs_in_a_transaction() {
    let source = dir(&[
        (
            "1_two.sql",
            "-- no-transaction\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\n",
        ),
        (
            "2_one.sql",
            "-- no-transaction\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n",
        ),
    ]);
    let conversion = convert(Tool::Sqlx, &source, "migrations").expect("converts");
    let [two, one] = conversion.migrations.as_slice() else {
        panic!("two migrations");
    };
    assert!(!two.file.up.steps[0].no_transaction, "{}", two.text);
    assert!(
        two.text.contains(
            "-- sqlx ran 1_two.sql outside a transaction, as one query string: PostgreSQL ran \
             its 2 statements all or nothing, in an implicit transaction; petal runs them in \
             its own transaction"
        ),
        "{}",
        two.text
    );
    assert!(one.file.up.steps[0].no_transaction, "{}", one.text);
    assert!(
        one.text.contains(
            "-- sqlx ran 2_one.sql outside a transaction: its step is marked no-transaction"
        ),
        "{}",
        one.text
    );
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

/// refinery's `\w` is Unicode's word characters (marks and connector
/// punctuation too), its `\d` Unicode's digits, which its version parse
/// then refuses.
#[test]
fn refinery_names_as_its_pattern_reads_them() {
    let source = dir(&[
        ("V1__cafe\u{301}.sql", "SELECT 1;"),
        ("V2__a\u{203f}b.sql", "SELECT 2;"),
        ("V3__a-b.sql", "SELECT 3;"),
        ("V4__.sql", "SELECT 4;"),
    ]);
    let conversion = convert(Tool::Refinery, &source, "m").expect("converts");
    let names: Vec<&str> = conversion
        .migrations
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(names, ["cafe\u{301}", "a\u{203f}b"]);
    assert_eq!(conversion.ignored, ["V3__a-b.sql", "V4__.sql"]);
    let digits = dir(&[("V\u{661}__x.sql", "SELECT 1;")]);
    let error = convert(Tool::Refinery, &digits, "m").expect_err("an Arabic-Indic digit");
    assert!(
        messages(&error)[0].contains("is no integer: refinery refuses it too"),
        "{:?}",
        messages(&error)
    );
    let bar = dir(&[("|1__x.sql", "SELECT 1;")]);
    let error = convert(Tool::Refinery, &bar, "m").expect_err("`[U|V]` takes a `|`");
    assert!(messages(&error)[0].contains("takes a `|` prefix"));
}
