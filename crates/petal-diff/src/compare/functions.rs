//! Functions: what a change of a kept function takes.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Function, ObjectKey, QualifiedName};

use super::objects::Decision;
use crate::names::type_spelling;

/// The definition with the function's name as `to` is named, so that a
/// renamed function compares by what it does.
fn definition_named(function: &Function, name: &QualifiedName) -> String {
    let old = format!("{}(", type_spelling(&function.name));
    let new = format!("{}(", type_spelling(name));
    function.definition.replacen(&old, &new, 1)
}

/// Kept function `cur` becoming `to`: nothing, `CREATE OR REPLACE` (same
/// kind, arguments with their names and defaults, and result), or a drop
/// and a create.
pub(super) fn decide(cur: &Function, to: &Function) -> Decision {
    if definition_named(cur, &to.name) == to.definition {
        return Decision::Keep;
    }
    let same_signature =
        cur.kind == to.kind && cur.arguments == to.arguments && cur.result == to.result;
    if same_signature {
        Decision::Replace
    } else {
        Decision::Recreate
    }
}

/// The functions among `candidates` that `function`'s body calls by name,
/// when it is a `LANGUAGE sql` string body: PostgreSQL checks such a body
/// against the catalogs when the function is created but records no
/// dependency of it, so what it calls must be created first all the same.
/// A call is a name followed by `(`, schema-qualified or not (unqualified:
/// any schema's); a name in the body that is no call of a candidate (a
/// column, a built-in) matches nothing.
pub(super) fn body_calls<'a>(
    function: &Function,
    candidates: &BTreeMap<&str, Vec<&'a ObjectKey>>,
) -> Vec<&'a ObjectKey> {
    if !function.has_checked_string_body() {
        return Vec::new();
    }
    let body = function
        .definition
        .find("\nAS ")
        .map_or(function.definition.as_str(), |at| {
            &function.definition[at..]
        });
    let own = ObjectKey::function(&function.key());
    let mut out = Vec::new();
    for (schema, name) in called_names(body) {
        for key in candidates.get(name.as_str()).into_iter().flatten() {
            let ObjectKey::Function { name: called, .. } = key else {
                continue;
            };
            let in_schema = schema.as_ref().is_none_or(|s| *s == called.schema);
            if in_schema && **key != own && !out.contains(key) {
                out.push(*key);
            }
        }
    }
    out
}

/// The function keys of `keys` by their unqualified name, for
/// [`body_calls`].
pub(super) fn by_name<'a>(
    keys: impl IntoIterator<Item = &'a ObjectKey>,
) -> BTreeMap<&'a str, Vec<&'a ObjectKey>> {
    let mut out: BTreeMap<&str, Vec<&ObjectKey>> = BTreeMap::new();
    for key in keys {
        if let ObjectKey::Function { name, .. } = key {
            out.entry(name.name.as_str()).or_default().push(key);
        }
    }
    out
}

/// A token of a SQL body, as far as telling calls apart needs.
#[derive(PartialEq)]
enum Token {
    Name(String),
    Dot,
    Open,
    Other,
}

/// The `(schema, name)` of every `name(` or `schema.name(` in `body`, names
/// as PostgreSQL folds them (unquoted: lower case); string literals skipped.
fn called_names(body: &str) -> BTreeSet<(Option<String>, String)> {
    let mut tokens = Vec::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '\'' => {
                // '' inside a literal closes and reopens it: the same skip.
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                }
                tokens.push(Token::Other);
            }
            '"' => {
                let mut name = String::new();
                while let Some(c) = chars.next() {
                    if c == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    name.push(c);
                }
                tokens.push(Token::Name(name));
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut name = c.to_lowercase().collect::<String>();
                while let Some(&c) = chars.peek() {
                    if !(c.is_alphanumeric() || c == '_' || c == '$') {
                        break;
                    }
                    name.extend(c.to_lowercase());
                    chars.next();
                }
                tokens.push(Token::Name(name));
            }
            '.' => tokens.push(Token::Dot),
            '(' => tokens.push(Token::Open),
            _ => tokens.push(Token::Other),
        }
    }
    let mut out = BTreeSet::new();
    for (at, token) in tokens.iter().enumerate() {
        let Some(Token::Name(name)) = at.checked_sub(1).map(|i| &tokens[i]) else {
            continue;
        };
        if *token != Token::Open {
            continue;
        }
        let schema = match (
            at.checked_sub(2).map(|i| &tokens[i]),
            at.checked_sub(3).map(|i| &tokens[i]),
        ) {
            (Some(Token::Dot), Some(Token::Name(schema))) => Some(schema.clone()),
            _ => None,
        };
        out.insert((schema, name.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_names_before_a_parenthesis() {
        let names = called_names(
            "AS $function$ SELECT z_helper(input) || public.\"Up\" (x) || 'no(' || count(*) $function$",
        );
        let expected = BTreeSet::from([
            (None, "z_helper".to_string()),
            (Some("public".to_string()), "Up".to_string()),
            (None, "count".to_string()),
        ]);
        assert_eq!(names, expected);
    }
}
