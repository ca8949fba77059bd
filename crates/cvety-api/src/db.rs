//! The connection pool and the bridge from sea-query statements to
//! tokio-postgres.
//!
//! Two decisions shape every query in the API:
//! - Rows are read as JSON: a select is wrapped in
//!   `SELECT to_jsonb(r)::text FROM (...) r` and deserialized with serde, so
//!   PostgreSQL itself renders timestamps (RFC 3339), enums (their labels)
//!   and jsonb, and no per-column `FromSql` code can drift from the schema.
//! - Money is `double precision` in the first schema and `numeric` after the
//!   money migration. Reads cast to `float8` ([`money_col`]) and writes bind
//!   an `f64` cast to `float8` ([`money`]), which PostgreSQL assign-casts to
//!   `numeric` (rounding to the column's scale); the API works on either.
//!   Values that are not natively typed in sea-query (timestamps, jsonb,
//!   enum labels) are bound as `text` and cast in SQL ([`text_as`]), after
//!   the handler has validated them.

use std::time::Duration;

use futures_util::TryStreamExt;
use petal::sea_query::{
    Alias, Expr, ExprTrait, IntoIden, PostgresQueryBuilder, QueryStatementWriter, SelectStatement,
    Value, Values,
};
use petal_pg::{ConnConfig, PgError};
use serde::de::DeserializeOwned;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{GenericClient, Row};

use crate::error::ApiError;

/// A pool of connections made by `petal_pg::connect`, so the API honours
/// the same URLs, TLS modes and Unix sockets as the petal CLI.
pub type Pool = deadpool::managed::Pool<PgManager>;

pub struct PgManager {
    config: ConnConfig,
}

impl deadpool::managed::Manager for PgManager {
    type Type = tokio_postgres::Client;
    type Error = PgError;

    async fn create(&self) -> Result<tokio_postgres::Client, PgError> {
        petal_pg::connect(&self.config).await
    }

    async fn recycle(
        &self,
        client: &mut tokio_postgres::Client,
        _: &deadpool::managed::Metrics,
    ) -> deadpool::managed::RecycleResult<PgError> {
        // A closed connection (server restart, idle timeout) is replaced
        // instead of failing the next request that draws it.
        if client.is_closed() {
            return Err(deadpool::managed::RecycleError::message(
                "connection closed by the server",
            ));
        }
        Ok(())
    }
}

/// How long a request waits for a free connection before answering 503.
pub const POOL_WAIT: Duration = Duration::from_secs(10);

pub fn pool(config: ConnConfig, max_size: usize) -> Result<Pool, String> {
    Pool::builder(PgManager { config })
        .max_size(max_size)
        .wait_timeout(Some(POOL_WAIT))
        .create_timeout(Some(POOL_WAIT))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| format!("building the connection pool: {e}"))
}

/// An `f64` money value, bound as `float8` (see the module docs).
pub fn money(value: f64) -> Expr {
    Expr::val(value).cast_as("float8")
}

/// An optional money value; `NULL` stays `NULL`.
pub fn money_opt(value: Option<f64>) -> Expr {
    Expr::val(value).cast_as("float8")
}

/// A money column read as `float8` under its own name.
pub fn money_col<C: IntoIden + Copy>(select: &mut SelectStatement, column: C) {
    select.expr_as(Expr::col(column).cast_as("float8"), column);
}

/// A text parameter cast to `sql_type` in SQL. The inner `text` cast pins
/// the parameter's type, so tokio-postgres binds a `String` whatever the
/// target type is.
pub fn text_as(value: Option<String>, sql_type: &'static str) -> Expr {
    Expr::val(value).cast_as("text").cast_as(sql_type)
}

/// A JSON value bound as `jsonb`.
pub fn jsonb(value: Option<&serde_json::Value>) -> Expr {
    text_as(value.map(serde_json::Value::to_string), "jsonb")
}

/// A timestamp bound as `timestamptz`.
pub fn timestamp(value: Option<chrono::DateTime<chrono::Utc>>) -> Expr {
    text_as(value.map(|t| t.to_rfc3339()), "timestamptz")
}

/// A value of one of the schema's enum types, bound as its label.
pub fn enum_value<E: petal::DbEnum>(value: &E) -> Expr {
    text_as(Some(value.as_label().to_string()), E::NAME)
}

/// A column alias.
pub fn alias(name: &str) -> Alias {
    Alias::new(name)
}

/// A bound parameter and the type PostgreSQL is told it has.
pub type Param = (Box<dyn ToSql + Sync + Send>, Type);

/// sea-query's values as typed tokio-postgres parameters. Giving the types
/// lets each statement run in one round trip (`query_typed`: no separate
/// prepare); every value the API binds is a plain scalar whose SQL type
/// follows from its Rust type, and casts in SQL ([`text_as`], [`money`])
/// do the rest. Only the variants the API produces are supported; anything
/// else is a programming error, reported as such.
pub fn params(values: Values) -> Result<Vec<Param>, ApiError> {
    values
        .0
        .into_iter()
        .map(|value| -> Result<Param, ApiError> {
            Ok(match value {
                Value::Bool(v) => (Box::new(v), Type::BOOL),
                Value::TinyInt(v) => (Box::new(v.map(i16::from)), Type::INT2),
                Value::TinyUnsigned(v) => (Box::new(v.map(i16::from)), Type::INT2),
                Value::SmallInt(v) => (Box::new(v), Type::INT2),
                Value::SmallUnsigned(v) => (Box::new(v.map(i32::from)), Type::INT4),
                Value::Int(v) => (Box::new(v), Type::INT4),
                Value::Unsigned(v) => (Box::new(v.map(i64::from)), Type::INT8),
                Value::BigInt(v) => (Box::new(v), Type::INT8),
                // LIMIT and OFFSET: `Page` keeps them within i64.
                Value::BigUnsigned(v) => (
                    Box::new(
                        v.map(i64::try_from)
                            .transpose()
                            .map_err(|_| ApiError::internal("unsigned value beyond bigint"))?,
                    ),
                    Type::INT8,
                ),
                Value::Float(v) => (Box::new(v), Type::FLOAT4),
                Value::Double(v) => (Box::new(v), Type::FLOAT8),
                Value::String(v) => (Box::new(v), Type::TEXT),
                Value::Char(v) => (Box::new(v.map(String::from)), Type::TEXT),
                Value::Bytes(v) => (Box::new(v), Type::BYTEA),
                other => {
                    return Err(ApiError::internal(format!(
                        "no tokio-postgres binding for sea-query value {other:?}"
                    )));
                }
            })
        })
        .collect()
}

/// Runs `work` in a transaction on a connection of `pool` and commits it;
/// an error rolls it back (the transaction is dropped uncommitted).
pub async fn in_transaction<T>(
    pool: &Pool,
    work: impl AsyncFnOnce(&tokio_postgres::Transaction<'_>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let out = work(&tx).await?;
    tx.commit().await?;
    Ok(out)
}

/// Runs `sql` in one round trip; gives its rows and the count of rows it
/// touched.
async fn run<C: GenericClient>(
    client: &C,
    sql: &str,
    values: Values,
) -> Result<(Vec<Row>, u64), ApiError> {
    let params = params(values)?;
    let typed = params
        .iter()
        .map(|(value, ty)| (value.as_ref() as &(dyn ToSql + Sync), ty.clone()));
    let stream = client.query_typed_raw(sql, typed).await?;
    let mut stream = std::pin::pin!(stream);
    let mut rows = Vec::new();
    while let Some(row) = stream.as_mut().try_next().await? {
        rows.push(row);
    }
    let affected = stream.rows_affected().unwrap_or(rows.len() as u64);
    Ok((rows, affected))
}

/// Runs a statement that returns no rows the caller needs; returns the
/// number of rows it touched.
pub async fn execute<C: GenericClient>(
    client: &C,
    statement: &impl QueryStatementWriter,
) -> Result<u64, ApiError> {
    let (sql, values) = statement.build(PostgresQueryBuilder);
    Ok(run(client, &sql, values).await?.1)
}

/// Runs an `INSERT/UPDATE ... RETURNING id` and gives the ids.
pub async fn returning_ids<C: GenericClient>(
    client: &C,
    statement: &impl QueryStatementWriter,
) -> Result<Vec<i32>, ApiError> {
    let (sql, values) = statement.build(PostgresQueryBuilder);
    let (rows, _) = run(client, &sql, values).await?;
    rows.iter()
        .map(|row| row.try_get::<_, i32>(0).map_err(ApiError::from))
        .collect()
}

/// The id an `INSERT ... RETURNING id` gave.
pub fn first_id(ids: Vec<i32>) -> Result<i32, ApiError> {
    ids.into_iter()
        .next()
        .ok_or_else(|| ApiError::internal("INSERT ... RETURNING gave no row"))
}

/// Every row of `select`, deserialized from its JSON form.
pub async fn fetch_all<T: DeserializeOwned, C: GenericClient>(
    client: &C,
    select: &SelectStatement,
) -> Result<Vec<T>, ApiError> {
    let (sql, values) = select.build(PostgresQueryBuilder);
    let wrapped = format!("SELECT to_jsonb(r)::text FROM ({sql}) r");
    let (rows, _) = run(client, &wrapped, values).await?;
    rows.iter()
        .map(|row| {
            let text: &str = row.try_get(0)?;
            serde_json::from_str::<T>(text).map_err(|e| {
                ApiError::internal(format!("row does not match its response type: {e}: {text}"))
            })
        })
        .collect()
}

/// The first row of `select`, if any.
pub async fn fetch_optional<T: DeserializeOwned, C: GenericClient>(
    client: &C,
    select: &SelectStatement,
) -> Result<Option<T>, ApiError> {
    let mut limited = select.clone();
    limited.limit(1);
    Ok(fetch_all(client, &limited).await?.into_iter().next())
}

/// `SELECT count(*)` of `select` (without its limit and offset).
pub async fn count<C: GenericClient>(
    client: &C,
    select: &SelectStatement,
) -> Result<i64, ApiError> {
    let (sql, values) = select.build(PostgresQueryBuilder);
    let wrapped = format!("SELECT count(*) FROM ({sql}) r");
    let (rows, _) = run(client, &wrapped, values).await?;
    match rows.first() {
        Some(row) => Ok(row.try_get(0)?),
        None => Err(ApiError::internal("count(*) gave no row")),
    }
}

/// Escapes `%`, `_` and `\` so user text matches literally inside `ILIKE`.
pub fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn params_refuse_unsupported_values() {
        assert!(params(Values(vec![Value::BigUnsigned(Some(u64::MAX))])).is_err());
        assert!(params(Values(vec![Value::BigUnsigned(Some(5))])).is_ok());
        assert_eq!(
            params(Values(vec![Value::Int(Some(1)), Value::String(None)]))
                .map(|p| p.len())
                .ok(),
            Some(2)
        );
    }
}
