//! Scratch databases on the dev server: created for one job (canonicalizing
//! models, replaying migrations) and dropped afterwards.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use petal_ir::quote_ident;
use petal_pg::{ConnConfig, connect};

use crate::error::EngineError;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database that exists only for one job. Call [`ScratchDb::dispose`]
/// when done; one left behind by a crash is named `petal_scratch_*` and
/// harmless.
pub struct ScratchDb {
    admin: ConnConfig,
    pub config: ConnConfig,
}

impl ScratchDb {
    pub async fn create(admin: &ConnConfig) -> Result<ScratchDb, EngineError> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "petal_scratch_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let client = connect(admin).await?;
        client
            .batch_execute(&format!(
                "CREATE DATABASE {} TEMPLATE template0",
                quote_ident(&name)
            ))
            .await
            .map_err(|e| EngineError::pg_query("creating a scratch database", e))?;
        Ok(ScratchDb {
            admin: admin.clone(),
            config: admin.with_dbname(&name),
        })
    }

    pub async fn dispose(self) -> Result<(), EngineError> {
        let client = connect(&self.admin).await?;
        client
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&self.config.dbname)
            ))
            .await
            .map_err(|e| EngineError::pg_query("dropping a scratch database", e))
    }
}
