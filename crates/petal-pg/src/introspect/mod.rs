//! Whole-database introspection into the IR.
//!
//! A fixed number of set-based catalog queries, whatever the number of
//! tables: one round trip opens a read-only snapshot and pins
//! `search_path`, the catalog queries then go out pipelined on the one
//! connection, and a last round trip ends the transaction.
//!
//! `search_path` is pinned to `pg_catalog` alone, so that `format_type`,
//! `pg_get_expr` and `pg_get_indexdef` schema-qualify every name the same
//! way on any connection (`'new'::public.order_status`, never
//! `'new'::order_status`): both sides of a comparison must spell alike.

mod assemble;
mod keys;

use std::collections::BTreeSet;

use petal_ir::{Database, MIGRATIONS_TABLE, quote_literal};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Row, SimpleQueryMessage};

use crate::conn::{ConnConfig, connect};
use crate::error::PgError;

const SCOPE: &str = include_str!("../../sql/scope.sql");
const SCHEMAS: &str = include_str!("../../sql/schemas.sql");
const ENUMS: &str = include_str!("../../sql/enums.sql");
const TABLES: &str = include_str!("../../sql/tables.sql");
const COLUMNS: &str = include_str!("../../sql/columns.sql");
const CONSTRAINTS: &str = include_str!("../../sql/constraints.sql");
const INDEXES: &str = include_str!("../../sql/indexes.sql");
const NOT_COMPARED: &str = include_str!("../../sql/not_compared.sql");

/// The oldest server whose catalogs these queries read (generated columns
/// appeared in 12); petal targets 13 to 18.
const MIN_SERVER_VERSION: i32 = 120000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntrospectOptions {
    /// Only these schemas; all non-system schemas when `None`.
    pub schemas: Option<BTreeSet<String>>,
    /// Only these tables (with their columns, constraints and indexes);
    /// all when `None`. Schemas and enum types are read whole either way,
    /// and the not-compared list is then partial. For refreshing a few
    /// tables of a schema already read.
    pub tables: Option<BTreeSet<petal_ir::QualifiedName>>,
}

/// An object in the database that the IR does not model (yet), so it was
/// not compared: listed, never silently lost.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NotCompared {
    /// `view`, `materialized view`, `foreign table`, `sequence`,
    /// `composite type`, `partition`, `inheritance child table`,
    /// `function`, `procedure`, `aggregate`, `window function`, `domain`,
    /// `range type`, `trigger`, `policy`, `rule`, `exclusion constraint`,
    /// `row level security`, `statistics object`, `collation`, `extension`,
    /// `virtual generated column`, `unlogged table`, `invalid index`,
    /// `partition key`.
    pub kind: String,
    /// The object's SQL name, quoted where needed: `public.active_orders`,
    /// `public.orders.audit_trigger`, `public.total(integer, numeric)`.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introspection {
    /// The schema, normalized.
    pub database: Database,
    /// Sorted by kind, then name.
    pub not_compared: Vec<NotCompared>,
    /// `server_version_num`, e.g. 150004.
    pub server_version_num: i32,
    /// Statements sent to the server: the same for any number of tables.
    pub queries: u32,
}

/// Reads the whole database (or `opts.schemas`) into the IR, on one
/// connection.
///
/// Runs in a transaction of its own (`BEGIN ... ROLLBACK`), so the client
/// must not be inside one; `&Client` is enough, and the client's session
/// settings are left as they were.
pub async fn introspect(
    client: &Client,
    opts: &IntrospectOptions,
) -> Result<Introspection, PgError> {
    let opening = client
        .simple_query(&format!(
            "{BEGIN}; {PIN}; SELECT current_setting('server_version_num')"
        ))
        .await
        .map_err(|e| PgError::query("opening the introspection transaction", e))?;
    let result = match server_version(&opening) {
        Ok(version) => read_catalogs(client, client, version, opts).await,
        Err(e) => Err(e),
    };
    // Always end the transaction, even after a failed query (the
    // transaction is aborted then, and only ROLLBACK ends it).
    let closing = client
        .batch_execute("ROLLBACK")
        .await
        .map_err(|e| PgError::query("ending the introspection transaction", e));
    let mut introspection = result?;
    closing?;
    introspection.queries += 2;
    Ok(introspection)
}

/// Like [`introspect`], but opens two connections of its own and splits
/// the queries between them, so that two server processes share the work
/// (about twice as fast on a large schema). Both read one snapshot: the
/// first exports it, the second imports it. Falls back to one connection
/// where the server cannot export snapshots.
pub async fn introspect_parallel(
    cfg: &ConnConfig,
    opts: &IntrospectOptions,
) -> Result<Introspection, PgError> {
    let (first, second) = futures_util::try_join!(connect(cfg), connect(cfg))?;
    let opening = first
        .simple_query(&format!(
            "{BEGIN}; {PIN}; SELECT current_setting('server_version_num'), pg_export_snapshot()"
        ))
        .await;
    let opening = match opening {
        Ok(rows) => rows,
        Err(_) => {
            // A standby before PostgreSQL 10, a pooler in transaction mode:
            // no exported snapshots there, one connection still works.
            first
                .batch_execute("ROLLBACK")
                .await
                .map_err(|e| PgError::query("ending the failed snapshot export", e))?;
            return introspect(&first, opts).await;
        }
    };
    let version = server_version(&opening)?;
    let snapshot = first_row(&opening)
        .and_then(|row| row.get(1).map(str::to_string))
        .ok_or_else(|| PgError::Catalog("pg_export_snapshot() returned nothing".into()))?;
    second
        .batch_execute(&format!(
            "{BEGIN}; SET TRANSACTION SNAPSHOT {}; {PIN}",
            quote_literal(&snapshot)
        ))
        .await
        .map_err(|e| PgError::query("importing the introspection snapshot", e))?;
    let mut introspection = read_catalogs(&first, &second, version, opts).await?;
    // Both transactions end with their connections, dropped here.
    introspection.queries += 2;
    Ok(introspection)
}

/// Both transactions read one consistent state of the catalogs.
const BEGIN: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
/// Every name printed by format_type, pg_get_expr and friends comes out
/// schema-qualified, whatever the caller's search_path. JIT off: the
/// planner's estimates for catalog joins are large enough to trigger it,
/// and compiling costs more than the whole query (0.6 s against 50 ms).
const PIN: &str = "SET LOCAL search_path = pg_catalog; SET LOCAL jit = off";

fn first_row(messages: &[SimpleQueryMessage]) -> Option<&tokio_postgres::SimpleQueryRow> {
    messages.iter().find_map(|m| match m {
        SimpleQueryMessage::Row(row) => Some(row),
        _ => None,
    })
}

fn server_version(opening: &[SimpleQueryMessage]) -> Result<i32, PgError> {
    let version = first_row(opening)
        .and_then(|row| row.get(0))
        .and_then(|v| v.parse::<i32>().ok())
        .ok_or_else(|| PgError::Catalog("the server did not report server_version_num".into()))?;
    if version < MIN_SERVER_VERSION {
        return Err(PgError::Catalog(format!(
            "PostgreSQL {} is too old: petal needs 13 or later",
            version / 10000
        )));
    }
    Ok(version)
}

/// Runs the catalog queries, the column half on `first` and the
/// constraint half on `second` (which may be the same client), each half
/// pipelined, and assembles the IR.
async fn read_catalogs(
    first: &Client,
    second: &Client,
    version: i32,
    opts: &IntrospectOptions,
) -> Result<Introspection, PgError> {
    let sql = Queries::for_version(version);
    let schemas: Option<Vec<String>> = opts.schemas.as_ref().map(|s| s.iter().cloned().collect());
    // The unit separator cannot appear in an identifier petal writes.
    let tables: Option<Vec<String>> = opts.tables.as_ref().map(|t| {
        t.iter()
            .map(|n| format!("{}\u{1f}{}", n.schema, n.name))
            .collect()
    });
    let param: [(&(dyn ToSql + Sync), Type); 2] =
        [(&schemas, Type::TEXT_ARRAY), (&tables, Type::TEXT_ARRAY)];
    // Independent queries, polled together: tokio-postgres pipelines them.
    // Each query's rows are mapped as soon as they arrive, while the server
    // works on the next query.
    let (schemas, enums, tables, columns, constraints, indexes, not_compared) = futures_util::try_join!(
        async { assemble::schemas(run_query(first, sql.text(SCHEMAS), &param, "schemas").await?) },
        async { assemble::enums(run_query(first, sql.text(ENUMS), &param, "enum types").await?) },
        async { assemble::tables(run_query(first, sql.text(TABLES), &param, "tables").await?) },
        async { assemble::columns(run_query(first, sql.text(COLUMNS), &param, "columns").await?) },
        async {
            keys::constraints(
                run_query(second, sql.text(CONSTRAINTS), &param, "constraints").await?,
            )
        },
        async { keys::indexes(run_query(second, sql.text(INDEXES), &param, "indexes").await?) },
        async {
            let rows = run_query(
                first,
                sql.text(NOT_COMPARED),
                &param,
                "objects not compared",
            );
            assemble::not_compared(rows.await?)
        },
    )?;
    let parts = assemble::Parts {
        schemas,
        enums,
        tables,
        columns,
        constraints,
        indexes,
        not_compared,
    };
    let (mut database, not_compared) = assemble::merge(parts)?;
    database.normalize();
    Ok(Introspection {
        database,
        not_compared,
        server_version_num: version,
        queries: 7,
    })
}

async fn run_query(
    client: &Client,
    sql: String,
    param: &[(&(dyn ToSql + Sync), Type)],
    what: &str,
) -> Result<Vec<Row>, PgError> {
    client
        .query_typed(&sql, param)
        .await
        .map_err(|e| PgError::query(format!("reading {what} from the catalogs"), e))
}

/// The catalog queries with the version-dependent parts filled in.
struct Queries {
    scope: String,
    unique_nulls_not_distinct: &'static str,
    index_nulls_not_distinct: &'static str,
}

impl Queries {
    fn for_version(version: i32) -> Self {
        let nnd = version >= 150000;
        Queries {
            scope: SCOPE.replace("{{migrations_table}}", &quote_literal(MIGRATIONS_TABLE)),
            unique_nulls_not_distinct: if nnd {
                "COALESCE(ci.indnullsnotdistinct, false)"
            } else {
                "false"
            },
            index_nulls_not_distinct: if nnd {
                "i.indnullsnotdistinct"
            } else {
                "false"
            },
        }
    }

    fn text(&self, query: &str) -> String {
        let query = query
            .replace(
                "{{unique_nulls_not_distinct}}",
                self.unique_nulls_not_distinct,
            )
            .replace(
                "{{index_nulls_not_distinct}}",
                self.index_nulls_not_distinct,
            );
        format!("{}{}", self.scope, query)
    }
}
