//! The API through real HTTP on loopback, against databases that petal
//! migrated to head. One test binary: every module's suite also runs in
//! `rollback`, on a database that went down one revision and back up.

mod binary;
mod concurrency;
mod customers;
mod errors;
mod fixtures;
mod harness;
mod orders;
mod production;
mod products;
mod rollback;
mod settings;
mod users;
mod warehouse;
