//! `petal init`: a configuration file, a migrations directory, an example
//! model and a directory for SQL files. Never overwrites anything.

use std::path::Path;

use petal_source::Report;

use crate::config::CONFIG_FILE;
use crate::failure::{ErrorKind, Failure};

const EXAMPLE_MODEL: &str = r#"//! petal models: one struct per table. petal reads this directory without
//! compiling it (`petal revision --autogenerate`), and the derive turns the
//! same attributes into code when your crate builds.
//!
//! Add `petal` to your crate's dependencies and `mod models;` to its root.
//! petal reads what the compiler reads: another file of models is a module
//! declared here (`pub mod billing;` for `billing.rs`).

use petal::{DbEnum, Table};

#[derive(DbEnum)]
pub enum Status {
    Draft,
    Published,
}

#[derive(Table)]
#[petal(table = "posts")]
pub struct Post {
    #[petal(primary_key)]
    pub id: i64,
    #[petal(index)]
    pub title: String,
    pub body: Option<String>,
    #[petal(default = "'draft'")]
    pub status: Status,
    #[petal(default = "now()")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}
"#;

pub fn run(dir: &Path) -> Result<(), Failure> {
    let config = config_text(dir, None, false);
    let config_path = dir.join(CONFIG_FILE);
    let model_path = dir.join("src/models/mod.rs");
    for existing in [&config_path, &model_path] {
        if existing.exists() {
            return Err(Failure::new(
                ErrorKind::Io,
                Report::in_file(
                    existing.display().to_string(),
                    "already exists; petal init never overwrites files",
                ),
            ));
        }
    }
    let io = |what: &Path, e: std::io::Error| {
        Failure::new(
            ErrorKind::Io,
            Report::in_file(what.display().to_string(), format!("cannot write: {e}")),
        )
    };
    std::fs::create_dir_all(dir.join("migrations")).map_err(|e| io(&dir.join("migrations"), e))?;
    std::fs::create_dir_all(dir.join("src/models")).map_err(|e| io(&dir.join("src/models"), e))?;
    std::fs::create_dir_all(dir.join("sql")).map_err(|e| io(&dir.join("sql"), e))?;
    std::fs::write(&config_path, config).map_err(|e| io(&config_path, e))?;
    std::fs::write(&model_path, EXAMPLE_MODEL).map_err(|e| io(&model_path, e))?;
    ignore_petal_dir(dir).map_err(|e| io(&dir.join(".gitignore"), e))?;
    println!("created {}", config_path.display());
    println!("created {}", dir.join("migrations").display());
    println!("created {}", model_path.display());
    println!("created {}", dir.join("sql").display());
    println!("next: edit the models, then `petal revision --autogenerate -m \"initial\"`");
    Ok(())
}

/// The `petal.toml` of a new project in `dir`: its embedded database named
/// after the directory, and the `database_url` lines given (commented
/// examples otherwise).
pub(crate) fn config_text(dir: &Path, database_url: Option<&str>, privileges: bool) -> String {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "app".to_string());
    let db_name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let url_lines = match database_url {
        Some(lines) => lines.to_string(),
        None => format!("# database_url = \"postgres://user@localhost:5432/{db_name}\"\n"),
    };
    let privileges = if privileges {
        "# grants and default privileges are compared:\nprivileges = true\n"
    } else {
        ""
    };
    format!(
        "# petal configuration; paths are relative to this file.\n\
         # Without database_url (or DATABASE_URL, or --database-url), petal uses its own\n\
         # PostgreSQL cluster in .petal/, and this database in it:\n\
         database = \"{db_name}\"\n\
         {url_lines}\
         # dev_url = \"postgres://user@localhost:5432/postgres\"  # where models are canonicalized\n\
         models = \"src/models\"\n\
         migrations = \"migrations\"\n\
         # views, functions, triggers and the rest, as plain SQL files:\n\
         sql = \"sql\"\n\
         # schemas = [\"public\"]  # default: every non-system schema\n\
         {privileges}"
    )
}

/// Adds `.petal/` (the embedded cluster) to `.gitignore`.
pub(crate) fn ignore_petal_dir(dir: &Path) -> std::io::Result<()> {
    let path = dir.join(".gitignore");
    let current = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    if current
        .lines()
        .any(|l| l.trim() == ".petal/" || l.trim() == "/.petal/")
    {
        return Ok(());
    }
    let mut text = current;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(".petal/\n");
    std::fs::write(path, text)
}
