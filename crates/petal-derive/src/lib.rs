//! `#[derive(Table)]` and `#[derive(DbEnum)]`: a thin shim over
//! `petal-syntax`, which parses, validates and lowers the model exactly as
//! the source scanner does; this crate only turns the result into code.
//!
//! Use them through the `petal` crate, which re-exports them with the traits
//! they implement.

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

mod db_enum;
mod embed;
mod ir_tokens;
mod table;

/// Derives `petal::Table` for a struct of named fields, and generates its
/// sea-query identifiers.
///
/// ```ignore
/// #[derive(petal::Table)]
/// #[petal(table = "orders", index(columns(customer_phone)))]
/// pub struct Order {
///     #[petal(primary_key)]
///     pub id: i32,
///     #[petal(references = "customers.id", on_delete = "set null")]
///     pub customer_id: Option<i32>,
///     pub customer_phone: String,
/// }
/// ```
///
/// The attribute language (`table`, `schema`, `primary_key(...)`,
/// `index(...)`, `unique(...)`, `check(...)`, `exclude(...)`,
/// `foreign_key(...)`, `comment`, `renamed_from` on the struct; `primary_key`, `default`, `sql_type`, `references`,
/// `on_delete`, `on_update`, `deferrable`, `initially_deferred`,
/// `not_valid`, `unique`, `index`, `collation`, `renamed_from`, `comment`,
/// `skip`, `identity`, `column`, `generated`, `sequence` on fields) is
/// documented in `petal-syntax`.
///
/// # Generated identifiers
///
/// Besides the `petal::Table` impl, the derive generates an enum named
/// `<Struct>Iden` (`OrderIden`), with the visibility of the struct,
/// implementing `petal::sea_query::Iden`:
///
/// - `OrderIden::Table` is the table name;
/// - one variant per column, named by the UpperCamelCase of the SQL column
///   name (`customer_phone` → `OrderIden::CustomerPhone`);
/// - a column literally named `table` (whose variant would collide with
///   `Table`) gets the variant `TableColumn`; a column name that does not
///   make an identifier (`2fa` → `2fa`) is prefixed with `Column`
///   (`Column2fa`).
///
/// Field types reach SQL through `petal::SqlType` unless the field has
/// `sql_type = "..."`; a type without it fails to compile with a message
/// saying to derive `DbEnum` or add `sql_type`.
#[proc_macro_derive(Table, attributes(petal))]
pub fn derive_table(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    table::expand(&input).into()
}

/// Derives `petal::DbEnum` and `petal::SqlType` for an enum of unit
/// variants: a PostgreSQL enum type.
///
/// `#[petal(name = "...", schema = "...", renamed_from = "...", comment =
/// "...")]` on the enum (the name defaults to the snake_case of the type
/// name), `#[petal(rename = "...", renamed_from = "...")]` on a variant (the
/// label defaults to the snake_case of the variant name).
#[proc_macro_derive(DbEnum, attributes(petal))]
pub fn derive_db_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    db_enum::expand(&input).into()
}

/// Embeds a migrations directory in the binary at compile time:
/// `petal::migrate!("migrations")`, the directory relative to the crate's
/// `Cargo.toml` (`migrations` when none is named). Every file is parsed and
/// the history built as the build runs, so a malformed file fails the
/// build. Evaluates to a `petal::runner::EmbeddedMigrations`, whose
/// `upgrade(url)` applies them with `petal upgrade`'s runner.
///
/// A new file in the directory is seen by a build only when something else
/// changed; a `build.rs` printing `cargo:rerun-if-changed=migrations` makes
/// cargo watch the directory.
#[proc_macro]
pub fn migrate(input: TokenStream) -> TokenStream {
    let args = parse_macro_input!(input as embed::MigrateArgs);
    embed::expand_migrate(&args).into()
}

/// Runs an async test on a database of its own, migrated to head with the
/// embedded migrations (`#[petal::test(migrations = "dir")]`, `migrations`
/// by default) and dropped afterwards:
///
/// ```ignore
/// #[petal::test(migrations = "../migrations")]
/// async fn creates_an_order(db: petal::runner::TestDatabase) {
///     let client = db.connect().await.unwrap();
///     // ...
/// }
/// ```
///
/// The server: `PETAL_TEST_DATABASE_URL`, else `DATABASE_URL`, else the
/// embedded cluster of the petal project the crate is in.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = parse_macro_input!(args as embed::TestArgs);
    let function = parse_macro_input!(item as syn::ItemFn);
    embed::expand_test(&args, &function).into()
}
