//! petal's migration runner: what applies petal migrations to a database,
//! for the `petal` binary and for a service that embeds its migrations
//! (`petal::migrate!`), so both run the same planner under the same lock
//! with the same journal and checksums. It depends on neither clap nor the
//! canonicalizer: a service links only this, `petal-migrate` (the file
//! format and the planner) and `petal-pg` (connections).
//!
//! The policy lives here, once, for upgrade, downgrade and stamp: take the
//! advisory lock first (on a dedicated connection), then create the log and
//! journal tables if missing (so concurrent first runs cannot race on
//! them), then read what is applied and which steps are committed — only
//! then may the caller plan — then run each migration's steps, one
//! transaction per step, each recorded in the journal in its transaction,
//! the log row written with the last step.
//!
//! - [`run`]: load, plan and run (`run_on`), and the log read as the
//!   planner takes it.
//! - [`embedded`]: migrations embedded in a binary, applied at startup.
//! - [`testing`]: a fresh database at head for each test.

mod error;
mod execute;
mod failure;
mod interrupt;
mod journal;
mod lock;
mod log;
mod policy;
mod stamp;

pub mod embedded;
pub mod run;
pub mod testing;

pub use embedded::{EmbeddedFile, EmbeddedMigrations};
pub use error::RunnerError;
pub use execute::{Mode, Runner, StepEvent};
pub use failure::{FailedStatement, Interrupted, RunError, StoppedAt};
pub use interrupt::{Interrupt, InterruptSender, Signal, listen_for_signals};
pub use journal::{
    FORGET_UNHELD, STEPS_TABLE_DDL, backfill, read_journal, step_row_sql, up_rows_sql,
};
pub use lock::{LockError, MigrationLock};
pub use log::{AppliedRow, LOG_TABLE_DDL, ensure_log_table, log_table_exists, read_applied};
pub use petal_migrate::{Plan, PlanOptions, PlannedMigration, RevisionGraph, Target};
pub use petal_pg::ConnConfig;
pub use policy::StepPolicy;
pub use run::{Event, LOCK_WAIT, Operation, RunSettings, run_on};
pub use stamp::{parents_text, record_stamp};
pub use testing::TestDatabase;
