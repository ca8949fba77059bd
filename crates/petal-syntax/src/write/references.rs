//! Foreign keys: a model declares one on its column's field, `references =
//! "table.column"` (or `"schema.table.column"`), one column to one column.

use std::collections::BTreeMap;

use petal_ir::{FkAction, ForeignKey, QualifiedName};

use super::plan::TablePlan;

/// Puts each foreign key on its column's field; one the models cannot
/// declare is left out, and noted.
pub(super) fn foreign_keys(plan: &mut TablePlan, written: &BTreeMap<QualifiedName, Vec<String>>) {
    let mut kept: Vec<ForeignKey> = Vec::new();
    for mut fk in std::mem::take(&mut plan.table.foreign_keys) {
        match field_of(plan, &fk, written) {
            Ok(field) => {
                if let Some(comment) = fk.comment.take() {
                    plan.note(format!(
                        "foreign key `{}`'s comment {comment:?} is not written: the models do \
                         not declare a foreign key's comment",
                        fk.name
                    ));
                }
                plan.fields[field].foreign_key = Some(kept.len());
                kept.push(fk);
            }
            Err(why) => plan.note(format!(
                "foreign key `{}` ({}) → {} ({}) is not written: {why}",
                fk.name,
                fk.columns.join(", "),
                fk.ref_table,
                fk.ref_columns.join(", ")
            )),
        }
    }
    plan.table.foreign_keys = kept;
}

/// The field that declares `fk`, or why none can.
fn field_of(
    plan: &TablePlan,
    fk: &ForeignKey,
    written: &BTreeMap<QualifiedName, Vec<String>>,
) -> Result<usize, String> {
    let ([column], [ref_column]) = (fk.columns.as_slice(), fk.ref_columns.as_slice()) else {
        return Err(
            "a model declares a foreign key on one column's field (`references = \
             \"table.column\"`), and this one has several columns"
                .to_string(),
        );
    };
    let field = plan
        .table
        .columns
        .iter()
        .position(|c| c.name == *column)
        .ok_or_else(|| format!("`{column}` is not a column of the table"))?;
    if plan
        .fields
        .get(field)
        .is_some_and(|f| f.foreign_key.is_some())
    {
        return Err(format!(
            "column `{column}` has another foreign key, and a field declares one"
        ));
    }
    let mut parts = vec![fk.ref_table.name.as_str(), ref_column.as_str()];
    if fk.ref_table.schema != plan.table.name.schema {
        parts.push(fk.ref_table.schema.as_str());
    }
    if let Some(part) = parts.iter().find(|p| !writable(p)) {
        return Err(format!(
            "`references = \"...\"` cannot name `{part}` (a name with a space, a dot, a quote or \
             a parenthesis)"
        ));
    }
    match written.get(&fk.ref_table) {
        None => Err(format!(
            "it references `{}`, which is no model (a partition, or a table not read)",
            fk.ref_table
        )),
        Some(columns) if !columns.contains(ref_column) => {
            Err(format!("`{}` has no column `{ref_column}`", fk.ref_table))
        }
        Some(_) => Ok(field),
    }
}

/// What `references = "..."` can hold of a name: it splits at dots and
/// refuses spaces, quotes and parentheses.
fn writable(part: &str) -> bool {
    !part.is_empty() && !part.contains(|c: char| c.is_whitespace() || matches!(c, '"' | '(' | '.'))
}

/// `references = "..."`, relative to the table's own schema.
pub(super) fn reference(fk: &ForeignKey, schema: &str) -> String {
    let column = fk.ref_columns.first().map_or("", String::as_str);
    if fk.ref_table.schema == schema {
        format!("{}.{column}", fk.ref_table.name)
    } else {
        format!("{}.{}.{column}", fk.ref_table.schema, fk.ref_table.name)
    }
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
