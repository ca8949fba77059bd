//! How PostgreSQL spells a name inside SQL text it prints: `quote_identifier`,
//! which quotes only what must be (`public.order_status`, `public."Priority
//! Level"`). The IR holds column types as `format_type` prints them, so an
//! enum column's type read from the models must be spelled the same way.

use petal_ir::{QualifiedName, SqlType};

/// `quote_identifier`: bare when the name is a plain lower-case identifier
/// and no keyword that needs quoting, quoted otherwise.
pub fn quote_identifier(ident: &str) -> String {
    petal_ir::quote_ident_if_needed(ident)
}

/// A double-quoted identifier at the start of `text` (`""` inside for a
/// quote), and what follows it; `None` when `text` starts with no quote.
pub(crate) fn quoted_prefix(text: &str) -> Option<Result<(String, &str), &'static str>> {
    let quoted = text.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = quoted.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '"' {
            out.push(c);
        } else if chars.peek().is_some_and(|(_, next)| *next == '"') {
            chars.next();
            out.push('"');
        } else if out.is_empty() {
            return Some(Err("a quoted name is empty"));
        } else {
            return Some(Ok((out, &quoted[at + 1..])));
        }
    }
    Some(Err("a quote is not closed"))
}

/// The column type of a user type (an enum), as `format_type` prints it
/// with `search_path` pinned to `pg_catalog`, as introspection pins it:
/// schema-qualified, each part quoted only if it must be.
pub fn user_type(name: &QualifiedName) -> SqlType {
    SqlType::from_canonical(petal_ir::type_spelling(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_only_when_they_must_be() {
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
}
