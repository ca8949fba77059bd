//! What the workflows need to know, as plain values: the binary fills it
//! from `petal.toml`, the environment and flags.

use std::path::PathBuf;

use petal_pg::{ConnConfig, EmbeddedCluster};

use crate::error::EngineError;

#[derive(Debug, Clone)]
pub struct Settings {
    /// The project directory (where `.petal/` lives).
    pub root: PathBuf,
    /// The target database; `None`: the embedded cluster's `database`.
    pub database_url: Option<String>,
    /// Where models are canonicalized and migrations replayed; `None`: the
    /// embedded cluster.
    pub dev_url: Option<String>,
    /// The embedded cluster's database.
    pub database: String,
    pub models_dir: PathBuf,
    pub migrations_dir: PathBuf,
    /// The SQL files beside the models (views, functions, triggers, ...);
    /// `None`: the project declares none.
    pub sql_dir: Option<PathBuf>,
    /// The project's `petal.toml`; `None`: there is none here or above, so
    /// there is no project, and petal starts no cluster.
    pub project_file: Option<PathBuf>,
    /// Schemas compared; empty: every non-system schema on either side.
    pub schemas: Vec<String>,
    /// The crate features the model files are read with
    /// (`#[cfg(feature = "...")]`); `None`: the model crate's default ones,
    /// when its `Cargo.toml` says. `#[cfg(test)]` items are never read.
    pub features: Option<Vec<String>>,
    /// How migration steps run: `lock_timeout`, `lock_attempts`.
    pub step_policy: crate::runner::StepPolicy,
    /// Generated migrations use the online recipes (`online = true`,
    /// `petal revision --online`): see `petal_diff::Mode::Online`.
    pub online: bool,
    /// Privileges are compared (`privileges = true`, `petal diff
    /// --privileges`); RLS flags and policies are, always.
    pub privileges: bool,
    /// The tables a generated migration may recreate with their rows where
    /// PostgreSQL cannot change them in place (`petal revision
    /// --allow-recreate TABLE`); any other such table is refused.
    pub recreate_with_rows: std::collections::BTreeSet<petal_ir::QualifiedName>,
}

impl Settings {
    /// How a migration against a server of `server_version_num` is
    /// written: the online recipes are that server's.
    pub fn mode(&self, server_version_num: i32) -> petal_diff::Mode {
        petal_diff::Mode::new(self.online, server_version_num)
    }

    pub fn embedded_cluster(&self) -> Result<EmbeddedCluster, EngineError> {
        self.in_a_project()?;
        Ok(EmbeddedCluster::locate(&self.root, &self.database)?)
    }

    /// An embedded cluster belongs to a project: without `petal.toml`,
    /// petal would start one in whatever directory it was run from.
    fn in_a_project(&self) -> Result<(), EngineError> {
        if self.project_file.is_some() {
            return Ok(());
        }
        Err(EngineError::Config(
            "no petal project here: no petal.toml in this directory or above, so petal starts \
             no PostgreSQL of its own; run `petal init` (a command that only reads a database \
             works with --database-url or DATABASE_URL)"
                .to_string(),
        ))
    }

    /// The target database's connection settings, starting the embedded
    /// cluster when no URL is configured.
    pub async fn target(&self) -> Result<ConnConfig, EngineError> {
        match &self.database_url {
            Some(url) => Ok(ConnConfig::parse(url)?),
            None => {
                let cluster = self.embedded_cluster()?;
                cluster.start().await?;
                Ok(cluster.conn_config(&self.database))
            }
        }
    }

    /// The embedded dev cluster (`.petal/dev`): where models are
    /// canonicalized and migrations replayed when no `dev_url` is set. It is
    /// a cluster of its own, apart from the one holding the user's data,
    /// because everything in it is disposable: it runs without durability
    /// (`fsync` off), which makes loading a large schema several times
    /// faster (every index build on an empty table fsyncs otherwise), and
    /// its data directory is in memory when the machine has room (see
    /// `EmbeddedCluster::in_memory`), where creating and dropping thousands
    /// of files is cheap. Its WAL is capped for the same reason.
    pub fn dev_cluster(&self) -> Result<EmbeddedCluster, EngineError> {
        self.in_a_project()?;
        let dir = self.root.join(".petal").join("dev");
        Ok(EmbeddedCluster::in_dir(&dir, "postgres")?
            .with_setting("fsync", "off")
            .with_setting("full_page_writes", "off")
            .with_setting("synchronous_commit", "off")
            .with_setting("max_wal_size", "64MB")
            .with_setting("min_wal_size", "32MB")
            .in_memory())
    }

    /// A connection to the dev server's maintenance database, where scratch
    /// databases are created: `dev_url`, or the embedded dev cluster.
    pub async fn dev_server(&self) -> Result<ConnConfig, EngineError> {
        match &self.dev_url {
            Some(url) => Ok(ConnConfig::parse(url)?),
            None => {
                let cluster = self.dev_cluster()?;
                cluster.start().await?;
                Ok(cluster.conn_config("postgres"))
            }
        }
    }
}

/// The tables named on the command line (`--allow-recreate`): `schema.table`,
/// or a bare name in `public`.
pub fn tables_named(names: &[String]) -> std::collections::BTreeSet<petal_ir::QualifiedName> {
    names
        .iter()
        .map(|name| match name.split_once('.') {
            Some((schema, table)) => petal_ir::QualifiedName::new(schema, table),
            None => petal_ir::QualifiedName::new("public", name.as_str()),
        })
        .collect()
}
