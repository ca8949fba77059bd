//! Enum types: matching, renames, new labels, recreation and drops.

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{EnumType, ObjectKey, QualifiedName};

use super::object_phases::object_of;
use super::order::{DependentsIndex, creation_order};
use super::{Engine, Matching, Warning};
use crate::change::{
    AddEnumLabel, Change, Delta, EnumColumn, EnumForeignKey, Object, RecreateEnum, Rename,
};
use crate::names::{EnumSpelling, type_spelling};

/// A type's columns, the foreign keys over them, and what reads them.
type EnumUsers = (Vec<EnumColumn>, Vec<EnumForeignKey>, Vec<Object>);

/// The first of `types` an expression, as PostgreSQL prints it, names. A
/// constant of an enum type is printed cast to it (`'paid'::public.status`):
/// when a column is converted to a recreated type, the server reads such
/// an index's or check's text again, and the old name by then means the
/// renamed-away type (`operator does not exist: status = status_petal_old`).
/// Those are dropped before the recreation and created after.
pub(super) fn named_type(text: &str, types: &[QualifiedName]) -> Option<QualifiedName> {
    types
        .iter()
        .find(|t| text.contains(&format!("::{}", type_spelling(t))))
        .cloned()
}

/// [`named_type`] over an index's predicate and key expressions.
pub(super) fn index_named_type(
    index: &petal_ir::Index,
    types: &[QualifiedName],
) -> Option<QualifiedName> {
    let expressions = index.keys.iter().filter_map(|k| match &k.expr {
        petal_ir::IndexKeyExpr::Expression(e) => Some(e.as_str()),
        petal_ir::IndexKeyExpr::Column(_) => None,
    });
    index
        .predicate
        .as_deref()
        .into_iter()
        .chain(expressions)
        .find_map(|text| named_type(text, types))
}

/// What happens to the labels of a kept enum type.
#[derive(Debug, Default)]
struct LabelPlan {
    /// (old, new) label renames.
    renames: Vec<(String, String)>,
    /// The labels cannot be reached by adding: the type is recreated.
    recreate: bool,
}

/// `cur`'s labels with `renames` (old, new) applied.
fn renamed_labels(cur: &EnumType, renames: &[(String, String)]) -> Vec<String> {
    cur.labels
        .iter()
        .map(|l| {
            renames
                .iter()
                .find(|(old, _)| old == l)
                .map_or(l.clone(), |(_, new)| new.clone())
        })
        .collect()
}

fn plan_labels(cur: &EnumType, to: &EnumType) -> LabelPlan {
    let mut plan = LabelPlan::default();
    for (new, old) in &to.renamed_labels {
        if cur.labels.contains(old)
            && !cur.labels.contains(new)
            && !to.labels.contains(old)
            && to.labels.contains(new)
        {
            plan.renames.push((old.clone(), new.clone()));
        }
    }
    let renamed: Vec<&String> = cur
        .labels
        .iter()
        .map(|l| {
            plan.renames
                .iter()
                .find(|(old, _)| old == l)
                .map_or(l, |(_, new)| new)
        })
        .collect();
    let removed = renamed.iter().any(|l| !to.labels.contains(l));
    let kept_in_to_order: Vec<&String> = to.labels.iter().filter(|l| renamed.contains(l)).collect();
    let reordered = kept_in_to_order != renamed;
    // A new label named like one renamed away would be skipped by
    // `ADD VALUE IF NOT EXISTS` before the rename frees the name.
    let clashes = to
        .labels
        .iter()
        .any(|l| !renamed.contains(&l) && cur.labels.contains(l));
    plan.recreate = removed || reordered || clashes;
    plan
}

impl Engine<'_> {
    /// The kept enum types (by their `cur` names) that phase 5 recreates.
    pub(super) fn recreated_enums(&self, matching: &Matching) -> Vec<QualifiedName> {
        matching
            .enums
            .iter()
            .filter(|(to_name, cur_name)| {
                let (Some(cur), Some(to)) =
                    (self.cur.enums.get(*cur_name), self.to.enums.get(*to_name))
                else {
                    return false;
                };
                plan_labels(cur, to).recreate
            })
            .map(|(_, cur_name)| cur_name.clone())
            .collect()
    }

    pub(super) fn match_enums(&mut self, matching: &mut Matching) {
        for (name, e) in &self.to.enums {
            if self.cur.enums.contains_key(name) {
                matching.enums.insert(name.clone(), name.clone());
                continue;
            }
            let Some(old) = &e.renamed_from else { continue };
            let claimed = matching.enums.values().any(|c| c == old);
            if self.cur.enums.contains_key(old) && !self.to.enums.contains_key(old) && !claimed {
                matching.enums.insert(name.clone(), old.clone());
            } else if self.to.enums.contains_key(old) {
                self.warnings.push(Warning::IgnoredRenameHint {
                    object: format!("enum type {name}"),
                    renamed_from: old.to_string(),
                });
            }
        }
    }

    /// The columns of an enum type in the working copy, defaults kept.
    fn enum_columns(&self, name: &QualifiedName) -> Vec<EnumColumn> {
        let spelling = EnumSpelling::new(name);
        let mut out = Vec::new();
        for table in self.cur.tables.values() {
            for column in &table.columns {
                // A child's copy of a parent's column is converted with the
                // parent's (PostgreSQL refuses to alter an inherited one).
                if super::inheritance::declared_above(&self.cur, &table.name, &column.name) {
                    continue;
                }
                if let Some(array) = spelling.used_by(&column.ty) {
                    out.push(EnumColumn {
                        table: table.name.clone(),
                        column: column.name.clone(),
                        array,
                        default_before: column.default.clone(),
                        default_after: column.default.clone(),
                    });
                }
            }
        }
        out
    }

    /// The foreign keys in the working copy over columns of an enum type.
    fn enum_foreign_keys(&self, name: &QualifiedName) -> Vec<EnumForeignKey> {
        let spelling = EnumSpelling::new(name);
        let mut out = Vec::new();
        for table in self.cur.tables.values() {
            for fk in &table.foreign_keys {
                let typed = fk.columns.iter().any(|c| {
                    table
                        .column(c)
                        .is_some_and(|c| spelling.used_by(&c.ty).is_some())
                });
                if typed {
                    out.push(EnumForeignKey {
                        table: table.name.clone(),
                        foreign_key: fk.clone(),
                    });
                }
            }
        }
        out
    }

    /// The views, triggers, functions and policies of the working copy that
    /// read `columns`, directly or through each other, in creation order
    /// (PostgreSQL retypes no column one of them reads).
    fn enum_dependents(&self, columns: &[EnumColumn], index: &DependentsIndex) -> Vec<Object> {
        let keys: BTreeSet<ObjectKey> = columns
            .iter()
            .map(|c| ObjectKey::column(&c.table, &c.column))
            .collect();
        let found: Vec<ObjectKey> = index
            .of(&keys)
            .into_iter()
            .filter(|k| {
                matches!(
                    k,
                    ObjectKey::View { .. }
                        | ObjectKey::MaterializedView { .. }
                        | ObjectKey::Trigger { .. }
                        | ObjectKey::Function { .. }
                        | ObjectKey::Policy { .. }
                )
            })
            .collect();
        creation_order(&found, &self.cur)
            .iter()
            .filter_map(|k| object_of(&self.cur, k))
            .collect()
    }

    /// The indexes, checks and exclusions of the working copy whose expressions name
    /// the type `name` (see [`names_type`]), as objects to drop before its
    /// recreation and create after.
    fn enum_expression_dependents(&self, name: &QualifiedName) -> Vec<Object> {
        let types = std::slice::from_ref(name);
        let mut out = Vec::new();
        for table in self.cur.tables.values() {
            for check in table
                .checks
                .iter()
                .filter(|c| named_type(&c.expr, types).is_some())
            {
                out.push(Object::Check {
                    table: table.name.clone(),
                    check: check.clone(),
                });
            }
            for exclusion in table
                .exclusions
                .iter()
                .filter(|x| named_type(&x.definition, types).is_some())
            {
                out.push(Object::Exclusion {
                    table: table.name.clone(),
                    exclusion: exclusion.clone(),
                });
            }
            for index in table
                .indexes
                .iter()
                .filter(|i| index_named_type(i, types).is_some())
            {
                out.push(Object::Index {
                    table: table.name.clone(),
                    index: index.clone(),
                });
            }
        }
        out
    }

    /// What a label added to `name` carries along: the columns of the type,
    /// the foreign keys over them, and the objects that read them.
    fn enum_users(&self, name: &QualifiedName, index: &DependentsIndex) -> EnumUsers {
        let columns = self.enum_columns(name);
        let foreign_keys = self.enum_foreign_keys(name);
        let mut dependents = self.enum_expression_dependents(name);
        dependents.extend(self.enum_dependents(&columns, index));
        (columns, foreign_keys, dependents)
    }

    /// Phase 0: labels added to kept types, named as before any rename.
    pub(super) fn add_enum_labels(&mut self, matching: &Matching) {
        let users = self.label_users(matching);
        for (to_name, cur_name) in &matching.enums {
            let Some(users) = users.get(cur_name) else {
                continue;
            };
            let (Some(cur), Some(to)) = (self.cur.enums.get(cur_name), self.to.enums.get(to_name))
            else {
                continue;
            };
            let plan = plan_labels(cur, to);
            let old_name = |label: &String| {
                plan.renames
                    .iter()
                    .find(|(_, new)| new == label)
                    .map_or(label.clone(), |(old, _)| old.clone())
            };
            let renamed_labels = renamed_labels(cur, &plan.renames);
            let targets = to.labels.clone();
            for (i, label) in targets.iter().enumerate() {
                if renamed_labels.contains(label) {
                    continue;
                }
                let labels = self.cur.enums.get(cur_name).map(|e| e.labels.clone());
                let Some(labels) = labels else { continue };
                let index = match i {
                    0 => 0,
                    _ => {
                        let prev = old_name(&targets[i - 1]);
                        labels
                            .iter()
                            .position(|l| *l == prev)
                            .map_or(labels.len(), |p| p + 1)
                    }
                };
                let (columns, foreign_keys, dependents) = users.clone();
                let comment = self.cur.enums.get(cur_name).and_then(|e| e.comment.clone());
                let privileges = self.enum_privileges(cur_name);
                self.emit(Change::AddEnumLabel(AddEnumLabel {
                    name: cur_name.clone(),
                    labels,
                    label: label.clone(),
                    index,
                    columns,
                    foreign_keys,
                    comment,
                    privileges,
                    dependents,
                }));
            }
        }
    }

    /// What each kept type gaining a label carries along ([`enum_users`]),
    /// over one index of the edges: adding labels changes no edge and no
    /// column.
    fn label_users(&self, matching: &Matching) -> BTreeMap<QualifiedName, EnumUsers> {
        let mut edges: Option<DependentsIndex> = None;
        let mut out = BTreeMap::new();
        for (to_name, cur_name) in &matching.enums {
            let (Some(cur), Some(to)) = (self.cur.enums.get(cur_name), self.to.enums.get(to_name))
            else {
                continue;
            };
            let plan = plan_labels(cur, to);
            let renamed = renamed_labels(cur, &plan.renames);
            if plan.recreate || to.labels.iter().all(|l| renamed.contains(l)) {
                continue;
            }
            let edges = edges.get_or_insert_with(|| DependentsIndex::new(&self.cur));
            out.insert(cur_name.clone(), self.enum_users(cur_name, edges));
        }
        out
    }

    /// Phase 2: type renames, then label renames. Afterwards the matching
    /// names every kept type by its new name on both sides.
    pub(super) fn rename_enums(&mut self, matching: &mut Matching) {
        let pairs: Vec<(QualifiedName, QualifiedName)> = matching
            .enums
            .iter()
            .map(|(t, c)| (t.clone(), c.clone()))
            .collect();
        for (to_name, cur_name) in &pairs {
            if to_name != cur_name {
                self.emit(Change::Rename(Rename::Enum {
                    name: Delta::new(cur_name.clone(), to_name.clone()),
                }));
                matching.enums.insert(to_name.clone(), to_name.clone());
            }
        }
        for (to_name, _) in &pairs {
            let (Some(cur), Some(to)) = (self.cur.enums.get(to_name), self.to.enums.get(to_name))
            else {
                continue;
            };
            for (from, to_label) in plan_labels(cur, to).renames {
                self.emit(Change::Rename(Rename::EnumLabel {
                    enum_type: to_name.clone(),
                    label: Delta::new(from, to_label),
                }));
            }
        }
    }

    /// Phase 5: new types, and kept types whose labels can only be reached
    /// by recreating them.
    pub(super) fn create_and_recreate_enums(&mut self, matching: &Matching) {
        for (name, e) in &self.to.enums {
            if matching.enums.contains_key(name) {
                continue;
            }
            let mut enum_type = e.clone();
            enum_type.renamed_from = None;
            enum_type.renamed_labels.clear();
            self.emit(Change::Create(Object::Enum { enum_type }));
        }
        for name in matching.enums.keys() {
            let (Some(cur), Some(to)) = (self.cur.enums.get(name), self.to.enums.get(name)) else {
                continue;
            };
            if cur.labels == to.labels {
                continue;
            }
            let from_labels = cur.labels.clone();
            let to_labels = to.labels.clone();
            let comment = cur.comment.clone();
            let mut columns = self.enum_columns(name);
            let foreign_keys = self.enum_foreign_keys(name);
            for column in &mut columns {
                column.default_after = self.kept_default(matching, column, name);
            }
            // The indexes and checks naming it on the kept tables went with
            // the constraint plan, to come back after; those left are on
            // tables dropped later, which do not need them back.
            for object in self.enum_expression_dependents(name) {
                self.emit(Change::Drop(object));
            }
            // Its other dependents are recreated around it by the objects'
            // phases.
            let privileges = self.enum_privileges(name);
            self.emit(Change::RecreateEnum(RecreateEnum {
                name: name.clone(),
                from_labels,
                to_labels,
                columns,
                foreign_keys,
                comment,
                privileges,
                dependents: Vec::new(),
            }));
        }
    }

    /// The default a column gets back after its enum type is recreated: the
    /// desired one when the column keeps the type, none otherwise (a later
    /// change sets it, and an old default may name a removed label).
    fn kept_default(
        &self,
        matching: &Matching,
        column: &EnumColumn,
        name: &QualifiedName,
    ) -> Option<String> {
        let to_table = matching.table_to(&column.table)?;
        let to_column = matching
            .columns
            .get(to_table)?
            .iter()
            .find(|(_, c)| **c == column.column)
            .map(|(t, _)| t)?;
        let target = self.to.tables.get(to_table)?.column(to_column)?;
        let spelled = type_spelling(name);
        let element = target.ty.element();
        let same_type = (element.as_str() == spelled || element.as_str() == name.quoted())
            && target.ty.is_array() == column.array;
        if same_type {
            target.default.clone()
        } else {
            None
        }
    }

    /// Phase 13b: types no longer wanted, after their last column and the
    /// providers over them went.
    pub(super) fn drop_enums(&mut self) {
        let gone: Vec<EnumType> = self
            .cur
            .enums
            .values()
            .filter(|e| !self.to.enums.contains_key(&e.name))
            .cloned()
            .collect();
        for enum_type in gone {
            self.emit(Change::Drop(Object::Enum { enum_type }));
        }
    }
}
