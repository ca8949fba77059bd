//! The SQL files beside the models: what a service's schema holds besides
//! tables and enum types (views, materialized views, functions,
//! procedures, aggregates, triggers, extensions, sequences, domains,
//! composite and range types, schemas, policies, comments), declared in
//! plain SQL.
//!
//! Pure, but for [`read_dir`]: the files' statements are split by
//! petal-migrate's one lexer, each classified by what it declares (and
//! refused with `file:line:col` when it is not a declaration: data, a
//! `DROP`, a change to a model's table), the same object declared twice is
//! reported at both places, and a `-- petal: renamed_from = old_name`
//! comment above a statement is read as a rename hint. The canonicalizer
//! loads the statements into its scratch database in [`Phase`] order.

mod classify;
mod declared;
mod fs;
mod read;

pub use classify::roles_named;
pub use declared::{Declared, Kind, Phase};
pub use fs::read_dir;
pub use read::{SqlFiles, read_sql};
