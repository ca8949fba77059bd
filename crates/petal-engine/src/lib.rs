//! petal's workflows, one module each, over the pure crates and `petal-pg`.

pub mod error;
pub mod migrate;
pub mod models;
pub mod runner;
pub mod scratch;
pub mod settings;

pub use error::EngineError;
pub use petal_pg as pg;
pub use settings::Settings;
pub mod autogen;
pub mod canonical;
pub mod check;
pub mod compare;
mod ddl;
mod diagnose;
mod load;
pub mod sources;
mod timings;
