//! Reading an exclusion constraint's definition, as `pg_get_constraintdef`
//! prints it (`EXCLUDE USING gist (room WITH =, tstzrange(starts, ends)
//! WITH &&) WHERE ((room > 0))`), into what `exclude(...)` says: the access
//! method, each element (a column or an expression) with its operator, and
//! the predicate.

use petal_ir::IndexKeyExpr;

/// An exclusion constraint as the model language says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Excluded {
    pub method: String,
    /// Each element's key (a column by its SQL name, or an expression) and
    /// operator, in order.
    pub elements: Vec<(IndexKeyExpr, String)>,
    pub predicate: Option<String>,
}

/// Reads a definition, or says what the models cannot declare of it.
pub(super) fn read(definition: &str) -> Result<Excluded, String> {
    let rest = definition
        .strip_prefix("EXCLUDE USING ")
        .ok_or("it does not read as `EXCLUDE USING method (...)`")?;
    let (method, rest) = rest
        .split_once(' ')
        .ok_or("it does not read as `EXCLUDE USING method (...)`")?;
    let (inside, rest) = parenthesized(rest).ok_or("its elements do not read as `(...)`")?;
    let elements = split_top_level(inside)
        .into_iter()
        .map(element)
        .collect::<Result<Vec<_>, _>>()?;
    let rest = rest.trim();
    let predicate = if rest.is_empty() {
        None
    } else if let Some(after) = rest.strip_prefix("WHERE ") {
        match parenthesized(after) {
            Some((predicate, "")) => Some(predicate.to_string()),
            _ => return Err("its predicate does not read as `WHERE (...)`".to_string()),
        }
    } else {
        // `INCLUDE (...)` or `WITH (...)`.
        return Err(format!(
            "`exclude(...)` has no `{}` clause",
            rest.split(' ').next().unwrap_or(rest)
        ));
    };
    Ok(Excluded {
        method: method.to_string(),
        elements,
        predicate,
    })
}

/// One element, `key WITH operator`.
fn element(text: &str) -> Result<(IndexKeyExpr, String), String> {
    let (key, operator) = text
        .rsplit_once(" WITH ")
        .ok_or_else(|| format!("element `{text}` does not read as `key WITH operator`"))?;
    let key = key.trim();
    if let Some(column) = identifier(key) {
        return Ok((IndexKeyExpr::Column(column), operator.trim().to_string()));
    }
    // `(expr)`: the scanner puts the parentheses back.
    if let Some((inner, "")) = parenthesized(key) {
        return Ok((
            IndexKeyExpr::Expression(inner.to_string()),
            operator.trim().to_string(),
        ));
    }
    // A function call, printed without parentheses of its own.
    if let Some(open) = key.find('(')
        && !key[..open].contains(char::is_whitespace)
        && matches!(parenthesized(&key[open..]), Some((_, "")))
    {
        return Ok((
            IndexKeyExpr::Expression(key.to_string()),
            operator.trim().to_string(),
        ));
    }
    Err(format!(
        "element `{key}` says more than a column or an expression (an operator class, an \
         ordering), which `exclude(...)` cannot"
    ))
}

/// A column as `quote_identifier` prints it: bare (lower case, digits,
/// `_`, `$`) or quoted with doubled quotes.
fn identifier(text: &str) -> Option<String> {
    if let Some(quoted) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        let mut out = String::new();
        let mut chars = quoted.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '"' {
                // Inside, a quote is doubled; a lone one ends the name early.
                if chars.next() != Some('"') {
                    return None;
                }
            }
            out.push(c);
        }
        return (!out.is_empty()).then_some(out);
    }
    let bare = text.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    bare.then(|| text.to_string())
}

/// The inside of the parenthesized text `text` starts with, and what
/// follows it; quotes and string literals are skipped over.
fn parenthesized(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('(')?;
    let mut depth = 1usize;
    let mut quote: Option<char> = None;
    for (at, c) in inner.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Some((&inner[..at], &inner[at + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

/// `text` split at the commas outside parentheses and quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(text[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_read_back() {
        let x = read(
            "EXCLUDE USING gist (room WITH =, \"During\" WITH &&, tstzrange(a, b, '[)') WITH &&, \
             ((a + 1)) WITH =) WHERE ((room > 0))",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(x.method, "gist");
        assert_eq!(
            x.elements,
            vec![
                (IndexKeyExpr::Column("room".into()), "=".into()),
                (IndexKeyExpr::Column("During".into()), "&&".into()),
                (
                    IndexKeyExpr::Expression("tstzrange(a, b, '[)')".into()),
                    "&&".into()
                ),
                (IndexKeyExpr::Expression("(a + 1)".into()), "=".into()),
            ]
        );
        assert_eq!(x.predicate.as_deref(), Some("(room > 0)"));
    }

    #[test]
    fn what_exclude_cannot_say_is_refused() {
        assert!(read("EXCLUDE USING btree (code WITH =) INCLUDE (a)").is_err());
        assert!(read("EXCLUDE USING gist (room gist_int4_ops WITH =)").is_err());
        assert!(read("EXCLUDE USING btree (code DESC WITH =)").is_err());
    }
}
