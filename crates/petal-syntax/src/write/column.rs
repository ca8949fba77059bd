//! A column's field: its SQL spelling where the field does not give it
//! (name, type, identity, default, ...), and the keys, index and foreign
//! key declared on it.

use petal_ir::{Deferrable, ForeignKey, Identity, Index, IndexKey, PrimaryKey, Unique};

use super::attr::{Settings, petal_lines};
use super::indexes::KeyOptions;
use super::plan::{Placed, TablePlan};
use super::references::{action, reference};

/// The lines of field `at` (attributes, then the field), indented.
pub(super) fn render(plan: &TablePlan, at: usize) -> Vec<String> {
    let (Some(column), Some(field)) = (plan.table.columns.get(at), plan.fields.get(at)) else {
        return Vec::new();
    };
    // The column as SQL spells it (with its primary key first, as models
    // are written), its keys, its foreign key, its description.
    let mut sql = Settings::new();
    if field.name != column.name {
        sql.string("column", &column.name);
    }
    if plan.primary_key_field == Some(at)
        && let Some(pk) = &plan.table.primary_key
    {
        sql.nested(
            "primary_key",
            &primary_key_options(pk, plan.primary_key_named),
        );
    }
    sql.string_opt("sql_type", field.ty.sql_type.as_deref());
    if column.serial {
        sql.string("identity", "serial");
    } else if column.identity != plan.implicit_identity(at) {
        sql.string("identity", identity(column.identity));
    }
    if let Some(sequence) = &column.sequence {
        sql.string(
            "sequence",
            &super::qualified_in(sequence, &plan.table.name.schema),
        );
    }
    sql.string_opt("default", column.default.as_deref())
        .string_opt("generated", column.generated.as_deref())
        .string_opt("collation", column.collation.as_deref());
    let mut described = Settings::new();
    described
        .string_opt("comment", column.comment.as_deref())
        .string_opt("renamed_from", column.renamed_from.as_deref());
    let groups = [sql, keys(plan, at), foreign_key(plan, at), described];
    let mut lines = petal_lines("    ", &groups);
    lines.push(format!("    pub {}: {},", field.name, field.ty.rust));
    lines
}

fn identity(identity: Option<Identity>) -> &'static str {
    match identity {
        Some(Identity::ByDefault) => "by default",
        Some(Identity::Always) => "always",
        None => "none",
    }
}

/// The unique constraint and index declared on the field.
fn keys(plan: &TablePlan, at: usize) -> Settings {
    let mut settings = Settings::new();
    let on_field = |p: &&Placed| p.field == Some(at);
    if let Some(placed) = plan.uniques.iter().find(on_field)
        && let Some(unique) = plan.table.uniques.get(placed.at)
    {
        settings.nested("unique", &unique_options(unique, placed.named));
    }
    if let Some(placed) = plan.indexes.iter().find(on_field)
        && let Some(index) = plan.table.indexes.get(placed.at)
    {
        settings.nested("index", &index_options(plan, index, placed.named));
    }
    settings
}

/// `deferrable` or `initially_deferred`, when the constraint is either.
pub(super) fn deferrable(settings: &mut Settings, deferrable: Deferrable) {
    match deferrable {
        Deferrable::NotDeferrable => {}
        Deferrable::InitiallyImmediate => {
            settings.flag("deferrable");
        }
        Deferrable::InitiallyDeferred => {
            settings.flag("initially_deferred");
        }
    }
}

/// A primary key's options (its columns aside).
pub(super) fn primary_key_options(pk: &PrimaryKey, named: bool) -> Settings {
    let mut settings = Settings::new();
    if named {
        settings.string("name", &pk.name);
    }
    deferrable(&mut settings, pk.deferrable);
    settings.string_opt("comment", pk.comment.as_deref());
    settings
}

/// A unique constraint's options (its columns aside).
pub(super) fn unique_options(unique: &Unique, named: bool) -> Settings {
    let mut settings = Settings::new();
    if named {
        settings.string("name", &unique.name);
    }
    settings.flag_if("nulls_not_distinct", unique.nulls_not_distinct);
    deferrable(&mut settings, unique.deferrable);
    settings.string_opt("comment", unique.comment.as_deref());
    settings
}

/// An index's options (its keys aside).
pub(super) fn index_options(plan: &TablePlan, index: &Index, named: bool) -> Settings {
    let mut settings = Settings::new();
    if named {
        settings.string("name", &index.name);
    }
    settings
        .flag_if("unique", index.unique)
        .flag_if("nulls_not_distinct", index.nulls_not_distinct)
        .string_opt("where", index.predicate.as_deref());
    if index.method != "btree" {
        settings.string("method", &index.method);
    }
    if !index.include.is_empty() {
        settings.list("include", &fields(plan, &index.include));
    }
    let keys = &index.keys;
    let opclass = KeyOptions::of(keys, |k: &IndexKey| k.opclass.clone());
    let collation = KeyOptions::of(keys, |k: &IndexKey| k.collation.clone());
    key_options(plan, "opclass", opclass, &mut settings);
    key_options(plan, "collation", collation, &mut settings);
    key_options(plan, "order", super::indexes::order(keys), &mut settings);
    if !index.storage.is_empty() {
        settings.string("with", &super::indexes::with_text(&index.storage));
    }
    settings
        .string_opt("comment", index.comment.as_deref())
        .flag_if("concurrently", index.concurrently);
    settings
}

/// `opclass = "..."` and `opclass(column = "...")` (or `collation`,
/// `order`).
fn key_options(plan: &TablePlan, name: &str, options: Option<KeyOptions>, settings: &mut Settings) {
    // Planning took out what these cannot say.
    let options = options.unwrap_or_default();
    settings.string_opt(name, options.every.as_deref());
    if !options.by_column.is_empty() {
        let mut by_column = Settings::new();
        for (column, value) in &options.by_column {
            by_column.string(plan.field_of(column).unwrap_or(column), value);
        }
        settings.nested(name, &by_column);
    }
}

/// The field names of columns, for a column list.
pub(super) fn fields(plan: &TablePlan, columns: &[String]) -> Vec<String> {
    columns
        .iter()
        .map(|c| plan.field_of(c).unwrap_or(c).to_string())
        .collect()
}

/// `references = "..."` and the foreign key's options.
fn foreign_key(plan: &TablePlan, at: usize) -> Settings {
    let mut settings = Settings::new();
    let fk = (plan.foreign_keys.iter())
        .find(|p| p.field == Some(at))
        .and_then(|p| plan.table.foreign_keys.get(p.at));
    if let Some(fk) = fk {
        settings.string("references", &reference(fk, &plan.table.name.schema));
        foreign_key_options(&mut settings, fk);
    }
    settings
}

/// A foreign key's actions, deferrability and validity.
pub(super) fn foreign_key_options(settings: &mut Settings, fk: &ForeignKey) {
    settings
        .string_opt("on_delete", action(fk.on_delete))
        .string_opt("on_update", action(fk.on_update));
    deferrable(settings, fk.deferrable);
    settings.flag_if("not_valid", fk.not_valid);
}
