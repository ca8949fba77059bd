//! Upgrade, downgrade, stamp and their offline `--sql` form: load the
//! migrations, plan with `petal-migrate`'s one planner, run with the runner.

use petal_migrate::{
    AppliedRevision, Journal, Plan, PlanOptions, RevisionGraph, RevisionId, Target, load::load_dir,
};
use petal_pg::{ConnConfig, connect};
use tokio_postgres::Client;

use crate::error::EngineError;
use crate::runner::{self, AppliedRow, read_applied, read_journal};
use crate::settings::Settings;

mod offline;

pub use offline::{offline_sql, offline_stamp_sql};

pub use petal_runner::run::{Event, LOCK_WAIT, Operation, RunSettings};

/// The log rows as the planner takes them, without the journal's per-step
/// checksums (enough to say what is applied).
pub fn applied_revisions(rows: &[AppliedRow]) -> Result<Vec<AppliedRevision>, EngineError> {
    Ok(petal_runner::run::applied_revisions(rows)?)
}

/// The log rows as the planner takes them, each with its up's checksums
/// from the journal.
pub fn applied_with_journal(
    rows: &[AppliedRow],
    journal: &Journal,
) -> Result<Vec<AppliedRevision>, EngineError> {
    Ok(petal_runner::run::applied_with_journal(rows, journal)?)
}

/// The revisions the database is at: the applied ones none of whose
/// children is applied (an applied revision whose file is gone counts).
pub fn current_revisions(
    graph: &RevisionGraph,
    rows: &[AppliedRow],
) -> Result<Vec<RevisionId>, EngineError> {
    Ok(petal_runner::run::current_revisions(graph, rows)?)
}

/// The migrations directory as a revision graph.
pub fn load_graph(settings: &Settings) -> Result<RevisionGraph, EngineError> {
    let files = load_dir(&settings.migrations_dir)?;
    Ok(RevisionGraph::build(files)?)
}

/// The revisions applied to the database `client` is connected to, read
/// without writing anything (the Cvety.kz API checks it is at head).
pub async fn applied_on(client: &Client) -> Result<Vec<AppliedRevision>, EngineError> {
    Ok(petal_runner::run::applied_on(client).await?)
}

/// The log of the target database, read without writing anything (no lock,
/// no table creation): for `current`, `history`, `status`.
pub async fn read_log(settings: &Settings) -> Result<Vec<AppliedRow>, EngineError> {
    let cfg = settings.target().await?;
    let client = connect(&cfg).await?;
    read_applied(&client)
        .await
        .map_err(|e| EngineError::pg_query("reading petal_migrations", e))
}

/// The log and the step journal of the target database, read without
/// writing anything: for `status` and `current`.
pub async fn read_log_and_journal(
    settings: &Settings,
) -> Result<(Vec<AppliedRow>, Journal), EngineError> {
    let cfg = settings.target().await?;
    let client = connect(&cfg).await?;
    let rows = read_applied(&client)
        .await
        .map_err(|e| EngineError::pg_query("reading petal_migrations", e))?;
    let journal = read_journal(&client)
        .await
        .map_err(|e| EngineError::pg_query("reading petal_migration_steps", e))?;
    Ok((rows, journal))
}

/// The log when it can be read without side effects: never starts the
/// embedded cluster (a history needs no database), and `None` when no
/// database answers.
pub async fn read_log_if_running(settings: &Settings) -> Option<Vec<AppliedRow>> {
    if settings.database_url.is_none() {
        let cluster = settings.embedded_cluster().ok()?;
        if !matches!(cluster.status(), petal_pg::ClusterStatus::Running { .. }) {
            return None;
        }
    }
    read_log(settings).await.ok()
}

/// Plans and runs `operation` to `target` on the target database, under the
/// migration lock. Returns the plan that ran.
pub async fn run(
    settings: &Settings,
    operation: Operation,
    target: &str,
    options: PlanOptions,
    how: &RunSettings,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Plan, EngineError> {
    let graph = load_graph(settings)?;
    let target = Target::parse(target)?;
    let cfg = settings.target().await?;
    run_on(&cfg, &graph, operation, &target, options, how, on_event).await
}

/// [`run`] against an explicit database (used for scratch replays too).
pub async fn run_on(
    cfg: &ConnConfig,
    graph: &RevisionGraph,
    operation: Operation,
    target: &Target,
    options: PlanOptions,
    how: &RunSettings,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Plan, EngineError> {
    Ok(petal_runner::run_on(cfg, graph, operation, target, options, how, on_event).await?)
}

/// Whether a run failed because a signal stopped it, and which.
pub fn stopped_by(error: &EngineError) -> Option<runner::Signal> {
    match error {
        EngineError::Run(run) => run.signal(),
        EngineError::Interrupted { signal, .. } => Some(*signal),
        _ => None,
    }
}
