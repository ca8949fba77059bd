//! How PostgreSQL spells a name inside the SQL text it prints
//! (`quote_identifier`): quoted only when it must be, so `format_type` and
//! `pg_get_expr` (with `search_path` pinned to `pg_catalog`) print
//! `public.order_status` and `"Sales"."Order Status"`. The IR holds types
//! and expressions in that spelling; whatever writes them (the scanner,
//! the diff) spells them the same way from here.

use crate::{QualifiedName, quote_ident};

/// Keywords `quote_identifier` quotes: PostgreSQL's reserved, type/function
/// name and column name keywords (unreserved ones print bare).
const QUOTED_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "json",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_table",
    "json_value",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "merge_action",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// `quote_identifier`: bare when the name is a plain lower-case identifier
/// and no keyword that needs quoting, quoted otherwise.
pub fn quote_ident_if_needed(ident: &str) -> String {
    let mut chars = ident.chars();
    let plain_start = matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_');
    let plain_rest = ident
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain_start && plain_rest && QUOTED_KEYWORDS.binary_search(&ident).is_err() {
        ident.to_string()
    } else {
        quote_ident(ident)
    }
}

/// The type as `format_type` prints it, schema-qualified:
/// `public.order_status`.
pub fn type_spelling(name: &QualifiedName) -> String {
    format!(
        "{}.{}",
        quote_ident_if_needed(&name.schema),
        quote_ident_if_needed(&name.name)
    )
}

/// [`type_spelling`] read back: `schema.name`, each part bare or quoted
/// (`""` a quote inside); `None` for anything else.
pub fn parse_type_spelling(spelling: &str) -> Option<QualifiedName> {
    let mut parts = Vec::new();
    let mut rest = spelling;
    loop {
        let (part, after) = match rest.strip_prefix('"') {
            Some(quoted) => {
                let mut part = String::new();
                let mut chars = quoted.char_indices();
                let end = loop {
                    match chars.next()? {
                        (i, '"') if quoted[i + 1..].starts_with('"') => {
                            part.push('"');
                            chars.next();
                        }
                        (i, '"') => break i + 1,
                        (_, c) => part.push(c),
                    }
                };
                (part, &quoted[end..])
            }
            None => {
                let end = rest.find('.').unwrap_or(rest.len());
                (rest[..end].to_string(), &rest[end..])
            }
        };
        if part.is_empty() {
            return None;
        }
        parts.push(part);
        match after.strip_prefix('.') {
            Some(next) => rest = next,
            None if after.is_empty() => break,
            None => return None,
        }
    }
    match <[String; 2]>::try_from(parts) {
        Ok([schema, name]) => Some(QualifiedName::new(schema, name)),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_spelling_reads_back() {
        for name in [
            QualifiedName::new("public", "spans"),
            QualifiedName::new("Склад", "Priority Level"),
            QualifiedName::new("a.b", "say \"hi\""),
        ] {
            assert_eq!(parse_type_spelling(&type_spelling(&name)), Some(name));
        }
        for bad in ["spans", "a.b.c", "\"open", "public.", "\"a\"x.b"] {
            assert_eq!(parse_type_spelling(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_are_quoted_only_when_they_must_be() {
        assert!(QUOTED_KEYWORDS.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert_eq!(quote_ident_if_needed("order_status"), "order_status");
        assert_eq!(quote_ident_if_needed("order"), "\"order\"");
        assert_eq!(quote_ident_if_needed("type"), "type");
        assert_eq!(quote_ident_if_needed("Order"), "\"Order\"");
        assert_eq!(quote_ident_if_needed("2fa"), "\"2fa\"");
        let name = QualifiedName::new("Склад", "Priority Level");
        assert_eq!(type_spelling(&name), r#""Склад"."Priority Level""#);
    }
}
