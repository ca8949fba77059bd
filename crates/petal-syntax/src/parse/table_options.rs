//! Parsing what a table is besides its columns, and an index's storage
//! parameters: `with`, `unlogged`, `replica_identity`, `partition_by`.

use petal_ir::ReplicaIdentity;

use crate::ast::Spanned;
use crate::diagnostic::Diagnostic;

/// `replica_identity = "default" | "full" | "nothing" | "using index NAME"`.
pub(super) fn replica_identity(
    text: &Spanned<String>,
) -> Result<Spanned<ReplicaIdentity>, Diagnostic> {
    let trimmed = text.value.trim();
    let identity = match trimmed.to_ascii_lowercase().as_str() {
        "default" => Some(ReplicaIdentity::Default),
        "full" => Some(ReplicaIdentity::Full),
        "nothing" => Some(ReplicaIdentity::Nothing),
        _ => using_index(trimmed).map(ReplicaIdentity::Index),
    };
    let Some(identity) = identity else {
        return Err(Diagnostic::new(
            text.span,
            format!(
                "unknown `replica_identity` {:?}: expected `default`, `full`, `nothing` or \
                 `using index <name>` (a name with a space or a quote in double quotes)",
                text.value
            ),
        ));
    };
    Ok(Spanned::new(identity, text.span))
}

/// The index of `using index NAME`: a bare name, or one in double quotes
/// (`""` inside for a quote), as an index name with a space needs.
fn using_index(text: &str) -> Option<String> {
    let rest = strip_word(text, "using")?;
    let name = strip_word(rest, "index")?.trim();
    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) if !inner.is_empty() && !inner.replace("\"\"", "").contains('"') => {
            Some(inner.replace("\"\"", "\""))
        }
        Some(_) => None,
        None => (!name.is_empty() && !name.contains(|c: char| c.is_whitespace() || c == '"'))
            .then(|| name.to_string()),
    }
}

/// `text` after its first word, when that word is `word` (any case).
fn strip_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let (first, rest) = text.split_once(char::is_whitespace)?;
    first.eq_ignore_ascii_case(word).then(|| rest.trim_start())
}

/// `with = "fillfactor = 70, deduplicate_items = off"` → `name=value`
/// entries, as `pg_class.reloptions` holds them: names, and values not
/// quoted, folded to lower case as PostgreSQL folds them (`= FALSE` is
/// stored `false`), a quoted value kept as written. A `toast.` parameter
/// is refused: it is the TOAST table's, which petal does not read.
pub(super) fn storage_parameters(
    text: &Spanned<String>,
) -> Result<Spanned<Vec<String>>, Diagnostic> {
    let mut parameters = Vec::new();
    for entry in text.value.split(',') {
        let parsed = entry.split_once('=').and_then(|(name, value)| {
            let name = name.trim().to_ascii_lowercase();
            let value = value.trim();
            let value = match value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
                Some(quoted) => quoted.to_string(),
                None => value.to_ascii_lowercase(),
            };
            let plain = |t: &str| !t.is_empty() && !t.contains(char::is_whitespace);
            let own = !name.contains('.');
            (plain(&name) && plain(&value) && own).then(|| format!("{name}={value}"))
        });
        match parsed {
            Some(parameter) => parameters.push(parameter),
            None => {
                return Err(Diagnostic::new(
                    text.span,
                    format!(
                        "malformed storage parameter {:?}: `with` takes `name = value` pairs \
                         separated by commas (`with = \"fillfactor = 70\"`), not a TOAST \
                         table's (`toast.`)",
                        entry.trim()
                    ),
                ));
            }
        }
    }
    Ok(Spanned::new(parameters, text.span))
}

/// `partition_by = "range (created_at)"`: `range`, `list` or `hash`, then
/// the key in parentheses, kept as written (PostgreSQL checks the key and
/// prints it in its own spelling).
pub(super) fn partition_by(text: &Spanned<String>) -> Result<Spanned<String>, Diagnostic> {
    let trimmed = text.value.trim();
    let (strategy, key) = trimmed
        .split_once(|c: char| c == '(' || c.is_whitespace())
        .map_or((trimmed, ""), |(s, _)| (s, &trimmed[s.len()..]));
    let key = key.trim();
    let known = ["range", "list", "hash"]
        .iter()
        .any(|s| strategy.eq_ignore_ascii_case(s));
    if !known || !key.starts_with('(') || !key.ends_with(')') || key.len() < 3 {
        return Err(Diagnostic::new(
            text.span,
            format!(
                "malformed `partition_by` {:?}: expected `range (column)`, `list (column)` or \
                 `hash (column)`, the key in parentheses (columns or expressions, separated by \
                 commas)",
                text.value
            ),
        ));
    }
    Ok(Spanned::new(
        format!("{} {key}", strategy.to_ascii_lowercase()),
        text.span,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(text: &str) -> Option<ReplicaIdentity> {
        let spanned = Spanned::new(text.to_string(), proc_macro2::Span::call_site());
        replica_identity(&spanned).ok().map(|i| i.value)
    }

    #[test]
    fn a_replica_identity_index_is_bare_or_in_double_quotes() {
        let index = |name: &str| Some(ReplicaIdentity::Index(name.to_string()));
        assert_eq!(
            identity("using index payments_pkey"),
            index("payments_pkey")
        );
        assert_eq!(
            identity("USING  INDEX  \"Order Items_pkey\""),
            index("Order Items_pkey")
        );
        assert_eq!(
            identity(r#"using index "say ""hi""""#),
            index(r#"say "hi""#)
        );
        assert_eq!(identity("Full"), Some(ReplicaIdentity::Full));
        for refused in [
            "using index",
            "using index a b",
            r#"using index "a"b""#,
            "index a",
        ] {
            assert_eq!(identity(refused), None, "{refused}");
        }
    }
}
