//! Runs one migration: its steps in order, each in its own transaction (or,
//! for a no-transaction file, each statement on its own), each committed
//! step recorded in the step journal in its transaction, the log row
//! written with the last step. A step whose statement waited longer than
//! `lock_timeout` is rolled back and tried again, a bounded number of
//! times; a signal cancels the running statement on the server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use petal_migrate::{PlannedMigration, Statement, Step};
use petal_pg::ConnConfig;
use petal_pg::error::ServerError;
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

use crate::failure::{FailedStatement, Interrupted, RunError, StoppedAt};
use crate::interrupt::Interrupt;
use crate::journal;
use crate::policy::StepPolicy;
use crate::stamp::write_log;

/// Whether to run the section's SQL or only to record the revision in the
/// log (`stamp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Run,
    LogOnly,
}

/// What a run says as it goes, besides starting and finishing migrations.
pub enum StepEvent<'a> {
    /// The migration resumes after steps that committed in an earlier run.
    Resumed {
        migration: &'a PlannedMigration,
        committed: usize,
        of: usize,
    },
    /// A step waited for a lock longer than `lock_timeout`; it was rolled
    /// back and runs again after `pause`.
    LockTimeout {
        migration: &'a PlannedMigration,
        step: usize,
        attempt: u32,
        attempts: u32,
        pause: Duration,
    },
}

/// What runs migrations on one session: its connection (and the settings
/// to cancel a statement on it), the step policy, the signal that stops it.
pub struct Runner<'a> {
    pub client: &'a Client,
    pub cfg: &'a ConnConfig,
    pub policy: StepPolicy,
    pub interrupt: &'a Interrupt,
}

/// Why a step's attempt stopped.
enum StepStop<'s> {
    /// The statement failed, or the `-- +petal if` query over it.
    Failed(&'s Statement, tokio_postgres::Error, Part),
    /// A signal came: before the step's first statement (`None`), or
    /// while or after a statement ran.
    Interrupted(Option<Signalled<'s>>),
    Db(tokio_postgres::Error),
}

/// What of a statement failed: its `-- +petal if` query, or itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Guard,
    Statement,
}

/// The statement a signal stopped a step at: cancelled on the server, or
/// finished before petal stopped.
#[derive(Clone, Copy)]
struct Signalled<'s> {
    statement: &'s Statement,
    cancelled: bool,
}

impl From<tokio_postgres::Error> for StepStop<'_> {
    fn from(e: tokio_postgres::Error) -> Self {
        StepStop::Db(e)
    }
}

impl Runner<'_> {
    /// Runs a planned migration (or, with [`Mode::LogOnly`], only records
    /// it), from its first step not committed yet. Call with the migration
    /// lock held.
    pub async fn execute(
        &self,
        m: &PlannedMigration,
        mode: Mode,
        on_event: &mut dyn FnMut(StepEvent<'_>),
    ) -> Result<(), RunError> {
        let steps: Vec<&Step> = match mode {
            Mode::Run => m.section().steps.iter().collect(),
            Mode::LogOnly => Vec::new(),
        };
        let lock_timeout = m
            .file
            .lock_timeout
            .or(self.policy.lock_timeout)
            .filter(|t| !t.is_zero());
        if m.file.no_transaction && mode == Mode::Run {
            let statements: Vec<&[Statement]> =
                steps.iter().map(|s| s.statements.as_slice()).collect();
            return self.without_transaction(m, &statements, lock_timeout).await;
        }
        let started = Instant::now();
        let step_count = steps.len().max(1);
        if m.first_step > 0 {
            on_event(StepEvent::Resumed {
                migration: m,
                committed: m.first_step,
                of: step_count,
            });
        }
        for index in m.first_step..step_count {
            let step = steps.get(index).copied();
            let statements: &[Statement] = step.map_or(&[], |s| s.statements.as_slice());
            let outside = step.is_some_and(|s| s.no_transaction);
            let last = index + 1 == step_count;
            let mut attempt = 1;
            loop {
                // The statements a false guard skipped: they did not run.
                let mut skipped = Vec::new();
                let attempted = if outside {
                    let at = (index, last, started);
                    self.attempt_step_outside(m, statements, at, lock_timeout, &mut skipped)
                        .await
                } else {
                    self.attempt_step(m, statements, index, last, lock_timeout, started)
                        .await
                };
                let stop = match attempted {
                    Ok(()) => break,
                    Err(stop) => stop,
                };
                let _ = self.client.batch_execute("ROLLBACK").await;
                let pause = Duration::from_millis(500 << attempt.min(6));
                match stop {
                    StepStop::Failed(_, ref e, _)
                        if lock_timed_out(e)
                            && attempt < self.policy.attempts
                            && self.interrupt.fired().is_none() =>
                    {
                        on_event(StepEvent::LockTimeout {
                            migration: m,
                            step: index + 1,
                            attempt,
                            attempts: self.policy.attempts,
                            pause,
                        });
                        tokio::select! {
                            _ = tokio::time::sleep(pause) => {}
                            _ = self.interrupt.wait() => {}
                        }
                        attempt += 1;
                    }
                    StepStop::Failed(stmt, e, part) => {
                        // A statement that failed because the session was
                        // terminated leaves no connection to read the
                        // journal on.
                        let Ok(at) = self.stopped_at(m, index, step_count, outside).await else {
                            return Err(lost(m, index, step_count, e));
                        };
                        // Outside a transaction, the statements before the
                        // failed one stay done.
                        let ran = outside.then(|| {
                            statements
                                .iter()
                                .take_while(|s| !std::ptr::eq(*s, stmt))
                                .map(Statement::offset)
                                .filter(|at| !skipped.contains(at))
                                .collect()
                        });
                        let failed = Failed { stmt, part };
                        return Err(statement_error(m, failed, e, at, attempt, ran));
                    }
                    StepStop::Interrupted(signalled) => {
                        // Outside a transaction, what ran stays.
                        let ran = match signalled {
                            Some(at) if outside => ran_until(statements, at, &skipped),
                            _ => Vec::new(),
                        };
                        let at = (index, step_count, outside);
                        return Err(self.interrupted(m, signalled, ran, at).await);
                    }
                    StepStop::Db(e) => return Err(lost(m, index, step_count, e)),
                }
            }
        }
        Ok(())
    }

    /// One attempt at step `index`: its transaction, its statements, its
    /// journal row (and the log's with the last step), its commit.
    async fn attempt_step<'s>(
        &self,
        m: &PlannedMigration,
        statements: &'s [Statement],
        index: usize,
        last: bool,
        lock_timeout: Option<Duration>,
        started: Instant,
    ) -> Result<(), StepStop<'s>> {
        if self.interrupt.fired().is_some() {
            return Err(StepStop::Interrupted(None));
        }
        self.client.batch_execute("BEGIN").await?;
        if let Some(timeout) = lock_timeout {
            let ms = timeout.as_millis();
            self.client
                .batch_execute(&format!("SET LOCAL lock_timeout = '{ms}ms'"))
                .await?;
        }
        self.run_statements(statements, &mut Vec::new()).await?;
        self.record_step(m, index, last, started).await?;
        self.client.batch_execute("COMMIT").await?;
        Ok(())
    }

    /// The step's statements in order, the offsets of those a false guard
    /// skips added to `skipped`; a signal stops them after the one
    /// running.
    async fn run_statements<'s>(
        &self,
        statements: &'s [Statement],
        skipped: &mut Vec<usize>,
    ) -> Result<(), StepStop<'s>> {
        for stmt in statements {
            match self.run_guarded(stmt).await {
                Ok(true) => {}
                Ok(false) => skipped.push(stmt.offset()),
                Err((e, part)) => {
                    if self.interrupt.fired().is_some() {
                        return Err(StepStop::Interrupted(Some(Signalled {
                            statement: stmt,
                            cancelled: true,
                        })));
                    }
                    return Err(StepStop::Failed(stmt, e, part));
                }
            }
            if self.interrupt.fired().is_some() {
                return Err(StepStop::Interrupted(Some(Signalled {
                    statement: stmt,
                    cancelled: false,
                })));
            }
        }
        Ok(())
    }

    /// The step's journal row, and the log's with the last step, in the
    /// transaction open.
    async fn record_step(
        &self,
        m: &PlannedMigration,
        index: usize,
        last: bool,
        started: Instant,
    ) -> Result<(), tokio_postgres::Error> {
        journal::record_step(self.client, m, index).await?;
        if last {
            write_log(self.client, m, started).await?;
        }
        Ok(())
    }

    /// One attempt at step `index` of a step marked `no-transaction`: each
    /// statement on its own (`CREATE INDEX CONCURRENTLY` refuses a
    /// transaction block), then the journal row (and the log's with the
    /// last step) in a transaction of their own. An attempt after a lock
    /// timeout runs the step again from its first statement: petal's own
    /// such steps start by removing what a failed attempt left (`DROP
    /// INDEX CONCURRENTLY IF EXISTS` before a concurrent build, whose
    /// failure leaves an invalid index behind).
    async fn attempt_step_outside<'s>(
        &self,
        m: &PlannedMigration,
        statements: &'s [Statement],
        (index, last, started): (usize, bool, Instant),
        lock_timeout: Option<Duration>,
        skipped: &mut Vec<usize>,
    ) -> Result<(), StepStop<'s>> {
        if self.interrupt.fired().is_some() {
            return Err(StepStop::Interrupted(None));
        }
        if let Some(timeout) = lock_timeout {
            let ms = timeout.as_millis();
            self.client
                .batch_execute(&format!("SET lock_timeout = '{ms}ms'"))
                .await?;
        }
        let ran = self.run_statements(statements, skipped).await;
        if lock_timeout.is_some() {
            // The statement's own error, if any, says more than this one.
            let reset = self.client.batch_execute("RESET lock_timeout").await;
            ran?;
            reset?;
        } else {
            ran?;
        }
        // Not atomic with the statements: a crash between the last one
        // and this row leaves the step run but not journalled, and the
        // next run repeats it (from its first statement, as a retry does).
        self.client.batch_execute("BEGIN").await?;
        self.record_step(m, index, last, started).await?;
        self.client.batch_execute("COMMIT").await?;
        Ok(())
    }

    /// Runs `stmt` (`true`) unless the query of its `-- +petal if` line
    /// answers false, NULL or no row (`false`). An error says which of
    /// the two failed.
    async fn run_guarded(&self, stmt: &Statement) -> Result<bool, (tokio_postgres::Error, Part)> {
        if let Some(guard) = &stmt.guard {
            let row = self
                .cancellable(self.client.query_opt(guard.sql.as_str(), &[]))
                .await
                .map_err(|e| (e, Part::Guard))?;
            let go: Option<bool> = match row {
                Some(row) => row.try_get(0).map_err(|e| (e, Part::Guard))?,
                None => None,
            };
            if go != Some(true) {
                return Ok(false);
            }
        }
        self.cancellable(self.client.batch_execute(&stmt.sql))
            .await
            .map_err(|e| (e, Part::Statement))?;
        Ok(true)
    }

    /// Awaits `work` on the session; when the signal comes meanwhile, asks
    /// the server to cancel what runs and waits for it to end (cancelled,
    /// or done if it finished first).
    async fn cancellable<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, tokio_postgres::Error> {
        tokio::pin!(work);
        tokio::select! {
            result = &mut work => result,
            _ = self.interrupt.wait() => {
                let _ = petal_pg::cancel(self.cfg, &self.client.cancel_token()).await;
                work.await
            }
        }
    }

    /// Where the run stopped, with the committed steps read back from the
    /// journal.
    async fn stopped_at(
        &self,
        m: &PlannedMigration,
        step: usize,
        of: usize,
        outside_step: bool,
    ) -> Result<StoppedAt, RunError> {
        let journal = journal::read_journal(self.client).await?;
        Ok(StoppedAt {
            revision: m.revision.as_str().to_string(),
            direction: m.direction,
            step,
            of,
            committed: journal.committed(&m.revision, m.direction).len(),
            outside_step,
        })
    }

    /// `(step, of, outside_step)`: where the signal stopped the section.
    async fn interrupted(
        &self,
        m: &PlannedMigration,
        signalled: Option<Signalled<'_>>,
        ran: Vec<usize>,
        (step, of, outside_step): (usize, usize, bool),
    ) -> RunError {
        let at = match self.stopped_at(m, step, of, outside_step).await {
            Ok(at) => at,
            Err(e) => return e,
        };
        RunError::Interrupted(Box::new(Interrupted {
            signal: self
                .interrupt
                .fired()
                .unwrap_or(super::interrupt::Signal::Interrupt),
            at,
            file: Arc::clone(&m.file.source),
            statement: signalled.map(|s| (s.statement.offset(), s.cancelled)),
            ran,
        }))
    }

    async fn without_transaction(
        &self,
        m: &PlannedMigration,
        steps: &[&[Statement]],
        lock_timeout: Option<Duration>,
    ) -> Result<(), RunError> {
        let started = Instant::now();
        if let Some(timeout) = lock_timeout {
            let ms = timeout.as_millis();
            self.client
                .batch_execute(&format!("SET lock_timeout = '{ms}ms'"))
                .await?;
        }
        let mut ran = Vec::new();
        for (index, step) in steps.iter().enumerate().skip(m.first_step) {
            for stmt in step.iter() {
                if self.interrupt.fired().is_some() {
                    let at = (index, steps.len(), true);
                    return Err(self.interrupted(m, None, ran, at).await);
                }
                let run = self.run_guarded(stmt).await;
                if let Err((e, part)) = run {
                    if self.interrupt.fired().is_some() {
                        let signalled = Signalled {
                            statement: stmt,
                            cancelled: true,
                        };
                        let at = (index, steps.len(), true);
                        return Err(self.interrupted(m, Some(signalled), ran, at).await);
                    }
                    let at = self.stopped_at(m, index, steps.len(), false).await?;
                    let failed = Failed { stmt, part };
                    return Err(statement_error(m, failed, e, at, 1, Some(ran)));
                }
                if matches!(run, Ok(true)) {
                    ran.push(stmt.offset());
                }
            }
            // Not atomic with the step: a crash between its last statement
            // and this row leaves the step run but not journalled, which
            // the failure message of a no-transaction file says.
            journal::record_step(self.client, m, index).await?;
        }
        write_log(self.client, m, started).await?;
        self.client.batch_execute("RESET lock_timeout").await?;
        Ok(())
    }
}

/// Where the statements of a step outside a transaction that ran before
/// a signal start: those before the one it stopped at, and that one if it
/// finished.
fn ran_until(statements: &[Statement], at: Signalled<'_>, skipped: &[usize]) -> Vec<usize> {
    let before = statements
        .iter()
        .take_while(|s| !std::ptr::eq(*s, at.statement))
        .map(Statement::offset)
        .filter(|at| !skipped.contains(at));
    let itself = (!at.cancelled).then(|| at.statement.offset());
    before.chain(itself).collect()
}

/// The session was lost (or the bookkeeping failed) in step `step` of `m`.
fn lost(m: &PlannedMigration, step: usize, of: usize, source: tokio_postgres::Error) -> RunError {
    let steps = &m.section().steps;
    RunError::Lost {
        revision: m.revision.as_str().to_string(),
        step,
        of,
        outside_step: m.file.no_transaction || steps.get(step).is_some_and(|s| s.no_transaction),
        source,
    }
}

fn lock_timed_out(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE)
}

/// The statement that failed, or whose `-- +petal if` query did.
struct Failed<'s> {
    stmt: &'s Statement,
    part: Part,
}

fn statement_error(
    m: &PlannedMigration,
    Failed { stmt, part }: Failed<'_>,
    e: tokio_postgres::Error,
    at: StoppedAt,
    attempts: u32,
    ran_outside_transaction: Option<Vec<usize>>,
) -> RunError {
    let mut server = ServerError::of(&e);
    if server.hint.is_none() && server.code == Some(SqlState::ACTIVE_SQL_TRANSACTION) {
        // CREATE INDEX CONCURRENTLY, VACUUM, ALTER SYSTEM...: PostgreSQL
        // says what is wrong, petal knows the fix.
        server.hint = Some(
            "put the statement in a step of its own marked `-- +petal step no-transaction` \
             (or mark the file `-- +petal no-transaction`) to run it outside a transaction"
                .to_string(),
        );
    }
    // A failed guard is shown at its own place, its query as the SQL.
    let (statement_start, sql) = match (&stmt.guard, part) {
        (Some(guard), Part::Guard) => {
            // Not the server's refusal: an answer that is no boolean.
            if server.hint.is_none() && e.as_db_error().is_none() {
                server.hint = Some(
                    "the query of the `-- +petal if` line over a statement must answer a boolean (no row skips the statement, as false and NULL do)"
                        .to_string(),
                );
            }
            (guard.offset, guard.sql.clone())
        }
        _ => (stmt.offset(), stmt.sql.clone()),
    };
    RunError::Statement(Box::new(FailedStatement {
        at,
        file: Arc::clone(&m.file.source),
        statement_start,
        sql,
        server,
        attempts,
        ran_outside_transaction,
    }))
}
