//! Canonicalization: the models' schema as PostgreSQL itself spells it.
//!
//! The models are rendered to DDL, applied to a database on the dev server
//! and introspected with the same introspector as any live database, so
//! types, defaults, checks and index definitions come out in the server's
//! canonical form on both sides of a diff.
//!
//! It stays cheap on repeated runs: the dev server keeps one canonical
//! database per project, and its comment holds the model IR it was built
//! from. The next run diffs the new model IR against that one (both come
//! from the same renderer, so no canonicalization is needed for that diff)
//! and applies only the difference. A cold run, a failed incremental
//! update, or another server version rebuilds it from scratch.

use std::time::{Duration, Instant};

use std::collections::BTreeSet;

use petal_ir::{Database, ObjectKey, QualifiedName, quote_ident, quote_literal};
use petal_pg::error::ServerError;
use petal_pg::{ConnConfig, IntrospectOptions, connect, introspect_parallel};
use petal_source::Report;
use petal_syntax::ScannedModels;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio_postgres::Client;

use crate::diagnose::diagnose;
use crate::error::{EngineError, Refusals};
use crate::settings::Settings;
use crate::timings;

/// The models in canonical form.
#[derive(Debug, Clone)]
pub struct Canonical {
    pub database: Database,
    pub server_version_num: i32,
    /// Whether the canonical database was rebuilt from scratch (cold) or
    /// updated in place (warm).
    pub rebuilt: bool,
    /// A rebuild whose concurrent load failed on something other than a
    /// statement of the models (a lost session, say), then loaded in one
    /// session.
    pub loaded_in_one_session: bool,
}

/// What the canonical database's comment records: the model IR it was
/// built from, and what introspecting it gave.
#[derive(Debug, Serialize, Deserialize)]
struct CacheState {
    format: u32,
    server_version_num: i32,
    models: Database,
    canonical: Database,
}

const CACHE_FORMAT: u32 = 2;

/// How long a run waits for another run of the same project to finish
/// canonicalizing.
const CACHE_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// The models of the project: scanned, canonicalized, with their rename
/// hints carried onto the canonical form (the diff reads them there).
pub async fn models(settings: &Settings) -> Result<Canonical, EngineError> {
    // The scan is CPU work of our own; a stopped dev cluster starts
    // meanwhile.
    let scan = {
        let settings = settings.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                let _t = timings::phase("scan the models");
                crate::models::scan(&settings)
            })
            .await
            .map_err(|e| EngineError::msg(format!("the model scan failed: {e}")))?
        }
    };
    let start = async {
        let _t = timings::phase("start the dev server");
        settings.dev_server().await
    };
    // Both finish before either error is reported, and a model's error
    // (`file:line:col`) comes first: a dev server that cannot start must
    // not hide it.
    let (scanned, admin_cfg) = tokio::join!(scan, start);
    let scanned = scanned?;
    let admin_cfg = admin_cfg?;
    let mut canonical = canonicalize_on(settings, &admin_cfg, &scanned).await?;
    crate::compare::carry_hints(&mut canonical.database, &scanned.database);
    Ok(canonical)
}

pub async fn canonicalize(
    settings: &Settings,
    scanned: &ScannedModels,
) -> Result<Canonical, EngineError> {
    canonicalize_on(settings, &settings.dev_server().await?, scanned).await
}

/// [`canonicalize`] on the dev server `admin_cfg`, already started.
async fn canonicalize_on(
    settings: &Settings,
    admin_cfg: &ConnConfig,
    scanned: &ScannedModels,
) -> Result<Canonical, EngineError> {
    let _t = timings::phase("canonicalize the models");
    let models = scanned.database.clone().without_hints();
    let name = cache_db_name(settings);
    let admin = connect(admin_cfg).await?;
    // Runs of one project (an editor and a terminal, CI jobs with the same
    // checkout path on a shared dev server) share the canonical database:
    // unserialized, one run drops it under another. The lock lives with
    // `admin`'s session, so an early return releases it too.
    let lock_key = lock_cache(&admin, &name).await?;
    let version = server_version(&admin).await?;
    let cfg = admin_cfg.with_dbname(&name);

    let read = timings::phase("read the canonical cache");
    let previous = read_state(&admin, &name)
        .await?
        .filter(|state| state.format == CACHE_FORMAT && state.server_version_num == version);
    let unchanged = previous
        .as_ref()
        .is_some_and(|state| state.models == models);
    drop(read);
    let (database, rebuilt, loaded_in_one_session) = match previous {
        // Nothing changed since the last run: not a single statement.
        Some(state) if unchanged => (state.canonical, false, false),
        Some(state) => match update_in_place(&cfg, &state.models, &models).await {
            Ok(()) => {
                let _t = timings::phase("introspect the changed canonical tables");
                let refresh = changed_tables(&state.models, &models);
                let opts = IntrospectOptions {
                    schemas: None,
                    tables: Some(refresh.clone()),
                    tables_only: false,
                };
                let partial = introspect_parallel(&cfg, &opts).await?.database;
                (
                    merge(state.canonical, partial, &refresh, &models),
                    false,
                    false,
                )
            }
            Err(_) => rebuild_and_read(&admin, &cfg, &models, scanned).await?,
        },
        None => rebuild_and_read(&admin, &cfg, &models, scanned).await?,
    };
    if !unchanged {
        let _t = timings::phase("write the canonical cache");
        write_state(&admin, &name, version, &models, &database).await?;
    }
    let _ = admin
        .query_one("SELECT pg_advisory_unlock($1)", &[&lock_key])
        .await;
    Ok(Canonical {
        database,
        server_version_num: version,
        rebuilt,
        loaded_in_one_session,
    })
}

/// Rebuilds and introspects the canonical database: the canonical IR,
/// `true` (rebuilt), and whether it took the one-session load.
async fn rebuild_and_read(
    admin: &Client,
    cfg: &ConnConfig,
    models: &Database,
    scanned: &ScannedModels,
) -> Result<(Database, bool, bool), EngineError> {
    let one_session = rebuild(admin, cfg, models, scanned).await?;
    let _t = timings::phase("introspect the canonical database");
    let database = introspect_parallel(cfg, &IntrospectOptions::default())
        .await?
        .database;
    Ok((database, true, one_session))
}

/// The tables whose canonical form may have changed between two model IRs:
/// those whose model changed, and those with a column of an enum type that
/// changed (its defaults are spelled with the type's labels and name).
fn changed_tables(previous: &Database, models: &Database) -> BTreeSet<QualifiedName> {
    let changed_enums: Vec<String> = models
        .enums
        .iter()
        .filter(|(name, e)| previous.enums.get(*name) != Some(*e))
        .chain(
            previous
                .enums
                .iter()
                .filter(|(name, _)| !models.enums.contains_key(*name)),
        )
        .flat_map(|(name, _)| [petal_diff::type_spelling(name), name.to_string()])
        .collect();
    models
        .tables
        .iter()
        .filter(|(name, table)| {
            previous.tables.get(*name) != Some(*table)
                || table.columns.iter().any(|c| {
                    let element = c.ty.element();
                    changed_enums.iter().any(|e| e == element.as_str())
                })
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// The previous canonical IR with the refreshed tables replaced, tables no
/// longer modelled removed, and schemas and enum types as read now.
fn merge(
    mut previous: Database,
    partial: Database,
    refresh: &BTreeSet<QualifiedName>,
    models: &Database,
) -> Database {
    previous
        .tables
        .retain(|name, _| models.tables.contains_key(name) && !refresh.contains(name));
    previous.tables.extend(partial.tables);
    previous.enums = partial.enums;
    previous.schemas = partial.schemas;
    // A narrowed read still names every edge's ends.
    previous.dependencies = partial.dependencies;
    previous
}

/// One canonical database per project (and dev server): the name hashes the
/// project directory, so projects sharing a dev server never collide.
pub fn cache_db_name(settings: &Settings) -> String {
    let root = std::path::absolute(&settings.root).unwrap_or_else(|_| settings.root.clone());
    let digest = Sha256::digest(root.as_os_str().as_encoded_bytes());
    format!("petal_canonical_{}", hex::encode(&digest[..6]))
}

/// Takes the session advisory lock of the canonical database `name` on the
/// dev server, polling until [`CACHE_LOCK_TIMEOUT`]; returns its key.
async fn lock_cache(admin: &Client, name: &str) -> Result<i64, EngineError> {
    let digest = Sha256::digest(name.as_bytes());
    let mut key_bytes = [0u8; 8];
    key_bytes.copy_from_slice(&digest[..8]);
    let key = i64::from_be_bytes(key_bytes);
    let started = Instant::now();
    let mut pause = Duration::from_millis(20);
    loop {
        let row = admin
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
            .await
            .map_err(|e| EngineError::pg_query("locking the canonical database", e))?;
        if row.get::<_, bool>(0) {
            return Ok(key);
        }
        if started.elapsed() >= CACHE_LOCK_TIMEOUT {
            return Err(EngineError::CanonicalBusy {
                name: name.to_string(),
                waited: CACHE_LOCK_TIMEOUT,
            });
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

async fn server_version(client: &Client) -> Result<i32, EngineError> {
    let row = client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .map_err(|e| EngineError::pg_query("reading the dev server's version", e))?;
    Ok(row.get(0))
}

async fn read_state(admin: &Client, name: &str) -> Result<Option<CacheState>, EngineError> {
    let row = admin
        .query_opt(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .await
        .map_err(|e| EngineError::pg_query("reading the canonical cache", e))?;
    let text: Option<String> = row.and_then(|r| r.get(0));
    // An unreadable comment (an older petal's, a hand edit) only costs a rebuild.
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

async fn write_state(
    admin: &Client,
    name: &str,
    version: i32,
    models: &Database,
    canonical: &Database,
) -> Result<(), EngineError> {
    let state = CacheState {
        format: CACHE_FORMAT,
        server_version_num: version,
        models: models.clone(),
        canonical: canonical.clone(),
    };
    let json = serde_json::to_string(&state)
        .map_err(|e| EngineError::msg(format!("encoding the canonical cache: {e}")))?;
    admin
        .batch_execute(&format!(
            "COMMENT ON DATABASE {} IS {}",
            quote_ident(name),
            quote_literal(&json)
        ))
        .await
        .map_err(|e| EngineError::pg_query("writing the canonical cache", e))
}

/// Applies the difference between the models last seen and the current ones.
async fn update_in_place(
    cfg: &ConnConfig,
    previous: &Database,
    models: &Database,
) -> Result<(), EngineError> {
    if previous == models {
        return Ok(());
    }
    let client = connect(cfg).await?;
    let steps = crate::ddl::between(previous, models);
    for step in steps {
        client
            .batch_execute("BEGIN")
            .await
            .map_err(|e| EngineError::pg_query("updating the canonical database", e))?;
        for sql in step {
            if let Err(e) = client.batch_execute(&sql).await {
                let _ = client.batch_execute("ROLLBACK").await;
                return Err(EngineError::pg_query("updating the canonical database", e));
            }
        }
        client
            .batch_execute("COMMIT")
            .await
            .map_err(|e| EngineError::pg_query("updating the canonical database", e))?;
    }
    Ok(())
}

/// Recreates the canonical database from the models; returns whether it
/// took the one-session load. A statement PostgreSQL refuses is traced back
/// to the model attribute that produced it.
async fn rebuild(
    admin: &Client,
    cfg: &ConnConfig,
    models: &Database,
    scanned: &ScannedModels,
) -> Result<bool, EngineError> {
    // The fast path: tables loaded over several sessions at once.
    let _t = timings::phase("load the models into a new canonical database");
    recreate(admin, cfg).await?;
    let plan = petal_diff::render_load(models);
    if crate::load::load(cfg, &plan, crate::load::sessions())
        .await
        .is_ok()
    {
        return Ok(false);
    }
    // Again in one session, one statement at a time, in a clean database:
    // every statement PostgreSQL refuses is found, as the scanner reports
    // all its errors. With none refused, what failed was not the models (a
    // lost session, say), and this load stands.
    let _t = timings::phase("load the models again, in one session");
    recreate(admin, cfg).await?;
    let client = connect(cfg).await?;
    let errors = load_one_by_one(&client, &crate::ddl::create(models), models, scanned).await;
    drop(client);
    if errors.is_empty() {
        return Ok(true);
    }
    // The refusals are the error to report; a failed drop adds nothing.
    let _ = drop_canonical(admin, cfg).await;
    Err(EngineError::ModelsRefused(Refusals(errors)))
}

/// Whether a statement is about a table whose creation was refused: one of
/// its pieces lives in that table, or is a foreign key referencing it.
fn follows_refusal(
    statement: &petal_diff::ReviewedStatement,
    models: &Database,
    refused: &BTreeSet<QualifiedName>,
) -> bool {
    statement.origins.iter().any(|traced| {
        let object = &traced.origin.object;
        let in_refused = object.in_table().is_some_and(|t| refused.contains(t));
        let references_refused = match object {
            ObjectKey::Constraint { table, name } => models
                .tables
                .get(table)
                .and_then(|t| t.foreign_keys.iter().find(|f| &f.name == name))
                .is_some_and(|f| refused.contains(&f.ref_table)),
            _ => false,
        };
        in_refused || references_refused
    })
}

/// Drops the canonical database if it exists and creates it empty.
async fn recreate(admin: &Client, cfg: &ConnConfig) -> Result<(), EngineError> {
    drop_canonical(admin, cfg).await?;
    admin
        .batch_execute(&format!(
            "CREATE DATABASE {} TEMPLATE template0",
            quote_ident(&cfg.dbname)
        ))
        .await
        .map_err(|e| EngineError::pg_query("creating the canonical database", e))
}

async fn drop_canonical(admin: &Client, cfg: &ConnConfig) -> Result<(), EngineError> {
    admin
        .batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(&cfg.dbname)
        ))
        .await
        .map_err(|e| EngineError::pg_query("dropping the canonical database", e))
}

/// Runs the statements in one transaction, each under a savepoint, and
/// traces every one PostgreSQL refuses to its model attribute; commits when
/// none is refused. A statement about a table whose creation was refused
/// (its indexes, a foreign key to it) would only repeat that error, and is
/// passed over.
async fn load_one_by_one(
    client: &Client,
    statements: &[petal_diff::ReviewedStatement],
    models: &Database,
    scanned: &ScannedModels,
) -> Vec<Report> {
    let mut errors = Vec::new();
    let mut refused_tables: BTreeSet<QualifiedName> = BTreeSet::new();
    if client.batch_execute("BEGIN").await.is_err() {
        return vec![Report::new(
            "loading the models failed, and the dev database stopped answering",
        )];
    }
    for statement in statements {
        if follows_refusal(statement, models, &refused_tables) {
            continue;
        }
        let _ = client.batch_execute("SAVEPOINT petal_statement").await;
        if let Err(e) = client.batch_execute(&statement.sql).await {
            let _ = client
                .batch_execute("ROLLBACK TO SAVEPOINT petal_statement")
                .await;
            errors.push(diagnose(statement, &e, scanned));
            if let Some(ObjectKey::Table { name }) = statement.object() {
                refused_tables.insert(name.clone());
            }
        }
    }
    let end = if errors.is_empty() {
        "COMMIT"
    } else {
        "ROLLBACK"
    };
    if let Err(e) = client.batch_execute(end).await {
        errors.push(ServerError::of(&e).report("loading the models failed"));
    }
    errors
}
