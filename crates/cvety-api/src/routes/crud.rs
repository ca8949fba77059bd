//! The statement shapes every resource repeats, so a route module says only
//! what is its own: which columns, filters and fields.
//!
//! - [`fetch_page`]: a filtered list, one page of it and its total count.
//! - [`fetch_one_or_404`]: the row with an id, or a 404 naming the resource;
//!   [`fetch_inserted`]: the row just inserted; [`fetch_by_id`]: either.
//! - [`exists`]: whether a referenced row is there (for field errors).
//! - [`insert_returning_id`], [`insert_rows`]: one row, or many at once.
//! - [`update_or_404`]: an `UPDATE` by id that touched nothing is a 404.
//! - [`filter_eq`], [`set_present`]: the filters a query has, the fields a
//!   partial update's body has.
//! - [`select_columns`]: a `SELECT` of plain and money columns.

use petal::sea_query::{
    Expr, ExprTrait, IntoColumnRef, IntoIden, Order, Query, SelectStatement, TableName,
    UpdateStatement,
};
use serde::de::DeserializeOwned;
use tokio_postgres::GenericClient;

use super::{Page, Paged};
use crate::db::{self, money_col};
use crate::error::ApiError;

/// `SELECT columns, money columns (as float8) FROM table`. Every table is
/// named with its schema (`<Model>Iden::table_ref()`), whatever the
/// connection's `search_path`.
pub fn select_columns<I: IntoIden + Copy>(
    table: TableName,
    columns: &[I],
    money: &[I],
) -> SelectStatement {
    let mut select = Query::select();
    select.from(table).columns(columns.iter().copied());
    for &column in money {
        money_col(&mut select, column);
    }
    select
}

/// The page of `select` that `page` asks for, in `order`, with the count of
/// every row `select` matches. Both statements are sent together on the
/// one connection: pipelined, one round trip.
pub async fn fetch_page<T, C, O>(
    client: &C,
    mut select: SelectStatement,
    order: impl IntoIterator<Item = (O, Order)>,
    page: Page,
) -> Result<Paged<T>, ApiError>
where
    T: DeserializeOwned,
    C: GenericClient,
    O: IntoColumnRef,
{
    let counted = select.clone();
    for (column, direction) in order {
        select.order_by(column, direction);
    }
    let (limit, offset) = page.apply(&mut select)?;
    let (total, items) =
        tokio::try_join!(db::count(client, &counted), db::fetch_all(client, &select))?;
    Ok(Paged {
        items,
        total,
        limit,
        offset,
    })
}

/// The row of `select` whose `id_column` is `id`, or a 404 about
/// `resource` `id`.
pub async fn fetch_one_or_404<T, C, I>(
    client: &C,
    select: SelectStatement,
    id_column: I,
    id: i32,
    resource: &'static str,
) -> Result<T, ApiError>
where
    T: DeserializeOwned,
    C: GenericClient,
    I: IntoColumnRef,
{
    fetch_by_id(client, select, id_column, id)
        .await?
        .ok_or(ApiError::not_found(resource, id))
}

/// The row of `select` just inserted with `id`; its absence is a bug (500),
/// not the client's 404.
pub async fn fetch_inserted<T, C, I>(
    client: &C,
    select: SelectStatement,
    id_column: I,
    id: i32,
    what: &str,
) -> Result<T, ApiError>
where
    T: DeserializeOwned,
    C: GenericClient,
    I: IntoColumnRef,
{
    fetch_by_id(client, select, id_column, id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("inserted {what} vanished")))
}

/// The row of `select` whose `id_column` is `id`, if there is one.
pub async fn fetch_by_id<T, C, I>(
    client: &C,
    mut select: SelectStatement,
    id_column: I,
    id: i32,
) -> Result<Option<T>, ApiError>
where
    T: DeserializeOwned,
    C: GenericClient,
    I: IntoColumnRef,
{
    select.and_where(Expr::col(id_column).eq(id));
    db::fetch_optional(client, &select).await
}

/// Whether `table` has a row whose `id_column` is `id`.
pub async fn exists<C, I>(
    client: &C,
    table: TableName,
    id_column: I,
    id: i32,
) -> Result<bool, ApiError>
where
    C: GenericClient,
    I: IntoIden + Copy + 'static,
{
    let mut select = Query::select();
    select
        .from(table)
        .column(id_column)
        .and_where(Expr::col(id_column).eq(id));
    Ok(db::fetch_optional::<serde_json::Value, _>(client, &select)
        .await?
        .is_some())
}

/// Inserts one row of `table`, each field a column and its value; gives the
/// new row's `id_column`.
pub async fn insert_returning_id<C, I>(
    client: &C,
    table: TableName,
    fields: impl IntoIterator<Item = (I, Expr)>,
    id_column: I,
) -> Result<i32, ApiError>
where
    C: GenericClient,
    I: IntoIden + IntoColumnRef,
{
    let (columns, values): (Vec<I>, Vec<Expr>) = fields.into_iter().unzip();
    let mut insert = Query::insert();
    insert
        .into_table(table)
        .columns(columns)
        .values(values)
        .map_err(|e| ApiError::internal(e.to_string()))?
        .returning_col(id_column);
    db::first_id(db::returning_ids(client, &insert).await?)
}

/// Inserts `rows` into `columns` of `table` in one statement; no rows, no
/// statement.
pub async fn insert_rows<C, I, R>(
    client: &C,
    table: TableName,
    columns: impl IntoIterator<Item = I>,
    rows: impl IntoIterator<Item = R>,
) -> Result<(), ApiError>
where
    C: GenericClient,
    I: IntoIden,
    R: IntoIterator<Item = Expr>,
{
    let mut insert = Query::insert();
    insert.into_table(table).columns(columns);
    let mut any = false;
    for row in rows {
        insert
            .values(row)
            .map_err(|e| ApiError::internal(e.to_string()))?;
        any = true;
    }
    if any {
        db::execute(client, &insert).await?;
    }
    Ok(())
}

/// Runs `update` (already restricted to one id); touching no row means
/// there is no `resource` `id`: a 404.
pub async fn update_or_404<C: GenericClient>(
    client: &C,
    update: &UpdateStatement,
    id: i32,
    resource: &'static str,
) -> Result<(), ApiError> {
    if db::execute(client, update).await? == 0 {
        return Err(ApiError::not_found(resource, id));
    }
    Ok(())
}

/// Narrows `select` to the rows whose column equals each filter value
/// that is present (a list's query parameters).
pub fn filter_eq<I: IntoColumnRef>(
    select: &mut SelectStatement,
    filters: impl IntoIterator<Item = (I, Option<Expr>)>,
) {
    for (column, value) in filters {
        if let Some(value) = value {
            select.and_where(Expr::col(column).eq(value));
        }
    }
}

/// Sets each column whose value is present (a PATCH body's given fields);
/// gives how many were.
pub fn set_present<I: IntoIden>(
    update: &mut UpdateStatement,
    fields: impl IntoIterator<Item = (I, Option<Expr>)>,
) -> usize {
    let mut set = 0;
    for (column, value) in fields {
        if let Some(value) = value {
            update.value(column, value);
            set += 1;
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use cvety_schema::user::UserIden as U;
    use petal::sea_query::{Expr, PostgresQueryBuilder, Query};

    #[test]
    fn set_present_skips_absent_fields() {
        let mut update = Query::update();
        update.table(U::table_ref());
        let set = super::set_present(
            &mut update,
            [
                (U::Name, Some(Expr::val("Aigerim"))),
                (U::Role, None),
                (U::IsActive, Some(Expr::val(false))),
            ],
        );
        assert_eq!(set, 2);
        let sql = update.to_string(PostgresQueryBuilder);
        assert!(sql.contains(r#""name" = 'Aigerim'"#), "{sql}");
        assert!(!sql.contains(r#""role""#), "{sql}");
    }

    #[test]
    fn money_columns_are_read_as_float8() {
        let sql = super::select_columns(U::table_ref(), &[U::Id], &[U::Name])
            .to_string(PostgresQueryBuilder);
        assert!(sql.contains(r#"CAST("name" AS float8) AS "name""#), "{sql}");
    }
}
