//! petal's model language: the `#[petal(...)]` attributes of
//! `#[derive(Table)]` structs and `#[derive(DbEnum)]` enums.
//!
//! One stage per module, as the derive and the scanner both run them:
//!
//! 1. [`parse`]: a derive input → the typed AST ([`ast`]), item by item;
//! 2. [`validate`]: checks across a whole model;
//! 3. [`lower`]: the AST → `petal_ir`, with PostgreSQL's default names;
//!
//! plus [`types`] (the Rust type → SQL type mapping by name) and the source
//! scanner ([`scan_sources`], and [`scan_dir`] which reads a directory: the
//! crate's only I/O, kept in `fs.rs`).
//!
//! Errors are [`Diagnostic`]s carrying the span of the offending token; they
//! accumulate, so five mistakes give five errors. The derive reports them as
//! compile errors, the scanner as [`ScanErrors`] (`file:line:col: message`).

pub mod ast;
mod diagnostic;
mod fs;
pub mod lower;
pub mod meta;
pub mod parse;
mod scan;
mod source;
pub mod types;
pub mod validate;

pub use diagnostic::{Diagnostic, Diagnostics, did_you_mean};
pub use fs::{rust_files, scan_dir};
pub use scan::{ScannedModels, scan_sources};
pub use source::{
    LineIndex, ObjectKey, Position, ScanError, ScanErrors, SourceLocation, SourceMap,
};

use petal_ir::naming::Namespace;

/// The schema of a model that names none.
pub const DEFAULT_SCHEMA: &str = "public";

/// Parses and validates a `#[derive(Table)]` input.
/// Parse and validation errors are reported together.
pub fn table_model(input: &syn::DeriveInput) -> Result<ast::TableModel, Vec<Diagnostic>> {
    let (model, mut diags) = parse::parse_table(input);
    if let Err(more) = validate::validate_table(&model, !diags.is_empty()) {
        diags.extend(more);
    }
    if diags.is_empty() {
        Ok(model)
    } else {
        Err(diags)
    }
}

/// Parses and validates a `#[derive(DbEnum)]` input.
pub fn enum_model(input: &syn::DeriveInput) -> Result<ast::EnumModel, Vec<Diagnostic>> {
    let (model, mut diags) = parse::parse_enum(input);
    if let Err(more) = validate::validate_enum(&model) {
        diags.extend(more);
    }
    if diags.is_empty() {
        Ok(model)
    } else {
        Err(diags)
    }
}

/// Lowers one table on its own, as the derive does: default names avoid
/// only this table's own names, since the derive cannot see other models
/// (the scanner, which sees them all, avoids every name of the schema).
pub fn lower_table_alone(
    model: &ast::TableModel,
    resolver: &dyn lower::ResolveType,
) -> Result<lower::LoweredTable, Vec<Diagnostic>> {
    let mut namespace = Namespace::new();
    namespace.take(&model.table_name());
    for (name, _) in lower::explicit_names(model) {
        namespace.take(&name);
    }
    lower::lower_table(model, resolver, &mut namespace)
}
