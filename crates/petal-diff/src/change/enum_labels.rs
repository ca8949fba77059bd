//! The labels of an enum type: added in place, or the type recreated
//! (what removing or reordering a label takes), converting its columns.

use petal_ir::{ForeignKey, Privileges, QualifiedName, quote_literal};
use serde::{Deserialize, Serialize};

use super::Object;
use crate::classify::{Review, Safety, labels, removed_labels};

/// `ALTER TYPE ... ADD VALUE`: `label` lands at `index` of `labels` (the
/// labels before the addition). PostgreSQL cannot remove a label, so the
/// inverse recreates the type without it, converting `columns`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddEnumLabel {
    pub name: QualifiedName,
    pub labels: Vec<String>,
    pub label: String,
    pub index: usize,
    pub columns: Vec<EnumColumn>,
    /// Foreign keys over `columns`, dropped and re-added around a
    /// recreation (both sides of a key must have the same type).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<EnumForeignKey>,
    /// The type's comment, which its recreation must carry over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The type's grants, when compared and not the default: its
    /// recreation grants them again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileges: Privileges,
    /// Views, triggers and functions over `columns`, in creation order:
    /// the recreation that undoes the addition drops them first and
    /// creates them after (PostgreSQL will not retype a column they read).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependents: Vec<Object>,
}

/// Replaces the type's labels wholesale: the old type is renamed away, the
/// new one created, every column of the type converted through `text`, the
/// old type dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecreateEnum {
    pub name: QualifiedName,
    pub from_labels: Vec<String>,
    pub to_labels: Vec<String>,
    pub columns: Vec<EnumColumn>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<EnumForeignKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileges: Privileges,
    /// Objects over `columns` dropped before and created after, in
    /// creation order (none when the diff recreates them itself).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependents: Vec<Object>,
}

/// A column of an enum type that a type recreation converts, with its default
/// before and after (a default naming a removed label cannot survive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumColumn {
    pub table: QualifiedName,
    pub column: String,
    /// The column is an array of the enum.
    #[serde(default)]
    pub array: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_after: Option<String>,
}

/// A foreign key of `table` whose columns are of an enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumForeignKey {
    pub table: QualifiedName,
    pub foreign_key: ForeignKey,
}

impl EnumColumn {
    fn reversed(&self) -> EnumColumn {
        EnumColumn {
            default_before: self.default_after.clone(),
            default_after: self.default_before.clone(),
            ..self.clone()
        }
    }
}

impl AddEnumLabel {
    /// The recreation of the type without the label.
    pub fn inverse(self) -> RecreateEnum {
        let mut with = self.labels.clone();
        with.insert(self.index.min(with.len()), self.label);
        RecreateEnum {
            name: self.name,
            from_labels: with,
            to_labels: self.labels,
            columns: self.columns.iter().map(EnumColumn::reversed).collect(),
            foreign_keys: self.foreign_keys,
            comment: self.comment,
            privileges: self.privileges,
            dependents: self.dependents,
        }
    }

    pub(crate) fn description(&self) -> String {
        let place = match self.labels.get(self.index) {
            Some(next) => format!("before {}", quote_literal(next)),
            None => "at the end".to_string(),
        };
        format!(
            "add label {} to enum type {} {place}",
            quote_literal(&self.label),
            self.name
        )
    }
}

impl RecreateEnum {
    /// The recreation back to the old labels.
    pub fn reversed(self) -> RecreateEnum {
        RecreateEnum {
            from_labels: self.to_labels,
            to_labels: self.from_labels,
            columns: self.columns.iter().map(EnumColumn::reversed).collect(),
            ..self
        }
    }

    fn removed(&self) -> Vec<String> {
        removed_labels(&self.from_labels, &self.to_labels)
    }

    pub(crate) fn review(&self) -> Review {
        let safety = match (self.columns.is_empty(), self.removed().is_empty()) {
            (true, _) => Safety::Safe,
            (false, false) => Safety::Destructive,
            (false, true) => Safety::Locks,
        };
        Review {
            description: self.description(),
            safety,
            notes: self.notes(),
        }
    }

    fn description(&self) -> String {
        let removed = self.removed();
        let mut text = format!(
            "recreate enum type {} as ({})",
            self.name,
            labels(&self.to_labels)
        );
        if !removed.is_empty() {
            text.push_str(&format!(", removing {}", labels(&removed)));
        }
        if !self.columns.is_empty() {
            let list: Vec<String> = self
                .columns
                .iter()
                .map(|c| format!("{}.{}", c.table, c.column))
                .collect();
            text.push_str(&format!("; converts {}", list.join(", ")));
        }
        text
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let removed = self.removed();
        if !removed.is_empty() && !self.columns.is_empty() {
            notes.push(format!(
                "fails if any row still holds {}: update those rows first",
                labels(&removed)
            ));
        }
        if !self.columns.is_empty() {
            notes.push("rewrites every table with a column of this type".to_string());
        }
        if !self.dependents.is_empty() {
            let names: Vec<String> = self
                .dependents
                .iter()
                .map(|o| o.key().to_string())
                .collect();
            notes.push(format!(
                "drops and creates again what reads its columns: {}",
                names.join(", ")
            ));
        }
        notes
    }
}
