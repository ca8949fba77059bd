//! The embedded cluster: a PostgreSQL server petal starts by itself from
//! the server binaries on the machine, listening only on a Unix socket with
//! trust authentication, for users without a database URL, for
//! canonicalizing models, and for tests.
//!
//! Layout of the cluster directory (`<project>/.petal/pg` by default):
//! `data/` (PGDATA), `server.log`, `initdb.log`, `pg_ctl.log`, `petal.lock`
//! (held while starting or stopping, so concurrent petal processes and test
//! binaries take turns) and `run/` (the socket directory, when its path is
//! short enough).

mod binaries;
mod memory;
mod setup;
mod user;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use binaries::find_bin_dir;
pub use memory::ENV as IN_MEMORY_ENV;
use setup::path_str;
use user::{RunAs, can_enter, process_alive, server_user};

use crate::conn::{ConnConfig, connect};
use crate::error::PgError;
use petal_ir::quote_ident;

/// The default port. Without TCP it only names the socket file
/// (`.s.PGSQL.5432`): each cluster has its own socket directory, so they
/// never clash.
pub const PORT: u16 = 5432;
/// The superuser `initdb` creates.
pub const SUPERUSER: &str = "postgres";
/// Unix socket paths are limited to 107 bytes (`sun_path`); keep a margin.
const MAX_SOCKET_PATH: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterStatus {
    /// No cluster directory yet: `start` will run `initdb`.
    NotInitialized,
    Stopped,
    Running {
        pid: i32,
    },
}

#[derive(Debug, Clone)]
pub struct EmbeddedCluster {
    base: PathBuf,
    /// The data directory when not `base/data` (see [`Self::in_memory`]).
    data: Option<PathBuf>,
    socket_dir: PathBuf,
    bin_dir: PathBuf,
    db_name: String,
    run_as: Option<RunAs>,
    settings: BTreeMap<String, String>,
    port: u16,
}

impl EmbeddedCluster {
    /// The cluster of the project in `project_dir` (in `.petal/pg`), serving
    /// the database `db_name`. Finds the server binaries, but starts nothing.
    pub fn locate(project_dir: &Path, db_name: &str) -> Result<Self, PgError> {
        Self::in_dir(&project_dir.join(".petal").join("pg"), db_name)
    }

    /// A cluster kept in `dir`, or, when we are root and the server's user
    /// cannot reach `dir` (a checkout under a mode-0700 home), in a
    /// directory under the system temp directory keyed by `dir`.
    pub fn in_dir(dir: &Path, db_name: &str) -> Result<Self, PgError> {
        let bin_dir = find_bin_dir()?;
        let run_as = server_user()?;
        let preferred = std::path::absolute(dir).map_err(|e| PgError::io("resolving", dir, e))?;
        let base = match &run_as {
            Some(user) if !can_enter(user, nearest_existing(&preferred)) => std::env::temp_dir()
                .join(format!("petal-{}", short_hash(&preferred)))
                .join("pg"),
            _ => preferred,
        };
        let natural_socket_dir = base.join("run");
        // Sized for the longest port, so that `with_port` cannot overflow it.
        let socket_file = natural_socket_dir.join(".s.PGSQL.65535");
        let socket_dir = if socket_file.as_os_str().len() <= MAX_SOCKET_PATH {
            natural_socket_dir
        } else {
            std::env::temp_dir().join(format!("petal-s-{}", short_hash(&base)))
        };
        Ok(EmbeddedCluster {
            base,
            data: None,
            socket_dir,
            bin_dir,
            db_name: db_name.to_string(),
            run_as,
            settings: BTreeMap::new(),
            port: PORT,
        })
    }

    /// A server setting (`postgresql.conf` syntax) applied from the next
    /// start on, such as `fsync` = `off` for a throw-away test cluster.
    pub fn with_setting(mut self, name: &str, value: &str) -> Self {
        self.settings.insert(name.to_string(), value.to_string());
        self
    }

    /// Keeps the data directory in memory (tmpfs) when the machine has
    /// room, for a cluster whose contents are all disposable; a data
    /// directory already on disk stays there. `PETAL_DEV_IN_MEMORY=0`
    /// turns it off.
    pub fn in_memory(mut self) -> Self {
        self.data = memory::choose(&self.base, &self.base.join("data"));
        self
    }

    /// Whether the data directory is in memory.
    pub fn is_in_memory(&self) -> bool {
        self.data.is_some()
    }

    /// Another port: it names the socket file, and is the TCP port when a
    /// `listen_addresses` setting opens one (tests of TLS and passwords).
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_dir(&self) -> &Path {
        &self.base
    }

    pub fn data_dir(&self) -> PathBuf {
        self.data.clone().unwrap_or_else(|| self.base.join("data"))
    }

    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    pub fn log_file(&self) -> PathBuf {
        self.base.join("server.log")
    }

    pub fn db_name(&self) -> &str {
        &self.db_name
    }

    /// The major version the cluster's data directory was made by (`15`),
    /// when it exists: a data directory only starts with binaries of the
    /// same major version.
    pub fn data_version(&self) -> Option<String> {
        fs::read_to_string(self.data_dir().join("PG_VERSION"))
            .ok()
            .map(|v| v.trim().to_string())
    }

    /// Connection settings for database `db_name` of this cluster.
    pub fn conn_config(&self, db_name: &str) -> ConnConfig {
        ConnConfig::unix(&self.socket_dir, self.port, SUPERUSER, db_name)
    }

    /// The URL of the configured database, e.g.
    /// `postgresql://postgres@%2Ftmp%2Fpetal-s-0123abcd:5432/flower_shop?sslmode=disable`.
    pub fn url(&self) -> String {
        self.conn_config(&self.db_name).to_string()
    }

    pub fn status(&self) -> ClusterStatus {
        let data = self.data_dir();
        if !data.join("PG_VERSION").is_file() {
            return ClusterStatus::NotInitialized;
        }
        let pid = postmaster_pid(&data);
        let socket = self.socket_dir.join(format!(".s.PGSQL.{}", self.port));
        match pid {
            Some(pid) if process_alive(pid) && socket.exists() => ClusterStatus::Running { pid },
            _ => ClusterStatus::Stopped,
        }
    }

    /// Starts the server (running `initdb` first when needed) and creates
    /// the configured database. Idempotent: a running cluster is reused.
    /// Needs a tokio runtime (the blocking part runs on its blocking pool).
    pub async fn start(&self) -> Result<(), PgError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.start_server())
            .await
            .map_err(|e| PgError::Cluster(format!("the start task failed: {e}")))??;
        self.create_database(&self.db_name).await
    }

    /// Starts the server only (blocking), waiting until it accepts
    /// connections. Idempotent.
    pub fn start_server(&self) -> Result<(), PgError> {
        self.prepare_dirs()?;
        let _lock = self.lock()?;
        let data = self.data_dir();
        match self.status() {
            ClusterStatus::Running { .. } => return Ok(()),
            ClusterStatus::NotInitialized => {
                crate::progress::say(&format!(
                    "creating a PostgreSQL cluster in {} (first use: a few seconds)",
                    data.display()
                ));
                self.initdb()?;
            }
            ClusterStatus::Stopped => {}
        }
        crate::progress::say(&format!("starting PostgreSQL ({})", data.display()));
        self.write_settings()?;
        let log = self.log_file();
        let args = ["start", "-D", path_str(&data)?, "-l", path_str(&log)?];
        self.run_logged(
            "pg_ctl",
            &[&args[..], &["-w", "-t", "120", "-s"]].concat(),
            "pg_ctl.log",
        )
    }

    /// Stops the server (fast shutdown: open sessions are ended). Stopping a
    /// cluster that is not running is not an error.
    pub fn stop(&self) -> Result<(), PgError> {
        if !self.base.is_dir() {
            return Ok(());
        }
        let _lock = self.lock()?;
        if !matches!(self.status(), ClusterStatus::Running { .. }) {
            return Ok(());
        }
        let data = self.data_dir();
        let args = [
            "stop",
            "-D",
            path_str(&data)?,
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "-s",
        ];
        self.run_logged("pg_ctl", &args, "pg_ctl.log")
    }

    /// Creates database `name` unless it exists (concurrent callers are fine).
    pub async fn create_database(&self, name: &str) -> Result<(), PgError> {
        let client = connect(&self.conn_config("postgres")).await?;
        let exists = client
            .query_opt(
                "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1",
                &[&name],
            )
            .await
            .map_err(|e| PgError::query(format!("looking up database {name:?}"), e))?
            .is_some();
        if exists {
            return Ok(());
        }
        match client
            .batch_execute(&format!("CREATE DATABASE {}", quote_ident(name)))
            .await
        {
            Ok(()) => Ok(()),
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::DUPLICATE_DATABASE) => {
                Ok(())
            }
            Err(e) => Err(PgError::query(format!("CREATE DATABASE {name:?}"), e)),
        }
    }

    /// Drops database `name` if it exists, ending its sessions.
    pub async fn drop_database(&self, name: &str) -> Result<(), PgError> {
        let client = connect(&self.conn_config("postgres")).await?;
        client
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(name)
            ))
            .await
            .map_err(|e| PgError::query(format!("DROP DATABASE {name:?}"), e))
    }
}

/// The postmaster's pid as its data directory records it.
fn postmaster_pid(data: &Path) -> Option<i32> {
    fs::read_to_string(data.join("postmaster.pid"))
        .ok()
        .and_then(|text| text.lines().next()?.trim().parse::<i32>().ok())
}

/// Whether the server of data directory `data` is running.
fn postmaster_running(data: &Path) -> bool {
    postmaster_pid(data).is_some_and(process_alive)
}

fn nearest_existing(path: &Path) -> &Path {
    path.ancestors()
        .find(|p| p.exists())
        .unwrap_or_else(|| Path::new("/"))
}

/// A short, stable name for a path: the first 12 hex digits of its SHA-256.
fn short_hash(path: &Path) -> String {
    let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
    hex::encode(&digest[..6])
}
