use std::fmt;

use serde::{Deserialize, Serialize};

/// A schema-qualified object name (`public.orders`).
///
/// Ordered by schema, then name, which is the order objects appear in dumps
/// and generated migrations.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QualifiedName {
    pub schema: String,
    pub name: String,
}

impl QualifiedName {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualifiedName {
            schema: schema.into(),
            name: name.into(),
        }
    }

    /// `public.orders` parsed from text; a name without a dot is in
    /// `default_schema`. Does not handle quoted identifiers holding dots.
    pub fn parse(text: &str, default_schema: &str) -> Self {
        match text.split_once('.') {
            Some((schema, name)) => QualifiedName::new(schema, name),
            None => QualifiedName::new(default_schema, text),
        }
    }

    /// The name as SQL: `"public"."orders"`, always quoted.
    pub fn quoted(&self) -> String {
        format!("{}.{}", quote_ident(&self.schema), quote_ident(&self.name))
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// A collation as SQL. The IR holds one of `pg_catalog` by its bare name
/// (`C`, `en_US.utf8`: a dot may belong to the name) and any other
/// schema-qualified, both parts quoted (`"public"."numeric"`), as the
/// catalog queries spell it: only that spelling starts with a quote.
pub fn collation_sql(collation: &str) -> String {
    if collation.starts_with('"') {
        collation.to_string()
    } else {
        quote_ident(collation)
    }
}

/// Quotes an identifier for SQL, doubling embedded quotes. petal always
/// quotes, so that capitals, spaces and keywords need no special cases.
pub fn quote_ident(ident: &str) -> String {
    let mut out = String::with_capacity(ident.len() + 2);
    out.push('"');
    for c in ident.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Quotes a string literal for SQL (`'it''s'`). Standard-conforming strings
/// are on by default since PostgreSQL 9.1, so backslashes need no escaping.
pub fn quote_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_quotes() {
        assert_eq!(quote_ident(r#"a"b"#), r#""a""b""#);
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(
            QualifiedName::new("public", "Order Items").quoted(),
            r#""public"."Order Items""#
        );
    }

    #[test]
    fn parse_defaults_the_schema() {
        assert_eq!(
            QualifiedName::parse("customers", "public"),
            QualifiedName::new("public", "customers")
        );
        assert_eq!(
            QualifiedName::parse("crm.customers", "public"),
            QualifiedName::new("crm", "customers")
        );
    }
}
