//! What PostgreSQL would refuse of a model's names and keys when it
//! creates them, said at the attribute instead of at `petal apply`: a
//! name it would cut, two constraints or indexes of one name, a foreign key
//! of the wrong width, an index setting that means nothing.

use petal_ir::MAX_IDENTIFIER_BYTES;
use petal_ir::naming::truncate_identifier;

use crate::ast::{Spanned, TableModel};
use crate::diagnostic::Diagnostics;
use crate::lower::explicit_names;

/// Names PostgreSQL would reject or silently truncate: a truncated name
/// would never match what introspection reads back.
pub(super) fn check_names(model: &TableModel, diags: &mut Diagnostics) {
    let mut names: Vec<(&str, Spanned<String>)> = Vec::new();
    names.extend(model.table.iter().map(|t| ("table", t.clone())));
    names.extend(model.schema.iter().map(|t| ("schema", t.clone())));
    for f in model.columns() {
        let span = f.column.as_ref().map_or_else(|| f.span(), |c| c.span);
        names.push(("column", Spanned::new(f.column_name(), span)));
    }
    for explicit in explicit_names(model) {
        names.push(("name", Spanned::new(explicit.name, explicit.span)));
    }
    let references = (model.foreign_keys.iter().map(|fk| &fk.references))
        .chain(model.columns().filter_map(|f| f.references.as_ref()));
    for r in references {
        let at = |name: &String| Spanned::new(name.clone(), r.span);
        names.extend(r.value.schema.iter().map(|s| ("schema", at(s))));
        names.push(("table", at(&r.value.table)));
        names.extend(r.value.columns.iter().map(|c| ("column", at(c))));
    }
    for (what, name) in names {
        check_identifier(what, &name, diags);
    }
}

/// An identifier must be non-empty and at most 63 bytes.
pub fn check_identifier(what: &str, name: &Spanned<String>, diags: &mut Diagnostics) {
    if name.value.is_empty() {
        diags.error(name.span, format!("`{what}` cannot be empty"));
    } else if name.value.len() > MAX_IDENTIFIER_BYTES {
        diags.error(
            name.span,
            format!(
                "{what} `{}` is {} bytes long; PostgreSQL keeps {MAX_IDENTIFIER_BYTES} and would cut it to `{}`: choose a shorter name",
                name.value,
                name.value.len(),
                truncate_identifier(&name.value)
            ),
        );
    }
}

/// Two of the table's names PostgreSQL refuses together: two constraints'
/// (a table's constraints have distinct names), or two that name an index
/// each (indexes are relations of the schema). A check and an index may
/// share a name; across tables, the scanner compares the indexes' names.
pub(super) fn check_duplicate_names(model: &TableModel, diags: &mut Diagnostics) {
    let names = explicit_names(model);
    for (at, later) in names.iter().enumerate() {
        let clash = names[..at].iter().find(|earlier| {
            earlier.name == later.name
                && (earlier.kind.is_constraint() && later.kind.is_constraint()
                    || earlier.kind.has_index() && later.kind.has_index())
        });
        if let Some(earlier) = clash {
            let both_constraints = earlier.kind.is_constraint() && later.kind.is_constraint();
            diags.error(
                later.span,
                format!(
                    "the name `{}` is taken by this table's {}: {}",
                    later.name,
                    earlier.kind.describe(),
                    if both_constraints {
                        "two constraints of a table cannot share a name"
                    } else {
                        "two indexes of a schema cannot share a name (a key and an exclusion \
                         constraint have one)"
                    }
                ),
            );
        }
    }
}

/// A foreign key references as many columns as it has.
pub(super) fn check_foreign_keys(model: &TableModel, diags: &mut Diagnostics) {
    for fk in &model.foreign_keys {
        let (own, referenced) = (fk.columns.len(), fk.references.value.columns.len());
        if own != referenced {
            diags.error(
                fk.references.span,
                format!(
                    "the foreign key has {own} column{} and references {referenced}: it \
                     references as many columns as it has, in their order",
                    if own == 1 { "" } else { "s" }
                ),
            );
        }
    }
}

/// `nulls_not_distinct` says how a unique index compares NULLs, and only
/// btree indexes have an order.
pub(super) fn check_indexes(model: &TableModel, diags: &mut Diagnostics) {
    for ix in &model.indexes {
        if let (Some(span), false) = (ix.nulls_not_distinct, ix.unique) {
            diags.error(
                span,
                "`nulls_not_distinct` on an index that is not `unique`: it makes NULLs equal \
                 for uniqueness; add `unique`",
            );
        }
        let method = ix.method.as_ref().map(|m| m.value.to_ascii_lowercase());
        if let Some(method) = method.filter(|m| m != "btree") {
            for option in &ix.order {
                diags.error(
                    option.value.span,
                    format!(
                        "`order` on a `{method}` index: only a btree index keeps its keys in \
                         order"
                    ),
                );
            }
        }
    }
}
