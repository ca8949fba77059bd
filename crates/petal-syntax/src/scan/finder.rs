//! Finding the models in a parsed file: the structs deriving `Table`, the
//! enums deriving `DbEnum` and the type aliases, in source order, as far as
//! the configuration turns them on.

use syn::visit::Visit;
use syn::{Attribute, DeriveInput};

use crate::cfg::Cfg;

/// Collects the derive inputs of every model and the type aliases, in
/// source order, including those in inline modules; what `cfg` turns off
/// is not read.
pub(super) struct ModelFinder<'c> {
    cfg: &'c Cfg,
    pub(super) tables: Vec<DeriveInput>,
    pub(super) enums: Vec<DeriveInput>,
    pub(super) aliases: Vec<syn::ItemType>,
}

impl<'c> ModelFinder<'c> {
    pub(super) fn new(cfg: &'c Cfg) -> Self {
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
