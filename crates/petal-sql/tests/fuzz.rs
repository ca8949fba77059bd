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
use petal_testkit::fuzz::{self, Scale, config};
use proptest::prelude::*;
use proptest::sample::select;

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

fn mutated() -> impl Strategy<Value = String> {
    fuzz::mutated(SEEDS, TOKENS, Scale::FILE)
}

fn random() -> impl Strategy<Value = String> {
    fuzz::random(TOKENS, Scale::FILE)
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
