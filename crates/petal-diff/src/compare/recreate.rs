//! What is recreated because something it stands on goes, changes type
//! or is renamed: the views, triggers, policies and functions over a
//! dropped or retyped column, a recreated object or type, a renamed table
//! or column. PostgreSQL refuses to drop or retype what they depend on,
//! and a replaced definition naming a new name would not run both ways.

use std::cell::OnceCell;
use std::collections::BTreeSet;

use petal_ir::ObjectKey;

use super::object_phases::all_keys;
use super::objects::{ObjectPlan, causes, cur_key, to_key};
use super::order::DependentsIndex;
use super::type_aside::{collation_renamed, typed_columns};
use super::{Engine, Matching};
use crate::names::EnumSpelling;

impl Engine<'_> {
    /// Views, triggers and functions over what goes away (dropped tables
    /// and columns, columns changing type or of an enum type that is
    /// recreated, dropped or recreated objects) are recreated too:
    /// PostgreSQL refuses to drop or retype what they depend on.
    pub(super) fn recreate_dependents<'s>(
        &'s self,
        plan: &mut ObjectPlan,
        matching: &Matching,
        edges: &OnceCell<DependentsIndex<'s>>,
    ) {
        let mut gone: BTreeSet<ObjectKey> = all_keys(&self.cur)
            .into_iter()
            .filter(|k| to_key(&plan.pairs, k).is_none())
            .collect();
        gone.extend(plan.recreate.iter().filter_map(|k| cur_key(&plan.pairs, k)));
        // The columns of a recreated domain or range type change type
        // (`type_aside.rs`).
        let retyped: Vec<ObjectKey> = gone
            .iter()
            .flat_map(|k| typed_columns(&self.cur, k))
            .collect();
        gone.extend(retyped);
        let recreated: Vec<EnumSpelling> = self
            .recreated_enums(matching)
            .iter()
            .map(EnumSpelling::new)
            .collect();
        for table in self.cur.tables.values() {
            let of_recreated = table
                .columns
                .iter()
                .filter(|c| recreated.iter().any(|e| e.used_by(&c.ty).is_some()));
            gone.extend(of_recreated.map(|c| ObjectKey::column(&table.name, &c.name)));
        }
        for (name, table) in &self.cur.tables {
            let Some(to_name) = matching.table_to(name) else {
                gone.insert(ObjectKey::table(name));
                continue;
            };
            let kept = matching.columns.get(to_name);
            let to_table = self.to.tables.get(to_name);
            for column in &table.columns {
                let to_column = kept
                    .and_then(|k| k.iter().find(|(_, c)| **c == column.name))
                    .and_then(|(t, _)| to_table.and_then(|tt| tt.column(t)));
                // A new generation drops and adds the column again; a
                // new collation is a type change to PostgreSQL.
                let retyped = to_column.is_some_and(|c| {
                    c.ty != column.ty
                        || c.collation != collation_renamed(&plan.pairs, &column.collation)
                        || c.generated != column.generated
                });
                if to_column.is_none() || retyped {
                    gone.insert(ObjectKey::column(name, &column.name));
                }
            }
        }
        // A generated column calling a recreated function is moved aside
        // and back (`function_users.rs`): what reads it goes out of its
        // way as for a retyped column.
        let generated: Vec<ObjectKey> = self
            .cur
            .dependencies
            .iter()
            .filter(|d| {
                matches!(d.referenced, ObjectKey::Function { .. }) && gone.contains(&d.referenced)
            })
            .filter_map(|d| match &d.dependent {
                ObjectKey::Column { table, column } => self
                    .cur
                    .tables
                    .get(table)
                    .and_then(|t| t.column(column))
                    .filter(|c| c.generated.is_some())
                    .map(|_| d.dependent.clone()),
                _ => None,
            })
            .collect();
        gone.extend(generated);
        if gone.is_empty() {
            return;
        }
        // One index of the edges for every search below.
        let index = edges.get_or_init(|| DependentsIndex::new(&self.cur));
        let found = index.of(&gone);
        for key in &found {
            let recreatable = matches!(
                key,
                ObjectKey::View { .. }
                    | ObjectKey::MaterializedView { .. }
                    | ObjectKey::Trigger { .. }
                    | ObjectKey::Policy { .. }
                    | ObjectKey::Function { .. }
            );
            if let (true, Some(to)) = (recreatable, to_key(&plan.pairs, key)) {
                plan.replace.remove(&to);
                plan.recreate.insert(to);
            }
        }
        // Whatever is recreated and depends on something that goes or
        // changes has to be out of its way first, even when it is
        // recreated for its own sake too (a view whose columns change type
        // with the column): the first cause found (columns and tables
        // before other objects) says why.
        let recreated: BTreeSet<ObjectKey> = plan
            .recreate
            .iter()
            .filter_map(|k| cur_key(&plan.pairs, k))
            .collect();
        for (key, cause) in causes(&recreated, &gone, index) {
            if let Some(to) = to_key(&plan.pairs, &key) {
                plan.because.entry(to).or_insert(cause);
            }
        }
    }

    /// A view or function to be replaced while something it reads is
    /// renamed is recreated instead. Its wanted definition names the new
    /// name: replaced after the rename, its down would replace it back
    /// before the rename is undone, naming what does not exist yet; dropped
    /// before the renames and created after, it runs both ways.
    pub(super) fn recreate_over_renames<'s>(
        &'s self,
        plan: &mut ObjectPlan,
        matching: &Matching,
        edges: &OnceCell<DependentsIndex<'s>>,
    ) {
        let pairs = &plan.pairs;
        let mut renamed: BTreeSet<ObjectKey> = BTreeSet::new();
        for (to, cur) in &matching.tables {
            if to != cur {
                renamed.insert(ObjectKey::table(cur));
            }
            let columns = matching.columns.get(to).into_iter().flatten();
            for (_, cur_column) in columns.filter(|(t, c)| t != c) {
                renamed.insert(ObjectKey::column(cur, cur_column));
            }
        }
        let views = pairs.views.iter().filter(|(t, c)| t != c);
        renamed.extend(
            views.filter_map(|(_, c)| self.cur.views.get(c).map(crate::change::views::key)),
        );
        let functions = pairs.functions.iter().filter(|(t, c)| t != c);
        renamed.extend(functions.map(|(_, c)| ObjectKey::function(c)));
        let sequences = pairs.sequences.iter().filter(|(t, c)| t != c);
        renamed.extend(sequences.map(|(_, c)| ObjectKey::Sequence { name: c.clone() }));
        if renamed.is_empty() {
            return;
        }
        // One at a time: a renamed view over a renamed table is a
        // dependent too.
        let index = edges.get_or_init(|| DependentsIndex::new(&self.cur));
        let over: BTreeSet<ObjectKey> = renamed
            .iter()
            .flat_map(|key| index.of(&BTreeSet::from([key.clone()])))
            .collect();
        let causes = causes(&over, &renamed, index);
        for key in over {
            let Some(to) = to_key(&plan.pairs, &key) else {
                continue;
            };
            // A view kept word for word while a relation it reads is
            // renamed: its wanted text names the old name, which `to`
            // gives to another relation (a view standing in for a renamed
            // table). PostgreSQL would follow the rename; recreated after
            // it, the view reads what `to` means.
            let unchanged_over_renamed = !plan.recreate.contains(&to)
                && self.reads_renamed_relation(&key, &renamed)
                && view_of(&self.cur, &key).is_some_and(|v| {
                    Some(&v.definition) == view_of(self.to, &to).map(|t| &t.definition)
                });
            if plan.replace.remove(&to) || unchanged_over_renamed {
                if let Some(cause) = causes.get(&key) {
                    plan.because.insert(to.clone(), cause.clone());
                }
                plan.recreate.insert(to);
            }
        }
    }

    /// Whether the view `key` reads a table or view of `renamed` (or one
    /// of its columns) directly.
    fn reads_renamed_relation(&self, key: &ObjectKey, renamed: &BTreeSet<ObjectKey>) -> bool {
        if !matches!(
            key,
            ObjectKey::View { .. } | ObjectKey::MaterializedView { .. }
        ) {
            return false;
        }
        self.cur.dependencies.iter().any(|d| {
            &d.dependent == key
                && match &d.referenced {
                    ObjectKey::Column { table, .. } => {
                        renamed.contains(&ObjectKey::table(table))
                            || renamed.contains(&ObjectKey::View {
                                name: table.clone(),
                            })
                    }
                    relation => renamed.contains(relation),
                }
        })
    }
}

/// The view a key names in `db`.
fn view_of<'a>(db: &'a petal_ir::Database, key: &ObjectKey) -> Option<&'a petal_ir::View> {
    match key {
        ObjectKey::View { name } | ObjectKey::MaterializedView { name } => db.views.get(name),
        _ => None,
    }
}
