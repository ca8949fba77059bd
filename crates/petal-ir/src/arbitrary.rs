//! proptest strategies for valid IRs, and for pairs of IRs where the second
//! is the first after random model edits (feature `arbitrary`).
//!
//! Everything generated is a schema PostgreSQL 13+ accepts and prints back
//! identically: types in `format_type` spelling, defaults and check
//! expressions as `pg_get_expr` prints them (`'x'::text`, `42`,
//! `(price >= (0)::double precision)`), constraint and index names as
//! PostgreSQL would choose them ([`crate::naming::Namespace`]). Identifiers
//! include capitals, spaces, Cyrillic and keywords, comments include quotes.
//!
//! A strategy draws one seed and builds the schema from it with a small
//! deterministic generator: shrinking is not useful here, reproducing a
//! failure is (proptest prints the seed).

mod build;
mod collations;
mod depends;
mod domains;
mod exclusions;
mod extensions;
mod functions;
mod index_copies;
mod inheritance;
mod mutate;
mod mutate_objects;
mod objects;
mod partition_defaults;
mod partitions;
mod policies;
pub use policies::ROLES as POLICY_ROLES;
mod privileges;
mod sequences;
mod settle;
mod spell;
mod stand_alone;
mod table_options;
mod triggers;
mod types;
mod uses;
mod view_edits;
mod views;

use proptest::prelude::*;

use crate::Database;

pub use build::build_tables_and_enums;
pub use mutate::mutate_tables_and_enums;
pub use objects::{build_database, mutate};

/// A small deterministic random source (splitmix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A second stream derived from this one's state without advancing
    /// it. Kinds added to the generator later draw from it, so that the
    /// first stream's draws, and the cases a fixed seed gives (CI's), stay
    /// what they were.
    pub fn side(&self) -> Rng {
        Rng(self.0 ^ 0xD1B5_4A32_D192_ED03)
    }

    /// A second stream apart from both: for kinds added after [`side`]'s
    /// (row-level security), which must not shift its draws either.
    ///
    /// [`side`]: Rng::side
    pub fn other_side(&self) -> Rng {
        Rng(self.0 ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// A third stream, for the compared privileges (added after
    /// [`other_side`]'s kinds).
    ///
    /// [`other_side`]: Rng::other_side
    pub fn third_side(&self) -> Rng {
        Rng(self.0 ^ 0x94D0_49BB_1331_11EB)
    }

    /// A fourth stream, for the collations (added after [`third_side`]'s
    /// kinds).
    ///
    /// [`third_side`]: Rng::third_side
    pub fn fourth_side(&self) -> Rng {
        Rng(self.0 ^ 0xBF58_476D_1CE4_E5B9)
    }

    /// A fifth stream, for inheritance children (added after
    /// [`fourth_side`]'s kinds).
    ///
    /// [`fourth_side`]: Rng::fourth_side
    pub fn fifth_side(&self) -> Rng {
        Rng(self.0 ^ 0x2545_F491_4F6C_DD1D)
    }

    /// A sixth stream, for tables made partitioned by an edit (added after
    /// [`fifth_side`]'s kinds).
    ///
    /// [`fifth_side`]: Rng::fifth_side
    pub fn sixth_side(&self) -> Rng {
        Rng(self.0 ^ 0x94D0_49BB_1331_11EB)
    }

    /// A seventh stream, for partitions made tables of their own and
    /// tables made partitions by an edit (added after [`sixth_side`]'s
    /// kinds).
    ///
    /// [`sixth_side`]: Rng::sixth_side
    pub fn seventh_side(&self) -> Rng {
        Rng(self.0 ^ 0xD6E8_FEB8_6659_FD93)
    }

    /// An eighth stream, for partitioned tables made plain by an edit
    /// (added after [`seventh_side`]'s kinds).
    ///
    /// [`seventh_side`]: Rng::seventh_side
    pub fn eighth_side(&self) -> Rng {
        Rng(self.0 ^ 0xA076_1D64_78BD_642F)
    }

    /// A ninth stream, for partitions' own column defaults in a built
    /// database (added after [`eighth_side`]'s kinds).
    ///
    /// [`eighth_side`]: Rng::eighth_side
    pub fn ninth_side(&self) -> Rng {
        Rng(self.0 ^ 0xE703_7ED1_A0B4_28DB)
    }

    /// A tenth stream, for the names of partitions' copies of their
    /// parents' indexes (added after [`ninth_side`]'s kinds).
    ///
    /// [`ninth_side`]: Rng::ninth_side
    pub fn tenth_side(&self) -> Rng {
        Rng(self.0 ^ 0x8EBC_6AF0_9C88_C6E3)
    }

    /// An eleventh stream, for kept tables made inheritance children or
    /// no longer (added after [`tenth_side`]'s kinds).
    ///
    /// [`tenth_side`]: Rng::tenth_side
    pub fn eleventh_side(&self) -> Rng {
        Rng(self.0 ^ 0x5851_F42D_4C95_7F2D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len()))
        }
    }
}

/// A valid database of tables and enum types: 1–3 schemas, enum types,
/// tables of many column types, keys, checks, foreign keys (cycles and
/// multi-column ones included), indexes, comments. What the models carry,
/// and all the engine's tests read until introspection reads the other
/// kinds.
pub fn database() -> impl Strategy<Value = Database> {
    any::<u64>().prop_map(|seed| build_tables_and_enums(&mut Rng::new(seed)))
}

/// A database of tables and enum types and the same database after one
/// to five random edits (with rename hints where an edit is a rename, as
/// models carry them).
pub fn database_pair() -> impl Strategy<Value = (Database, Database)> {
    any::<u64>().prop_map(|seed| {
        let mut rng = Rng::new(seed);
        let before = build_tables_and_enums(&mut rng);
        let edits = 1 + rng.below(5);
        let after = mutate_tables_and_enums(&before, &mut rng, edits);
        (before, after)
    })
}

/// A valid database with some of every kind: tables and enum types as
/// [`database`] makes them, and extensions, sequences, domains, composite
/// and range types, functions, views over tables and views, triggers, and
/// their uses (columns of those types, defaults, checks and indexes
/// calling functions), with the dependency edges the server would record.
pub fn whole_database() -> impl Strategy<Value = Database> {
    any::<u64>().prop_map(|seed| build_database(&mut Rng::new(seed)))
}

/// A whole database and the same database after one to five random edits
/// of every kind, rename hints included; what reads an edited object
/// follows it, so both sides are databases the server accepts.
pub fn whole_database_pair() -> impl Strategy<Value = (Database, Database)> {
    any::<u64>().prop_map(|seed| {
        let mut rng = Rng::new(seed);
        let before = build_database(&mut rng);
        let edits = 1 + rng.below(5);
        let after = mutate(&before, &mut rng, edits);
        (before, after)
    })
}
