//! The Rust type → SQL type mapping, by name, as the scanner sees types (it
//! never compiles them). The derive goes through `petal::SqlType` instead;
//! both must agree, which `crates/petal`'s tests check for every mapping.

use petal_ir::SqlType;
use syn::{GenericArgument, PathArguments, Type};

/// What a field's Rust type says about its column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedType {
    /// The type is written `Option<...>`.
    pub nullable: bool,
    pub kind: MappedKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappedKind {
    /// A built-in mapping (`i32` → `integer`).
    Builtin(SqlType),
    /// A type named by its last path segment, maybe a `DbEnum` of the
    /// models; `array` for `Vec<Name>`.
    Named { name: String, array: bool },
    /// Nothing petal knows (a tuple, a reference to something else, ...).
    Unknown,
}

/// Maps a field type. Never fails: an unknown type is [`MappedKind::Unknown`]
/// and the caller decides whether that is an error.
pub fn map_type(ty: &Type) -> MappedType {
    match option_inner(ty) {
        Some(inner) => MappedType {
            nullable: true,
            kind: map_non_null(inner),
        },
        None => MappedType {
            nullable: false,
            kind: map_non_null(ty),
        },
    }
}

/// `T` of `Option<T>` (also `std::option::Option<T>`).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let (name, args) = last_segment(ty)?;
    if name == "Option" {
        single_type_arg(args)
    } else {
        None
    }
}

fn map_non_null(ty: &Type) -> MappedKind {
    let ty = strip_groups(ty);
    if let Type::Reference(r) = ty {
        return match strip_groups(&r.elem) {
            Type::Path(p) if p.path.is_ident("str") => builtin("text"),
            Type::Slice(s) if is_u8(&s.elem) => builtin("bytea"),
            _ => MappedKind::Unknown,
        };
    }
    let Some((name, args)) = last_segment(ty) else {
        return MappedKind::Unknown;
    };
    if name == "Vec" {
        let Some(elem) = single_type_arg(args) else {
            return MappedKind::Unknown;
        };
        if is_u8(elem) {
            return builtin("bytea");
        }
        // A Vec of Options maps like a Vec: array elements are always nullable.
        let elem = option_inner(elem).unwrap_or(elem);
        return match map_non_null(elem) {
            MappedKind::Builtin(t) => MappedKind::Builtin(t.array_of()),
            MappedKind::Named { name, .. } => MappedKind::Named { name, array: true },
            MappedKind::Unknown => MappedKind::Unknown,
        };
    }
    match builtin_name(&name, args) {
        Some(sql) => builtin(sql),
        None if matches!(args, PathArguments::None) => MappedKind::Named { name, array: false },
        None => MappedKind::Unknown,
    }
}

/// The SQL type of a built-in type name, as `petal_ir::SqlType::canonical`
/// takes it.
fn builtin_name(name: &str, args: &PathArguments) -> Option<&'static str> {
    let sql = match name {
        "bool" => "boolean",
        "i16" => "smallint",
        "i32" => "integer",
        "i64" => "bigint",
        "f32" => "real",
        "f64" => "double precision",
        "String" => "text",
        "Decimal" => "numeric",
        "NaiveDate" | "Date" => "date",
        "NaiveTime" | "Time" => "time without time zone",
        "NaiveDateTime" | "PrimitiveDateTime" => "timestamp without time zone",
        "OffsetDateTime" | "UtcDateTime" => "timestamp with time zone",
        "DateTime" => return datetime(args),
        "Uuid" => "uuid",
        "Value" | "JsonValue" => "jsonb",
        "Json" | "Jsonb" => return single_type_arg(args).map(|_| "jsonb"),
        _ => return None,
    };
    // `String<T>` and the like are someone else's types.
    matches!(args, PathArguments::None).then_some(sql)
}

/// The `petal` cargo feature a field type's mapping comes with, as the
/// derive sees it (`SqlType` impls behind `#[cfg(feature = ...)]`): the
/// innermost type's, through `Option` and `Vec`. `None`: always there.
pub fn feature_needed(ty: &Type) -> Option<&'static str> {
    let ty = strip_groups(ty);
    let (name, args) = last_segment(ty)?;
    if name == "Option" || name == "Vec" {
        return single_type_arg(args).and_then(feature_needed);
    }
    match name.as_str() {
        "Decimal" => Some("rust_decimal"),
        "NaiveDate" | "NaiveTime" | "NaiveDateTime" | "DateTime" => Some("chrono"),
        "Date" | "Time" | "PrimitiveDateTime" | "OffsetDateTime" | "UtcDateTime" => Some("time"),
        "Uuid" => Some("uuid"),
        "Value" | "JsonValue" => Some("serde_json"),
        _ => None,
    }
}

/// `DateTime<Utc>`, `DateTime<FixedOffset>`, `DateTime<Local>`.
fn datetime(args: &PathArguments) -> Option<&'static str> {
    let zone = single_type_arg(args)?;
    let (name, _) = last_segment(zone)?;
    matches!(name.as_str(), "Utc" | "FixedOffset" | "Local").then_some("timestamp with time zone")
}

fn builtin(sql: &str) -> MappedKind {
    MappedKind::Builtin(SqlType::canonical(sql))
}

fn is_u8(ty: &Type) -> bool {
    matches!(strip_groups(ty), Type::Path(p) if p.qself.is_none() && p.path.is_ident("u8"))
}

fn strip_groups(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => strip_groups(&g.elem),
        Type::Paren(p) => strip_groups(&p.elem),
        other => other,
    }
}

/// The last path segment's name and generic arguments.
fn last_segment(ty: &Type) -> Option<(String, &PathArguments)> {
    match strip_groups(ty) {
        Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last()?;
            Some((seg.ident.to_string(), &seg.arguments))
        }
        _ => None,
    }
}

/// `T` of `Name<T>`, when there is exactly one type argument.
fn single_type_arg(args: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(ab) = args else {
        return None;
    };
    let mut types = ab.args.iter().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    let first = types.next()?;
    types.next().is_none().then_some(first)
}

/// True for the SQL types that get an identity when they are a lone
/// primary key.
pub fn is_integer(ty: &SqlType) -> bool {
    matches!(ty.as_str(), "smallint" | "integer" | "bigint")
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn sql(ty: Type) -> (bool, String) {
        let m = map_type(&ty);
        match m.kind {
            MappedKind::Builtin(t) => (m.nullable, t.as_str().to_string()),
            other => panic!("{ty:?} mapped to {other:?}"),
        }
    }

    #[test]
    fn builtin_types_map_to_canonical_spellings() {
        let cases: Vec<(Type, &str)> = vec![
            (parse_quote!(bool), "boolean"),
            (parse_quote!(i16), "smallint"),
            (parse_quote!(i32), "integer"),
            (parse_quote!(i64), "bigint"),
            (parse_quote!(f32), "real"),
            (parse_quote!(f64), "double precision"),
            (parse_quote!(String), "text"),
            (parse_quote!(&'static str), "text"),
            (parse_quote!(Vec<u8>), "bytea"),
            (parse_quote!(rust_decimal::Decimal), "numeric"),
            (parse_quote!(Decimal), "numeric"),
            (parse_quote!(chrono::NaiveDate), "date"),
            (parse_quote!(NaiveTime), "time without time zone"),
            (parse_quote!(NaiveDateTime), "timestamp without time zone"),
            (parse_quote!(DateTime<Utc>), "timestamp with time zone"),
            (
                parse_quote!(chrono::DateTime<chrono::FixedOffset>),
                "timestamp with time zone",
            ),
            (parse_quote!(DateTime<Local>), "timestamp with time zone"),
            (parse_quote!(time::Date), "date"),
            (parse_quote!(time::Time), "time without time zone"),
            (
                parse_quote!(time::PrimitiveDateTime),
                "timestamp without time zone",
            ),
            (
                parse_quote!(time::OffsetDateTime),
                "timestamp with time zone",
            ),
            (parse_quote!(uuid::Uuid), "uuid"),
            (parse_quote!(serde_json::Value), "jsonb"),
            (parse_quote!(Json<Window>), "jsonb"),
            (parse_quote!(petal::Jsonb<Vec<String>>), "jsonb"),
            (parse_quote!(Vec<String>), "text[]"),
            (parse_quote!(Vec<i64>), "bigint[]"),
            (parse_quote!(Vec<Vec<i32>>), "integer[]"),
        ];
        for (ty, expected) in cases {
            assert_eq!(sql(ty.clone()), (false, expected.to_string()), "{ty:?}");
        }
    }

    #[test]
    fn option_makes_nullable() {
        assert_eq!(sql(parse_quote!(Option<i32>)), (true, "integer".into()));
        assert_eq!(
            sql(parse_quote!(std::option::Option<DateTime<Utc>>)),
            (true, "timestamp with time zone".into())
        );
    }

    #[test]
    fn other_names_are_left_to_the_enum_lookup() {
        assert_eq!(
            map_type(&parse_quote!(Option<crate::OrderStatus>)),
            MappedType {
                nullable: true,
                kind: MappedKind::Named {
                    name: "OrderStatus".into(),
                    array: false
                }
            }
        );
        assert_eq!(
            map_type(&parse_quote!(Vec<Tag>)).kind,
            MappedKind::Named {
                name: "Tag".into(),
                array: true
            }
        );
        assert_eq!(
            map_type(&parse_quote!((i32, i32))).kind,
            MappedKind::Unknown
        );
        assert_eq!(
            map_type(&parse_quote!(DateTime<Tz>)).kind,
            MappedKind::Unknown
        );
        assert_eq!(
            map_type(&parse_quote!(HashMap<String, i32>)).kind,
            MappedKind::Unknown
        );
        assert_eq!(map_type(&parse_quote!(&[i32])).kind, MappedKind::Unknown);
    }
}
