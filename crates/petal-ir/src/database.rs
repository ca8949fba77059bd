use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{
    CompositeType, Dependency, Domain, Extension, Function, FunctionKey, QualifiedName, RangeType,
    Sequence, SqlType, Trigger, TriggerKey, View,
};

/// A whole database (or the part of it petal compares): schemas, and the
/// objects in them, each kind in a map keyed by what identifies it.
///
/// Maps are serialized as lists of their values (JSON object keys must be
/// strings), in key order; empty ones are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    /// Non-system schemas that exist (or that the models name).
    pub schemas: BTreeSet<String>,
    #[serde(with = "by_key")]
    pub enums: BTreeMap<QualifiedName, EnumType>,
    #[serde(with = "by_key")]
    pub tables: BTreeMap<QualifiedName, Table>,
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, Extension>,
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub sequences: BTreeMap<QualifiedName, Sequence>,
    /// Views and materialized views (one namespace with tables).
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub views: BTreeMap<QualifiedName, View>,
    /// Functions, procedures and aggregates.
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub functions: BTreeMap<FunctionKey, Function>,
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub triggers: BTreeMap<TriggerKey, Trigger>,
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub domains: BTreeMap<QualifiedName, Domain>,
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub composite_types: BTreeMap<QualifiedName, CompositeType>,
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub range_types: BTreeMap<QualifiedName, RangeType>,
    /// What depends on what, as the server records it (read from a
    /// database; models have none until canonicalized).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub dependencies: BTreeSet<Dependency>,
}

/// Objects that know their own key, so a map keyed by it can be
/// serialized as a plain list of the objects.
pub trait Keyed {
    type Key: Ord + Clone + fmt::Display;
    fn key(&self) -> Self::Key;
}

macro_rules! keyed_by_name {
    ($($kind:ty),*) => {$(
        impl Keyed for $kind {
            type Key = QualifiedName;
            fn key(&self) -> QualifiedName {
                self.name.clone()
            }
        }
    )*};
}

keyed_by_name!(
    Table,
    EnumType,
    Sequence,
    View,
    Domain,
    CompositeType,
    RangeType
);

impl Keyed for Extension {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Keyed for Function {
    type Key = FunctionKey;
    fn key(&self) -> FunctionKey {
        Function::key(self)
    }
}

impl Keyed for Trigger {
    type Key = TriggerKey;
    fn key(&self) -> TriggerKey {
        Trigger::key(self)
    }
}

mod by_key {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Keyed;

    pub fn serialize<S, T>(map: &BTreeMap<T::Key, T>, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: Serialize + Keyed,
    {
        serializer.collect_seq(map.values())
    }

    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<BTreeMap<T::Key, T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de> + Keyed,
    {
        let items = Vec::<T>::deserialize(deserializer)?;
        let mut map = BTreeMap::new();
        for item in items {
            let key = item.key();
            if map.insert(key.clone(), item).is_some() {
                return Err(serde::de::Error::custom(format!("{key} appears twice")));
            }
        }
        Ok(map)
    }
}

/// A PostgreSQL enum type, labels in their sort order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    pub name: QualifiedName,
    pub labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Rename hint from the models: the type's previous name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<QualifiedName>,
    /// Rename hints from the models: new label → previous label.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub renamed_labels: BTreeMap<String, String>,
}

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
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
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
    /// Collation, when it is not the type's default.
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    /// The boolean expression, without the surrounding `CHECK (...)`.
    pub expr: String,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
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
    /// An empty table with the given name.
    pub fn new(name: QualifiedName) -> Self {
        Table {
            name,
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            renamed_from: None,
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Sorts constraints and indexes by name, the canonical order. Columns
    /// keep their ordinal order.
    pub fn normalize(&mut self) {
        self.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        self.checks.sort_by(|a, b| a.name.cmp(&b.name));
        self.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
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
            .chain(self.indexes.iter().map(|i| i.name.as_str()))
    }
}

impl Column {
    /// A nullable column of the given type with no default.
    pub fn new(name: impl Into<String>, ty: SqlType) -> Self {
        Column {
            name: name.into(),
            ty,
            nullable: true,
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

impl Database {
    /// Puts every object into canonical order (see [`Table::normalize`]):
    /// constraints, checks and indexes sorted by name. Idempotent.
    pub fn normalize(&mut self) {
        for table in self.tables.values_mut() {
            table.normalize();
        }
        for domain in self.domains.values_mut() {
            domain.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
        for view in self.views.values_mut() {
            view.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }

    /// Drops the rename hints, which only models carry: what is left is what a
    /// database would hold.
    pub fn without_hints(mut self) -> Self {
        for e in self.enums.values_mut() {
            e.renamed_from = None;
            e.renamed_labels.clear();
        }
        for t in self.tables.values_mut() {
            t.renamed_from = None;
            for c in &mut t.columns {
                c.renamed_from = None;
            }
        }
        self.sequences
            .values_mut()
            .for_each(|s| s.renamed_from = None);
        self.views.values_mut().for_each(|v| v.renamed_from = None);
        self.functions
            .values_mut()
            .for_each(|f| f.renamed_from = None);
        self.domains
            .values_mut()
            .for_each(|d| d.renamed_from = None);
        self.composite_types
            .values_mut()
            .for_each(|c| c.renamed_from = None);
        self.range_types
            .values_mut()
            .for_each(|r| r.renamed_from = None);
        self
    }

    /// Keeps only the given schemas (and what lives in them, and the
    /// dependencies of what is kept).
    pub fn retain_schemas(&mut self, keep: &BTreeSet<String>) {
        self.schemas.retain(|s| keep.contains(s));
        self.enums.retain(|n, _| keep.contains(&n.schema));
        self.tables.retain(|n, _| keep.contains(&n.schema));
        self.extensions.retain(|_, e| keep.contains(&e.schema));
        self.sequences.retain(|n, _| keep.contains(&n.schema));
        self.views.retain(|n, _| keep.contains(&n.schema));
        self.functions.retain(|k, _| keep.contains(&k.name.schema));
        self.triggers.retain(|k, _| keep.contains(&k.table.schema));
        self.domains.retain(|n, _| keep.contains(&n.schema));
        self.composite_types.retain(|n, _| keep.contains(&n.schema));
        self.range_types.retain(|n, _| keep.contains(&n.schema));
        self.dependencies
            .retain(|d| d.dependent.schema().is_none_or(|s| keep.contains(s)));
    }

    pub fn add_table(&mut self, table: Table) {
        self.schemas.insert(table.name.schema.clone());
        self.tables.insert(table.name.clone(), table);
    }

    pub fn add_enum(&mut self, e: EnumType) {
        self.schemas.insert(e.name.schema.clone());
        self.enums.insert(e.name.clone(), e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqlType;

    #[test]
    fn a_database_survives_json() {
        let mut db = Database::default();
        let mut t = Table::new(QualifiedName::new("public", "t"));
        t.columns.push(Column::new("a", SqlType::canonical("int")));
        db.add_table(t);
        db.add_enum(EnumType {
            name: QualifiedName::new("crm", "e"),
            labels: vec!["x".into()],
            comment: None,
            renamed_from: None,
            renamed_labels: BTreeMap::new(),
        });
        let json = serde_json::to_string(&db).expect("serializes");
        let back: Database = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, db);
    }

    /// One object of every kind beside tables and enum types.
    pub(crate) fn every_kind() -> Database {
        let name = |n: &str| QualifiedName::new("app", n);
        let ty = SqlType::canonical;
        let mut db = Database::default();
        db.schemas.insert("app".into());
        let extension = Extension {
            name: "citext".into(),
            schema: "public".into(),
            version: Some("1.6".into()),
        };
        db.extensions.insert(extension.name.clone(), extension);
        let sequence = Sequence {
            name: name("ticket_seq"),
            ty: ty("bigint"),
            options: crate::SequenceOptions::defaults(&ty("bigint")),
            owned_by: None,
            comment: Some("tickets".into()),
            renamed_from: None,
        };
        db.sequences.insert(sequence.name.clone(), sequence);
        let view = View {
            name: name("active"),
            materialized: false,
            definition: " SELECT 1 AS one;".into(),
            columns: vec![crate::ViewColumn {
                name: "one".into(),
                ty: ty("integer"),
                comment: None,
            }],
            check_option: None,
            security_barrier: true,
            security_invoker: false,
            options: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            renamed_from: None,
        };
        db.views.insert(view.name.clone(), view);
        let function = Function {
            name: name("touch"),
            signature: String::new(),
            kind: crate::FunctionKind::Function,
            identity_arguments: String::new(),
            arguments: String::new(),
            result: Some("trigger".into()),
            language: "plpgsql".into(),
            volatility: crate::Volatility::Volatile,
            definition: "CREATE OR REPLACE FUNCTION app.touch()\n RETURNS trigger\n".into(),
            comment: None,
            renamed_from: None,
        };
        let trigger = Trigger {
            table: name("orders"),
            name: "touch".into(),
            definition: "CREATE TRIGGER touch BEFORE UPDATE ON app.orders".into(),
            function: function.key(),
            enabled: crate::TriggerEnabled::Disabled,
            comment: None,
        };
        db.triggers.insert(trigger.key(), trigger);
        db.functions.insert(function.key(), function);
        let domain = Domain {
            name: name("positive"),
            base_type: ty("integer"),
            collation: None,
            default: None,
            not_null: true,
            checks: vec![Check {
                name: "positive_check".into(),
                expr: "(VALUE > 0)".into(),
            }],
            comment: None,
            renamed_from: None,
        };
        db.domains.insert(domain.name.clone(), domain);
        let composite = CompositeType {
            name: name("address"),
            attributes: vec![crate::Attribute {
                name: "street".into(),
                ty: ty("text"),
                collation: None,
                comment: None,
            }],
            comment: None,
            renamed_from: None,
        };
        db.composite_types.insert(composite.name.clone(), composite);
        let range = RangeType {
            name: name("floatrange"),
            subtype: ty("double precision"),
            subtype_opclass: None,
            collation: None,
            canonical: None,
            subtype_diff: Some("float8mi".into()),
            multirange: None,
            comment: None,
            renamed_from: None,
        };
        db.range_types.insert(range.name.clone(), range);
        db.dependencies.insert(Dependency {
            dependent: crate::ObjectKey::trigger(&TriggerKey {
                table: name("orders"),
                name: "touch".into(),
            }),
            referenced: crate::ObjectKey::Function {
                name: name("touch"),
                signature: String::new(),
            },
            kind: Default::default(),
        });
        db
    }

    #[test]
    fn every_kind_survives_json_and_shows_in_the_dump() {
        let db = every_kind();
        let json = serde_json::to_string(&db).expect("serializes");
        let back: Database = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, db);
        let text = crate::dump(&db);
        for word in [
            "extension \"citext\" schema \"public\" version '1.6'",
            "sequence \"app\".\"ticket_seq\" bigint start 1",
            "view \"app\".\"active\"",
            "function \"app\".\"touch\"()",
            "trigger \"touch\" on \"app\".\"orders\" disabled",
            "domain \"app\".\"positive\" integer not null",
            "composite type \"app\".\"address\"",
            "range type \"app\".\"floatrange\" subtype double precision",
        ] {
            assert!(text.contains(word), "{word:?} missing from:\n{text}");
        }
        let mut kept = db.clone();
        kept.retain_schemas(&BTreeSet::from(["other".to_string()]));
        assert!(kept.views.is_empty() && kept.functions.is_empty() && kept.dependencies.is_empty());
    }
}
