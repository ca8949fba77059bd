//! Configuration: `petal.toml`, overridden by `DATABASE_URL` (the environment
//! or `.env`), overridden by flags. Only the binary reads configuration.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use petal_engine::Settings;
use petal_engine::runner::StepPolicy;
use petal_source::{Report, SourceFile, Span};
use serde::Deserialize;

use crate::failure::{ErrorKind, Failure};

/// Reads the settings petal runs with (`petal_engine::Settings`), every
/// source merged. Relative paths are relative to the directory holding
/// `petal.toml` (or the current directory).
pub struct Config;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    dev_url: Option<String>,
    database: Option<String>,
    models: Option<PathBuf>,
    migrations: Option<PathBuf>,
    sql: Option<PathBuf>,
    #[serde(default)]
    schemas: Vec<String>,
    features: Option<Vec<String>>,
    /// How long a migration's statement waits for a lock: `"5s"`, `"0"`.
    lock_timeout: Option<String>,
    /// How many times a step that hit `lock_timeout` runs in all.
    lock_attempts: Option<u32>,
    /// Generated migrations use the online recipes.
    #[serde(default)]
    online: bool,
    /// Privileges are compared, and the SQL files may hold `GRANT` and
    /// `REVOKE`.
    #[serde(default)]
    privileges: bool,
}

pub const CONFIG_FILE: &str = "petal.toml";

impl Config {
    /// Loads `petal.toml` (from `explicit`, else the current directory or
    /// the nearest above it: the project's directory is where it is), then
    /// applies `.env`, the environment and the `--database-url` flag.
    /// Without one, there is no project: commands that need none (a URL
    /// given) work, and nothing starts a cluster.
    pub fn load(explicit: Option<&Path>, url_flag: Option<&str>) -> Result<Settings, Failure> {
        let (root, file, project_file) = match explicit {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| cannot_read(path, &e))?;
                let root = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from("."));
                let file = parse_file(&path.display().to_string(), &text)?;
                (root, file, Some(path.to_path_buf()))
            }
            None => match find_project()? {
                Some((root, path, text)) => {
                    let file = parse_file(&path.display().to_string(), &text)?;
                    (root, file, Some(path))
                }
                None => (PathBuf::from("."), FileConfig::default(), None),
            },
        };
        let dotenv = read_dotenv(&root.join(".env"))?;
        let env_url = std::env::var("DATABASE_URL")
            .ok()
            .filter(|v| !v.is_empty())
            .or_else(|| dotenv.get("DATABASE_URL").cloned());
        let step_policy = step_policy(&file, project_file.as_deref())?;
        let database_url = url_flag
            .map(str::to_string)
            .or(env_url)
            .or(file.database_url);
        let default_db = root
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "petal".to_string());
        Ok(Settings {
            models_dir: under(
                &root,
                // What `petal init` writes.
                file.models.unwrap_or_else(|| PathBuf::from("src/models")),
            ),
            migrations_dir: under(
                &root,
                file.migrations
                    .unwrap_or_else(|| PathBuf::from("migrations")),
            ),
            sql_dir: file.sql.map(|dir| under(&root, dir)),
            project_file,
            database: file.database.unwrap_or(default_db),
            dev_url: file.dev_url,
            database_url,
            schemas: file.schemas,
            features: file.features,
            step_policy,
            online: file.online,
            recreate_with_rows: Default::default(),
            privileges: file.privileges,
            root,
        })
    }
}

/// `lock_timeout` and `lock_attempts`, over the defaults: the runner's one
/// reading of them, which a service embedding its migrations shares.
fn step_policy(file: &FileConfig, path: Option<&Path>) -> Result<StepPolicy, Failure> {
    StepPolicy::from_settings(file.lock_timeout.as_deref(), file.lock_attempts).map_err(|why| {
        let place = path.map_or_else(|| CONFIG_FILE.to_string(), |p| p.display().to_string());
        Failure::new(ErrorKind::Config, Report::in_file(place, why))
    })
}

/// `path` relative to the configuration's directory; paths stay as short as
/// the user typed them, since they appear in every message.
fn under(root: &Path, path: PathBuf) -> PathBuf {
    if root == Path::new(".") || path.is_absolute() {
        path
    } else {
        root.join(path)
    }
}

/// `petal.toml` in the current directory, else in the nearest directory
/// above it that has one: (the project's directory, as short as it can be
/// said, the file's path, its text).
fn find_project() -> Result<Option<(PathBuf, PathBuf, String)>, Failure> {
    let here = Path::new(CONFIG_FILE);
    match std::fs::read_to_string(here) {
        Ok(text) => return Ok(Some((PathBuf::from("."), here.to_path_buf(), text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(cannot_read(here, &e)),
    }
    let Ok(cwd) = std::env::current_dir() else {
        return Ok(None);
    };
    for dir in cwd.ancestors().skip(1) {
        let path = dir.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => return Ok(Some((dir.to_path_buf(), path, text))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(cannot_read(&path, &e)),
        }
    }
    Ok(None)
}

fn parse_file(path: &str, text: &str) -> Result<FileConfig, Failure> {
    toml::from_str(text).map_err(|e| {
        // Not toml's own rendering: it quotes the offending line, and that
        // line may hold a database password; the report gives the place
        // and never the line.
        let message = e.message().trim_end().to_string();
        let report = match e.span() {
            Some(span) => {
                let source = SourceFile::holding_secrets(path, text);
                Report::at(&source, Span::new(span.start, span.end), message)
            }
            None => Report::in_file(path, message),
        };
        Failure::new(ErrorKind::Config, report)
    })
}

fn cannot_read(path: &Path, e: &std::io::Error) -> Failure {
    Failure::new(
        ErrorKind::Io,
        Report::in_file(path.display().to_string(), format!("cannot read: {e}")),
    )
}

/// A `.env` file: `KEY=VALUE` lines, `#` comments, optional `export ` and
/// quotes. A missing file is an empty one.
fn read_dotenv(path: &Path) -> Result<BTreeMap<String, String>, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(cannot_read(path, &e)),
    };
    Ok(parse_dotenv(&text))
}

fn parse_dotenv(text: &str) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        if let Some((key, value)) = line.split_once('=') {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            vars.insert(key.trim().to_string(), value.to_string());
        }
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_lines() {
        let vars = parse_dotenv(
            "# comment\nexport DATABASE_URL=\"postgres://u@h/db\"\nOTHER='x y'\nBARE=1\n\n",
        );
        assert_eq!(vars["DATABASE_URL"], "postgres://u@h/db");
        assert_eq!(vars["OTHER"], "x y");
        assert_eq!(vars["BARE"], "1");
    }

    /// The failure as the user reads it.
    fn shown(result: Result<FileConfig, Failure>) -> String {
        match result {
            Ok(config) => panic!("parsed: {config:?}"),
            Err(failure) => failure.reports.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = shown(parse_file("petal.toml", "databse_url = 'x'\n"));
        assert!(err.contains("databse_url"), "{err}");
    }

    #[test]
    fn errors_are_located_without_quoting_the_line() {
        let text = "models = \"m\"\ndatabase_url = \"postgres://u:s3cr3t@h/db\n";
        let err = shown(parse_file("petal.toml", text));
        assert!(err.starts_with("petal.toml:2:"), "{err}");
        assert!(!err.contains("s3cr3t"), "{err}");
    }
}
