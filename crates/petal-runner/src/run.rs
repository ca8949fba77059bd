//! Load, plan and run: the one way a plan reaches a database, for the
//! binary's upgrade, downgrade and stamp and for embedded migrations.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use petal_migrate::{
    AppliedRevision, Checksum, Direction, Edit, Journal, Plan, PlanOptions, PlannedMigration,
    RevisionGraph, RevisionId, Target, edit_of, plan_journalled, plan_stamp,
};
use petal_pg::lock::Waiting;
use petal_pg::{ConnConfig, connect};
use tokio_postgres::Client;

use crate::error::RunnerError;
use crate::execute::{Mode, Runner, StepEvent};
use crate::interrupt::Interrupt;
use crate::journal::{backfill, read_journal};
use crate::lock::MigrationLock;
use crate::log::{AppliedRow, ensure_log_table, read_applied};
use crate::policy::StepPolicy;
use crate::stamp::record_stamp;

/// How long a run waits for another run's lock before giving up, unless
/// `--lock-wait` says otherwise.
pub const LOCK_WAIT: Duration = Duration::from_secs(60);

/// How a run goes besides what it runs: how long it waits for another
/// run's migration lock, how each step runs, the signal that stops it.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub lock_wait: Duration,
    pub policy: StepPolicy,
    pub interrupt: Interrupt,
}

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings {
            lock_wait: LOCK_WAIT,
            policy: StepPolicy::default(),
            interrupt: Interrupt::never(),
        }
    }
}

/// What a run reports as it goes, so the caller can print progress.
pub enum Event<'a> {
    /// Another run holds the migration lock: about once a second while
    /// this one waits.
    WaitingForLock(&'a Waiting),
    Started(&'a PlannedMigration),
    /// Within a migration: a resumption, a step retried after a lock
    /// timeout.
    Step(StepEvent<'a>),
    Finished(&'a PlannedMigration, Duration),
    /// An applied revision whose down (or a comment) changed since it ran,
    /// its up unchanged: the log now records the file as it is.
    DownChanged {
        revision: &'a RevisionId,
        path: &'a str,
    },
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

/// The log rows as the planner takes them, without the journal's per-step
/// checksums (enough to say what is applied).
pub fn applied_revisions(rows: &[AppliedRow]) -> Result<Vec<AppliedRevision>, RunnerError> {
    applied_with_journal(rows, &Journal::default())
}

/// The log rows as the planner takes them, each with its up's checksums
/// from the journal.
pub fn applied_with_journal(
    rows: &[AppliedRow],
    journal: &Journal,
) -> Result<Vec<AppliedRevision>, RunnerError> {
    rows.iter()
        .map(|row| {
            let revision =
                RevisionId::parse(&row.revision).map_err(|e| RunnerError::InvalidLogRevision {
                    revision: row.revision.clone(),
                    why: e.to_string(),
                })?;
            Ok(AppliedRevision {
                up_steps: journal.up_checksums(&revision),
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
) -> Result<Vec<RevisionId>, RunnerError> {
    let applied = applied_revisions(rows)?;
    let behind_missing: BTreeSet<&str> = rows
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
/// without writing anything (a service checks it is at head).
pub async fn applied_on(client: &Client) -> Result<Vec<AppliedRevision>, RunnerError> {
    let rows = read_applied(client)
        .await
        .map_err(|e| RunnerError::query("reading petal_migrations", e))?;
    applied_revisions(&rows)
}

/// Plans and runs `operation` to `target` on the database `cfg` names,
/// under the migration lock. Returns the plan that ran.
pub async fn run_on(
    cfg: &ConnConfig,
    graph: &RevisionGraph,
    operation: Operation,
    target: &Target,
    options: PlanOptions,
    how: &RunSettings,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Plan, RunnerError> {
    let acquire = MigrationLock::acquire(connect(cfg).await?, how.lock_wait, |waiting| {
        on_event(Event::WaitingForLock(waiting))
    });
    // A signal while waiting for the lock ends the wait: nothing ran, and
    // the lock's connection closes with the dropped future.
    let lock = tokio::select! {
        lock = acquire => lock?,
        signal = how.interrupt.wait() => {
            return Err(RunnerError::Interrupted {
                signal,
                while_doing: "waiting for the migration lock; nothing ran",
            });
        }
    };
    let client = connect(cfg).await?;
    let runner = Runner {
        client: &client,
        cfg,
        policy: how.policy,
        interrupt: &how.interrupt,
    };
    let result = run_locked(&runner, graph, operation, target, options, on_event).await;
    // Closing the lock's connection releases the lock even if this fails.
    let released = lock.release().await;
    let plan = result?;
    released?;
    Ok(plan)
}

async fn run_locked(
    runner: &Runner<'_>,
    graph: &RevisionGraph,
    operation: Operation,
    target: &Target,
    options: PlanOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Plan, RunnerError> {
    let client = runner.client;
    ensure_log_table(client)
        .await
        .map_err(|e| RunnerError::query("creating petal_migrations", e))?;
    let (rows, journal) = read_bookkeeping(client, graph).await?;
    let applied = applied_with_journal(&rows, &journal)?;
    let direction = match operation {
        Operation::Upgrade => Direction::Up,
        Operation::Downgrade => Direction::Down,
        Operation::Stamp | Operation::StampPurged => {
            // Planned before anything is written (a wrong target changes
            // nothing), then recorded in one transaction.
            let purge = operation == Operation::StampPurged;
            let from: &[AppliedRevision] = if purge { &[] } else { &applied };
            let plan = plan_stamp(graph, from, target, options)?;
            record_stamp(client, &plan.steps, purge).await?;
            for step in &plan.steps {
                on_event(Event::Started(step));
                on_event(Event::Finished(step, Duration::ZERO));
            }
            return Ok(plan);
        }
    };
    let plan = plan_journalled(graph, &applied, &journal, target, direction, options)?;
    ensure_server_suits(client, &plan).await?;
    record_down_changes(client, graph, &applied, on_event).await?;
    for step in &plan.steps {
        on_event(Event::Started(step));
        let started = Instant::now();
        runner
            .execute(step, Mode::Run, &mut |event| on_event(Event::Step(event)))
            .await?;
        on_event(Event::Finished(step, started.elapsed()));
    }
    Ok(plan)
}

/// Refuses a plan holding a file written for a newer server (`-- petal
/// requires:`) before anything runs: it would fail halfway otherwise.
async fn ensure_server_suits(client: &Client, plan: &Plan) -> Result<(), RunnerError> {
    if plan.steps.iter().all(|s| s.file.requires_server.is_none()) {
        return Ok(());
    }
    let found: i32 = client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .map_err(|e| RunnerError::query("reading the server's version", e))?
        .get(0);
    let found = u32::try_from(found / 10000).unwrap_or(0);
    for step in &plan.steps {
        if let Some(required) = step.file.requires_server
            && required > found
        {
            return Err(RunnerError::ServerTooOld {
                path: step.file.path().to_string(),
                required,
                found,
            });
        }
    }
    Ok(())
}

/// The log and the journal, the journal first given the up's checksums of
/// revisions applied before petal kept them.
async fn read_bookkeeping(
    client: &Client,
    graph: &RevisionGraph,
) -> Result<(Vec<AppliedRow>, Journal), RunnerError> {
    let read_error = |e| RunnerError::query("reading petal_migrations", e);
    let rows = read_applied(client).await.map_err(read_error)?;
    let mut journal = read_journal(client).await.map_err(read_error)?;
    let file_of = |text: &str| {
        let revision = RevisionId::parse(text).ok()?;
        graph.get(&revision).cloned()
    };
    if backfill(client, &rows, &journal, file_of)
        .await
        .map_err(|e| RunnerError::query("recording petal_migration_steps", e))?
    {
        journal = read_journal(client).await.map_err(read_error)?;
    }
    Ok((rows, journal))
}

/// Applied revisions whose down changed, their up not: the log takes the
/// file's checksum as it is now (said once, as it happens), so a fixed
/// down neither blocks a deploy nor is refused by the downgrade it fixes.
async fn record_down_changes(
    client: &Client,
    graph: &RevisionGraph,
    applied: &[AppliedRevision],
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<(), RunnerError> {
    for row in applied {
        let Some(file) = graph.get(&row.revision) else {
            continue;
        };
        if edit_of(file, row) != Edit::OutsideTheUp {
            continue;
        }
        client
            .execute(
                "UPDATE public.petal_migrations SET checksum = $2 WHERE revision = $1",
                &[&row.revision.as_str(), &file.checksum.as_str()],
            )
            .await
            .map_err(|e| RunnerError::query("recording petal_migrations", e))?;
        on_event(Event::DownChanged {
            revision: &file.revision,
            path: file.path(),
        });
    }
    Ok(())
}
