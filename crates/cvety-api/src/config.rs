//! Where the API's database and migrations are: flags, then the
//! environment (and `.env`), then `petal.toml`, then petal's embedded
//! cluster — the same precedence as the petal CLI.

use std::path::{Path, PathBuf};

use petal_pg::ConnConfig;

/// The settings the binary starts with.
#[derive(Debug, Clone)]
pub struct Config {
    /// The project directory: where `petal.toml` and `.petal/` are.
    pub root: PathBuf,
    pub database_url: Option<String>,
    /// The embedded cluster's database, when no URL is set.
    pub database: String,
    pub migrations_dir: PathBuf,
    /// How `--migrate` runs each step: `petal.toml`'s `lock_timeout` and
    /// `lock_attempts`, read as `petal upgrade` reads them.
    pub step_policy: petal::runner::StepPolicy,
}

#[derive(Debug, Default, serde::Deserialize)]
struct PetalToml {
    database_url: Option<String>,
    database: Option<String>,
    migrations: Option<PathBuf>,
    lock_timeout: Option<String>,
    lock_attempts: Option<u32>,
}

impl Config {
    /// Reads `root/petal.toml` (when present) under the given URL, which
    /// wins when set.
    pub fn load(root: &Path, database_url: Option<String>) -> Result<Config, String> {
        let toml_path = root.join("petal.toml");
        let file = match std::fs::read_to_string(&toml_path) {
            Ok(text) => toml::from_str::<PetalToml>(&text)
                .map_err(|e| format!("{}: {e}", toml_path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => PetalToml::default(),
            Err(e) => return Err(format!("cannot read {}: {e}", toml_path.display())),
        };
        // petal names the embedded database after the project directory
        // unless petal.toml says otherwise; so must we, to find it.
        let default_db = root
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "petal".to_string());
        let step_policy = petal::runner::StepPolicy::from_settings(
            file.lock_timeout.as_deref(),
            file.lock_attempts,
        )
        .map_err(|why| format!("{}: {why}", toml_path.display()))?;
        Ok(Config {
            step_policy,
            root: root.to_path_buf(),
            database_url: database_url.filter(|u| !u.is_empty()).or(file.database_url),
            database: file.database.unwrap_or(default_db),
            migrations_dir: root.join(
                file.migrations
                    .unwrap_or_else(|| PathBuf::from("migrations")),
            ),
        })
    }

    /// petal's engine settings for the same project.
    pub fn settings(&self) -> petal_engine::Settings {
        petal_engine::Settings {
            root: self.root.clone(),
            database_url: self.database_url.clone(),
            dev_url: None,
            database: self.database.clone(),
            models_dir: self.root.join("schema/src"),
            migrations_dir: self.migrations_dir.clone(),
            sql_dir: None,
            project_file: Some(self.root.join("petal.toml")),
            schemas: Vec::new(),
            features: None,
            step_policy: self.step_policy,
            online: false,
            recreate_with_rows: Default::default(),
            privileges: false,
        }
    }

    /// The database's connection settings, starting the embedded cluster
    /// when no URL is configured.
    pub async fn conn_config(&self) -> Result<ConnConfig, String> {
        self.settings()
            .target()
            .await
            .map_err(|e| format!("database: {e}"))
    }

    /// What the start-up check tells the operator to run.
    pub fn upgrade_command(&self) -> String {
        match &self.database_url {
            Some(_) => "petal upgrade head (with the same DATABASE_URL)".to_string(),
            None => "petal upgrade head".to_string(),
        }
    }
}
