//! What each change risks, in words a reviewer reads over the statement.

use std::fmt;

use petal_ir::{Column, Identity, quote_literal};
use serde::{Deserialize, Serialize};

use crate::casts::{TypeChangeRisk, type_change_risk};
use crate::change::Change;
use crate::names::is_user_type;

/// How much a change can hurt a live database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Safety {
    Safe,
    /// Rewrites the table, scans it under a lock, or blocks writes on an
    /// existing table while it runs.
    Locks,
    /// Loses or alters data.
    Destructive,
}

impl fmt::Display for Safety {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Safety::Safe => "safe",
            Safety::Locks => "locks",
            Safety::Destructive => "destructive",
        })
    }
}

/// Functions whose default makes `ADD COLUMN` rewrite the table (a volatile
/// default is computed per row).
const VOLATILE: &[&str] = &[
    "nextval(",
    "random(",
    "gen_random_uuid(",
    "uuid_generate_",
    "clock_timestamp(",
    "timeofday(",
];

fn rewrites_on_add(column: &Column) -> bool {
    column.serial
        || column.identity.is_some()
        || column.generated.is_some()
        || column
            .default
            .as_deref()
            .is_some_and(|d| VOLATILE.iter().any(|f| d.contains(f)))
}

impl Change {
    pub fn safety(&self) -> Safety {
        use Change::*;
        match self {
            DropTable { .. } | DropColumn { .. } => Safety::Destructive,
            RecreateEnum {
                from_labels,
                to_labels,
                columns,
                ..
            } => {
                let removes = from_labels.iter().any(|l| !to_labels.contains(l));
                match (columns.is_empty(), removes) {
                    (true, _) => Safety::Safe,
                    (false, true) => Safety::Destructive,
                    (false, false) => Safety::Locks,
                }
            }
            AlterColumnType {
                from,
                to,
                from_collation,
                to_collation,
                ..
            } => {
                let enums = (is_user_type(from), is_user_type(to));
                match type_change_risk(from, to, enums) {
                    TypeChangeRisk::Lossy => Safety::Destructive,
                    TypeChangeRisk::Rewrite => Safety::Locks,
                    TypeChangeRisk::MetadataOnly if from_collation != to_collation => Safety::Locks,
                    TypeChangeRisk::MetadataOnly => Safety::Safe,
                }
            }
            AddColumn { column, .. } if rewrites_on_add(column) => Safety::Locks,
            SetNullable {
                nullable: false, ..
            } => Safety::Locks,
            SetIdentity { from: None, .. } | SetSerial { serial: true, .. } => Safety::Locks,
            AddPrimaryKey { .. } | AddUnique { .. } | AddCheck { .. } | CreateIndex { .. } => {
                Safety::Locks
            }
            AddForeignKey { new_table, .. } => {
                if *new_table {
                    Safety::Safe
                } else {
                    Safety::Locks
                }
            }
            _ => Safety::Safe,
        }
    }

    /// One line saying what the change does, with qualified names.
    pub fn description(&self) -> String {
        use Change::*;
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_string());
        match self {
            CreateSchema { name } => format!("create schema {name}"),
            DropSchema { name } => format!("drop schema {name}"),
            CreateEnum { enum_type } => format!(
                "create enum type {} ({})",
                enum_type.name,
                labels(&enum_type.labels)
            ),
            DropEnum { enum_type } => format!("drop enum type {}", enum_type.name),
            RenameEnum { from, to } => format!("rename enum type {from} to {to}"),
            AddEnumLabel {
                name,
                labels,
                label,
                index,
                ..
            } => {
                let place = match labels.get(*index) {
                    Some(next) => format!("before {}", quote_literal(next)),
                    None => "at the end".to_string(),
                };
                format!(
                    "add label {} to enum type {name} {place}",
                    quote_literal(label)
                )
            }
            RenameEnumLabel { name, from, to } => format!(
                "rename label {} of enum type {name} to {}",
                quote_literal(from),
                quote_literal(to)
            ),
            RecreateEnum {
                name,
                from_labels,
                to_labels,
                columns,
                ..
            } => {
                let removed = removed_labels(from_labels, to_labels);
                let mut text = format!("recreate enum type {name} as ({})", labels(to_labels));
                if !removed.is_empty() {
                    text.push_str(&format!(", removing {}", labels(&removed)));
                }
                if !columns.is_empty() {
                    let list: Vec<String> = columns
                        .iter()
                        .map(|c| format!("{}.{}", c.table, c.column))
                        .collect();
                    text.push_str(&format!("; converts {}", list.join(", ")));
                }
                text
            }
            SetEnumComment { name, to, .. } => format!("comment on enum type {name}: {}", opt(to)),
            CreateTable { table } => format!(
                "create table {} ({} columns)",
                table.name,
                table.columns.len()
            ),
            DropTable { table } => format!("drop table {} and all its rows", table.name),
            RenameTable { from, to } => format!("rename table {from} to {to}"),
            AddColumn { table, column } => {
                format!(
                    "add column {table}.{} {}",
                    column.name,
                    column_summary(column)
                )
            }
            DropColumn { table, column } => format!(
                "drop column {table}.{} ({}) and its data",
                column.name, column.ty
            ),
            RenameColumn { table, from, to } => format!("rename column {table}.{from} to {to}"),
            AlterColumnType {
                table,
                column,
                from,
                to,
                ..
            } => format!("change type of {table}.{column} from {from} to {to}"),
            SetNullable {
                table,
                column,
                nullable,
            } => {
                if *nullable {
                    format!("drop NOT NULL on {table}.{column}")
                } else {
                    format!("set NOT NULL on {table}.{column}")
                }
            }
            SetDefault {
                table, column, to, ..
            } => match to {
                Some(d) => format!("set default of {table}.{column} to {d}"),
                None => format!("drop default of {table}.{column}"),
            },
            SetIdentity {
                table, column, to, ..
            } => match to {
                Some(i) => format!("make {table}.{column} {}", identity_sql(*i)),
                None => format!("drop identity of {table}.{column}"),
            },
            SetSerial {
                table,
                column,
                serial,
                ..
            } => {
                if *serial {
                    format!("make {table}.{column} serial (owned sequence feeding its default)")
                } else {
                    format!("make {table}.{column} a plain column (drop its owned sequence)")
                }
            }
            SetTableComment { table, to, .. } => format!("comment on table {table}: {}", opt(to)),
            SetColumnComment {
                table, column, to, ..
            } => format!("comment on column {table}.{column}: {}", opt(to)),
            AddPrimaryKey { table, primary_key } => format!(
                "add primary key {} on {table} ({})",
                primary_key.name,
                primary_key.columns.join(", ")
            ),
            DropPrimaryKey { table, primary_key } => {
                format!("drop primary key {} of {table}", primary_key.name)
            }
            AddUnique { table, unique } => format!(
                "add unique constraint {} on {table} ({})",
                unique.name,
                unique.columns.join(", ")
            ),
            DropUnique { table, unique } => {
                format!("drop unique constraint {} of {table}", unique.name)
            }
            AddCheck { table, check } => {
                format!(
                    "add check constraint {} on {table}: {}",
                    check.name, check.expr
                )
            }
            DropCheck { table, check } => {
                format!("drop check constraint {} of {table}", check.name)
            }
            AddForeignKey {
                table, foreign_key, ..
            } => format!(
                "add foreign key {} on {table} ({}) -> {} ({})",
                foreign_key.name,
                foreign_key.columns.join(", "),
                foreign_key.ref_table,
                foreign_key.ref_columns.join(", ")
            ),
            DropForeignKey {
                table, foreign_key, ..
            } => format!("drop foreign key {} of {table}", foreign_key.name),
            RenameConstraint { table, from, to } => {
                format!("rename constraint {from} of {table} to {to}")
            }
            CreateIndex { table, index } => format!(
                "create {}index {} on {table}",
                if index.unique { "unique " } else { "" },
                index.name
            ),
            DropIndex { table, index } => format!("drop index {} of {table}", index.name),
            RenameIndex { table, from, to } => format!("rename index {from} of {table} to {to}"),
            SetIndexComment {
                table, index, to, ..
            } => format!("comment on index {index} of {table}: {}", opt(to)),
        }
    }

    /// What can make the change fail on the rows present, or what it does
    /// to them that the statement does not show.
    pub fn notes(&self) -> Vec<String> {
        use Change::*;
        let mut notes = Vec::new();
        match self {
            AddColumn { column, .. } => {
                let filled = column.default.is_some()
                    || column.serial
                    || column.identity.is_some()
                    || column.generated.is_some();
                if !column.nullable && !filled {
                    notes.push(
                        "NOT NULL without a default: fails unless the table is empty".to_string(),
                    );
                }
                if rewrites_on_add(column) {
                    notes.push("fills every existing row: rewrites the table".to_string());
                }
            }
            SetNullable {
                nullable: false, ..
            } => notes.push("fails if any row holds NULL in this column".to_string()),
            AlterColumnType { from, to, .. } => {
                let enums = (is_user_type(from), is_user_type(to));
                match type_change_risk(from, to, enums) {
                    TypeChangeRisk::Lossy => notes.push(format!(
                        "{from} -> {to} can round, truncate or overflow values, or fail on \
                         values that do not convert"
                    )),
                    TypeChangeRisk::Rewrite => notes.push("rewrites the table".to_string()),
                    TypeChangeRisk::MetadataOnly => {}
                }
            }
            RecreateEnum {
                from_labels,
                to_labels,
                columns,
                ..
            } => {
                let removed = removed_labels(from_labels, to_labels);
                if !removed.is_empty() && !columns.is_empty() {
                    notes.push(format!(
                        "fails if any row still holds {}: update those rows first",
                        labels(&removed)
                    ));
                }
                if !columns.is_empty() {
                    notes.push("rewrites every table with a column of this type".to_string());
                }
            }
            AddPrimaryKey { .. } => {
                notes.push("fails if the columns hold duplicates or NULLs".to_string())
            }
            AddUnique { .. } => notes.push("fails if the columns hold duplicates".to_string()),
            CreateIndex { index, .. } if index.unique => {
                notes.push("fails if the keys hold duplicates".to_string());
                notes.push("blocks writes while the index builds".to_string());
            }
            CreateIndex { .. } => notes.push("blocks writes while the index builds".to_string()),
            AddCheck { .. } => notes.push("fails if any row violates the check".to_string()),
            AddForeignKey {
                new_table: false, ..
            } => notes.push(
                "fails if any row references a missing key; blocks writes on both tables while \
                 it validates"
                    .to_string(),
            ),
            SetIdentity { from: None, .. } | SetSerial { serial: true, .. } => notes.push(
                "the sequence starts after the largest value present, so existing rows keep \
                 theirs"
                    .to_string(),
            ),
            RenameTable { .. } | RenameColumn { .. } => notes.push(
                "code running against the old name breaks until it is deployed with the new one"
                    .to_string(),
            ),
            _ => {}
        }
        notes
    }
}

fn labels(labels: &[String]) -> String {
    labels
        .iter()
        .map(|l| quote_literal(l))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn identity_sql(identity: Identity) -> &'static str {
    match identity {
        Identity::Always => "GENERATED ALWAYS AS IDENTITY",
        Identity::ByDefault => "GENERATED BY DEFAULT AS IDENTITY",
    }
}

/// `integer NOT NULL DEFAULT 0`, as a column reads in a description.
fn column_summary(column: &Column) -> String {
    let mut text = column.ty.to_string();
    if column.serial {
        text.push_str(" serial");
    }
    if !column.nullable {
        text.push_str(" NOT NULL");
    }
    if let Some(d) = &column.default {
        text.push_str(&format!(" DEFAULT {d}"));
    }
    if let Some(i) = column.identity {
        text.push(' ');
        text.push_str(identity_sql(i));
    }
    text
}

/// The labels of `from` that `to` no longer has, in their order.
fn removed_labels(from: &[String], to: &[String]) -> Vec<String> {
    from.iter().filter(|l| !to.contains(l)).cloned().collect()
}
