//! Splitting SQL text into statements on top-level `;`.
//!
//! A statement's text runs from its first token that is not a comment to its
//! last one, so comments before it (the generated description and
//! classification lines) and the terminating `;` are not part of its SQL;
//! comments inside it are kept. The `--` lines standing above it (each the
//! first thing on its line) become its comment lines. A chunk holding only
//! comments is not a statement. [`transaction_control`] finds a statement
//! that would end or start a transaction, which a transactional file may
//! not hold.

use petal_source::Span;

use crate::file::Statement;
use crate::lex::{LexError, Lexer, Token, starts_line};

/// Where splitting failed: an unterminated quote or comment, or a
/// `BEGIN ATOMIC` body without its `END`. `offset` is a byte offset into the
/// text given to [`split`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for SplitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for SplitError {}

impl From<LexError> for SplitError {
    fn from(e: LexError) -> Self {
        SplitError {
            offset: e.at,
            message: e.message,
        }
    }
}

/// Splits `sql` into statements, with the comment lines above each. Their
/// spans are byte ranges of `sql`, and their text has no trailing `;`.
pub fn split(sql: &str) -> Result<Vec<Statement>, SplitError> {
    let mut lexer = Lexer::new(sql, 0);
    let mut builder = StatementBuilder::default();
    let mut out = Vec::new();
    while let Some(token) = lexer.next_token() {
        let token = token?;
        if let Token::LineComment { start, end } = token
            && starts_line(sql, start)
        {
            builder.comment_line(&sql[start..end]);
        }
        out.extend(builder.push(sql, token));
    }
    out.extend(builder.finish(sql)?);
    Ok(out)
}

/// The text of a `--` comment line as a statement keeps it: without the
/// `--` and the one space after it.
fn comment_text(comment: &str) -> String {
    let body = comment.strip_prefix("--").unwrap_or(comment);
    body.strip_prefix(' ').unwrap_or(body).to_owned()
}

/// The words at the start of a statement that decide whether it can hold a
/// `BEGIN ATOMIC` body: `CREATE [OR REPLACE] FUNCTION|PROCEDURE`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum RoutineHeader {
    #[default]
    Start,
    Create,
    CreateOr,
    CreateOrReplace,
    Routine,
    /// Not a routine definition: `BEGIN` means nothing special.
    Other,
}

impl RoutineHeader {
    fn advance(self, word: &str) -> Self {
        let is = |k: &str| word.eq_ignore_ascii_case(k);
        match self {
            RoutineHeader::Start if is("create") => RoutineHeader::Create,
            RoutineHeader::Create if is("or") => RoutineHeader::CreateOr,
            RoutineHeader::CreateOr if is("replace") => RoutineHeader::CreateOrReplace,
            RoutineHeader::Create | RoutineHeader::CreateOrReplace
                if is("function") || is("procedure") =>
            {
                RoutineHeader::Routine
            }
            RoutineHeader::Routine => RoutineHeader::Routine,
            _ => RoutineHeader::Other,
        }
    }
}

/// The keyword a statement (the `span` of `text`) starts with, when it ends
/// or starts a transaction (`ROLLBACK TO SAVEPOINT` does neither): in a file
/// petal runs in transactions, it would end petal's transaction early, so
/// what follows would run outside any step and a failure could not be
/// rolled back. The parser refuses it.
pub(crate) fn transaction_control(text: &str, span: Span) -> Option<String> {
    let mut lexer = Lexer::new(text, span.start);
    let mut words: Vec<String> = Vec::new();
    while words.len() < 4 {
        let Some(Ok(token)) = lexer.next_token() else {
            break;
        };
        if token.start() >= span.end {
            break;
        }
        if let Token::Word { start, end } = token {
            words.push(text[start..end].to_ascii_uppercase());
        }
    }
    let first = words.first()?.as_str();
    let second = words.get(1).map(String::as_str);
    let ends_or_starts = match first {
        "BEGIN" | "COMMIT" | "END" | "ABORT" => true,
        "START" | "PREPARE" => second == Some("TRANSACTION"),
        "ROLLBACK" => !words.iter().any(|w| w == "TO"),
        _ => false,
    };
    ends_or_starts.then(|| first.to_string())
}

/// Accumulates tokens into statements.
///
/// `BEGIN ATOMIC ... END` (a SQL-standard routine body) holds `;`s that do
/// not end the statement. Like psql, it is only looked for in
/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, and `CASE ... END` inside the
/// body is counted so its `END` does not close the body.
#[derive(Debug, Default)]
pub(crate) struct StatementBuilder {
    span: Option<Span>,
    /// The comment lines standing above the statement to come.
    comments: Vec<String>,
    header: RoutineHeader,
    /// Where the previous token was, when it was the word `BEGIN` of a
    /// routine definition.
    after_begin: Option<usize>,
    /// Open `BEGIN ATOMIC` / `CASE` blocks inside a routine body.
    depth: usize,
    /// Where the outermost `BEGIN ATOMIC` started, for errors.
    body_start: usize,
}

impl StatementBuilder {
    /// A `--` comment (its whole text) that is the first thing on its
    /// line: a comment line above the next statement, unless a statement is
    /// under way (then it is part of that statement's text).
    pub(crate) fn comment_line(&mut self, comment: &str) {
        if self.span.is_none() {
            self.comments.push(comment_text(comment));
        }
    }

    /// Whether a statement has started and not ended yet.
    pub(crate) fn under_way(&self) -> bool {
        self.span.is_some()
    }

    /// Feeds one token; returns a statement when `token` ends one.
    pub(crate) fn push(&mut self, text: &str, token: Token) -> Option<Statement> {
        if token.is_comment() {
            // Comments neither start nor extend a statement's span, but one
            // between its tokens stays inside the span.
            return None;
        }
        if let Token::Semicolon { .. } = token
            && self.depth == 0
        {
            return self.take(text);
        }
        if let Token::Word { start, end } = token {
            self.word(&text[start..end], start);
        } else {
            self.after_begin = None;
        }
        let span = self.span.get_or_insert(Span::at(token.start()));
        span.end = token.end();
        None
    }

    fn word(&mut self, word: &str, at: usize) {
        self.header = self.header.advance(word);
        if self.header != RoutineHeader::Routine {
            return;
        }
        let is = |k: &str| word.eq_ignore_ascii_case(k);
        if let Some(begin_at) = self.after_begin
            && is("atomic")
        {
            if self.depth == 0 {
                self.body_start = begin_at;
            }
            self.depth += 1;
        } else if self.depth > 0 && is("case") {
            self.depth += 1;
        } else if self.depth > 0 && is("end") {
            self.depth -= 1;
        }
        self.after_begin = is("begin").then_some(at);
    }

    fn take(&mut self, text: &str) -> Option<Statement> {
        let taken = std::mem::take(self);
        let span = taken.span?;
        Some(Statement {
            comments: taken.comments,
            sql: text[span.start..span.end].to_owned(),
            span: Some(span),
            guard: None,
        })
    }

    /// Ends the text (or a section): the last statement needs no `;`, but an
    /// open `BEGIN ATOMIC` body is an error, since everything after it would
    /// silently have become part of one statement.
    pub(crate) fn finish(&mut self, text: &str) -> Result<Option<Statement>, SplitError> {
        if self.depth > 0 {
            let at = self.body_start;
            *self = StatementBuilder::default();
            return Err(SplitError {
                offset: at,
                message: "`BEGIN ATOMIC` body is never closed by `END`".to_owned(),
            });
        }
        Ok(self.take(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<String> {
        split(sql)
            .expect("splits")
            .into_iter()
            .map(|s| s.sql)
            .collect()
    }

    #[test]
    fn splits_on_top_level_semicolons_only() {
        assert_eq!(
            texts("SELECT ';'; SELECT \";\" FROM t ;\nSELECT $$;$$;SELECT E'\\';'"),
            [
                "SELECT ';'",
                "SELECT \";\" FROM t",
                "SELECT $$;$$",
                "SELECT E'\\';'"
            ]
        );
    }

    #[test]
    fn string_prefixes_and_parameters() {
        assert_eq!(
            texts("SELECT E'\\\\'; SELECT U&'d\\0061t;a', B'101', X'1f';PREPARE p AS SELECT $1;"),
            [
                "SELECT E'\\\\'",
                "SELECT U&'d\\0061t;a', B'101', X'1f'",
                "PREPARE p AS SELECT $1"
            ]
        );
        assert_eq!(
            texts("SELECT 1 /* it's; \"fine\" */ ; x"),
            ["SELECT 1", "x"]
        );
    }

    #[test]
    fn comment_only_chunks_are_not_statements() {
        assert_eq!(texts("-- a;\n/* b; */ ;\n;; -- c"), Vec::<String>::new());
    }

    #[test]
    fn leading_comments_are_dropped_and_inner_ones_kept() {
        let stmts = split("-- about t\n\n  CREATE TABLE t ( -- the id\n id int);").expect("splits");
        assert_eq!(stmts.len(), 1);
        assert_eq!(stmts[0].sql, "CREATE TABLE t ( -- the id\n id int)");
        assert_eq!(stmts[0].offset(), 14);
        assert_eq!(stmts[0].comments, ["about t"]);
    }

    #[test]
    fn begin_atomic_bodies_keep_their_semicolons() {
        let sql = "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\n\
                   BEGIN ATOMIC\n  SELECT CASE WHEN true THEN 1 ELSE 2 END;\n  SELECT 3;\nEND;\n\
                   SELECT 4;";
        let got = texts(sql);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(got[0].ends_with("SELECT 3;\nEND"), "{}", got[0]);
        assert_eq!(got[1], "SELECT 4");
    }

    #[test]
    fn begin_outside_a_routine_is_a_transaction_statement() {
        assert_eq!(texts("BEGIN; SELECT 1; END;"), ["BEGIN", "SELECT 1", "END"]);
        assert_eq!(
            texts("CREATE TABLE atomic (begin int); SELECT 1"),
            ["CREATE TABLE atomic (begin int)", "SELECT 1"]
        );
    }

    #[test]
    fn an_unclosed_begin_atomic_body_is_an_error() {
        let err = split("SELECT 0;\nCREATE PROCEDURE p() BEGIN ATOMIC SELECT 1; SELECT 2;")
            .expect_err("unclosed body");
        assert_eq!(err.offset, 31);
        assert!(err.message.contains("BEGIN ATOMIC"));
    }

    #[test]
    fn unterminated_quotes_are_errors_at_their_start() {
        let err = split("SELECT 1;\nSELECT 'oops;").expect_err("unterminated");
        assert_eq!(err.offset, 17);
    }

    #[test]
    fn offsets_are_of_the_first_token() {
        let stmts = split("SELECT 1;\r\n/* x */ SELECT\n2;").expect("splits");
        assert_eq!(stmts[1].span, Some(Span::new(19, 27)));
        assert_eq!(stmts[1].sql, "SELECT\n2");
    }

    #[test]
    fn comment_lines_above_a_statement_are_its_own() {
        let sql = "-- one\n--two\n--\n--   three\nSELECT 1; -- after, not above\n\
                   /* a block */\n-- four\nSELECT 2\n-- inside\n, 3;\n-- left over";
        let stmts = split(sql).expect("splits");
        assert_eq!(stmts[0].comments, ["one", "two", "", "  three"]);
        assert_eq!(stmts[1].comments, ["four"]);
        assert_eq!(stmts[1].sql, "SELECT 2\n-- inside\n, 3");
        assert_eq!(stmts.len(), 2);
    }

    fn keyword(sql: &str) -> Option<String> {
        transaction_control(sql, Span::new(0, sql.len()))
    }

    #[test]
    fn transaction_control_statements() {
        for sql in [
            "BEGIN",
            "begin work",
            "COMMIT",
            "commit prepared 'x'",
            "END",
            "ABORT",
            "ROLLBACK",
            "rollback transaction",
            "START TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "PREPARE TRANSACTION 'x'",
        ] {
            assert!(keyword(sql).is_some(), "{sql}");
        }
        for sql in [
            "ROLLBACK TO SAVEPOINT a",
            "rollback work to a",
            "SAVEPOINT a",
            "PREPARE q AS SELECT 1",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END",
            "ENDPOINT",
            "",
        ] {
            assert!(keyword(sql).is_none(), "{sql}");
        }
    }

    #[test]
    fn only_the_statements_own_words_count() {
        let text = "SELECT 1; COMMIT";
        assert_eq!(transaction_control(text, Span::new(0, 8)), None);
        assert_eq!(
            transaction_control(text, Span::new(10, 16)).as_deref(),
            Some("COMMIT")
        );
    }
}
