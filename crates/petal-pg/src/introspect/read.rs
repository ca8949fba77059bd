//! The catalog queries: their text for a server version, and their
//! pipelined run over one or two connections.

use petal_ir::{MIGRATIONS_TABLE, STEPS_TABLE, quote_literal};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Row};

use super::merge::{ObjectRows, Parts};
use super::{IntrospectOptions, Introspection, Objects, assemble, dependencies, keys, merge};
use super::{
    collations, composite_types, domains, extensions, functions, policies, privileges, range_types,
    sequences, triggers, views,
};
use crate::error::PgError;

const SCOPE: &str = include_str!("../../sql/scope.sql");
const SCHEMAS: &str = include_str!("../../sql/schemas.sql");
const ENUMS: &str = include_str!("../../sql/enums.sql");
const TABLES: &str = include_str!("../../sql/tables.sql");
const COLUMNS: &str = include_str!("../../sql/columns.sql");
const CONSTRAINTS: &str = include_str!("../../sql/constraints.sql");
const INDEXES: &str = include_str!("../../sql/indexes.sql");
const NOT_COMPARED: &str = include_str!("../../sql/not_compared.sql");
const EXTENSIONS: &str = include_str!("../../sql/extensions.sql");
const SEQUENCES: &str = include_str!("../../sql/sequences.sql");
const VIEWS: &str = include_str!("../../sql/views.sql");
const FUNCTIONS: &str = include_str!("../../sql/functions.sql");
const TRIGGERS: &str = include_str!("../../sql/triggers.sql");
const POLICIES: &str = include_str!("../../sql/policies.sql");
const DOMAINS: &str = include_str!("../../sql/domains.sql");
const COMPOSITE_TYPES: &str = include_str!("../../sql/composite_types.sql");
const RANGE_TYPES: &str = include_str!("../../sql/range_types.sql");
const COLLATIONS: &str = include_str!("../../sql/collations.sql");
const DEPENDENCIES: &str = include_str!("../../sql/dependencies.sql");
const PRIVILEGES: &str = include_str!("../../sql/privileges.sql");

/// Statements of a read of tables only, and of a whole read (the opening
/// and closing round trips aside): the same for any number of objects. A
/// near read skips the not-compared list.
const TABLE_QUERIES: u32 = 7;
const OBJECT_QUERIES: u32 = 11;

/// The statements a read sends, the opening and closing round trips aside.
fn query_count(opts: &IntrospectOptions) -> u32 {
    let privileges = u32::from(opts.privileges);
    let fingerprint = u32::from(opts.fingerprint);
    fingerprint
        + match opts.objects {
            Objects::All => TABLE_QUERIES + OBJECT_QUERIES + privileges,
            Objects::None => TABLE_QUERIES,
            Objects::NearTables => TABLE_QUERIES - 1 + OBJECT_QUERIES + privileges,
        }
}

/// Both parameters: $1 the schemas, $2 the tables (see scope.sql).
type Params<'a> = [(&'a (dyn ToSql + Sync), Type); 2];

/// Runs the catalog queries over `first` and `second` (which may be the
/// same client), each connection's share pipelined, and assembles the IR.
pub(super) async fn read_catalogs(
    first: &Client,
    second: &Client,
    version: i32,
    opts: &IntrospectOptions,
) -> Result<Introspection, PgError> {
    let sql = Queries::for_version(version, opts.objects);
    let schemas: Option<Vec<String>> = opts.schemas.as_ref().map(|s| s.iter().cloned().collect());
    // The unit separator cannot appear in an identifier petal writes.
    let tables: Option<Vec<String>> = opts.tables.as_ref().map(|t| {
        t.iter()
            .map(|n| format!("{}\u{1f}{}", n.schema, n.name))
            .collect()
    });
    let param: Params = [(&schemas, Type::TEXT_ARRAY), (&tables, Type::TEXT_ARRAY)];
    // Independent queries, polled together: tokio-postgres pipelines them,
    // in the order they are first polled. Each query's rows are mapped as
    // soon as they arrive, while the server works on the next query.
    let q = |client, text, what| run(client, &sql, text, &param, what);
    // The split (`just bench-introspect`, per-connection server time): the
    // queries that open every table (pg_get_expr of checks and partial
    // indexes, pg_get_viewdef) share one connection, which builds each
    // table's relation cache entry once; the rest go on the other.
    let tables = async {
        futures_util::try_join!(
            async { assemble::schemas(q(first, SCHEMAS, "schemas").await?) },
            async { assemble::enums(q(first, ENUMS, "enum types").await?) },
            async { assemble::tables(q(first, TABLES, "tables").await?) },
            async { assemble::columns(q(first, COLUMNS, "columns").await?) },
            async { keys::constraints(q(second, CONSTRAINTS, "constraints").await?) },
            async { keys::indexes(q(second, INDEXES, "indexes").await?) },
            async {
                if opts.objects == Objects::NearTables {
                    return Ok(Vec::new());
                }
                assemble::not_compared(q(second, NOT_COMPARED, "objects not compared").await?)
            },
        )
    };
    let objects = async {
        if opts.objects == Objects::None {
            return Ok(None);
        }
        let (
            extensions,
            sequences,
            views,
            functions,
            triggers,
            policies,
            domains,
            composites,
            ranges,
            collations,
            edges,
            acls,
        ) = futures_util::try_join!(
            async { extensions::extensions(q(first, EXTENSIONS, "extensions").await?) },
            // A near read's dependencies weigh most on the first
            // connection: its sequences go on the second.
            async {
                let on = if opts.objects == Objects::NearTables {
                    second
                } else {
                    first
                };
                sequences::sequences(q(on, SEQUENCES, "sequences").await?)
            },
            async { views::views(q(second, VIEWS, "views").await?) },
            async { functions::functions(q(second, FUNCTIONS, "functions").await?) },
            async { triggers::triggers(q(second, TRIGGERS, "triggers").await?) },
            // pg_get_expr opens the table, as checks do: on the second.
            async { policies::policies(q(second, POLICIES, "policies").await?) },
            async { domains::domains(q(first, DOMAINS, "domains").await?) },
            async {
                composite_types::composite_types(
                    q(first, COMPOSITE_TYPES, "composite types").await?,
                )
            },
            async { range_types::range_types(q(first, RANGE_TYPES, "range types").await?) },
            async { collations::collations(q(first, COLLATIONS, "collations").await?) },
            async { dependencies::raw_edges(q(first, DEPENDENCIES, "dependencies").await?) },
            async {
                if !opts.privileges {
                    return Ok(None);
                }
                privileges::acls(q(first, PRIVILEGES, "privileges").await?).map(Some)
            },
        )?;
        Ok(Some(ObjectRows {
            extensions,
            sequences,
            views,
            functions,
            triggers,
            policies,
            domains,
            composites,
            ranges,
            collations,
            edges,
            acls,
        }))
    };
    let ((schemas, enums, tables, columns, constraints, indexes, not_compared), objects) =
        futures_util::try_join!(tables, objects)?;
    let (mut database, not_compared) = merge::merge(Parts {
        schemas,
        enums,
        tables,
        columns,
        constraints,
        indexes,
        not_compared,
        objects,
    })?;
    database.normalize();
    Ok(Introspection {
        database,
        not_compared,
        server_version_num: version,
        queries: query_count(opts),
        fingerprint: None,
    })
}

async fn run(
    client: &Client,
    sql: &Queries,
    query: &str,
    param: &Params<'_>,
    what: &str,
) -> Result<Vec<Row>, PgError> {
    client
        .query_typed(&sql.text(query), param)
        .await
        .map_err(|e| PgError::query(format!("reading {what} from the catalogs"), e))
}

/// The catalog queries with the version-dependent parts filled in.
struct Queries {
    scope: String,
    fragments: [(&'static str, &'static str); 7],
}

impl Queries {
    fn for_version(version: i32, objects: Objects) -> Self {
        let nnd = version >= 150000;
        Queries {
            scope: SCOPE
                .replace("{{migrations_table}}", &quote_literal(MIGRATIONS_TABLE))
                .replace("{{steps_table}}", &quote_literal(STEPS_TABLE)),
            fragments: [
                // NULLS NOT DISTINCT: PostgreSQL 15.
                (
                    "{{unique_nulls_not_distinct}}",
                    if nnd {
                        "COALESCE(ci.indnullsnotdistinct, false)"
                    } else {
                        "false"
                    },
                ),
                (
                    "{{index_nulls_not_distinct}}",
                    if nnd {
                        "i.indnullsnotdistinct"
                    } else {
                        "false"
                    },
                ),
                // Multiranges: PostgreSQL 14.
                (
                    "{{multirange}}",
                    if version >= 140000 {
                        "rng.rngmultitypid"
                    } else {
                        "0::oid"
                    },
                ),
                // Where a collation's locale is kept.
                (
                    "{{collation_locale}}",
                    match version {
                        ..150000 => "co.collcollate::text",
                        150000..170000 => "co.colliculocale",
                        _ => "co.colllocale",
                    },
                ),
                // ICU tailoring rules: PostgreSQL 16.
                (
                    "{{collation_rules}}",
                    if version >= 160000 {
                        "co.collicurules"
                    } else {
                        "NULL::text"
                    },
                ),
                // Materialized views' indexes, read with the tables'.
                (
                    "{{matviews}}",
                    if objects == Objects::None {
                        "false"
                    } else {
                        "true"
                    },
                ),
                // A near read (see scope.sql).
                (
                    "{{near}}",
                    if objects == Objects::NearTables {
                        "true"
                    } else {
                        "false"
                    },
                ),
            ],
        }
    }

    fn text(&self, query: &str) -> String {
        let mut text = format!("{}{}", self.scope, query);
        for (fragment, value) in self.fragments {
            text = text.replace(fragment, value);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fragment_is_filled_on_every_version() {
        let all = [
            SCHEMAS,
            ENUMS,
            TABLES,
            COLUMNS,
            CONSTRAINTS,
            INDEXES,
            NOT_COMPARED,
            EXTENSIONS,
            SEQUENCES,
            VIEWS,
            FUNCTIONS,
            TRIGGERS,
            POLICIES,
            DOMAINS,
            COMPOSITE_TYPES,
            RANGE_TYPES,
            COLLATIONS,
            DEPENDENCIES,
        ];
        for version in [130000, 140000, 150000, 160000, 170000, 180000] {
            let sql = Queries::for_version(version, Objects::All);
            for query in all {
                let text = sql.text(query);
                assert!(
                    !text.contains("{{"),
                    "unfilled fragment on {version}:\n{text}"
                );
            }
        }
        assert_eq!(all.len() as u32, TABLE_QUERIES + OBJECT_QUERIES);
    }
}
