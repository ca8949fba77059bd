//! Parse: a derive input's `#[petal(...)]` attributes → the typed AST.
//!
//! Every item is checked on its own here (known name, right kind of value,
//! well-formed `references`, known actions); checks that need the whole
//! model (duplicate columns, unknown column names) are in
//! [`crate::validate`]. Errors accumulate: a bad item is reported and
//! skipped, and parsing goes on.

use std::collections::BTreeMap;

use petal_ir::FkAction;
use proc_macro2::Span;
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields};

use crate::ast::{
    CheckAttr, EnumModel, FieldModel, IdentityAttr, IndexAttr, IndexKeyAttr, Reference, Spanned,
    TableModel, UniqueAttr, VariantModel,
};
use crate::diagnostic::{Diagnostic, Diagnostics, suggestion};
use crate::meta::{MetaItem, petal_items};

pub const TABLE_ATTRS: &[&str] = &[
    "table",
    "schema",
    "primary_key",
    "index",
    "unique",
    "check",
    "comment",
    "renamed_from",
];
pub const FIELD_ATTRS: &[&str] = &[
    "primary_key",
    "default",
    "sql_type",
    "references",
    "on_delete",
    "on_update",
    "unique",
    "index",
    "renamed_from",
    "comment",
    "skip",
    "identity",
    "column",
];
pub const ENUM_ATTRS: &[&str] = &["name", "schema", "renamed_from", "comment"];
pub const VARIANT_ATTRS: &[&str] = &["rename", "renamed_from"];
const INDEX_ATTRS: &[&str] = &[
    "columns",
    "expr",
    "name",
    "unique",
    "where",
    "method",
    "include",
    "nulls_not_distinct",
];
const UNIQUE_ATTRS: &[&str] = &["name", "columns", "nulls_not_distinct"];
const CHECK_ATTRS: &[&str] = &["name", "expr"];
const FK_ACTIONS: &[&str] = &[
    "cascade",
    "set null",
    "restrict",
    "no action",
    "set default",
];
const IDENTITIES: &[&str] = &["by default", "always", "none"];

/// Parses a `#[derive(Table)]` struct. The model comes back even when some
/// items were wrong (those are left out), so that validation can still
/// report the mistakes that do not depend on them.
pub fn parse_table(input: &DeriveInput) -> (TableModel, Vec<Diagnostic>) {
    let mut diags = Diagnostics::new();
    let mut model = TableModel {
        ident: input.ident.clone(),
        table: None,
        schema: None,
        primary_key: None,
        indexes: Vec::new(),
        uniques: Vec::new(),
        checks: Vec::new(),
        comment: None,
        renamed_from: None,
        fields: Vec::new(),
    };
    let mut once = Once::default();
    for item in petal_items(&input.attrs, &mut diags) {
        let result = match item.name.as_str() {
            "table" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| model.table = Some(v)),
            "schema" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| model.schema = Some(v)),
            "comment" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| model.comment = Some(v)),
            "renamed_from" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| model.renamed_from = Some(v)),
            "primary_key" => once.check(&item).and_then(|()| {
                let names = item.names("a, b")?;
                model.primary_key = Some(Spanned::new(spanned_all(names), item.name_span));
                Ok(())
            }),
            "index" => parse_index(&item, None, &mut diags).map(|ix| model.indexes.push(ix)),
            "unique" => parse_unique(&item, None, &mut diags).map(|u| model.uniques.push(u)),
            "check" => parse_check(&item, &mut diags).map(|c| model.checks.push(c)),
            other => Err(unknown("table", other, item.name_span, TABLE_ATTRS)),
        };
        if let Err(d) = result {
            diags.push(d);
        }
    }
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => {
                for field in &named.named {
                    if let Some(f) = parse_field(field, &mut model, &mut diags) {
                        model.fields.push(f);
                    }
                }
            }
            other => diags.error(
                other.span(),
                "a `Table` model needs named fields: `struct Order { id: i32, ... }`",
            ),
        },
        _ => diags.error(
            input.ident.span(),
            "`Table` can only be derived for a struct with named fields",
        ),
    }
    (model, diags.into_vec())
}

/// Parses a field; its `unique`/`index` items become table-level entries so
/// that declaration order is kept in one list.
fn parse_field(
    field: &syn::Field,
    table: &mut TableModel,
    diags: &mut Diagnostics,
) -> Option<FieldModel> {
    let ident = field.ident.clone()?;
    let mut f = FieldModel {
        ident,
        ty: field.ty.clone(),
        column: None,
        primary_key: None,
        default: None,
        sql_type: None,
        references: None,
        on_delete: None,
        on_update: None,
        unique: None,
        index: None,
        renamed_from: None,
        comment: None,
        skip: None,
        identity: None,
    };
    let column_name = |f: &FieldModel| Spanned::new(f.column_name(), f.ident.span());
    let mut once = Once::default();
    for item in petal_items(&field.attrs, diags) {
        let result = match item.name.as_str() {
            "column" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.column = Some(v)),
            "default" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.default = Some(v)),
            "sql_type" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.sql_type = Some(v)),
            "comment" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.comment = Some(v)),
            "renamed_from" => once
                .check(&item)
                .and_then(|()| string(&item))
                .map(|v| f.renamed_from = Some(v)),
            "primary_key" => once
                .check(&item)
                .and_then(|()| item.flag())
                .map(|s| f.primary_key = Some(s)),
            "skip" => once
                .check(&item)
                .and_then(|()| item.flag())
                .map(|s| f.skip = Some(s)),
            "references" => once
                .check(&item)
                .and_then(|()| string(&item))
                .and_then(|v| parse_reference(&v))
                .map(|r| f.references = Some(r)),
            "on_delete" => once
                .check(&item)
                .and_then(|()| fk_action(&item))
                .map(|a| f.on_delete = Some(a)),
            "on_update" => once
                .check(&item)
                .and_then(|()| fk_action(&item))
                .map(|a| f.on_update = Some(a)),
            "identity" => once
                .check(&item)
                .and_then(|()| identity(&item))
                .map(|i| f.identity = Some(i)),
            "unique" => once.check(&item).and_then(|()| {
                f.unique = Some(item.name_span);
                parse_unique(&item, Some(column_name(&f)), diags).map(|u| table.uniques.push(u))
            }),
            "index" => once.check(&item).and_then(|()| {
                f.index = Some(item.name_span);
                parse_index(&item, Some(column_name(&f)), diags).map(|ix| table.indexes.push(ix))
            }),
            other => Err(unknown("field", other, item.name_span, FIELD_ATTRS)),
        };
        if let Err(d) = result {
            diags.push(d);
        }
    }
    Some(f)
}

/// `index(...)` on the table, or `index` / `index(...)` on a field (whose
/// column is then the key).
fn parse_index(
    item: &MetaItem,
    field_column: Option<Spanned<String>>,
    diags: &mut Diagnostics,
) -> Result<IndexAttr, Diagnostic> {
    let mut ix = IndexAttr {
        span: item.name_span,
        name: None,
        keys: Vec::new(),
        include: Vec::new(),
        unique: false,
        predicate: None,
        method: None,
    };
    if let Some(col) = &field_column {
        ix.keys.push(Spanned::new(
            IndexKeyAttr::Column(col.value.clone()),
            col.span,
        ));
        if matches!(item.value, crate::meta::MetaValue::Flag) {
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
            "include" => once
                .check(sub)
                .and_then(|()| sub.names("c, d"))
                .map(|names| {
                    ix.include = spanned_all(names);
                }),
            "nulls_not_distinct" => Err(Diagnostic::new(
                sub.name_span,
                "`nulls_not_distinct` is not supported on indexes yet; use `unique(..., nulls_not_distinct)`",
            )),
            other => Err(unknown("index", other, sub.name_span, INDEX_ATTRS)),
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

fn parse_unique(
    item: &MetaItem,
    field_column: Option<Spanned<String>>,
    diags: &mut Diagnostics,
) -> Result<UniqueAttr, Diagnostic> {
    let mut u = UniqueAttr {
        span: item.name_span,
        name: None,
        columns: field_column.iter().cloned().collect(),
        nulls_not_distinct: false,
    };
    if field_column.is_some() && matches!(item.value, crate::meta::MetaValue::Flag) {
        return Ok(u);
    }
    let mut once = Once::default();
    for sub in item.list("name = \"...\", columns(a, b)")? {
        let result = match sub.name.as_str() {
            "columns" if field_column.is_none() => once
                .check(sub)
                .and_then(|()| sub.names("a, b"))
                .map(|names| u.columns = spanned_all(names)),
            "columns" => Err(Diagnostic::new(
                sub.name_span,
                "`columns` does not belong in a field's `unique(...)`: the field is the column",
            )),
            "name" => once
                .check(sub)
                .and_then(|()| string(sub))
                .map(|v| u.name = Some(v)),
            "nulls_not_distinct" => once
                .check(sub)
                .and_then(|()| sub.flag())
                .map(|_| u.nulls_not_distinct = true),
            other => Err(unknown("unique", other, sub.name_span, UNIQUE_ATTRS)),
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

fn parse_check(item: &MetaItem, diags: &mut Diagnostics) -> Result<CheckAttr, Diagnostic> {
    let mut name = None;
    let mut expr = None;
    let mut once = Once::default();
    for sub in item.list("name = \"...\", expr = \"...\"")? {
        let result = match sub.name.as_str() {
            "name" => once
                .check(sub)
                .and_then(|()| string(sub))
                .map(|v| name = Some(v)),
            "expr" => once
                .check(sub)
                .and_then(|()| string(sub))
                .map(|v| expr = Some(v)),
            other => Err(unknown("check", other, sub.name_span, CHECK_ATTRS)),
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
    })
}

/// Parses a `#[derive(DbEnum)]` enum, like [`parse_table`].
pub fn parse_enum(input: &DeriveInput) -> (EnumModel, Vec<Diagnostic>) {
    let mut diags = Diagnostics::new();
    let mut model = EnumModel {
        ident: input.ident.clone(),
        name: None,
        schema: None,
        renamed_from: None,
        comment: None,
        variants: Vec::new(),
    };
    let mut once = Once::default();
    for item in petal_items(&input.attrs, &mut diags) {
        let slot = match item.name.as_str() {
            "name" => &mut model.name,
            "schema" => &mut model.schema,
            "renamed_from" => &mut model.renamed_from,
            "comment" => &mut model.comment,
            other => {
                diags.push(unknown("enum", other, item.name_span, ENUM_ATTRS));
                continue;
            }
        };
        match once.check(&item).and_then(|()| string(&item)) {
            Ok(v) => *slot = Some(v),
            Err(d) => diags.push(d),
        }
    }
    let Data::Enum(data) = &input.data else {
        diags.error(
            input.ident.span(),
            "`DbEnum` can only be derived for an enum of unit variants",
        );
        return (model, diags.into_vec());
    };
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            diags.error(
                variant.ident.span(),
                format!(
                    "variant `{}` has fields; a `DbEnum` has unit variants only",
                    variant.ident
                ),
            );
        }
        let mut v = VariantModel {
            ident: variant.ident.clone(),
            rename: None,
            renamed_from: None,
        };
        let mut once = Once::default();
        for item in petal_items(&variant.attrs, &mut diags) {
            let slot = match item.name.as_str() {
                "rename" => &mut v.rename,
                "renamed_from" => &mut v.renamed_from,
                other => {
                    diags.push(unknown("variant", other, item.name_span, VARIANT_ATTRS));
                    continue;
                }
            };
            match once.check(&item).and_then(|()| string(&item)) {
                Ok(val) => *slot = Some(val),
                Err(d) => diags.push(d),
            }
        }
        model.variants.push(v);
    }
    (model, diags.into_vec())
}

/// `"table.column"` or `"schema.table.column"`.
pub fn parse_reference(text: &Spanned<String>) -> Result<Spanned<Reference>, Diagnostic> {
    let parts: Vec<&str> = text.value.split('.').map(str::trim).collect();
    let well_formed = parts
        .iter()
        .all(|p| !p.is_empty() && !p.contains(|c: char| c.is_whitespace() || c == '"' || c == '('));
    let reference = match parts.as_slice() {
        [table, column] if well_formed => Reference {
            schema: None,
            table: (*table).to_string(),
            column: (*column).to_string(),
        },
        [schema, table, column] if well_formed => Reference {
            schema: Some((*schema).to_string()),
            table: (*table).to_string(),
            column: (*column).to_string(),
        },
        _ => {
            return Err(Diagnostic::new(
                text.span,
                format!(
                    "malformed `references = {:?}`: expected \"table.column\" or \"schema.table.column\"",
                    text.value
                ),
            ));
        }
    };
    Ok(Spanned::new(reference, text.span))
}

fn fk_action(item: &MetaItem) -> Result<Spanned<FkAction>, Diagnostic> {
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

fn identity(item: &MetaItem) -> Result<Spanned<IdentityAttr>, Diagnostic> {
    let text = string(item)?;
    let norm = text.value.to_ascii_lowercase().replace(['_', '-'], " ");
    let value = match norm
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .as_str()
    {
        "by default" => IdentityAttr::ByDefault,
        "always" => IdentityAttr::Always,
        "none" => IdentityAttr::None,
        _ => {
            return Err(Diagnostic::new(
                text.span,
                format!(
                    "unknown `identity` {:?}: expected one of {}{}",
                    text.value,
                    quoted_list(IDENTITIES),
                    suggestion(&norm, IDENTITIES)
                ),
            ));
        }
    };
    Ok(Spanned::new(value, text.span))
}

fn string(item: &MetaItem) -> Result<Spanned<String>, Diagnostic> {
    item.string().map(|(v, s)| Spanned::new(v, s))
}

fn spanned_all(names: Vec<(String, Span)>) -> Vec<Spanned<String>> {
    names.into_iter().map(|(n, s)| Spanned::new(n, s)).collect()
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The message for a name that is not a known attribute.
fn unknown(kind: &str, name: &str, span: Span, known: &[&str]) -> Diagnostic {
    Diagnostic::new(
        span,
        format!(
            "unknown {kind} attribute `{name}`{}",
            suggestion(name, known)
        ),
    )
}

/// Rejects a setting given twice in one scope (`table = "a", table = "b"`).
#[derive(Default)]
struct Once {
    seen: BTreeMap<String, Span>,
}

impl Once {
    fn check(&mut self, item: &MetaItem) -> Result<(), Diagnostic> {
        if self.seen.contains_key(&item.name) {
            return Err(Diagnostic::new(
                item.name_span,
                format!("`{}` is given twice", item.name),
            ));
        }
        self.seen.insert(item.name.clone(), item.name_span);
        Ok(())
    }
}
