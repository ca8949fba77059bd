//! Foreign keys: on its column's field (`references = "table.column"`)
//! when that says all of it, else on the struct (`foreign_key(columns(a,
//! b), references = "table(x, y)", ...)`: several columns, a comment, a
//! name, names that need quotes, a second key on one column).

use std::collections::BTreeMap;

use petal_ir::{FkAction, ForeignKey, QualifiedName};

use super::plan::{Placement, TablePlan};
use crate::spelling::quote_identifier;

/// Places each foreign key; one the models cannot declare (its target is
/// no model) is left out, and noted.
pub(super) fn foreign_keys(plan: &mut TablePlan, written: &BTreeMap<QualifiedName, Vec<String>>) {
    let mut kept: Vec<ForeignKey> = Vec::new();
    let mut placement = Placement::default();
    for fk in std::mem::take(&mut plan.table.foreign_keys) {
        if let Err(why) = declarable(plan, &fk, written) {
            plan.note(format!(
                "foreign key `{}` ({}) → {} ({}) is not written: {why}",
                fk.name,
                fk.columns.join(", "),
                fk.ref_table,
                fk.ref_columns.join(", ")
            ));
            continue;
        }
        placement.place(kept.len(), field_of(plan, &fk));
        kept.push(fk);
    }
    plan.table.foreign_keys = kept;
    plan.foreign_keys = placement.in_order();
}

/// Why the models cannot declare `fk`: the scanner refuses a reference to
/// a table or column no model defines.
fn declarable(
    plan: &TablePlan,
    fk: &ForeignKey,
    written: &BTreeMap<QualifiedName, Vec<String>>,
) -> Result<(), String> {
    if let Some(column) = fk.columns.iter().find(|c| plan.field_of(c).is_none()) {
        return Err(format!("`{column}` is not a column of the table"));
    }
    let Some(columns) = written.get(&fk.ref_table) else {
        return Err(format!(
            "it references `{}`, which is no model (a partition, or a table not read)",
            fk.ref_table
        ));
    };
    match fk.ref_columns.iter().find(|c| !columns.contains(c)) {
        Some(missing) => Err(format!("`{}` has no column `{missing}`", fk.ref_table)),
        None => Ok(()),
    }
}

/// The field whose `references` can declare `fk`: one column to one
/// column, names `"schema.table.column"` spells, no comment. Its name is
/// settled later: a field's foreign key cannot name itself, and one that
/// must be named moves to the struct then.
fn field_of(plan: &TablePlan, fk: &ForeignKey) -> Option<usize> {
    let ([column], [ref_column]) = (fk.columns.as_slice(), fk.ref_columns.as_slice()) else {
        return None;
    };
    let mut parts = vec![fk.ref_table.name.as_str(), ref_column.as_str()];
    if fk.ref_table.schema != plan.table.name.schema {
        parts.push(fk.ref_table.schema.as_str());
    }
    if fk.comment.is_some() || !parts.iter().all(|p| writable(p)) {
        return None;
    }
    plan.table.columns.iter().position(|c| c.name == *column)
}

/// What a field's `references = "..."` can hold of a name: it splits at
/// dots and refuses spaces, quotes and parentheses.
fn writable(part: &str) -> bool {
    !part.is_empty() && !part.contains(|c: char| c.is_whitespace() || matches!(c, '"' | '(' | '.'))
}

/// A field's `references = "..."`, relative to the table's own schema.
pub(super) fn reference(fk: &ForeignKey, schema: &str) -> String {
    let column = fk.ref_columns.first().map_or("", String::as_str);
    if fk.ref_table.schema == schema {
        format!("{}.{column}", fk.ref_table.name)
    } else {
        format!("{}.{}.{column}", fk.ref_table.schema, fk.ref_table.name)
    }
}

/// The struct's `references = "table(x, y)"`, relative to the table's own
/// schema, each name quoted where SQL would quote it.
pub(super) fn target(fk: &ForeignKey, schema: &str) -> String {
    let columns: Vec<String> = fk.ref_columns.iter().map(|c| quote_identifier(c)).collect();
    let table = quote_identifier(&fk.ref_table.name);
    let table = if fk.ref_table.schema == schema {
        table
    } else {
        format!("{}.{table}", quote_identifier(&fk.ref_table.schema))
    };
    format!("{table}({})", columns.join(", "))
}

/// An action as `on_delete = "..."` spells it; `None` for the default.
pub(super) fn action(action: FkAction) -> Option<&'static str> {
    match action {
        FkAction::NoAction => None,
        FkAction::Restrict => Some("restrict"),
        FkAction::Cascade => Some("cascade"),
        FkAction::SetNull => Some("set null"),
        FkAction::SetDefault => Some("set default"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fk(schema: &str, table: &str, columns: &[&str]) -> ForeignKey {
        ForeignKey {
            name: "f".into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            ref_table: QualifiedName::new(schema, table),
            ref_columns: columns.iter().map(|c| c.to_string()).collect(),
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
            deferrable: Default::default(),
            not_valid: false,
            comment: None,
        }
    }

    /// What the struct's `references` says reads back as the key's target.
    #[test]
    fn targets_read_back() {
        for key in [
            fk("public", "customers", &["id"]),
            fk("my schema", "Order Items", &["Item Id", "b", "a\"b.c(d)"]),
            fk("crm", "order", &["user", "Цена"]),
        ] {
            let text = target(&key, "public");
            let parsed = crate::parse::parse_target(&crate::ast::Spanned::new(
                text.clone(),
                proc_macro2::Span::call_site(),
            ));
            let parsed = parsed.map(|r| r.value).map_err(|d| d.message);
            let schema = (key.ref_table.schema != "public").then(|| key.ref_table.schema.clone());
            let expected = crate::ast::Reference {
                schema,
                table: key.ref_table.name.clone(),
                columns: key.ref_columns.clone(),
            };
            assert_eq!(parsed, Ok(expected), "{text}");
        }
        assert_eq!(
            target(&fk("crm", "Order Items", &["id", "Item Id"]), "crm"),
            r#""Order Items"(id, "Item Id")"#
        );
    }
}
