//! Parsing a migration file, with `file:line:col` errors for anything
//! malformed.
//!
//! The whole file goes through the statement lexer, so a directive-looking
//! line inside a dollar-quoted function body is body text, not a directive.
//! Directives and headers are `--` comments that start a line.

use std::fmt;
use std::sync::Arc;

use petal_source::{Report, SourceFile, Span};

use crate::file::{Checksum, Guard, MigrationFile, Section, Statement, Step};
use crate::lex::{Lexer, Token, starts_line};
use crate::revision::RevisionId;
use crate::split::{StatementBuilder, transaction_control};
use crate::suggest::suggestion;

/// A malformed migration file: what is wrong, at a byte offset of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file's text, under its path.
    pub source: Arc<SourceFile>,
    /// Byte offset in the file.
    pub offset: usize,
    pub message: String,
}

impl ParseError {
    pub fn path(&self) -> &str {
        self.source.path()
    }

    /// The error as a report, pointing at its place in the file.
    pub fn report(&self) -> Report {
        Report::at(&self.source, Span::at(self.offset), self.message.clone())
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.report().fmt(f)
    }
}

impl std::error::Error for ParseError {}

/// What the parser says about a transaction control statement in a file
/// petal runs in transactions, after its keyword.
const REFUSAL: &str = "in a migration that petal runs in transactions: it would \
     end petal's transaction early, so what follows could not be rolled back. \
     Remove it: separate steps with `-- +petal step` (each step commits), or mark \
     the file `-- +petal no-transaction`";

pub(crate) const DIRECTIVES: [&str; 6] =
    ["up", "down", "step", "no-transaction", "lock-timeout", "if"];
pub(crate) const HEADERS: [&str; 4] = ["revision", "parents", "message", "requires"];

/// Parses a migration file. `path` is only used in errors and kept in the
/// result; when its file name starts with digits, they must be the revision
/// id of the header.
pub fn parse(path: &str, text: &str) -> Result<MigrationFile, ParseError> {
    Parser::new(SourceFile::new(path, text)).run()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    Header,
    Up,
    Down,
}

/// A header's value and the byte offset where it starts.
#[derive(Debug, Clone)]
struct HeaderValue {
    value: String,
    at: usize,
}

struct Parser {
    source: Arc<SourceFile>,
    region: Region,
    revision: Option<HeaderValue>,
    parents: Option<HeaderValue>,
    message: Option<HeaderValue>,
    requires: Option<HeaderValue>,
    no_transaction: Option<usize>,
    /// `-- +petal lock-timeout`: the value, and where the directive is.
    lock_timeout: Option<(std::time::Duration, usize)>,
    /// Each section with the offset of its directive.
    up: Option<(Section, usize)>,
    down: Option<(Section, usize)>,
    /// `-- +petal down unpaired`.
    down_unpaired: bool,
    steps: Vec<Step>,
    step: Vec<Statement>,
    /// The current step is `-- +petal step no-transaction`.
    step_no_transaction: bool,
    /// A `-- +petal if` line waiting for the statement under it.
    guard: Option<Guard>,
    builder: StatementBuilder,
}

impl Parser {
    fn new(source: Arc<SourceFile>) -> Self {
        Parser {
            source,
            region: Region::Header,
            revision: None,
            parents: None,
            message: None,
            requires: None,
            no_transaction: None,
            lock_timeout: None,
            up: None,
            down: None,
            down_unpaired: false,
            steps: Vec::new(),
            step: Vec::new(),
            step_no_transaction: false,
            guard: None,
            builder: StatementBuilder::default(),
        }
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            source: Arc::clone(&self.source),
            offset,
            message: message.into(),
        }
    }

    fn run(mut self) -> Result<MigrationFile, ParseError> {
        let source = Arc::clone(&self.source);
        let text = source.text();
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut lexer = Lexer::new(text, start);
        while let Some(token) = lexer.next_token() {
            let token = token.map_err(|e| self.error(e.at, e.message))?;
            match token {
                Token::LineComment { start, end } if starts_line(text, start) => {
                    if !self.line_comment(text, start, end)? {
                        self.builder.comment_line(&text[start..end]);
                    }
                }
                _ if token.is_comment() => {}
                _ if self.region == Region::Header => {
                    return Err(self.error(
                        token.start(),
                        "SQL before `-- +petal up`: statements belong in the up or down section",
                    ));
                }
                _ => {
                    if let Some(statement) = self.builder.push(text, token) {
                        self.add_statement(statement)?;
                    }
                }
            }
        }
        self.close_section()?;
        self.finish()
    }

    /// Adds a statement to the current step; refuses transaction control
    /// in a file petal runs in transactions.
    fn add_statement(&mut self, mut statement: Statement) -> Result<(), ParseError> {
        statement.guard = self.guard.take();
        if self.no_transaction.is_none()
            && !self.step_no_transaction
            && let Some(span) = statement.span
            && let Some(keyword) = transaction_control(self.source.text(), span)
        {
            return Err(self.error(span.start, format!("`{keyword}` {REFUSAL}")));
        }
        self.step.push(statement);
        Ok(())
    }

    /// Reads a `--` comment that starts a line: a directive or a header
    /// (`true`), or a plain comment, left to the statement below it
    /// (`false`).
    fn line_comment(&mut self, text: &str, start: usize, end: usize) -> Result<bool, ParseError> {
        let body = &text[start + 2..end];
        let trimmed = body.trim_start();
        let body_at = start + 2 + (body.len() - trimmed.len());
        if let Some(rest) = trimmed.strip_prefix("+petal") {
            if rest.starts_with(|c: char| !c.is_whitespace()) {
                return Err(self.error(
                    start,
                    format!("unknown directive `-- +petal{}`; a directive is `-- +petal ` and one of: {}", rest.trim_end(), DIRECTIVES.join(", ")),
                ));
            }
            // `-- +petal if QUERY`: the query's place is counted, not
            // searched for (its text may stand earlier on the line too).
            let words = rest.trim_start();
            if let Some(after) = words.strip_prefix("if")
                && (after.is_empty() || after.starts_with(char::is_whitespace))
            {
                let query = after.trim_start();
                let at = end - query.len();
                return self.guard_line(start, query, at).map(|()| true);
            }
            return self.directive(start, rest.trim()).map(|()| true);
        }
        if let Some(rest) = trimmed.strip_prefix("petal ")
            && let Some((key, value)) = rest.split_once(':')
            && is_header_key(key.trim())
        {
            let value_at = body_at + "petal ".len() + key.len() + 1;
            let value_trimmed = value.trim_start();
            let at = value_at + (value.len() - value_trimmed.len());
            return self.header(start, key.trim(), value_trimmed.trim_end(), at);
        }
        Ok(false)
    }

    /// Reads a header; `false` for a `-- petal todo: ...` line in a section,
    /// which is just a comment.
    fn header(
        &mut self,
        start: usize,
        key: &str,
        value: &str,
        at: usize,
    ) -> Result<bool, ParseError> {
        if self.region != Region::Header {
            if !HEADERS.contains(&key) {
                return Ok(false);
            }
            return Err(self.error(
                start,
                format!("`-- petal {key}:` header after the sections; headers go at the top of the file, before `-- +petal up`"),
            ));
        }
        let slot = match key {
            "revision" => &mut self.revision,
            "parents" => &mut self.parents,
            "message" => &mut self.message,
            "requires" => &mut self.requires,
            _ => {
                let hint = suggestion(key, &HEADERS)
                    .map(|s| format!("; did you mean `-- petal {s}:`?"))
                    .unwrap_or_default();
                return Err(self.error(
                    start,
                    format!(
                        "unknown header `-- petal {key}:`{hint} (headers: revision, parents, message, requires)"
                    ),
                ));
            }
        };
        if let Some(first) = slot {
            let first_line = self.source.line_of(first.at);
            return Err(self.error(
                start,
                format!("duplicate `-- petal {key}:` header (first on line {first_line})"),
            ));
        }
        *slot = Some(HeaderValue {
            value: value.to_owned(),
            at,
        });
        Ok(true)
    }

    fn directive(&mut self, start: usize, rest: &str) -> Result<(), ParseError> {
        let mut words = rest.split_whitespace();
        let name = words.next().unwrap_or("");
        if name == "lock-timeout" {
            return self.lock_timeout(start, words.collect::<Vec<_>>().join(" "));
        }
        let mut extra = words.next();
        let step_outside = name == "step" && extra == Some("no-transaction");
        let down_unpaired = name == "down" && extra == Some("unpaired");
        if step_outside || down_unpaired {
            extra = words.next();
        }
        if let Some(extra) = extra {
            let read = match (step_outside, down_unpaired) {
                (true, _) => "step no-transaction",
                (_, true) => "down unpaired",
                _ => name,
            };
            return Err(self.error(
                start,
                format!("unexpected `{extra}` after `-- +petal {read}`; a directive stands alone on its line"),
            ));
        }
        match name {
            "up" | "down" => {
                self.down_unpaired |= down_unpaired;
                self.open_section(start, name)
            }
            "step" => {
                if self.region == Region::Header {
                    return Err(self.error(
                        start,
                        "`-- +petal step` outside a section; it separates steps inside `-- +petal up` or `-- +petal down`",
                    ));
                }
                self.close_step()?;
                self.step_no_transaction = step_outside;
                Ok(())
            }
            "no-transaction" => {
                if self.region != Region::Header {
                    return Err(self.error(
                        start,
                        "`-- +petal no-transaction` applies to the whole file; put it before `-- +petal up`",
                    ));
                }
                if let Some(first) = self.no_transaction {
                    let first_line = self.source.line_of(first);
                    return Err(self.error(
                        start,
                        format!(
                            "duplicate `-- +petal no-transaction` (first on line {first_line})"
                        ),
                    ));
                }
                self.no_transaction = Some(start);
                Ok(())
            }
            "" => Err(self.error(
                start,
                format!(
                    "`-- +petal` without a directive; expected one of: {}",
                    DIRECTIVES.join(", ")
                ),
            )),
            _ => {
                let hint = suggestion(name, &DIRECTIVES)
                    .map(|s| format!("; did you mean `-- +petal {s}`?"))
                    .unwrap_or_else(|| format!("; expected one of: {}", DIRECTIVES.join(", ")));
                Err(self.error(start, format!("unknown directive `-- +petal {name}`{hint}")))
            }
        }
    }

    /// `-- +petal if QUERY`: the statement under it runs only when the
    /// query answers true (`query` runs to the end of the line, at byte
    /// `at`; a `;` ending it is no part of it).
    fn guard_line(&mut self, start: usize, query: &str, at: usize) -> Result<(), ParseError> {
        let query = query.trim_end();
        let query = query.strip_suffix(';').unwrap_or(query).trim_end();
        if self.region == Region::Header {
            return Err(self.error(
                start,
                "`-- +petal if` outside a section; it goes right above a statement in `-- +petal up` or `-- +petal down`",
            ));
        }
        if query.is_empty() {
            return Err(self.error(
                start,
                "`-- +petal if` without a query; write `-- +petal if SELECT ...`, a query answering one boolean",
            ));
        }
        if self.builder.under_way() {
            return Err(self.error(
                start,
                "`-- +petal if` inside a statement; it goes right above the statement it guards",
            ));
        }
        if let Some(first) = &self.guard {
            let first_line = self.source.line_of(first.offset);
            return Err(self.error(
                start,
                format!("a second `-- +petal if` over one statement (the first on line {first_line}); join the queries with AND"),
            ));
        }
        self.guard = Some(Guard {
            sql: query.to_owned(),
            offset: at,
        });
        Ok(())
    }

    /// `-- +petal lock-timeout 5s`: how long each statement of this file
    /// waits for a lock (`0`: as long as it takes), over `petal.toml`'s.
    fn lock_timeout(&mut self, start: usize, value: String) -> Result<(), ParseError> {
        if self.region != Region::Header {
            return Err(self.error(
                start,
                "`-- +petal lock-timeout` applies to the whole file; put it before `-- +petal up`",
            ));
        }
        if let Some((_, first)) = self.lock_timeout {
            let first_line = self.source.line_of(first);
            return Err(self.error(
                start,
                format!("duplicate `-- +petal lock-timeout` (first on line {first_line})"),
            ));
        }
        let duration = crate::duration::parse_duration(&value)
            .map_err(|why| self.error(start, format!("`-- +petal lock-timeout`: {why}")))?;
        self.lock_timeout = Some((duration, start));
        Ok(())
    }

    fn open_section(&mut self, start: usize, name: &str) -> Result<(), ParseError> {
        let seen = if name == "up" { &self.up } else { &self.down };
        if let Some((_, first)) = seen {
            let first_line = self.source.line_of(*first);
            return Err(self.error(
                start,
                format!("duplicate `-- +petal {name}` section (first on line {first_line})"),
            ));
        }
        self.close_section()?;
        let placeholder = Some((Section::default(), start));
        if name == "up" {
            self.up = placeholder;
            self.region = Region::Up;
        } else {
            self.down = placeholder;
            self.region = Region::Down;
        }
        Ok(())
    }

    /// Ends the pending statement (a section's last one needs no `;`) and
    /// the current step; empty steps are dropped.
    fn close_step(&mut self) -> Result<(), ParseError> {
        let last = self
            .builder
            .finish(self.source.text())
            .map_err(|e| self.error(e.offset, e.message))?;
        if let Some(statement) = last {
            self.add_statement(statement)?;
        }
        if let Some(guard) = self.guard.take() {
            return Err(self.error(
                guard.offset,
                "`-- +petal if` with no statement under it in its step; the line goes right above the statement it guards",
            ));
        }
        if !self.step.is_empty() {
            let statements = std::mem::take(&mut self.step);
            self.steps.push(Step {
                statements,
                no_transaction: self.step_no_transaction,
            });
        }
        Ok(())
    }

    fn close_section(&mut self) -> Result<(), ParseError> {
        self.close_step()?;
        self.step_no_transaction = false;
        let steps = std::mem::take(&mut self.steps);
        let section = match self.region {
            Region::Header => return Ok(()),
            Region::Up => &mut self.up,
            Region::Down => &mut self.down,
        };
        if let Some((section, _)) = section {
            section.steps = steps;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<MigrationFile, ParseError> {
        let Some(revision) = self.revision.take() else {
            return Err(self.error(
                0,
                "missing header `-- petal revision: YYYYMMDDHHMMSS` at the top of the file",
            ));
        };
        let revision_id = RevisionId::parse(&revision.value)
            .map_err(|e| self.error(revision.at, e.to_string()))?;
        self.check_file_name(&revision_id, revision.at)?;
        let Some(parents) = self.parents.take() else {
            return Err(self.error(
                0,
                "missing header `-- petal parents:` (list the parent revisions, space-separated; leave it empty for the first revision)",
            ));
        };
        let parent_ids = self.parents(&parents, &revision_id)?;
        let Some((up, _)) = self.up.take() else {
            let at = self.down.as_ref().map_or(0, |(_, at)| *at);
            return Err(self.error(at, "missing `-- +petal up` section"));
        };
        let down = self.down.take().map(|(down, _)| down).unwrap_or_default();
        let requires_server = match self.requires.take() {
            Some(header) => Some(self.requires_server(&header)?),
            None => None,
        };
        Ok(MigrationFile {
            revision: revision_id,
            parents: parent_ids,
            message: self.message.take().map(|m| m.value).unwrap_or_default(),
            requires_server,
            no_transaction: self.no_transaction.is_some(),
            lock_timeout: self.lock_timeout.map(|(duration, _)| duration),
            up,
            down,
            down_unpaired: self.down_unpaired,
            checksum: Checksum::of(self.source.text()),
            source: Arc::clone(&self.source),
        })
    }

    /// `-- petal requires: PostgreSQL 18`: the major version.
    fn requires_server(&self, header: &HeaderValue) -> Result<u32, ParseError> {
        let version = header
            .value
            .strip_prefix("PostgreSQL ")
            .map(str::trim_start)
            .filter(|major| !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|major| major.parse::<u32>().ok());
        version.ok_or_else(|| {
            self.error(
                header.at,
                format!(
                    "`-- petal requires: {}`: expected `PostgreSQL` and a major version, as in \
                     `-- petal requires: PostgreSQL 18`",
                    header.value
                ),
            )
        })
    }

    fn parents(
        &self,
        header: &HeaderValue,
        revision: &RevisionId,
    ) -> Result<Vec<RevisionId>, ParseError> {
        let mut out: Vec<RevisionId> = Vec::new();
        let mut at = header.at;
        for word in header.value.split(|c: char| c.is_ascii_whitespace()) {
            let word_at = at;
            at += word.len() + 1;
            if word.is_empty() {
                continue;
            }
            let parent = RevisionId::parse(word).map_err(|e| self.error(word_at, e.to_string()))?;
            if &parent == revision {
                return Err(self.error(word_at, "a revision cannot be its own parent"));
            }
            if out.contains(&parent) {
                return Err(self.error(word_at, format!("parent {parent} is listed twice")));
            }
            out.push(parent);
        }
        Ok(out)
    }

    /// `20260728093000_add_x.sql` must hold revision 20260728093000: the
    /// file name is what people see and sort by.
    fn check_file_name(&self, revision: &RevisionId, at: usize) -> Result<(), ParseError> {
        let path = self.source.path();
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let digits = name.len() - name.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let prefix = &name[..digits];
        if prefix.is_empty() || prefix == revision.as_str() {
            return Ok(());
        }
        Err(self.error(
            at,
            format!(
                "revision {revision} differs from the file name's {prefix}; rename the file to `{revision}_...sql` or fix the header"
            ),
        ))
    }
}

fn is_header_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_')
}
