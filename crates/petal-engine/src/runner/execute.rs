//! Runs one migration: its steps in order, each in its own transaction (or,
//! for a no-transaction file, each statement on its own), with the log row
//! written in the same transaction as the last step.

use std::fmt;
use std::time::Instant;

use tokio_postgres::Client;

use petal_migrate::{Direction, PlannedMigration, Statement};

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
    Statement {
        path: String,
        line: usize,
        revision: String,
        message: String,
        detail: Option<String>,
        hint: Option<String>,
        /// Steps committed before the failing one (idempotent leading steps).
        committed_steps: usize,
        /// For a no-transaction migration: lines of the statements that ran
        /// and stay applied.
        ran_outside_transaction: Option<Vec<usize>>,
    },
    /// The connection or the log failed outside any statement of the file.
    Db(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for RunError {
    fn from(e: tokio_postgres::Error) -> Self {
        RunError::Db(e)
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Statement {
                path,
                line,
                revision,
                message,
                detail,
                hint,
                committed_steps,
                ran_outside_transaction,
            } => {
                write!(f, "{path}:{line}: migration {revision} failed: {message}")?;
                if let Some(d) = detail {
                    write!(f, "\n  detail: {d}")?;
                }
                if let Some(h) = hint {
                    write!(f, "\n  hint: {h}")?;
                }
                match ran_outside_transaction {
                    None => {
                        write!(
                            f,
                            "\n  the failing step was rolled back; petal_migrations is unchanged"
                        )?;
                        if *committed_steps > 0 {
                            write!(
                                f,
                                " ({committed_steps} earlier idempotent step(s) stay committed and \
                                 will run again harmlessly on retry)"
                            )?;
                        }
                    }
                    Some(lines) if lines.is_empty() => {
                        write!(
                            f,
                            "\n  no statement of this no-transaction migration had run"
                        )?;
                    }
                    Some(lines) => {
                        let list: Vec<String> =
                            lines.iter().map(|l| format!("{path}:{l}")).collect();
                        write!(
                            f,
                            "\n  this migration runs without a transaction: the statements at {} \
                             ran and stay applied; petal_migrations is unchanged. Undo them by hand \
                             or make them idempotent before retrying (a failed CREATE INDEX \
                             CONCURRENTLY leaves an INVALID index: DROP INDEX CONCURRENTLY it)",
                            list.join(", ")
                        )?;
                    }
                }
                Ok(())
            }
            RunError::Db(e) => write!(f, "{}", describe_db_error(e)),
        }
    }
}

impl std::error::Error for RunError {}

/// PostgreSQL's message, detail and hint, or the client's own error.
pub(crate) fn describe_db_error(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = db.message().to_string();
            if let Some(d) = db.detail() {
                s.push_str(&format!(" (detail: {d})"));
            }
            if let Some(h) = db.hint() {
                s.push_str(&format!(" (hint: {h})"));
            }
            s
        }
        None => e.to_string(),
    }
}

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
            ran.push(stmt.line);
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
    let (message, detail, hint, line) = match e.as_db_error() {
        Some(db) => (
            db.message().to_string(),
            db.detail().map(str::to_string),
            db.hint().map(str::to_string).or_else(|| {
                // CREATE INDEX CONCURRENTLY, VACUUM, ALTER SYSTEM...: PostgreSQL
                // says what is wrong, petal knows the fix.
                (db.code() == &tokio_postgres::error::SqlState::ACTIVE_SQL_TRANSACTION).then(|| {
                    "mark the file `-- +petal no-transaction` to run each statement on its own"
                        .to_string()
                })
            }),
            stmt.line + lines_before(&stmt.sql, db.position()),
        ),
        None => (e.to_string(), None, None, stmt.line),
    };
    RunError::Statement {
        path: m.file.path.clone(),
        line,
        revision: m.revision.as_str().to_string(),
        message,
        detail,
        hint,
        committed_steps,
        ran_outside_transaction,
    }
}

/// How many lines into the statement PostgreSQL's error position points, so
/// the reported line is the offending one of a multi-line statement.
fn lines_before(sql: &str, position: Option<&tokio_postgres::error::ErrorPosition>) -> usize {
    match position {
        Some(tokio_postgres::error::ErrorPosition::Original(pos)) => {
            let chars = usize::try_from(*pos).unwrap_or(0).saturating_sub(1);
            sql.chars().take(chars).filter(|c| *c == '\n').count()
        }
        _ => 0,
    }
}
