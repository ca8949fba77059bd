//! The changes a migration is made of, and their inverses.
//!
//! Every change carries enough to be undone on its own: a drop carries the
//! whole object it drops, a rename both names, an alteration both values. The
//! down section of a migration is the inverse of each up change, in reverse
//! order.

use petal_ir::{
    Check, Column, EnumType, ForeignKey, Identity, Index, PrimaryKey, QualifiedName, SqlType,
    Table, Unique,
};
use serde::{Deserialize, Serialize};

/// One schema change. Names are those the objects have at the moment the
/// change runs (after earlier renames, before later ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    CreateSchema {
        name: String,
    },
    /// Drops an empty schema (what lived in it was dropped earlier).
    DropSchema {
        name: String,
    },
    CreateEnum {
        enum_type: EnumType,
    },
    DropEnum {
        enum_type: EnumType,
    },
    RenameEnum {
        from: QualifiedName,
        to: QualifiedName,
    },
    /// `ALTER TYPE ... ADD VALUE`: `label` lands at `index` of `labels`
    /// (`labels` are the labels before the addition). Its inverse recreates
    /// the type without it, converting `columns`.
    AddEnumLabel {
        name: QualifiedName,
        labels: Vec<String>,
        label: String,
        index: usize,
        columns: Vec<EnumColumn>,
        /// Foreign keys over `columns`, dropped and re-added around a
        /// recreation (both sides of a key must have the same type).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        foreign_keys: Vec<EnumForeignKey>,
        /// The type's comment, which its recreation must carry over.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    RenameEnumLabel {
        name: QualifiedName,
        from: String,
        to: String,
    },
    /// Replaces the type's labels wholesale (what removing or reordering a
    /// label takes): the old type is renamed away, the new one created, every
    /// column of the type converted through `text`, the old type dropped.
    RecreateEnum {
        name: QualifiedName,
        from_labels: Vec<String>,
        to_labels: Vec<String>,
        columns: Vec<EnumColumn>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        foreign_keys: Vec<EnumForeignKey>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    SetEnumComment {
        name: QualifiedName,
        from: Option<String>,
        to: Option<String>,
    },
    /// A table with its columns, primary key, uniques, checks, indexes and
    /// comments; never its foreign keys, which are separate changes so that
    /// tables referencing each other can be created.
    CreateTable {
        table: Table,
    },
    /// The inverse of [`Change::CreateTable`]: the table as it was, without
    /// foreign keys (dropped by earlier changes).
    DropTable {
        table: Table,
    },
    RenameTable {
        from: QualifiedName,
        to: QualifiedName,
    },
    AddColumn {
        table: QualifiedName,
        column: Column,
    },
    DropColumn {
        table: QualifiedName,
        column: Column,
    },
    RenameColumn {
        table: QualifiedName,
        from: String,
        to: String,
    },
    /// A type (or collation) change. The default is dropped before and set
    /// after when it changes or a `USING` cast is needed; `serial` says the
    /// column owns a sequence whose `AS` type follows the column's.
    AlterColumnType {
        table: QualifiedName,
        column: String,
        from: SqlType,
        to: SqlType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_collation: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_collation: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_before: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_after: Option<String>,
        #[serde(default)]
        serial: bool,
    },
    SetNullable {
        table: QualifiedName,
        column: String,
        nullable: bool,
    },
    SetDefault {
        table: QualifiedName,
        column: String,
        from: Option<String>,
        to: Option<String>,
    },
    SetIdentity {
        table: QualifiedName,
        column: String,
        from: Option<Identity>,
        to: Option<Identity>,
    },
    /// Makes an integer column serial (an owned sequence `AS ty` feeding its
    /// default) or plain again.
    SetSerial {
        table: QualifiedName,
        column: String,
        ty: SqlType,
        serial: bool,
    },
    SetTableComment {
        table: QualifiedName,
        from: Option<String>,
        to: Option<String>,
    },
    SetColumnComment {
        table: QualifiedName,
        column: String,
        from: Option<String>,
        to: Option<String>,
    },
    AddPrimaryKey {
        table: QualifiedName,
        primary_key: PrimaryKey,
    },
    DropPrimaryKey {
        table: QualifiedName,
        primary_key: PrimaryKey,
    },
    AddUnique {
        table: QualifiedName,
        unique: Unique,
    },
    DropUnique {
        table: QualifiedName,
        unique: Unique,
    },
    AddCheck {
        table: QualifiedName,
        check: Check,
    },
    DropCheck {
        table: QualifiedName,
        check: Check,
    },
    /// `new_table`: the table is created (or, for a drop, dropped) by the same
    /// migration, so the constraint locks nothing anyone uses.
    AddForeignKey {
        table: QualifiedName,
        foreign_key: ForeignKey,
        new_table: bool,
    },
    DropForeignKey {
        table: QualifiedName,
        foreign_key: ForeignKey,
        new_table: bool,
    },
    /// Renames a primary key, unique, check or foreign key constraint.
    RenameConstraint {
        table: QualifiedName,
        from: String,
        to: String,
    },
    CreateIndex {
        table: QualifiedName,
        index: Index,
    },
    DropIndex {
        table: QualifiedName,
        index: Index,
    },
    RenameIndex {
        table: QualifiedName,
        from: String,
        to: String,
    },
    SetIndexComment {
        table: QualifiedName,
        index: String,
        from: Option<String>,
        to: Option<String>,
    },
}

/// A column of an enum type that a type recreation converts, with its default
/// before and after (a default naming a removed label cannot survive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumColumn {
    pub table: QualifiedName,
    pub column: String,
    /// The column is an array of the enum.
    #[serde(default)]
    pub array: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_after: Option<String>,
}

/// A foreign key of `table` whose columns are of an enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumForeignKey {
    pub table: QualifiedName,
    pub foreign_key: ForeignKey,
}

impl EnumColumn {
    fn inverse(&self) -> EnumColumn {
        EnumColumn {
            default_before: self.default_after.clone(),
            default_after: self.default_before.clone(),
            ..self.clone()
        }
    }
}

impl Change {
    /// The change that undoes this one, applied to the state this one
    /// produced.
    pub fn inverse(&self) -> Change {
        use Change::*;
        match self.clone() {
            CreateSchema { name } => DropSchema { name },
            DropSchema { name } => CreateSchema { name },
            CreateEnum { enum_type } => DropEnum { enum_type },
            DropEnum { enum_type } => CreateEnum { enum_type },
            RenameEnum { from, to } => RenameEnum { from: to, to: from },
            AddEnumLabel {
                name,
                labels,
                label,
                index,
                columns,
                foreign_keys,
                comment,
            } => {
                let mut with = labels.clone();
                with.insert(index.min(with.len()), label);
                RecreateEnum {
                    name,
                    from_labels: with,
                    to_labels: labels,
                    columns: columns.iter().map(EnumColumn::inverse).collect(),
                    foreign_keys,
                    comment,
                }
            }
            RenameEnumLabel { name, from, to } => RenameEnumLabel {
                name,
                from: to,
                to: from,
            },
            RecreateEnum {
                name,
                from_labels,
                to_labels,
                columns,
                foreign_keys,
                comment,
            } => RecreateEnum {
                name,
                from_labels: to_labels,
                to_labels: from_labels,
                columns: columns.iter().map(EnumColumn::inverse).collect(),
                foreign_keys,
                comment,
            },
            SetEnumComment { name, from, to } => SetEnumComment {
                name,
                from: to,
                to: from,
            },
            CreateTable { table } => DropTable { table },
            DropTable { table } => CreateTable { table },
            RenameTable { from, to } => RenameTable { from: to, to: from },
            AddColumn { table, column } => DropColumn { table, column },
            DropColumn { table, column } => AddColumn { table, column },
            RenameColumn { table, from, to } => RenameColumn {
                table,
                from: to,
                to: from,
            },
            AlterColumnType {
                table,
                column,
                from,
                to,
                from_collation,
                to_collation,
                default_before,
                default_after,
                serial,
            } => AlterColumnType {
                table,
                column,
                from: to,
                to: from,
                from_collation: to_collation,
                to_collation: from_collation,
                default_before: default_after,
                default_after: default_before,
                serial,
            },
            SetNullable {
                table,
                column,
                nullable,
            } => SetNullable {
                table,
                column,
                nullable: !nullable,
            },
            SetDefault {
                table,
                column,
                from,
                to,
            } => SetDefault {
                table,
                column,
                from: to,
                to: from,
            },
            SetIdentity {
                table,
                column,
                from,
                to,
            } => SetIdentity {
                table,
                column,
                from: to,
                to: from,
            },
            SetSerial {
                table,
                column,
                ty,
                serial,
            } => SetSerial {
                table,
                column,
                ty,
                serial: !serial,
            },
            SetTableComment { table, from, to } => SetTableComment {
                table,
                from: to,
                to: from,
            },
            SetColumnComment {
                table,
                column,
                from,
                to,
            } => SetColumnComment {
                table,
                column,
                from: to,
                to: from,
            },
            AddPrimaryKey { table, primary_key } => DropPrimaryKey { table, primary_key },
            DropPrimaryKey { table, primary_key } => AddPrimaryKey { table, primary_key },
            AddUnique { table, unique } => DropUnique { table, unique },
            DropUnique { table, unique } => AddUnique { table, unique },
            AddCheck { table, check } => DropCheck { table, check },
            DropCheck { table, check } => AddCheck { table, check },
            AddForeignKey {
                table,
                foreign_key,
                new_table,
            } => DropForeignKey {
                table,
                foreign_key,
                new_table,
            },
            DropForeignKey {
                table,
                foreign_key,
                new_table,
            } => AddForeignKey {
                table,
                foreign_key,
                new_table,
            },
            RenameConstraint { table, from, to } => RenameConstraint {
                table,
                from: to,
                to: from,
            },
            CreateIndex { table, index } => DropIndex { table, index },
            DropIndex { table, index } => CreateIndex { table, index },
            RenameIndex { table, from, to } => RenameIndex {
                table,
                from: to,
                to: from,
            },
            SetIndexComment {
                table,
                index,
                from,
                to,
            } => SetIndexComment {
                table,
                index,
                from: to,
                to: from,
            },
        }
    }
}

/// The down list of an up list: each change's inverse, in reverse order.
pub fn inverse_all(changes: &[Change]) -> Vec<Change> {
    changes.iter().rev().map(Change::inverse).collect()
}
