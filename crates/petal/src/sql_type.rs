//! `SqlType`: the SQL type of a Rust field type, as the derive sees it.
//!
//! The scanner maps the same types by name (`petal_syntax::types`); the
//! tests in `tests/mapping.rs` check that both give the same spelling.

use crate::ir;

/// A Rust type with an SQL column type.
///
/// Implemented for the built-in mappings, for `Option<T>` (nullable) and
/// `Vec<T>` (`T[]`), and by `#[derive(DbEnum)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` maps to no SQL type",
    label = "petal has no SQL type for `{Self}`",
    note = "derive `petal::DbEnum` for it (in the model files), or give the field `#[petal(sql_type = \"...\")]`",
    note = "another crate's type maps through petal's feature named after that crate: `uuid` (Uuid), `rust_decimal` (Decimal), `chrono`, `time`, `serde_json` (Value); all but `time` are on unless `default-features = false`"
)]
pub trait SqlType {
    /// `Option<T>` is nullable; everything else is NOT NULL.
    const NULLABLE: bool = false;

    /// The type in `petal_ir::SqlType::canonical` spelling.
    fn sql_type() -> ir::SqlType;
}

/// A value stored as `jsonb`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Jsonb<T>(pub T);

/// A value stored as `jsonb` too: petal prefers `jsonb` over `json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Json<T>(pub T);

macro_rules! builtin {
    ($($ty:ty => $sql:literal),* $(,)?) => {
        $(impl SqlType for $ty {
            fn sql_type() -> ir::SqlType {
                ir::SqlType::canonical($sql)
            }
        })*
    };
}

builtin! {
    bool => "boolean",
    i16 => "smallint",
    i32 => "integer",
    i64 => "bigint",
    f32 => "real",
    f64 => "double precision",
    String => "text",
    &str => "text",
    Vec<u8> => "bytea",
    &[u8] => "bytea",
}

impl<T: SqlType> SqlType for Option<T> {
    const NULLABLE: bool = true;

    fn sql_type() -> ir::SqlType {
        T::sql_type()
    }
}

/// `Vec<T>` is `T[]` (PostgreSQL arrays are one type whatever their
/// dimensions, so `Vec<Vec<T>>` is `T[]` too).
impl<T: SqlType> SqlType for Vec<T> {
    fn sql_type() -> ir::SqlType {
        T::sql_type().array_of()
    }
}

impl<T> SqlType for Jsonb<T> {
    fn sql_type() -> ir::SqlType {
        ir::SqlType::canonical("jsonb")
    }
}

impl<T> SqlType for Json<T> {
    fn sql_type() -> ir::SqlType {
        ir::SqlType::canonical("jsonb")
    }
}

#[cfg(feature = "chrono")]
builtin! {
    chrono::NaiveDate => "date",
    chrono::NaiveTime => "time without time zone",
    chrono::NaiveDateTime => "timestamp without time zone",
    chrono::DateTime<chrono::Utc> => "timestamp with time zone",
    chrono::DateTime<chrono::FixedOffset> => "timestamp with time zone",
    chrono::DateTime<chrono::Local> => "timestamp with time zone",
}

#[cfg(feature = "time")]
builtin! {
    time::Date => "date",
    time::Time => "time without time zone",
    time::PrimitiveDateTime => "timestamp without time zone",
    time::OffsetDateTime => "timestamp with time zone",
}

#[cfg(feature = "rust_decimal")]
builtin! { rust_decimal::Decimal => "numeric" }

#[cfg(feature = "uuid")]
builtin! { uuid::Uuid => "uuid" }

#[cfg(feature = "serde_json")]
builtin! { serde_json::Value => "jsonb" }
