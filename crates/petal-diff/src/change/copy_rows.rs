//! The rows of a table recreated with them (`--allow-recreate TABLE`):
//! PostgreSQL cannot make a table partitioned, or not, or a partition, in
//! place, so the old table is renamed aside, the new one created under
//! its name, and the rows copied from one to the other before the old
//! one is dropped. This is the copy; its inverse copies them back.

use petal_ir::{QualifiedName, SqlType};
use serde::{Deserialize, Serialize};

use super::{Delta, RowSecurity};
use crate::classify::{Review, Safety};

/// One side of a copy: the table read (`from`) or written (`to`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowSide {
    pub table: QualifiedName,
    /// The columns read or written, paired by position with the other
    /// side's.
    pub columns: Vec<String>,
    /// Each column's type on this side, by position: a value read is cast
    /// to the written column's where they differ.
    pub types: Vec<SqlType>,
    /// Each column's owned sequence (serial or identity) on this side, by
    /// position: the written side's takes up where the read side's was.
    pub sequences: Vec<Option<QualifiedName>>,
    /// Whether those sequences are a partitioned table's above this one
    /// (a table made a partition), which its other partitions' rows use:
    /// moved forward past the copied values, never back.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shared_sequences: bool,
    /// Whether a written column is `GENERATED ALWAYS AS IDENTITY`: the
    /// insert says `OVERRIDING SYSTEM VALUE` to keep the rows' values.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub always_identity: bool,
    /// The table's columns left out: read side, their values are lost
    /// with the old table; written side, they take their defaults.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_copied: Vec<String>,
    /// Whether the grants on the table are carried to the other: when
    /// privileges are not compared, petal knows none of them, and the new
    /// table would have its owner's alone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub carry_grants: bool,
    /// The table's row-level security as it is wanted: off on both while
    /// the rows move (forced, it would hide every row from the read, with
    /// the policies gone, or refuse the writes), on again after on the
    /// table written.
    #[serde(default, skip_serializing_if = "RowSecurity::is_off")]
    pub row_security: RowSecurity,
}

/// The review of the rows of `rows.from`'s table (every partition below
/// it included) inserted into `rows.to`'s.
pub(super) fn review(rows: &Delta<RowSide>) -> Review {
    let (from, to) = (&rows.from, &rows.to);
    let description = format!(
        "copy every row of {} into {}: a table recreated with its rows (--allow-recreate)",
        from.table, to.table
    );
    let review = if from.not_copied.is_empty() {
        Review::new(description, Safety::Locks)
    } else {
        Review::new(description, Safety::Destructive).note(format!(
            "the values of {} are not copied: no column of the new table takes them",
            from.not_copied.join(", ")
        ))
    };
    let review = review
        .note(format!(
            "locks {} ACCESS EXCLUSIVE and reads every row; both tables stay locked until the \
             migration commits: readers and writers wait",
            from.table
        ))
        .note(
            "fails, and the migration with it, if a row does not fit the new table: NULL in a \
             column now NOT NULL, a duplicate of a new key, a value no partition takes, a \
             check it breaks",
        );
    let review = if to.not_copied.is_empty() {
        review
    } else {
        review.note(format!(
            "each row takes the default of {}",
            to.not_copied.join(", ")
        ))
    };
    let review = review.note(format!("{} is given {}'s owner", to.table, from.table));
    let review = if from.row_security.is_off() && to.row_security.is_off() {
        review
    } else {
        review.note("row-level security is off on both tables while the rows move")
    };
    if to.carry_grants {
        review.note(format!(
            "the grants on {} (on its copied columns, on its owned sequences) are given again \
             on {}",
            from.table, to.table
        ))
    } else {
        review
    }
}
