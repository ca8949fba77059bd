//! The untyped grammar inside `#[petal(...)]`: a comma-separated list of
//! `name`, `name = literal` and `name(nested, ...)` items.
//!
//! syn's own `Meta` would do, but names here may be keywords (`where`), and
//! the typed stage wants every item with its span to report unknown names
//! and misplaced values one by one.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, Lit, Token};

use crate::diagnostic::{Diagnostic, Diagnostics};

#[derive(Debug, Clone)]
pub struct MetaItem {
    pub name: String,
    pub name_span: Span,
    pub value: MetaValue,
}

#[derive(Debug, Clone)]
pub enum MetaValue {
    /// `unique`
    Flag,
    /// `table = "orders"`
    Lit(Lit),
    /// `columns(a, b)`
    List(Vec<MetaItem>),
}

impl MetaItem {
    /// The span of the whole item, for messages about its value.
    pub fn value_span(&self) -> Span {
        match &self.value {
            MetaValue::Lit(lit) => lit.span(),
            _ => self.name_span,
        }
    }

    /// The string of `name = "..."`, or a diagnostic saying what was expected.
    pub fn string(&self) -> Result<(String, Span), Diagnostic> {
        match &self.value {
            MetaValue::Lit(Lit::Str(s)) => Ok((s.value(), s.span())),
            MetaValue::Lit(other) => Err(Diagnostic::new(
                other.span(),
                format!("`{}` takes a string: `{} = \"...\"`", self.name, self.name),
            )),
            _ => Err(Diagnostic::new(
                self.name_span,
                format!("`{}` takes a string: `{} = \"...\"`", self.name, self.name),
            )),
        }
    }

    /// `name` with no value.
    pub fn flag(&self) -> Result<Span, Diagnostic> {
        match &self.value {
            MetaValue::Flag => Ok(self.name_span),
            _ => Err(Diagnostic::new(
                self.value_span(),
                format!("`{}` takes no value: write just `{}`", self.name, self.name),
            )),
        }
    }

    /// The items of `name(...)`.
    pub fn list(&self, what: &str) -> Result<&[MetaItem], Diagnostic> {
        match &self.value {
            MetaValue::List(items) => Ok(items),
            _ => Err(Diagnostic::new(
                self.value_span(),
                format!("`{}` takes a list: `{}({what})`", self.name, self.name),
            )),
        }
    }

    /// The names of `name(a, b)`, each a bare identifier.
    pub fn names(&self, what: &str) -> Result<Vec<(String, Span)>, Diagnostic> {
        let items = self.list(what)?;
        if items.is_empty() {
            return Err(Diagnostic::new(
                self.name_span,
                format!(
                    "`{}` needs at least one name: `{}({what})`",
                    self.name, self.name
                ),
            ));
        }
        items
            .iter()
            .map(|item| match item.value {
                MetaValue::Flag => Ok((item.name.clone(), item.name_span)),
                _ => Err(Diagnostic::new(
                    item.value_span(),
                    format!("expected a column name in `{}(...)`", self.name),
                )),
            })
            .collect()
    }
}

/// True for `#[petal(...)]`.
pub fn is_petal(attr: &Attribute) -> bool {
    attr.path().is_ident("petal")
}

/// Every item of every `#[petal(...)]` among `attrs`, in source order.
/// A malformed attribute is reported and skipped, so that the others are
/// still checked.
pub fn petal_items(attrs: &[Attribute], diags: &mut Diagnostics) -> Vec<MetaItem> {
    let mut items = Vec::new();
    for attr in attrs.iter().filter(|a| is_petal(a)) {
        let list = match &attr.meta {
            syn::Meta::List(list) => list,
            other => {
                diags.error(
                    other.span(),
                    "expected `#[petal(...)]` with a list of settings",
                );
                continue;
            }
        };
        match (|input: ParseStream| parse_items(input, 0)).parse2(list.tokens.clone()) {
            Ok(parsed) => items.extend(parsed),
            Err(err) => diags.push(err.into()),
        }
    }
    items
}

/// How deep settings nest at most: petal's own go three deep
/// (`index(columns(a))`); a limit keeps a malformed attribute from
/// exhausting the stack.
const MAX_NESTING: usize = 8;

/// `item, item, ...` with an optional trailing comma.
fn parse_items(input: ParseStream, depth: usize) -> syn::Result<Vec<MetaItem>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        items.push(parse_item(input, depth)?);
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(items)
}

fn parse_item(input: ParseStream, depth: usize) -> syn::Result<MetaItem> {
    let ident = if input.peek(Ident::peek_any) {
        Ident::parse_any(input)?
    } else {
        return Err(input.error("expected a setting name, such as `table = \"...\"`"));
    };
    let name = ident.unraw().to_string();
    let name_span = ident.span();
    let value = if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        if input.peek(Lit) {
            MetaValue::Lit(input.parse()?)
        } else {
            return Err(input.error(format!(
                "expected a literal after `{name} =`, such as `{name} = \"...\"`"
            )));
        }
    } else if input.peek(syn::token::Paren) {
        if depth + 1 >= MAX_NESTING {
            return Err(syn::Error::new(
                name_span,
                format!("`{name}(...)` nests too deep: settings nest at most {MAX_NESTING} levels"),
            ));
        }
        let content;
        syn::parenthesized!(content in input);
        MetaValue::List(parse_items(&content, depth + 1)?)
    } else {
        MetaValue::Flag
    };
    Ok(MetaItem {
        name,
        name_span,
        value,
    })
}
