//! The migration lock: the advisory lock that serializes petal runs on one
//! database, on a connection of its own, worded for migrations.

use std::time::Duration;

use petal_pg::error::ServerError;
use petal_pg::lock::{AdvisoryLock, AdvisoryLockError, LockHolder, Waiting};
use petal_source::Report;
use tokio_postgres::Client;

/// The advisory lock key: the bytes of "petal" as an integer. Advisory locks
/// are scoped to the current database, so two databases never contend.
pub const LOCK_KEY: i64 = 0x70_65_74_61_6c;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another petal run holds the migration lock on this database ({holder}); \
         waited {waited:?}. Wait for it to finish, or stop it."
    )]
    Timeout {
        holder: LockHolder,
        waited: Duration,
    },
    #[error("cannot take the migration lock: {}", petal_pg::error::describe(.0))]
    Db(tokio_postgres::Error),
}

impl From<AdvisoryLockError> for LockError {
    fn from(e: AdvisoryLockError) -> Self {
        match e {
            AdvisoryLockError::Timeout { holder, waited, .. } => {
                LockError::Timeout { holder, waited }
            }
            AdvisoryLockError::Query { source, .. } => LockError::Db(source),
        }
    }
}

impl LockError {
    /// The error as a report; a server error's detail and hint apart.
    pub fn report(&self) -> Report {
        match self {
            LockError::Timeout { .. } => Report::new(self.to_string()),
            LockError::Db(e) => ServerError::of(e).report("cannot take the migration lock"),
        }
    }
}

/// Holds the lock for as long as it lives on its own connection; the lock is
/// released when [`MigrationLock::release`] runs or the connection closes.
pub struct MigrationLock {
    lock: AdvisoryLock,
}

impl MigrationLock {
    /// Takes the lock, trying until `timeout`; `on_wait` hears who holds it
    /// meanwhile, about once a second. The connection must be dedicated to
    /// the lock: a session lock lives as long as the session.
    pub async fn acquire(
        client: Client,
        timeout: Duration,
        on_wait: impl FnMut(&Waiting),
    ) -> Result<MigrationLock, LockError> {
        let lock = AdvisoryLock::acquire(client, LOCK_KEY, timeout, on_wait).await?;
        Ok(MigrationLock { lock })
    }

    pub async fn release(self) -> Result<(), LockError> {
        Ok(self.lock.release().await?)
    }
}
