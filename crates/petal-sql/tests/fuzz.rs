//! Fuzzing on the stable toolchain: the SQL files' reader (split, classify,
//! rename hints, duplicates) over random text (arbitrary Unicode, random
//! bytes read as lossy UTF-8, soups of the words it reads) and over
//! mutations of valid SQL files. Never a panic; every error is a report at
//! a place inside its file, on character boundaries; every statement read
//! maps its places back into its file.
//!
//! `PETAL_FUZZ_CASES` sets the cases per target (10,000 by default;
//! `just fuzz` runs a million). What a run finds is kept below as a
//! `regression_...` test with its minimal input.

use std::path::PathBuf;

use petal_source::Report;
use petal_sql::{SqlFiles, read_sql};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, RngAlgorithm};

fn config() -> Config {
    let cases = std::env::var("PETAL_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    Config {
        cases,
        // Failures are kept as the regression tests below, not as files
        // written into the source tree.
        failure_persistence: None,
        // ChaCha, unoptimized in a debug build, took most of the time.
        rng_algorithm: RngAlgorithm::XorShift,
        ..Config::default()
    }
}

/// Valid SQL files to mutate: the Cvety.kz ones and one with every kind
/// of declaration.
const SEEDS: &[&str] = &[
    include_str!("../../../schema/sql/customer_totals.sql"),
    include_str!("../../../schema/sql/reports.sql"),
    "CREATE SCHEMA IF NOT EXISTS crm;\n\
     CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public VERSION '1.6';\n\
     CREATE SEQUENCE crm.numbers;\nCREATE DOMAIN crm.phone AS text CHECK (VALUE <> '');\n\
     CREATE TYPE crm.pair AS (a int, b int);\nCREATE TYPE crm.span AS RANGE (subtype = float8);\n\
     -- petal: renamed_from = old_f\n\
     CREATE OR REPLACE FUNCTION crm.f(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  \
     SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END;\nEND;\n\
     CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;\n\
     CREATE AGGREGATE crm.total(int) (sfunc = int4pl, stype = int);\n\
     CREATE MATERIALIZED VIEW \"Big\".\"View\" AS SELECT 1 AS one;\n\
     CREATE UNIQUE INDEX big_one ON ONLY \"Big\".\"View\" (one);\n\
     CREATE INDEX ON \"Big\".\"View\" (one);\n\
     CREATE OR REPLACE CONSTRAINT TRIGGER t AFTER INSERT ON crm.orders FOR EACH ROW EXECUTE FUNCTION f();\n\
     ALTER TABLE IF EXISTS ONLY crm.orders ENABLE ALWAYS TRIGGER t;\n\
     COMMENT ON VIEW v IS 'x';\n",
];

/// What the splitter and the classifier tell apart.
const TOKENS: &[&str] = &[
    "CREATE ",
    "OR ",
    "REPLACE ",
    "TEMP ",
    "RECURSIVE ",
    "UNIQUE ",
    "CONSTRAINT ",
    "VIEW ",
    "MATERIALIZED ",
    "FUNCTION ",
    "PROCEDURE ",
    "AGGREGATE ",
    "TRIGGER ",
    "EXTENSION ",
    "SEQUENCE ",
    "DOMAIN ",
    "SCHEMA ",
    "TYPE ",
    "INDEX ",
    "CONCURRENTLY ",
    "TABLE ",
    "IF NOT EXISTS ",
    "IF EXISTS ",
    "ONLY ",
    "ON ",
    "AS ",
    "RANGE ",
    "ENUM ",
    "VERSION ",
    "ALTER TABLE ",
    "ENABLE ",
    "DISABLE ",
    "REPLICA ",
    "ALWAYS ",
    "COMMENT ON ",
    "INSERT ",
    "DROP ",
    "GRANT ",
    "BEGIN ",
    "ATOMIC ",
    "END",
    "CASE ",
    "x",
    "s.t",
    ".",
    "\"Q\"",
    "\"\"",
    "'1.6'",
    "-- petal: renamed_from = old\n",
    "-- petal: renamed_from =\n",
    "-- ",
    "\n",
    "\r\n",
    " ",
    ";",
    "'",
    "\"",
    "E'",
    "\\",
    "$$",
    "$f$",
    "$1",
    "/*",
    "*/",
    "(",
    ")",
    ",",
    "é",
    "\u{a0}",
    "\u{feff}",
    "\0",
];

/// One edit of a text; positions are taken modulo its length and moved
/// back to a character boundary.
#[derive(Debug, Clone)]
enum Edit {
    Delete(Index, usize),
    Insert(Index, String),
    Replace(Index, usize, String),
    Copy(Index, usize, Index),
}

fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn range(text: &str, at: Index, len: usize) -> (usize, usize) {
    let start = floor(text, at.index(text.len() + 1));
    (start, floor(text, start + len))
}

fn apply(text: &mut String, edit: &Edit) {
    match edit {
        Edit::Delete(at, len) => {
            let (start, end) = range(text, *at, *len);
            text.replace_range(start..end, "");
        }
        Edit::Insert(at, what) => {
            let at = floor(text, at.index(text.len() + 1));
            text.insert_str(at, what);
        }
        Edit::Replace(at, len, what) => {
            let (start, end) = range(text, *at, *len);
            text.replace_range(start..end, what);
        }
        Edit::Copy(from, len, to) => {
            let (start, end) = range(text, *from, *len);
            let piece = text[start..end].to_owned();
            let to = floor(text, to.index(text.len() + 1));
            text.insert_str(to, &piece);
        }
    }
}

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Text to insert: mostly a token, else anything.
fn insertion() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(TOKENS).prop_map(str::to_owned),
        1 => vec(any::<char>(), 0..6).prop_map(String::from_iter),
        1 => vec(any::<u8>(), 0..6).prop_map(lossy),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 0..48usize).prop_map(|(at, len)| Edit::Delete(at, len)),
        (any::<Index>(), insertion()).prop_map(|(at, what)| Edit::Insert(at, what)),
        (any::<Index>(), 0..8usize, insertion())
            .prop_map(|(at, len, what)| Edit::Replace(at, len, what)),
        (any::<Index>(), 0..64usize, any::<Index>())
            .prop_map(|(from, len, to)| Edit::Copy(from, len, to)),
    ]
}

/// A seed file with one to eight edits.
fn mutated() -> impl Strategy<Value = String> {
    (select(SEEDS), vec(edit(), 1..8)).prop_map(|(seed, edits)| {
        let mut text = seed.to_owned();
        for edit in &edits {
            apply(&mut text, edit);
        }
        text
    })
}

/// Random text of every kind.
fn random() -> impl Strategy<Value = String> {
    prop_oneof![
        vec(any::<char>(), 0..256).prop_map(String::from_iter),
        vec(any::<u8>(), 0..512).prop_map(lossy),
        vec(select(TOKENS), 0..64).prop_map(|tokens| tokens.concat()),
    ]
}

/// One or two files: the second may declare what the first does.
fn files(text: impl Strategy<Value = String>) -> impl Strategy<Value = Vec<(PathBuf, String)>> {
    (text, proptest::option::of(select(SEEDS))).prop_map(|(text, other)| {
        let mut files = vec![(PathBuf::from("sql/fuzz.sql"), text)];
        if let Some(other) = other {
            files.push((PathBuf::from("sql/00_seed.sql"), other.to_owned()));
        }
        files
    })
}

fn text_of<'f>(files: &'f [(PathBuf, String)], path: &str) -> Option<&'f str> {
    files
        .iter()
        .find(|(p, _)| p.display().to_string() == path)
        .map(|(_, text)| text.as_str())
}

/// A report points inside the file it names, on character boundaries,
/// and renders.
fn check_report(report: &Report, files: &[(PathBuf, String)]) -> Result<(), TestCaseError> {
    let span = report
        .span()
        .ok_or_else(|| TestCaseError::fail(format!("no location: {report}")))?;
    let source = report
        .source()
        .ok_or_else(|| TestCaseError::fail(format!("no source: {report}")))?;
    let text = text_of(files, source.path())
        .ok_or_else(|| TestCaseError::fail(format!("not one of the files: {report}")))?;
    prop_assert_eq!(source.text(), text);
    prop_assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
    prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    for note in report.notes() {
        prop_assert!(!note.is_empty());
    }
    let _ = report.to_string();
    Ok(())
}

/// Every statement read stands at its span, and every place in what the
/// canonicalizer loads maps back inside it.
fn check_read(read: &SqlFiles, files: &[(PathBuf, String)]) -> Result<(), TestCaseError> {
    for statement in &read.statements {
        let text = text_of(files, statement.source.path())
            .ok_or_else(|| TestCaseError::fail("a statement of no file"))?;
        let span = statement.span;
        prop_assert_eq!(text.get(span.start..span.end), Some(statement.sql.as_str()));
        let load = statement.load_sql();
        prop_assert!(load.len() <= statement.sql.len());
        let _ = statement.place();
        check_report(&statement.report("x"), files)?;
        // Places PostgreSQL reports: character boundaries of the loaded
        // text, its end, and past it.
        let step = (load.len() / 4).max(1);
        let places = load.char_indices().map(|(at, _)| at).step_by(step);
        for offset in places.chain([load.len(), load.len() + 1]) {
            let at = statement.report_at(offset, "x").span().unwrap_or_default();
            prop_assert!(
                span.start <= at.start && at.end <= span.end,
                "{at:?} of {span:?}"
            );
            prop_assert!(text.is_char_boundary(at.start));
        }
        if let Some(hint) = &statement.renamed_from {
            prop_assert!(!hint.is_empty());
        }
    }
    Ok(())
}

fn check(files: &[(PathBuf, String)]) -> Result<(), TestCaseError> {
    match read_sql(files) {
        Ok(read) => check_read(&read, files),
        Err(reports) => {
            prop_assert!(!reports.is_empty(), "an error without a report");
            for report in &reports {
                check_report(report, files)?;
            }
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// A third random text, two thirds mutated files.
    #[test]
    fn the_reader_never_panics(files in files(prop_oneof![1 => random(), 2 => mutated()])) {
        check(&files)?;
    }
}

/// The seeds themselves read (the mutations start from valid files).
#[test]
fn seeds_read() {
    for seed in SEEDS {
        let files = [(PathBuf::from("sql/seed.sql"), (*seed).to_owned())];
        if let Err(reports) = read_sql(&files) {
            panic!("{}", petal_source::ReportList(&reports));
        }
    }
}
