//! Triggers, keyed by their table (or view) and name.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{FunctionKey, QualifiedName, quote_ident};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TriggerKey {
    pub table: QualifiedName,
    pub name: String,
}

impl fmt::Display for TriggerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", quote_ident(&self.name), self.table)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// The table or view it is on.
    pub table: QualifiedName,
    pub name: String,
    /// The whole `CREATE TRIGGER` statement as `pg_get_triggerdef` prints
    /// it (which says nothing of `enabled`).
    pub definition: String,
    /// The function it executes.
    pub function: FunctionKey,
    #[serde(default, skip_serializing_if = "TriggerEnabled::is_default")]
    pub enabled: TriggerEnabled,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Rename hint from a SQL file: the trigger's previous name on the
    /// same table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
}

/// `tgenabled`: when the trigger fires.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEnabled {
    /// `O`: in origin and local sessions (what `CREATE TRIGGER` gives).
    #[default]
    Origin,
    /// `D`: `DISABLE TRIGGER`.
    Disabled,
    /// `R`: `ENABLE REPLICA TRIGGER`.
    Replica,
    /// `A`: `ENABLE ALWAYS TRIGGER`.
    Always,
}

impl TriggerEnabled {
    pub fn is_default(&self) -> bool {
        *self == TriggerEnabled::Origin
    }

    /// The `ALTER TABLE` action that sets it (`ENABLE TRIGGER`, ...).
    pub fn action(&self) -> &'static str {
        match self {
            TriggerEnabled::Origin => "ENABLE TRIGGER",
            TriggerEnabled::Disabled => "DISABLE TRIGGER",
            TriggerEnabled::Replica => "ENABLE REPLICA TRIGGER",
            TriggerEnabled::Always => "ENABLE ALWAYS TRIGGER",
        }
    }
}

impl Trigger {
    pub fn key(&self) -> TriggerKey {
        TriggerKey {
            table: self.table.clone(),
            name: self.name.clone(),
        }
    }
}
