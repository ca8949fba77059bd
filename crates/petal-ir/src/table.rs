//! Tables and what they hold: columns in their ordinal order, keys,
//! checks, foreign keys and indexes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{PartitionOf, QualifiedName, SqlType, TableOptions};

/// A table. Columns are in ordinal order; equality ignores that order
/// (see `eq.rs`), because PostgreSQL cannot reorder columns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub name: QualifiedName,
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<Unique>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<Exclusion>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "TableOptions::is_default")]
    pub options: TableOptions,
    /// `PARTITION BY ...` as `pg_get_partkeydef` prints it (`RANGE
    /// (created_at)`): the table is partitioned and holds no rows itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<String>,
    /// A partition of another table: its columns are the parent's and are
    /// not kept here (see [`crate::PartitionOf`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_of: Option<PartitionOf>,
    /// A partition's own column defaults, where they are not its parent's:
    /// column name → its default, `None` for none where the parent has
    /// one (`pg_dump` prints that `DEFAULT NULL`). A partition created
    /// `PARTITION OF` takes its parent's defaults, and a parent's `SET
    /// DEFAULT` or `DROP DEFAULT` reaches every partition below it; one
    /// attached with defaults of its own, or set on it alone, keeps them.
    /// They are what a row inserted into the partition directly gets.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub own_defaults: BTreeMap<String, Option<String>>,
    /// A partition's copies of its parent's indexes (but a key's or an
    /// exclusion constraint's): the parent's index name → the copy's
    /// name. PostgreSQL names a copy it makes itself, or keeps the name of
    /// a matching index the partition had before (a `CREATE INDEX` on the
    /// parent after one on each partition, an attach), and `pg_dump`
    /// prints it. Read from a database only: the SQL files declare none,
    /// and the models' side leaves it empty (`clear_index_copies`), which
    /// asks for no name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub index_copies: BTreeMap<String, String>,
    /// `INHERITS (parents)`, in their order: an inheritance child. Its
    /// `columns` are those it declares itself (`attislocal`), those it
    /// also inherits included; a column it only inherits is its parents'
    /// and is not kept here, as pg_dump leaves it out of the child's
    /// `CREATE TABLE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherits: Vec<QualifiedName>,
    /// Rename hint from the models: the table's previous name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<QualifiedName>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// The type as PostgreSQL's `format_type` spells it (`integer`,
    /// `character varying(20)`, `public.order_status[]`).
    #[serde(rename = "type")]
    pub ty: SqlType,
    pub nullable: bool,
    /// The name of the column's NOT NULL constraint while it is `NOT
    /// VALID` (PostgreSQL 18: `ADD CONSTRAINT n NOT NULL c NOT VALID`, the
    /// first half of the online `SET NOT NULL`). New rows are checked, the
    /// rows present are not proven; `nullable` is false, as PostgreSQL's
    /// `attnotnull` says. Models never declare one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_null_not_valid: Option<String>,
    /// The default expression as SQL text (`now()`, `'new'::public.order_status`).
    /// A serial column's `nextval(...)` default is implied by `serial`, not kept here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// `serial`/`smallserial`/`bigserial`: an owned sequence of the column's
    /// integer type feeding a `nextval` default.
    #[serde(default, skip_serializing_if = "is_false")]
    pub serial: bool,
    /// The sequence feeding a serial or identity column, when it is not
    /// the one PostgreSQL picks (`<table>_<column>_seq`, in the table's
    /// schema): PostgreSQL keeps a sequence's name when its table or column
    /// is renamed, so real databases hold `packages_id_seq` behind
    /// `crates.id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<QualifiedName>,
    /// Expression of a `GENERATED ALWAYS AS (...) STORED` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// Collation, when it is not the type's default (spelled as
    /// [`crate::collation_sql`] reads it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Rename hint from the models: the column's previous name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// `GENERATED ALWAYS AS IDENTITY`
    Always,
    /// `GENERATED BY DEFAULT AS IDENTITY`
    ByDefault,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<String>,
    /// `DEFERRABLE [INITIALLY DEFERRED]`: checked at commit if deferred;
    /// no foreign key may reference it, nor `ON CONFLICT` use it.
    #[serde(default, skip_serializing_if = "Deferrable::is_not")]
    pub deferrable: Deferrable,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unique {
    pub name: String,
    pub columns: Vec<String>,
    /// `NULLS NOT DISTINCT` (PostgreSQL 15+).
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
    #[serde(default, skip_serializing_if = "Deferrable::is_not")]
    pub deferrable: Deferrable,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    /// The boolean expression, without the surrounding `CHECK (...)`.
    pub expr: String,
    /// Added `NOT VALID` and not validated since: the rows present are not
    /// proven, new and updated rows are checked.
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
    /// `NO INHERIT`: not passed on to inheritance children or partitions
    /// (a domain's check is never so).
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_inherit: bool,
    /// `COMMENT ON CONSTRAINT` (a domain's check keeps none here: its
    /// comment is listed as not compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_table: QualifiedName,
    pub ref_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "FkAction::is_no_action")]
    pub on_delete: FkAction,
    #[serde(default, skip_serializing_if = "FkAction::is_no_action")]
    pub on_update: FkAction,
    #[serde(default, skip_serializing_if = "Deferrable::is_not")]
    pub deferrable: Deferrable,
    /// Added `NOT VALID` and not validated since.
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn is_no_action(&self) -> bool {
        *self == FkAction::NoAction
    }

    /// The SQL spelling (`SET NULL`).
    pub fn sql(&self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }

    /// Parses `cascade`, `set null`, `SET_NULL`, ... (case and separator insensitive).
    pub fn parse(text: &str) -> Option<FkAction> {
        let norm: String = text
            .chars()
            .map(|c| {
                if c == '_' || c == '-' {
                    ' '
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        match norm
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str()
        {
            "no action" => Some(FkAction::NoAction),
            "restrict" => Some(FkAction::Restrict),
            "cascade" => Some(FkAction::Cascade),
            "set null" => Some(FkAction::SetNull),
            "set default" => Some(FkAction::SetDefault),
            _ => None,
        }
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Deferrable {
    #[default]
    NotDeferrable,
    InitiallyImmediate,
    InitiallyDeferred,
}

impl Deferrable {
    pub fn is_not(&self) -> bool {
        *self == Deferrable::NotDeferrable
    }

    /// The SQL clause, empty for the default.
    pub fn sql(&self) -> &'static str {
        match self {
            Deferrable::NotDeferrable => "",
            Deferrable::InitiallyImmediate => "DEFERRABLE INITIALLY IMMEDIATE",
            Deferrable::InitiallyDeferred => "DEFERRABLE INITIALLY DEFERRED",
        }
    }
}

/// `EXCLUDE USING gist (room WITH =, during WITH &&)`: no two rows whose
/// elements all compare true with the operators. Backed by an index of
/// its own, which is not listed with the table's indexes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub name: String,
    /// `EXCLUDE USING ... (...) [INCLUDE (...)] [WITH (...)] [WHERE (...)]`
    /// as `pg_get_constraintdef` prints it, without the deferrability
    /// (in `deferrable`).
    pub definition: String,
    #[serde(default, skip_serializing_if = "Deferrable::is_not")]
    pub deferrable: Deferrable,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A free-standing index. An index that backs a primary key or unique
/// constraint belongs to that constraint and is not listed here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Access method: `btree`, `hash`, `gin`, `gist`, `brin`, `spgist`.
    pub method: String,
    pub keys: Vec<IndexKey>,
    /// `INCLUDE (...)` columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// Partial index predicate (`WHERE ...`), without the keyword.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
    /// Storage parameters (`WITH (pages_per_range = 1)`), as
    /// `pg_class.reloptions` holds them: `name=value`, in the server's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub storage: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// A hint from the models (`index(..., concurrently)`), never read
    /// from a database: migrations build the index `CONCURRENTLY`, and
    /// their downs drop it so.
    #[serde(default, skip_serializing_if = "is_false")]
    pub concurrently: bool,
    /// `ON ONLY`: an index of a partitioned table made for the table
    /// alone (`CREATE INDEX ... ON ONLY`), which PostgreSQL holds invalid
    /// until each partition has an index attached to it: the first step of
    /// building a partitioned table's index partition by partition. Read
    /// from a partitioned table's invalid index; its partitions' indexes,
    /// as every partition's copy, are the parent's business.
    #[serde(default, skip_serializing_if = "is_false")]
    pub only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexKey {
    pub expr: IndexKeyExpr,
    #[serde(default, skip_serializing_if = "is_false")]
    pub descending: bool,
    /// `NULLS FIRST`; PostgreSQL's default is true for descending keys and
    /// false for ascending ones, and this field holds the effective value.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_first: bool,
    /// Operator class, when not the type's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
}

impl IndexKey {
    /// An ascending key on a plain column, with every default.
    pub fn column(name: impl Into<String>) -> Self {
        IndexKey {
            expr: IndexKeyExpr::Column(name.into()),
            descending: false,
            nulls_first: false,
            opclass: None,
            collation: None,
        }
    }

    /// An ascending key on an expression, with every default.
    pub fn expression(expr: impl Into<String>) -> Self {
        IndexKey {
            expr: IndexKeyExpr::Expression(expr.into()),
            ..IndexKey::column("")
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexKeyExpr {
    Column(String),
    /// An expression key, as `pg_get_indexdef` prints it (no outer parentheses).
    Expression(String),
}

impl Table {
    /// Every constraint's comment by name (primary key, uniques, checks,
    /// then foreign keys), with or without one.
    pub fn constraint_comments(&self) -> Vec<(&str, &Option<String>)> {
        let keys = self
            .primary_key
            .iter()
            .map(|p| (p.name.as_str(), &p.comment));
        let uniques = self.uniques.iter().map(|u| (u.name.as_str(), &u.comment));
        let checks = self.checks.iter().map(|c| (c.name.as_str(), &c.comment));
        let exclusions = self
            .exclusions
            .iter()
            .map(|x| (x.name.as_str(), &x.comment));
        let foreign = self
            .foreign_keys
            .iter()
            .map(|f| (f.name.as_str(), &f.comment));
        keys.chain(uniques)
            .chain(checks)
            .chain(exclusions)
            .chain(foreign)
            .collect()
    }

    /// The comment of its constraint `name`, to change it.
    pub fn constraint_comment_mut(&mut self, name: &str) -> Option<&mut Option<String>> {
        if let Some(p) = self.primary_key.as_mut().filter(|p| p.name == name) {
            return Some(&mut p.comment);
        }
        if let Some(u) = self.uniques.iter_mut().find(|u| u.name == name) {
            return Some(&mut u.comment);
        }
        if let Some(c) = self.checks.iter_mut().find(|c| c.name == name) {
            return Some(&mut c.comment);
        }
        if let Some(x) = self.exclusions.iter_mut().find(|x| x.name == name) {
            return Some(&mut x.comment);
        }
        self.foreign_keys
            .iter_mut()
            .find(|f| f.name == name)
            .map(|f| &mut f.comment)
    }

    /// An empty table with the given name.
    pub fn new(name: QualifiedName) -> Self {
        Table {
            name,
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            exclusions: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            options: TableOptions::default(),
            partition_by: None,
            partition_of: None,
            own_defaults: BTreeMap::new(),
            index_copies: BTreeMap::new(),
            inherits: Vec::new(),
            renamed_from: None,
        }
    }

    /// A partition or an inheritance child: what the SQL files declare,
    /// never a model (whose tables stand alone).
    pub fn is_declared_in_sql(&self) -> bool {
        self.partition_of.is_some() || !self.inherits.is_empty()
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Sorts constraints and indexes by name, the canonical order. Columns
    /// keep their ordinal order, and storage parameters theirs.
    pub fn normalize(&mut self) {
        self.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        self.checks.sort_by(|a, b| a.name.cmp(&b.name));
        self.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        self.exclusions.sort_by(|a, b| a.name.cmp(&b.name));
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    }

    /// Every name this table's constraints and indexes take in its schema's
    /// namespace (PostgreSQL keeps index names and constraint names unique
    /// per schema, besides relation names).
    pub fn object_names(&self) -> impl Iterator<Item = &str> {
        self.primary_key
            .iter()
            .map(|p| p.name.as_str())
            .chain(self.uniques.iter().map(|u| u.name.as_str()))
            .chain(self.checks.iter().map(|c| c.name.as_str()))
            .chain(self.foreign_keys.iter().map(|f| f.name.as_str()))
            .chain(self.exclusions.iter().map(|x| x.name.as_str()))
            .chain(self.indexes.iter().map(|i| i.name.as_str()))
    }
}

impl Column {
    /// Whether a sequence (serial, identity) or an expression (generated)
    /// gives the column its values, rather than a default of its own.
    pub fn is_fed(&self) -> bool {
        self.serial || self.identity.is_some() || self.generated.is_some()
    }

    /// A nullable column of the given type with no default.
    pub fn new(name: impl Into<String>, ty: SqlType) -> Self {
        Column {
            name: name.into(),
            ty,
            nullable: true,
            not_null_not_valid: None,
            default: None,
            identity: None,
            serial: false,
            sequence: None,
            generated: None,
            collation: None,
            comment: None,
            renamed_from: None,
        }
    }
}
