//! What is in a database, read straight from the catalogs: the tests judge
//! petal by the database it leaves, not by what it says it did.

use tokio_postgres::Client;

/// Schemas other than PostgreSQL's own, sorted.
pub async fn schemas(client: &Client) -> Vec<String> {
    strings(
        client,
        "SELECT nspname::text FROM pg_namespace \
         WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1",
    )
    .await
}

/// Tables as `schema.name`, sorted.
pub async fn tables(client: &Client) -> Vec<String> {
    strings(
        client,
        "SELECT n.nspname || '.' || c.relname FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p') \
         AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY 1",
    )
    .await
}

/// Enum types as `schema.name`, sorted.
pub async fn enum_types(client: &Client) -> Vec<String> {
    strings(
        client,
        "SELECT n.nspname || '.' || t.typname FROM pg_type t \
         JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' ORDER BY 1",
    )
    .await
}

/// The labels of an enum type (`schema.name`), in their order.
pub async fn enum_labels(client: &Client, qualified: &str) -> Vec<String> {
    let rows = client
        .query(
            "SELECT e.enumlabel::text FROM pg_enum e \
             WHERE e.enumtypid = $1::text::regtype ORDER BY e.enumsortorder",
            &[&qualified],
        )
        .await
        .unwrap_or_else(|e| panic!("reading the labels of {qualified}: {e}"));
    rows.iter().map(|r| r.get(0)).collect()
}

/// The grants on a relation (`"relation", "public.v"`) or a routine
/// (`"routine", "public.f(integer)"`) to others than its owner, as
/// `grantee privilege grantable` sorted (`PUBLIC` for everyone); `None`
/// while its ACL is the default (NULL).
pub async fn grants(client: &Client, kind: &str, object: &str) -> Option<Vec<String>> {
    let (acl, owner, catalog) = match kind {
        "relation" => (
            "relacl",
            "relowner",
            "pg_class WHERE oid = $1::text::regclass",
        ),
        _ => (
            "proacl",
            "proowner",
            "pg_proc WHERE oid = $1::text::regprocedure",
        ),
    };
    let sql = format!(
        "SELECT CASE WHEN {acl} IS NOT NULL THEN ARRAY(
                SELECT DISTINCT CASE WHEN e.grantee = 0 THEN 'PUBLIC'
                                     ELSE pg_get_userbyid(e.grantee)::text END
                       || ' ' || e.privilege_type || ' ' || e.is_grantable
                FROM aclexplode({acl}) AS e WHERE e.grantee <> {owner} ORDER BY 1) END
         FROM {catalog}"
    );
    client
        .query_one(&sql, &[&object])
        .await
        .unwrap_or_else(|e| panic!("reading the grants on {object}: {e}"))
        .get(0)
}

/// Creates a role if no test made it yet (roles belong to the cluster,
/// which the tests share).
pub async fn ensure_role(client: &Client, role: &str) {
    petal_testkit::ensure_role(client, role).await;
}

/// Drops `role` from the test server's cluster where an earlier run left
/// it (the cluster outlives test runs), so that this run finds it absent.
pub async fn drop_role(client: &Client, role: &str) {
    let sql = format!("DROP ROLE IF EXISTS {}", petal_ir::quote_ident(role));
    if let Err(e) = client.batch_execute(&sql).await {
        panic!("dropping role {role}, left by an earlier run: {e:?}");
    }
}

/// Columns of a table (`schema.name`), in their order.
pub async fn columns(client: &Client, table: &str) -> Vec<String> {
    let rows = client
        .query(
            "SELECT attname::text FROM pg_attribute \
             WHERE attrelid = $1::text::regclass AND attnum > 0 AND NOT attisdropped \
             ORDER BY attnum",
            &[&table],
        )
        .await
        .unwrap_or_else(|e| panic!("reading the columns of {table}: {e}"));
    rows.iter().map(|r| r.get(0)).collect()
}

/// A column's default as PostgreSQL prints it, `None` without one.
pub async fn column_default(client: &Client, table: &str, column: &str) -> Option<String> {
    let row = client
        .query_one(
            "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE a.attrelid = $1::text::regclass AND a.attname = $2",
            &[&table, &column],
        )
        .await
        .unwrap_or_else(|e| panic!("reading the default of {table}.{column}: {e}"));
    row.get(0)
}

/// One row of `petal_migrations`, without the times (which differ between
/// any two runs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    pub revision: String,
    pub parents: String,
    pub checksum: String,
    pub message: String,
    pub applied_order: i64,
}

/// `petal_migrations` in the order it was applied; empty when the table is
/// missing.
pub async fn log(client: &Client) -> Vec<LogRow> {
    if !log_exists(client).await {
        return Vec::new();
    }
    let rows = client
        .query(
            "SELECT revision, parents, checksum, message, applied_order \
             FROM public.petal_migrations ORDER BY applied_order",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("reading petal_migrations: {e}"));
    rows.iter()
        .map(|r| LogRow {
            revision: r.get(0),
            parents: r.get(1),
            checksum: r.get(2),
            message: r.get(3),
            applied_order: r.get(4),
        })
        .collect()
}

/// The revisions of the log, in the order they were applied.
pub async fn logged_revisions(client: &Client) -> Vec<String> {
    log(client).await.into_iter().map(|r| r.revision).collect()
}

/// `petal_migrations` with every column, times included, as text: for
/// "exactly as before" comparisons.
pub async fn log_verbatim(client: &Client) -> Vec<String> {
    if !log_exists(client).await {
        return Vec::new();
    }
    strings(
        client,
        "SELECT row_to_json(m)::text FROM public.petal_migrations m ORDER BY applied_order",
    )
    .await
}

pub async fn log_exists(client: &Client) -> bool {
    let row = client
        .query_one(
            "SELECT to_regclass('public.petal_migrations') IS NOT NULL",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("looking for petal_migrations: {e}"));
    row.get(0)
}

async fn strings(client: &Client, sql: &str) -> Vec<String> {
    let rows = client
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter().map(|r| r.get(0)).collect()
}
