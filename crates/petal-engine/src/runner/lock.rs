//! The session-level advisory lock that serializes petal runs on one database.

use std::time::{Duration, Instant};

use petal_pg::error::ServerError;
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
    Timeout { holder: String, waited: Duration },
    #[error("cannot take the migration lock: {}", petal_pg::error::describe(.0))]
    Db(#[from] tokio_postgres::Error),
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
    client: Client,
}

impl MigrationLock {
    /// Takes the lock, polling until `timeout`. The connection must be
    /// dedicated to the lock: a session lock lives as long as the session.
    pub async fn acquire(client: Client, timeout: Duration) -> Result<MigrationLock, LockError> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(20);
        loop {
            let row = client
                .query_one("SELECT pg_try_advisory_lock($1)", &[&LOCK_KEY])
                .await?;
            if row.get::<_, bool>(0) {
                return Ok(MigrationLock { client });
            }
            if started.elapsed() >= timeout {
                let holder = describe_holder(&client).await;
                return Err(LockError::Timeout {
                    holder,
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(500));
        }
    }

    pub async fn release(self) -> Result<(), LockError> {
        self.client
            .query_one("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY])
            .await?;
        Ok(())
    }
}

/// Who holds the lock, from `pg_locks` and `pg_stat_activity`: enough for a
/// user to find the other run.
async fn describe_holder(client: &Client) -> String {
    let sql = "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), \
               coalesce(host(a.client_addr), 'local socket'), \
               coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'), '') \
               FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
               WHERE l.locktype = 'advisory' AND l.granted \
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
               AND ((l.classid::bigint << 32) | l.objid::bigint) = $1 LIMIT 1";
    match client.query_opt(sql, &[&LOCK_KEY]).await {
        Ok(Some(row)) => {
            let pid: i32 = row.get(0);
            let app: String = row.get(1);
            let user: String = row.get(2);
            let from: String = row.get(3);
            let since: String = row.get(4);
            let app = if app.is_empty() {
                "unnamed client".to_string()
            } else {
                app
            };
            format!("held by pid {pid} ({app}, user {user}, from {from}, connected since {since})")
        }
        Ok(None) => "the holder has just released it".to_string(),
        Err(e) => format!("holder unknown: {e}"),
    }
}
