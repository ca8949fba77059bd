//! The convergence property, on a real PostgreSQL: for random pairs of
//! schemas (A, B), each first built on a fresh database so both are in the
//! server's canonical form, with a few rows in every table of A:
//!
//! - applying petal's up SQL turns A into B (introspected, modulo column
//!   order), and columns that exist on both sides keep their values;
//! - applying the down SQL turns it back into A.
//!
//! A change that cannot apply to the rows present (SET NOT NULL over NULLs,
//! a unique constraint over duplicates, ...) must be flagged in its notes:
//! such a failure passes only when petal warned of it, and the case is then
//! checked again on empty tables. `PETAL_PROPTEST_CASES` sets the number of
//! cases (200 by default); a failure prints both schemas as SQL.

mod common;
mod support;

use petal_ir::arbitrary::database_pair;
use proptest::prelude::*;
use support::{Outcome, converge};

proptest! {
    #![proptest_config(common::config(1, 200))]

    #[test]
    fn up_and_down_converge_on_postgres((a, b) in database_pair()) {
        let runtime = common::runtime()?;
        match runtime.block_on(converge(&a, &b)) {
            Outcome::Converged | Outcome::FlaggedAndConvergedEmpty => {}
            Outcome::Failed(report) => return Err(TestCaseError::fail(report)),
        }
    }
}
