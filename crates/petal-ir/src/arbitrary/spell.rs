//! Reading back the SQL the generator itself writes (view queries, trigger
//! definitions, function calls in expressions): an edit that renames or
//! drops a column must rewrite what names it, and the definition is the
//! only record of what an object reads. The generator's own spellings
//! only: identifiers as `quote_identifier` prints them, and nothing else.

use super::build::spelling;
use crate::QualifiedName;

/// One identifier at the start of `text` (quoted with doubled quotes, or
/// plain), and the rest of the text.
pub(super) fn take_ident(text: &str) -> Option<(String, &str)> {
    if let Some(rest) = text.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c != '"' {
                out.push(c);
                continue;
            }
            if chars.peek().is_some_and(|(_, next)| *next == '"') {
                chars.next();
                out.push('"');
                continue;
            }
            return Some((out, &rest[at + 1..]));
        }
        return None;
    }
    let end = text
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        .unwrap_or(text.len());
    (end > 0).then(|| (text[..end].to_string(), &text[end..]))
}

/// `schema.name` at the start of `text`, and the rest.
pub(super) fn take_qualified(text: &str) -> Option<(QualifiedName, &str)> {
    let (schema, rest) = take_ident(text)?;
    let (name, rest) = take_ident(rest.strip_prefix('.')?)?;
    Some((QualifiedName::new(schema, name), rest))
}

/// Identifiers separated by `", "` at the start of `text` (at least one).
pub(super) fn take_ident_list(text: &str) -> Option<(Vec<String>, &str)> {
    let (first, mut rest) = take_ident(text)?;
    let mut out = vec![first];
    while let Some(after) = rest.strip_prefix(", ") {
        let (next, r) = take_ident(after)?;
        out.push(next);
        rest = r;
    }
    Some((out, rest))
}

/// How an expression calls function `name`: `public.norm(`.
pub(super) fn call_prefix(name: &QualifiedName) -> String {
    format!("{}(", spelling(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_read_back_as_written() {
        assert_eq!(
            take_ident(r#""Note ""Text"" x".rest"#),
            Some((r#"Note "Text" x"#.to_string(), ".rest"))
        );
        assert_eq!(take_ident("total > 0"), Some(("total".into(), " > 0")));
        assert_eq!(take_ident("(x"), None);
        let (name, rest) = take_qualified(r#""Склад"."Order Items" WHERE"#).unwrap();
        assert_eq!(name, QualifiedName::new("Склад", "Order Items"));
        assert_eq!(rest, " WHERE");
        let (list, rest) = take_ident_list(r#"total, "Note Text" ON"#).unwrap();
        assert_eq!(list, vec!["total".to_string(), "Note Text".to_string()]);
        assert_eq!(rest, " ON");
    }
}
