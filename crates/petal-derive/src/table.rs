//! `#[derive(Table)]`: the `petal::Table` impl and the `<Struct>Iden` enum.

use std::collections::BTreeMap;

use petal_ir::SqlType;
use petal_syntax::Diagnostic;
use petal_syntax::ast::FieldModel;
use petal_syntax::lower::ResolveType;
use petal_syntax::types::{MappedType, map_type};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{Data, DeriveInput, Fields, Ident};

use crate::ir_tokens;

/// The derive's types are known only to the compiler: the lowering gets a
/// placeholder, and the generated code asks `petal::SqlType` instead.
struct Deferred;

impl ResolveType for Deferred {
    fn resolve(&self, _: &FieldModel, _: &MappedType) -> Result<SqlType, Diagnostic> {
        Ok(SqlType::from_canonical(String::new()))
    }
}

pub fn expand(input: &DeriveInput) -> TokenStream {
    let lowered = petal_syntax::table_model(input).and_then(|model| {
        let lowered = petal_syntax::lower_table_alone(&model, &Deferred)?;
        Ok((model, lowered))
    });
    let (model, lowered) = match lowered {
        Ok(ok) => ok,
        Err(diags) => return with_fallback(input, &diags),
    };
    let columns: Vec<(&FieldModel, String)> = lowered
        .column_fields
        .iter()
        .map(|&i| (&model.fields[i], model.fields[i].column_name()))
        .collect();
    let variants = match iden_variants(&columns) {
        Ok(v) => v,
        Err(diags) => return with_fallback(input, &diags),
    };
    let mut nullability_checks = Vec::new();
    let column_types: Vec<Option<TokenStream>> = columns
        .iter()
        .map(|(field, _)| {
            if field.sql_type.is_some() {
                return None;
            }
            let ty = &field.ty;
            let span = syn::spanned::Spanned::span(ty);
            // The scanner cannot see through type aliases: make sure the
            // compiler's view of nullability agrees with the source's.
            let nullable = map_type(ty).nullable;
            let message = format!(
                "petal: write `Option<...>` in the type of field `{}` itself, not through an alias: the scanner reads nullability from the source",
                field.ident
            );
            nullability_checks.push(quote_spanned!(span=>
                ::core::assert!(<#ty as ::petal::SqlType>::NULLABLE == #nullable, #message);
            ));
            // The type's span, so an unmapped type's error points at it.
            Some(quote_spanned!(span=> <#ty as ::petal::SqlType>::sql_type()))
        })
        .collect();
    // A free constant is evaluated by `cargo check`; a generic model (a
    // field of type `&'a str`) can only check inside the function, which
    // the compiler evaluates when it generates code.
    let (inline_checks, item_checks) = if input.generics.params.is_empty() {
        (quote!(), quote!(const _: () = { #(#nullability_checks)* };))
    } else {
        (quote!(const { #(#nullability_checks)* };), quote!())
    };
    let table = ir_tokens::table(&lowered.table, &column_types);
    let names: Vec<&str> = columns.iter().map(|(_, n)| n.as_str()).collect();
    let iden = iden_enum(
        input,
        (&lowered.table.name.schema, &lowered.table.name.name),
        &variants,
        &names,
    );
    let ident = &input.ident;
    let iden_ident = iden_ident(ident);
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let schema = &lowered.table.name.schema;
    let name = &lowered.table.name.name;
    quote! {
        impl #impl_generics ::petal::Table for #ident #ty_generics #where_clause {
            const SCHEMA: &'static str = #schema;
            const NAME: &'static str = #name;
            const COLUMNS: &'static [&'static str] = &[#(#names),*];
            type Iden = #iden_ident;

            fn table() -> ::petal::ir::Table {
                #inline_checks
                #table
            }
        }

        #item_checks

        #iden
    }
}

fn iden_ident(ident: &Ident) -> Ident {
    format_ident!("{}Iden", ident)
}

/// The `<Struct>Iden` enum and its `sea_query::Iden` impl.
fn iden_enum(
    input: &DeriveInput,
    (schema, table): (&str, &str),
    variants: &[Ident],
    names: &[&str],
) -> TokenStream {
    let vis = &input.vis;
    let iden = iden_ident(&input.ident);
    let variant_docs: Vec<String> = names.iter().map(|n| format!("The `{n}` column.")).collect();
    let doc = format!(
        "sea-query identifiers of `{table}` and its columns (from `#[derive(Table)]` on `{}`).",
        input.ident
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #vis enum #iden {
            /// The table's own name, unqualified: for qualifying a column
            /// (`(Self::Table, Self::Id)`). Name the table itself in
            /// `FROM`, `INSERT INTO`, `UPDATE` and `DELETE FROM` with
            /// [`Self::table_ref`], which carries its schema.
            Table,
            #(#[doc = #variant_docs] #variants,)*
        }

        impl ::petal::sea_query::Iden for #iden {
            fn quoted(&self) -> ::petal::__private::Cow<'static, str> {
                let name = self.name();
                if ::petal::sea_query::is_static_iden(name) {
                    ::petal::__private::Cow::Borrowed(name)
                } else {
                    ::petal::__private::Cow::Owned(name.to_string())
                }
            }

            fn unquoted(&self) -> &str {
                self.name()
            }
        }

        impl #iden {
            /// The schema-qualified table (`"schema"."table"`), for `FROM`,
            /// `INSERT INTO`, `UPDATE` and `DELETE FROM`: it names the
            /// model's table whatever the connection's `search_path`.
            pub fn table_ref() -> ::petal::sea_query::TableName {
                ::petal::sea_query::TableName::from((#schema, Self::Table))
            }

            /// The SQL name.
            pub const fn name(&self) -> &'static str {
                match self {
                    Self::Table => #table,
                    #(Self::#variants => #names,)*
                }
            }
        }
    }
}

/// One variant per column: the UpperCamelCase of the column name, `Table`
/// → `TableColumn`, a name that is no identifier prefixed with `Column`.
fn iden_variants(columns: &[(&FieldModel, String)]) -> Result<Vec<Ident>, Vec<Diagnostic>> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut diags = Vec::new();
    let mut out = Vec::new();
    for (field, column) in columns {
        let variant = variant_name(column);
        if let Some(other) = seen.get(&variant) {
            diags.push(Diagnostic::new(
                field.span(),
                format!(
                    "columns `{other}` and `{column}` both give the Iden variant `{variant}`; rename one with `column = \"...\"`"
                ),
            ));
        }
        seen.insert(variant.clone(), column.clone());
        out.push(Ident::new(&variant, Span::call_site()));
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

fn variant_name(column: &str) -> String {
    let camel = heck::ToUpperCamelCase::to_upper_camel_case(column);
    if camel == "Table" || camel == "Self" {
        return format!("{camel}Column");
    }
    if syn::parse_str::<Ident>(&camel).is_ok() {
        camel
    } else {
        // What an identifier may hold: `²` is alphanumeric, and is not.
        let cleaned: String = camel
            .chars()
            .filter(|c| *c == '_' || unicode_ident::is_xid_continue(*c))
            .collect();
        format!("Column{cleaned}")
    }
}

/// The errors, plus an impl good enough that code using the model does not
/// drown them in follow-up errors: the Iden variants come from the field
/// names.
fn with_fallback(input: &DeriveInput, diags: &[Diagnostic]) -> TokenStream {
    let errors = diags.iter().map(|d| d.to_syn_error().to_compile_error());
    let ident = &input.ident;
    let iden_ident = iden_ident(ident);
    let fields: Vec<String> = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => named
                .named
                .iter()
                .filter_map(|f| {
                    f.ident
                        .as_ref()
                        .map(|i| syn::ext::IdentExt::unraw(i).to_string())
                })
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let mut variants: Vec<Ident> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for f in &fields {
        let v = Ident::new(&variant_name(f), Span::call_site());
        if !variants.contains(&v) {
            variants.push(v);
            names.push(f);
        }
    }
    let iden = iden_enum(input, ("", ""), &variants, &names);
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #(#errors)*

        impl #impl_generics ::petal::Table for #ident #ty_generics #where_clause {
            const SCHEMA: &'static str = "";
            const NAME: &'static str = "";
            const COLUMNS: &'static [&'static str] = &[];
            type Iden = #iden_ident;

            fn table() -> ::petal::ir::Table {
                ::core::unreachable!("the model has compile errors")
            }
        }

        #iden
    }
}

#[cfg(test)]
mod tests {
    use super::variant_name;

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("customer_phone"), "CustomerPhone");
        assert_eq!(variant_name("id"), "Id");
        assert_eq!(variant_name("table"), "TableColumn");
        assert_eq!(variant_name("2fa"), "Column2fa");
        assert_eq!(variant_name("order-id"), "OrderId");
    }
}
