//! `petal_migrations`: the log of applied revisions.

use tokio_postgres::Client;

use crate::journal::STEPS_TABLE_DDL;

/// One row per applied revision. `applied_order` orders revisions by when
/// they were applied, which `-N` needs; it is assigned under the migration
/// lock, so it never repeats.
pub const LOG_TABLE_DDL: &str = "CREATE TABLE IF NOT EXISTS public.petal_migrations (
    revision text PRIMARY KEY,
    parents text NOT NULL,
    checksum text NOT NULL,
    message text NOT NULL,
    applied_at timestamp with time zone NOT NULL DEFAULT now(),
    duration_ms bigint NOT NULL,
    applied_order bigint NOT NULL
)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRow {
    pub revision: String,
    /// Space-separated parent revisions, as in the file header.
    pub parents: String,
    pub checksum: String,
    pub message: String,
    pub applied_at: String,
    pub duration_ms: i64,
    pub applied_order: i64,
}

/// Creates the log and journal tables when missing. Call it with the lock
/// held.
pub async fn ensure_log_table(client: &Client) -> Result<(), tokio_postgres::Error> {
    client
        .batch_execute(&format!("{LOG_TABLE_DDL};\n{STEPS_TABLE_DDL}"))
        .await
}

/// Whether the log table exists (without creating it: read-only commands
/// such as `current` must not write).
pub async fn log_table_exists(client: &Client) -> Result<bool, tokio_postgres::Error> {
    let row = client
        .query_one(
            "SELECT to_regclass('public.petal_migrations') IS NOT NULL",
            &[],
        )
        .await?;
    Ok(row.get(0))
}

/// The applied revisions in the order they were applied; empty when the log
/// table does not exist yet.
pub async fn read_applied(client: &Client) -> Result<Vec<AppliedRow>, tokio_postgres::Error> {
    if !log_table_exists(client).await? {
        return Ok(Vec::new());
    }
    let rows = client
        .query(
            "SELECT revision, parents, checksum, message, \
             to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC', \
             duration_ms, applied_order FROM public.petal_migrations ORDER BY applied_order",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| AppliedRow {
            revision: r.get(0),
            parents: r.get(1),
            checksum: r.get(2),
            message: r.get(3),
            applied_at: r.get(4),
            duration_ms: r.get(5),
            applied_order: r.get(6),
        })
        .collect())
}

pub const INSERT_ROW: &str = "INSERT INTO public.petal_migrations \
    (revision, parents, checksum, message, duration_ms, applied_order) \
    SELECT $1, $2, $3, $4, $5, coalesce(max(applied_order), 0) + 1 FROM public.petal_migrations";

pub const DELETE_ROW: &str = "DELETE FROM public.petal_migrations WHERE revision = $1";
