//! Validate: checks that need a whole model (duplicate columns, unknown
//! column names, two primary keys, settings on skipped fields, names two
//! constraints share). Item-level
//! checks happened in [`crate::parse`]; what is left is accumulated here.

mod constraints;

use std::collections::BTreeMap;

use petal_ir::MAX_IDENTIFIER_BYTES;

use crate::ast::{EnumModel, FieldModel, IndexKeyAttr, Spanned, TableModel, UnrawString};
use crate::diagnostic::{Diagnostic, Diagnostics, suggestion};

pub use constraints::check_identifier;
use constraints::{check_duplicate_names, check_foreign_keys, check_indexes, check_names};

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
    check_names(model, &mut diags);
    check_duplicate_names(model, &mut diags);
    check_skipped_fields(model, &mut diags);
    check_duplicate_columns(model, &mut diags);
    check_primary_keys(model, &mut diags);
    check_column_lists(model, &mut diags);
    check_foreign_keys(model, &mut diags);
    check_indexes(model, &mut diags);
    check_partitioned(model, &mut diags);
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
            check_foreign_key_options(f, &mut diags);
        }
        if let Some(generated) = &f.generated {
            let clashes = [
                ("default", f.default.is_some()),
                (
                    "identity",
                    f.identity
                        .as_ref()
                        .is_some_and(|i| i.value != crate::ast::IdentityAttr::None),
                ),
            ];
            for (what, present) in clashes {
                if present {
                    diags.error(
                        generated.span,
                        format!(
                            "`{}` is `generated` and has a `{what}`: a generated column is computed, PostgreSQL allows no {what} on it",
                            f.ident
                        ),
                    );
                }
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

/// A partitioned table holds no rows of its own: PostgreSQL refuses it
/// storage parameters, and from 18 on `UNLOGGED` (before, it meant
/// nothing).
fn check_partitioned(model: &TableModel, diags: &mut Diagnostics) {
    if model.partition_by.is_none() {
        return;
    }
    if let Some(unlogged) = model.unlogged {
        diags.error(
            unlogged,
            "a partitioned table cannot be `unlogged`: it holds no rows; make its partitions \
             unlogged (`CREATE UNLOGGED TABLE ... PARTITION OF`) in the SQL files",
        );
    }
    if let Some(storage) = &model.storage {
        diags.error(
            storage.span,
            "a partitioned table takes no storage parameters (`with`): it holds no rows; set \
             them on its partitions in the SQL files",
        );
    }
}

/// `deferrable`, `initially_deferred` and `not_valid` on a field say how
/// its foreign key behaves, so a field without `references` cannot have
/// them; a deferrable key says so inside its own attribute.
fn check_foreign_key_options(f: &FieldModel, diags: &mut Diagnostics) {
    let options = &f.foreign_key;
    let deferrable = options.deferrable.as_ref().map(|d| {
        let word = match d.value {
            petal_ir::Deferrable::InitiallyDeferred => "initially_deferred",
            _ => "deferrable",
        };
        (word, d.span)
    });
    let not_valid = options.not_valid.map(|span| ("not_valid", span));
    for (what, span) in deferrable.into_iter().chain(not_valid) {
        let hint = if what == "not_valid" {
            "a check `NOT VALID` is `check(expr = \"...\", not_valid)`"
        } else {
            "a deferrable key is `primary_key(deferrable)` or `unique(deferrable)`"
        };
        diags.error(
            span,
            format!(
                "`{what}` on `{}`, which has no `references = \"table.column\"`: on a field it is \
                 the foreign key's ({hint})",
                f.ident
            ),
        );
    }
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
            ("generated", f.generated.as_ref().map(|d| d.span)),
            ("sequence", f.sequence.as_ref().map(|d| d.span)),
            ("collation", f.collation.as_ref().map(|d| d.span)),
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
    let skipped = |name: &str| {
        model.fields.iter().any(|f| {
            f.skip.is_some() && (f.column_name() == name || f.ident.unraw_string() == name)
        })
    };
    let mut check = |what: &str, name: &Spanned<String>| {
        if model.resolve_column(&name.value).is_some() {
            return;
        }
        let message = if skipped(&name.value) {
            format!(
                "{what} names `{}`, a `skip` field, which is not a column",
                name.value
            )
        } else if what == "`primary_key`"
            && ["deferrable", "initially_deferred", "comment"].contains(&name.value.as_str())
        {
            format!(
                "`primary_key` names unknown column `{}`: beside its columns, a key's \
                 options need `columns(...)`: `primary_key(columns(a, b), {})`",
                name.value, name.value
            )
        } else {
            format!(
                "{what} names unknown column `{}`{}",
                name.value,
                suggestion(&name.value, &known)
            )
        };
        diags.error(name.span, message);
    };
    if let Some(pk) = &model.primary_key {
        for c in &pk.value {
            check("`primary_key`", c);
        }
    }
    // A field's own `unique`/`index` on a `skip` field is reported as a
    // setting on a skipped field already.
    for u in &model.uniques {
        for c in u
            .columns
            .iter()
            .filter(|c| !(u.on_field && skipped(&c.value)))
        {
            check("`unique`", c);
        }
    }
    for fk in &model.foreign_keys {
        for c in &fk.columns {
            check("`foreign_key`", c);
        }
    }
    for x in &model.exclusions {
        for (key, _) in &x.elements {
            if let IndexKeyAttr::Column(c) = &key.value {
                check("`exclude`", &Spanned::new(c.clone(), key.span));
            }
        }
    }
    for ix in &model.indexes {
        for key in &ix.keys {
            if let IndexKeyAttr::Column(c) = &key.value
                && !(ix.on_field && skipped(c))
            {
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
    let name = model
        .name
        .clone()
        .unwrap_or_else(|| Spanned::new(model.type_name(), model.ident.span()));
    check_identifier("name", &name, &mut diags);
    if let Some(schema) = &model.schema {
        check_identifier("schema", schema, &mut diags);
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for v in &model.variants {
        let label = v.label();
        let span = v.rename.as_ref().map_or_else(|| v.ident.span(), |r| r.span);
        if label.is_empty() {
            diags.error(span, "an enum label cannot be empty");
        } else if label.len() > MAX_IDENTIFIER_BYTES {
            diags.error(
                span,
                format!(
                    "enum label `{label}` is longer than PostgreSQL's {MAX_IDENTIFIER_BYTES} bytes"
                ),
            );
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

#[cfg(test)]
mod tests;
