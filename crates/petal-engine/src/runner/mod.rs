//! Runs planned migrations against a database.
//!
//! The policy lives here, once, for upgrade, downgrade and stamp: take the
//! advisory lock first (on a dedicated connection), then create the log table
//! if missing (so concurrent first runs cannot race on it), then read what is
//! applied — only then may the caller plan — then run each migration's steps,
//! one transaction per step, the log row written with the last step.

mod execute;
mod lock;
mod log;

pub use execute::{FailedStatement, Mode, RunError, execute, parents_text, record_stamp};
pub use lock::{LockError, MigrationLock};
pub use log::{AppliedRow, LOG_TABLE_DDL, ensure_log_table, log_table_exists, read_applied};
