//! What the renderer gives: statements with what a reviewer should know
//! about them, in steps, and the comment lines that say it.

use petal_ir::Origin;
use serde::{Deserialize, Serialize};

use super::sql::{self, Traced};
use crate::classify::Safety;
use crate::impact::Impact;

/// One SQL statement and what a reviewer should know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewedStatement {
    /// The statement, ending in `;`.
    pub sql: String,
    pub description: String,
    pub safety: Safety,
    pub notes: Vec<String>,
    /// Changes whose SQL this statement carries too, each with its own
    /// description, safety and notes: a table's type changes run as one
    /// `ALTER TABLE`, so the table is rewritten once, not once per column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub folded: Vec<ReviewedStatement>,
    /// Where the pieces of `sql` come from (byte ranges), the whole
    /// statement's object among them: what an error PostgreSQL reports in
    /// the statement is traced back to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<Traced>,
    /// The locks it takes on existing relations, and what it rewrites or
    /// reads whole (a folded change's are in its own `folded` entry).
    #[serde(default, skip_serializing_if = "Impact::is_empty")]
    pub impact: Impact,
    /// A query answering one boolean: the statement runs only when it
    /// answers true (`-- +petal if` in the file). A step that a failure may
    /// leave half done resumes by the branch that finishes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<String>,
}

impl ReviewedStatement {
    /// The object part the SQL at PostgreSQL's error position renders
    /// (`position`: 1-based, in characters, as the server reports it), or
    /// the statement's own object when there is no position.
    pub fn origin_at(&self, position: Option<usize>) -> Option<&Origin> {
        let offset = position.map(|p| {
            self.sql
                .char_indices()
                .nth(p.saturating_sub(1))
                .map_or(self.sql.len(), |(i, _)| i)
        });
        self.origin_at_offset(offset)
    }

    /// The object part the SQL at byte `offset` renders, or the
    /// statement's own object when there is no offset.
    pub fn origin_at_offset(&self, offset: Option<usize>) -> Option<&Origin> {
        sql::origin_at(&self.origins, offset)
    }

    /// The statement's impact with that of every change folded into it.
    /// Rewrites its impact, and each folded change's, with `f`.
    pub(crate) fn map_impacts(&mut self, f: &impl Fn(Impact) -> Impact) {
        self.impact = f(std::mem::take(&mut self.impact));
        for part in &mut self.folded {
            part.impact = f(std::mem::take(&mut part.impact));
        }
    }

    pub fn total_impact(&self) -> Impact {
        self.folded
            .iter()
            .fold(self.impact.clone(), |total, part| total.merge(&part.impact))
    }

    /// The object the statement is about as a whole (the change's).
    pub fn object(&self) -> Option<&petal_ir::ObjectKey> {
        self.origin_at_offset(None).map(|o| &o.object)
    }
}

/// Statements that run in one transaction, or, `no_transaction`, each on
/// its own (`CREATE INDEX CONCURRENTLY` refuses a transaction block).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewedStep {
    pub statements: Vec<ReviewedStatement>,
    /// Why this step is separate, when it is (for a comment in the file).
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_transaction: bool,
}

impl ReviewedStep {
    /// A transactional step.
    pub fn new(statements: Vec<ReviewedStatement>, reason: Option<String>) -> ReviewedStep {
        ReviewedStep {
            statements,
            reason,
            no_transaction: false,
        }
    }
}

impl ReviewedStatement {
    /// The comment lines a reviewer reads over the statement: its
    /// description, prefixed by its classification when it is not safe
    /// (`destructive: ...`, `locks: ...`), then its notes; then the same
    /// for each change folded into it; last, what waits for it
    /// (`impact: ...`).
    pub fn comment_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for part in std::iter::once(self).chain(&self.folded) {
            match part.safety {
                Safety::Safe => lines.push(part.description.clone()),
                Safety::Locks => lines.push(format!("locks: {}", part.description)),
                Safety::Breaking => lines.push(format!("breaks: {}", part.description)),
                Safety::Destructive => lines.push(format!("destructive: {}", part.description)),
            }
            lines.extend(part.notes.iter().cloned());
        }
        lines.extend(self.total_impact().line());
        lines
    }
}

impl ReviewedStep {
    /// Each statement's SQL with the comment lines to write above it (the
    /// step's reason over its first, and a statement's own lines unless
    /// they repeat those of the statement before) and its guard.
    pub fn annotated(&self) -> Vec<(Vec<String>, Option<&str>, &str)> {
        let mut previous: Option<Vec<String>> = None;
        let mut out = Vec::with_capacity(self.statements.len());
        for (index, statement) in self.statements.iter().enumerate() {
            let mut comments = Vec::new();
            if index == 0
                && let Some(reason) = &self.reason
            {
                comments.push(format!("step: {reason}"));
            }
            let own = statement.comment_lines();
            if previous.as_ref() != Some(&own) {
                comments.extend(own.iter().cloned());
            }
            previous = Some(own);
            out.push((comments, statement.guard.as_deref(), statement.sql.as_str()));
        }
        out
    }
}
