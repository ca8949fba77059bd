//! The source scanner: model files → the whole `Database`, without
//! compiling them. Pure: it takes file contents; [`crate::scan_dir`] is the
//! one function that reads a directory.

mod finder;
mod resolve;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use petal_ir::naming::Namespace;
use petal_ir::{Database, ObjectKey, Origin, Part};
use petal_source::{Report, SourceFile};
use proc_macro2::Span;
use syn::visit::Visit;

use crate::aliases::Aliases;
use crate::ast::{EnumModel, TableModel, UnrawString};
use crate::cfg::Cfg;
use crate::diagnostic::Diagnostic;
use crate::lower::{ObjectKind, explicit_names, lower_enum, lower_table};
use crate::source::{ScanErrors, SourceLocation, SourceMap};

use finder::ModelFinder;
use resolve::{EnumsByName, check_references};

/// What the scanner read: the models' schema and where each part of it was
/// declared.
#[derive(Debug, Clone)]
pub struct ScannedModels {
    /// Normalized (constraints and indexes sorted by name).
    pub database: Database,
    pub locations: SourceMap,
    /// `.rs` files under the models directory outside the module tree of
    /// its root file: neither the compiler nor petal reads them, which the
    /// user may not mean (a new file not declared with `mod`).
    pub unread: Vec<PathBuf>,
}

/// A model with the file it came from.
struct Found<M> {
    file: usize,
    model: M,
}

/// Scans model sources: `(path, contents)` pairs, in any order (they are
/// processed in path order). Every struct deriving `Table` and enum deriving
/// `DbEnum` (also `petal::Table`, `petal::DbEnum`) is a model; everything
/// else is skipped.
pub fn scan_sources(files: &[(PathBuf, String)]) -> Result<ScannedModels, ScanErrors> {
    scan_sources_with(files, &Cfg::default())
}

/// [`scan_sources`], with `cfg` deciding which `#[cfg(...)]` items count
/// (`test` never does; a feature when `cfg` lists it).
pub fn scan_sources_with(
    files: &[(PathBuf, String)],
    cfg: &Cfg,
) -> Result<ScannedModels, ScanErrors> {
    scan_parsed(files, Vec::new(), cfg)
}

/// [`scan_sources_with`], with the files whose `parsed` entry is `Some`
/// parsed already (from the same text, its preamble blanked): parsing is
/// most of a scan's time.
pub(crate) fn scan_parsed(
    files: &[(PathBuf, String)],
    mut parsed: Vec<Option<syn::File>>,
    cfg: &Cfg,
) -> Result<ScannedModels, ScanErrors> {
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| files[a].0.cmp(&files[b].0));
    let mut scan = Scan {
        // Every location and report shares its file's text.
        sources: files
            .iter()
            .map(|(path, text)| SourceFile::new(path.display().to_string(), text.as_str()))
            .collect(),
        errors: Vec::new(),
        scanned: ScannedModels {
            database: Database::default(),
            locations: SourceMap::new(),
            unread: Vec::new(),
        },
    };
    let parsed = scan.parse(files, &mut parsed, &order, cfg);
    let mut resolver = EnumsByName {
        rejected: parsed.rejected_enums,
        petal_features: cfg.petal_features.clone(),
        ..EnumsByName::default()
    };
    scan.lower_enums(&parsed.enums, &mut resolver);
    let mut tables = parsed.tables;
    // Default names depend on every name already taken in the schema, so
    // seed each schema's namespace with all table names and explicit names
    // before lowering, then lower tables in name order.
    tables.sort_by_key(|t| (t.model.schema_name(), t.model.table_name()));
    let mut namespaces = scan.namespaces(&tables);
    for found in &tables {
        scan.lower_table(found, &resolver, &mut namespaces);
    }
    // With models missing (rejected above), a reference to one of them
    // would be a follow-up error.
    if scan.errors.is_empty() {
        check_references(&tables, &scan.scanned.database, &mut scan.errors);
    }
    scan.finish(&order)
}

/// The models found in the files, before lowering.
struct Parsed {
    tables: Vec<Found<TableModel>>,
    enums: Vec<Found<EnumModel>>,
    /// Enums that did not validate: a field of their type is not a
    /// follow-up error.
    rejected_enums: BTreeSet<String>,
}

/// A scan under way: the files, the mistakes found so far, and what was
/// lowered.
struct Scan {
    sources: Vec<Arc<SourceFile>>,
    errors: Vec<(usize, Diagnostic)>,
    scanned: ScannedModels,
}

impl Scan {
    fn locate(&self, file: usize, span: Span) -> SourceLocation {
        SourceLocation {
            source: Arc::clone(&self.sources[file]),
            span: byte_span(span),
        }
    }

    fn record(&mut self, origin: Origin, file: usize, span: Span) {
        let location = self.locate(file, span);
        self.scanned.locations.insert(origin, location);
    }

    /// Parses every file, expands the type aliases they declare in the
    /// models' field types, and validates the models.
    fn parse(
        &mut self,
        files: &[(PathBuf, String)],
        syntax: &mut [Option<syn::File>],
        order: &[usize],
        cfg: &Cfg,
    ) -> Parsed {
        let mut parsed = Parsed {
            tables: Vec::new(),
            enums: Vec::new(),
            rejected_enums: BTreeSet::new(),
        };
        // Every file first: an alias may be declared after its use, or in
        // another file.
        let mut found: Vec<(usize, ModelFinder)> = Vec::new();
        let mut aliases = Aliases::default();
        for &file in order {
            let given = syntax.get_mut(file).and_then(Option::take);
            let syntax = match given.map_or_else(
                || syn::parse_str::<syn::File>(&blank_preamble(&files[file].1)),
                Ok,
            ) {
                Ok(syntax) => syntax,
                Err(err) => {
                    let message = format!("not valid Rust: {err}");
                    self.errors
                        .push((file, Diagnostic::new(err.span(), message)));
                    continue;
                }
            };
            let mut finder = ModelFinder::new(cfg);
            if cfg.enabled(&syntax.attrs) {
                finder.visit_file(&syntax);
            }
            for alias in &finder.aliases {
                aliases.add(alias);
            }
            found.push((file, finder));
        }
        for (file, finder) in found {
            for mut input in finder.tables {
                let diags = aliases.expand(&mut input);
                let model = crate::table_model(&input);
                match model {
                    Ok(model) if diags.is_empty() => parsed.tables.push(Found { file, model }),
                    Ok(_) => self.errors.extend(diags.into_iter().map(|d| (file, d))),
                    Err(more) => self
                        .errors
                        .extend(diags.into_iter().chain(more).map(|d| (file, d))),
                }
            }
            for input in finder.enums {
                match crate::enum_model(&input) {
                    Ok(model) => parsed.enums.push(Found { file, model }),
                    Err(diags) => {
                        self.errors.extend(diags.into_iter().map(|d| (file, d)));
                        parsed.rejected_enums.insert(input.ident.unraw_string());
                    }
                }
            }
        }
        parsed
    }

    fn lower_enums(&mut self, enums: &[Found<EnumModel>], resolver: &mut EnumsByName) {
        for found in enums {
            let e = lower_enum(&found.model);
            if self.scanned.database.enums.contains_key(&e.name) {
                let message = format!("enum type `{}` is declared twice", e.name);
                self.errors.push((
                    found.file,
                    Diagnostic::new(found.model.ident.span(), message),
                ));
                continue;
            }
            resolver
                .by_rust_name
                .entry(found.model.ident.unraw_string())
                .or_default()
                .push(e.name.clone());
            let key = ObjectKey::Enum {
                name: e.name.clone(),
            };
            self.record(Origin::whole(key), found.file, found.model.ident.span());
            for v in &found.model.variants {
                let key = ObjectKey::EnumLabel {
                    enum_type: e.name.clone(),
                    label: v.label(),
                };
                self.record(Origin::whole(key), found.file, v.ident.span());
            }
            self.scanned.database.add_enum(e);
        }
    }

    /// Each schema's namespace holding every table name and explicit
    /// constraint or index name, with duplicates reported.
    fn namespaces(&mut self, tables: &[Found<TableModel>]) -> BTreeMap<String, Namespace> {
        let mut namespaces: BTreeMap<String, Namespace> = BTreeMap::new();
        let mut seen_tables: BTreeMap<(String, String), (usize, Span)> = BTreeMap::new();
        // Each index-backed name: its table and kind.
        let mut indexes: BTreeMap<(String, String), (String, ObjectKind)> = BTreeMap::new();
        for found in tables {
            let m = &found.model;
            let ns = namespaces.entry(m.schema_name()).or_default();
            let key = (m.schema_name(), m.table_name());
            match seen_tables.get(&key) {
                Some(&(file, span)) => {
                    let first = self.locate(file, span);
                    let at = first.source.position(first.span.start);
                    let message = format!(
                        "table `{}.{}` is declared twice; first at {}:{}:{}",
                        key.0,
                        key.1,
                        first.source.path(),
                        at.line,
                        at.column
                    );
                    self.errors
                        .push((found.file, Diagnostic::new(m.ident.span(), message)));
                }
                None => {
                    seen_tables.insert(key, (found.file, m.ident.span()));
                }
            }
            ns.take(&m.table_name());
            for explicit in explicit_names(m) {
                // A check's or a foreign key's name is its table's alone
                // (validation compared those); an index's is the schema's.
                let key = (m.schema_name(), explicit.name.clone());
                if explicit.kind.has_index()
                    && let Some(first) = indexes.get(&key).filter(|(t, _)| *t != m.table_name())
                {
                    let message = format!(
                        "the name `{}` is already the {} of table `{}` in schema `{}`: the \
                         indexes of a schema, a key's and an exclusion constraint's among them, \
                         need names of their own",
                        explicit.name,
                        first.1.describe(),
                        first.0,
                        m.schema_name()
                    );
                    self.errors
                        .push((found.file, Diagnostic::new(explicit.span, message)));
                } else if explicit.kind.has_index() {
                    indexes.insert(key, (m.table_name(), explicit.kind));
                }
                ns.take(&explicit.name);
            }
        }
        namespaces
    }

    /// Lowers one table and records where its parts are written.
    fn lower_table(
        &mut self,
        found: &Found<TableModel>,
        resolver: &EnumsByName,
        namespaces: &mut BTreeMap<String, Namespace>,
    ) {
        let m = &found.model;
        let Some(ns) = namespaces.get_mut(&m.schema_name()) else {
            return;
        };
        let lowered = match lower_table(m, resolver, ns) {
            Ok(lowered) => lowered,
            Err(diags) => {
                self.errors
                    .extend(diags.into_iter().map(|d| (found.file, d)));
                return;
            }
        };
        let file = found.file;
        let table = lowered.table.name.clone();
        self.record(
            Origin::whole(ObjectKey::table(&table)),
            file,
            m.ident.span(),
        );
        for (column, &field) in lowered.table.columns.iter().zip(&lowered.column_fields) {
            let key = ObjectKey::column(&table, &column.name);
            let field = &m.fields[field];
            self.record(Origin::whole(key.clone()), file, field.ident.span());
            if let Some(default) = &field.default {
                self.record(Origin::part(key.clone(), Part::Default), file, default.span);
            }
            if let Some(sql_type) = &field.sql_type {
                self.record(Origin::part(key, Part::Type), file, sql_type.span);
            }
        }
        for object in &lowered.objects {
            let key = match object.kind {
                ObjectKind::Index => ObjectKey::index(&table, &object.name),
                _ => ObjectKey::constraint(&table, &object.name),
            };
            for (part, span) in &object.parts {
                // An index with two expression keys: the first is named.
                let origin = Origin::part(key.clone(), *part);
                let location = self.locate(file, *span);
                self.scanned.locations.entry(origin).or_insert(location);
            }
            self.record(Origin::whole(key), file, object.span);
        }
        self.scanned.database.add_table(lowered.table);
    }

    /// The models, or every mistake in file order, then source order.
    fn finish(mut self, order: &[usize]) -> Result<ScannedModels, ScanErrors> {
        self.scanned.database.normalize();
        if self.errors.is_empty() {
            return Ok(self.scanned);
        }
        let rank: BTreeMap<usize, usize> = order.iter().enumerate().map(|(r, &f)| (f, r)).collect();
        let mut errors = self.errors;
        errors.sort_by_key(|(file, d)| (rank.get(file).copied(), d.span.byte_range().start));
        let reports = errors
            .into_iter()
            .map(|(file, d)| Report::at(&self.sources[file], byte_span(d.span), d.message))
            .collect();
        Err(ScanErrors { reports })
    }
}

/// A token's span in the text the scanner parsed, as byte offsets (the
/// preamble blanked out, never removed, keeps them those of the file).
pub(crate) fn byte_span(span: Span) -> petal_source::Span {
    let range = span.byte_range();
    petal_source::Span::new(range.start, range.end)
}

/// Replaces a byte-order mark and a `#!` line by spaces, which the parser
/// does not accept but `syn::parse_file` would strip, shifting offsets.
pub(crate) fn blank_preamble(text: &str) -> String {
    let mut out = text.to_string();
    if out.starts_with('\u{feff}') {
        out.replace_range(..3, "   ");
    }
    if out.starts_with("#!") && !out[2..].trim_start().starts_with('[') {
        let end = out.find('\n').unwrap_or(out.len());
        out.replace_range(..end, &" ".repeat(end));
    }
    out
}
