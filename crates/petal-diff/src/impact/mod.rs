//! What a statement does to the relations other sessions use: the lock
//! it takes on each, and whether it rewrites or reads every row of one.
//!
//! A reviewer reads it over the statement (`impact: ...`), and the label
//! harness (`crates/petal-engine/tests/labels.rs`) runs every kind of
//! statement petal writes on a table with rows and fails where what it
//! observes (`pg_locks`, `relfilenode`, `pg_stat_xact_user_tables`)
//! disagrees. So this file is the one place that predicts locks: each
//! change says its impact by one exhaustive match, and a new kind of
//! change does not compile until it does.
//!
//! Only locks that make someone wait are kept: `SHARE UPDATE EXCLUSIVE`
//! and stronger (the weaker modes conflict with nothing but these), on
//! tables, views and materialized views that existed before the migration.

mod lock_mode;
mod partitions;
pub(crate) use partitions::each_locked;

pub use lock_mode::LockMode;

use std::collections::{BTreeMap, BTreeSet};

use petal_ir::{ObjectKey, QualifiedName};
use serde::{Deserialize, Serialize};

use crate::casts::{TypeChangeRisk, type_change_risk};
use crate::change::{Alter, Change, NotNull, Object, Rename, Replace, ValidatedConstraint};
use crate::classify::rewrites_on_add;
use crate::names::is_user_type;

/// What one statement does to existing relations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impact {
    /// The strongest lock taken on each relation (in JSON, a list of
    /// `{"relation": ..., "mode": ...}`: a map's keys are strings there).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "locks_as_list"
    )]
    pub locks: BTreeMap<QualifiedName, LockMode>,
    /// Tables written again whole, with their indexes.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub rewrites: BTreeSet<QualifiedName>,
    /// Tables whose every row is read (a validation, an index build).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub scans: BTreeSet<QualifiedName>,
}

impl Impact {
    pub fn is_empty(&self) -> bool {
        self.locks.is_empty() && self.rewrites.is_empty() && self.scans.is_empty()
    }

    /// Whether any relation's lock blocks writers (or readers).
    pub fn blocks_writes(&self) -> bool {
        self.locks.values().any(|m| m.blocks_writes())
    }

    pub(crate) fn lock(mut self, relation: &QualifiedName, mode: LockMode) -> Impact {
        self.take(relation, mode);
        self
    }

    fn take(&mut self, relation: &QualifiedName, mode: LockMode) {
        if !mode.is_labelled() {
            return;
        }
        let held = self
            .locks
            .entry(relation.clone())
            .or_insert(LockMode::AccessShare);
        *held = (*held).max(mode);
    }

    pub(crate) fn scan(mut self, relation: &QualifiedName) -> Impact {
        self.scans.insert(relation.clone());
        self
    }

    /// A table rewritten: read and written again under `ACCESS EXCLUSIVE`.
    pub(crate) fn rewrite(self, relation: &QualifiedName) -> Impact {
        let mut impact = self.lock(relation, LockMode::AccessExclusive);
        impact.rewrites.insert(relation.clone());
        impact
    }

    pub(crate) fn exclusive(relation: &QualifiedName) -> Impact {
        Impact::default().lock(relation, LockMode::AccessExclusive)
    }

    /// Both statements' impact, as one statement carrying both has.
    pub fn merge(mut self, other: &Impact) -> Impact {
        for (relation, mode) in &other.locks {
            self.take(relation, *mode);
        }
        self.rewrites.extend(other.rewrites.iter().cloned());
        self.scans.extend(other.scans.iter().cloned());
        self
    }

    /// Without what `created` names: relations the same migration creates
    /// earlier are locked by nobody else.
    pub fn without(mut self, created: &BTreeSet<QualifiedName>) -> Impact {
        self.locks.retain(|r, _| !created.contains(r));
        self.rewrites.retain(|r| !created.contains(r));
        self.scans.retain(|r| !created.contains(r));
        self
    }

    /// The comment line a reviewer reads (`None` when nothing waits):
    /// `public.orders ACCESS EXCLUSIVE (blocks reads and writes); rewrites
    /// public.orders`.
    pub fn line(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let mut by_mode: BTreeMap<std::cmp::Reverse<LockMode>, Vec<String>> = BTreeMap::new();
        for (relation, mode) in &self.locks {
            by_mode
                .entry(std::cmp::Reverse(*mode))
                .or_default()
                .push(relation.to_string());
        }
        let mut parts: Vec<String> = by_mode
            .into_iter()
            .map(|(std::cmp::Reverse(mode), relations)| {
                format!("{} {mode} ({})", relations.join(", "), mode.what_waits())
            })
            .collect();
        let names = |set: &BTreeSet<QualifiedName>| {
            set.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.rewrites.is_empty() {
            parts.push(format!(
                "rewrites {} and its indexes",
                names(&self.rewrites)
            ));
        }
        let scanned: BTreeSet<QualifiedName> =
            self.scans.difference(&self.rewrites).cloned().collect();
        if !scanned.is_empty() {
            parts.push(format!("reads every row of {}", names(&scanned)));
        }
        Some(format!("impact: {}", parts.join("; ")))
    }
}

mod locks_as_list {
    use std::collections::BTreeMap;

    use petal_ir::QualifiedName;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::LockMode;

    #[derive(Serialize, Deserialize)]
    struct Held {
        relation: QualifiedName,
        mode: LockMode,
    }

    pub fn serialize<S: Serializer>(
        locks: &BTreeMap<QualifiedName, LockMode>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(locks.iter().map(|(relation, mode)| Held {
            relation: relation.clone(),
            mode: *mode,
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<QualifiedName, LockMode>, D::Error> {
        let held = Vec::<Held>::deserialize(deserializer)?;
        Ok(held.into_iter().map(|h| (h.relation, h.mode)).collect())
    }
}

impl Change {
    /// What the change's statements do to existing relations.
    pub fn impact(&self) -> Impact {
        match self {
            Change::Create(object) | Change::PutBack(crate::change::Moved { object, .. }) => {
                create(object)
            }
            Change::Drop(object) | Change::MoveAside(crate::change::Moved { object, .. }) => {
                drop(object)
            }
            Change::Rename(rename) => renamed(rename),
            Change::Replace(replace) => match replace.as_ref() {
                Replace::View { view } => Impact::exclusive(&view.from.name),
                Replace::Function { .. } => Impact::default(),
            },
            Change::Alter(alter) => altered(alter),
            Change::AddEnumLabel(_) => Impact::default(),
            // Each column of the type is retyped through text: its table
            // is rewritten (the statements' own impacts, `render::enums`).
            Change::RecreateEnum(recreate) => recreate
                .columns
                .iter()
                .fold(Impact::default(), |impact, c| impact.rewrite(&c.table)),
        }
    }
}

/// The relations `changes` create: no one else's yet, so locking them
/// makes no one wait.
///
/// A table dropped and created again under its name (a new partition
/// key) is no new table: what comes before its creation waits for it;
/// nor is one created under the name of a table renamed away.
pub(crate) fn created_relations(changes: &[Change]) -> BTreeSet<QualifiedName> {
    let dropped: BTreeSet<&QualifiedName> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Drop(Object::Table { table, .. }) => Some(&table.name),
            // Renamed away (a table recreated with its rows goes aside):
            // the name held a relation others use until then, and the
            // one created under it is new only from there on (which
            // `PartitionTree::on_existing` follows).
            Change::Rename(Rename::Table { name }) => Some(&name.from),
            _ => None,
        })
        .collect();
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Create(Object::Table { table, .. }) if !dropped.contains(&table.name) => {
                Some(table.name.clone())
            }
            Change::Create(Object::View { view }) => Some(view.name.clone()),
            _ => None,
        })
        .collect()
}

fn create(object: &Object) -> Impact {
    match object {
        Object::Column { table, column } if rewrites_on_add(column) => {
            Impact::default().rewrite(table)
        }
        Object::Column { table, .. } => Impact::exclusive(table),
        // `NOT VALID` reads nothing.
        Object::Check { table, check } if check.not_valid => Impact::exclusive(table),
        Object::PrimaryKey { table, .. }
        | Object::Unique { table, .. }
        | Object::Check { table, .. }
        | Object::Exclusion { table, .. } => Impact::exclusive(table).scan(table),
        Object::ForeignKey {
            table,
            foreign_key,
            new_table,
        } => {
            let referenced = &foreign_key.ref_table;
            let impact = Impact::default()
                .lock(table, LockMode::ShareRowExclusive)
                .lock(referenced, LockMode::ShareRowExclusive);
            if *new_table || foreign_key.not_valid {
                impact
            } else {
                impact.scan(table).scan(referenced)
            }
        }
        // Made for the partitioned table alone, it reads no partition.
        Object::Index { table, index } if index.only => {
            Impact::default().lock(table, LockMode::Share)
        }
        Object::Index { table, .. } => Impact::default().lock(table, LockMode::Share).scan(table),
        Object::Trigger { trigger } => {
            Impact::default().lock(&trigger.table, LockMode::ShareRowExclusive)
        }
        Object::Policy { policy, .. } => Impact::exclusive(&policy.table),
        Object::DomainCheck { users, .. } => checks_users(users),
        Object::Table {
            table,
            default_partition,
            referenced_by,
            parent_references,
            ..
        } => match &table.partition_of {
            Some(of) => partitions::created(of, default_partition, referenced_by).merge(
                &partitions::each_locked(parent_references, LockMode::ShareRowExclusive),
            ),
            // A child reads its parents' definitions under `SHARE UPDATE
            // EXCLUSIVE`.
            None => table
                .inherits
                .iter()
                .fold(Impact::default(), |impact, parent| {
                    impact.lock(parent, LockMode::ShareUpdateExclusive)
                }),
        },
        Object::Schema { .. }
        | Object::Enum { .. }
        | Object::Extension { .. }
        | Object::Sequence { .. }
        | Object::View { .. }
        | Object::Function { .. }
        | Object::Domain { .. }
        | Object::CompositeType { .. }
        | Object::Attribute { .. }
        | Object::RangeType { .. }
        | Object::Collation { .. } => Impact::default(),
    }
}

/// A domain's new check or NOT NULL: every table with a column of it is
/// read under `SHARE`.
fn checks_users(users: &[QualifiedName]) -> Impact {
    users.iter().fold(Impact::default(), |impact, table| {
        impact.lock(table, LockMode::Share).scan(table)
    })
}

fn drop(object: &Object) -> Impact {
    match object {
        Object::Table {
            table,
            default_partition,
            referenced_by,
            parent_references,
            ..
        } => match &table.partition_of {
            Some(of) => {
                partitions::detached_to_drop(&table.name, of, default_partition, referenced_by)
                    .merge(&partitions::each_locked(
                        parent_references,
                        LockMode::ShareRowExclusive,
                    ))
            }
            // A detached partition (the online recipes' drop) takes its
            // copies of its parent's foreign keys with it.
            None => Impact::exclusive(&table.name).merge(&partitions::each_locked(
                parent_references,
                LockMode::AccessExclusive,
            )),
        },
        Object::Column { table, .. }
        | Object::PrimaryKey { table, .. }
        | Object::Unique { table, .. }
        | Object::Check { table, .. }
        | Object::Exclusion { table, .. }
        | Object::Index { table, .. } => Impact::exclusive(table),
        // The referenced table loses the key's triggers.
        Object::ForeignKey {
            table, foreign_key, ..
        } => Impact::exclusive(table).lock(&foreign_key.ref_table, LockMode::AccessExclusive),
        Object::View { view } => Impact::exclusive(&view.name),
        Object::Trigger { trigger } => Impact::exclusive(&trigger.table),
        Object::Policy { policy, .. } => Impact::exclusive(&policy.table),
        Object::Schema { .. }
        | Object::Enum { .. }
        | Object::Extension { .. }
        | Object::Sequence { .. }
        | Object::Function { .. }
        | Object::Domain { .. }
        | Object::DomainCheck { .. }
        | Object::CompositeType { .. }
        | Object::Attribute { .. }
        | Object::RangeType { .. }
        | Object::Collation { .. } => Impact::default(),
    }
}

fn renamed(rename: &Rename) -> Impact {
    match rename {
        Rename::Table { name } | Rename::View { name, .. } => Impact::exclusive(&name.from),
        Rename::Column { table, .. }
        | Rename::Constraint { table, .. }
        | Rename::Trigger { table, .. }
        | Rename::Policy { table, .. } => Impact::exclusive(table),
        Rename::Index { .. }
        | Rename::Enum { .. }
        | Rename::EnumLabel { .. }
        | Rename::Sequence { .. }
        | Rename::Function { .. }
        | Rename::Domain { .. }
        | Rename::DomainCheck { .. }
        | Rename::CompositeType { .. }
        | Rename::Attribute { .. }
        | Rename::RangeType { .. }
        | Rename::Collation { .. } => Impact::default(),
    }
}

fn altered(alter: &Alter) -> Impact {
    match alter {
        Alter::ColumnType { table, ty, .. } => {
            let (from, to) = (&ty.from.ty, &ty.to.ty);
            let enums = (is_user_type(from), is_user_type(to));
            match type_change_risk(from, to, enums) {
                TypeChangeRisk::Rewrite | TypeChangeRisk::Lossy => Impact::default().rewrite(table),
                TypeChangeRisk::MetadataOnly => Impact::exclusive(table),
            }
        }
        Alter::Nullable {
            table, nullable, ..
        } if !nullable.to => Impact::exclusive(table).scan(table),
        Alter::NotNullState { table, state, .. } => match (&state.from, &state.to) {
            (NotNull::NotValid(_), NotNull::Valid) => Impact::default()
                .lock(table, LockMode::ShareUpdateExclusive)
                .scan(table),
            (_, NotNull::Valid) => Impact::exclusive(table).scan(table),
            _ => Impact::exclusive(table),
        },
        // Measured: validation takes SHARE UPDATE EXCLUSIVE and reads the
        // table (a foreign key's referenced table only `ROW SHARE`, below
        // what is labelled); made NOT VALID again, it is dropped.
        Alter::ConstraintValid { table, valid, .. } if valid.to => Impact::default()
            .lock(table, LockMode::ShareUpdateExclusive)
            .scan(table),
        Alter::ConstraintValid {
            table, constraint, ..
        } => match constraint {
            ValidatedConstraint::Check(_) => Impact::exclusive(table),
            ValidatedConstraint::ForeignKey(fk) => {
                Impact::exclusive(table).lock(&fk.ref_table, LockMode::AccessExclusive)
            }
        },
        Alter::Nullable { table, .. }
        | Alter::Default { table, .. }
        | Alter::Identity { table, .. }
        | Alter::Serial { table, .. } => Impact::exclusive(table),
        Alter::Comment { on, .. } => match commented_relation(on) {
            Some(relation) => Impact::default().lock(relation, LockMode::ShareUpdateExclusive),
            None => Impact::default(),
        },
        // Measured: both ways rewrite the table.
        Alter::Unlogged { table, .. } => Impact::default().rewrite(table),
        // `LOCK TABLE`, then the read (`render/copy_rows.rs` labels each
        // statement); the written table is new.
        Alter::CopyRows { rows } => Impact::exclusive(&rows.from.table).scan(&rows.from.table),
        // `user_catalog_table` takes ACCESS EXCLUSIVE; every other
        // parameter SHARE UPDATE EXCLUSIVE (PostgreSQL's reloptions.c).
        Alter::TableStorage { table, storage } => {
            let catalog = |p: &String| p.starts_with("user_catalog_table=");
            if storage.from.iter().chain(&storage.to).any(catalog) {
                Impact::exclusive(table)
            } else {
                Impact::default().lock(table, LockMode::ShareUpdateExclusive)
            }
        }
        // Measured (labels): GRANT and REVOKE update the object's catalog
        // row and take no lock on a table.
        Alter::Privileges { .. } => Impact::default(),
        Alter::ReplicaIdentity { table, .. }
        | Alter::RowSecurity { table, .. }
        | Alter::Policy { table, .. } => Impact::exclusive(table),
        Alter::PartitionOf {
            table,
            partition_of,
            default_partition,
            referenced_by,
            parent_references,
            ..
        } => partitions::moved(table, partition_of, default_partition, referenced_by).merge(
            &partitions::parent_references(partition_of, parent_references),
        ),
        // Measured: the child's descriptor changes; its new parent is
        // locked SHARE UPDATE EXCLUSIVE, one it leaves below what is
        // labelled.
        Alter::Inherit {
            table,
            parent,
            inherits,
        } if inherits.to => Impact::exclusive(table).lock(parent, LockMode::ShareUpdateExclusive),
        Alter::Inherit { table, .. } => Impact::exclusive(table),
        Alter::TriggerEnabled { table, .. } => {
            Impact::default().lock(table, LockMode::ShareRowExclusive)
        }
        Alter::DomainNotNull {
            not_null, users, ..
        } if not_null.to => checks_users(users),
        // Measured (labels): a rename of an index locks no table.
        Alter::ColumnSequence { .. }
        | Alter::IndexCopies { .. }
        | Alter::ExtensionVersion { .. }
        | Alter::ExtensionSchema { .. }
        | Alter::SequenceSettings { .. }
        | Alter::SequenceOwner { .. }
        | Alter::DomainDefault { .. }
        | Alter::DomainNotNull { .. }
        | Alter::AttributeType { .. } => Impact::default(),
    }
}

/// The table, view or materialized view `COMMENT ON` locks: the object's
/// own relation, or the table of a column, constraint or trigger (an
/// index's comment locks the index alone).
fn commented_relation(on: &ObjectKey) -> Option<&QualifiedName> {
    match on {
        ObjectKey::Table { name }
        | ObjectKey::View { name }
        | ObjectKey::MaterializedView { name } => Some(name),
        ObjectKey::Column { table, .. } => Some(table),
        // A constraint's or a trigger's comment locks that object alone
        // (its table only `ACCESS SHARE`), as measured.
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_conflict_table_is_postgres_own() {
        use LockMode::*;
        // Each mode's row of "Conflicting Lock Modes", as a bit per mode.
        let rows = [
            (AccessShare, 0b1000_0000),
            (RowShare, 0b1100_0000),
            (RowExclusive, 0b1111_0000),
            (ShareUpdateExclusive, 0b1111_1000),
            (Share, 0b1110_1100),
            (ShareRowExclusive, 0b1111_1100),
            (Exclusive, 0b1111_1110),
            (AccessExclusive, 0b1111_1111),
        ];
        for (mode, row) in rows {
            for (bit, other) in LockMode::ALL.into_iter().enumerate() {
                let expected = row & (1 << bit) != 0;
                assert_eq!(
                    mode.conflicts_with(other),
                    expected,
                    "{mode} against {other}"
                );
            }
        }
    }

    #[test]
    fn an_impact_reads_as_one_line_and_round_trips_through_json() {
        let orders = QualifiedName::new("public", "orders");
        let customers = QualifiedName::new("public", "customers");
        let impact = Impact::default()
            .lock(&orders, LockMode::ShareRowExclusive)
            .lock(&customers, LockMode::ShareRowExclusive)
            .lock(&orders, LockMode::AccessShare)
            .scan(&orders)
            .scan(&customers);
        assert_eq!(
            impact.line().as_deref(),
            Some(
                "impact: public.customers, public.orders SHARE ROW EXCLUSIVE (blocks writes); \
                 reads every row of public.customers, public.orders"
            )
        );
        let json = serde_json::to_string(&impact).expect("serializes");
        assert!(json.contains(r#""mode":"SHARE_ROW_EXCLUSIVE""#), "{json}");
        let back: Impact = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, impact);
        assert_eq!(Impact::default().line(), None);
    }
}
