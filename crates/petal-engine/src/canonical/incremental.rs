//! The warm path: the canonical database updated in place. The difference
//! between the models last seen and the current ones is applied as DDL
//! (both IRs come from the same renderer, so that diff needs no
//! canonicalization), and only the tables it may have changed are read
//! again and merged into the cached canonical IR.

use std::collections::BTreeSet;

use petal_ir::{Database, QualifiedName};
use petal_pg::{ConnConfig, IntrospectOptions, Objects, connect, introspect_parallel};

use super::cache::CacheState;
use super::ddl;
use crate::error::EngineError;
use crate::timings;

/// Applies the difference between the models last seen and the current ones
/// to the canonical database `cfg`, one transaction per step. An error
/// leaves the database as the failed step found it.
pub(super) async fn update_in_place(
    cfg: &ConnConfig,
    previous: &Database,
    models: &Database,
) -> Result<(), EngineError> {
    if previous == models {
        return Ok(());
    }
    let client = connect(cfg).await?;
    let steps = ddl::between(previous, models);
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

/// The canonical IR of `models` after [`update_in_place`]: the cached one,
/// with the tables that may have changed, and what stands on them, read
/// again (a near read: the SQL files' objects are as the cache has them,
/// since a models-only difference cannot change them, only refuse to run
/// under them; a changed partitioned table, whose partitions it could
/// change, is rebuilt instead: `canonicalize_in`).
pub(super) async fn reread(
    cfg: &ConnConfig,
    previous: CacheState,
    models: &Database,
) -> Result<Database, EngineError> {
    let _t = timings::phase("introspect the changed canonical tables");
    let refresh = changed_tables(&previous.models, models);
    let opts = IntrospectOptions {
        schemas: None,
        tables: Some(refresh.clone()),
        objects: Objects::NearTables,
        // Always read: the cache serves projects that compare them and
        // `petal diff --privileges` alike.
        privileges: true,
        fingerprint: false,
    };
    let near = introspect_parallel(cfg, &opts).await?.database;
    Ok(petal_pg::refresh(previous.canonical, near, &refresh))
}

/// The tables whose canonical form may have changed between two model IRs:
/// those whose model changed or went, and those with a column of an enum
/// type that changed (its defaults are spelled with the type's labels and
/// name).
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
    let gone = previous
        .tables
        .keys()
        .filter(|name| !models.tables.contains_key(*name));
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
        .map(|(name, _)| name)
        .chain(gone)
        .cloned()
        .collect()
}
