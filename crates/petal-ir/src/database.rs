use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{QualifiedName, SqlType};

/// A whole database (or the part of it petal compares): schemas, enum types
/// and tables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    /// Non-system schemas that exist (or that the models name).
    pub schemas: BTreeSet<String>,
    /// Serialized as a list (JSON object keys must be strings), in name order.
    #[serde(with = "by_name")]
    pub enums: BTreeMap<QualifiedName, EnumType>,
    #[serde(with = "by_name")]
    pub tables: BTreeMap<QualifiedName, Table>,
}

/// Objects that know their own qualified name, so a map keyed by it can be
/// serialized as a plain list of the objects.
pub trait Named {
    fn qualified_name(&self) -> &QualifiedName;
}

impl Named for Table {
    fn qualified_name(&self) -> &QualifiedName {
        &self.name
    }
}

impl Named for EnumType {
    fn qualified_name(&self) -> &QualifiedName {
        &self.name
    }
}

mod by_name {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Named;
    use crate::QualifiedName;

    pub fn serialize<S, T>(
        map: &BTreeMap<QualifiedName, T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: Serialize,
    {
        serializer.collect_seq(map.values())
    }

    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<BTreeMap<QualifiedName, T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de> + Named,
    {
        let items = Vec::<T>::deserialize(deserializer)?;
        let mut map = BTreeMap::new();
        for item in items {
            let name = item.qualified_name().clone();
            if map.insert(name.clone(), item).is_some() {
                return Err(serde::de::Error::custom(format!("{name} appears twice")));
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
            generated: None,
            collation: None,
            comment: None,
            renamed_from: None,
        }
    }
}

impl Database {
    /// Puts every table into canonical order (see [`Table::normalize`]).
    /// Idempotent.
    pub fn normalize(&mut self) {
        for table in self.tables.values_mut() {
            table.normalize();
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
        self
    }

    /// Keeps only the given schemas (and what lives in them).
    pub fn retain_schemas(&mut self, keep: &BTreeSet<String>) {
        self.schemas.retain(|s| keep.contains(s));
        self.enums.retain(|n, _| keep.contains(&n.schema));
        self.tables.retain(|n, _| keep.contains(&n.schema));
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
}
