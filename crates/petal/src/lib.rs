//! What a petal model crate depends on.
//!
//! ```ignore
//! use petal::{DbEnum, Table};
//!
//! #[derive(DbEnum)]
//! pub enum OrderStatus { New, Paid }
//!
//! #[derive(Table)]
//! #[petal(table = "orders")]
//! pub struct Order {
//!     #[petal(primary_key)]
//!     pub id: i32,
//!     #[petal(default = "'new'")]
//!     pub status: OrderStatus,
//! }
//! ```
//!
//! - [`Table`] and [`DbEnum`] are both a derive and a trait (like serde's
//!   `Serialize`): the derive reads `#[petal(...)]`, the trait gives the
//!   model's IR.
//! - [`SqlType`] is how a field's Rust type reaches SQL in the derive.
//! - [`ir`] is `petal_ir`; [`sea_query`] is the sea-query the generated
//!   `Iden` enums implement, so the application and the models agree on one
//!   version.
//!
//! The `SqlType` impls of other crates' types come with cargo features
//! named after those crates: `chrono`, `serde_json`, `uuid` and
//! `rust_decimal` (on by default), and `time`. The attribute language itself is documented in
//! `petal_syntax`, the crate that parses it for both the derives and the
//! CLI's source scanner.

// Lets the derives' `::petal::...` paths resolve inside this crate's tests.
extern crate self as petal;

mod sql_type;
mod traits;

pub use petal_derive::{DbEnum, Table};
/// Migrations embedded in the binary, applied at startup; a database per
/// test (feature `migrate`).
#[cfg(feature = "migrate")]
pub use petal_derive::{migrate, test};
pub use petal_ir as ir;
#[cfg(feature = "migrate")]
pub use petal_runner as runner;
pub use sea_query;
pub use sql_type::{Json, Jsonb, SqlType};
pub use traits::{DbEnum, Table, database};

/// For the generated code only; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use std::borrow::Cow;
    pub use std::collections::BTreeMap;
    pub use std::option::Option;
    pub use std::string::String;
    pub use std::vec::Vec;
}
