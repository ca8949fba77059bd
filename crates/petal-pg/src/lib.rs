//! Everything petal says to PostgreSQL: connection settings and TLS
//! ([`conn`]), whole-database introspection into the IR ([`introspect`]),
//! and the embedded cluster petal starts by itself ([`cluster`]).

pub mod conn;
pub mod error;

pub use conn::{ConnConfig, Host, SslMode, connect};
pub use error::PgError;
pub mod cluster;

pub use cluster::{ClusterStatus, EmbeddedCluster};
pub mod introspect;

pub use introspect::{IntrospectOptions, Introspection, NotCompared, introspect};
