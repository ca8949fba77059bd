//! How PostgreSQL spells a name inside SQL text it prints: `quote_identifier`,
//! which quotes only what must be (`public.order_status`, `public."Priority
//! Level"`). The IR holds column types as `format_type` prints them, so an
//! enum column's type read from the models must be spelled the same way.

use petal_ir::{QualifiedName, SqlType, quote_ident};

/// Keywords `quote_identifier` quotes: PostgreSQL's reserved, type/function
/// name and column name keywords (unreserved ones print bare). The same
/// list as petal-diff's, which spells types for the migrations; a test
/// holds the two together.
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
pub fn quote_identifier(ident: &str) -> String {
    let plain_start = ident
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let plain_rest = ident
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain_start && plain_rest && QUOTED_KEYWORDS.binary_search(&ident).is_err() {
        ident.to_string()
    } else {
        quote_ident(ident)
    }
}

/// The column type of a user type (an enum), as `format_type` prints it
/// with `search_path` pinned to `pg_catalog`, as introspection pins it:
/// schema-qualified, each part quoted only if it must be.
pub fn user_type(name: &QualifiedName) -> SqlType {
    SqlType::from_canonical(format!(
        "{}.{}",
        quote_identifier(&name.schema),
        quote_identifier(&name.name)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_only_when_they_must_be() {
        assert!(QUOTED_KEYWORDS.windows(2).all(|w| w[0] < w[1]), "sorted");
        let spelled = |schema: &str, name: &str| user_type(&QualifiedName::new(schema, name));
        assert_eq!(
            spelled("public", "order_status").as_str(),
            "public.order_status"
        );
        assert_eq!(
            spelled("public", "Priority Level").as_str(),
            r#"public."Priority Level""#
        );
        assert_eq!(spelled("Склад", "статус").as_str(), r#""Склад"."статус""#);
        assert_eq!(spelled("crm", "order").as_str(), r#"crm."order""#);
        assert_eq!(spelled("crm", "type").as_str(), "crm.type");
        assert_eq!(spelled("crm", "a\"b").as_str(), r#"crm."a""b""#);
        assert_eq!(spelled("crm", "2fa").as_str(), r#"crm."2fa""#);
    }

    /// The migrations spell a type with petal-diff's copy of the list: the
    /// scanner's spelling must be the same, or every model would differ.
    #[test]
    fn the_spelling_is_petal_diffs() {
        let unreserved = [
            "type", "name", "key", "action", "status", "data", "value", "text",
        ];
        let words = QUOTED_KEYWORDS.iter().chain(&unreserved);
        for word in words.chain(&["Order", "a b", "", "_x1", "ü"]) {
            assert_eq!(
                quote_identifier(word),
                petal_diff::quote_ident_if_needed(word),
                "{word:?}"
            );
        }
        let name = QualifiedName::new("Склад", "Priority Level");
        assert_eq!(user_type(&name).as_str(), petal_diff::type_spelling(&name));
    }
}
