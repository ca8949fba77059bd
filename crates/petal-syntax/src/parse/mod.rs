//! Parse: a derive input's `#[petal(...)]` attributes → the typed AST.
//!
//! Every item is checked on its own here (known name, right kind of value,
//! well-formed `references`, known actions and key orders); checks that need the whole
//! model (duplicate columns, unknown column names) are in
//! [`crate::validate`]. Errors accumulate: a bad item is reported and
//! skipped, and parsing goes on.

mod constraints;
mod db_enum;
mod foreign_key;
mod index;
mod table;
mod table_options;

use std::collections::BTreeMap;

use proc_macro2::Span;

use crate::ast::{IdentityAttr, Spanned};
use crate::diagnostic::{Diagnostic, suggestion};
use crate::meta::MetaItem;

pub use db_enum::parse_enum;
pub use foreign_key::{parse_reference, parse_target};
pub use table::parse_table;

pub const TABLE_ATTRS: &[&str] = &[
    "table",
    "schema",
    "primary_key",
    "index",
    "unique",
    "check",
    "exclude",
    "foreign_key",
    "comment",
    "renamed_from",
    "unlogged",
    "with",
    "replica_identity",
    "partition_by",
    "row_level_security",
    "force_row_level_security",
];
pub const FIELD_ATTRS: &[&str] = &[
    "primary_key",
    "default",
    "sql_type",
    "references",
    "on_delete",
    "on_update",
    "unique",
    "index",
    "renamed_from",
    "comment",
    "skip",
    "identity",
    "column",
    "generated",
    "sequence",
    "collation",
    "deferrable",
    "initially_deferred",
    "not_valid",
];
pub const ENUM_ATTRS: &[&str] = &["name", "schema", "renamed_from", "comment"];
pub const VARIANT_ATTRS: &[&str] = &["rename", "renamed_from"];
const IDENTITIES: &[&str] = &["by default", "always", "none", "serial"];
pub(crate) fn identity(item: &MetaItem) -> Result<Spanned<IdentityAttr>, Diagnostic> {
    let text = string(item)?;
    let norm = text.value.to_ascii_lowercase().replace(['_', '-'], " ");
    let value = match norm
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .as_str()
    {
        "by default" => IdentityAttr::ByDefault,
        "always" => IdentityAttr::Always,
        "none" => IdentityAttr::None,
        "serial" => IdentityAttr::Serial,
        _ => {
            return Err(Diagnostic::new(
                text.span,
                format!(
                    "unknown `identity` {:?}: expected one of {}{}",
                    text.value,
                    quoted_list(IDENTITIES),
                    suggestion(&norm, IDENTITIES)
                ),
            ));
        }
    };
    Ok(Spanned::new(value, text.span))
}

pub(crate) fn string(item: &MetaItem) -> Result<Spanned<String>, Diagnostic> {
    item.string().map(|(v, s)| Spanned::new(v, s))
}

pub(crate) fn spanned_all(names: Vec<(String, Span)>) -> Vec<Spanned<String>> {
    names.into_iter().map(|(n, s)| Spanned::new(n, s)).collect()
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The message for a name that is not a known attribute.
pub(crate) fn unknown(kind: &str, name: &str, span: Span, known: &[&str]) -> Diagnostic {
    Diagnostic::new(
        span,
        format!(
            "unknown {kind} attribute `{name}`{}",
            suggestion(name, known)
        ),
    )
}

/// Rejects a setting given twice in one scope (`table = "a", table = "b"`).
#[derive(Default)]
pub(crate) struct Once {
    seen: BTreeMap<String, Span>,
}

impl Once {
    pub(crate) fn check(&mut self, item: &MetaItem) -> Result<(), Diagnostic> {
        if self.seen.contains_key(&item.name) {
            return Err(Diagnostic::new(
                item.name_span,
                format!("`{}` is given twice", item.name),
            ));
        }
        self.seen.insert(item.name.clone(), item.name_span);
        Ok(())
    }
}
