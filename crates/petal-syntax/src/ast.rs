//! The typed AST of a model: what the `#[petal(...)]` attributes of one
//! struct or enum say, each value with the span of the token it came from.
//! [`crate::parse`] builds it, [`crate::validate`] checks it across items,
//! [`crate::lower`] turns it into IR.

use petal_ir::{Deferrable, FkAction, ReplicaIdentity};
use proc_macro2::Span;

/// A value and the span of the token that gave it.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// A `#[derive(Table)]` struct.
#[derive(Debug, Clone)]
pub struct TableModel {
    pub ident: syn::Ident,
    /// `table = "..."`; required (the validator says so when missing).
    pub table: Option<Spanned<String>>,
    pub schema: Option<Spanned<String>>,
    /// The container-level `primary_key(a, b)` or `primary_key(columns(a,
    /// b), ...)`.
    pub primary_key: Option<Spanned<Vec<Spanned<String>>>>,
    /// What the primary key says besides its columns, on the struct's
    /// `primary_key(columns(...), ...)` or a field's `primary_key(...)`.
    pub primary_key_options: ConstraintOptions,
    /// `name = "..."` in either, when it is not `<table>_pkey`.
    pub primary_key_name: Option<Spanned<String>>,
    /// Indexes, uniques and checks in declaration order, container level
    /// first: PostgreSQL names unnamed ones in the order they are created.
    pub indexes: Vec<IndexAttr>,
    pub uniques: Vec<UniqueAttr>,
    pub checks: Vec<CheckAttr>,
    pub exclusions: Vec<ExclusionAttr>,
    /// The struct's `foreign_key(...)`s, in declaration order (a field's
    /// `references` is on its field).
    pub foreign_keys: Vec<ForeignKeyAttr>,
    pub comment: Option<Spanned<String>>,
    pub renamed_from: Option<Spanned<String>>,
    /// `unlogged`.
    pub unlogged: Option<Span>,
    /// `with = "fillfactor = 70"`: storage parameters, as `name=value`.
    pub storage: Option<Spanned<Vec<String>>>,
    /// `replica_identity = "full"`.
    pub replica_identity: Option<Spanned<ReplicaIdentity>>,
    /// `partition_by = "range (created_at)"`: a partitioned table, its
    /// strategy and key as written.
    pub partition_by: Option<Spanned<String>>,
    /// `row_level_security`: its policies (in the SQL files) decide which
    /// rows a role reaches.
    pub row_level_security: Option<Span>,
    /// `force_row_level_security`: the owner is held to them too.
    pub force_row_level_security: Option<Span>,
    pub fields: Vec<FieldModel>,
}

/// `index(columns(a, b), expr = "...", name = "...", unique, where = "...",
/// method = "gin", include(c))`.
#[derive(Debug, Clone)]
pub struct IndexAttr {
    pub span: Span,
    /// Declared on a field (`#[petal(index)]`), rather than on the struct.
    pub on_field: bool,
    pub name: Option<Spanned<String>>,
    pub keys: Vec<Spanned<IndexKeyAttr>>,
    pub include: Vec<Spanned<String>>,
    pub unique: bool,
    pub predicate: Option<Spanned<String>>,
    pub method: Option<Spanned<String>>,
    /// `opclass = "..."` (every key) or `opclass(col = "...")` (one key).
    pub opclass: Vec<KeyOption>,
    /// `collation = "..."` (every key) or `collation(col = "...")`.
    pub collation: Vec<KeyOption>,
    /// `order = "desc"` (every key) or `order(col = "desc nulls last")`.
    pub order: Vec<KeyOption<KeyOrder>>,
    /// `nulls_not_distinct`: a unique index's NULLs equal each other.
    pub nulls_not_distinct: Option<Span>,
    /// `concurrently`: migrations build and drop it `CONCURRENTLY`.
    pub concurrently: bool,
    /// `with = "fillfactor = 70"`: storage parameters, as `name=value`.
    pub storage: Option<Spanned<Vec<String>>>,
    pub comment: Option<Spanned<String>>,
}

/// A setting of an index's keys: of every key, or of the key on `column`.
#[derive(Debug, Clone)]
pub struct KeyOption<T = String> {
    /// `None`: every key.
    pub column: Option<Spanned<String>>,
    pub value: Spanned<T>,
}

/// An index key's order: `asc` (the default) or `desc`, and where NULLs
/// sort, as the IR holds it (`nulls_first` is a descending key's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyOrder {
    pub descending: bool,
    pub nulls_first: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexKeyAttr {
    /// A column, by SQL name or field name.
    Column(String),
    /// An SQL expression, as written.
    Expr(String),
}

/// `unique(name = "...", columns(a, b))`, or a field's `unique`.
#[derive(Debug, Clone)]
pub struct UniqueAttr {
    pub span: Span,
    /// Declared on a field (`#[petal(unique)]`), rather than on the struct.
    pub on_field: bool,
    pub name: Option<Spanned<String>>,
    pub columns: Vec<Spanned<String>>,
    pub nulls_not_distinct: bool,
    pub options: ConstraintOptions,
}

/// `check(name = "...", expr = "...", not_valid, comment = "...")`.
#[derive(Debug, Clone)]
pub struct CheckAttr {
    pub span: Span,
    pub name: Option<Spanned<String>>,
    pub expr: Spanned<String>,
    pub options: ConstraintOptions,
}

/// `exclude(using = "gist", elements(room = "=", during = "&&"),
/// element(expr = "...", with = "&&"), where = "...", name = "...")`.
#[derive(Debug, Clone)]
pub struct ExclusionAttr {
    pub span: Span,
    pub name: Option<Spanned<String>>,
    /// The access method, `gist` when not given (as PostgreSQL's default
    /// is btree, which can only say `=`).
    pub using: Option<Spanned<String>>,
    /// Each element and its operator, in the order written.
    pub elements: Vec<(Spanned<IndexKeyAttr>, String)>,
    pub predicate: Option<Spanned<String>>,
    pub options: ConstraintOptions,
}

/// `foreign_key(columns(a, b), references = "table(x, y)", name = "...",
/// on_delete = "...", on_update = "...", deferrable, not_valid, comment =
/// "...")` on the struct.
#[derive(Debug, Clone)]
pub struct ForeignKeyAttr {
    pub span: Span,
    pub name: Option<Spanned<String>>,
    pub columns: Vec<Spanned<String>>,
    pub references: Spanned<Reference>,
    pub on_delete: Option<Spanned<FkAction>>,
    pub on_update: Option<Spanned<FkAction>>,
    pub options: ConstraintOptions,
}

/// What a constraint says besides its columns or expression. Which of
/// them a constraint takes is the parser's business: `deferrable` on keys,
/// exclusions and foreign keys, `not_valid` on checks and foreign keys,
/// `no_inherit` on checks, `comment` on keys, exclusions, checks and the
/// struct's foreign keys (a field's `comment` is its column's).
#[derive(Debug, Clone, Default)]
pub struct ConstraintOptions {
    /// `deferrable` (initially immediate) or `initially_deferred`, at the
    /// span of the word.
    pub deferrable: Option<Spanned<Deferrable>>,
    /// `not_valid`: added `NOT VALID`, the rows present not proven.
    pub not_valid: Option<Span>,
    /// `no_inherit`: a check not passed on to children.
    pub no_inherit: Option<Span>,
    pub comment: Option<Spanned<String>>,
}

impl ConstraintOptions {
    pub fn deferrable(&self) -> Deferrable {
        self.deferrable
            .as_ref()
            .map(|d| d.value)
            .unwrap_or_default()
    }

    pub fn comment(&self) -> Option<String> {
        self.comment.as_ref().map(|c| c.value.clone())
    }
}

/// A field of a table struct.
#[derive(Debug, Clone)]
pub struct FieldModel {
    pub ident: syn::Ident,
    pub ty: syn::Type,
    /// `column = "..."`: the SQL name, when not the field's.
    pub column: Option<Spanned<String>>,
    pub primary_key: Option<Span>,
    pub default: Option<Spanned<String>>,
    pub sql_type: Option<Spanned<String>>,
    pub references: Option<Spanned<Reference>>,
    pub on_delete: Option<Spanned<FkAction>>,
    pub on_update: Option<Spanned<FkAction>>,
    /// `deferrable`, `initially_deferred` and `not_valid` beside
    /// `references`: the foreign key's.
    pub foreign_key: ConstraintOptions,
    pub unique: Option<Span>,
    pub index: Option<Span>,
    pub renamed_from: Option<Spanned<String>>,
    pub comment: Option<Spanned<String>>,
    pub skip: Option<Span>,
    pub identity: Option<Spanned<IdentityAttr>>,
    /// `generated = "expr"`: a stored generated column.
    pub generated: Option<Spanned<String>>,
    /// `sequence = "name"`: the name of an identity column's sequence.
    pub sequence: Option<Spanned<String>>,
    /// `collation = "C"`: the column's collation.
    pub collation: Option<Spanned<String>>,
}

impl FieldModel {
    /// The SQL column name: `column = "..."` or the field's name.
    pub fn column_name(&self) -> String {
        match &self.column {
            Some(c) => c.value.clone(),
            None => self.ident.unraw_string(),
        }
    }

    /// The span to point at for the column as a whole.
    pub fn span(&self) -> Span {
        self.ident.span()
    }
}

/// What a foreign key references: a field's `references = "table.column"`
/// (`"schema.table.column"`), one column, or the struct's `references =
/// "table(x, y)"` (`"schema.table(x, y)"`, names in double quotes where
/// they need them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub schema: Option<String>,
    pub table: String,
    pub columns: Vec<String>,
}

/// `identity = "by default" | "always" | "none" | "serial"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityAttr {
    ByDefault,
    Always,
    None,
    /// No identity: a default taken from a sequence the column owns, as
    /// `serial` makes it (databases older than identity columns hold
    /// them).
    Serial,
}

/// A `#[derive(DbEnum)]` enum.
#[derive(Debug, Clone)]
pub struct EnumModel {
    pub ident: syn::Ident,
    pub name: Option<Spanned<String>>,
    pub schema: Option<Spanned<String>>,
    pub renamed_from: Option<Spanned<String>>,
    pub comment: Option<Spanned<String>>,
    pub variants: Vec<VariantModel>,
}

impl EnumModel {
    /// The SQL type name: `name = "..."` or the snake_case of the type name.
    pub fn type_name(&self) -> String {
        match &self.name {
            Some(n) => n.value.clone(),
            None => heck::ToSnakeCase::to_snake_case(self.ident.unraw_string().as_str()),
        }
    }

    pub fn schema_name(&self) -> String {
        self.schema
            .as_ref()
            .map_or_else(|| crate::DEFAULT_SCHEMA.to_string(), |s| s.value.clone())
    }
}

#[derive(Debug, Clone)]
pub struct VariantModel {
    pub ident: syn::Ident,
    pub rename: Option<Spanned<String>>,
    pub renamed_from: Option<Spanned<String>>,
}

impl VariantModel {
    /// The label: `rename = "..."` or the snake_case of the variant name.
    pub fn label(&self) -> String {
        match &self.rename {
            Some(r) => r.value.clone(),
            None => heck::ToSnakeCase::to_snake_case(self.ident.unraw_string().as_str()),
        }
    }
}

impl TableModel {
    pub fn table_name(&self) -> String {
        self.table
            .as_ref()
            .map_or_else(String::new, |t| t.value.clone())
    }

    pub fn schema_name(&self) -> String {
        self.schema
            .as_ref()
            .map_or_else(|| crate::DEFAULT_SCHEMA.to_string(), |s| s.value.clone())
    }

    /// The fields that are columns (not `skip`), in order.
    pub fn columns(&self) -> impl Iterator<Item = &FieldModel> {
        self.fields.iter().filter(|f| f.skip.is_none())
    }

    /// The SQL name of the column a model names, accepting a SQL column name
    /// or a field name.
    pub fn resolve_column(&self, name: &str) -> Option<String> {
        let mut columns = self.columns();
        if let Some(f) = self.columns().find(|f| f.column_name() == name) {
            return Some(f.column_name());
        }
        columns
            .find(|f| f.ident.unraw_string() == name)
            .map(FieldModel::column_name)
    }
}

/// `r#type` → `type`.
pub trait UnrawString {
    fn unraw_string(&self) -> String;
}

impl UnrawString for syn::Ident {
    fn unraw_string(&self) -> String {
        syn::ext::IdentExt::unraw(self).to_string()
    }
}
