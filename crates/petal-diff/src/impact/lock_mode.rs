//! PostgreSQL's eight table lock modes and their conflict table.

use std::fmt;

use serde::{Deserialize, Serialize};

/// PostgreSQL's table lock modes, weakest first (the order of its lock
/// conflict table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LockMode {
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

impl LockMode {
    pub const ALL: [LockMode; 8] = [
        LockMode::AccessShare,
        LockMode::RowShare,
        LockMode::RowExclusive,
        LockMode::ShareUpdateExclusive,
        LockMode::Share,
        LockMode::ShareRowExclusive,
        LockMode::Exclusive,
        LockMode::AccessExclusive,
    ];

    /// The mode as `pg_locks.mode` names it (`AccessExclusiveLock`).
    pub fn from_pg_locks(mode: &str) -> Option<LockMode> {
        LockMode::ALL
            .into_iter()
            .find(|m| m.pg_locks_name() == mode)
    }

    pub fn pg_locks_name(self) -> &'static str {
        match self {
            LockMode::AccessShare => "AccessShareLock",
            LockMode::RowShare => "RowShareLock",
            LockMode::RowExclusive => "RowExclusiveLock",
            LockMode::ShareUpdateExclusive => "ShareUpdateExclusiveLock",
            LockMode::Share => "ShareLock",
            LockMode::ShareRowExclusive => "ShareRowExclusiveLock",
            LockMode::Exclusive => "ExclusiveLock",
            LockMode::AccessExclusive => "AccessExclusiveLock",
        }
    }

    /// PostgreSQL's lock conflict table ("Conflicting Lock Modes").
    pub fn conflicts_with(self, other: LockMode) -> bool {
        use LockMode::*;
        let (weak, strong) = if self <= other {
            (self, other)
        } else {
            (other, self)
        };
        match strong {
            AccessExclusive => true,
            Exclusive => weak >= RowShare,
            ShareRowExclusive => weak >= RowExclusive,
            Share => weak == RowExclusive || weak == ShareUpdateExclusive,
            ShareUpdateExclusive => weak == ShareUpdateExclusive,
            RowExclusive | RowShare | AccessShare => false,
        }
    }

    /// Whether a `SELECT` waits for it.
    pub fn blocks_reads(self) -> bool {
        self.conflicts_with(LockMode::AccessShare)
    }

    /// Whether an `INSERT`, `UPDATE` or `DELETE` waits for it.
    pub fn blocks_writes(self) -> bool {
        self.conflicts_with(LockMode::RowExclusive)
    }

    /// Whether a label keeps it: it makes someone wait besides DDL and
    /// `VACUUM`'s equals.
    pub fn is_labelled(self) -> bool {
        self >= LockMode::ShareUpdateExclusive
    }

    pub(super) fn what_waits(self) -> &'static str {
        if self.blocks_reads() {
            "blocks reads and writes"
        } else if self.blocks_writes() {
            "blocks writes"
        } else {
            "reads and writes go on"
        }
    }
}

impl fmt::Display for LockMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LockMode::AccessShare => "ACCESS SHARE",
            LockMode::RowShare => "ROW SHARE",
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::Exclusive => "EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        })
    }
}
