//! The cold path: the canonical database built from scratch, then read
//! whole. The SQL files' schemas, extensions and types load first, then
//! the models over several sessions at once ([`super::load`]), then the
//! SQL files' views, triggers and the rest ([`super::sql`]). When the
//! concurrent load fails, the models load again in one session, one
//! statement at a time, so that every statement PostgreSQL refuses is found
//! and traced to its model attribute ([`super::diagnose`]) — and when none
//! is refused, what failed was not the models (tables racing for a name
//! PostgreSQL picks, a lost session), and that load stands.

use std::borrow::Cow;
use std::collections::BTreeSet;

use petal_diff::ReviewedStatement;
use petal_ir::{Database, ObjectKey, QualifiedName, quote_ident};
use petal_pg::error::ServerError;
use petal_pg::{ConnConfig, IntrospectOptions, connect, introspect_parallel};
use petal_source::Report;
use petal_sql::{Declared as Statement, Kind, Phase, SqlFiles};
use petal_syntax::ScannedModels;
use tokio_postgres::Client;

use super::diagnose::diagnose;
use super::{Built, ColdLoad, Declared, Route, ddl, load, sql};
use crate::error::{EngineError, Refusals};
use crate::timings;

/// Statements of the SQL files that did not load yet, with their error.
type Waiting<'a> = Vec<(&'a Statement, ServerError)>;

/// Recreates the canonical database `cfg` from `models` (the declared
/// models without their hints) and the SQL files, and reads it. A
/// statement PostgreSQL refuses is traced back to the model attribute or
/// the SQL file that holds it.
///
/// On a `shared` dev server (a `dev_url`, given by its connection
/// settings), the roles made there as placeholders are dropped when the
/// run settles: a database naming one is dropped once read, not kept as
/// the cache.
pub(super) async fn rebuild(
    admin: &Client,
    cfg: &ConnConfig,
    models: &Database,
    declared: &Declared,
    shared: Option<&ConnConfig>,
) -> Result<Built, EngineError> {
    let refused = sql::create_roles(admin, &declared.sql, shared)
        .await
        .map_err(|e| EngineError::pg_query("creating the roles the SQL files name", e))?;
    if !refused.is_empty() {
        return Err(EngineError::SqlFiles(Refusals(refused)));
    }
    let built = build_and_read(admin, cfg, models, declared).await?;
    if !crate::placeholders::any_temporary(&sql::roles_named(&declared.sql)) {
        return Ok(built);
    }
    // A failure to drop it leaves the roles it names, and says so.
    let _ = drop_canonical(admin, cfg).await;
    Ok(Built {
        kept: false,
        ..built
    })
}

async fn build_and_read(
    admin: &Client,
    cfg: &ConnConfig,
    models: &Database,
    declared: &Declared,
) -> Result<Built, EngineError> {
    let load = build(admin, cfg, models, declared).await?;
    let _t = timings::phase("introspect the canonical database");
    let opts = IntrospectOptions {
        privileges: true,
        ..IntrospectOptions::default()
    };
    let mut database = introspect_parallel(cfg, &opts).await?.database;
    sql::carry_declarations(&mut database, &declared.sql);
    Ok(Built {
        database,
        route: Route::Rebuilt(load),
        kept: true,
    })
}

/// Creates the canonical database `cfg` anew and loads the models and the
/// SQL files into it.
async fn build(
    admin: &Client,
    cfg: &ConnConfig,
    models: &Database,
    declared: &Declared,
) -> Result<ColdLoad, EngineError> {
    let files = &declared.sql;
    // A schema a SQL file creates is not created again for the tables in it.
    let models = &without_declared_schemas(models, files);
    let _t = timings::phase("load the models into a new canonical database");
    recreate(admin, cfg).await?;
    let waiting = load_sql(cfg, files, &[Phase::First, Phase::BeforeTables], Vec::new()).await?;
    // The fast path: tables loaded over several sessions at once.
    let plan = petal_diff::render_load(models);
    let (route, waiting) = if load::load(cfg, &plan, load::sessions()).await.is_ok() {
        (ColdLoad::Concurrent, waiting)
    } else {
        // Again in one session, one statement at a time, in a clean
        // database: every statement PostgreSQL refuses is found, as the
        // scanner reports all its errors. With none refused, what failed
        // was not the models (a lost session, say), and this load stands.
        let _t = timings::phase("load the models again, in one session");
        recreate(admin, cfg).await?;
        let waiting =
            load_sql(cfg, files, &[Phase::First, Phase::BeforeTables], Vec::new()).await?;
        let client = connect(cfg).await?;
        let errors = load_one_by_one(&client, &ddl::create(models), models, &declared.models).await;
        drop(client);
        if !errors.is_empty() {
            // The refusals are the error to report; a failed drop adds
            // nothing.
            let _ = drop_canonical(admin, cfg).await;
            return Err(EngineError::ModelsRefused(Refusals(errors)));
        }
        (ColdLoad::OneSession, waiting)
    };
    let failed = load_sql(
        cfg,
        files,
        &[Phase::AfterTables, Phase::Privileges],
        waiting,
    )
    .await?;
    if !failed.is_empty() {
        let _ = drop_canonical(admin, cfg).await;
        return Err(EngineError::SqlFiles(Refusals(sql::refusals(
            &failed, files,
        ))));
    }
    Ok(route)
}

/// Loads the statements of `phases` of the SQL files (and those `waiting`
/// from earlier phases) in one transaction, function bodies unchecked, as
/// pg_dump loads them: a body may use what loads later. Returns what did
/// not load.
async fn load_sql<'a>(
    cfg: &ConnConfig,
    files: &'a SqlFiles,
    phases: &[Phase],
    mut waiting: Waiting<'a>,
) -> Result<Waiting<'a>, EngineError> {
    let has_statements = files
        .statements
        .iter()
        .any(|s| phases.contains(&s.kind.phase()));
    if waiting.is_empty() && !has_statements {
        return Ok(waiting);
    }
    let _t = timings::phase("load the SQL files");
    let failed = |e| EngineError::pg_query("loading the SQL files", e);
    let client = connect(cfg).await?;
    client
        .batch_execute("BEGIN; SET LOCAL check_function_bodies = off")
        .await
        .map_err(failed)?;
    for &phase in phases {
        waiting = sql::load_phase(&client, files, phase, waiting)
            .await
            .map_err(failed)?
            .waiting;
    }
    client.batch_execute("COMMIT").await.map_err(failed)?;
    Ok(waiting)
}

/// `models` without the schemas the SQL files create.
fn without_declared_schemas<'a>(models: &'a Database, files: &SqlFiles) -> Cow<'a, Database> {
    let declared: Vec<&str> = files
        .statements
        .iter()
        .filter(|s| s.kind == Kind::Schema)
        // A schema's name is its `QualifiedName`'s schema.
        .filter_map(|s| s.name.as_ref().map(|n| n.schema.as_str()))
        .filter(|name| models.schemas.contains(*name))
        .collect();
    if declared.is_empty() {
        return Cow::Borrowed(models);
    }
    let mut models = models.clone();
    for name in declared {
        models.schemas.remove(name);
    }
    Cow::Owned(models)
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
    statements: &[ReviewedStatement],
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

/// Whether a statement is about a table whose creation was refused: one of
/// its pieces lives in that table, or is a foreign key referencing it.
fn follows_refusal(
    statement: &ReviewedStatement,
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
