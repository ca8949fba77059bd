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

use std::collections::BTreeSet;

use petal_ir::{Database, MIGRATIONS_TABLE, quote_literal};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Row, SimpleQueryMessage};

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
    /// `virtual generated column`.
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

/// Reads the whole database (or `opts.schemas`) into the IR.
///
/// Runs in a transaction of its own (`BEGIN ... ROLLBACK`), so the client
/// must not be inside one; `&Client` is enough, and the client's session
/// settings are left as they were.
pub async fn introspect(
    client: &Client,
    opts: &IntrospectOptions,
) -> Result<Introspection, PgError> {
    let opening = client
        .simple_query(
            "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; \
             SET LOCAL search_path = pg_catalog; \
             SELECT current_setting('server_version_num')",
        )
        .await
        .map_err(|e| PgError::query("opening the introspection transaction", e))?;
    let result = read_catalogs(client, opts, &opening).await;
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

async fn read_catalogs(
    client: &Client,
    opts: &IntrospectOptions,
    opening: &[SimpleQueryMessage],
) -> Result<Introspection, PgError> {
    let version = opening
        .iter()
        .find_map(|m| match m {
            SimpleQueryMessage::Row(row) => row.get(0).and_then(|v| v.parse::<i32>().ok()),
            _ => None,
        })
        .ok_or_else(|| PgError::Catalog("the server did not report server_version_num".into()))?;
    if version < MIN_SERVER_VERSION {
        return Err(PgError::Catalog(format!(
            "PostgreSQL {} is too old: petal needs 13 or later",
            version / 10000
        )));
    }
    let sql = Queries::for_version(version);
    let schemas: Option<Vec<String>> = opts.schemas.as_ref().map(|s| s.iter().cloned().collect());
    let param: [(&(dyn ToSql + Sync), Type); 1] = [(&schemas, Type::TEXT_ARRAY)];
    let run = |what: &'static str, text: &'static str| {
        let sql = &sql;
        let param = &param;
        async move {
            client
                .query_typed(&sql.text(text), param)
                .await
                .map_err(|e| PgError::query(format!("reading {what} from the catalogs"), e))
        }
    };
    // Independent queries, polled together: tokio-postgres pipelines them.
    let (schema_rows, enum_rows, table_rows, column_rows, constraint_rows, index_rows, other_rows) =
        futures_util::try_join!(
            run("schemas", SCHEMAS),
            run("enum types", ENUMS),
            run("tables", TABLES),
            run("columns", COLUMNS),
            run("constraints", CONSTRAINTS),
            run("indexes", INDEXES),
            run("objects not compared", NOT_COMPARED),
        )?;
    let rows = assemble::CatalogRows {
        schemas: schema_rows,
        enums: enum_rows,
        tables: table_rows,
        columns: column_rows,
        constraints: constraint_rows,
        indexes: index_rows,
        not_compared: other_rows,
    };
    let (mut database, not_compared) = assemble::assemble(rows)?;
    database.normalize();
    Ok(Introspection {
        database,
        not_compared,
        server_version_num: version,
        queries: 7,
    })
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

pub(crate) type Rows = Vec<Row>;
