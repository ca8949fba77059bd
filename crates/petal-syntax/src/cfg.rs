//! `#[cfg(...)]` as the scanner can judge it without a compiler: `test` is
//! off (a crate's own tests are not its schema), a `feature = "..."` is on
//! when the features are known (`petal.toml`'s `features`, else the model
//! crate's default ones) and list it, and anything else (`unix`,
//! `debug_assertions`, a feature when none are known) is unknown. An item
//! is read unless its `cfg` is certainly false, so an unknown predicate
//! never hides a model.

use std::collections::BTreeSet;

use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Lit, Meta, Token};

/// The configuration the models are read under.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cfg {
    /// The crate features taken as enabled; `None`: not known.
    pub features: Option<BTreeSet<String>>,
    /// The `petal` features the model crate's manifest enables, which
    /// decide what other crates' types map (`uuid` for `Uuid`); `None`:
    /// not known, every mapping counts.
    pub petal_features: Option<BTreeSet<String>>,
    /// Every item enabled, whatever its `cfg`: for what a crate declares
    /// under any configuration.
    pub any_configuration: bool,
}

/// A predicate's value: `None` when the scanner cannot tell.
type Truth = Option<bool>;

impl Cfg {
    pub fn with_features(features: impl IntoIterator<Item = String>) -> Cfg {
        Cfg {
            features: Some(features.into_iter().collect()),
            petal_features: None,
            any_configuration: false,
        }
    }

    /// Whether an item with these attributes is compiled: no `#[cfg]` of
    /// them is certainly false.
    pub fn enabled(&self, attrs: &[Attribute]) -> bool {
        self.any_configuration
            || attrs.iter().filter(|a| a.path().is_ident("cfg")).all(|a| {
                match a.parse_args::<Meta>() {
                    Ok(meta) => self.eval(&meta) != Some(false),
                    // A `cfg` that does not parse is the compiler's to report.
                    Err(_) => true,
                }
            })
    }

    fn eval(&self, meta: &Meta) -> Truth {
        match meta {
            Meta::Path(path) if path.is_ident("test") => Some(false),
            Meta::Path(_) => None,
            Meta::NameValue(nv) if nv.path.is_ident("feature") => match &nv.value {
                Expr::Lit(lit) => match &lit.lit {
                    Lit::Str(s) => self.features.as_ref().map(|on| on.contains(&s.value())),
                    _ => None,
                },
                _ => None,
            },
            Meta::NameValue(_) => None,
            Meta::List(list) => {
                let args = list
                    .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                    .ok()?;
                let values: Vec<Truth> = args.iter().map(|m| self.eval(m)).collect();
                if list.path.is_ident("not") {
                    match values.as_slice() {
                        [one] => one.map(|v| !v),
                        _ => None,
                    }
                } else if list.path.is_ident("all") {
                    if values.contains(&Some(false)) {
                        Some(false)
                    } else if values.contains(&None) {
                        None
                    } else {
                        Some(true)
                    }
                } else if list.path.is_ident("any") {
                    if values.contains(&Some(true)) {
                        Some(true)
                    } else if values.contains(&None) {
                        None
                    } else {
                        Some(false)
                    }
                } else {
                    None
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled(cfg: &Cfg, attr: &str) -> bool {
        let item: syn::ItemStruct = syn::parse_str(&format!("{attr} struct S;")).expect("an item");
        cfg.enabled(&item.attrs)
    }

    #[test]
    fn test_is_off_features_as_configured_and_the_unknown_kept() {
        let cfg = Cfg::with_features(["audit".to_string()]);
        assert!(!enabled(&cfg, "#[cfg(test)]"));
        assert!(enabled(&cfg, "#[cfg(not(test))]"));
        assert!(enabled(&cfg, r#"#[cfg(feature = "audit")]"#));
        assert!(!enabled(&cfg, r#"#[cfg(feature = "billing")]"#));
        assert!(!enabled(&cfg, r#"#[cfg(all(feature = "audit", test))]"#));
        assert!(enabled(&cfg, r#"#[cfg(any(feature = "billing", unix))]"#));
        assert!(enabled(&cfg, "#[cfg(not(unix))]"));
        assert!(enabled(&cfg, r#"#[cfg(target_os = "linux")]"#));
        assert!(!enabled(&cfg, r#"#[cfg(feature = "audit")] #[cfg(test)]"#));
        assert!(enabled(&cfg, "#[derive(Debug)]"));
        // Features not known: a feature's model is kept.
        assert!(enabled(&Cfg::default(), r#"#[cfg(feature = "billing")]"#));
        assert!(!enabled(
            &Cfg::default(),
            r#"#[cfg(all(feature = "billing", test))]"#
        ));
    }
}
