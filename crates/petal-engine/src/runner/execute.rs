//! Runs one migration: its steps in order, each in its own transaction (or,
//! for a no-transaction file, each statement on its own), with the log row
//! written in the same transaction as the last step.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use petal_migrate::{Direction, PlannedMigration, Statement};
use petal_pg::error::ServerError;
use petal_source::{Report, SourceFile};
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

use super::log::{DELETE_ROW, INSERT_ROW};

/// Whether to run the section's SQL or only to record the revision in the
/// log (`stamp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Run,
    LogOnly,
}

#[derive(Debug)]
pub enum RunError {
    /// A statement failed; what ran before it in its step was rolled back.
    /// Boxed: it carries the file, the SQL and PostgreSQL's words.
    Statement(Box<FailedStatement>),
    /// The connection or the log failed outside any statement of the file.
    Db(tokio_postgres::Error),
}

/// A migration's statement PostgreSQL refused, and what stays applied.
#[derive(Debug)]
pub struct FailedStatement {
    pub revision: String,
    /// The migration file the statement is in.
    pub file: Arc<SourceFile>,
    /// Where the statement starts in the file, and its SQL as sent.
    pub statement_start: usize,
    pub sql: String,
    /// What PostgreSQL said (a hint of petal's own where it gave none).
    pub server: ServerError,
    /// Steps committed before the failing one (idempotent leading steps).
    pub committed_steps: usize,
    /// For a no-transaction migration: where the statements that ran, and
    /// stay applied, start in the file.
    pub ran_outside_transaction: Option<Vec<usize>>,
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
            RunError::Statement(failed) => failed.report(),
        }
    }
}

impl FailedStatement {
    fn report(&self) -> Report {
        let FailedStatement {
            revision,
            file,
            statement_start,
            sql,
            server,
            committed_steps,
            ran_outside_transaction,
        } = self;
        let what = format!("migration {revision} failed");
        let report = server.report_in_file(&what, file, *statement_start, sql);
        let state = match ran_outside_transaction {
            None if *committed_steps > 0 => format!(
                "the failing step was rolled back; petal_migrations is unchanged \
                 ({committed_steps} earlier idempotent step(s) stay committed and will run \
                 again harmlessly on retry)"
            ),
            None => "the failing step was rolled back; petal_migrations is unchanged".to_string(),
            Some(ran) if ran.is_empty() => {
                "no statement of this no-transaction migration had run".to_string()
            }
            Some(ran) => {
                let list: Vec<String> = ran
                    .iter()
                    .map(|&offset| format!("{}:{}", file.path(), file.line_of(offset)))
                    .collect();
                format!(
                    "this migration runs without a transaction: the statements at {} ran and \
                     stay applied; petal_migrations is unchanged. Undo them by hand or make them \
                     idempotent before retrying (a failed CREATE INDEX CONCURRENTLY leaves an \
                     INVALID index: DROP INDEX CONCURRENTLY it)",
                    list.join(", ")
                )
            }
        };
        report.with_note(state)
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.report().fmt(f)
    }
}

impl std::error::Error for RunError {}

/// Runs a planned migration (or, with [`Mode::LogOnly`], only records it).
/// Call with the migration lock held.
pub async fn execute(client: &Client, m: &PlannedMigration, mode: Mode) -> Result<(), RunError> {
    let steps: Vec<&[Statement]> = match mode {
        Mode::Run => m
            .section()
            .steps
            .iter()
            .map(|s| s.statements.as_slice())
            .collect(),
        Mode::LogOnly => Vec::new(),
    };
    if m.file.no_transaction && mode == Mode::Run {
        return execute_without_transaction(client, m, &steps).await;
    }
    let started = Instant::now();
    let step_count = steps.len().max(1);
    for index in 0..step_count {
        let statements: &[Statement] = steps.get(index).copied().unwrap_or(&[]);
        client.batch_execute("BEGIN").await?;
        for stmt in statements {
            if let Err(e) = client.batch_execute(&stmt.sql).await {
                let _ = client.batch_execute("ROLLBACK").await;
                return Err(statement_error(m, stmt, e, index, None));
            }
        }
        if index + 1 == step_count
            && let Err(e) = write_log(client, m, started).await
        {
            let _ = client.batch_execute("ROLLBACK").await;
            return Err(e.into());
        }
        client.batch_execute("COMMIT").await?;
    }
    Ok(())
}

/// Records a stamp, every row of it, in one transaction; with `purge`, the
/// log is emptied first in the same transaction. A failure leaves the log
/// as it was. Call with the migration lock held.
pub async fn record_stamp(
    client: &Client,
    steps: &[PlannedMigration],
    purge: bool,
) -> Result<(), RunError> {
    client.batch_execute("BEGIN").await?;
    let recorded = async {
        if purge {
            client
                .batch_execute("DELETE FROM public.petal_migrations")
                .await?;
        }
        for m in steps {
            write_log(client, m, Instant::now()).await?;
        }
        Ok::<(), tokio_postgres::Error>(())
    }
    .await;
    if let Err(e) = recorded {
        let _ = client.batch_execute("ROLLBACK").await;
        return Err(e.into());
    }
    client.batch_execute("COMMIT").await?;
    Ok(())
}

async fn execute_without_transaction(
    client: &Client,
    m: &PlannedMigration,
    steps: &[&[Statement]],
) -> Result<(), RunError> {
    let started = Instant::now();
    let mut ran = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        for stmt in step.iter() {
            if let Err(e) = client.batch_execute(&stmt.sql).await {
                return Err(statement_error(m, stmt, e, index, Some(ran)));
            }
            ran.push(stmt.offset());
        }
    }
    write_log(client, m, started).await?;
    Ok(())
}

async fn write_log(
    client: &Client,
    m: &PlannedMigration,
    started: Instant,
) -> Result<(), tokio_postgres::Error> {
    let revision = m.revision.as_str();
    match m.direction {
        Direction::Up => {
            let parents = parents_text(m);
            let ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            let checksum = m.file.checksum.as_str();
            client
                .execute(
                    INSERT_ROW,
                    &[&revision, &parents, &checksum, &m.file.message, &ms],
                )
                .await?;
        }
        Direction::Down => {
            client.execute(DELETE_ROW, &[&revision]).await?;
        }
    }
    Ok(())
}

/// The parents as the log keeps them: space-separated, as in the header.
pub fn parents_text(m: &PlannedMigration) -> String {
    m.file
        .parents
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn statement_error(
    m: &PlannedMigration,
    stmt: &Statement,
    e: tokio_postgres::Error,
    committed_steps: usize,
    ran_outside_transaction: Option<Vec<usize>>,
) -> RunError {
    let mut server = ServerError::of(&e);
    if server.hint.is_none() && server.code == Some(SqlState::ACTIVE_SQL_TRANSACTION) {
        // CREATE INDEX CONCURRENTLY, VACUUM, ALTER SYSTEM...: PostgreSQL
        // says what is wrong, petal knows the fix.
        server.hint = Some(
            "mark the file `-- +petal no-transaction` to run each statement on its own".to_string(),
        );
    }
    RunError::Statement(Box::new(FailedStatement {
        revision: m.revision.as_str().to_string(),
        file: Arc::clone(&m.file.source),
        statement_start: stmt.offset(),
        sql: stmt.sql.clone(),
        server,
        committed_steps,
        ran_outside_transaction,
    }))
}
