//! Upgrade, downgrade, stamp and their offline `--sql` form: load the
//! migrations, plan with `petal-migrate`'s one planner, run with the runner.

use std::time::{Duration, Instant};

use petal_migrate::{
    AppliedRevision, Checksum, Direction, Plan, PlanOptions, PlannedMigration, RevisionGraph,
    RevisionId, Target, load::load_dir, plan, plan_offline, plan_stamp, plan_stamp_offline,
    write_statement,
};
use petal_pg::lock::Waiting;
use petal_pg::{ConnConfig, connect};
use tokio_postgres::Client;

use crate::error::{EngineError, Refusal};
use crate::runner::{
    self, AppliedRow, LOG_TABLE_DDL, MigrationLock, Mode, ensure_log_table, parents_text,
    read_applied,
};
use crate::settings::Settings;

/// How long a run waits for another run's lock before giving up.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// What a run reports as it goes, so the CLI can print progress.
pub enum Event<'a> {
    /// Another run holds the migration lock: about once a second while
    /// this one waits.
    WaitingForLock(&'a Waiting),
    Started(&'a PlannedMigration),
    Finished(&'a PlannedMigration, Duration),
}

/// The migrations directory as a revision graph.
pub fn load_graph(settings: &Settings) -> Result<RevisionGraph, EngineError> {
    let files = load_dir(&settings.migrations_dir)?;
    Ok(RevisionGraph::build(files)?)
}

/// The log rows as the planner takes them.
pub fn applied_revisions(rows: &[AppliedRow]) -> Result<Vec<AppliedRevision>, EngineError> {
    rows.iter()
        .map(|row| {
            let revision = RevisionId::parse(&row.revision).map_err(|e| {
                EngineError::from(Refusal::InvalidLogRevision {
                    revision: row.revision.clone(),
                    why: e.to_string(),
                })
            })?;
            Ok(AppliedRevision {
                revision,
                checksum: Checksum::from_stored(row.checksum.clone()),
                applied_order: row.applied_order,
            })
        })
        .collect()
}

/// The revisions the database is at: the applied ones none of whose
/// children is applied. An applied revision whose file is gone still names
/// its parents in the log: they are behind it, not current, whatever the
/// files say.
pub fn current_revisions(
    graph: &RevisionGraph,
    rows: &[AppliedRow],
) -> Result<Vec<RevisionId>, EngineError> {
    let applied = applied_revisions(rows)?;
    let behind_missing: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|row| {
            applied
                .iter()
                .any(|a| a.revision.as_str() == row.revision && !graph.contains(&a.revision))
        })
        .flat_map(|row| row.parents.split_whitespace())
        .collect();
    Ok(petal_migrate::current(graph, &applied)
        .into_iter()
        .filter(|rev| !behind_missing.contains(rev.as_str()))
        .collect())
}

/// The revisions applied to the database `client` is connected to, read
/// without writing anything (the Cvety.kz API checks it is at head).
pub async fn applied_on(client: &Client) -> Result<Vec<AppliedRevision>, EngineError> {
    let rows = read_applied(client)
        .await
        .map_err(|e| EngineError::pg_query("reading petal_migrations", e))?;
    applied_revisions(&rows)
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

/// What a run is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Upgrade,
    Downgrade,
    Stamp,
    /// `stamp --purge`: the log emptied first, whatever it holds (revisions
    /// whose files are gone included), then stamped, as Alembic's does.
    StampPurged,
}

/// Plans and runs `operation` to `target` on the target database, under the
/// migration lock. Returns the plan that ran.
pub async fn run(
    settings: &Settings,
    operation: Operation,
    target: &str,
    options: PlanOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Plan, EngineError> {
    let graph = load_graph(settings)?;
    let target = Target::parse(target)?;
    let cfg = settings.target().await?;
    run_on(&cfg, &graph, operation, &target, options, on_event).await
}

/// [`run`] against an explicit database (used for scratch replays too).
pub async fn run_on(
    cfg: &ConnConfig,
    graph: &RevisionGraph,
    operation: Operation,
    target: &Target,
    options: PlanOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Plan, EngineError> {
    let lock = MigrationLock::acquire(connect(cfg).await?, LOCK_TIMEOUT, |waiting| {
        on_event(Event::WaitingForLock(waiting))
    })
    .await?;
    let client = connect(cfg).await?;
    let result = run_locked(&client, graph, operation, target, options, on_event).await;
    // Closing the lock's connection releases the lock even if this fails.
    let released = lock.release().await;
    let plan = result?;
    released?;
    Ok(plan)
}

async fn run_locked(
    client: &Client,
    graph: &RevisionGraph,
    operation: Operation,
    target: &Target,
    options: PlanOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Plan, EngineError> {
    ensure_log_table(client)
        .await
        .map_err(|e| EngineError::pg_query("creating petal_migrations", e))?;
    let rows = read_applied(client)
        .await
        .map_err(|e| EngineError::pg_query("reading petal_migrations", e))?;
    let applied = applied_revisions(&rows)?;
    let (plan, mode) = match operation {
        Operation::Upgrade => (
            plan(graph, &applied, target, Direction::Up, options)?,
            Mode::Run,
        ),
        Operation::Downgrade => (
            plan(graph, &applied, target, Direction::Down, options)?,
            Mode::Run,
        ),
        Operation::Stamp | Operation::StampPurged => {
            // Planned before anything is written (a wrong target changes
            // nothing), then recorded in one transaction.
            let purge = operation == Operation::StampPurged;
            let from: &[AppliedRevision] = if purge { &[] } else { &applied };
            let plan = plan_stamp(graph, from, target, options)?;
            runner::record_stamp(client, &plan.steps, purge).await?;
            for step in &plan.steps {
                on_event(Event::Started(step));
                on_event(Event::Finished(step, Duration::ZERO));
            }
            return Ok(plan);
        }
    };
    for step in &plan.steps {
        on_event(Event::Started(step));
        let started = Instant::now();
        runner::execute(client, step, mode).await?;
        on_event(Event::Finished(step, started.elapsed()));
    }
    Ok(plan)
}

/// `--sql`: the script that `upgrade`/`downgrade` would run, without
/// connecting (the planner's offline form: an upgrade without a range
/// starts from base). The script keeps the log too, so running it with
/// psql leaves the database exactly as the online run would; each statement
/// comes with the comment lines above it in its file.
pub fn offline_sql(
    settings: &Settings,
    target: &str,
    direction: Direction,
) -> Result<String, EngineError> {
    let graph = load_graph(settings)?;
    let target = Target::parse(target)?;
    Ok(render_script(&plan_offline(&graph, &target, direction)?))
}

/// The script `stamp --sql` prints: the log's rows deleted and inserted in
/// one transaction, from base (or from the start of a range `A:B`), and no
/// migration's SQL.
pub fn offline_stamp_sql(settings: &Settings, target: &str) -> Result<String, EngineError> {
    let graph = load_graph(settings)?;
    let target = Target::parse(target)?;
    let plan = plan_stamp_offline(&graph, &target)?;
    let mut out = script_start("petal stamp --sql");
    out.push_str("BEGIN;\n");
    for step in &plan.steps {
        let verb = match step.direction {
            Direction::Up => "stamp",
            Direction::Down => "unstamp",
        };
        out.push_str(&format!(
            "-- {verb} {}: {}\n",
            step.revision.as_str(),
            step.file.message
        ));
        out.push_str(&log_statement(step));
    }
    out.push_str("COMMIT;\n");
    Ok(out)
}

/// What every offline script starts with: where it comes from, how to run
/// it, and the log table it writes to.
fn script_start(by: &str) -> String {
    format!("-- generated by {by}; run with psql -v ON_ERROR_STOP=1\n\n{LOG_TABLE_DDL};\n")
}

fn render_script(plan: &Plan) -> String {
    let mut out = script_start("petal --sql");
    for step in &plan.steps {
        let verb = match step.direction {
            Direction::Up => "upgrade to",
            Direction::Down => "downgrade from",
        };
        out.push_str(&format!(
            "\n-- {verb} {} ({}): {}\n",
            step.revision.as_str(),
            step.file.path(),
            step.file.message
        ));
        let steps = &step.section().steps;
        let count = steps.len().max(1);
        for index in 0..count {
            let transactional = !step.file.no_transaction;
            if transactional {
                out.push_str("BEGIN;\n");
            }
            if let Some(s) = steps.get(index) {
                for stmt in &s.statements {
                    write_statement(&mut out, stmt);
                }
            }
            if index + 1 == count {
                out.push_str(&log_statement(step));
            }
            if transactional {
                out.push_str("COMMIT;\n");
            }
        }
    }
    out
}

fn log_statement(step: &PlannedMigration) -> String {
    let q = petal_ir::quote_literal;
    match step.direction {
        Direction::Up => format!(
            "INSERT INTO public.petal_migrations (revision, parents, checksum, message, duration_ms, applied_order) \
             SELECT {}, {}, {}, {}, 0, coalesce(max(applied_order), 0) + 1 FROM public.petal_migrations;\n",
            q(step.revision.as_str()),
            q(&parents_text(step)),
            q(step.file.checksum.as_str()),
            q(&step.file.message)
        ),
        Direction::Down => format!(
            "DELETE FROM public.petal_migrations WHERE revision = {};\n",
            q(step.revision.as_str())
        ),
    }
}
