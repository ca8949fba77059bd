//! `#[derive(DbEnum)]`: the `petal::DbEnum` and `petal::SqlType` impls.

use petal_syntax::Diagnostic;
use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ir_tokens;

pub fn expand(input: &DeriveInput) -> TokenStream {
    let model = match petal_syntax::enum_model(input) {
        Ok(model) => model,
        Err(diags) => return with_fallback(input, &diags),
    };
    let enum_type = petal_syntax::lower::lower_enum(&model);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let schema = &enum_type.name.schema;
    let name = &enum_type.name.name;
    // As PostgreSQL prints it, quoted where it must be (`public."Priority
    // Level"`): the scanner spells it so, and introspection reads it so.
    let sql_type = petal_syntax::spelling::user_type(&enum_type.name);
    let sql_type = sql_type.as_str();
    let labels = &enum_type.labels;
    let variants: Vec<_> = model.variants.iter().map(|v| &v.ident).collect();
    let ir = ir_tokens::enum_type(&enum_type);
    quote! {
        impl #impl_generics ::petal::DbEnum for #ident #ty_generics #where_clause {
            const SCHEMA: &'static str = #schema;
            const NAME: &'static str = #name;
            const LABELS: &'static [&'static str] = &[#(#labels),*];

            fn enum_type() -> ::petal::ir::EnumType {
                #ir
            }

            fn as_label(&self) -> &'static str {
                // `*self`: the compiler accepts an empty match on an enum
                // without variants (PostgreSQL allows an enum without
                // labels), not on a reference to one.
                match *self {
                    #(Self::#variants => #labels,)*
                }
            }

            fn from_label(label: &str) -> ::petal::__private::Option<Self> {
                match label {
                    #(#labels => ::petal::__private::Option::Some(Self::#variants),)*
                    _ => ::petal::__private::Option::None,
                }
            }
        }

        impl #impl_generics ::petal::SqlType for #ident #ty_generics #where_clause {
            fn sql_type() -> ::petal::ir::SqlType {
                ::petal::ir::SqlType::from_canonical(#sql_type)
            }
        }
    }
}

/// The errors, plus impls that keep code using the enum from piling up
/// follow-up errors.
fn with_fallback(input: &DeriveInput, diags: &[Diagnostic]) -> TokenStream {
    let errors = diags.iter().map(|d| d.to_syn_error().to_compile_error());
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #(#errors)*

        impl #impl_generics ::petal::DbEnum for #ident #ty_generics #where_clause {
            const SCHEMA: &'static str = "";
            const NAME: &'static str = "";
            const LABELS: &'static [&'static str] = &[];

            fn enum_type() -> ::petal::ir::EnumType {
                ::core::unreachable!("the model has compile errors")
            }

            fn as_label(&self) -> &'static str {
                ::core::unreachable!("the model has compile errors")
            }

            fn from_label(_: &str) -> ::petal::__private::Option<Self> {
                ::core::unreachable!("the model has compile errors")
            }
        }

        impl #impl_generics ::petal::SqlType for #ident #ty_generics #where_clause {
            fn sql_type() -> ::petal::ir::SqlType {
                ::core::unreachable!("the model has compile errors")
            }
        }
    }
}
