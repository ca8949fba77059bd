//! Session-level advisory locks: how petal runs that share a database take
//! turns (the migration runner on a target, the canonical database on a dev
//! server).
//!
//! A lock is taken with `pg_try_advisory_lock`, polled with a growing pause
//! until a timeout, never with the blocking `pg_advisory_lock`: a blocked
//! call can neither give up nor say whom it waits for. While it waits, a
//! callback learns who holds the lock (from `pg_locks` and
//! `pg_stat_activity`) and for how long it has waited, so the caller can
//! tell the user; a timeout names the holder too.
//!
//! The lock belongs to the session that took it: it lasts until
//! [`AdvisoryLock::release`] or until that session ends. A lock on a
//! connection of its own ([`AdvisoryLock<Client>`]) is therefore released
//! on any early return, when the connection is dropped; one on a borrowed
//! connection (`AdvisoryLock<&Client>`) lasts as long as that session.
//!
//! Its error is its own rather than a [`crate::PgError`]: it has exactly two
//! outcomes, and each caller words a timeout for what the lock guards.

use std::borrow::Borrow;
use std::fmt;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio_postgres::Client;

use crate::error::describe;

/// The first pause between two attempts; each pause doubles, up to
/// [`LONGEST_PAUSE`]: a lock held for a moment is taken at once, one held
/// for long costs a query twice a second.
const FIRST_PAUSE: Duration = Duration::from_millis(20);
const LONGEST_PAUSE: Duration = Duration::from_millis(500);

/// How long a wait goes before the callback first hears of it, and then
/// between two calls: a lock free within a second is not worth a word.
pub const REPORT_EVERY: Duration = Duration::from_secs(1);

/// The advisory lock key of a name: the first eight bytes of its SHA-256,
/// big-endian. Stable across petal versions, so that runs of two versions
/// still take turns.
pub fn key_from_name(name: &str) -> i64 {
    let digest = Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// A session-level advisory lock, held on the session `C` (an owned
/// [`Client`], or a borrowed `&Client`).
#[derive(Debug)]
pub struct AdvisoryLock<C: Borrow<Client> = Client> {
    session: C,
    key: i64,
}

/// What a waiting [`AdvisoryLock::acquire`] tells its callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub holder: LockHolder,
    /// Since the first attempt.
    pub waited: Duration,
}

/// Who holds a lock, as far as the server says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockHolder {
    /// The session holding it (boxed: errors carry a holder, and stay small).
    Session(Box<HolderSession>),
    /// No session holds it any more: it was released as petal looked.
    Released,
    /// The server would not say; the reason.
    Unknown(String),
}

/// A session holding a lock, from `pg_stat_activity`: enough for a user to
/// find the other run. A field the server hides from this role (another
/// role's session, without `pg_read_all_stats`) is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderSession {
    pub pid: i32,
    /// Its `application_name`; empty when it set none.
    pub application: String,
    pub user: String,
    /// The client's address, or `local socket`.
    pub client: String,
    /// When the session started (`backend_start`), with its time zone.
    pub connected_since: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AdvisoryLockError {
    /// Another session kept the lock for longer than the caller waits.
    #[error("advisory lock {key} is taken ({holder}); waited {waited:?}")]
    Timeout {
        key: i64,
        holder: LockHolder,
        waited: Duration,
    },
    /// The server refused a lock query, or the connection broke.
    #[error("advisory lock {key}: {}", describe(.source))]
    Query {
        key: i64,
        #[source]
        source: tokio_postgres::Error,
    },
}

impl<C: Borrow<Client>> AdvisoryLock<C> {
    /// Takes the lock `key` on `session`, trying until `timeout` has passed
    /// (once, with a zero timeout). While it waits, `on_wait` is called
    /// once [`REPORT_EVERY`] has passed, and again after each further one.
    pub async fn acquire(
        session: C,
        key: i64,
        timeout: Duration,
        mut on_wait: impl FnMut(&Waiting),
    ) -> Result<AdvisoryLock<C>, AdvisoryLockError> {
        let query = |source| AdvisoryLockError::Query { key, source };
        let client = session.borrow();
        let started = Instant::now();
        let mut pause = FIRST_PAUSE;
        let mut next_report = REPORT_EVERY;
        loop {
            let row = client
                .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
                .await
                .map_err(query)?;
            if row.get::<_, bool>(0) {
                return Ok(AdvisoryLock { session, key });
            }
            let waited = started.elapsed();
            if waited >= timeout {
                let holder = LockHolder::of(client, key).await;
                return Err(AdvisoryLockError::Timeout {
                    key,
                    holder,
                    waited,
                });
            }
            if waited >= next_report {
                let holder = LockHolder::of(client, key).await;
                on_wait(&Waiting { holder, waited });
                next_report = waited + REPORT_EVERY;
            }
            tokio::time::sleep(pause.min(timeout.saturating_sub(waited))).await;
            pause = (pause * 2).min(LONGEST_PAUSE);
        }
    }

    pub fn key(&self) -> i64 {
        self.key
    }

    /// The session holding the lock.
    pub fn session(&self) -> &Client {
        self.session.borrow()
    }

    /// Releases the lock (and closes its session, when owned).
    pub async fn release(self) -> Result<(), AdvisoryLockError> {
        self.session
            .borrow()
            .query_one("SELECT pg_advisory_unlock($1)", &[&self.key])
            .await
            .map_err(|source| AdvisoryLockError::Query {
                key: self.key,
                source,
            })?;
        Ok(())
    }
}

impl LockHolder {
    /// Who holds the lock `key` in `client`'s database. A bigint key is
    /// split by the server into `classid` (high half) and `objid` (low
    /// half), with `objsubid` 1; the shift wraps, as the key's sign needs.
    pub async fn of(client: &Client, key: i64) -> LockHolder {
        let sql = "SELECT a.pid, coalesce(a.application_name, ''), \
                   coalesce(a.usename::text, ''), \
                   coalesce(host(a.client_addr), 'local socket'), \
                   coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'), '') \
                   FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                   WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
                   AND l.database = (SELECT oid FROM pg_database \
                                     WHERE datname = current_database()) \
                   AND ((l.classid::bigint << 32) | l.objid::bigint) = $1 LIMIT 1";
        match client.query_opt(sql, &[&key]).await {
            Ok(Some(row)) => LockHolder::Session(Box::new(HolderSession {
                pid: row.get(0),
                application: row.get(1),
                user: row.get(2),
                client: row.get(3),
                connected_since: row.get(4),
            })),
            Ok(None) => LockHolder::Released,
            Err(e) => LockHolder::Unknown(describe(&e)),
        }
    }

    /// The holding session's process id, when known.
    pub fn pid(&self) -> Option<i32> {
        match self {
            LockHolder::Session(session) => Some(session.pid),
            LockHolder::Released | LockHolder::Unknown(_) => None,
        }
    }
}

impl fmt::Display for LockHolder {
    /// `held by pid 4242 (petal, user app, from 10.0.0.7, connected since
    /// 2026-07-28 09:30:00 UTC)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockHolder::Session(s) => {
                let application = match s.application.as_str() {
                    "" => "unnamed client",
                    name => name,
                };
                write!(
                    f,
                    "held by pid {} ({application}, user {}, from {}, connected since {})",
                    s.pid, s.user, s.client, s.connected_since
                )
            }
            LockHolder::Released => f.write_str("the holder has just released it"),
            LockHolder::Unknown(reason) => write!(f, "holder unknown: {reason}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical cache's key is derived from its database's name: a
    /// change would let two petal versions build one cache at once.
    #[test]
    fn a_name_keys_by_the_first_bytes_of_its_sha256() {
        assert_eq!(
            key_from_name(""),
            i64::from_be_bytes(*b"\xe3\xb0\xc4\x42\x98\xfc\x1c\x14")
        );
        assert_eq!(key_from_name("a"), key_from_name("a"));
        assert_ne!(key_from_name("a"), key_from_name("b"));
    }

    #[test]
    fn a_holder_reads_as_who_and_where() {
        let holder = LockHolder::Session(Box::new(HolderSession {
            pid: 7,
            application: String::new(),
            user: "app".into(),
            client: "local socket".into(),
            connected_since: "2026-07-28 09:30:00 UTC".into(),
        }));
        assert_eq!(
            holder.to_string(),
            "held by pid 7 (unnamed client, user app, from local socket, \
             connected since 2026-07-28 09:30:00 UTC)"
        );
        assert_eq!(holder.pid(), Some(7));
        assert_eq!(LockHolder::Released.pid(), None);
    }
}
