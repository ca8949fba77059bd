//! Fuzzing on the stable toolchain: the migration file parser and the
//! statement splitter over random text (arbitrary Unicode, random bytes
//! read as lossy UTF-8, soups of the tokens they care about) and over
//! mutations of real migration files. Never a panic; every error has a
//! place inside the text, on a character boundary.
//!
//! `PETAL_FUZZ_CASES` sets the cases per target (10,000 by default;
//! `just fuzz` runs a million). What a run finds is kept below as a
//! `regression_...` test with its minimal input.

use petal_migrate::{Error, MigrationFile, NewMigration, Section, Statement, parse, split, write};
use petal_source::Report;
use petal_testkit::fuzz::{self, Scale, config};
use proptest::prelude::*;
use proptest::sample::select;

/// Valid files to mutate: the Cvety.kz migrations and a few small ones
/// with every directive.
const SEEDS: &[&str] = &[
    include_str!("../../../migrations/20261124095311_initial_all_models.sql"),
    include_str!("../../../migrations/20261124095348_move_money_to_numeric.sql"),
    include_str!("../../../migrations/20261124095402_users_table_for_florists.sql"),
    include_str!(
        "../../../migrations/20261203100349_customer_totals_trigger_and_daily_sales_view.sql"
    ),
    "-- petal revision: 20260728093000\n-- petal parents:\n-- petal message: t\n\n\
     -- +petal up\nCREATE TABLE t (id int);\n-- +petal step\nSELECT 1\n\n-- +petal down\nDROP TABLE t;\n",
    "\u{feff}-- petal revision: 20260728093000\r\n-- petal parents: 20260727120000 20260727120001\r\n\
     -- +petal no-transaction\r\n-- +petal up\r\nCREATE INDEX CONCURRENTLY i ON t (a);\r\n\
     -- +petal down\r\nDROP INDEX CONCURRENTLY i;\r\n",
    "-- petal revision: 20260728093000\n-- petal parents:\n-- +petal up\n\
     CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  \
     SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END;\n  SELECT 'end;';\nEND;\n\
     CREATE FUNCTION g() RETURNS trigger AS $fn$\n-- +petal down\nBEGIN RETURN NEW; END $fn$ LANGUAGE plpgsql;\n\
     SELECT E'it\\'s', \"a\"\"b\", /* a /* nested */ comment */ $1, U&'d\\0061t';\n\
     -- +petal down\n-- (nothing to do)\n",
];

/// What the lexer, the splitter and the parser tell apart.
const TOKENS: &[&str] = &[
    "-- +petal up\n",
    "-- +petal down\n",
    "-- +petal step\n",
    "-- +petal no-transaction\n",
    "-- +petal step no-transaction\n",
    "-- +petal down unpaired\n",
    "-- petal requires: PostgreSQL 18\n",
    "-- petal requires: ",
    "-- +petal",
    "-- +petalx",
    "-- petal revision: 20260728093000\n",
    "-- petal revision: ",
    "-- petal parents: 20260727120000\n",
    "-- petal parents: ",
    "-- petal message: m\n",
    "-- petal todo: x\n",
    "-- petal : ",
    "20260728093000",
    "20261328093000",
    "--",
    "-- ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "\u{feff}",
    ";",
    "'",
    "''",
    "E'",
    "e'\\'",
    "\\",
    "\"",
    "$",
    "$$",
    "$fn$",
    "$1",
    "$é$",
    "/*",
    "*/",
    "BEGIN",
    "ATOMIC",
    "END",
    "CASE",
    "COMMIT",
    "ROLLBACK",
    "TO",
    "START TRANSACTION",
    "CREATE ",
    "OR REPLACE ",
    "FUNCTION ",
    "PROCEDURE ",
    "CREATE FUNCTION f() BEGIN ATOMIC ",
    "SELECT 1",
    "(",
    ")",
    ",",
    "é",
    "日本",
    "\u{a0}",
    "\u{2028}",
    "\0",
];

fn mutated() -> impl Strategy<Value = String> {
    fuzz::mutated(SEEDS, TOKENS, Scale::FILE)
}

fn random() -> impl Strategy<Value = String> {
    fuzz::random(TOKENS, Scale::FILE)
}

/// Paths the parser is given: the file name's digits are checked against
/// the revision.
const PATHS: &[&str] = &[
    "migrations/20260728093000_t.sql",
    "migrations/20261124095311_initial_all_models.sql",
    "fuzz.sql",
    "x/1é.sql",
];

/// A report points inside its text, on character boundaries, and renders.
fn check_report(report: &Report, text: &str) -> Result<(), TestCaseError> {
    let span = report
        .span()
        .ok_or_else(|| TestCaseError::fail(format!("no location: {report}")))?;
    let source = report
        .source()
        .ok_or_else(|| TestCaseError::fail(format!("no source: {report}")))?;
    prop_assert_eq!(source.text(), text);
    prop_assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
    prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    let _ = report.to_string();
    Ok(())
}

/// A statement's span holds its SQL; split again, the SQL is one
/// statement, itself.
fn check_statement(statement: &Statement, text: &str) -> Result<(), TestCaseError> {
    let span = statement
        .span
        .ok_or_else(|| TestCaseError::fail("a parsed statement without a span"))?;
    prop_assert_eq!(text.get(span.start..span.end), Some(statement.sql.as_str()));
    prop_assert!(!statement.sql.is_empty());
    let again = split(&statement.sql).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(
        again.len(),
        1,
        "{:?} splits into {:?}",
        statement.sql,
        again
    );
    prop_assert_eq!(&again[0].sql, &statement.sql);
    Ok(())
}

fn sql_by_step(section: &Section) -> Vec<Vec<&str>> {
    section
        .steps
        .iter()
        .map(|step| step.statements.iter().map(|s| s.sql.as_str()).collect())
        .collect()
}

/// A parsed file written again parses back to the same statements.
fn check_rewrite(file: &MigrationFile) -> Result<(), TestCaseError> {
    let new = NewMigration {
        revision: file.revision.clone(),
        parents: file.parents.clone(),
        message: file.message.clone(),
        down_unpaired: file.down_unpaired,
        requires_server: file.requires_server,
        no_transaction: file.no_transaction,
        up: file.up.steps.clone(),
        down: file.down.steps.clone(),
    };
    let written = write(&new);
    let again = parse(&new.file_name(), &written)
        .map_err(|e| TestCaseError::fail(format!("{e}\nin the rewritten file:\n{written}")))?;
    prop_assert_eq!(&again.revision, &file.revision);
    prop_assert_eq!(&again.parents, &file.parents);
    prop_assert_eq!(again.no_transaction, file.no_transaction);
    prop_assert_eq!(again.down_unpaired, file.down_unpaired);
    prop_assert_eq!(again.requires_server, file.requires_server);
    prop_assert_eq!(sql_by_step(&again.up), sql_by_step(&file.up));
    prop_assert_eq!(sql_by_step(&again.down), sql_by_step(&file.down));
    Ok(())
}

fn check_parse(path: &str, text: &str) -> Result<(), TestCaseError> {
    match parse(path, text) {
        Ok(file) => {
            prop_assert_eq!(file.source.text(), text);
            for statement in file.up.statements().chain(file.down.statements()) {
                check_statement(statement, text)?;
            }
            prop_assert!(file.up.steps.iter().all(|s| !s.is_empty()));
            prop_assert!(file.down.steps.iter().all(|s| !s.is_empty()));
            check_rewrite(&file)
        }
        Err(e) => {
            prop_assert!(e.offset <= text.len() && text.is_char_boundary(e.offset));
            check_report(&e.report(), text)?;
            for report in Error::from(e).reports() {
                check_report(&report, text)?;
            }
            Ok(())
        }
    }
}

fn check_split(text: &str) -> Result<(), TestCaseError> {
    match split(text) {
        Ok(statements) => {
            let mut last_end = 0;
            for statement in &statements {
                check_statement(statement, text)?;
                let span = statement.span.unwrap_or_default();
                prop_assert!(span.start >= last_end, "statements overlap");
                last_end = span.end;
            }
            Ok(())
        }
        Err(e) => {
            prop_assert!(
                e.offset < text.len() && text.is_char_boundary(e.offset),
                "error at {} of {} bytes: {}",
                e.offset,
                text.len(),
                e.message
            );
            let _ = Error::from(e).reports();
            Ok(())
        }
    }
}

/// What each target is fed: a third random text, two thirds mutated
/// files.
fn input() -> impl Strategy<Value = String> {
    prop_oneof![1 => random(), 2 => mutated()]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_parser_never_panics(path in select(PATHS), text in input()) {
        check_parse(path, &text)?;
    }

    #[test]
    fn the_splitter_never_panics(text in input()) {
        check_split(&text)?;
    }
}

/// The seeds themselves parse (the mutations start from valid files).
#[test]
fn seeds_parse() {
    for seed in SEEDS {
        if let Err(e) = parse("fuzz.sql", seed) {
            panic!("{e}");
        }
    }
}

/// A statement that starts with a no-break space (a word to the lexer, as
/// to PostgreSQL) came back from the writer without it (`str::trim`), and
/// a comment after that space became a comment line above the statement;
/// the writer now trims PostgreSQL's blanks only.
#[test]
fn regression_a_statement_starting_with_a_no_break_space_written_back() {
    let text = "-- petal revision: 20260728093000\n-- petal parents:\n-- +petal up\n\
                \u{a0}-- c\nSELECT 1;\n-- +petal step\nSELECT 2\u{a0};\n";
    let file = match parse("fuzz.sql", text) {
        Ok(file) => file,
        Err(e) => panic!("{e}"),
    };
    if let Err(e) = check_rewrite(&file) {
        panic!("{e}");
    }
}
