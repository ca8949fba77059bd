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
mod collations;
mod composite_types;
mod dependencies;
mod domains;
mod extensions;
pub mod fingerprint;
mod functions;
mod keys;
mod merge;
mod policies;
mod privileges;
mod range_types;
mod read;
mod refresh;
mod rows;
mod sequences;
mod triggers;
mod views;

use std::collections::BTreeSet;

use petal_ir::{Database, ObjectKey, QualifiedName, quote_literal};
use tokio_postgres::{Client, SimpleQueryMessage};

use crate::conn::{ConnConfig, connect};
use crate::error::PgError;
use read::read_catalogs;
pub use refresh::refresh;

/// The oldest server whose catalogs these queries read (`tgparentid`
/// appeared in 13); petal targets 13 to 18.
const MIN_SERVER_VERSION: i32 = 130000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntrospectOptions {
    /// Only these schemas; all non-system schemas when `None`.
    pub schemas: Option<BTreeSet<String>>,
    /// Only these tables (with their columns, constraints, indexes and
    /// triggers); all when `None`. Schemas, enum types and the other kinds
    /// are read whole either way, and so are the dependencies (the query
    /// names the ends on the other tables itself; an edge through the
    /// serial sequence of a table not read is the one left out); the
    /// not-compared list is then partial. For refreshing a few tables of a
    /// schema already read.
    pub tables: Option<BTreeSet<petal_ir::QualifiedName>>,
    /// What is read beside schemas, enum types and tables.
    pub objects: Objects,
    /// Whether the privileges are read into [`Database::privileges`] (the
    /// project compares them): one query more. Not with
    /// [`Objects::None`].
    pub privileges: bool,
    /// Whether [`Introspection::fingerprint`] is read, in the read's
    /// snapshot: one query more.
    pub fingerprint: bool,
}

/// The kinds read beside schemas, enum types and tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Objects {
    /// Every kind, whole.
    #[default]
    All,
    /// None: no extensions, sequences, views, functions, triggers,
    /// domains, composite or range types, no dependencies, and no
    /// not-compared list beyond the tables' own.
    None,
    /// What may have changed when only the tables of
    /// [`IntrospectOptions::tables`] changed (columns, keys, indexes,
    /// comments: what a models-only difference changes): the views and
    /// materialized views reading them (their text names the columns),
    /// every other kind whole except views, and only the dependency edges
    /// with an end on those tables (or their columns, constraints, indexes
    /// and triggers). The not-compared list is partial (its own query is
    /// not sent). [`refresh`] puts
    /// it onto the previous whole read: the result is what a whole read
    /// gives now.
    NearTables,
}

/// An object in the database that the IR does not model (yet), so it was
/// not compared: listed, never silently lost.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct NotCompared {
    /// `foreign table`, `inheritance child table`, `partition column
    /// setting` (a partition's own NOT NULL or column comment), `trigger`
    /// (of a relation petal does not compare), `policy` (likewise), `rule`,
    /// `unlogged sequence`, `invalid index`,
    /// `statistics object`, `collation`, `operator`, `operator class`,
    /// `operator family`, `base type`, `shell type`, `text search
    /// configuration`, `text search dictionary`, `conversion`, `event
    /// trigger`, `publication`, `foreign-data wrapper`, `foreign server`,
    /// `cast`, `language`, `access method`, `virtual generated column`,
    /// `view column default`, `comment on a domain check`, `column sequence
    /// options` (a serial or identity column's sequence with options other
    /// than the defaults), `comment on a column sequence`.
    pub kind: String,
    /// The object's SQL name, quoted where needed: `public.active_orders`,
    /// `public.orders.audit_trigger`, `public.total(integer, numeric)`.
    pub name: String,
    /// For a rule, such a policy, an event trigger, a table's publication
    /// or an inheritance child, what it uses that petal models (columns,
    /// of its own table too; other tables and views, a child's parents;
    /// functions; types): PostgreSQL refuses to drop, recreate or retype
    /// those under it.
    pub depends_on: Vec<ObjectKey>,
    /// The table a rule, such a policy or a publication is on (it goes
    /// with it); an inheritance child's is itself.
    pub on: Option<QualifiedName>,
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
    /// The catalogs' fingerprint in the read's snapshot, when asked for
    /// ([`IntrospectOptions::fingerprint`]): while
    /// [`fingerprint::catalog_fingerprint`] answers the same, a read now
    /// gives the same.
    pub fingerprint: Option<String>,
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
        Ok(version) => read_and_fingerprint(client, client, version, opts).await,
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
    let mut introspection = read_and_fingerprint(&first, &second, version, opts).await?;
    // Both transactions end with their connections, dropped here.
    introspection.queries += 2;
    Ok(introspection)
}

/// [`read_catalogs`], and the fingerprint when `opts` asks for it: on
/// `first`, in the read's transaction, so of its snapshot; pipelined
/// behind the catalog queries.
async fn read_and_fingerprint(
    first: &Client,
    second: &Client,
    version: i32,
    opts: &IntrospectOptions,
) -> Result<Introspection, PgError> {
    let fingerprint = async {
        match opts.fingerprint {
            true => fingerprint::read(first, version).await.map(Some),
            false => Ok(None),
        }
    };
    let (mut introspection, fingerprint) =
        futures_util::try_join!(read_catalogs(first, second, version, opts), fingerprint)?;
    introspection.fingerprint = fingerprint;
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
