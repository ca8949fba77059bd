//! Validate: checks that need a whole model (duplicate columns, unknown
//! column names, two primary keys, settings on skipped fields). Item-level
//! checks happened in [`crate::parse`]; what is left is accumulated here.

use std::collections::BTreeMap;

use crate::ast::{EnumModel, IndexKeyAttr, Spanned, TableModel, UnrawString};
use crate::diagnostic::{Diagnostic, Diagnostics, suggestion};

/// `parse_failed`: parsing reported errors, so a missing `table` is most
/// likely a misspelled one, already reported.
pub fn validate_table(model: &TableModel, parse_failed: bool) -> Result<(), Vec<Diagnostic>> {
    let mut diags = Diagnostics::new();
    if model.table.is_none() && !parse_failed {
        diags.error(
            model.ident.span(),
            format!(
                "`{}` has no table name: add `#[petal(table = \"...\")]`",
                model.ident
            ),
        );
    }
    check_skipped_fields(model, &mut diags);
    check_duplicate_columns(model, &mut diags);
    check_primary_keys(model, &mut diags);
    check_column_lists(model, &mut diags);
    for f in model.columns() {
        if f.references.is_none() {
            for action in [&f.on_delete, &f.on_update].into_iter().flatten() {
                diags.error(
                    action.span,
                    format!(
                        "`on_delete`/`on_update` on `{}`, which has no `references = \"table.column\"`",
                        f.ident
                    ),
                );
            }
        }
        if let (Some(identity), Some(default)) = (&f.identity, &f.default)
            && identity.value != crate::ast::IdentityAttr::None
        {
            diags.error(
                default.span,
                format!(
                    "`{}` has both a `default` and an `identity`; PostgreSQL allows one or the other",
                    f.ident
                ),
            );
        }
    }
    diags.finish(())
}

fn check_skipped_fields(model: &TableModel, diags: &mut Diagnostics) {
    for f in model.fields.iter().filter(|f| f.skip.is_some()) {
        let settings = [
            ("default", f.default.as_ref().map(|d| d.span)),
            ("column", f.column.as_ref().map(|d| d.span)),
            ("sql_type", f.sql_type.as_ref().map(|d| d.span)),
            ("references", f.references.as_ref().map(|d| d.span)),
            ("primary_key", f.primary_key),
            ("unique", f.unique),
            ("index", f.index),
            ("identity", f.identity.as_ref().map(|d| d.span)),
            ("comment", f.comment.as_ref().map(|d| d.span)),
            ("renamed_from", f.renamed_from.as_ref().map(|d| d.span)),
        ];
        for (name, span) in settings {
            if let Some(span) = span {
                diags.error(
                    span,
                    format!(
                        "`{name}` on `{}`, a `skip` field: a skipped field is not a column",
                        f.ident
                    ),
                );
            }
        }
    }
}

fn check_duplicate_columns(model: &TableModel, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for f in model.columns() {
        let name = f.column_name();
        let span = f.column.as_ref().map_or_else(|| f.span(), |c| c.span);
        match seen.get(&name) {
            Some(first) => diags.error(
                span,
                format!("duplicate column name `{name}`: field `{first}` is already that column"),
            ),
            None => {
                seen.insert(name, f.ident.unraw_string());
            }
        }
    }
}

fn check_primary_keys(model: &TableModel, diags: &mut Diagnostics) {
    let mut first: Option<String> = model
        .primary_key
        .as_ref()
        .map(|_| "the struct's `primary_key(...)`".to_string());
    for f in model.columns() {
        let Some(span) = f.primary_key else { continue };
        match &first {
            Some(existing) => diags.error(
                span,
                format!(
                    "two primary keys: {existing} is already the primary key; for a composite key write `#[petal(primary_key(a, b))]` on the struct"
                ),
            ),
            None => first = Some(format!("field `{}`", f.ident)),
        }
    }
}

fn check_column_lists(model: &TableModel, diags: &mut Diagnostics) {
    let columns: Vec<String> = model.columns().map(|f| f.column_name()).collect();
    let known: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut check = |what: &str, name: &Spanned<String>| {
        if model.resolve_column(&name.value).is_none() {
            diags.error(
                name.span,
                format!(
                    "{what} names unknown column `{}`{}",
                    name.value,
                    suggestion(&name.value, &known)
                ),
            );
        }
    };
    if let Some(pk) = &model.primary_key {
        for c in &pk.value {
            check("`primary_key`", c);
        }
    }
    for u in &model.uniques {
        for c in &u.columns {
            check("`unique`", c);
        }
    }
    for ix in &model.indexes {
        for key in &ix.keys {
            if let IndexKeyAttr::Column(c) = &key.value {
                check("`index`", &Spanned::new(c.clone(), key.span));
            }
        }
        for c in &ix.include {
            check("`index(include(...))`", c);
        }
    }
}

pub fn validate_enum(model: &EnumModel) -> Result<(), Vec<Diagnostic>> {
    let mut diags = Diagnostics::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for v in &model.variants {
        let label = v.label();
        let span = v.rename.as_ref().map_or_else(|| v.ident.span(), |r| r.span);
        if label.is_empty() {
            diags.error(span, "an enum label cannot be empty");
        }
        match seen.get(&label) {
            Some(first) => diags.error(
                span,
                format!("duplicate label `{label}`: variant `{first}` already has it"),
            ),
            None => {
                seen.insert(label, v.ident.to_string());
            }
        }
    }
    diags.finish(())
}
