//! petal's workflows, one module each, over the pure crates and `petal-pg`.

pub mod runner;
