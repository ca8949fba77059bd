//! The source scanner: model files → the whole `Database`, without
//! compiling them. Pure: it takes file contents; [`crate::scan_dir`] is the
//! one function that reads a directory.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use petal_ir::naming::Namespace;
use petal_ir::{Database, QualifiedName, SqlType};
use petal_ir::{ObjectKey, Origin, Part};
use petal_source::{Report, SourceFile};
use proc_macro2::Span;
use syn::visit::Visit;
use syn::{Attribute, DeriveInput};

use crate::aliases::Aliases;
use crate::ast::{EnumModel, FieldModel, TableModel, UnrawString};
use crate::cfg::Cfg;
use crate::diagnostic::{Diagnostic, suggestion};
use crate::lower::{ObjectKind, ResolveType, explicit_names, lower_enum, lower_table};
use crate::source::{ScanErrors, SourceLocation, SourceMap};
use crate::types::{MappedKind, MappedType, feature_needed};

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
    let parsed = scan.parse(files, &order, cfg);
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
    fn parse(&mut self, files: &[(PathBuf, String)], order: &[usize], cfg: &Cfg) -> Parsed {
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
            let syntax = match syn::parse_str::<syn::File>(&blank_preamble(&files[file].1)) {
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
        let mut taken: BTreeSet<(String, String)> = BTreeSet::new();
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
            for (name, span) in explicit_names(m) {
                if !taken.insert((m.schema_name(), name.clone())) {
                    let message = format!(
                        "the name `{name}` is already used by another constraint or index in schema `{}`",
                        m.schema_name()
                    );
                    self.errors
                        .push((found.file, Diagnostic::new(span, message)));
                }
                ns.take(&name);
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

/// A foreign key must point at a table and column the models define: the
/// derive cannot check that, the scanner can.
fn check_references(
    tables: &[Found<TableModel>],
    db: &Database,
    errors: &mut Vec<(usize, Diagnostic)>,
) {
    let known: Vec<String> = db.tables.keys().map(|n| n.to_string()).collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    for found in tables {
        let m = &found.model;
        for f in m.columns() {
            let Some(r) = &f.references else { continue };
            let target = QualifiedName::new(
                r.value.schema.clone().unwrap_or_else(|| m.schema_name()),
                r.value.table.clone(),
            );
            let message = match db.tables.get(&target) {
                None => format!(
                    "`references` names table `{target}`, which no model defines{}",
                    suggestion(&target.to_string(), &known)
                ),
                Some(t) if t.column(&r.value.column).is_none() => {
                    let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
                    format!(
                        "`references` names column `{}` of `{target}`, which has no such column{}",
                        r.value.column,
                        suggestion(&r.value.column, &columns)
                    )
                }
                Some(_) => continue,
            };
            errors.push((found.file, Diagnostic::new(r.span, message)));
        }
    }
}

/// Resolves type names to the `DbEnum`s of the scanned files.
#[derive(Default)]
struct EnumsByName {
    by_rust_name: BTreeMap<String, Vec<QualifiedName>>,
    /// `DbEnum`s with errors of their own: a field of that type is not
    /// reported again.
    rejected: BTreeSet<String>,
    /// `Cfg::petal_features`: a mapping whose feature is off is refused, as
    /// the derive refuses it.
    petal_features: Option<BTreeSet<String>>,
}

impl ResolveType for EnumsByName {
    fn resolve(&self, field: &FieldModel, mapped: &MappedType) -> Result<SqlType, Diagnostic> {
        let (name, array) = match &mapped.kind {
            MappedKind::Builtin(t) => {
                let off = feature_needed(&field.ty).filter(|f| {
                    self.petal_features
                        .as_ref()
                        .is_some_and(|on| !on.contains(*f))
                });
                return match off {
                    None => Ok(t.clone()),
                    Some(feature) => Err(Diagnostic::new(
                        type_span(field),
                        format!(
                            "field `{}` has type `{}`, which maps to {} only with petal's `{feature}` feature, and the crate's Cargo.toml leaves it off: add it (`petal = {{ ..., features = [\"{feature}\"] }}`)",
                            field.ident,
                            type_text(&field.ty),
                            t.as_str()
                        ),
                    )),
                };
            }
            MappedKind::Named { name, array } => (name, *array),
            MappedKind::Unknown => return Err(unmappable(field, None)),
        };
        match self.by_rust_name.get(name).map(Vec::as_slice) {
            Some([one]) => {
                let ty = SqlType::from_canonical(one.to_string());
                Ok(if array { ty.array_of() } else { ty })
            }
            _ if self.rejected.contains(name) => Ok(SqlType::from_canonical(name.clone())),
            Some(many) if many.len() > 1 => {
                let names: Vec<String> = many.iter().map(|n| format!("`{n}`")).collect();
                Err(Diagnostic::new(
                    type_span(field),
                    format!(
                        "field `{}` has type `{name}`, which is ambiguous: several `DbEnum`s are named so ({}); rename one, or give the field `#[petal(sql_type = \"...\")]`",
                        field.ident,
                        names.join(", ")
                    ),
                ))
            }
            _ => Err(unmappable(field, Some(name))),
        }
    }
}

/// The scanner's message for a type with no SQL type. A bare name may be
/// an alias declared outside the model files, which the scanner cannot see.
fn unmappable(field: &FieldModel, named: Option<&str>) -> Diagnostic {
    let ty = type_text(&field.ty);
    let alias = if let Some(name) = named {
        format!(
            "; if `{name}` is a type alias, declare it in the model files (petal reads them without compiling and sees no other file)"
        )
    } else {
        String::new()
    };
    Diagnostic::new(
        type_span(field),
        format!(
            "field `{}` has type `{ty}`, which maps to no SQL type: derive `DbEnum` for it (in the model files), or give the field `#[petal(sql_type = \"...\")]`{alias}",
            field.ident
        ),
    )
}

/// A type as a person writes it: `Vec<Foo>`, not `Vec < Foo >`.
pub(crate) fn type_text(ty: &syn::Type) -> String {
    let spaced = quote::ToTokens::to_token_stream(ty).to_string();
    let mut out = String::with_capacity(spaced.len());
    let chars: Vec<char> = spaced.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let tight = |ch: Option<char>| matches!(ch, Some('<' | '>' | ':' | ',' | '&' | '\''));
            if tight(next) && next != Some('\'') || (tight(prev) && prev != Some(',')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn type_span(field: &FieldModel) -> Span {
    syn::spanned::Spanned::span(&field.ty)
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

/// Collects the derive inputs of every model and the type aliases, in
/// source order, including those in inline modules; what `cfg` turns off
/// is not read.
struct ModelFinder<'c> {
    cfg: &'c Cfg,
    tables: Vec<DeriveInput>,
    enums: Vec<DeriveInput>,
    aliases: Vec<syn::ItemType>,
}

impl<'c> ModelFinder<'c> {
    fn new(cfg: &'c Cfg) -> Self {
        ModelFinder {
            cfg,
            tables: Vec::new(),
            enums: Vec::new(),
            aliases: Vec::new(),
        }
    }
}

impl<'ast> Visit<'ast> for ModelFinder<'_> {
    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        if derives(&item.attrs, "Table") && self.cfg.enabled(&item.attrs) {
            self.tables.push(DeriveInput::from(item.clone()));
        }
    }

    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        if derives(&item.attrs, "DbEnum") && self.cfg.enabled(&item.attrs) {
            self.enums.push(DeriveInput::from(item.clone()));
        }
    }

    fn visit_item_type(&mut self, item: &'ast syn::ItemType) {
        if self.cfg.enabled(&item.attrs) {
            self.aliases.push(item.clone());
        }
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if self.cfg.enabled(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    // Items inside function bodies are not models.
    fn visit_item_fn(&mut self, _: &'ast syn::ItemFn) {}
    fn visit_impl_item_fn(&mut self, _: &'ast syn::ImplItemFn) {}
}

/// True for `#[derive(..., Name, ...)]` or `#[derive(petal::Name)]`.
fn derives(attrs: &[Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| {
            let mut found = false;
            // A derive list that does not parse is not ours to report.
            let _ = a.parse_nested_meta(|meta| {
                let segments: Vec<String> = meta
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let strs: Vec<&str> = segments.iter().map(String::as_str).collect();
                if matches!(strs.as_slice(), [n] | ["petal", n] if *n == name) {
                    found = true;
                }
                Ok(())
            });
            found
        })
}
