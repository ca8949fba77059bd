//! One module per command (or group of closely related commands).

pub mod adopt;
pub mod dev;
pub mod erd;
pub mod import;
pub mod init;
pub mod migrate;
pub mod report;
pub mod revision;
pub mod revisions;
pub mod schema;
