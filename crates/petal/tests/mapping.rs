//! The derive's `SqlType` impls and the scanner's name mapping give the
//! same SQL type for every built-in mapping.

use petal::SqlType;
use petal_syntax::types::{MappedKind, map_type};

macro_rules! agree {
    ($($ty:ty),* $(,)?) => {
        $({
            let mapped = map_type(&syn::parse_quote!($ty));
            let expected = match mapped.kind {
                MappedKind::Builtin(t) => t,
                other => panic!("{} maps to {other:?}", stringify!($ty)),
            };
            assert_eq!(<$ty as SqlType>::sql_type(), expected, "{}", stringify!($ty));
            assert_eq!(<$ty as SqlType>::NULLABLE, mapped.nullable, "{}", stringify!($ty));
        })*
    };
}

#[test]
fn std_types() {
    agree!(
        bool,
        i16,
        i32,
        i64,
        f32,
        f64,
        String,
        &'static str,
        Vec<u8>,
        Option<Vec<u8>>,
        Vec<String>,
        Vec<Vec<i64>>,
        Option<i32>,
        Option<Vec<bool>>,
        petal::Json<Vec<i32>>,
        petal::Jsonb<String>,
    );
}

#[cfg(feature = "chrono")]
#[test]
fn chrono_types() {
    agree!(
        chrono::NaiveDate,
        chrono::NaiveTime,
        chrono::NaiveDateTime,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::FixedOffset>,
        chrono::DateTime<chrono::Local>,
        Option<chrono::DateTime<chrono::Utc>>,
    );
}

#[cfg(feature = "time")]
#[test]
fn time_types() {
    agree!(
        time::Date,
        time::Time,
        time::PrimitiveDateTime,
        time::OffsetDateTime,
    );
}

#[cfg(feature = "serde_json")]
#[test]
fn json_value() {
    agree!(serde_json::Value, Option<serde_json::Value>);
}

#[cfg(feature = "rust_decimal")]
#[test]
fn decimal() {
    agree!(rust_decimal::Decimal);
}

#[cfg(feature = "uuid")]
#[test]
fn uuid() {
    agree!(uuid::Uuid, Vec<uuid::Uuid>);
}
