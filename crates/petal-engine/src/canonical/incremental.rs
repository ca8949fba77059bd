//! The warm path: the canonical database updated in place. The difference
//! between the models last seen and the current ones is applied as DDL
//! (both IRs come from the same renderer, so that diff needs no
//! canonicalization), and only the tables it may have changed are read
//! again and merged into the cached canonical IR.

use std::collections::BTreeSet;

use petal_ir::{Database, QualifiedName};
use petal_pg::{ConnConfig, IntrospectOptions, connect, introspect_parallel};

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
/// with the tables that may have changed read again from `cfg`, and
/// everything else (the SQL files' objects, which the tables' changes may
/// have changed too, and the dependency edges) read whole.
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
        tables_only: false,
    };
    let partial = introspect_parallel(cfg, &opts).await?.database;
    Ok(merge(previous.canonical, partial, &refresh, models))
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

/// The previous canonical IR with the refreshed tables (and their
/// triggers) replaced, tables no longer modelled removed, and every other
/// kind as read now: a narrowed read reads them whole, and names every
/// dependency edge's ends.
fn merge(
    mut previous: Database,
    partial: Database,
    refresh: &BTreeSet<QualifiedName>,
    models: &Database,
) -> Database {
    let Database {
        schemas,
        enums,
        tables,
        extensions,
        sequences,
        views,
        functions,
        triggers,
        domains,
        composite_types,
        range_types,
        dependencies,
    } = partial;
    previous
        .tables
        .retain(|name, _| models.tables.contains_key(name) && !refresh.contains(name));
    previous.tables.extend(tables);
    // Triggers are read with their tables: those of the tables not read
    // again are kept, those of the tables (or views) gone are not.
    previous.triggers.retain(|key, _| {
        !refresh.contains(&key.table)
            && (previous.tables.contains_key(&key.table) || views.contains_key(&key.table))
    });
    previous.triggers.extend(triggers);
    Database {
        schemas,
        enums,
        tables: previous.tables,
        extensions,
        sequences,
        views,
        functions,
        triggers: previous.triggers,
        domains,
        composite_types,
        range_types,
        dependencies,
    }
}
