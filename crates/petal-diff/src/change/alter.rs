//! Alterations of a kept object: one property, from one value to another.

use std::collections::BTreeMap;

use petal_ir::{
    Check, Column, ForeignKey, Grant, Identity, ObjectKey, PartitionOf, QualifiedName,
    ReplicaIdentity, SequenceOptions, SequenceOwner, SqlType, TriggerEnabled,
};
use serde::{Deserialize, Serialize};

use super::Delta;
use super::copy_rows::RowSide;
use super::policies::{PolicyRules, RowSecurity};

/// One property of one object, changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "property", rename_all = "snake_case")]
pub enum Alter {
    /// A type (or collation) change. The default is dropped before and set
    /// after when it changes or a `USING` cast is needed; `serial` says the
    /// column owns a sequence whose `AS` type follows the column's.
    ColumnType {
        table: QualifiedName,
        column: String,
        #[serde(default)]
        serial: bool,
        #[serde(flatten)]
        ty: Delta<ColumnType>,
    },
    Nullable {
        table: QualifiedName,
        column: String,
        #[serde(flatten)]
        nullable: Delta<bool>,
    },
    /// A column's NOT NULL where one side's is `NOT VALID` (PostgreSQL
    /// 18): added so, validated, made so again, or dropped. Between
    /// nullable and a proven NOT NULL, `Nullable` says it.
    NotNullState {
        table: QualifiedName,
        column: String,
        #[serde(flatten)]
        state: Delta<NotNull>,
    },
    /// A check's or a foreign key's validity: `VALIDATE CONSTRAINT`, or
    /// back to `NOT VALID` (dropped and added so in one statement: there
    /// is no other way back). `constraint` is its definition.
    ConstraintValid {
        table: QualifiedName,
        constraint: ValidatedConstraint,
        #[serde(flatten)]
        valid: Delta<bool>,
    },
    Default {
        table: QualifiedName,
        column: String,
        #[serde(flatten)]
        default: Delta<Option<String>>,
        /// What the default is dropped, or set again, for when it only
        /// gets out of another change's way: the function it calls, which
        /// is recreated.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        because: Option<ObjectKey>,
    },
    /// `sequence`: the name of the identity's sequence, on the side that
    /// has one, when it is not the one PostgreSQL picks (so that undoing
    /// a drop gives the sequence its name back).
    Identity {
        table: QualifiedName,
        column: String,
        #[serde(flatten)]
        identity: Delta<Option<Identity>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sequence: Option<QualifiedName>,
    },
    /// Makes an integer column serial (an owned sequence `AS ty` feeding its
    /// default) or plain again; `sequence` as for `Identity`.
    Serial {
        table: QualifiedName,
        column: String,
        ty: SqlType,
        #[serde(flatten)]
        serial: Delta<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sequence: Option<QualifiedName>,
    },
    /// The name of the sequence behind a serial or identity column (`None`:
    /// the name PostgreSQL gives it).
    ColumnSequence {
        table: QualifiedName,
        column: String,
        #[serde(flatten)]
        sequence: Delta<Option<QualifiedName>>,
    },
    Comment {
        on: ObjectKey,
        #[serde(flatten)]
        text: Delta<Option<String>>,
    },
    /// `SET UNLOGGED` / `SET LOGGED`: the table rewritten.
    Unlogged {
        table: QualifiedName,
        #[serde(flatten)]
        unlogged: Delta<bool>,
    },
    /// Storage parameters, `name=value`: set, changed or reset.
    TableStorage {
        table: QualifiedName,
        #[serde(flatten)]
        storage: Delta<Vec<String>>,
    },
    ReplicaIdentity {
        table: QualifiedName,
        #[serde(flatten)]
        identity: Delta<ReplicaIdentity>,
    },
    /// A partition detached from its parent (`to` none) or attached to
    /// one (`from` none). A partition that changes its bound or its parent
    /// is detached, then attached: two changes.
    PartitionOf {
        table: QualifiedName,
        #[serde(flatten)]
        partition_of: Delta<Option<PartitionOf>>,
        /// The parent's default partition, which both lock (and an attach
        /// reads).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_partition: Option<QualifiedName>,
        /// The tables whose foreign keys reference the parent, which both
        /// lock (and a detach reads).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        referenced_by: Vec<QualifiedName>,
        /// The tables the parent's foreign keys reference: a detach makes
        /// triggers there, an attach drops the partition's own.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        parent_references: Vec<QualifiedName>,
        /// A table that stands alone once detached, or did before it was
        /// attached (`stand_alone.rs`); none when detached only to be
        /// attached again.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stands_alone: Option<crate::StandAlone>,
    },
    /// Kept table `table` made an inheritance child of `parent` (`ALTER
    /// TABLE ... INHERIT`, after the rest: it must hold the parent's
    /// columns and checks) or no longer one (`NO INHERIT`, first of all).
    /// Only where it declares every column and check the parent passes
    /// on, on both sides: neither statement makes a column it inherits
    /// its own, or the reverse (`compare/inheritance.rs`).
    Inherit {
        table: QualifiedName,
        parent: QualifiedName,
        #[serde(flatten)]
        inherits: Delta<bool>,
    },
    /// The names of partition `table`'s copies of the indexes of its
    /// parent `parent` (`Table::index_copies`): each copy of an index
    /// `names.to` names given that name, found through `pg_inherits`
    /// (PostgreSQL named it as it pleased). `names.to` empty: nothing to
    /// do now, and its inverse names the copies again once the down has
    /// made them anew (`compare/index_copies.rs`).
    IndexCopies {
        table: QualifiedName,
        parent: QualifiedName,
        #[serde(flatten)]
        names: Delta<BTreeMap<String, String>>,
    },
    /// The rows of a table recreated with them (`--allow-recreate`):
    /// `rows.from`'s table (every partition below it included) copied
    /// into `rows.to`'s (`copy_rows.rs`).
    CopyRows {
        #[serde(flatten)]
        rows: Delta<RowSide>,
    },
    /// `ENABLE`/`DISABLE ROW LEVEL SECURITY`, `[NO] FORCE ROW LEVEL
    /// SECURITY`, with whether the table has a permissive policy on each
    /// side (with none, enabling it hides every row from all but the
    /// owner).
    RowSecurity {
        table: QualifiedName,
        #[serde(flatten)]
        security: Delta<RowSecurity>,
    },
    /// A kept policy's roles, `USING` and `WITH CHECK`, altered in place
    /// (`ALTER POLICY`); `guarded` as for [`Object::Policy`].
    ///
    /// [`Object::Policy`]: super::Object::Policy
    Policy {
        table: QualifiedName,
        name: String,
        /// Whether it is permissive: who gains and who loses by a change
        /// of its roles depends on it.
        permissive: bool,
        #[serde(flatten)]
        rules: Delta<PolicyRules>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        guarded: bool,
    },
    /// `GRANT` and `REVOKE` on a compared object: its grants to others
    /// than its owner, before and after. On a table, `columns` holds its
    /// columns' grants as they stand (the same before and after): a
    /// table-level `REVOKE` takes the privilege from every column too, so
    /// what a column had is granted again.
    Privileges {
        on: ObjectKey,
        #[serde(flatten)]
        grants: Delta<Vec<Grant>>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        columns: BTreeMap<String, Vec<Grant>>,
    },
    ExtensionVersion {
        name: String,
        #[serde(flatten)]
        version: Delta<Option<String>>,
    },
    ExtensionSchema {
        name: String,
        #[serde(flatten)]
        schema: Delta<String>,
    },
    SequenceSettings {
        name: QualifiedName,
        #[serde(flatten)]
        settings: Delta<SequenceSettings>,
    },
    SequenceOwner {
        name: QualifiedName,
        #[serde(flatten)]
        owner: Delta<Option<SequenceOwner>>,
    },
    TriggerEnabled {
        table: QualifiedName,
        name: String,
        #[serde(flatten)]
        enabled: Delta<TriggerEnabled>,
    },
    DomainDefault {
        domain: QualifiedName,
        #[serde(flatten)]
        default: Delta<Option<String>>,
    },
    /// `users`: as for a domain check, the tables PostgreSQL reads when
    /// NOT NULL is set.
    DomainNotNull {
        domain: QualifiedName,
        #[serde(flatten)]
        not_null: Delta<bool>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        users: Vec<QualifiedName>,
    },
    AttributeType {
        composite: QualifiedName,
        attribute: String,
        #[serde(flatten)]
        ty: Delta<AttributeType>,
    },
}

/// What a column's type change sets: the type, the collation, and the
/// default around it (a default may not survive the new type as it was).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnType {
    #[serde(rename = "type")]
    pub ty: SqlType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// A sequence's type and options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceSettings {
    #[serde(rename = "type")]
    pub ty: SqlType,
    #[serde(flatten)]
    pub options: SequenceOptions,
}

/// A composite type attribute's type and collation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeType {
    #[serde(rename = "type")]
    pub ty: SqlType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
}

/// Swaps the delta of every variant: each alteration holds exactly one.
macro_rules! reversed {
    ($value:expr, $($variant:ident => $delta:ident),* $(,)?) => {
        match $value {
            $(Alter::$variant { $delta, .. } => $delta.reverse(),)*
        }
    };
}

impl Alter {
    /// The alteration back.
    pub fn reversed(mut self) -> Alter {
        reversed!(&mut self,
            ColumnType => ty,
            Nullable => nullable,
            NotNullState => state,
            ConstraintValid => valid,
            Default => default,
            Identity => identity,
            Serial => serial,
            ColumnSequence => sequence,
            Comment => text,
            Unlogged => unlogged,
            TableStorage => storage,
            ReplicaIdentity => identity,
            PartitionOf => partition_of,
            IndexCopies => names,
            Inherit => inherits,
            CopyRows => rows,
            RowSecurity => security,
            Policy => rules,
            Privileges => grants,
            ExtensionVersion => version,
            ExtensionSchema => schema,
            SequenceSettings => settings,
            SequenceOwner => owner,
            TriggerEnabled => enabled,
            DomainDefault => default,
            DomainNotNull => not_null,
            AttributeType => ty,
        );
        self
    }

    /// The object whose property changes.
    pub fn key(&self) -> ObjectKey {
        match self {
            Alter::ColumnType { table, column, .. }
            | Alter::Nullable { table, column, .. }
            | Alter::NotNullState { table, column, .. }
            | Alter::Default { table, column, .. }
            | Alter::Identity { table, column, .. }
            | Alter::Serial { table, column, .. }
            | Alter::ColumnSequence { table, column, .. } => ObjectKey::column(table, column),
            Alter::Comment { on, .. } | Alter::Privileges { on, .. } => on.clone(),
            Alter::Unlogged { table, .. }
            | Alter::TableStorage { table, .. }
            | Alter::ReplicaIdentity { table, .. }
            | Alter::PartitionOf { table, .. }
            | Alter::IndexCopies { table, .. }
            | Alter::Inherit { table, .. }
            | Alter::RowSecurity { table, .. } => ObjectKey::table(table),
            Alter::CopyRows { rows } => ObjectKey::table(&rows.to.table),
            Alter::Policy { table, name, .. } => ObjectKey::Policy {
                table: table.clone(),
                name: name.clone(),
            },
            Alter::ConstraintValid {
                table, constraint, ..
            } => ObjectKey::constraint(table, constraint.name()),
            Alter::ExtensionVersion { name, .. } | Alter::ExtensionSchema { name, .. } => {
                ObjectKey::Extension { name: name.clone() }
            }
            Alter::SequenceSettings { name, .. } | Alter::SequenceOwner { name, .. } => {
                ObjectKey::Sequence { name: name.clone() }
            }
            Alter::TriggerEnabled { table, name, .. } => ObjectKey::Trigger {
                table: table.clone(),
                name: name.clone(),
            },
            Alter::DomainDefault { domain, .. } | Alter::DomainNotNull { domain, .. } => {
                ObjectKey::Domain {
                    name: domain.clone(),
                }
            }
            Alter::AttributeType {
                composite,
                attribute,
                ..
            } => ObjectKey::column(composite, attribute),
        }
    }
}

/// A check or a foreign key whose validity changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidatedConstraint {
    Check(Check),
    ForeignKey(ForeignKey),
}

impl ValidatedConstraint {
    pub fn name(&self) -> &str {
        match self {
            ValidatedConstraint::Check(c) => &c.name,
            ValidatedConstraint::ForeignKey(f) => &f.name,
        }
    }

    pub fn comment(&self) -> &Option<String> {
        match self {
            ValidatedConstraint::Check(c) => &c.comment,
            ValidatedConstraint::ForeignKey(f) => &f.comment,
        }
    }

    /// The definition, `NOT VALID` as `valid` says.
    pub fn with_valid(&self, valid: bool) -> ValidatedConstraint {
        match self {
            ValidatedConstraint::Check(c) => ValidatedConstraint::Check(Check {
                not_valid: !valid,
                ..c.clone()
            }),
            ValidatedConstraint::ForeignKey(f) => ValidatedConstraint::ForeignKey(ForeignKey {
                not_valid: !valid,
                ..f.clone()
            }),
        }
    }
}

/// A column's NOT NULL as PostgreSQL 18 tells its states apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotNull {
    /// The column is nullable.
    Absent,
    /// A NOT NULL constraint added `NOT VALID`, by name: new rows are
    /// checked, the rows present are not proven.
    NotValid(String),
    /// NOT NULL, proven.
    Valid,
}

impl NotNull {
    pub fn of(column: &Column) -> NotNull {
        match (&column.not_null_not_valid, column.nullable) {
            (_, true) => NotNull::Absent,
            (Some(name), false) => NotNull::NotValid(name.clone()),
            (None, false) => NotNull::Valid,
        }
    }
}
