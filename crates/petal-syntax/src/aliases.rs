//! Type aliases declared in the model files (`pub type Money = i64;`). The
//! compiler sees through them, so the scanner does too: a field's type is
//! expanded before its model is read. An alias declared anywhere else is
//! invisible to a scanner that never compiles, and the unmapped type's
//! error says so.

use std::collections::BTreeMap;

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Data, DeriveInput, Fields, Type};

use crate::diagnostic::Diagnostic;
use crate::types::option_inner;

/// How deep aliases of aliases are followed, and how many expansions one
/// field's type may take: a cycle (`type A = B; type B = A;`, or
/// `type A = (A, A);`), which the compiler refuses, stops instead of
/// looping or growing without end.
const MAX_DEPTH: usize = 16;
const MAX_EXPANSIONS: usize = 256;

/// The non-generic type aliases of the model files, by name.
#[derive(Debug, Default)]
pub(crate) struct Aliases {
    by_name: BTreeMap<String, Vec<Type>>,
}

impl Aliases {
    /// Records `type Name = Target;`. A generic alias (`type Id<T> = ...`)
    /// is not followed: its uses keep their written type.
    pub fn add(&mut self, item: &syn::ItemType) {
        if item.generics.params.is_empty() {
            let targets = self.by_name.entry(item.ident.to_string()).or_default();
            let text = item.ty.to_token_stream().to_string();
            if !targets
                .iter()
                .any(|t| t.to_token_stream().to_string() == text)
            {
                targets.push((*item.ty).clone());
            }
        }
    }

    /// Expands the aliases in the type of each field of `input`, the result
    /// carrying the field type's span so errors still point at the field.
    pub fn expand(&self, input: &mut DeriveInput) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        if self.by_name.is_empty() {
            return diags;
        }
        let Data::Struct(data) = &mut input.data else {
            return diags;
        };
        let Fields::Named(fields) = &mut data.fields else {
            return diags;
        };
        for field in &mut fields.named {
            let span = syn::spanned::Spanned::span(&field.ty);
            let mut expander = Expander {
                aliases: self,
                span,
                depth: 0,
                budget: MAX_EXPANSIONS,
                ambiguous: None,
            };
            let mut ty = field.ty.clone();
            expander.visit_type_mut(&mut ty);
            let name = field
                .ident
                .as_ref()
                .map_or_else(String::new, ToString::to_string);
            if let Some(alias) = expander.ambiguous {
                diags.push(Diagnostic::new(
                    span,
                    format!(
                        "field `{name}` has type `{alias}`, a type alias declared more than once in the model files with different types; petal cannot tell which the compiler uses: rename one"
                    ),
                ));
            } else if option_inner(&field.ty).is_none() && option_inner(&ty).is_some() {
                // The derive reads nullability from the written type and
                // refuses this at compile time; the scanner agrees.
                diags.push(Diagnostic::new(
                    span,
                    format!(
                        "petal: write `Option<...>` in the type of field `{name}` itself, not through an alias: the scanner reads nullability from the source"
                    ),
                ));
            } else {
                field.ty = ty;
            }
        }
        diags
    }
}

/// Replaces each bare alias name in a type by what it stands for.
struct Expander<'a> {
    aliases: &'a Aliases,
    span: Span,
    depth: usize,
    budget: usize,
    ambiguous: Option<String>,
}

impl VisitMut for Expander<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if self.depth < MAX_DEPTH
            && self.budget > 0
            && let Type::Path(path) = ty
            && path.qself.is_none()
            && let Some(ident) = path.path.get_ident()
            && let Some(targets) = self.aliases.by_name.get(&ident.to_string())
        {
            match targets.as_slice() {
                [target] => {
                    self.budget -= 1;
                    *ty = respan(target, self.span);
                    self.depth += 1;
                    self.visit_type_mut(ty);
                    self.depth -= 1;
                }
                _ => self.ambiguous = Some(ident.to_string()),
            }
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// `ty` with every token at `span`: the expansion of an alias is reported
/// where the field's type is written, in the field's own file.
fn respan(ty: &Type, span: Span) -> Type {
    fn tokens(stream: TokenStream, span: Span) -> TokenStream {
        stream
            .into_iter()
            .map(|tree| match tree {
                TokenTree::Group(g) => {
                    let mut group = Group::new(g.delimiter(), tokens(g.stream(), span));
                    group.set_span(span);
                    TokenTree::Group(group)
                }
                mut other => {
                    other.set_span(span);
                    other
                }
            })
            .collect()
    }
    syn::parse2(tokens(ty.to_token_stream(), span)).unwrap_or_else(|_| ty.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aliases(items: &str) -> Aliases {
        let file: syn::File = syn::parse_str(items).expect("aliases");
        let mut aliases = Aliases::default();
        for item in &file.items {
            if let syn::Item::Type(t) = item {
                aliases.add(t);
            }
        }
        aliases
    }

    fn field_types(aliases: &Aliases, model: &str) -> (Vec<String>, Vec<String>) {
        let mut input: DeriveInput = syn::parse_str(model).expect("model");
        let diags = aliases.expand(&mut input);
        let Data::Struct(data) = &input.data else {
            return (Vec::new(), Vec::new());
        };
        let types = data
            .fields
            .iter()
            .map(|f| f.ty.to_token_stream().to_string().replace(' ', ""))
            .collect();
        (types, diags.into_iter().map(|d| d.message).collect())
    }

    #[test]
    fn aliases_expand_inside_options_and_vecs() {
        let aliases = aliases("pub type Money = i64; type Tags = Vec<Tag>; type Tag = String;");
        let (types, diags) = field_types(
            &aliases,
            "struct A { a: Money, b: Option<Money>, c: Tags, d: Vec<Money>, e: other::Money }",
        );
        assert!(diags.is_empty(), "{diags:?}");
        // A path (`other::Money`) is no alias of the model files.
        assert_eq!(
            types,
            [
                "i64",
                "Option<i64>",
                "Vec<String>",
                "Vec<i64>",
                "other::Money"
            ]
        );
    }

    #[test]
    fn an_alias_of_an_option_and_an_ambiguous_alias_are_refused() {
        let aliases = aliases("type MaybeText = Option<String>; mod a { } type Id = i32;");
        let mut twice = aliases;
        twice.add(&syn::parse_quote!(
            type Id = i64;
        ));
        let (_, diags) = field_types(
            &twice,
            "struct A { a: MaybeText, b: Id, c: Option<MaybeText> }",
        );
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(
            diags[0].contains("`Option<...>` in the type of field `a`"),
            "{diags:?}"
        );
        assert!(
            diags[1].contains("`Id`, a type alias declared more than once"),
            "{diags:?}"
        );
    }

    #[test]
    fn a_cycle_stops() {
        let aliases = aliases("type A = B; type B = A;");
        let (types, _) = field_types(&aliases, "struct S { a: A }");
        assert_eq!(types.len(), 1);
        // Growing: four of itself at every level.
        let aliases = super::tests::aliases("type A = (A, A, A, A);");
        let (types, _) = field_types(&aliases, "struct S { a: A }");
        assert_eq!(types.len(), 1);
    }
}
