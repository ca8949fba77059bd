//! What a run that stopped says: the statement PostgreSQL refused, or the
//! signal that stopped it, and in both cases what stays committed, read
//! from the step journal.

use std::fmt;
use std::sync::Arc;

use petal_migrate::Direction;
use petal_pg::error::ServerError;
use petal_source::{Report, SourceFile};

use crate::interrupt::Signal;

#[derive(Debug)]
pub enum RunError {
    /// A statement failed; its step was rolled back (outside a transaction,
    /// what ran before it stays). Boxed: it carries the
    /// file, the SQL and PostgreSQL's words.
    Statement(Box<FailedStatement>),
    /// A signal stopped the run; the running step was rolled back, unless
    /// it runs outside a transaction.
    Interrupted(Box<Interrupted>),
    /// The connection was lost, or the bookkeeping failed, while a
    /// migration ran: what committed is in the journal, which petal cannot
    /// read on this connection any more.
    Lost {
        revision: String,
        step: usize,
        of: usize,
        /// The step runs outside a transaction: what it ran stays.
        outside_step: bool,
        source: tokio_postgres::Error,
    },
    /// The connection or the bookkeeping failed outside any migration.
    Db(tokio_postgres::Error),
}

/// Where a migration stopped: its revision, direction and steps.
#[derive(Debug, Clone)]
pub struct StoppedAt {
    pub revision: String,
    pub direction: Direction,
    /// 0-based: the step that was running (and rolled back, unless
    /// `outside_step`).
    pub step: usize,
    /// The steps of the section.
    pub of: usize,
    /// Steps committed, per the journal read after the rollback (a cancel
    /// can race a commit: petal says what the database holds, not what it
    /// meant to do).
    pub committed: usize,
    /// The running step is marked `no-transaction`: what it ran stays.
    pub outside_step: bool,
}

/// A migration's statement PostgreSQL refused, and what stays applied.
#[derive(Debug)]
pub struct FailedStatement {
    pub at: StoppedAt,
    /// The migration file the statement is in.
    pub file: Arc<SourceFile>,
    /// Where the statement starts in the file, and its SQL as sent.
    pub statement_start: usize,
    pub sql: String,
    /// What PostgreSQL said (a hint of petal's own where it gave none).
    pub server: ServerError,
    /// How many times the step ran (more than one when a lock timeout
    /// made petal retry it).
    pub attempts: u32,
    /// For a no-transaction migration or step: where the statements that ran, and
    /// stay applied, start in the file.
    pub ran_outside_transaction: Option<Vec<usize>>,
}

/// A run a signal stopped.
#[derive(Debug)]
pub struct Interrupted {
    pub signal: Signal,
    pub at: StoppedAt,
    /// The migration file.
    pub file: Arc<SourceFile>,
    /// The statement the signal stopped at, if one: its offset, and
    /// whether the server cancelled it (or it had finished).
    pub statement: Option<(usize, bool)>,
    /// Outside a transaction: where the statements that ran, and stay
    /// applied, start.
    pub ran: Vec<usize>,
}

impl From<tokio_postgres::Error> for RunError {
    fn from(e: tokio_postgres::Error) -> Self {
        RunError::Db(e)
    }
}

impl RunError {
    /// A failed statement at its place in its file (the token PostgreSQL
    /// pointed at), with what stays applied; or the connection's error.
    pub fn report(&self) -> Report {
        match self {
            RunError::Db(e) => ServerError::of(e).report(""),
            RunError::Lost {
                revision,
                step,
                of,
                outside_step,
                source,
            } => ServerError::of(source)
                .report(&format!(
                    "revision {revision} stopped in step {} of {of}",
                    step + 1
                ))
                .with_note(if *outside_step {
                    "the step that was running runs outside a transaction: what it ran stays, \
                     and it is not recorded; the steps that committed are recorded in \
                     petal_migration_steps: `petal status` shows where the revision stands, and \
                     `petal upgrade` runs the step again from its first statement"
                } else {
                    "the step that was running did not commit; the steps that did are recorded in \
                     petal_migration_steps: `petal status` shows where the revision stands, and \
                     `petal upgrade` resumes after them"
                }),
            RunError::Statement(failed) => failed.report(),
            RunError::Interrupted(stopped) => stopped.report(),
        }
    }

    /// The signal that stopped the run, if one did.
    pub fn signal(&self) -> Option<Signal> {
        match self {
            RunError::Interrupted(stopped) => Some(stopped.signal),
            _ => None,
        }
    }
}

impl StoppedAt {
    /// What the database holds now, and the command that goes on.
    fn state(&self) -> String {
        let StoppedAt {
            revision,
            direction,
            step,
            of,
            committed,
            outside_step,
        } = self;
        let (verb, command, log) = match direction {
            Direction::Up => ("applied", "petal upgrade", "is not in petal_migrations"),
            Direction::Down => ("reverted", "petal downgrade", "stays in petal_migrations"),
        };
        if *outside_step {
            let running = step + 1;
            let before = if *committed == 0 {
                format!("no step of {revision} is {verb}")
            } else {
                format!(
                    "{}, recorded in petal_migration_steps",
                    committed_steps(*committed, *of)
                )
            };
            return format!(
                "step {running} of {of} runs outside a transaction: nothing of it was rolled \
                 back, and it is not recorded; {before}. `{command}` runs step {running} again \
                 from its first statement, so its statements must be safe to run twice (petal's \
                 own are: a failed CREATE INDEX CONCURRENTLY leaves an INVALID index, which the \
                 step's DROP INDEX CONCURRENTLY IF EXISTS removes first)"
            );
        }
        if *of <= 1 {
            return format!(
                "the migration was rolled back: revision {revision} {log}, as before the run"
            );
        }
        let running = step + 1;
        if *committed == 0 {
            return format!(
                "step {running} of {of} was rolled back; no step of {revision} is {verb}"
            );
        }
        format!(
            "step {running} of {of} was rolled back; {revision} is partly {verb}: {}, recorded in \
             petal_migration_steps. `{command}` resumes at step {}; `petal status` shows where it \
             stands",
            committed_steps(*committed, *of),
            committed + 1
        )
    }
}

/// `step 1 of 3 stays committed`, `steps 1–2 of 3 stay committed`.
fn committed_steps(committed: usize, of: usize) -> String {
    if committed == 1 {
        format!("step 1 of {of} stays committed")
    } else {
        format!("steps 1–{committed} of {of} stay committed")
    }
}

impl FailedStatement {
    fn report(&self) -> Report {
        let what = format!("migration {} failed", self.at.revision);
        let mut report =
            self.server
                .report_in_file(&what, &self.file, self.statement_start, &self.sql);
        if self.attempts > 1 {
            report = report.with_note(format!(
                "the step was tried {} times: each attempt waited for a lock longer than \
                 lock_timeout allows (petal.toml `lock_timeout`, or `-- +petal lock-timeout` in the \
                 file); find what holds the lock in pg_locks / pg_stat_activity",
                self.attempts
            ));
        }
        let state = match &self.ran_outside_transaction {
            None => self.at.state(),
            Some(ran) if self.at.outside_step => {
                let ran = if ran.is_empty() {
                    "none of the step's statements before this one had run".to_string()
                } else {
                    format!(
                        "the statements at {} ran and stay applied",
                        self.places(ran)
                    )
                };
                format!("{ran}; {}", self.at.state())
            }
            Some(ran) if ran.is_empty() => {
                "no statement of this no-transaction migration had run".to_string()
            }
            Some(ran) => format!(
                "this migration runs without a transaction: the statements at {} ran and stay \
                 applied; petal_migrations is unchanged. Undo them by hand or make them \
                 idempotent before retrying (a failed CREATE INDEX CONCURRENTLY leaves an \
                 INVALID index: DROP INDEX CONCURRENTLY it)",
                self.places(ran)
            ),
        };
        report.with_note(state)
    }

    /// `file:line` of each statement at `offsets`.
    fn places(&self, offsets: &[usize]) -> String {
        let list: Vec<String> = offsets
            .iter()
            .map(|&offset| format!("{}:{}", self.file.path(), self.file.line_of(offset)))
            .collect();
        list.join(", ")
    }
}

impl Interrupted {
    fn report(&self) -> Report {
        let mut report = Report::new(format!(
            "{} stopped the run during revision {}",
            self.signal.name(),
            self.at.revision
        ));
        let place = |offset: usize| format!("{}:{}", self.file.path(), self.file.line_of(offset));
        match self.statement {
            Some((offset, true)) => {
                report = report.with_note(format!(
                    "the statement at {} was cancelled on the server",
                    place(offset)
                ));
            }
            Some((offset, false)) => {
                report = report.with_note(format!(
                    "the statement at {} had finished; petal stopped before the next",
                    place(offset)
                ));
            }
            None => {}
        }
        if !self.ran.is_empty() {
            let list: Vec<String> = self.ran.iter().map(|&o| place(o)).collect();
            report = report.with_note(format!(
                "the statements at {} ran and stay applied",
                list.join(", ")
            ));
        }
        report.with_note(self.at.state())
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.report().fmt(f)
    }
}

impl std::error::Error for RunError {}
