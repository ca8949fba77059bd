//! Models written from a database: the inverse of the scanner, for
//! `petal init --from-database`. Scanning what [`write_models`] writes
//! gives back the database's tables and enum types, but for what the model
//! language cannot say, which is listed in [`WrittenModels::unwritten`]
//! (and said in a comment above the struct it concerns).
//!
//! The layout: a root `mod.rs` declaring one module per schema (`public.rs`,
//! `billing.rs`), each holding that schema's enums, then its tables'
//! structs, by name. Names PostgreSQL would pick anyway are left implicit,
//! as are the settings the scanner defaults to (an integer primary key's
//! identity, `btree`, `gist`). Pure: no I/O.
//!
//! Modules: `names` (Rust names), `types` (SQL type → Rust type), `plan`
//! and its helpers `references`, `indexes` and `exclusion` (what each
//! model says), `settle` (which names are spelled out), then the text:
//! `enums`, `table`, `column`, `attr`.

mod attr;
mod column;
mod enums;
mod exclusion;
mod indexes;
mod names;
mod plan;
mod references;
mod settle;
mod table;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Database, QualifiedName, Table};

use plan::{Context, TablePlan};
use types::Types;

/// Model files written from a database: paths relative to the models
/// directory, '/'-separated, in a BTreeMap so output is deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WrittenModels {
    pub files: BTreeMap<String, String>,
    /// Each table written, with the Rust struct name chosen (printed to the
    /// user: names are never guessed silently).
    pub structs: Vec<(QualifiedName, String)>,
    /// Each enum type written, with its Rust enum name.
    pub enums: Vec<(QualifiedName, String)>,
    /// What the database holds that the models do not say as it is, each
    /// with its table or type and why (`public.orders: foreign key ... is
    /// not written: ...`): the first `petal check` shows these as
    /// differences. Also what the compiler will refuse of a model the
    /// scanner reads (two columns giving one Iden variant).
    pub unwritten: Vec<String>,
}

/// Writes `db.tables` (but partitions and inheritance children, written
/// elsewhere as SQL: `Table::is_declared_in_sql`) and `db.enums` as models.
pub fn write_models(db: &Database) -> WrittenModels {
    let tables: Vec<&Table> = db
        .tables
        .values()
        .filter(|t| !t.is_declared_in_sql())
        .collect();
    let schemas: BTreeSet<&str> = (tables.iter().map(|t| t.name.schema.as_str()))
        .chain(db.enums.keys().map(|n| n.schema.as_str()))
        .collect();
    let mut modules: BTreeMap<&str, String> = BTreeMap::new();
    for schema in &schemas {
        let taken = modules.values().cloned().collect();
        modules.insert(schema, names::module_name(schema, &taken));
    }
    let enum_names = enum_names(db);
    let struct_names = struct_names(&tables, &enum_names);
    let written: BTreeMap<QualifiedName, Vec<String>> = tables
        .iter()
        .map(|t| {
            let columns = t.columns.iter().map(|c| c.name.clone()).collect();
            (t.name.clone(), columns)
        })
        .collect();
    let cx = Context {
        types: Types {
            db,
            enums: &enum_names,
        },
        written: &written,
    };
    let mut plans: BTreeMap<&str, Vec<TablePlan>> = BTreeMap::new();
    for t in &tables {
        let name = struct_names.get(&t.name).cloned().unwrap_or_default();
        plans
            .entry(t.name.schema.as_str())
            .or_default()
            .push(plan::plan(t, name, &cx));
    }
    for schema_plans in plans.values_mut() {
        settle::settle(schema_plans);
    }
    let mut out = WrittenModels::default();
    for (schema, module) in &modules {
        let schema_plans = plans.get(schema).map_or(&[][..], Vec::as_slice);
        let text = module_file(db, schema, schema_plans, &modules, &enum_names);
        out.files.insert(format!("{module}.rs"), text);
        for plan in schema_plans {
            out.structs
                .push((plan.table.name.clone(), plan.struct_name.clone()));
            let table = &plan.table.name;
            out.unwritten
                .extend(plan.notes.iter().map(|n| format!("{table}: {n}")));
        }
    }
    out.files.insert("mod.rs".to_string(), root_file(&modules));
    out.enums = enum_names.into_iter().collect();
    out
}

/// The root module: what it is, and a module per schema.
fn root_file(modules: &BTreeMap<&str, String>) -> String {
    let mut text = String::from(
        "//! The database's tables and enum types as petal models, written by petal from the\n\
         //! database itself (`petal init --from-database`): one module per schema. From now\n\
         //! on they are the schema's source, which petal compares the database with.\n",
    );
    if !modules.is_empty() {
        text.push('\n');
    }
    for module in modules.values() {
        text.push_str(&format!("pub mod {module};\n"));
    }
    text
}

/// One schema's file: its `use`s, its enums, its structs.
fn module_file(
    db: &Database,
    schema: &str,
    plans: &[TablePlan],
    modules: &BTreeMap<&str, String>,
    enum_names: &BTreeMap<QualifiedName, String>,
) -> String {
    let enums: Vec<(&petal_ir::EnumType, &String)> = db
        .enums
        .values()
        .filter(|e| e.name.schema == schema)
        .filter_map(|e| enum_names.get(&e.name).map(|rust| (e, rust)))
        .collect();
    let derives: Vec<&str> = [("DbEnum", !enums.is_empty()), ("Table", !plans.is_empty())]
        .iter()
        .filter(|(_, used)| *used)
        .map(|(name, _)| *name)
        .collect();
    let mut sections: Vec<String> = Vec::new();
    sections.push(match derives.as_slice() {
        [one] => format!("use petal::{one};\n"),
        many => format!("use petal::{{{}}};\n", many.join(", ")),
    });
    // The enums of other schemas that fields name: the scanner finds an
    // enum by its Rust name, wherever it is, and the compiler by the `use`.
    let imports: BTreeSet<String> = plans
        .iter()
        .flat_map(|p| p.fields.iter())
        .filter_map(|f| f.ty.enum_type.as_ref())
        .filter(|name| name.schema != schema)
        .filter_map(|name| {
            let module = modules.get(name.schema.as_str())?;
            let rust = enum_names.get(name)?;
            Some(format!("use super::{module}::{rust};\n"))
        })
        .collect();
    if !imports.is_empty() {
        sections.push(imports.into_iter().collect());
    }
    sections.extend(enums.iter().map(|(e, rust)| enums::render(e, rust)));
    sections.extend(plans.iter().map(table::render));
    sections.join("\n")
}

/// A Rust name for every enum type, distinct across the models: the scanner
/// finds a field's enum by its name alone.
fn enum_names(db: &Database) -> BTreeMap<QualifiedName, String> {
    let mut taken: BTreeSet<String> = names::RESERVED_TYPES
        .iter()
        .chain(names::MAPPED_TYPES)
        .map(|n| n.to_string())
        .collect();
    let mut out = BTreeMap::new();
    for name in db.enums.keys() {
        let mut base = names::enum_name(&name.name);
        if taken.contains(&base) && !out.values().any(|n| *n == base) {
            // A name the prelude, petal or a type mapping has: `ValueEnum`.
            base.push_str("Enum");
        }
        let rust = names::unique(&base, "", &taken);
        taken.insert(rust.clone());
        out.insert(name.clone(), rust);
    }
    out
}

/// A Rust name for every table's struct, distinct in its module and from
/// every enum (which a module may import), the `<Struct>Iden` enums the
/// derive adds included.
fn struct_names(
    tables: &[&Table],
    enum_names: &BTreeMap<QualifiedName, String>,
) -> BTreeMap<QualifiedName, String> {
    let mut out = BTreeMap::new();
    let mut by_schema: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for t in tables {
        let taken = by_schema.entry(t.name.schema.as_str()).or_insert_with(|| {
            (names::RESERVED_TYPES.iter().map(|n| n.to_string()))
                .chain(enum_names.values().cloned())
                .collect()
        });
        let mut base = names::struct_name(&t.name.name);
        if names::RESERVED_TYPES.contains(&base.as_str()) {
            // `options` → `OptionRow`: no shadowing `Option`.
            base.push_str("Row");
        }
        let free = |candidate: &String| {
            let iden = format!("{candidate}Iden");
            !taken.contains(candidate)
                && !taken.contains(&iden)
                && !taken
                    .iter()
                    .any(|other| format!("{other}Iden") == *candidate)
        };
        let rust = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}{n}")))
            .find(free)
            .unwrap_or(base);
        taken.insert(rust.clone());
        out.insert(t.name.clone(), rust);
    }
    out
}

/// A name as a setting that takes `"schema.name"` or a name in `schema`
/// (split at the first dot) spells it.
fn qualified_in(name: &QualifiedName, schema: &str) -> String {
    if name.schema == schema && !name.name.contains('.') {
        name.name.clone()
    } else {
        name.to_string()
    }
}
