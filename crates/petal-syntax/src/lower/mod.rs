//! Lower: the validated AST → IR.
//!
//! Names of unnamed constraints and indexes come from a
//! [`petal_ir::naming::Namespace`] per schema, so they are the ones
//! PostgreSQL would pick. Within a table they are allocated in the order
//! PostgreSQL creates the objects for a `CREATE TABLE` followed by
//! `CREATE INDEX`es: primary key, uniques, checks, foreign keys, indexes.
//!
//! Field types are resolved by a [`ResolveType`]: the scanner maps names,
//! the derive leaves a placeholder that its generated code fills in through
//! `petal::SqlType`. Everything else (nullability, identity) is decided
//! here from the source alone, so both paths decide it the same way.

use petal_ir::naming::Namespace;
use petal_ir::{Column, EnumType, Identity, Part, QualifiedName, SqlType, Table};
use proc_macro2::Span;

use crate::ast::{EnumModel, FieldModel, IdentityAttr, Spanned, TableModel};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::types::{MappedKind, MappedType, is_integer, map_type};

mod constraints;
mod sql_expr;

use constraints::Lowering;

pub use sql_expr::columns_in_expression;

/// Gives a field without `sql_type` its SQL type (nullability aside).
pub trait ResolveType {
    fn resolve(&self, field: &FieldModel, mapped: &MappedType) -> Result<SqlType, Diagnostic>;
}

/// A lowered table and where its parts came from.
#[derive(Debug, Clone)]
pub struct LoweredTable {
    pub table: Table,
    /// For each of `table.columns`, the index of its field in the model.
    pub column_fields: Vec<usize>,
    /// The span each constraint and index was declared at.
    pub objects: Vec<LoweredObject>,
}

#[derive(Debug, Clone)]
pub struct LoweredObject {
    pub kind: ObjectKind,
    pub name: String,
    pub span: Span,
    /// Where its parts are written (a check's expression, an index's
    /// predicate and expression keys).
    pub parts: Vec<(Part, Span)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKind {
    PrimaryKey,
    Unique,
    Exclusion,
    Check,
    ForeignKey,
    Index,
}

impl ObjectKind {
    /// Whether it is an index or backed by one: PostgreSQL keeps its name
    /// unique among the schema's relations, not only in its table.
    pub fn has_index(self) -> bool {
        !matches!(self, ObjectKind::Check | ObjectKind::ForeignKey)
    }

    /// Whether it is a constraint: PostgreSQL keeps its name unique among
    /// its table's constraints (a check's or a foreign key's only there:
    /// two tables may each have a check `positive`).
    pub fn is_constraint(self) -> bool {
        self != ObjectKind::Index
    }

    /// What a message calls it.
    pub fn describe(self) -> &'static str {
        match self {
            ObjectKind::PrimaryKey => "primary key",
            ObjectKind::Unique => "unique constraint",
            ObjectKind::Exclusion => "exclusion constraint",
            ObjectKind::Check => "check constraint",
            ObjectKind::ForeignKey => "foreign key",
            ObjectKind::Index => "index",
        }
    }
}

/// A name a model gives explicitly, and what it names.
#[derive(Debug, Clone)]
pub struct ExplicitName {
    pub name: String,
    pub span: Span,
    pub kind: ObjectKind,
}

/// The names a table's model gives explicitly, which default names must
/// avoid, in the order the kinds are named.
pub fn explicit_names(model: &TableModel) -> Vec<ExplicitName> {
    let mut out = Vec::new();
    let mut add = |kind: ObjectKind, names: &mut dyn Iterator<Item = &Spanned<String>>| {
        out.extend(names.map(|n| ExplicitName {
            name: n.value.clone(),
            span: n.span,
            kind,
        }));
    };
    add(ObjectKind::PrimaryKey, &mut model.primary_key_name.iter());
    add(
        ObjectKind::Unique,
        &mut model.uniques.iter().filter_map(|u| u.name.as_ref()),
    );
    add(
        ObjectKind::Exclusion,
        &mut model.exclusions.iter().filter_map(|x| x.name.as_ref()),
    );
    add(
        ObjectKind::Check,
        &mut model.checks.iter().filter_map(|c| c.name.as_ref()),
    );
    add(
        ObjectKind::ForeignKey,
        &mut model.foreign_keys.iter().filter_map(|f| f.name.as_ref()),
    );
    add(
        ObjectKind::Index,
        &mut model.indexes.iter().filter_map(|i| i.name.as_ref()),
    );
    out
}

/// Lowers one (validated) table. `namespace` is its schema's, already
/// holding every table name and explicit name of the schema.
pub fn lower_table(
    model: &TableModel,
    resolver: &dyn ResolveType,
    namespace: &mut Namespace,
) -> Result<LoweredTable, Vec<Diagnostic>> {
    let mut diags = Diagnostics::new();
    let schema = model.schema_name();
    let mut table = Table::new(QualifiedName::new(schema.clone(), model.table_name()));
    table.comment = model.comment.as_ref().map(|c| c.value.clone());
    table.options.unlogged = model.unlogged.is_some();
    table.options.storage = model
        .storage
        .as_ref()
        .map_or_else(Vec::new, |s| s.value.clone());
    table.options.replica_identity = model
        .replica_identity
        .as_ref()
        .map_or_else(Default::default, |r| r.value.clone());
    table.partition_by = model.partition_by.as_ref().map(|p| p.value.clone());
    table.options.row_level_security = model.row_level_security.is_some();
    table.options.force_row_level_security = model.force_row_level_security.is_some();
    table.renamed_from = model
        .renamed_from
        .as_ref()
        .map(|r| QualifiedName::parse(&r.value, &schema));
    let pk_columns = primary_key_columns(model);
    let mut column_fields = Vec::new();
    for (index, field) in model.fields.iter().enumerate() {
        if field.skip.is_some() {
            continue;
        }
        match lower_column(field, &table.name, &pk_columns, resolver) {
            Ok(column) => {
                table.columns.push(column);
                column_fields.push(index);
            }
            Err(d) => diags.push(d),
        }
    }
    let mut lowering = Lowering {
        model,
        namespace,
        table,
        objects: Vec::new(),
        diags: &mut diags,
    };
    lowering.keys(&pk_columns);
    lowering.exclusions();
    lowering.checks();
    lowering.foreign_keys();
    lowering.indexes();
    let objects = lowering.objects;
    let mut table = lowering.table;
    check_identity_index(model, &table, &mut diags);
    table.normalize();
    diags.finish(LoweredTable {
        table,
        column_fields,
        objects,
    })
}

fn lower_column(
    field: &FieldModel,
    table: &QualifiedName,
    pk_columns: &[String],
    resolver: &dyn ResolveType,
) -> Result<Column, Diagnostic> {
    let mapped = map_type(&field.ty);
    let (ty, identity_basis) = match &field.sql_type {
        Some(explicit) => {
            let ty = SqlType::canonical(&explicit.value);
            (ty.clone(), Some(ty))
        }
        None => {
            let ty = resolver.resolve(field, &mapped)?;
            let basis = match &mapped.kind {
                MappedKind::Builtin(t) => Some(t.clone()),
                _ => None,
            };
            (ty, basis)
        }
    };
    let name = field.column_name();
    let in_pk = pk_columns.contains(&name);
    let identity = match field.identity.as_ref().map(|i| i.value) {
        Some(IdentityAttr::Always) => Some(Identity::Always),
        Some(IdentityAttr::ByDefault) => Some(Identity::ByDefault),
        Some(IdentityAttr::None | IdentityAttr::Serial) => None,
        None => {
            let lone_key = in_pk && pk_columns.len() == 1;
            (lone_key && identity_basis.as_ref().is_some_and(is_integer))
                .then_some(Identity::ByDefault)
        }
    };
    let serial = field
        .identity
        .as_ref()
        .is_some_and(|i| i.value == IdentityAttr::Serial);
    if let (Some(attr), Some(basis)) = (&field.identity, &identity_basis)
        && (identity.is_some() || serial)
        && !is_integer(basis)
    {
        let what = if serial { "a serial" } else { "an identity" };
        return Err(Diagnostic::new(
            attr.span,
            format!(
                "`identity` on `{}`, a `{basis}` column: {what} column is smallint, integer or bigint",
                field.ident
            ),
        ));
    }
    let mut column = Column::new(name, ty);
    // PostgreSQL makes primary key and identity columns NOT NULL whatever
    // the declaration says.
    column.nullable = mapped.nullable && !in_pk && identity.is_none();
    column.default = field.default.as_ref().map(|d| d.value.clone());
    column.identity = identity;
    column.serial = serial;
    column.comment = field.comment.as_ref().map(|c| c.value.clone());
    column.renamed_from = field.renamed_from.as_ref().map(|r| r.value.clone());
    column.generated = field.generated.as_ref().map(|g| g.value.clone());
    // As written: `en_US.utf8` is one name (pg_catalog's); a collation of
    // another schema is written quoted, `"public"."numeric"`.
    column.collation = field.collation.as_ref().map(|c| c.value.clone());
    column.sequence = sequence_name(field, table, &column)?;
    Ok(column)
}

/// An identity column's `sequence = "..."`, in the IR only when it is not
/// the name PostgreSQL picks (`<table>_<column>_seq`).
fn sequence_name(
    field: &FieldModel,
    table: &QualifiedName,
    column: &Column,
) -> Result<Option<QualifiedName>, Diagnostic> {
    let Some(sequence) = &field.sequence else {
        return Ok(None);
    };
    if column.identity.is_none() && !column.serial {
        return Err(Diagnostic::new(
            sequence.span,
            format!(
                "`sequence` names an identity or serial column's sequence, and `{}` is neither \
                 (an integer primary key is an identity column, or set `identity`)",
                field.ident
            ),
        ));
    }
    let name = QualifiedName::parse(&sequence.value, &table.schema);
    let picked = QualifiedName::new(
        table.schema.clone(),
        petal_ir::naming::make_object_name(&table.name, Some(&column.name), Some("seq")),
    );
    Ok((name != picked).then_some(name))
}

/// `replica_identity = "using index NAME"` names one of the table's own
/// keys or unique indexes (by the name it has or is given).
fn check_identity_index(model: &TableModel, table: &Table, diags: &mut Diagnostics) {
    let Some(identity) = &model.replica_identity else {
        return;
    };
    let petal_ir::ReplicaIdentity::Index(index) = &identity.value else {
        return;
    };
    let keys = table.primary_key.iter().map(|p| &p.name);
    let uniques = table.uniques.iter().map(|u| &u.name);
    let indexes = table.indexes.iter().filter(|i| i.unique).map(|i| &i.name);
    if !keys.chain(uniques).chain(indexes).any(|n| n == index) {
        diags.error(
            identity.span,
            format!(
                "`replica_identity` names `{index}`, which is not this table's primary key, unique \
                 constraint or unique index"
            ),
        );
    }
}

/// The primary key's columns (SQL names), from the struct or a field.
fn primary_key_columns(model: &TableModel) -> Vec<String> {
    if let Some(pk) = &model.primary_key {
        return resolve_all(model, pk.value.iter().map(|c| c.value.as_str()));
    }
    model
        .columns()
        .find(|f| f.primary_key.is_some())
        .map(|f| vec![f.column_name()])
        .unwrap_or_default()
}

fn pk_columns_with_span(model: &TableModel, columns: &[String]) -> Option<(Vec<String>, Span)> {
    if columns.is_empty() {
        return None;
    }
    let span = match &model.primary_key {
        Some(pk) => pk.span,
        None => model.columns().find_map(|f| f.primary_key)?,
    };
    Some((columns.to_vec(), span))
}

fn resolve_all<'a>(model: &TableModel, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    names
        .map(|n| model.resolve_column(n).unwrap_or_else(|| n.to_string()))
        .collect()
}

/// Lowers one (validated) enum.
pub fn lower_enum(model: &EnumModel) -> EnumType {
    let schema = model.schema_name();
    EnumType {
        name: QualifiedName::new(schema.clone(), model.type_name()),
        labels: model.variants.iter().map(|v| v.label()).collect(),
        comment: model.comment.as_ref().map(|c| c.value.clone()),
        renamed_from: model
            .renamed_from
            .as_ref()
            .map(|r| QualifiedName::parse(&r.value, &schema)),
        renamed_labels: model
            .variants
            .iter()
            .filter_map(|v| {
                v.renamed_from
                    .as_ref()
                    .map(|old| (v.label(), old.value.clone()))
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
