//! Declarative partitioning: a partitioned table's key, and a partition's
//! place under its parent.
//!
//! A partition is a [`crate::Table`] whose `partition_of` is set. Its
//! columns are its parent's (PostgreSQL allows no other), so the IR keeps
//! none for it, and what it inherits from the parent (indexes, keys,
//! checks, foreign keys, row triggers) is the parent's: only what the
//! partition holds of its own is kept on it.

use serde::{Deserialize, Serialize};

use crate::QualifiedName;

/// `CREATE TABLE name PARTITION OF parent <bound>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PartitionOf {
    pub parent: QualifiedName,
    /// As `pg_get_expr(relpartbound)` prints it: `FOR VALUES FROM ('2024-01-01')
    /// TO ('2025-01-01')`, `FOR VALUES IN (1, 2)`, `FOR VALUES WITH
    /// (modulus 4, remainder 0)` or `DEFAULT`.
    pub bound: String,
}

impl PartitionOf {
    pub fn is_default(&self) -> bool {
        self.bound == "DEFAULT"
    }
}
