//! What the scanner resolves across models: a field's type to a `DbEnum`
//! of the scanned files (spelled as PostgreSQL prints it), and a foreign
//! key's target to a model's table and columns.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{Database, QualifiedName, SqlType};
use proc_macro2::Span;

use super::Found;
use crate::ast::{FieldModel, TableModel};
use crate::diagnostic::{Diagnostic, suggestion};
use crate::lower::ResolveType;
use crate::types::{MappedKind, MappedType, feature_needed};

/// A foreign key must point at a table and columns the models define: the
/// derive cannot check that, the scanner can.
pub(super) fn check_references(
    tables: &[Found<TableModel>],
    db: &Database,
    errors: &mut Vec<(usize, Diagnostic)>,
) {
    let known: Vec<String> = db.tables.keys().map(|n| n.to_string()).collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    for found in tables {
        let m = &found.model;
        let references = (m.foreign_keys.iter().map(|fk| &fk.references))
            .chain(m.columns().filter_map(|f| f.references.as_ref()));
        for r in references {
            let target = QualifiedName::new(
                r.value.schema.clone().unwrap_or_else(|| m.schema_name()),
                r.value.table.clone(),
            );
            let Some(t) = db.tables.get(&target) else {
                let message = format!(
                    "`references` names table `{target}`, which no model defines{}",
                    suggestion(&target.to_string(), &known)
                );
                errors.push((found.file, Diagnostic::new(r.span, message)));
                continue;
            };
            let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            for column in r.value.columns.iter().filter(|c| t.column(c).is_none()) {
                let message = format!(
                    "`references` names column `{column}` of `{target}`, which has no such column{}",
                    suggestion(column, &columns)
                );
                errors.push((found.file, Diagnostic::new(r.span, message)));
            }
        }
    }
}

/// Resolves type names to the `DbEnum`s of the scanned files.
#[derive(Default)]
pub(super) struct EnumsByName {
    pub(super) by_rust_name: BTreeMap<String, Vec<QualifiedName>>,
    /// `DbEnum`s with errors of their own: a field of that type is not
    /// reported again.
    pub(super) rejected: BTreeSet<String>,
    /// `Cfg::petal_features`: a mapping whose feature is off is refused, as
    /// the derive refuses it.
    pub(super) petal_features: Option<BTreeSet<String>>,
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
                let ty = crate::spelling::user_type(one);
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
