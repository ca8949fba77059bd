//! `#[derive(DbEnum)]` enums: the type's name and schema where the Rust
//! name does not give them, a variant per label, renamed where its
//! snake_case is not the label.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use petal_ir::EnumType;

use super::attr::{Settings, petal_lines};
use super::names;

/// The derives a model enum gets: what code matching on a status wants.
const DERIVES: &str = "#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]";

/// The text of the enum `rust` for `e`.
pub(super) fn render(e: &EnumType, rust: &str) -> String {
    let mut out = vec![DERIVES.to_string()];
    let mut settings = Settings::new();
    if rust.to_snake_case() != e.name.name {
        settings.string("name", &e.name.name);
    }
    if e.name.schema != crate::DEFAULT_SCHEMA {
        settings.string("schema", &e.name.schema);
    }
    let mut described = Settings::new();
    described.string_opt("comment", e.comment.as_deref());
    if let Some(old) = &e.renamed_from {
        described.string("renamed_from", &super::qualified_in(old, &e.name.schema));
    }
    out.extend(petal_lines("", &[settings, described]));
    if e.labels.is_empty() {
        out.push(format!("pub enum {rust} {{}}"));
        return out.join("\n") + "\n";
    }
    out.push(format!("pub enum {rust} {{"));
    for (variant, label) in variants(&e.labels).iter().zip(&e.labels) {
        let mut settings = Settings::new();
        if variant.to_snake_case() != *label {
            settings.string("rename", label);
        }
        settings.string_opt(
            "renamed_from",
            e.renamed_labels.get(label).map(String::as_str),
        );
        out.extend(petal_lines("    ", &[settings]));
        out.push(format!("    {variant},"));
    }
    out.push("}".to_string());
    out.join("\n") + "\n"
}

/// A variant name per label, distinct within the enum.
fn variants(labels: &[String]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    labels
        .iter()
        .map(|label| {
            let name = names::unique(&names::variant_name(label), "", &taken);
            taken.insert(name.clone());
            name
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use petal_ir::QualifiedName;

    use super::*;

    #[test]
    fn odd_labels_are_renamed() {
        let e = EnumType {
            name: QualifiedName::new("crm", "Priority Level"),
            labels: ["low", "in progress", "In_Progress", "it's", "Отменён"]
                .map(str::to_string)
                .to_vec(),
            comment: Some("how \"urgent\"".into()),
            renamed_from: None,
            renamed_labels: BTreeMap::new(),
        };
        let text = render(&e, "PriorityLevel");
        assert_eq!(
            text,
            r####"#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
#[petal(name = "Priority Level", schema = "crm", comment = r#"how "urgent""#)]
pub enum PriorityLevel {
    Low,
    #[petal(rename = "in progress")]
    InProgress,
    #[petal(rename = "In_Progress")]
    InProgress2,
    #[petal(rename = "it's")]
    Its,
    #[petal(rename = "Отменён")]
    Отменён,
}
"####
        );
    }
}
