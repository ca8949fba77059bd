//! Adopting petal on an existing database (`petal init --from-database`):
//! models and SQL files written from the live schema, so that the first
//! `petal check` is clean.
//!
//! Tables and enum types become models ([`petal_syntax::write`]);
//! everything else petal compares becomes SQL files ([`sql_files`]); what
//! petal does not compare is listed, to be left in place. The project's
//! files are written in memory first ([`Adoption::files`]): the binary
//! writes them only when none exists, then writes the baseline migration
//! and stamps the database at it, as the README's "An existing database"
//! does by hand.

pub mod sql_files;

use std::collections::BTreeMap;

use petal_pg::NotCompared;
pub use petal_syntax::write::{WrittenModels, write_models};

use crate::sources::Loaded;
pub use sql_files::{WrittenSql, write_sql_files};

/// Where an adopted project keeps what it declares, relative to its root.
pub const MODELS_DIR: &str = "src/models";
pub const SQL_DIR: &str = "sql";
pub const MIGRATIONS_DIR: &str = "migrations";

/// A database, written as a project's models and SQL files.
#[derive(Debug)]
pub struct Adoption {
    pub models: WrittenModels,
    pub sql: WrittenSql,
    /// What petal does not compare: left in place, and said.
    pub not_compared: Vec<NotCompared>,
}

impl Adoption {
    /// The models and SQL files of `loaded`.
    pub fn of(loaded: &Loaded) -> Adoption {
        Adoption {
            models: write_models(&loaded.database),
            sql: write_sql_files(&loaded.database),
            not_compared: loaded.not_compared.clone(),
        }
    }

    /// Every file to write, by its path relative to the project root
    /// ('/'-separated), in order.
    pub fn files(&self) -> BTreeMap<String, String> {
        let models = self
            .models
            .files
            .iter()
            .map(|(path, text)| (format!("{MODELS_DIR}/{path}"), text.clone()));
        let sql = self
            .sql
            .files
            .iter()
            .map(|(path, text)| (format!("{SQL_DIR}/{path}"), text.clone()));
        models.chain(sql).collect()
    }

    /// The lines the baseline migration's header gets: what the database
    /// holds that petal leaves in place, and what could not be declared.
    pub fn left_in_place(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.not_compared.is_empty() {
            lines.push(
                "left in place: petal does not model these, and this migration does not \
                 create them"
                    .to_string(),
            );
            lines.extend(
                self.not_compared
                    .iter()
                    .map(|n| format!("  {} {}", n.kind, n.name)),
            );
        }
        if !self.sql.unwritten.is_empty() {
            lines.push("not declared: the SQL files do not accept these statements".to_string());
            for statement in &self.sql.unwritten {
                lines.extend(statement.lines().map(|l| format!("  {l}")));
            }
        }
        lines
    }
}

/// The revisions petal's log in the database at `target` records: a
/// database petal already manages is its project's, not one to adopt.
pub async fn applied_revisions(
    target: &petal_pg::ConnConfig,
) -> Result<Vec<String>, crate::EngineError> {
    let client = petal_pg::connect(target).await?;
    let read = |e| crate::EngineError::pg_query("reading petal's migration log", e);
    if !crate::runner::log::log_table_exists(&client)
        .await
        .map_err(read)?
    {
        return Ok(Vec::new());
    }
    let rows = crate::runner::log::read_applied(&client)
        .await
        .map_err(read)?;
    Ok(rows.into_iter().map(|r| r.revision).collect())
}
