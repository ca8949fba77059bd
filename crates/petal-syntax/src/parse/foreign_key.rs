//! Parsing foreign keys: a field's `references = "table.column"` and its
//! actions, and the struct's `foreign_key(columns(...), references =
//! "table(x, y)", ...)`, which says what the field's cannot (several
//! columns, a name, a comment, names that need quotes).

use petal_ir::FkAction;

use super::constraints::{STRUCT_FOREIGN_KEY, constraint_option};
use super::{Once, quoted_list, spanned_all, string, unknown};
use crate::ast::{ConstraintOptions, ForeignKeyAttr, Reference, Spanned};
use crate::diagnostic::{Diagnostic, Diagnostics, suggestion};
use crate::meta::MetaItem;

const FK_ACTIONS: &[&str] = &[
    "cascade",
    "set null",
    "restrict",
    "no action",
    "set default",
];
const FOREIGN_KEY_ATTRS: &[&str] = &[
    "columns",
    "references",
    "name",
    "on_delete",
    "on_update",
    "deferrable",
    "initially_deferred",
    "not_valid",
    "comment",
];

/// A field's `"table.column"` or `"schema.table.column"`.
pub fn parse_reference(text: &Spanned<String>) -> Result<Spanned<Reference>, Diagnostic> {
    let parts: Vec<&str> = text.value.split('.').map(str::trim).collect();
    let well_formed = parts
        .iter()
        .all(|p| !p.is_empty() && !p.contains(|c: char| c.is_whitespace() || c == '"' || c == '('));
    let (schema, table, column) = match parts.as_slice() {
        [table, column] if well_formed => (None, table, column),
        [schema, table, column] if well_formed => (Some(schema.to_string()), table, column),
        _ => {
            return Err(Diagnostic::new(
                text.span,
                format!(
                    "malformed `references = {:?}`: expected \"table.column\" or \
                     \"schema.table.column\" (a key of several columns, or names that need \
                     quotes: the struct's `foreign_key(...)`)",
                    text.value
                ),
            ));
        }
    };
    let reference = Reference {
        schema,
        table: table.to_string(),
        columns: vec![column.to_string()],
    };
    Ok(Spanned::new(reference, text.span))
}

/// The struct's `"table(x, y)"` or `"schema.table(x, y)"`: each name as
/// written (no case folding, as everywhere in the models), in double
/// quotes when it holds a space, a dot, a comma, a parenthesis or a quote
/// (doubled inside).
pub fn parse_target(text: &Spanned<String>) -> Result<Spanned<Reference>, Diagnostic> {
    target(&text.value)
        .map(|r| Spanned::new(r, text.span))
        .map_err(|why| {
            Diagnostic::new(
                text.span,
                format!(
                    "malformed `references = {:?}`: {why}; expected \"table(column, ...)\" or \
                     \"schema.table(column, ...)\", a name with a space, a dot, a comma, a \
                     parenthesis or a quote in double quotes (`r#\"\"Order Items\"(\"Item Id\")\"#`)",
                    text.value
                ),
            )
        })
}

fn target(text: &str) -> Result<Reference, String> {
    let (first, rest) = name(text)?;
    let (schema, table, rest) = match rest.trim_start().strip_prefix('.') {
        Some(after) => {
            let (table, rest) = name(after)?;
            (Some(first), table, rest)
        }
        None => (None, first, rest),
    };
    let rest = rest.trim_start();
    if rest.starts_with('.') {
        return Err("a table is named `table` or `schema.table`".to_string());
    }
    let mut rest = rest
        .strip_prefix('(')
        .ok_or("the referenced columns are missing")?;
    let mut columns = Vec::new();
    loop {
        let (column, after) = name(rest)?;
        columns.push(column);
        let after = after.trim_start();
        if let Some(next) = after.strip_prefix(',') {
            rest = next;
        } else if let Some(end) = after.strip_prefix(')') {
            if !end.trim().is_empty() {
                return Err(format!("`{}` follows the columns", end.trim()));
            }
            break;
        } else {
            return Err("the column list is not closed".to_string());
        }
    }
    Ok(Reference {
        schema,
        table,
        columns,
    })
}

/// One name at the start of `text` (leading spaces skipped): quoted, or
/// bare up to a space, dot, comma, parenthesis or quote.
fn name(text: &str) -> Result<(String, &str), String> {
    let text = text.trim_start();
    if let Some(quoted) = crate::spelling::quoted_prefix(text) {
        return quoted.map_err(str::to_string);
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | '(' | ')' | '"'))
        .unwrap_or(text.len());
    if end == 0 {
        return Err("a name is missing".to_string());
    }
    Ok((text[..end].to_string(), &text[end..]))
}

pub(crate) fn fk_action(item: &MetaItem) -> Result<Spanned<FkAction>, Diagnostic> {
    let text = string(item)?;
    match FkAction::parse(&text.value) {
        Some(action) => Ok(Spanned::new(action, text.span)),
        None => Err(Diagnostic::new(
            text.span,
            format!(
                "unknown `{}` action {:?}: expected one of {}{}",
                item.name,
                text.value,
                quoted_list(FK_ACTIONS),
                suggestion(&text.value.to_ascii_lowercase(), FK_ACTIONS)
            ),
        )),
    }
}

/// The struct's `foreign_key(columns(a, b), references = "t(x, y)", ...)`;
/// `None` when its `references` was malformed (and so reported).
pub(super) fn parse_foreign_key(
    item: &MetaItem,
    diags: &mut Diagnostics,
) -> Result<Option<ForeignKeyAttr>, Diagnostic> {
    let mut name = None;
    let mut columns = Vec::new();
    let mut references = None;
    let mut references_given = false;
    let (mut on_delete, mut on_update) = (None, None);
    let mut options = ConstraintOptions::default();
    let mut once = Once::default();
    let example = "columns(a, b), references = \"table(x, y)\"";
    for sub in item.list(example)? {
        let option = constraint_option(sub, &mut options, &mut once, STRUCT_FOREIGN_KEY);
        let result = match (option, sub.name.as_str()) {
            (Some(result), _) => result,
            (None, "columns") => once
                .check(sub)
                .and_then(|()| sub.names("a, b"))
                .map(|names| columns = spanned_all(names)),
            (None, "references") => once
                .check(sub)
                .inspect(|()| references_given = true)
                .and_then(|()| string(sub))
                .and_then(|v| parse_target(&v))
                .map(|r| references = Some(r)),
            (None, "name") => once
                .check(sub)
                .and_then(|()| string(sub))
                .map(|v| name = Some(v)),
            (None, "on_delete") => once
                .check(sub)
                .and_then(|()| fk_action(sub))
                .map(|a| on_delete = Some(a)),
            (None, "on_update") => once
                .check(sub)
                .and_then(|()| fk_action(sub))
                .map(|a| on_update = Some(a)),
            (None, other) => Err(unknown(
                "foreign_key",
                other,
                sub.name_span,
                FOREIGN_KEY_ATTRS,
            )),
        };
        if let Err(d) = result {
            diags.push(d);
        }
    }
    let Some(references) = references else {
        if references_given {
            return Ok(None);
        }
        return Err(Diagnostic::new(
            item.name_span,
            format!("a foreign key needs what it references: `foreign_key({example})`"),
        ));
    };
    if columns.is_empty() {
        return Err(Diagnostic::new(
            item.name_span,
            format!("a foreign key needs its columns: `foreign_key({example})`"),
        ));
    }
    Ok(Some(ForeignKeyAttr {
        span: item.name_span,
        name,
        columns,
        references,
        on_delete,
        on_update,
        options,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(schema: Option<&str>, table: &str, columns: &[&str]) -> Reference {
        Reference {
            schema: schema.map(str::to_string),
            table: table.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn targets_read_quoted_and_bare_names() {
        assert_eq!(
            target("customers(id)"),
            Ok(columns(None, "customers", &["id"]))
        );
        assert_eq!(
            target(" crm . Customers ( id , Region ) "),
            Ok(columns(Some("crm"), "Customers", &["id", "Region"]))
        );
        assert_eq!(
            target(r#""my schema"."Order Items"("Item Id", b, "a""b.c(d)")"#),
            Ok(columns(
                Some("my schema"),
                "Order Items",
                &["Item Id", "b", "a\"b.c(d)"]
            ))
        );
        assert_eq!(target("цены(код)"), Ok(columns(None, "цены", &["код"])));
    }

    #[test]
    fn malformed_targets_say_why() {
        for (text, why) in [
            ("customers.id", "the referenced columns are missing"),
            ("customers", "the referenced columns are missing"),
            ("customers()", "a name is missing"),
            ("customers(id", "the column list is not closed"),
            ("customers(id) x", "`x` follows the columns"),
            ("a.b.c(id)", "a table is named `table` or `schema.table`"),
            (r#""customers(id)"#, "a quote is not closed"),
            (r#"""(id)"#, "a quoted name is empty"),
            ("(id)", "a name is missing"),
            ("t(a,)", "a name is missing"),
        ] {
            assert_eq!(target(text), Err(why.to_string()), "{text}");
        }
    }
}
