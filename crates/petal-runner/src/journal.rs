//! `petal_migration_steps`: the step journal, one row per committed step,
//! written in the step's own transaction (see `petal_migrate::Journal` for
//! what the rows mean).

use petal_migrate::{
    Checksum, Direction, Journal, JournalledStep, MigrationFile, PlannedMigration, RevisionId,
};
use tokio_postgres::Client;

use crate::log::AppliedRow;

/// Ignored by introspection like the log (`petal_ir::STEPS_TABLE`).
pub const STEPS_TABLE_DDL: &str = "CREATE TABLE IF NOT EXISTS public.petal_migration_steps (
    revision text NOT NULL,
    direction text NOT NULL CHECK (direction IN ('up', 'down')),
    step integer NOT NULL,
    steps integer NOT NULL,
    checksum text NOT NULL,
    committed_at timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY (revision, direction, step)
)";

/// What a stamp leaves no row of: a revision the log does not hold, a
/// downgrade under way (a stamp says where the database is).
pub const FORGET_UNHELD: &str = "DELETE FROM public.petal_migration_steps s \
    WHERE s.direction = 'down' \
    OR NOT EXISTS (SELECT FROM public.petal_migrations m WHERE m.revision = s.revision)";

/// Every row of a revision: the step that completes its downgrade, and a
/// stamp, leave none.
pub const DELETE_REVISION: &str = "DELETE FROM public.petal_migration_steps WHERE revision = $1";

fn direction_text(direction: Direction) -> &'static str {
    match direction {
        Direction::Up => "up",
        Direction::Down => "down",
    }
}

/// The journal; empty when its table does not exist yet (read-only
/// commands must not create it).
pub async fn read_journal(client: &Client) -> Result<Journal, tokio_postgres::Error> {
    let exists: bool = client
        .query_one(
            "SELECT to_regclass('public.petal_migration_steps') IS NOT NULL",
            &[],
        )
        .await?
        .get(0);
    if !exists {
        return Ok(Journal::default());
    }
    let rows = client
        .query(
            "SELECT revision, direction, step, steps, checksum \
             FROM public.petal_migration_steps ORDER BY revision, direction, step",
            &[],
        )
        .await?;
    // A row that does not parse (edited by hand) is left out: the journal
    // then looks shorter, and its checks refuse what it cannot vouch for.
    let steps = rows.iter().filter_map(|row| {
        let revision = RevisionId::parse(row.get::<_, &str>(0)).ok()?;
        let direction = match row.get::<_, &str>(1) {
            "up" => Direction::Up,
            "down" => Direction::Down,
            _ => return None,
        };
        Some(JournalledStep {
            revision,
            direction,
            step: usize::try_from(row.get::<_, i32>(2)).ok()?,
            of: usize::try_from(row.get::<_, i32>(3)).ok()?,
            checksum: Checksum::from_stored(row.get::<_, String>(4)),
        })
    });
    Ok(Journal::new(steps))
}

/// The journal's row for step `index` (0-based) of `file`'s `direction`
/// section, as an `INSERT` with literals: the one writer of journal rows,
/// for runs and offline scripts alike.
pub fn step_row_sql(file: &MigrationFile, direction: Direction, index: usize) -> String {
    let q = petal_ir::quote_literal;
    let checksums = file.section(direction).step_checksums();
    let checksum = checksums
        .get(index)
        .cloned()
        .unwrap_or_else(|| Checksum::of(""));
    format!(
        "INSERT INTO public.petal_migration_steps (revision, direction, step, steps, checksum) \
         VALUES ({}, '{}', {}, {}, {});\n",
        q(file.revision.as_str()),
        direction_text(direction),
        index + 1,
        checksums.len(),
        q(checksum.as_str())
    )
}

/// Records step `index` (0-based) of `m`'s section as committed; call it in
/// the step's transaction.
pub async fn record_step(
    client: &Client,
    m: &PlannedMigration,
    index: usize,
) -> Result<(), tokio_postgres::Error> {
    client
        .batch_execute(&step_row_sql(&m.file, m.direction, index))
        .await
}

/// The up's rows of `file` as the journal keeps them for an applied
/// revision (a stamp, a backfill).
pub fn up_rows_sql(file: &MigrationFile) -> String {
    let count = file.up.step_checksums().len();
    (0..count)
        .map(|index| step_row_sql(file, Direction::Up, index))
        .collect()
}

/// Gives the journal the up's checksums of applied revisions that have none
/// yet (applied before petal kept them) whose file is unchanged: from then
/// on, an edit of their down alone is told from one of their up. Call it
/// with the migration lock held.
pub async fn backfill(
    client: &Client,
    rows: &[AppliedRow],
    journal: &Journal,
    file_of: impl Fn(&str) -> Option<MigrationFile>,
) -> Result<bool, tokio_postgres::Error> {
    let mut sql = String::new();
    for row in rows {
        let Some(file) = file_of(&row.revision) else {
            continue;
        };
        let recorded = !journal.committed(&file.revision, Direction::Up).is_empty();
        if !recorded && file.checksum.as_str() == row.checksum {
            sql.push_str(&up_rows_sql(&file));
        }
    }
    if sql.is_empty() {
        return Ok(false);
    }
    if let Err(e) = client.batch_execute(&format!("BEGIN;\n{sql}COMMIT;")).await {
        let _ = client.batch_execute("ROLLBACK").await;
        return Err(e);
    }
    Ok(true)
}
