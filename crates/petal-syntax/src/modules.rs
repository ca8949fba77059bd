//! The module tree as the compiler follows it: the `mod name;` declarations
//! of a file and where their files are. Pure; `fs.rs` reads the files.

use std::path::{Path, PathBuf};

use proc_macro2::Span;
use syn::{Expr, Item, Lit, Meta};

use crate::cfg::Cfg;

/// A `mod name;` whose file is to be read.
pub(crate) struct DeclaredModule {
    pub name: String,
    /// Where the compiler looks, in order (`#[path]`'s alone when given).
    pub candidates: Vec<PathBuf>,
    /// The declaration's `name`, for an error when no candidate exists.
    pub span: Span,
    /// Whether the module's own children live in the directory of its file
    /// (`mod.rs`, or a `#[path]` file), else in a directory named after it.
    pub owns_dir: bool,
}

/// The file modules `file` (at `path`) declares, with `cfg`'s false ones
/// left out. `owns_dir`: `path` is a crate root or a `mod.rs`, whose child
/// modules sit beside it; a `name.rs` has them in `name/`.
pub(crate) fn declared_modules(
    file: &syn::File,
    path: &Path,
    owns_dir: bool,
    cfg: &Cfg,
) -> Vec<DeclaredModule> {
    let here = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let children_dir = if owns_dir {
        here.clone()
    } else {
        let stem = path
            .file_stem()
            .map(|s| s.to_os_string())
            .unwrap_or_default();
        here.join(stem)
    };
    let mut out = Vec::new();
    collect(&file.items, &here, &children_dir, cfg, &mut out);
    out
}

fn collect(
    items: &[Item],
    here: &Path,
    children_dir: &Path,
    cfg: &Cfg,
    out: &mut Vec<DeclaredModule>,
) {
    for item in items {
        let Item::Mod(module) = item else { continue };
        if !cfg.enabled(&module.attrs) {
            continue;
        }
        let name = syn::ext::IdentExt::unraw(&module.ident).to_string();
        let path_attr = path_attribute(&module.attrs);
        match &module.content {
            Some((_, inner)) => {
                // An inline module's file children live in a directory of
                // its name (or of its `#[path]`).
                let dir = match &path_attr {
                    Some(p) => children_dir.join(p),
                    None => children_dir.join(&name),
                };
                collect(inner, &dir, &dir, cfg, out);
            }
            None => {
                let (candidates, owns_dir) = match &path_attr {
                    Some(p) => (vec![here.join(p)], true),
                    None => (
                        vec![
                            children_dir.join(format!("{name}.rs")),
                            children_dir.join(&name).join("mod.rs"),
                        ],
                        false,
                    ),
                };
                out.push(DeclaredModule {
                    name,
                    candidates,
                    span: module.ident.span(),
                    owns_dir,
                });
            }
        }
    }
}

/// `#[path = "..."]`.
fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            Expr::Lit(lit) => match &lit.lit {
                Lit::Str(s) => Some(s.value()),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules(text: &str, path: &str, owns_dir: bool) -> Vec<(String, Vec<PathBuf>)> {
        let file: syn::File = syn::parse_str(text).expect("Rust");
        declared_modules(&file, Path::new(path), owns_dir, &Cfg::default())
            .into_iter()
            .map(|m| (m.name, m.candidates))
            .collect()
    }

    #[test]
    fn files_are_where_the_compiler_looks() {
        let text = r#"
            pub mod orders;
            #[cfg(test)] mod tests;
            #[path = "legacy/old.rs"] mod old;
            mod inline { pub mod inner; }
            mod body { struct X; }
        "#;
        let found = modules(text, "models/lib.rs", true);
        assert_eq!(
            found,
            [
                (
                    "orders".to_string(),
                    vec![
                        PathBuf::from("models/orders.rs"),
                        PathBuf::from("models/orders/mod.rs")
                    ]
                ),
                (
                    "old".to_string(),
                    vec![PathBuf::from("models/legacy/old.rs")]
                ),
                (
                    "inner".to_string(),
                    vec![
                        PathBuf::from("models/inline/inner.rs"),
                        PathBuf::from("models/inline/inner/mod.rs")
                    ]
                ),
            ]
        );
        // A `name.rs` file's children are in `name/`.
        let found = modules("mod lines;", "models/orders.rs", false);
        assert_eq!(found[0].1[0], PathBuf::from("models/orders/lines.rs"));
    }
}
