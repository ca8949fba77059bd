//! A `#[derive(Table)]` struct: the table's name, its multi-column keys,
//! exclusions, checks, foreign keys and indexes, its options, then a field
//! per column.

use petal_ir::{ForeignKey, IndexKeyExpr, ReplicaIdentity};

use super::attr::{Settings, comment_lines, petal_lines};
use super::column::{self, fields};
use super::exclusion::Excluded;
use super::plan::{Placed, TablePlan};

/// What heads the notes above a model petal could not write as the
/// database has it.
pub(super) const NOTES_HEADER: &str =
    "// petal could not write this model exactly as the database has it:";

/// The derives a model struct gets.
const DERIVES: &str = "#[derive(Debug, Clone, Table)]";

/// Words `primary_key(a, b)` reads as options, not columns: a key on
/// fields so named needs the `columns(...)` form.
const KEY_OPTIONS: &[&str] = &["columns", "comment", "deferrable", "initially_deferred"];

/// The text of the struct of `plan`: what the models cannot say of the
/// table as comments first, then the struct.
pub(super) fn render(plan: &TablePlan) -> String {
    let mut out: Vec<String> = Vec::new();
    if !plan.notes.is_empty() {
        out.push(NOTES_HEADER.into());
        for note in &plan.notes {
            out.extend(comment_lines(&format!("- {note}"), "// ", "//   "));
        }
    }
    out.push(DERIVES.to_string());
    out.extend(struct_attributes(plan));
    if plan.fields.is_empty() {
        out.push(format!("pub struct {} {{}}", plan.struct_name));
        return out.join("\n") + "\n";
    }
    out.push(format!("pub struct {} {{", plan.struct_name));
    for at in 0..plan.fields.len() {
        out.extend(column::render(plan, at));
    }
    out.push("}".to_string());
    out.join("\n") + "\n"
}

/// One `#[petal(...)]` per concern: the name, each struct-level key,
/// exclusion, check, foreign key and index, the options, the comment.
fn struct_attributes(plan: &TablePlan) -> Vec<String> {
    let t = &plan.table;
    let mut name = Settings::new();
    name.string("table", &t.name.name);
    if t.name.schema != crate::DEFAULT_SCHEMA {
        name.string("schema", &t.name.schema);
    }
    let mut items: Vec<Settings> = vec![name];
    if let Some(pk) = t
        .primary_key
        .as_ref()
        .filter(|_| plan.primary_key_field.is_none())
    {
        let names = fields(plan, &pk.columns);
        let options = column::primary_key_options(pk, plan.primary_key_named);
        if options.is_empty() && !names.iter().any(|n| KEY_OPTIONS.contains(&n.as_str())) {
            let mut short = Settings::new();
            short.list("primary_key", &names);
            items.push(short);
        } else {
            let mut columns = Settings::new();
            columns.list("columns", &names);
            items.push(wrapped("primary_key", &[columns, options]));
        }
    }
    for placed in plan.uniques.iter().filter(|p| p.field.is_none()) {
        if let Some(unique) = t.uniques.get(placed.at) {
            let mut inner = Settings::new();
            inner.list("columns", &fields(plan, &unique.columns));
            let options = column::unique_options(unique, placed.named);
            items.push(wrapped("unique", &[inner, options]));
        }
    }
    for (placed, excluded) in &plan.exclusions {
        items.push(exclusion(plan, placed, excluded));
    }
    for placed in &plan.checks {
        if let Some(check) = t.checks.get(placed.at) {
            let mut inner = Settings::new();
            inner.string("expr", &check.expr);
            if placed.named {
                inner.string("name", &check.name);
            }
            inner
                .flag_if("not_valid", check.not_valid)
                .flag_if("no_inherit", check.no_inherit)
                .string_opt("comment", check.comment.as_deref());
            items.push(wrapped("check", &[inner]));
        }
    }
    for placed in plan.foreign_keys.iter().filter(|p| p.field.is_none()) {
        if let Some(fk) = t.foreign_keys.get(placed.at) {
            items.push(foreign_key(plan, fk, placed.named));
        }
    }
    for placed in plan.indexes.iter().filter(|p| p.field.is_none()) {
        if let Some(index) = t.indexes.get(placed.at) {
            let keys = index_keys(plan, &index.keys);
            let options = column::index_options(plan, index, placed.named);
            items.push(wrapped("index", &[keys, options]));
        }
    }
    items.push(options(plan));
    let mut described = Settings::new();
    described.string_opt("comment", t.comment.as_deref());
    if let Some(old) = &t.renamed_from {
        described.string("renamed_from", &super::qualified_in(old, &t.name.schema));
    }
    items.push(described);
    items
        .iter()
        .filter(|s| !s.is_empty())
        .flat_map(|s| petal_lines("", std::slice::from_ref(s)))
        .collect()
}

/// `foreign_key(columns(a, b), references = "t(x, y)", name = "...",
/// on_delete = "...", ..., comment = "...")`.
fn foreign_key(plan: &TablePlan, fk: &ForeignKey, named: bool) -> Settings {
    let mut inner = Settings::new();
    inner.list("columns", &fields(plan, &fk.columns)).string(
        "references",
        &super::references::target(fk, &plan.table.name.schema),
    );
    if named {
        inner.string("name", &fk.name);
    }
    column::foreign_key_options(&mut inner, fk);
    inner.string_opt("comment", fk.comment.as_deref());
    wrapped("foreign_key", &[inner])
}

/// `name(settings of every group)`.
fn wrapped(name: &str, groups: &[Settings]) -> Settings {
    let items: Vec<String> = groups.iter().flat_map(Settings::texts).collect();
    let mut s = Settings::new();
    s.list(name, &items);
    s
}

/// An index's keys in order: runs of columns as `columns(a, b)`, each
/// expression as `expr = "..."`.
fn index_keys(plan: &TablePlan, keys: &[petal_ir::IndexKey]) -> Settings {
    let mut s = Settings::new();
    let mut run: Vec<String> = Vec::new();
    for key in keys {
        match &key.expr {
            IndexKeyExpr::Column(c) => run.push(c.clone()),
            IndexKeyExpr::Expression(e) => {
                if !run.is_empty() {
                    s.list("columns", &fields(plan, &std::mem::take(&mut run)));
                }
                s.string("expr", e);
            }
        }
    }
    if !run.is_empty() {
        s.list("columns", &fields(plan, &run));
    }
    s
}

/// `exclude(using = "...", elements(a = "="), element(expr = "...", with =
/// "&&"), where = "...", name = "...", deferrable, comment = "...")`.
fn exclusion(plan: &TablePlan, placed: &Placed, excluded: &Excluded) -> Settings {
    let mut inner = Settings::new();
    if excluded.method != "gist" {
        inner.string("using", &excluded.method);
    }
    let mut run = Settings::new();
    for (key, operator) in &excluded.elements {
        match key {
            IndexKeyExpr::Column(c) => {
                run.string(plan.field_of(c).unwrap_or(c), operator);
            }
            IndexKeyExpr::Expression(e) => {
                if !run.is_empty() {
                    inner.nested("elements", &std::mem::take(&mut run));
                }
                let mut element = Settings::new();
                element.string("expr", e).string("with", operator);
                inner.nested("element", &element);
            }
        }
    }
    if !run.is_empty() {
        inner.nested("elements", &run);
    }
    inner.string_opt("where", excluded.predicate.as_deref());
    if let Some(x) = plan.table.exclusions.get(placed.at) {
        if placed.named {
            inner.string("name", &x.name);
        }
        column::deferrable(&mut inner, x.deferrable);
        inner.string_opt("comment", x.comment.as_deref());
    }
    wrapped("exclude", &[inner])
}

/// `unlogged`, `with`, `replica_identity`, `partition_by` and row-level
/// security.
fn options(plan: &TablePlan) -> Settings {
    let t = &plan.table;
    let mut s = Settings::new();
    s.flag_if("unlogged", t.options.unlogged);
    if !t.options.storage.is_empty() {
        s.string("with", &super::indexes::with_text(&t.options.storage));
    }
    match &t.options.replica_identity {
        ReplicaIdentity::Default => {}
        ReplicaIdentity::Full => {
            s.string("replica_identity", "full");
        }
        ReplicaIdentity::Nothing => {
            s.string("replica_identity", "nothing");
        }
        ReplicaIdentity::Index(index) => {
            // In double quotes when bare words would not say it.
            let name = if index.contains(|c: char| c.is_whitespace() || c == '"') {
                format!("\"{}\"", index.replace('"', "\"\""))
            } else {
                index.clone()
            };
            s.string("replica_identity", &format!("using index {name}"));
        }
    }
    if let Some(key) = t
        .partition_by
        .as_deref()
        .and_then(super::indexes::partition_by)
    {
        s.string("partition_by", &key);
    }
    s.flag_if("row_level_security", t.options.row_level_security)
        .flag_if(
            "force_row_level_security",
            t.options.force_row_level_security,
        );
    s
}
