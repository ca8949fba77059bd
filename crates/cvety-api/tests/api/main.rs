//! The API through real HTTP on loopback, against databases that petal
//! migrated to head. One test binary: every module's suite also runs in
//! `rollback`, on a database that went down one revision and back up.

// Each resource's suite walks one scenario request by request: long, and
// clearer read top to bottom than split.
#![allow(clippy::too_many_lines)]

mod binary;
mod concurrency;
mod customers;
mod errors;
mod fixtures;
mod harness;
mod orders;
mod production;
mod products;
mod reports;
mod rollback;
mod settings;
mod users;
mod warehouse;
