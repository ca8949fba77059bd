//! Sequences that stand on their own (`CREATE SEQUENCE`), or are owned by a
//! column without feeding it. The sequence behind a serial or identity
//! column belongs to the column ([`crate::Column::sequence`]).

use serde::{Deserialize, Serialize};

use crate::{QualifiedName, SqlType};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub name: QualifiedName,
    /// `smallint`, `integer` or `bigint`.
    #[serde(rename = "type")]
    pub ty: SqlType,
    #[serde(flatten)]
    pub options: SequenceOptions,
    /// `OWNED BY table.column`: dropped with the column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<SequenceOwner>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Rename hint from a SQL file: the sequence's previous name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<QualifiedName>,
}

/// What `ALTER SEQUENCE` sets; `last_value` is data, never compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceOptions {
    pub start: i64,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub cache: i64,
    #[serde(default)]
    pub cycle: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SequenceOwner {
    pub table: QualifiedName,
    pub column: String,
}

impl SequenceOptions {
    /// PostgreSQL's defaults for an ascending sequence of type `ty`.
    pub fn defaults(ty: &SqlType) -> SequenceOptions {
        let max_value = match ty.as_str() {
            "smallint" => i64::from(i16::MAX),
            "integer" => i64::from(i32::MAX),
            _ => i64::MAX,
        };
        SequenceOptions {
            start: 1,
            increment: 1,
            min_value: 1,
            max_value,
            cache: 1,
            cycle: false,
        }
    }
}
