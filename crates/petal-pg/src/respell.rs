//! A view's query as another server spells it.
//!
//! PostgreSQL stores a view as a parsed query tree and prints it back with
//! `pg_get_viewdef`; each major version prints the same tree its own way
//! (PostgreSQL 13 writes `timezone('Asia/Almaty'::text, o.created_at)` and
//! qualifies every column, 16 and later write `created_at AT TIME ZONE
//! 'Asia/Almaty'::text`). Two databases on different versions holding the
//! same view therefore read back different texts. Parsing one side's text on
//! the other side's server and printing it there again puts both in one
//! spelling, so only real differences remain.

use tokio_postgres::Client;

use crate::conn::{ConnConfig, connect};
use crate::error::PgError;

/// The temporary view each query is parsed into. It lives in the session's
/// own temporary schema, inside a transaction that is rolled back.
const SCRATCH_VIEW: &str = "pg_temp.petal_respelled_view";

/// Each query (a view's definition as `pg_get_viewdef` printed it on some
/// server) as the server at `cfg` prints it, or `None` where that server
/// cannot parse it (a function or syntax it lacks, an object its database
/// does not hold). Nothing is left behind: every query is parsed into a
/// temporary view inside one transaction that is rolled back.
///
/// Each query goes through the extended protocol, which accepts one
/// statement only, so a definition cannot smuggle a second one in.
pub async fn respell_view_queries(
    cfg: &ConnConfig,
    queries: &[&str],
) -> Result<Vec<Option<String>>, PgError> {
    let client = begin(cfg).await?;
    let mut respelled = Vec::with_capacity(queries.len());
    for query in queries {
        respelled.push(respell_one(&client, query).await?);
    }
    rollback(&client).await?;
    Ok(respelled)
}

/// A connection inside the respelling transaction, with the same printing
/// settings as introspection: every name qualified. A table locked by a
/// migration is not waited for long.
async fn begin(cfg: &ConnConfig) -> Result<Client, PgError> {
    let client = connect(cfg).await?;
    client
        .batch_execute("BEGIN; SET LOCAL search_path = pg_catalog; SET LOCAL lock_timeout = '5s'")
        .await
        .map_err(|e| PgError::query("opening the respelling transaction", e))?;
    Ok(client)
}

/// Nothing left behind.
async fn rollback(client: &Client) -> Result<(), PgError> {
    client
        .batch_execute("ROLLBACK")
        .await
        .map_err(|e| PgError::query("rolling back the respelling transaction", e))
}

async fn respell_one(client: &Client, query: &str) -> Result<Option<String>, PgError> {
    let body = query.trim().trim_end_matches(';').trim_end();
    client
        .batch_execute("SAVEPOINT petal_respell")
        .await
        .map_err(|e| PgError::query("a savepoint for respelling a view", e))?;
    let created = client
        .execute(
            &format!("CREATE TEMPORARY VIEW {SCRATCH_VIEW} AS {body}"),
            &[],
        )
        .await;
    let printed = match created {
        Ok(_) => Some(
            client
                .query_one(
                    &format!("SELECT pg_get_viewdef('{SCRATCH_VIEW}'::regclass)"),
                    &[],
                )
                .await
                .map_err(|e| PgError::query("printing a respelled view", e))?
                .try_get::<_, String>(0)
                .map_err(|e| PgError::query("reading a respelled view", e))?,
        ),
        // This server cannot parse the other's spelling: the texts stay
        // as they are and the difference shows.
        Err(_) => None,
    };
    client
        .batch_execute("ROLLBACK TO SAVEPOINT petal_respell")
        .await
        .map_err(|e| PgError::query("rolling back a respelled view", e))?;
    Ok(printed)
}

/// The temporary table (or domain) each expression is parsed against: a
/// copy of its table's columns (or its domain's base type), in the
/// session's own temporary schema.
const SCRATCH_TABLE: &str = "pg_temp.petal_respelled_table";
const SCRATCH_DOMAIN: &str = "pg_temp.petal_respelled_domain";

/// What a boolean expression is over.
#[derive(Debug, Clone, Copy)]
pub enum ExpressionOf<'a> {
    /// A table's columns: a check's or an index predicate's expression.
    Table(&'a petal_ir::QualifiedName),
    /// A domain's `VALUE`, of this base type (as `format_type` prints it).
    Domain(&'a str),
}

/// Each boolean expression (a check's, an index predicate's, a domain
/// check's, as `pg_get_expr` printed it) parsed on the server at `cfg`
/// against what it is over and printed there again, or `None` where it
/// cannot be (the table is not there, the expression does not parse).
/// PostgreSQL does not always print back what it printed: a check `IN
/// (...)` over a `varchar` column prints as `(col)::text = ANY
/// ((ARRAY[...])::text[])`, which reads back as a different tree and
/// prints as `ARRAY[(...)::text, ...]`. Nothing is left behind: one
/// transaction, rolled back.
pub async fn respell_expressions(
    cfg: &ConnConfig,
    expressions: &[(ExpressionOf<'_>, &str)],
) -> Result<Vec<Option<String>>, PgError> {
    let client = begin(cfg).await?;
    let mut respelled = Vec::with_capacity(expressions.len());
    for (of, expression) in expressions {
        respelled.push(respell_expression(&client, *of, expression).await?);
    }
    rollback(&client).await?;
    Ok(respelled)
}

async fn respell_expression(
    client: &Client,
    of: ExpressionOf<'_>,
    expression: &str,
) -> Result<Option<String>, PgError> {
    client
        .batch_execute("SAVEPOINT petal_respell")
        .await
        .map_err(|e| PgError::query("a savepoint for respelling an expression", e))?;
    // One statement each, through the extended protocol: an expression
    // cannot smuggle a second one in.
    let (steps, print) = match of {
        ExpressionOf::Table(table) => (
            vec![
                format!(
                    "CREATE TEMPORARY TABLE {SCRATCH_TABLE} (LIKE {})",
                    table.quoted()
                ),
                format!(
                    "ALTER TABLE {SCRATCH_TABLE} ADD CONSTRAINT petal_respelled \
                     CHECK ({expression}) NOT VALID"
                ),
            ],
            format!(
                "SELECT pg_get_expr(conbin, conrelid) FROM pg_constraint \
                 WHERE conrelid = '{SCRATCH_TABLE}'::regclass AND conname = 'petal_respelled'"
            ),
        ),
        ExpressionOf::Domain(base_type) => (
            vec![format!(
                "CREATE DOMAIN {SCRATCH_DOMAIN} AS {base_type} \
                 CONSTRAINT petal_respelled CHECK ({expression})"
            )],
            format!(
                "SELECT pg_get_expr(conbin, 0) FROM pg_constraint \
                 WHERE contypid = '{SCRATCH_DOMAIN}'::regtype AND conname = 'petal_respelled'"
            ),
        ),
    };
    let mut parsed = true;
    for step in &steps {
        if client.execute(step.as_str(), &[]).await.is_err() {
            parsed = false;
            break;
        }
    }
    let printed = match parsed {
        true => Some(
            client
                .query_one(print.as_str(), &[])
                .await
                .map_err(|e| PgError::query("printing a respelled expression", e))?
                .try_get::<_, String>(0)
                .map_err(|e| PgError::query("reading a respelled expression", e))?,
        ),
        false => None,
    };
    client
        .batch_execute("ROLLBACK TO SAVEPOINT petal_respell")
        .await
        .map_err(|e| PgError::query("rolling back a respelled expression", e))?;
    Ok(printed)
}
