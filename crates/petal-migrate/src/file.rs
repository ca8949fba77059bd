//! What a parsed migration file holds.

use std::fmt;
use std::sync::Arc;

use petal_source::{SourceFile, Span};
use sha2::{Digest, Sha256};

use crate::revision::RevisionId;

/// One migration file, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFile {
    pub revision: RevisionId,
    /// Empty for a first revision, several for a merge; in file order.
    pub parents: Vec<RevisionId>,
    pub message: String,
    /// `-- petal requires: PostgreSQL 18`: the oldest major version the
    /// file's statements run on, when it is newer than petal's oldest.
    pub requires_server: Option<u32>,
    /// `-- +petal no-transaction`: each statement runs on its own, outside
    /// any transaction (`CREATE INDEX CONCURRENTLY` needs it).
    pub no_transaction: bool,
    /// `-- +petal lock-timeout`: how long each statement waits for a lock,
    /// over the project's setting; zero for as long as it takes.
    pub lock_timeout: Option<std::time::Duration>,
    pub up: Section,
    pub down: Section,
    /// `-- +petal down unpaired`: the down's steps do not undo the up's
    /// one for one (petal's generated files of several steps), so a partly
    /// applied revision is not undone step by step.
    pub down_unpaired: bool,
    pub checksum: Checksum,
    /// The file's text, under the path it was parsed from (as given to the
    /// parser, and used in every message about the file): statements' spans
    /// and reports point into it.
    pub source: Arc<SourceFile>,
}

impl MigrationFile {
    pub fn path(&self) -> &str {
        self.source.path()
    }

    /// The 1-based line where `statement`'s SQL starts in this file.
    pub fn line_of(&self, statement: &Statement) -> usize {
        self.source.line_of(statement.offset())
    }

    /// The section that runs in `direction`.
    pub fn section(&self, direction: crate::Direction) -> &Section {
        match direction {
            crate::Direction::Up => &self.up,
            crate::Direction::Down => &self.down,
        }
    }

    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }
}

/// The `up` or `down` part of a file. Steps never hold zero statements; a
/// section with nothing to do has no steps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub steps: Vec<Step>,
}

impl Section {
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.steps.iter().flat_map(|step| step.statements.iter())
    }

    /// Each step's [`Step::checksum`], in order: what the step journal
    /// compares a committed step with. A section with no step runs as one
    /// empty step (the log row is written in it), and is journalled so.
    pub fn step_checksums(&self) -> Vec<Checksum> {
        if self.steps.is_empty() {
            return vec![Step::default().checksum()];
        }
        self.steps.iter().map(Step::checksum).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

/// Statements that run in one transaction (unless the file or the step is
/// `no-transaction`), separated in the file by `-- +petal step`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Step {
    pub statements: Vec<Statement>,
    /// `-- +petal step no-transaction`: each statement runs on its own
    /// (`CREATE INDEX CONCURRENTLY`), the step journalled after the last.
    pub no_transaction: bool,
}

impl Step {
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// The checksum of what the step runs: its statements' SQL, each ended
    /// by `;` and a line break, with its `-- +petal if` line over it.
    /// Comments above statements do not count (an edited comment changes
    /// nothing that ran); an edited statement or guard does.
    pub fn checksum(&self) -> Checksum {
        let mut text = String::new();
        for statement in &self.statements {
            if let Some(guard) = &statement.guard {
                text.push_str("-- +petal if ");
                text.push_str(&guard.sql);
                text.push('\n');
            }
            text.push_str(&statement.sql);
            text.push_str(";\n");
        }
        Checksum::of(&text)
    }
}

/// A step of generated statements, each with the comment lines to write
/// above it and the query it runs under, if any.
impl<G: Into<String>, S: Into<String>> FromIterator<(Vec<String>, Option<G>, S)> for Step {
    fn from_iter<I: IntoIterator<Item = (Vec<String>, Option<G>, S)>>(iter: I) -> Self {
        Step {
            statements: iter
                .into_iter()
                .map(|(comments, guard, sql)| {
                    let statement = Statement::annotated(comments, sql);
                    match guard {
                        Some(query) => statement.guarded(query),
                        None => statement,
                    }
                })
                .collect(),
            no_transaction: false,
        }
    }
}

impl From<Vec<Statement>> for Step {
    fn from(statements: Vec<Statement>) -> Self {
        Step {
            statements,
            no_transaction: false,
        }
    }
}

/// One SQL statement with the comment lines standing above it: a generated
/// one (the change it makes, `destructive: ...`, `locks: ...`, notes) or a
/// parsed one (whatever `--` lines its author wrote above it). Every writer
/// of statements ([`crate::write_statement`]) prints both the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The comment lines, without their `--` and the one space after it;
    /// a line holding line breaks is written as several comment lines.
    /// Directives and headers are never comments.
    pub comments: Vec<String>,
    /// The SQL, without the terminating `;` and the comments above it
    /// (comments inside it are kept). A generated statement may end in a
    /// `;`; the writer adds its own.
    pub sql: String,
    /// Where the SQL stands in its file (or in the text given to
    /// [`crate::split`]); `None` for a generated statement.
    pub span: Option<Span>,
    /// `-- +petal if QUERY` above it: the statement runs only when the
    /// query answers true. A step a failure may leave half done (a
    /// `DETACH PARTITION ... CONCURRENTLY` left pending) says so in SQL,
    /// and a run that resumes it takes the branch that finishes it.
    pub guard: Option<Guard>,
}

/// The query of a `-- +petal if` line: one row, one boolean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    pub sql: String,
    /// Where the query starts in its file; 0 for a generated one.
    pub offset: usize,
}

impl Statement {
    /// A generated statement, with no comments yet.
    pub fn new(sql: impl Into<String>) -> Self {
        Statement {
            comments: Vec::new(),
            sql: sql.into(),
            span: None,
            guard: None,
        }
    }

    /// A generated statement with the comment lines to write above it.
    pub fn annotated(comments: Vec<String>, sql: impl Into<String>) -> Self {
        Statement {
            comments,
            sql: sql.into(),
            span: None,
            guard: None,
        }
    }

    /// The statement, run only when `query` (one row, one boolean)
    /// answers true.
    pub fn guarded(mut self, query: impl Into<String>) -> Self {
        self.guard = Some(Guard {
            sql: query.into(),
            offset: 0,
        });
        self
    }

    pub fn with_comment(mut self, comment: impl Into<String>) -> Self {
        self.comments.push(comment.into());
        self
    }

    /// The byte offset where the SQL starts in its file; 0 for a
    /// generated statement.
    pub fn offset(&self) -> usize {
        self.span.map_or(0, |span| span.start)
    }
}

/// SHA-256 of a file's text with CRLF line endings turned into LF, in
/// lowercase hex, so a checkout with `core.autocrlf` does not look modified.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Checksum(String);

impl Checksum {
    pub fn of(text: &str) -> Self {
        let mut hasher = Sha256::new();
        let mut rest = text;
        while let Some(at) = rest.find("\r\n") {
            hasher.update(&rest.as_bytes()[..at]);
            hasher.update(b"\n");
            rest = &rest[at + 2..];
        }
        hasher.update(rest.as_bytes());
        Checksum(hex::encode(hasher.finalize()))
    }

    /// A checksum as stored in the `petal_migrations` log. It is not
    /// validated: a damaged value simply matches no file.
    pub fn from_stored(hex: impl Into<String>) -> Self {
        Checksum(hex.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_is_sha256_hex_of_lf_text() {
        assert_eq!(
            Checksum::of("").as_str(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(Checksum::of("a\r\nb\r\n"), Checksum::of("a\nb\n"));
        assert_ne!(Checksum::of("a\nb\n"), Checksum::of("a\nb"));
        assert_ne!(Checksum::of("a\rb"), Checksum::of("a\nb"));
    }
}
