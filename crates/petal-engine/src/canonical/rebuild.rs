//! The cold path: the canonical database built from scratch, then read
//! whole. The models load over several sessions at once ([`super::load`]);
//! when that fails, they load again in one session, one statement at a
//! time, so that every statement PostgreSQL refuses is found and traced to
//! its model attribute ([`super::diagnose`]) — and when none is refused,
//! what failed was not the models (tables racing for a name PostgreSQL
//! picks, a lost session), and that load stands.

use std::collections::BTreeSet;

use petal_diff::ReviewedStatement;
use petal_ir::{Database, ObjectKey, QualifiedName, quote_ident};
use petal_pg::error::ServerError;
use petal_pg::{ConnConfig, IntrospectOptions, connect, introspect_parallel};
use petal_source::Report;
use petal_syntax::ScannedModels;
use tokio_postgres::Client;

use super::diagnose::diagnose;
use super::{Built, ColdLoad, Route, ddl, load};
use crate::error::{EngineError, Refusals};
use crate::timings;

/// Recreates the canonical database `cfg` from the models and reads it. A
/// statement PostgreSQL refuses is traced back to the model attribute that
/// produced it.
pub(super) async fn rebuild(
    admin: &Client,
    cfg: &ConnConfig,
    models: &Database,
    scanned: &ScannedModels,
) -> Result<Built, EngineError> {
    let load = build(admin, cfg, models, scanned).await?;
    let _t = timings::phase("introspect the canonical database");
    let database = introspect_parallel(cfg, &IntrospectOptions::default())
        .await?
        .database;
    Ok(Built {
        database,
        route: Route::Rebuilt(load),
    })
}

/// Creates the canonical database `cfg` anew and loads the models into it.
async fn build(
    admin: &Client,
    cfg: &ConnConfig,
    models: &Database,
    scanned: &ScannedModels,
) -> Result<ColdLoad, EngineError> {
    // The fast path: tables loaded over several sessions at once.
    let _t = timings::phase("load the models into a new canonical database");
    recreate(admin, cfg).await?;
    let plan = petal_diff::render_load(models);
    if load::load(cfg, &plan, load::sessions()).await.is_ok() {
        return Ok(ColdLoad::Concurrent);
    }
    // Again in one session, one statement at a time, in a clean database:
    // every statement PostgreSQL refuses is found, as the scanner reports
    // all its errors. With none refused, what failed was not the models (a
    // lost session, say), and this load stands.
    let _t = timings::phase("load the models again, in one session");
    recreate(admin, cfg).await?;
    let client = connect(cfg).await?;
    let errors = load_one_by_one(&client, &ddl::create(models), models, scanned).await;
    drop(client);
    if errors.is_empty() {
        return Ok(ColdLoad::OneSession);
    }
    // The refusals are the error to report; a failed drop adds nothing.
    let _ = drop_canonical(admin, cfg).await;
    Err(EngineError::ModelsRefused(Refusals(errors)))
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
