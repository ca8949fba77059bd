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
    /// Schemas compared; empty: every non-system schema on either side.
    pub schemas: Vec<String>,
}

impl Settings {
    pub fn embedded_cluster(&self) -> Result<EmbeddedCluster, EngineError> {
        Ok(EmbeddedCluster::locate(&self.root, &self.database)?)
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

    /// A connection to the dev server's maintenance database, where scratch
    /// databases are created; the embedded cluster when no `dev_url` is set.
    pub async fn dev_server(&self) -> Result<ConnConfig, EngineError> {
        match &self.dev_url {
            Some(url) => Ok(ConnConfig::parse(url)?),
            None => {
                let cluster = self.embedded_cluster()?;
                cluster.start().await?;
                Ok(cluster.conn_config("postgres"))
            }
        }
    }
}
