//! petal's workflows, one module each, over the pure crates and `petal-pg`:
//!
//! - [`autogen`]: `petal revision [--autogenerate]` and `petal merge`.
//! - [`canonical`]: the models in canonical form, through the dev server (a
//!   cache, a warm and a cold path, refusals traced to the models).
//! - [`check`]: whether the models and the database (or migrations) agree.
//! - [`compare`]: comparing two schemas as the project is configured.
//! - [`error`]: [`EngineError`], each layer's typed error, and its reports.
//! - [`migrate`]: upgrade, downgrade, stamp, `--sql`: load, plan, run.
//! - [`runner`]: runs plans: the migration lock, `petal_migrations`, steps.
//! - [`scratch`]: scratch databases on the dev server, for one job each.
//! - [`settings`]: what the workflows need to know, as plain values.
//! - [`sources`]: the schemas petal compares (a database, the models, the
//!   migrations, nothing).
//! - `timings`: `PETAL_TIMINGS=1`, a line per phase on standard error.

pub mod adopt;
pub mod autogen;
pub mod canonical;
pub mod check;
pub mod compare;
pub mod error;
pub mod import;
mod live_cache;
pub mod migrate;
mod placeholders;
mod policy_roles;
mod private_file;
pub mod respell;
pub mod runner;
pub mod scratch;
pub mod settings;
pub mod sources;
pub mod timings;
mod unmodelled;

pub use error::EngineError;
pub use petal_pg as pg;
pub use settings::{Settings, tables_named};
