//! Parsing indexes: the struct's `index(...)` and a field's `index` or
//! `index(...)`, with the settings of their keys (`opclass`, `collation`,
//! `order`), each for every key or for the key on one column.

use super::table_options::storage_parameters;
use super::{Once, spanned_all, string, unknown};
use crate::ast::{IndexAttr, IndexKeyAttr, KeyOption, KeyOrder, Spanned};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::meta::{MetaItem, MetaValue};

const INDEX_ATTRS: &[&str] = &[
    "columns",
    "expr",
    "name",
    "unique",
    "where",
    "method",
    "include",
    "nulls_not_distinct",
    "opclass",
    "collation",
    "order",
    "concurrently",
    "with",
    "comment",
];

/// `index(...)` on the table, or `index` / `index(...)` on a field (whose
/// column is then the key).
pub(super) fn parse_index(
    item: &MetaItem,
    field_column: Option<Spanned<String>>,
    diags: &mut Diagnostics,
) -> Result<IndexAttr, Diagnostic> {
    let mut ix = IndexAttr {
        span: item.name_span,
        on_field: field_column.is_some(),
        name: None,
        keys: Vec::new(),
        include: Vec::new(),
        unique: false,
        predicate: None,
        method: None,
        opclass: Vec::new(),
        collation: Vec::new(),
        order: Vec::new(),
        nulls_not_distinct: None,
        concurrently: false,
        storage: None,
        comment: None,
    };
    if let Some(col) = &field_column {
        ix.keys.push(Spanned::new(
            IndexKeyAttr::Column(col.value.clone()),
            col.span,
        ));
        if matches!(item.value, MetaValue::Flag) {
            return Ok(ix);
        }
    }
    let mut once = Once::default();
    for sub in item.list("columns(a, b), name = \"...\"")? {
        let result = match sub.name.as_str() {
            "columns" if field_column.is_none() => sub.names("a, b").map(|names| {
                for (n, s) in names {
                    ix.keys.push(Spanned::new(IndexKeyAttr::Column(n), s));
                }
            }),
            "expr" if field_column.is_none() => string(sub).map(|e| {
                ix.keys
                    .push(Spanned::new(IndexKeyAttr::Expr(e.value), e.span))
            }),
            "columns" | "expr" => Err(Diagnostic::new(
                sub.name_span,
                format!(
                    "`{}` does not belong in a field's `index(...)`: the field is the key",
                    sub.name
                ),
            )),
            "opclass" => key_options(sub, |v| Ok(v.value)).map(|o| ix.opclass.extend(o)),
            "collation" => key_options(sub, |v| Ok(v.value)).map(|o| ix.collation.extend(o)),
            "order" => key_options(sub, key_order).map(|o| ix.order.extend(o)),
            _ => index_setting(sub, &mut ix, &mut once),
        };
        if let Err(d) = result {
            diags.push(d);
        }
    }
    if ix.keys.is_empty() {
        return Err(Diagnostic::new(
            item.name_span,
            "an index needs keys: `index(columns(a, b))` or `index(expr = \"lower(email)\")`",
        ));
    }
    Ok(ix)
}

/// An index's settings that are given once: its name, predicate, method,
/// flags, included columns, storage parameters, comment.
fn index_setting(sub: &MetaItem, ix: &mut IndexAttr, once: &mut Once) -> Result<(), Diagnostic> {
    match sub.name.as_str() {
        "name" => once
            .check(sub)
            .and_then(|()| string(sub))
            .map(|v| ix.name = Some(v)),
        "where" => once
            .check(sub)
            .and_then(|()| string(sub))
            .map(|v| ix.predicate = Some(v)),
        "method" => once
            .check(sub)
            .and_then(|()| string(sub))
            .map(|v| ix.method = Some(v)),
        "unique" => once
            .check(sub)
            .and_then(|()| sub.flag())
            .map(|_| ix.unique = true),
        "nulls_not_distinct" => once
            .check(sub)
            .and_then(|()| sub.flag())
            .map(|span| ix.nulls_not_distinct = Some(span)),
        "concurrently" => once
            .check(sub)
            .and_then(|()| sub.flag())
            .map(|_| ix.concurrently = true),
        "include" => once
            .check(sub)
            .and_then(|()| sub.names("c, d"))
            .map(|names| ix.include = spanned_all(names)),
        "with" => once
            .check(sub)
            .and_then(|()| string(sub))
            .and_then(|v| storage_parameters(&v))
            .map(|v| ix.storage = Some(v)),
        "comment" => once
            .check(sub)
            .and_then(|()| string(sub))
            .map(|v| ix.comment = Some(v)),
        other => Err(unknown("index", other, sub.name_span, INDEX_ATTRS)),
    }
}

/// `opclass = "x"` (every key) or `opclass(a = "x", b = "y")` (by column),
/// each value read by `read`.
fn key_options<T>(
    item: &MetaItem,
    read: impl Fn(Spanned<String>) -> Result<T, Diagnostic>,
) -> Result<Vec<KeyOption<T>>, Diagnostic> {
    let value = |item: &MetaItem| -> Result<Spanned<T>, Diagnostic> {
        let text = string(item)?;
        let span = text.span;
        Ok(Spanned::new(read(text)?, span))
    };
    if let MetaValue::Lit(_) = item.value {
        return Ok(vec![KeyOption {
            column: None,
            value: value(item)?,
        }]);
    }
    let example = format!(
        "{} = \"...\"` or `{}(column = \"...\")",
        item.name, item.name
    );
    item.list(&example)?
        .iter()
        .map(|sub| {
            Ok(KeyOption {
                column: Some(Spanned::new(sub.name.clone(), sub.name_span)),
                value: value(sub)?,
            })
        })
        .collect()
}

const ORDERS: &str = "`asc` or `desc`, then `nulls first` or `nulls last` if need be \
                      (`desc nulls last`)";

/// `asc`, `desc`, either followed by `nulls first` or `nulls last`, or
/// the latter alone (ascending): as SQL writes a key's order, in any case.
fn key_order(text: Spanned<String>) -> Result<KeyOrder, Diagnostic> {
    let lower = text.value.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let (descending, nulls) = match words.as_slice() {
        ["asc", rest @ ..] => (false, rest),
        ["desc", rest @ ..] => (true, rest),
        rest => (false, rest),
    };
    // NULLs sort as if larger than any value: first when descending.
    let nulls_first = match nulls {
        [] if !words.is_empty() => descending,
        ["nulls", "first"] => true,
        ["nulls", "last"] => false,
        _ => {
            return Err(Diagnostic::new(
                text.span,
                format!("unknown key order {:?}: expected {ORDERS}", text.value),
            ));
        }
    };
    Ok(KeyOrder {
        descending,
        nulls_first,
    })
}

#[cfg(test)]
mod tests {
    use proc_macro2::Span;

    use super::*;

    fn order(text: &str) -> Result<(bool, bool), String> {
        key_order(Spanned::new(text.to_string(), Span::call_site()))
            .map(|o| (o.descending, o.nulls_first))
            .map_err(|d| d.message)
    }

    #[test]
    fn key_orders_read_as_sql_writes_them() {
        assert_eq!(order("asc"), Ok((false, false)));
        assert_eq!(order("DESC"), Ok((true, true)));
        assert_eq!(order("desc  nulls last"), Ok((true, false)));
        assert_eq!(order("asc nulls first"), Ok((false, true)));
        assert_eq!(order("nulls first"), Ok((false, true)));
        assert_eq!(order("nulls last"), Ok((false, false)));
        for bad in ["", "descending", "desc nulls", "nulls", "asc desc", "first"] {
            let message = order(bad).err().unwrap_or_default();
            assert!(
                message.starts_with("unknown key order"),
                "{bad:?}: {message}"
            );
        }
    }
}
