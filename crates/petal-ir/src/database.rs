use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{
    Acls, Collation, CompositeType, Dependency, Domain, Extension, Function, FunctionKey, Policy,
    PolicyKey, QualifiedName, RangeType, Sequence, Table, Trigger, TriggerKey, View,
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
    /// Row-level security policies.
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub policies: BTreeMap<PolicyKey, Policy>,
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub domains: BTreeMap<QualifiedName, Domain>,
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub composite_types: BTreeMap<QualifiedName, CompositeType>,
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub range_types: BTreeMap<QualifiedName, RangeType>,
    /// User collations (those of `pg_catalog` are the server's).
    #[serde(default, with = "by_key", skip_serializing_if = "BTreeMap::is_empty")]
    pub collations: BTreeMap<QualifiedName, Collation>,
    /// What depends on what, as the server records it (read from a
    /// database; models have none until canonicalized).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub dependencies: BTreeSet<Dependency>,
    /// The privileges on tables, columns, sequences, views, functions,
    /// schemas and types, when they are compared; `None` when they are not
    /// (the default): a diff compares them only when both sides have them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileges: Option<Acls>,
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
    RangeType,
    Collation
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

impl Keyed for Policy {
    type Key = PolicyKey;
    fn key(&self) -> PolicyKey {
        Policy::key(self)
    }
}

pub(crate) mod by_key {
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

impl Database {
    /// The tables above `table` by inheritance, nearest first, each once.
    pub fn inheritance_ancestors(&self, table: &QualifiedName) -> Vec<&QualifiedName> {
        let mut out: Vec<&QualifiedName> = Vec::new();
        let mut at = 0;
        let mut here: Vec<&QualifiedName> = self
            .tables
            .get(table)
            .map_or(Vec::new(), |t| t.inherits.iter().collect());
        while at < here.len() {
            let parent = here[at];
            at += 1;
            if out.contains(&parent) {
                continue;
            }
            out.push(parent);
            if let Some(p) = self.tables.get(parent) {
                here.extend(p.inherits.iter());
            }
        }
        out
    }

    /// Whether `child` declares itself every column and inheritable check
    /// that `parent` passes on to its children (its own and those it
    /// inherits in turn): then `ALTER TABLE child INHERIT parent`, and
    /// `NO INHERIT`, change none of its columns from inherited to its own.
    pub fn declares_all_of(&self, child: &Table, parent: &QualifiedName) -> bool {
        let mut sources = vec![parent];
        sources.extend(self.inheritance_ancestors(parent));
        sources.into_iter().all(|source| {
            self.tables.get(source).is_some_and(|p| {
                p.columns.iter().all(|c| child.column(&c.name).is_some())
                    && p.checks
                        .iter()
                        .filter(|c| !c.no_inherit)
                        .all(|c| child.checks.iter().any(|mine| mine.name == c.name))
            })
        })
    }

    /// The table at the top of `table`'s partition tree (itself when it
    /// is no partition), which holds the columns.
    pub fn partition_root(&self, table: &QualifiedName) -> Option<&Table> {
        let mut at = self.tables.get(table)?;
        // A partition tree is never deeper than its tables are many.
        for _ in 0..=self.tables.len() {
            match &at.partition_of {
                Some(of) => at = self.tables.get(&of.parent)?,
                None => return Some(at),
            }
        }
        None
    }

    /// The default a row inserted into `table` directly gets in `column`:
    /// a partition's own, else its parent's, up to the table holding the
    /// column.
    pub fn column_default(&self, table: &QualifiedName, column: &str) -> Option<String> {
        let mut at = self.tables.get(table)?;
        // A partition tree is never deeper than its tables are many.
        for _ in 0..=self.tables.len() {
            if let Some(own) = at.own_defaults.get(column) {
                return own.clone();
            }
            match &at.partition_of {
                Some(of) => at = self.tables.get(&of.parent)?,
                None => return at.column(column).and_then(|c| c.default.clone()),
            }
        }
        None
    }

    /// The tables inheriting from `parent`, directly or not, nearest first.
    pub fn inheritance_descendants(&self, parent: &QualifiedName) -> Vec<QualifiedName> {
        let mut found: Vec<QualifiedName> = Vec::new();
        let mut at = 0;
        let mut above = vec![parent.clone()];
        while at < above.len() {
            let here = above[at].clone();
            at += 1;
            for table in self.tables.values() {
                if table.inherits.contains(&here) && !found.contains(&table.name) {
                    found.push(table.name.clone());
                    above.push(table.name.clone());
                }
            }
        }
        found
    }

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

    /// Whether a partition names its copy of a parent's index: a schema
    /// read from a database with a partition of a parent with a plain
    /// index (not a key's) does.
    pub fn names_index_copies(&self) -> bool {
        self.tables.values().any(|t| !t.index_copies.is_empty())
    }

    /// Forgets the names of partitions' copies of their parents' indexes
    /// (`Table::index_copies`): what the models' side does, which names
    /// none (a database built from the models has PostgreSQL's picks,
    /// which the models do not ask for).
    pub fn clear_index_copies(&mut self) {
        for t in self.tables.values_mut() {
            t.index_copies.clear();
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
            for i in &mut t.indexes {
                i.concurrently = false;
            }
        }
        self.sequences
            .values_mut()
            .for_each(|s| s.renamed_from = None);
        self.views.values_mut().for_each(|v| v.renamed_from = None);
        self.triggers
            .values_mut()
            .for_each(|t| t.renamed_from = None);
        self.policies
            .values_mut()
            .for_each(|p| p.renamed_from = None);
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
        self.collations
            .values_mut()
            .for_each(|c| c.renamed_from = None);
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
        self.policies.retain(|k, _| keep.contains(&k.table.schema));
        self.domains.retain(|n, _| keep.contains(&n.schema));
        self.composite_types.retain(|n, _| keep.contains(&n.schema));
        self.range_types.retain(|n, _| keep.contains(&n.schema));
        self.collations.retain(|n, _| keep.contains(&n.schema));
        self.dependencies
            .retain(|d| d.dependent.schema().is_none_or(|s| keep.contains(s)));
        if let Some(acls) = &mut self.privileges {
            acls.objects
                .retain(|k, _| k.schema().is_none_or(|s| keep.contains(s)));
        }
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
    use crate::{Check, Column};

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
            privileges: None,
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
            privileges: None,
            renamed_from: None,
        };
        let trigger = Trigger {
            table: name("orders"),
            name: "touch".into(),
            definition: "CREATE TRIGGER touch BEFORE UPDATE ON app.orders".into(),
            function: function.key(),
            enabled: crate::TriggerEnabled::Disabled,
            comment: None,
            renamed_from: None,
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
                not_valid: false,
                no_inherit: false,
                comment: None,
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
