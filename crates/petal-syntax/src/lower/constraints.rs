//! Lowering a table's constraints and indexes, each named as PostgreSQL
//! would name it and recorded with the span that declared it.

use petal_ir::naming::Namespace;
use petal_ir::{
    Check, Exclusion, FkAction, ForeignKey, Index, IndexKey, IndexKeyExpr, Part, PrimaryKey,
    QualifiedName, Table, Unique, quote_ident,
};
use proc_macro2::Span;

use super::{LoweredObject, ObjectKind, columns_in_expression, pk_columns_with_span, resolve_all};
use crate::ast::{ConstraintOptions, IndexKeyAttr, KeyOption, Reference, Spanned, TableModel};
use crate::diagnostic::Diagnostics;

/// A table's constraints and indexes being lowered, named in the order
/// PostgreSQL names them (primary key, uniques, exclusions, checks, foreign keys,
/// indexes), each recorded with the span that declared it.
pub(super) struct Lowering<'a> {
    pub(super) model: &'a TableModel,
    pub(super) namespace: &'a mut Namespace,
    pub(super) table: Table,
    pub(super) objects: Vec<LoweredObject>,
    pub(super) diags: &'a mut Diagnostics,
}

impl Lowering<'_> {
    fn record(&mut self, kind: ObjectKind, name: &str, span: Span) {
        self.record_parts(kind, name, span, Vec::new());
    }

    fn record_parts(&mut self, kind: ObjectKind, name: &str, span: Span, parts: Vec<(Part, Span)>) {
        self.objects.push(LoweredObject {
            kind,
            name: name.to_string(),
            span,
            parts,
        });
    }

    fn name(&self) -> String {
        self.table.name.name.clone()
    }

    /// The primary key and the unique constraints.
    pub(super) fn keys(&mut self, pk_columns: &[String]) {
        let name = self.name();
        if let Some((columns, span)) = pk_columns_with_span(self.model, pk_columns) {
            let pk_name = match &self.model.primary_key_name {
                Some(n) => n.value.clone(),
                None => self.namespace.primary_key(&name),
            };
            self.record(ObjectKind::PrimaryKey, &pk_name, span);
            let options = &self.model.primary_key_options;
            self.table.primary_key = Some(PrimaryKey {
                deferrable: options.deferrable(),
                comment: options.comment(),
                name: pk_name,
                columns,
            });
        }
        for u in &self.model.uniques {
            let columns = resolve_all(self.model, u.columns.iter().map(|c| c.value.as_str()));
            let uname = match &u.name {
                Some(n) => n.value.clone(),
                None => self.namespace.unique(&name, &columns),
            };
            self.record(ObjectKind::Unique, &uname, u.span);
            self.table.uniques.push(Unique {
                comment: u.options.comment(),
                name: uname,
                columns,
                nulls_not_distinct: u.nulls_not_distinct,
                deferrable: u.options.deferrable(),
            });
        }
    }

    /// Exclusion constraints, named after the keys as PostgreSQL names
    /// index-backed constraints (`bookings_room_during_excl`).
    pub(super) fn exclusions(&mut self) {
        let name = self.name();
        let model = self.model;
        for x in &model.exclusions {
            let keys = model_keys(model, x.elements.iter().map(|(key, _)| key));
            let xname = match &x.name {
                Some(n) => n.value.clone(),
                None => {
                    let columns = petal_ir::naming::index_column_names(&keys, &[]);
                    self.namespace.exclusion(&name, &columns)
                }
            };
            let elements: Vec<String> = keys
                .iter()
                .zip(&x.elements)
                .map(|(key, (_, operator))| match &key.expr {
                    IndexKeyExpr::Column(c) => format!("{} WITH {operator}", quote_ident(c)),
                    IndexKeyExpr::Expression(e) => format!("({e}) WITH {operator}"),
                })
                .collect();
            let method = x.using.as_ref().map_or("gist", |u| u.value.as_str());
            let mut definition = format!("EXCLUDE USING {method} ({})", elements.join(", "));
            if let Some(predicate) = &x.predicate {
                definition.push_str(&format!(" WHERE ({})", predicate.value));
            }
            let parts = expression_parts(x.elements.iter().map(|(key, _)| key), &x.predicate);
            self.record_parts(ObjectKind::Exclusion, &xname, x.span, parts);
            self.table.exclusions.push(Exclusion {
                name: xname,
                definition,
                deferrable: x.options.deferrable(),
                comment: x.options.comment(),
            });
        }
    }

    pub(super) fn checks(&mut self) {
        let name = self.name();
        let column_names: Vec<String> = self.table.columns.iter().map(|c| c.name.clone()).collect();
        for c in &self.model.checks {
            let cname = match &c.name {
                Some(n) => n.value.clone(),
                None => {
                    let used = columns_in_expression(&c.expr.value, &column_names);
                    let single = if used.len() == 1 { used.first() } else { None };
                    self.namespace.check(&name, single.map(String::as_str))
                }
            };
            let parts = vec![(Part::Expression, c.expr.span)];
            self.record_parts(ObjectKind::Check, &cname, c.span, parts);
            self.table.checks.push(Check {
                not_valid: c.options.not_valid.is_some(),
                no_inherit: c.options.no_inherit.is_some(),
                comment: c.options.comment(),
                name: cname,
                expr: c.expr.value.clone(),
            });
        }
    }

    /// The struct's foreign keys in declaration order, then the fields'.
    pub(super) fn foreign_keys(&mut self) {
        let model = self.model;
        for fk in &model.foreign_keys {
            let columns = resolve_all(model, fk.columns.iter().map(|c| c.value.as_str()));
            let fields = ForeignKeyFields {
                columns,
                name: fk.name.as_ref(),
                on_delete: fk.on_delete.as_ref(),
                on_update: fk.on_update.as_ref(),
                options: &fk.options,
            };
            self.foreign_key(fields, &fk.references.value, fk.span);
        }
        for field in model.columns() {
            let Some(reference) = &field.references else {
                continue;
            };
            let fields = ForeignKeyFields {
                columns: vec![field.column_name()],
                name: None,
                on_delete: field.on_delete.as_ref(),
                on_update: field.on_update.as_ref(),
                options: &field.foreign_key,
            };
            self.foreign_key(fields, &reference.value, reference.span);
        }
    }

    fn foreign_key(&mut self, fk: ForeignKeyFields, reference: &Reference, span: Span) {
        let name = match fk.name {
            Some(n) => n.value.clone(),
            None => {
                let table = self.name();
                self.namespace.foreign_key(&table, &fk.columns)
            }
        };
        self.record(ObjectKind::ForeignKey, &name, span);
        let schema = &self.table.name.schema;
        let ref_table = QualifiedName::new(
            reference.schema.clone().unwrap_or_else(|| schema.clone()),
            reference.table.clone(),
        );
        let action = |a: Option<&Spanned<FkAction>>| a.map(|a| a.value).unwrap_or_default();
        self.table.foreign_keys.push(ForeignKey {
            name,
            columns: fk.columns,
            ref_table,
            ref_columns: reference.columns.clone(),
            on_delete: action(fk.on_delete),
            on_update: action(fk.on_update),
            deferrable: fk.options.deferrable(),
            not_valid: fk.options.not_valid.is_some(),
            comment: fk.options.comment(),
        });
    }

    /// Sets an index's `opclass`, `collation` or `order` on every key, or
    /// on the key of the column each option names.
    fn key_options<T: Clone>(
        &mut self,
        options: &[KeyOption<T>],
        keys: &mut [IndexKey],
        set: impl Fn(&mut IndexKey, T),
    ) {
        for option in options {
            let value = option.value.value.clone();
            let Some(column) = &option.column else {
                keys.iter_mut().for_each(|k| set(k, value.clone()));
                continue;
            };
            let name = self
                .model
                .resolve_column(&column.value)
                .unwrap_or_else(|| column.value.clone());
            let key = keys
                .iter_mut()
                .find(|k| matches!(&k.expr, IndexKeyExpr::Column(c) if *c == name));
            match key {
                Some(key) => set(key, value),
                None => self.diags.error(
                    column.span,
                    format!("`{}` is not a column key of this index", column.value),
                ),
            }
        }
    }

    pub(super) fn indexes(&mut self) {
        let name = self.name();
        let model = self.model;
        for ix in &model.indexes {
            let mut keys = model_keys(model, &ix.keys);
            self.key_options(&ix.opclass, &mut keys, |k, v| k.opclass = Some(v));
            self.key_options(&ix.collation, &mut keys, |k, v| k.collation = Some(v));
            self.key_options(&ix.order, &mut keys, |k, order| {
                k.descending = order.descending;
                k.nulls_first = order.nulls_first;
            });
            let include = resolve_all(model, ix.include.iter().map(|c| c.value.as_str()));
            let iname = match &ix.name {
                Some(n) => n.value.clone(),
                None => self.namespace.index(&name, &keys, &include),
            };
            let parts = expression_parts(&ix.keys, &ix.predicate);
            self.record_parts(ObjectKind::Index, &iname, ix.span, parts);
            self.table.indexes.push(Index {
                name: iname,
                unique: ix.unique,
                method: ix
                    .method
                    .as_ref()
                    .map_or_else(|| "btree".to_string(), |m| m.value.to_ascii_lowercase()),
                keys,
                include,
                predicate: ix.predicate.as_ref().map(|p| p.value.clone()),
                nulls_not_distinct: ix.nulls_not_distinct.is_some(),
                comment: ix.comment.as_ref().map(|c| c.value.clone()),
                storage: ix
                    .storage
                    .as_ref()
                    .map_or_else(Vec::new, |s| s.value.clone()),
                concurrently: ix.concurrently,
                only: false,
            });
        }
    }
}

/// What a foreign key says, from the struct's `foreign_key(...)` or a
/// field's `references`.
struct ForeignKeyFields<'a> {
    /// SQL names.
    columns: Vec<String>,
    name: Option<&'a Spanned<String>>,
    on_delete: Option<&'a Spanned<FkAction>>,
    on_update: Option<&'a Spanned<FkAction>>,
    options: &'a ConstraintOptions,
}

/// An index's or exclusion's keys as the IR has them: columns by their SQL
/// names (a model may name a field), expressions as written.
fn model_keys<'a>(
    model: &TableModel,
    keys: impl IntoIterator<Item = &'a Spanned<IndexKeyAttr>>,
) -> Vec<IndexKey> {
    keys.into_iter()
        .map(|k| match &k.value {
            IndexKeyAttr::Column(c) => {
                IndexKey::column(model.resolve_column(c).unwrap_or_else(|| c.clone()))
            }
            IndexKeyAttr::Expr(e) => IndexKey::expression(e.clone()),
        })
        .collect()
}

/// Where an index's or exclusion's expression keys and predicate are
/// written, for errors the server reports in them.
fn expression_parts<'a>(
    keys: impl IntoIterator<Item = &'a Spanned<IndexKeyAttr>>,
    predicate: &Option<Spanned<String>>,
) -> Vec<(Part, Span)> {
    let mut parts: Vec<(Part, Span)> = keys
        .into_iter()
        .filter(|k| matches!(k.value, IndexKeyAttr::Expr(_)))
        .map(|k| (Part::Expression, k.span))
        .collect();
    parts.extend(predicate.iter().map(|p| (Part::Predicate, p.span)));
    parts
}
