//! The runner, which lives in `petal-runner` so that a service embedding
//! its migrations links it without the canonicalizer: re-exported here
//! under the name the workflows use.

pub use petal_runner::{
    AppliedRow, FORGET_UNHELD, FailedStatement, Interrupt, InterruptSender, Interrupted,
    LOG_TABLE_DDL, LockError, MigrationLock, Mode, RunError, Runner, STEPS_TABLE_DDL, Signal,
    StepEvent, StepPolicy, StoppedAt, backfill, ensure_log_table, listen_for_signals,
    log_table_exists, parents_text, read_applied, read_journal, record_stamp, step_row_sql,
    up_rows_sql,
};
