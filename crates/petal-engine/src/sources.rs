//! The schemas petal compares, wherever they come from: a live database,
//! the models (canonicalized on the dev database), the migrations (replayed
//! on a scratch database), or nothing at all.

use std::collections::BTreeSet;

use petal_ir::Database;
use petal_migrate::{PlanOptions, Target};
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
    Migrations,
    Empty,
}

impl Source {
    pub fn parse(text: &str) -> Result<Source, EngineError> {
        match text {
            "models" => Ok(Source::Models),
            "migrations" => Ok(Source::Migrations),
            "empty" => Ok(Source::Empty),
            "database" | "db" => Ok(Source::Database),
            t if t.starts_with("postgres://")
                || t.starts_with("postgresql://")
                || t.contains('=') =>
            {
                Ok(Source::Url(t.to_string()))
            }
            other => Err(EngineError::Config(format!(
                "unknown schema source `{}`: expected a postgres:// URL, `database` \
                 (the configured one), `models`, `migrations` or `empty`",
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
        Source::Models => {
            let canonical = crate::canonical::models(settings).await?;
            Ok(Loaded {
                database: canonical.database,
                not_compared: Vec::new(),
                server_version_num: Some(canonical.server_version_num),
                live: None,
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

/// Introspects a live database.
pub async fn read_database(cfg: &ConnConfig, settings: &Settings) -> Result<Loaded, EngineError> {
    // Two connections sharing one snapshot: the catalog queries split
    // between two server processes.
    let _t = crate::timings::phase("introspect the database");
    let found = introspect_parallel(cfg, &introspect_options(settings)).await?;
    Ok(Loaded {
        database: found.database,
        not_compared: found.not_compared,
        server_version_num: Some(found.server_version_num),
        live: None,
    })
}

pub fn introspect_options(settings: &Settings) -> IntrospectOptions {
    IntrospectOptions {
        tables: None,
        objects: petal_pg::Objects::All,
        privileges: settings.privileges,
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
    let graph = load_graph(settings)?;
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
        let heads = Target::parse("heads")?;
        run_on(
            &scratch.config,
            &graph,
            Operation::Upgrade,
            &heads,
            PlanOptions::default(),
            &Default::default(),
            &mut |_| {},
        )
        .await?;
        read_database(&scratch.config, settings).await
    }
    .await;
    let disposed = scratch.dispose().await;
    let loaded = result?;
    disposed?;
    Ok(loaded)
}
