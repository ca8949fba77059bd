//! Parsing the constraints a model declares: the primary key, uniques,
//! checks and exclusions (foreign keys are `foreign_key.rs`'s), and the options the constraint kinds share
//! (`deferrable`, `initially_deferred`, `not_valid`, `no_inherit`,
//! `comment`), each kind taking those PostgreSQL allows it.

use petal_ir::Deferrable;

use super::{Once, spanned_all, string, unknown};
use crate::ast::{
    CheckAttr, ConstraintOptions, ExclusionAttr, IndexKeyAttr, Spanned, TableModel, UniqueAttr,
};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::meta::{MetaItem, MetaValue};

const PRIMARY_KEY_ATTRS: &[&str] = &[
    "columns",
    "name",
    "deferrable",
    "initially_deferred",
    "comment",
];
const FIELD_PRIMARY_KEY_ATTRS: &[&str] = &["name", "deferrable", "initially_deferred", "comment"];
const UNIQUE_ATTRS: &[&str] = &[
    "name",
    "columns",
    "nulls_not_distinct",
    "deferrable",
    "initially_deferred",
    "comment",
];
const CHECK_ATTRS: &[&str] = &["name", "expr", "not_valid", "no_inherit", "comment"];
const EXCLUDE_ATTRS: &[&str] = &[
    "name",
    "using",
    "elements",
    "element",
    "where",
    "deferrable",
    "initially_deferred",
    "comment",
];

/// Which of the shared options a constraint kind takes.
#[derive(Clone, Copy)]
pub(super) struct Takes {
    pub deferrable: bool,
    pub not_valid: bool,
    pub no_inherit: bool,
    pub comment: bool,
}

/// Keys: deferrable, commented.
pub(super) const KEY: Takes = Takes {
    deferrable: true,
    not_valid: false,
    no_inherit: false,
    comment: true,
};
/// A field's foreign key: deferrable, `NOT VALID`; the field's `comment`
/// is its column's.
pub(super) const FOREIGN_KEY: Takes = Takes {
    deferrable: true,
    not_valid: true,
    no_inherit: false,
    comment: false,
};
/// The struct's `foreign_key(...)`: deferrable, `NOT VALID`, commented.
pub(super) const STRUCT_FOREIGN_KEY: Takes = Takes {
    deferrable: true,
    not_valid: true,
    no_inherit: false,
    comment: true,
};
const CHECK: Takes = Takes {
    deferrable: false,
    not_valid: true,
    no_inherit: true,
    comment: true,
};

/// Reads `item` into `options` when it is an option `takes` allows:
/// `Some(result)` then, `None` when it is something else. `deferrable`
/// alone is initially immediate; `initially_deferred` implies it.
pub(super) fn constraint_option(
    item: &MetaItem,
    options: &mut ConstraintOptions,
    once: &mut Once,
    takes: Takes,
) -> Option<Result<(), Diagnostic>> {
    let result = match item.name.as_str() {
        "deferrable" | "initially_deferred" if takes.deferrable => {
            once.check(item).and_then(|()| item.flag()).map(|span| {
                let wanted = if item.name == "deferrable" {
                    Deferrable::InitiallyImmediate
                } else {
                    Deferrable::InitiallyDeferred
                };
                // `deferrable, initially_deferred` says the same as the
                // second alone.
                if options.deferrable.as_ref().map(|d| d.value)
                    != Some(Deferrable::InitiallyDeferred)
                {
                    options.deferrable = Some(Spanned::new(wanted, span));
                }
            })
        }
        "not_valid" if takes.not_valid => once
            .check(item)
            .and_then(|()| item.flag())
            .map(|span| options.not_valid = Some(span)),
        "no_inherit" if takes.no_inherit => once
            .check(item)
            .and_then(|()| item.flag())
            .map(|span| options.no_inherit = Some(span)),
        "comment" if takes.comment => once
            .check(item)
            .and_then(|()| string(item))
            .map(|c| options.comment = Some(c)),
        _ => return None,
    };
    Some(result)
}

/// The struct's `primary_key(a, b)`, or `primary_key(columns(a, b), name =
/// "...", deferrable, comment = "...")` when it says more than its columns.
pub(super) fn parse_primary_key(
    item: &MetaItem,
    model: &mut TableModel,
    diags: &mut Diagnostics,
) -> Result<(), Diagnostic> {
    let items = item.list("a, b")?;
    // `primary_key(a, name = "k")`: an option with a value says it is not
    // the short form, whose items are all names.
    let with_options = items.iter().any(|sub| {
        (sub.name == "columns" && matches!(sub.value, MetaValue::List(_)))
            || matches!(sub.value, MetaValue::Lit(_))
    });
    if !with_options {
        let names = item.names("a, b")?;
        model.primary_key = Some(Spanned::new(spanned_all(names), item.name_span));
        return Ok(());
    }
    let mut once = Once::default();
    let mut columns = Vec::new();
    // A malformed `columns(...)` is reported; an empty key would be a
    // follow-up error.
    let columns_given = items.iter().any(|sub| sub.name == "columns");
    for sub in items {
        let option = constraint_option(sub, &mut model.primary_key_options, &mut once, KEY);
        let result = match (option, sub.name.as_str()) {
            (Some(result), _) => result,
            (None, "columns") => once
                .check(sub)
                .and_then(|()| sub.names("a, b"))
                .map(|names| columns = spanned_all(names)),
            (None, "name") => once
                .check(sub)
                .and_then(|()| string(sub))
                .map(|v| model.primary_key_name = Some(v)),
            (None, other) => Err(unknown(
                "primary_key",
                other,
                sub.name_span,
                PRIMARY_KEY_ATTRS,
            )),
        };
        if let Err(d) = result {
            diags.push(d);
        }
    }
    if !columns_given {
        return Err(Diagnostic::new(
            item.name_span,
            "beside its options, a primary key on the struct needs its columns: \
             `primary_key(columns(a, b), name = \"...\")`",
        ));
    }
    model.primary_key = Some(Spanned::new(columns, item.name_span));
    Ok(())
}

/// A field's `primary_key`, or `primary_key(name = "...", deferrable,
/// comment = "...")`.
pub(super) fn parse_field_primary_key(
    item: &MetaItem,
    model: &mut TableModel,
    diags: &mut Diagnostics,
) -> Result<proc_macro2::Span, Diagnostic> {
    if matches!(item.value, MetaValue::Flag) {
        return Ok(item.name_span);
    }
    let mut once = Once::default();
    for sub in item.list("deferrable, comment = \"...\"")? {
        let option = constraint_option(sub, &mut model.primary_key_options, &mut once, KEY);
        let result = match (option, sub.name.as_str()) {
            (Some(result), _) => result,
            (None, "name") => once
                .check(sub)
                .and_then(|()| string(sub))
                .map(|v| model.primary_key_name = Some(v)),
            (None, other) => Err(unknown(
                "primary_key",
                other,
                sub.name_span,
                FIELD_PRIMARY_KEY_ATTRS,
            )),
        };
        if let Err(d) = result {
            diags.push(d);
        }
    }
    Ok(item.name_span)
}

pub(super) fn parse_unique(
    item: &MetaItem,
    field_column: Option<Spanned<String>>,
    diags: &mut Diagnostics,
) -> Result<UniqueAttr, Diagnostic> {
    let mut u = UniqueAttr {
        span: item.name_span,
        on_field: field_column.is_some(),
        name: None,
        columns: field_column.iter().cloned().collect(),
        nulls_not_distinct: false,
        options: ConstraintOptions::default(),
    };
    if field_column.is_some() && matches!(item.value, MetaValue::Flag) {
        return Ok(u);
    }
    let mut once = Once::default();
    for sub in item.list("name = \"...\", columns(a, b)")? {
        let option = constraint_option(sub, &mut u.options, &mut once, KEY);
        let result = match (option, sub.name.as_str()) {
            (Some(result), _) => result,
            (None, "columns") if field_column.is_none() => once
                .check(sub)
                .and_then(|()| sub.names("a, b"))
                .map(|names| u.columns = spanned_all(names)),
            (None, "columns") => Err(Diagnostic::new(
                sub.name_span,
                "`columns` does not belong in a field's `unique(...)`: the field is the column",
            )),
            (None, "name") => once
                .check(sub)
                .and_then(|()| string(sub))
                .map(|v| u.name = Some(v)),
            (None, "nulls_not_distinct") => once
                .check(sub)
                .and_then(|()| sub.flag())
                .map(|_| u.nulls_not_distinct = true),
            (None, other) => Err(unknown("unique", other, sub.name_span, UNIQUE_ATTRS)),
        };
        if let Err(d) = result {
            diags.push(d);
        }
    }
    if u.columns.is_empty() {
        return Err(Diagnostic::new(
            item.name_span,
            "a unique constraint needs columns: `unique(columns(a, b))`",
        ));
    }
    Ok(u)
}

pub(super) fn parse_check(
    item: &MetaItem,
    diags: &mut Diagnostics,
) -> Result<CheckAttr, Diagnostic> {
    let mut name = None;
    let mut expr = None;
    let mut options = ConstraintOptions::default();
    let mut once = Once::default();
    for sub in item.list("name = \"...\", expr = \"...\"")? {
        let option = constraint_option(sub, &mut options, &mut once, CHECK);
        let result = match (option, sub.name.as_str()) {
            (Some(result), _) => result,
            (None, "name") => once
                .check(sub)
                .and_then(|()| string(sub))
                .map(|v| name = Some(v)),
            (None, "expr") => once
                .check(sub)
                .and_then(|()| string(sub))
                .map(|v| expr = Some(v)),
            (None, other) => Err(unknown("check", other, sub.name_span, CHECK_ATTRS)),
        };
        if let Err(d) = result {
            diags.push(d);
        }
    }
    let expr = expr.ok_or_else(|| {
        Diagnostic::new(
            item.name_span,
            "a check constraint needs its expression: `check(expr = \"total >= 0\")`",
        )
    })?;
    Ok(CheckAttr {
        span: item.name_span,
        name,
        expr,
        options,
    })
}

/// `exclude(using = "gist", elements(room = "=", during = "&&"),
/// element(expr = "tstzrange(starts, ends)", with = "&&"), where = "...",
/// name = "...", deferrable, comment = "...")`.
pub(super) fn parse_exclusion(
    item: &MetaItem,
    diags: &mut Diagnostics,
) -> Result<ExclusionAttr, Diagnostic> {
    let mut x = ExclusionAttr {
        span: item.name_span,
        name: None,
        using: None,
        elements: Vec::new(),
        predicate: None,
        options: ConstraintOptions::default(),
    };
    let mut once = Once::default();
    for sub in item.list("using = \"gist\", elements(room = \"=\", during = \"&&\")")? {
        let option = constraint_option(sub, &mut x.options, &mut once, KEY);
        let result = match (option, sub.name.as_str()) {
            (Some(result), _) => result,
            (None, "name") => once
                .check(sub)
                .and_then(|()| string(sub))
                .map(|v| x.name = Some(v)),
            (None, "using") => once
                .check(sub)
                .and_then(|()| string(sub))
                .map(|v| x.using = Some(v)),
            (None, "where") => once
                .check(sub)
                .and_then(|()| string(sub))
                .map(|v| x.predicate = Some(v)),
            (None, "elements") => sub.list("room = \"=\"").and_then(|columns| {
                for column in columns {
                    let operator = string(column)?;
                    let key = IndexKeyAttr::Column(column.name.clone());
                    let key = Spanned::new(key, column.name_span);
                    x.elements.push((key, operator.value));
                }
                Ok(())
            }),
            (None, "element") => expression_element(sub).map(|e| x.elements.push(e)),
            (None, other) => Err(unknown("exclude", other, sub.name_span, EXCLUDE_ATTRS)),
        };
        if let Err(d) = result {
            diags.push(d);
        }
    }
    if x.elements.is_empty() {
        return Err(Diagnostic::new(
            item.name_span,
            "an exclusion constraint needs elements: `exclude(using = \"gist\", \
             elements(room = \"=\", during = \"&&\"))`",
        ));
    }
    Ok(x)
}

/// `element(expr = "tstzrange(starts, ends)", with = "&&")`.
fn expression_element(item: &MetaItem) -> Result<(Spanned<IndexKeyAttr>, String), Diagnostic> {
    let example = "expr = \"...\", with = \"&&\"";
    let mut expr = None;
    let mut operator = None;
    for sub in item.list(example)? {
        match sub.name.as_str() {
            "expr" => expr = Some(string(sub)?),
            "with" => operator = Some(string(sub)?.value),
            other => return Err(unknown("element", other, sub.name_span, &["expr", "with"])),
        }
    }
    match (expr, operator) {
        (Some(expr), Some(operator)) => Ok((
            Spanned::new(IndexKeyAttr::Expr(expr.value), expr.span),
            operator,
        )),
        _ => Err(Diagnostic::new(
            item.name_span,
            format!("an expression element needs both: `element({example})`"),
        )),
    }
}
