//! Parsing what a table is besides its columns, and an index's storage
//! parameters: `with`, `unlogged`, `replica_identity`, `partition_by`.

use petal_ir::ReplicaIdentity;

use crate::ast::Spanned;
use crate::diagnostic::Diagnostic;

/// `replica_identity = "default" | "full" | "nothing" | "using index NAME"`.
pub(super) fn replica_identity(
    text: &Spanned<String>,
) -> Result<Spanned<ReplicaIdentity>, Diagnostic> {
    let words: Vec<&str> = text.value.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    let identity = match (lower.as_slice(), words.as_slice()) {
        (["default"], _) => ReplicaIdentity::Default,
        (["full"], _) => ReplicaIdentity::Full,
        (["nothing"], _) => ReplicaIdentity::Nothing,
        (["using", "index", _], [_, _, index]) => {
            let bare = index.strip_prefix('"').and_then(|i| i.strip_suffix('"'));
            ReplicaIdentity::Index(bare.unwrap_or(index).to_string())
        }
        _ => {
            return Err(Diagnostic::new(
                text.span,
                format!(
                    "unknown `replica_identity` {:?}: expected `default`, `full`, `nothing` or \
                     `using index <name>`",
                    text.value
                ),
            ));
        }
    };
    Ok(Spanned::new(identity, text.span))
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
