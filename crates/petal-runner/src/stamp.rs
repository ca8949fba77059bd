//! What a run writes in the log besides running statements: the log row
//! of a revision applied or reverted, and a stamp (rows only).

use std::time::Instant;

use petal_migrate::{Direction, PlannedMigration};
use tokio_postgres::Client;

use crate::failure::RunError;
use crate::journal::{self, DELETE_REVISION};
use crate::log::{DELETE_ROW, INSERT_ROW};

/// The log row of a revision applied (inserted) or reverted (deleted, with
/// its journal), in the caller's transaction.
pub(crate) async fn write_log(
    client: &Client,
    m: &PlannedMigration,
    started: Instant,
) -> Result<(), tokio_postgres::Error> {
    let revision = m.revision.as_str();
    match m.direction {
        Direction::Up => {
            let parents = parents_text(m);
            let ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            let checksum = m.file.checksum.as_str();
            client
                .execute(
                    INSERT_ROW,
                    &[&revision, &parents, &checksum, &m.file.message, &ms],
                )
                .await?;
        }
        Direction::Down => {
            client.execute(DELETE_ROW, &[&revision]).await?;
            client.execute(DELETE_REVISION, &[&revision]).await?;
        }
    }
    Ok(())
}

/// Records a stamp, every row of it, in one transaction: the log's rows and
/// the journal's (a stamped revision gets its up's checksums; the journal
/// of every revision the log no longer holds, and every downgrade under
/// way, is cleared: a stamp says where the database is). With `purge`, both
/// are emptied first. A failure leaves them as they were. Call with the
/// migration lock held.
pub async fn record_stamp(
    client: &Client,
    steps: &[PlannedMigration],
    purge: bool,
) -> Result<(), RunError> {
    client.batch_execute("BEGIN").await?;
    let recorded = async {
        if purge {
            client
                .batch_execute(
                    "DELETE FROM public.petal_migrations; DELETE FROM public.petal_migration_steps",
                )
                .await?;
        }
        for m in steps {
            write_log(client, m, Instant::now()).await?;
            if m.direction == Direction::Up {
                client
                    .execute(DELETE_REVISION, &[&m.revision.as_str()])
                    .await?;
                client.batch_execute(&journal::up_rows_sql(&m.file)).await?;
            }
        }
        client.batch_execute(journal::FORGET_UNHELD).await?;
        Ok::<(), tokio_postgres::Error>(())
    }
    .await;
    if let Err(e) = recorded {
        let _ = client.batch_execute("ROLLBACK").await;
        return Err(e.into());
    }
    client.batch_execute("COMMIT").await?;
    Ok(())
}

/// The parents as the log keeps them: space-separated, as in the header.
pub fn parents_text(m: &PlannedMigration) -> String {
    m.file
        .parents
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}
