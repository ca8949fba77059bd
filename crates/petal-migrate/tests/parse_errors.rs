//! What a user sees for each kind of malformed migration file.

use petal_migrate::parse;

const PATH: &str = "migrations/20260728093000_move_money.sql";

const HEADER: &str = "-- petal revision: 20260728093000\n\
                      -- petal parents: 20260727120000\n\
                      -- petal message: move money\n";

fn error(text: &str) -> String {
    match parse(PATH, text) {
        Ok(file) => panic!("parsed without error: {file:#?}"),
        Err(e) => e.to_string(),
    }
}

fn line_col(err: &petal_migrate::ParseError) -> (usize, usize) {
    err.report()
        .position()
        .map_or((0, 0), |p| (p.line, p.column))
}

fn with_header(rest: &str) -> String {
    format!("{HEADER}{rest}")
}

#[test]
fn missing_revision_header() {
    insta::assert_snapshot!(error("-- petal parents:\n\n-- +petal up\nSELECT 1;\n"));
}

#[test]
fn missing_parents_header() {
    insta::assert_snapshot!(error(
        "-- petal revision: 20260728093000\n\n-- +petal up\nSELECT 1;\n"
    ));
}

#[test]
fn revision_id_not_a_timestamp() {
    insta::assert_snapshot!(error(
        "-- petal revision: 2026-07-28\n-- petal parents:\n-- +petal up\n"
    ));
}

#[test]
fn revision_id_not_a_real_date() {
    insta::assert_snapshot!(error(
        "-- petal revision: 20261328093000\n-- petal parents:\n-- +petal up\n"
    ));
}

#[test]
fn parent_id_not_a_timestamp() {
    insta::assert_snapshot!(error(
        "-- petal revision: 20260728093000\n-- petal parents: 20260727120000 abc\n-- +petal up\n"
    ));
}

#[test]
fn revision_differs_from_file_name() {
    insta::assert_snapshot!(error(
        "-- petal revision: 20260728093001\n-- petal parents:\n-- +petal up\n"
    ));
}

#[test]
fn revision_is_its_own_parent() {
    insta::assert_snapshot!(error(
        "-- petal revision: 20260728093000\n-- petal parents: 20260728093000\n-- +petal up\n"
    ));
}

#[test]
fn parent_listed_twice() {
    insta::assert_snapshot!(error(
        "-- petal revision: 20260728093000\n-- petal parents: 20260727120000  20260727120000\n-- +petal up\n"
    ));
}

#[test]
fn duplicate_header() {
    insta::assert_snapshot!(error(&with_header(
        "-- petal message: again\n\n-- +petal up\n"
    )));
}

#[test]
fn unknown_header_with_suggestion() {
    insta::assert_snapshot!(error(
        "-- petal revision: 20260728093000\n-- petal parent: 20260727120000\n-- +petal up\n"
    ));
}

#[test]
fn header_after_the_sections() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\nSELECT 1;\n-- petal message: late\n"
    )));
}

#[test]
fn unknown_directive_with_suggestion() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\nSELECT 1;\n-- +petal stpe\nSELECT 2;\n"
    )));
}

#[test]
fn unknown_directive_without_suggestion() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\n-- +petal concurrently\n"
    )));
}

#[test]
fn uppercase_directive() {
    insta::assert_snapshot!(error(&with_header("\n-- +petal Up\n")));
}

#[test]
fn empty_directive() {
    insta::assert_snapshot!(error(&with_header("\n-- +petal\n")));
}

#[test]
fn directive_with_trailing_text() {
    insta::assert_snapshot!(error(&with_header("\n-- +petal up now\n")));
}

#[test]
fn missing_up_section() {
    insta::assert_snapshot!(error(&with_header("\n-- +petal down\nSELECT 1;\n")));
}

#[test]
fn missing_all_sections() {
    insta::assert_snapshot!(error(HEADER));
}

#[test]
fn duplicate_up_section() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\nSELECT 1;\n\n-- +petal up\nSELECT 2;\n"
    )));
}

#[test]
fn duplicate_down_section() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\n-- +petal down\n-- +petal down\n"
    )));
}

#[test]
fn sql_before_the_up_section() {
    insta::assert_snapshot!(error(&with_header(
        "CREATE TABLE t (id int);\n-- +petal up\n"
    )));
}

#[test]
fn step_outside_a_section() {
    insta::assert_snapshot!(error(&with_header("-- +petal step\n-- +petal up\n")));
}

#[test]
fn no_transaction_inside_a_section() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\n-- +petal no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n"
    )));
}

#[test]
fn unterminated_quoted_string() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\nUPDATE t SET note = 'it's broken';\n\n-- +petal down\nSELECT 1;\n"
    )));
}

#[test]
fn unterminated_quoted_identifier() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\nALTER TABLE \"orders ADD COLUMN x int;\n"
    )));
}

#[test]
fn unterminated_dollar_quote() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\nCREATE FUNCTION f() RETURNS int AS $body$\n  SELECT 1;\n$$ LANGUAGE sql;\n"
    )));
}

#[test]
fn unterminated_block_comment() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\n/* a /* nested */ comment\nSELECT 1;\n"
    )));
}

#[test]
fn unclosed_begin_atomic_body() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\nCREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n\n-- +petal down\nDROP FUNCTION f();\n"
    )));
}

#[test]
fn columns_count_characters_not_bytes() {
    let err = parse(
        PATH,
        &with_header("\n-- +petal up\nSELECT 'цветы', \"букет;\n"),
    )
    .expect_err("unterminated identifier");
    assert_eq!(line_col(&err), (6, 17));
}

#[test]
fn the_caret_keeps_tabs_so_it_lines_up() {
    let err =
        parse(PATH, &with_header("\n-- +petal up\n\tSELECT\t'x;\n")).expect_err("unterminated");
    assert_eq!(line_col(&err), (6, 9));
    assert!(
        err.to_string()
            .ends_with("6 | \tSELECT\t'x;\n  | \t      \t^"),
        "{err}"
    );
}

#[test]
fn directive_without_a_space() {
    insta::assert_snapshot!(error(&with_header("\n-- +petalup\n")));
}

#[test]
fn petal_comments_in_sections_that_are_not_headers_are_comments() {
    let file = parse(
        PATH,
        &with_header("\n-- +petal up\n-- petal todo: index later\nSELECT 1;\n"),
    )
    .expect("parses");
    assert_eq!(file.up.statements().count(), 1);
}

#[test]
fn transaction_control_in_a_transactional_file() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\nCREATE TABLE a (id int);\n-- copied from psql\n  COMMIT;\nCREATE TABLE b (id int);\n"
    )));
}

#[test]
fn transaction_control_is_the_authors_business_without_transactions() {
    let text = with_header(
        "-- +petal no-transaction\n\n-- +petal up\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n\n-- +petal down\nDROP TABLE a;\n",
    );
    let file = parse(PATH, &text).expect("parses");
    assert_eq!(file.up.statements().count(), 3);
    // A body's `BEGIN` is body text, and `ROLLBACK TO` keeps the transaction.
    let text = with_header(
        "\n-- +petal up\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\n\
         SAVEPOINT s;\nROLLBACK TO SAVEPOINT s;\n",
    );
    let file = parse(PATH, &text).expect("parses");
    assert_eq!(file.up.statements().count(), 3);
}

#[test]
fn a_word_after_a_two_word_directive_is_named_after_both() {
    let err = error(&with_header(
        "-- +petal up\nSELECT 1;\n-- +petal step no-transaction now\nSELECT 2;\n",
    ));
    assert!(
        err.contains("unexpected `now` after `-- +petal step no-transaction`"),
        "{err}"
    );
    let err = error(&with_header(
        "-- +petal up\nSELECT 1;\n-- +petal down unpaired please\nSELECT 2;\n",
    ));
    assert!(
        err.contains("unexpected `please` after `-- +petal down unpaired`"),
        "{err}"
    );
    let err = error(&with_header("-- +petal up unpaired\nSELECT 1;\n"));
    assert!(
        err.contains("unexpected `unpaired` after `-- +petal up`"),
        "{err}"
    );
}

#[test]
fn requires_names_a_major_version_of_postgresql() {
    let file = |value: &str| {
        HEADER.replace(
            "-- petal message:",
            &format!("-- petal requires: {value}\n-- petal message:"),
        ) + "-- +petal up\nSELECT 1;\n"
    };
    let parsed = petal_migrate::parse(PATH, &file("PostgreSQL 18")).expect("a valid header");
    assert_eq!(parsed.requires_server, Some(18));
    for wrong in [
        "PostgreSQL18",
        "PostgreSQL +18",
        "PostgreSQL 18.4",
        "18",
        "Postgres 18",
    ] {
        let err = error(&file(wrong));
        assert!(
            err.contains("expected `PostgreSQL` and a major version"),
            "{wrong}: {err}"
        );
    }
}

#[test]
fn guard_without_a_query() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\n-- +petal if\nSELECT 1;\n"
    )));
}

#[test]
fn guard_with_no_statement_under_it() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\nSELECT 1;\n-- +petal if SELECT true\n-- +petal step\nSELECT 2;\n"
    )));
}

#[test]
fn guard_inside_a_statement() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\nSELECT 1,\n-- +petal if SELECT true\n2;\n"
    )));
}

#[test]
fn two_guards_over_one_statement() {
    insta::assert_snapshot!(error(&with_header(
        "\n-- +petal up\n-- +petal if SELECT true\n-- +petal if SELECT false\nSELECT 1;\n"
    )));
}

#[test]
fn guard_before_the_sections() {
    insta::assert_snapshot!(error(&with_header(
        "-- +petal if SELECT true\n-- +petal up\nSELECT 1;\n"
    )));
}
