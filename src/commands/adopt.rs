//! `petal init --from-database URL`: a project written from a live
//! database — models, SQL files, `petal.toml`, a baseline migration from
//! nothing to the models — with the database stamped at the baseline.
//! `petal check` is then clean (the adoption round trip proves it); it is
//! run here only when something could not be declared, to show it.

use std::path::{Path, PathBuf};

use chrono::Utc;
use petal_engine::Settings;
use petal_engine::adopt::{self, Adoption};
use petal_engine::autogen::{self, Baseline};
use petal_engine::migrate::{self, Operation, RunSettings};
use petal_engine::pg::ConnConfig;
use petal_engine::sources::{self, Source};
use petal_migrate::PlanOptions;
use petal_source::Report;

use crate::cli::Format;
use crate::config::{CONFIG_FILE, Config};
use crate::failure::{ErrorKind, Failure};
use crate::output::Style;

/// What `petal init --from-database` was given.
pub struct From<'a> {
    /// The database adopted.
    pub url: &'a str,
    /// Written as `dev_url`.
    pub dev_url: Option<&'a str>,
    /// Written as `privileges = true`: the grants go into the SQL files.
    pub privileges: bool,
}

/// Adopts the database `from` names as a project in `dir`, never
/// overwriting a file: everything is written in memory first, and nothing
/// is written when one of the files exists.
pub fn run(dir: &Path, from: &From<'_>, style: Style) -> Result<(), Failure> {
    let target = ConnConfig::parse(from.url).map_err(petal_engine::EngineError::from)?;
    if let Some(dev_url) = from.dev_url {
        ConnConfig::parse(dev_url).map_err(petal_engine::EngineError::from)?;
    }
    let runtime = crate::runtime()?;
    let result = runtime.block_on(adopt_into(dir, from, &target, style));
    runtime.block_on(petal_engine::canonical::settle());
    result
}

async fn adopt_into(
    dir: &Path,
    from: &From<'_>,
    target: &ConnConfig,
    style: Style,
) -> Result<(), Failure> {
    let (url, privileges) = (from.url, from.privileges);
    let reading = Settings {
        database_url: Some(url.to_string()),
        ..adopt::project_settings(dir, privileges)
    };
    // What `petal init` writes too: a project here already, said before
    // the database is read.
    refuse_existing(&[
        dir.join(CONFIG_FILE),
        dir.join(adopt::MODELS_DIR).join("mod.rs"),
    ])?;
    let applied = adopt::applied_revisions(target).await?;
    if !applied.is_empty() {
        return Err(Failure::error(
            ErrorKind::Plan,
            format!(
                "petal already manages {}: its log records {} applied revision(s), the last {}; \
                 work in the project that holds those migrations",
                target.target(),
                applied.len(),
                applied.last().map(String::as_str).unwrap_or_default()
            ),
        ));
    }
    let loaded = sources::load(&reading, &Source::Database).await?;
    let adoption = Adoption::of(&loaded);
    let mut files = adoption.files();
    let mut config = super::init::config_text(dir, Some(&url_lines(target)), privileges);
    if let Some(dev_url) = from.dev_url {
        // Written as given: nothing else gives petal the dev server's.
        if ConnConfig::parse(dev_url).is_ok_and(|c| c.password.is_some()) {
            config
                .push_str("# this line holds the dev server's password: keep this file private\n");
        }
        config.push_str(&format!(
            "dev_url = {}\n",
            toml::Value::String(dev_url.to_string())
        ));
    }
    files.insert(CONFIG_FILE.to_string(), config);
    write_all(dir, &files)?;
    for path in files.keys() {
        println!("created {}", dir.join(path).display());
    }
    say_names(&adoption);

    // From here on, the project's own settings: its dev cluster, its
    // `petal.toml`, the URL given (with its password, never written).
    let mut stamped = false;
    let mut baseline = None;
    let result = baseline_and_check(
        dir,
        url,
        target,
        &adoption,
        style,
        &mut baseline,
        &mut stamped,
    )
    .await;
    if result.as_ref().is_err_and(|f| f.code == 2) {
        // The files stay: what is left to do, by hand, once the error is
        // mended (running `init` again refuses the files now there).
        let left = match (&baseline, stamped) {
            (None, _) => "petal revision --autogenerate --from-migrations -m baseline, then \
                          petal stamp head, then petal check"
                .to_string(),
            (Some(path), false) => format!(
                "petal stamp head (the baseline {} is written, not recorded in the \
                 database), then petal check",
                path
            ),
            (Some(_), true) => "petal check".to_string(),
        };
        eprintln!(
            "{} the project's files are written in {}; once the error below is mended, run: {left}",
            style.yellow("note:"),
            dir.canonicalize()
                .unwrap_or_else(|_| dir.to_path_buf())
                .display()
        );
    }
    result
}

/// The baseline from nothing to the models, the database stamped at it,
/// then `petal check` where something could not be declared; `baseline`
/// and `stamped` say how far it got.
async fn baseline_and_check(
    dir: &Path,
    url: &str,
    target: &ConnConfig,
    adoption: &Adoption,
    style: Style,
    baseline: &mut Option<String>,
    stamped: &mut bool,
) -> Result<(), Failure> {
    let settings = Config::load(Some(&dir.join(CONFIG_FILE)), Some(url))?;
    let written = match &adoption.declares {
        // Generated toward the database itself: the files declare it
        // exactly, so their canonicalization (a cold load of the whole
        // schema on the dev server) is left to the first `check`.
        Some(declared) => autogen::revision_to(&settings, "baseline", declared, Utc::now()).await?,
        None => {
            autogen::revision(
                &settings,
                "baseline",
                Some(Baseline::Migrations),
                Utc::now(),
            )
            .await?
        }
    };
    let Some(written) = written else {
        println!("the database holds nothing petal compares: no baseline written");
        return Ok(());
    };
    *baseline = Some(written.path.display().to_string());
    for warning in &written.warnings {
        eprintln!("{} {warning}", style.yellow("warning:"));
    }
    note_in_header(&written.path, &adoption.left_in_place())?;
    println!(
        "wrote {} ({} changes from nothing to the models)",
        written.path.display(),
        written.diff.changes.len()
    );
    migrate::run(
        &settings,
        Operation::Stamp,
        "head",
        PlanOptions::default(),
        &RunSettings::default(),
        &mut |_| {},
    )
    .await?;
    *stamped = true;
    println!(
        "stamped {} at {}",
        target.target(),
        written.revision.as_str()
    );
    for line in adoption.left_in_place() {
        println!("{line}");
    }
    if adoption.declares.is_some() {
        println!(
            "next: petal check, which says the models and the database agree (its first run \
             loads the models into the dev server once)"
        );
        return Ok(());
    }
    // The models were canonicalized for the baseline: the check is quick,
    // and shows what could not be declared as the difference it is.
    println!("petal check:");
    let output = super::report::Output {
        format: Format::Text,
        file: None,
    };
    super::revision::check(&settings, false, output, style).await
}

/// The `database_url` lines of `petal.toml`: the URL without its password,
/// which is never written (nor printed).
fn url_lines(target: &ConnConfig) -> String {
    let url = target.to_url_without_password();
    let quoted = toml::Value::String(url).to_string();
    if target.password.is_some() {
        format!(
            "# the database this project was adopted from; its password is not written\n\
             # here: set DATABASE_URL (it overrides this line) or pass --database-url\n\
             database_url = {quoted}\n"
        )
    } else {
        format!("database_url = {quoted}\n")
    }
}

/// Writes `files` under `dir`, when none of them exists (nor a migration).
fn write_all(
    dir: &Path,
    files: &std::collections::BTreeMap<String, String>,
) -> Result<(), Failure> {
    let paths: Vec<PathBuf> = files.keys().map(|p| dir.join(p)).collect();
    refuse_existing(&paths)?;
    let migrations = dir.join(adopt::MIGRATIONS_DIR);
    let has_migrations = std::fs::read_dir(&migrations)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false);
    if has_migrations {
        return Err(Failure::new(
            ErrorKind::Io,
            Report::in_file(
                migrations.display().to_string(),
                "already holds migrations; the baseline would not be the first",
            ),
        ));
    }
    let io = |what: &Path, e: std::io::Error| {
        Failure::new(
            ErrorKind::Io,
            Report::in_file(what.display().to_string(), format!("cannot write: {e}")),
        )
    };
    std::fs::create_dir_all(&migrations).map_err(|e| io(&migrations, e))?;
    std::fs::create_dir_all(dir.join(adopt::SQL_DIR)).map_err(|e| io(&dir.join("sql"), e))?;
    for (relative, text) in files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
    }
    super::init::ignore_petal_dir(dir).map_err(|e| io(&dir.join(".gitignore"), e))
}

/// An error naming the first of `paths` that exists.
fn refuse_existing(paths: &[PathBuf]) -> Result<(), Failure> {
    match paths.iter().find(|p| p.exists()) {
        Some(path) => Err(Failure::new(
            ErrorKind::Io,
            Report::in_file(
                path.display().to_string(),
                "already exists; petal init never overwrites files (adopt into a new directory)",
            ),
        )),
        None => Ok(()),
    }
}

/// The names chosen, table by table: never guessed silently.
fn say_names(adoption: &Adoption) {
    if !adoption.models.structs.is_empty() {
        println!("tables, as the structs that model them:");
        for (table, name) in &adoption.models.structs {
            println!("  {table} -> {name}");
        }
    }
    if !adoption.models.enums.is_empty() {
        println!("enum types, as the Rust enums that model them:");
        for (name, rust) in &adoption.models.enums {
            println!("  {name} -> {rust}");
        }
    }
}

/// Adds `lines` as comments to the header of the migration at `path`,
/// after the line petal signs it with.
fn note_in_header(path: &Path, lines: &[String]) -> Result<(), Failure> {
    if lines.is_empty() {
        return Ok(());
    }
    let cannot = |e: std::io::Error| {
        Failure::new(
            ErrorKind::Io,
            Report::in_file(path.display().to_string(), format!("cannot update: {e}")),
        )
    };
    let text = std::fs::read_to_string(path).map_err(cannot)?;
    // One comment line per line: a name holding a line break stays a comment.
    let notes: String = lines
        .iter()
        .flat_map(|l| l.lines())
        .map(|l| format!("-- {l}\n"))
        .collect();
    let at = text
        .find("-- generated by petal")
        .and_then(|at| text[at..].find('\n').map(|end| at + end + 1))
        .unwrap_or(0);
    let updated = format!("{}{notes}{}", &text[..at], &text[at..]);
    std::fs::write(path, updated).map_err(cannot)
}
