//! Loading a whole schema into an empty database over several sessions at
//! once: the cold half of canonicalization, where the dev server's work on
//! the DDL is most of the time.
//!
//! `petal_diff::render_load` cuts the DDL into a prelude (schemas, enum
//! types), one unit per table, and an epilogue. Here the prelude runs
//! first, then every session takes the next table whose referenced tables
//! are complete, and the epilogue runs last. Each unit commits on its own:
//! the server builds catalog entries and files for several tables in
//! parallel, and nothing waits on one long transaction. A failure leaves a
//! half-built database, which the caller drops.

use std::collections::VecDeque;

use futures_util::stream::{FuturesUnordered, StreamExt};
use petal_diff::{Load, TableUnit};
use petal_pg::{ConnConfig, connect};
use tokio_postgres::Client;

use crate::error::EngineError;

/// How many sessions load at once: one per CPU (the server's work is CPU
/// bound once fsync is off), up to a few, since units serialize on the
/// locks of tables many others reference.
pub(crate) fn sessions() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4))
}

/// Runs `plan` on the empty database `cfg` over `sessions` sessions.
pub(crate) async fn load(
    cfg: &ConnConfig,
    plan: &Load,
    sessions: usize,
) -> Result<(), EngineError> {
    let first = connect(cfg).await?;
    let prelude = async {
        if !plan.prelude.is_empty() {
            first
                .batch_execute(&plan.prelude.join("\n"))
                .await
                .map_err(|e| EngineError::pg_query("loading the models' types", e))?;
        }
        Ok::<_, EngineError>(())
    };
    let others = futures_util::future::try_join_all((1..sessions.max(1)).map(|_| connect(cfg)));
    let (mut clients, ()) =
        tokio::try_join!(async { Ok::<_, EngineError>(others.await?) }, prelude)?;
    clients.push(first);

    let clients = load_tables(clients, &plan.tables).await?;
    if !plan.epilogue.is_empty()
        && let Some(client) = clients.first()
    {
        client
            .batch_execute(&plan.epilogue.join("\n"))
            .await
            .map_err(|e| EngineError::pg_query("loading the models' foreign keys", e))?;
    }
    Ok(())
}

/// Runs every unit once the units it comes after are complete, each on an
/// idle session; returns the sessions.
async fn load_tables(
    mut idle: Vec<Client>,
    units: &[TableUnit],
) -> Result<Vec<Client>, EngineError> {
    let mut waiting: Vec<usize> = units.iter().map(|u| u.after.len()).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    for (i, unit) in units.iter().enumerate() {
        for &before in &unit.after {
            dependents[before].push(i);
        }
    }
    let mut ready: VecDeque<usize> = (0..units.len()).filter(|&i| waiting[i] == 0).collect();
    let mut running = FuturesUnordered::new();
    let mut complete = 0;
    loop {
        while !ready.is_empty() && !idle.is_empty() {
            if let (Some(i), Some(client)) = (ready.pop_front(), idle.pop()) {
                running.push(run_unit(client, i, &units[i]));
            }
        }
        let Some((client, i, outcome)) = running.next().await else {
            break;
        };
        // On an error the other sessions' futures are dropped with their
        // clients: the server rolls back what they had under way.
        outcome?;
        idle.push(client);
        complete += 1;
        for &next in &dependents[i] {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.push_back(next);
            }
        }
    }
    if complete < units.len() {
        // `render_load` orders units so that this cannot happen.
        return Err(EngineError::internal(
            "loading the models",
            format!(
                "{} of {} tables wait on each other",
                units.len() - complete,
                units.len()
            ),
        ));
    }
    Ok(idle)
}

async fn run_unit(
    client: Client,
    index: usize,
    unit: &TableUnit,
) -> (Client, usize, Result<(), EngineError>) {
    let outcome = async {
        client.batch_execute(&unit.create).await?;
        if !unit.rest.is_empty() {
            // One message, so one implicit transaction.
            client.batch_execute(&unit.rest.join("\n")).await?;
        }
        Ok(())
    }
    .await
    .map_err(|e| EngineError::pg_query(&format!("loading table {}", unit.table), e));
    (client, index, outcome)
}
