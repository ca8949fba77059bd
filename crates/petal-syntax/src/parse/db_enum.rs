//! Parsing `#[derive(DbEnum)]` enums and their variants.

use syn::{Data, DeriveInput, Fields};

use super::{ENUM_ATTRS, Once, VARIANT_ATTRS, string, unknown};
use crate::ast::{EnumModel, VariantModel};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::meta::petal_items;

/// Parses a `#[derive(DbEnum)]` enum, like [`super::parse_table`].
pub fn parse_enum(input: &DeriveInput) -> (EnumModel, Vec<Diagnostic>) {
    let mut diags = Diagnostics::new();
    let mut model = EnumModel {
        ident: input.ident.clone(),
        name: None,
        schema: None,
        renamed_from: None,
        comment: None,
        variants: Vec::new(),
    };
    let mut once = Once::default();
    for item in petal_items(&input.attrs, &mut diags) {
        let slot = match item.name.as_str() {
            "name" => &mut model.name,
            "schema" => &mut model.schema,
            "renamed_from" => &mut model.renamed_from,
            "comment" => &mut model.comment,
            other => {
                diags.push(unknown("enum", other, item.name_span, ENUM_ATTRS));
                continue;
            }
        };
        match once.check(&item).and_then(|()| string(&item)) {
            Ok(v) => *slot = Some(v),
            Err(d) => diags.push(d),
        }
    }
    let Data::Enum(data) = &input.data else {
        diags.error(
            input.ident.span(),
            "`DbEnum` can only be derived for an enum of unit variants",
        );
        return (model, diags.into_vec());
    };
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            diags.error(
                variant.ident.span(),
                format!(
                    "variant `{}` has fields; a `DbEnum` has unit variants only",
                    variant.ident
                ),
            );
        }
        let mut v = VariantModel {
            ident: variant.ident.clone(),
            rename: None,
            renamed_from: None,
        };
        let mut once = Once::default();
        for item in petal_items(&variant.attrs, &mut diags) {
            let slot = match item.name.as_str() {
                "rename" => &mut v.rename,
                "renamed_from" => &mut v.renamed_from,
                other => {
                    diags.push(unknown("variant", other, item.name_span, VARIANT_ATTRS));
                    continue;
                }
            };
            match once.check(&item).and_then(|()| string(&item)) {
                Ok(val) => *slot = Some(val),
                Err(d) => diags.push(d),
            }
        }
        model.variants.push(v);
    }
    (model, diags.into_vec())
}
