//! The schemas petal compares, wherever they come from: a live database,
//! the models (canonicalized on the dev database), the migrations (replayed
//! on a scratch database), or nothing at all.

use std::collections::BTreeSet;

use petal_ir::Database;
use petal_migrate::{PlanOptions, RevisionGraph, RevisionId, Target};
use petal_pg::{ConnConfig, IntrospectOptions, NotCompared, introspect_parallel};

use crate::error::EngineError;
use crate::migrate::{Operation, load_graph, run_on};
use crate::scratch::ScratchDb;
use crate::settings::Settings;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A `postgres://` URL or key-value connection string.
    Url(String),
    /// The configured target database (`database_url`, or the embedded one).
    Database,
    Models,
    /// Every migration (all heads) replayed on a scratch database.
    Migrations,
    /// `migrations@REV`: the migrations replayed up to a revision, as
    /// `petal upgrade REV` would take an empty database (a revision id or a
    /// unique prefix or suffix, `head`, `head-1`, `REV+1`, `base`).
    MigrationsAt(String),
    Empty,
}

impl Source {
    pub fn parse(text: &str) -> Result<Source, EngineError> {
        match text {
            "models" => Ok(Source::Models),
            "migrations" => Ok(Source::Migrations),
            "empty" => Ok(Source::Empty),
            "database" | "db" => Ok(Source::Database),
            // `migrations@heads` is every head: what `migrations` replays.
            "migrations@heads" => Ok(Source::Migrations),
            t if t.starts_with("migrations@") => match &t["migrations@".len()..] {
                "" => Err(EngineError::Config(
                    "`migrations@` names no revision: write `migrations@REV` \
                     (a revision id or a unique prefix, head, head-1, ...)"
                        .to_string(),
                )),
                revision => Ok(Source::MigrationsAt(revision.to_string())),
            },
            t if t.starts_with("postgres://")
                || t.starts_with("postgresql://")
                || t.contains('=') =>
            {
                Ok(Source::Url(t.to_string()))
            }
            other => Err(EngineError::Config(format!(
                "unknown schema source `{}`: expected a postgres:// URL, `database` \
                 (the configured one), `models`, `migrations`, `migrations@REV` or `empty`",
                shown_source(other)
            ))),
        }
    }
}

/// An unrecognized source as an error may echo it: a URL with a mistyped
/// scheme (`postgress://user:password@...`) must not print its password.
fn shown_source(text: &str) -> String {
    match text.split_once("://") {
        Some((scheme, _)) => format!("{scheme}://..."),
        None if text.contains('@') => "...@...".to_string(),
        None => text.to_string(),
    }
}

/// A schema read from a source, with what it holds that petal does not
/// compare.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub database: Database,
    pub not_compared: Vec<NotCompared>,
    /// The server the schema was read on (`None` for `empty`).
    pub server_version_num: Option<i32>,
    /// The database it was read from, when it is still there to ask (a
    /// live database; not the scratch databases of models and migrations).
    pub live: Option<ConnConfig>,
    /// For the models, their canonical database when it stays: a copy of
    /// the schema where an expression can be printed again, not a database
    /// of the user's.
    pub copy: Option<ConnConfig>,
}

/// Reads a source's schema, in canonical form, with its privileges when
/// the project compares them (an empty database's are every object's
/// default), without them otherwise.
pub async fn load(settings: &Settings, source: &Source) -> Result<Loaded, EngineError> {
    let mut loaded = load_any(settings, source).await?;
    let privileges = &mut loaded.database.privileges;
    *privileges = settings
        .privileges
        .then(|| privileges.take().unwrap_or_default());
    Ok(loaded)
}

async fn load_any(settings: &Settings, source: &Source) -> Result<Loaded, EngineError> {
    match source {
        Source::Empty => Ok(Loaded::default()),
        Source::Url(url) => read_live(ConnConfig::parse(url)?, settings).await,
        Source::Database => read_live(settings.target().await?, settings).await,
        Source::Migrations => replay_migrations(settings).await,
        Source::MigrationsAt(revision) => replay_migrations_to(settings, Some(revision)).await,
        Source::Models => {
            let canonical = crate::canonical::models(settings).await?;
            Ok(Loaded {
                database: canonical.database,
                not_compared: Vec::new(),
                server_version_num: Some(canonical.server_version_num),
                live: None,
                copy: canonical.copy,
            })
        }
    }
}

/// Introspects a live database and keeps its address.
async fn read_live(cfg: ConnConfig, settings: &Settings) -> Result<Loaded, EngineError> {
    let loaded = read_database(&cfg, settings).await?;
    Ok(Loaded {
        live: Some(cfg),
        ..loaded
    })
}

/// Introspects a live database, or takes the read the project keeps of it
/// while its catalogs have not changed (`live_cache.rs`).
pub async fn read_database(cfg: &ConnConfig, settings: &Settings) -> Result<Loaded, EngineError> {
    read_database_kept_in(cfg, settings, crate::live_cache::file(&settings.root, cfg)).await
}

/// [`read_database`], with the file keeping its read, if any: none for a
/// database of petal's own, dropped after the run.
async fn read_database_kept_in(
    cfg: &ConnConfig,
    settings: &Settings,
    kept_file: Option<std::path::PathBuf>,
) -> Result<Loaded, EngineError> {
    // Two connections sharing one snapshot: the catalog queries split
    // between two server processes.
    let _t = crate::timings::phase("introspect the database");
    let opts = introspect_options(settings);
    let found = match kept_file {
        Some(file) => crate::live_cache::read(cfg, &opts, file).await?,
        None => introspect_parallel(cfg, &opts).await?,
    };
    Ok(Loaded {
        database: found.database,
        not_compared: found.not_compared,
        server_version_num: Some(found.server_version_num),
        live: None,
        copy: None,
    })
}

pub fn introspect_options(settings: &Settings) -> IntrospectOptions {
    IntrospectOptions {
        tables: None,
        objects: petal_pg::Objects::All,
        privileges: settings.privileges,
        fingerprint: false,
        schemas: if settings.schemas.is_empty() {
            None
        } else {
            Some(settings.schemas.iter().cloned().collect::<BTreeSet<_>>())
        },
    }
}

/// Applies every migration (all heads) to a scratch database on the dev
/// server and reads the result.
pub async fn replay_migrations(settings: &Settings) -> Result<Loaded, EngineError> {
    replay_migrations_to(settings, None).await
}

/// The revision `text` names, as `upgrade` reads it (`None`: base, or
/// `head` of no revisions), or an error saying why it names none. The
/// error names the argument as typed, `migrations@REV`: a command taking
/// two sources must say which of them is wrong.
fn revision_named(graph: &RevisionGraph, text: &str) -> Result<Option<RevisionId>, EngineError> {
    petal_migrate::revision_at(graph, text)
        .map_err(|e| EngineError::Config(format!("`migrations@{text}`: {e}")))
}

/// The revisions a source replays: every one for `migrations`, the
/// revision and its ancestors for `migrations@REV`, none for `empty`;
/// `None` for a source that is no replay (a database, the models).
pub fn replayed_revisions(
    graph: &RevisionGraph,
    source: &Source,
) -> Result<Option<BTreeSet<RevisionId>>, EngineError> {
    match source {
        Source::Empty => Ok(Some(BTreeSet::new())),
        Source::Migrations => Ok(Some(graph.topological_order().iter().cloned().collect())),
        Source::MigrationsAt(text) => {
            let Some(revision) = revision_named(graph, text)? else {
                return Ok(Some(BTreeSet::new()));
            };
            let mut closure = graph.ancestors(&revision);
            closure.insert(revision);
            Ok(Some(closure))
        }
        Source::Url(_) | Source::Database | Source::Models => Ok(None),
    }
}

/// Applies the migrations up to `revision` (`None`: all heads) to a
/// scratch database on the dev server and reads the result. `base` (or
/// `head` of no revisions) replays nothing: the scratch database is read
/// as created.
pub async fn replay_migrations_to(
    settings: &Settings,
    revision: Option<&str>,
) -> Result<Loaded, EngineError> {
    let graph = load_graph(settings)?;
    // Resolved before the dev server is asked for anything: a mistyped
    // revision is the user's error, said at once.
    let target = match revision {
        None => Some(Target::parse("heads")?),
        Some(text) => revision_named(&graph, text)?
            .map(|id| Target::parse(id.as_str()))
            .transpose()?,
    };
    let admin = settings.dev_server().await?;
    // The roles the migrations' policies name, made on the dev server
    // (one it may not make, PostgreSQL names when the migration runs).
    let roles: BTreeSet<String> = graph
        .files()
        .flat_map(|file| file.up.statements())
        .flat_map(|statement| petal_sql::roles_named(&statement.sql))
        .collect();
    if !roles.is_empty() {
        // On a shared dev server, dropped again when the run settles.
        let shared = settings.dev_url.is_some().then_some(&admin);
        let client = petal_pg::connect(&admin).await?;
        crate::placeholders::create(&client, &roles, shared)
            .await
            .map_err(|e| {
                EngineError::pg_query("creating the roles the migrations' policies name", e)
            })?;
    }
    let scratch = ScratchDb::create(&admin).await?;
    let result = async {
        if let Some(target) = &target {
            run_on(
                &scratch.config,
                &graph,
                Operation::Upgrade,
                target,
                PlanOptions::default(),
                &Default::default(),
                &mut |_| {},
            )
            .await?;
        }
        // A scratch database is dropped after the run: its read is not
        // kept.
        read_database_kept_in(&scratch.config, settings, None).await
    }
    .await;
    let disposed = scratch.dispose().await;
    let loaded = result?;
    disposed?;
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::Source;

    #[test]
    fn migrations_at_a_revision_is_a_source_of_its_own() {
        let at = |text: &str| Source::parse(text).ok();
        assert_eq!(
            at("migrations@head-1"),
            Some(Source::MigrationsAt("head-1".to_string()))
        );
        assert_eq!(
            at("migrations@20261124095348"),
            Some(Source::MigrationsAt("20261124095348".to_string()))
        );
        assert_eq!(at("migrations@heads"), Some(Source::Migrations));
        assert_eq!(at("migrations"), Some(Source::Migrations));
        assert_eq!(at("migrations@"), None);
    }
}
