use std::fmt;

use serde::{Deserialize, Serialize};

/// A column type in PostgreSQL's canonical spelling, the one `format_type`
/// prints: `integer`, `character varying(20)`, `timestamp with time zone`,
/// `numeric(12,2)`, `public.order_status`, `text[]`.
///
/// [`SqlType::canonical`] turns the common aliases (`int4`, `varchar(20)`,
/// `timestamptz`, `decimal`) into that spelling, so models and databases
/// agree on type names even before a dev database canonicalizes the rest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SqlType(String);

impl SqlType {
    /// Wraps text that is already canonical (as `format_type` printed it).
    pub fn from_canonical(text: impl Into<String>) -> Self {
        SqlType(text.into())
    }

    /// Canonicalizes a type as a user may write it. Names of user-defined
    /// types (enums) are kept as written, apart from array suffixes.
    pub fn canonical(text: &str) -> Self {
        let text = text.trim();
        let (element, dims) = split_array(text);
        let mut out = canonical_scalar(element);
        for _ in 0..dims.min(1) {
            // format_type prints one pair of brackets whatever the declared
            // dimensions: PostgreSQL does not enforce them.
            out.push_str("[]");
        }
        SqlType(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_array(&self) -> bool {
        self.0.ends_with("[]")
    }

    /// The element type of an array, or the type itself.
    pub fn element(&self) -> SqlType {
        SqlType(split_array(&self.0).0.to_string())
    }

    /// The type name without modifiers or array brackets
    /// (`character varying` for `character varying(20)[]`,
    /// `timestamp with time zone` for `timestamp(3) with time zone`).
    pub fn base(&self) -> String {
        let element = split_array(&self.0).0;
        match (element.find('('), element.find(')')) {
            (Some(open), Some(close)) if open < close => {
                let before = element[..open].trim_end();
                let after = element[close + 1..].trim_start();
                if after.is_empty() {
                    before.to_string()
                } else {
                    format!("{before} {after}")
                }
            }
            _ => element.to_string(),
        }
    }

    /// The numeric type modifiers (`[12, 2]` for `numeric(12,2)`), empty
    /// when there are none.
    pub fn modifiers(&self) -> Vec<i64> {
        let element = split_array(&self.0).0;
        match (element.find('('), element.find(')')) {
            (Some(open), Some(close)) if open < close => element[open + 1..close]
                .split(',')
                .filter_map(|m| m.trim().parse().ok())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The array of this type (`integer[]`).
    pub fn array_of(&self) -> SqlType {
        if self.is_array() {
            self.clone()
        } else {
            SqlType(format!("{}[]", self.0))
        }
    }
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Splits `text[][]` into (`text`, 2).
fn split_array(text: &str) -> (&str, usize) {
    let mut rest = text.trim_end();
    let mut dims = 0;
    loop {
        if let Some(stripped) = rest.strip_suffix("[]") {
            rest = stripped.trim_end();
            dims += 1;
            continue;
        }
        // `integer[3]`: a declared size, which PostgreSQL ignores.
        if let Some(open) = rest.rfind('[').filter(|_| rest.ends_with(']'))
            && rest[open + 1..rest.len() - 1]
                .chars()
                .all(|c| c.is_ascii_digit())
        {
            rest = rest[..open].trim_end();
            dims += 1;
            continue;
        }
        return (rest, dims);
    }
}

fn canonical_scalar(text: &str) -> String {
    // A quoted or schema-qualified name is a user type: keep it.
    if text.contains('"') || text.contains('.') && !text.contains('(') {
        return text.to_string();
    }
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let joined = words.join(" ");
    // Separate modifiers `(12, 2)` from the name; with time types they may sit
    // in the middle (`timestamp(3) with time zone`).
    let (name, mods, tail) = match (joined.find('('), joined.find(')')) {
        (Some(open), Some(close)) if open < close => {
            let mods: Vec<String> = joined[open + 1..close]
                .split(',')
                .map(|m| m.trim().to_string())
                .collect();
            (
                joined[..open].trim().to_string(),
                Some(mods.join(",")),
                joined[close + 1..].trim().to_string(),
            )
        }
        _ => (joined.clone(), None, String::new()),
    };
    let full = if tail.is_empty() {
        name.clone()
    } else {
        format!("{name} {tail}")
    };
    let with_mods = |base: &str| match &mods {
        Some(m) => format!("{base}({m})"),
        None => base.to_string(),
    };
    let time_type = |base: &str, zone: &str| match &mods {
        Some(m) => format!("{base}({m}) {zone}"),
        None => format!("{base} {zone}"),
    };
    match full.as_str() {
        "int" | "int4" | "integer" | "serial" | "serial4" => "integer".into(),
        "int2" | "smallint" | "smallserial" | "serial2" => "smallint".into(),
        "int8" | "bigint" | "bigserial" | "serial8" => "bigint".into(),
        "float4" | "real" => "real".into(),
        "float8" | "double precision" | "float" => "double precision".into(),
        "bool" | "boolean" => "boolean".into(),
        "decimal" | "numeric" => with_mods("numeric"),
        "varchar" | "character varying" | "char varying" => with_mods("character varying"),
        "char" | "character" | "bpchar" => {
            if mods.is_some() {
                with_mods("character")
            } else {
                "character(1)".into()
            }
        }
        "varbit" | "bit varying" => with_mods("bit varying"),
        "bit" => {
            if mods.is_some() {
                with_mods("bit")
            } else {
                "bit(1)".into()
            }
        }
        "timestamptz" | "timestamp with time zone" => time_type("timestamp", "with time zone"),
        "timestamp" | "timestamp without time zone" => time_type("timestamp", "without time zone"),
        "timetz" | "time with time zone" => time_type("time", "with time zone"),
        "time" | "time without time zone" => time_type("time", "without time zone"),
        "float4 precision" => "real".into(),
        _ => {
            if mods.is_some() {
                with_mods(&full)
            } else {
                full
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(t: &str) -> String {
        SqlType::canonical(t).as_str().to_string()
    }

    #[test]
    fn aliases_become_format_type_spellings() {
        assert_eq!(c("int4"), "integer");
        assert_eq!(c("INT"), "integer");
        assert_eq!(c("varchar(20)"), "character varying(20)");
        assert_eq!(c("VARCHAR"), "character varying");
        assert_eq!(c("timestamptz"), "timestamp with time zone");
        assert_eq!(
            c("timestamp(3) with time zone"),
            "timestamp(3) with time zone"
        );
        assert_eq!(c("timestamp"), "timestamp without time zone");
        assert_eq!(c("decimal(12, 2)"), "numeric(12,2)");
        assert_eq!(c("float8"), "double precision");
        assert_eq!(c("char"), "character(1)");
        assert_eq!(c("text[]"), "text[]");
        assert_eq!(c("int[3][3]"), "integer[]");
        assert_eq!(c("public.order_status"), "public.order_status");
        assert_eq!(c("public.order_status[]"), "public.order_status[]");
        assert_eq!(c("jsonb"), "jsonb");
    }

    #[test]
    fn parts() {
        let t = SqlType::canonical("numeric(12,2)[]");
        assert!(t.is_array());
        assert_eq!(t.base(), "numeric");
        assert_eq!(t.modifiers(), vec![12, 2]);
        assert_eq!(t.element().as_str(), "numeric(12,2)");
        let ts = SqlType::canonical("timestamp(3) with time zone");
        assert_eq!(ts.base(), "timestamp with time zone");
        assert_eq!(ts.modifiers(), vec![3]);
    }
}
