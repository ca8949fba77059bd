//! Runs planned migrations against a database.
//!
//! The policy lives here, once, for upgrade, downgrade and stamp: take the
//! advisory lock first (on a dedicated connection), then create the log and
//! journal tables if missing (so concurrent first runs cannot race on
//! them), then read what is applied and which steps are committed — only
//! then may the caller plan — then run each migration's steps, one
//! transaction per step, each recorded in the journal in its transaction,
//! the log row written with the last step.

mod execute;
mod failure;
mod interrupt;
mod journal;
mod lock;
pub(crate) mod log;

pub use execute::{Mode, Runner, StepEvent, StepPolicy, parents_text, record_stamp};
pub use failure::{FailedStatement, Interrupted, RunError, StoppedAt};
pub use interrupt::{Interrupt, InterruptSender, Signal};
pub use journal::{
    FORGET_UNHELD, STEPS_TABLE_DDL, backfill, read_journal, step_row_sql, up_rows_sql,
};
pub use lock::{LockError, MigrationLock};
pub use log::{AppliedRow, LOG_TABLE_DDL, ensure_log_table, log_table_exists, read_applied};
