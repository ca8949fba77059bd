//! SQL type → Rust type: the type a reviewer would give the field, and the
//! `sql_type = "..."` it needs when the scanner would not read that Rust
//! type back as the column's type.

use std::collections::BTreeMap;

use petal_ir::{Database, QualifiedName, SqlType};

use crate::types::{MappedKind, map_type};

/// A field's type as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FieldType {
    /// The Rust type, `Option<...>` included.
    pub rust: String,
    /// `sql_type = "..."`, when the Rust type alone maps to another type.
    pub sql_type: Option<String>,
    /// The enum type the Rust type names (for the file's `use`).
    pub enum_type: Option<QualifiedName>,
}

/// What the type mapping needs of the database: its enum and domain types,
/// and the Rust name each enum got.
pub(super) struct Types<'a> {
    pub db: &'a Database,
    pub enums: &'a BTreeMap<QualifiedName, String>,
}

/// How deep domains over domains are followed for a Rust type.
const MAX_DOMAIN_DEPTH: usize = 8;

impl Types<'_> {
    /// The field type of a column of type `ty`; and, when the scanner
    /// would read that field back as another type, what it would read.
    pub(super) fn field_type(&self, ty: &SqlType, nullable: bool) -> (FieldType, Option<String>) {
        let (inner, enum_type) = self.rust_of(ty, 0);
        let rust = if nullable {
            format!("Option<{inner}>")
        } else {
            inner.clone()
        };
        let mut field = FieldType {
            rust,
            sql_type: None,
            enum_type,
        };
        if self.read_back(&inner).as_ref() == Some(ty) {
            return (field, None);
        }
        field.sql_type = Some(ty.as_str().to_string());
        // `sql_type` goes through `SqlType::canonical`: it must give the
        // very spelling back.
        let canonical = SqlType::canonical(ty.as_str());
        let why = (canonical != *ty).then(|| {
            format!(
                "its type `{ty}` is read back as `{canonical}` (petal respells the `sql_type` it \
                 is given)"
            )
        });
        (field, why)
    }

    /// The type the scanner gives a field of Rust type `rust`: a built-in
    /// mapping, or an enum of the models by its name.
    fn read_back(&self, rust: &str) -> Option<SqlType> {
        let parsed: syn::Type = syn::parse_str(rust).ok()?;
        match map_type(&parsed).kind {
            MappedKind::Builtin(t) => Some(t),
            MappedKind::Named { name, array } => {
                let mut found = self.enums.iter().filter(|(_, rust)| **rust == name);
                let (qualified, _) = found.next()?;
                let ty = crate::spelling::user_type(qualified);
                Some(if array { ty.array_of() } else { ty })
            }
            MappedKind::Unknown => None,
        }
    }

    /// The Rust type for `ty` (not null), and the enum type it names.
    fn rust_of(&self, ty: &SqlType, depth: usize) -> (String, Option<QualifiedName>) {
        if ty.as_str() == "bytea" {
            return ("Vec<u8>".to_string(), None);
        }
        if ty.is_array() {
            let (element, enum_type) = self.rust_of(&ty.element(), depth);
            return (format!("Vec<{element}>"), enum_type);
        }
        if let Some(exact) = exact(ty.as_str()) {
            return (exact.to_string(), None);
        }
        if let Some(name) = user_type(ty.as_str()) {
            if let Some(rust) = self.enums.get(&name) {
                return (rust.clone(), Some(name));
            }
            // A domain: its base type's Rust type, the closest there is.
            if let Some(domain) = self.db.domains.get(&name)
                && depth < MAX_DOMAIN_DEPTH
            {
                return self.rust_of(&domain.base_type, depth + 1);
            }
            return ("String".to_string(), None);
        }
        (closest(&ty.base()).to_string(), None)
    }
}

/// The Rust types the scanner maps to exactly this SQL type.
fn exact(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "boolean" => "bool",
        "smallint" => "i16",
        "integer" => "i32",
        "bigint" => "i64",
        "real" => "f32",
        "double precision" => "f64",
        "text" => "String",
        "numeric" => "rust_decimal::Decimal",
        "date" => "chrono::NaiveDate",
        "time without time zone" => "chrono::NaiveTime",
        "timestamp without time zone" => "chrono::NaiveDateTime",
        "timestamp with time zone" => "chrono::DateTime<chrono::Utc>",
        "uuid" => "uuid::Uuid",
        "jsonb" => "serde_json::Value",
        _ => return None,
    })
}

/// The Rust type closest to a built-in type without a mapping of its own
/// (by its name without modifiers): what the usual drivers decode it to,
/// `String` when there is nothing closer.
fn closest(base: &str) -> &'static str {
    match base {
        "numeric" => "rust_decimal::Decimal",
        "timestamp with time zone" => "chrono::DateTime<chrono::Utc>",
        "timestamp without time zone" => "chrono::NaiveDateTime",
        "time without time zone" => "chrono::NaiveTime",
        "json" => "serde_json::Value",
        "inet" => "std::net::IpAddr",
        "oid" => "u32",
        "\"char\"" => "i8",
        _ => "String",
    }
}

/// The name of a user-defined type as `format_type` spells it (qualified,
/// each part quoted when it needs to be: `public."Priority Level"`); a
/// name left unquoted is read whole (`public.Priority Level`).
pub(super) fn user_type(text: &str) -> Option<QualifiedName> {
    if text.contains('(') {
        return None;
    }
    let (schema, rest) = identifier(text)?;
    let rest = rest.strip_prefix('.')?;
    let (name, after) = if rest.starts_with('"') {
        identifier(rest)?
    } else {
        // Unquoted, the rest is the name, whatever it holds.
        (rest.to_string(), "")
    };
    (after.is_empty() && !name.is_empty()).then(|| QualifiedName::new(schema, name))
}

/// One identifier at the start of `text`: quoted (doubled quotes inside)
/// or up to the first dot.
fn identifier(text: &str) -> Option<(String, &str)> {
    match crate::spelling::quoted_prefix(text) {
        Some(quoted) => quoted.ok(),
        None => {
            let end = text.find('.').unwrap_or(text.len());
            (end > 0).then(|| (text[..end].to_string(), &text[end..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types_of(enums: &[(&str, &str, &str)]) -> (Database, BTreeMap<QualifiedName, String>) {
        let names = enums
            .iter()
            .map(|(s, n, rust)| (QualifiedName::new(*s, *n), rust.to_string()))
            .collect();
        (Database::default(), names)
    }

    #[test]
    fn built_in_types_map_without_sql_type() {
        let (db, enums) = types_of(&[]);
        let types = Types {
            db: &db,
            enums: &enums,
        };
        let ty = |t: &str, nullable| {
            let (f, why) = types.field_type(&SqlType::from_canonical(t), nullable);
            assert_eq!(why, None, "{t}");
            (f.rust, f.sql_type)
        };
        assert_eq!(ty("integer", false), ("i32".into(), None));
        assert_eq!(ty("bytea", true), ("Option<Vec<u8>>".into(), None));
        assert_eq!(ty("bytea[]", false), ("Vec<Vec<u8>>".into(), None));
        assert_eq!(
            ty("timestamp with time zone[]", true),
            ("Option<Vec<chrono::DateTime<chrono::Utc>>>".into(), None)
        );
        assert_eq!(
            ty("numeric(12,2)", false),
            ("rust_decimal::Decimal".into(), Some("numeric(12,2)".into()))
        );
        assert_eq!(
            ty("character varying(40)[]", false),
            ("Vec<String>".into(), Some("character varying(40)[]".into()))
        );
        assert_eq!(
            ty("json", false),
            ("serde_json::Value".into(), Some("json".into()))
        );
        assert_eq!(
            ty("public.citext", false),
            ("String".into(), Some("public.citext".into()))
        );
    }

    #[test]
    fn enum_types_by_their_rust_name() {
        let (db, enums) = types_of(&[
            ("public", "order_status", "OrderStatus"),
            ("public", "Priority Level", "PriorityLevel"),
        ]);
        let types = Types {
            db: &db,
            enums: &enums,
        };
        let (plain, _) = types.field_type(&SqlType::from_canonical("public.order_status[]"), true);
        assert_eq!(plain.rust, "Option<Vec<OrderStatus>>");
        assert_eq!(plain.sql_type, None);
        let (quoted, _) =
            types.field_type(&SqlType::from_canonical("public.\"Priority Level\""), false);
        assert_eq!(quoted.rust, "PriorityLevel");
        // The scanner spells the type quoted as PostgreSQL does: no
        // `sql_type` is needed.
        assert_eq!(quoted.sql_type, None);
    }

    #[test]
    fn user_type_names() {
        assert_eq!(
            user_type("\"Склад\".\"Money \"\"Pair\"\"\""),
            Some(QualifiedName::new("Склад", "Money \"Pair\""))
        );
        assert_eq!(
            user_type("public.Priority Level"),
            Some(QualifiedName::new("public", "Priority Level"))
        );
        assert_eq!(user_type("numeric(12,2)"), None);
        assert_eq!(user_type("text"), None);
    }
}
