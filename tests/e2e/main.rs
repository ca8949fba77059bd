//! End-to-end tests of the `petal` binary: real processes, in temp dirs, on
//! the test harness's PostgreSQL (see `support`).

mod support;

mod adopt;
mod concurrency;
mod cvety;
mod dependents;
mod detach_concurrently;
mod erd;
mod expressions;
mod failures;
mod faults;
mod graph;
mod import;
mod inheritance;
mod json_errors;
mod model_options;
mod new_user;
mod offline;
mod online;
mod online_writers;
mod partitions;
mod partitions_detached;
mod policies;
mod privileges;
mod quick_start;
mod report;
mod secrets;
mod server_crash;
mod smoke;
mod sources;
mod sql_files;
mod unmodelled;
mod vocabulary;
mod workflow;
