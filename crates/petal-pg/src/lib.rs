//! Everything petal says to PostgreSQL: connection settings and TLS
//! ([`conn`]), whole-database introspection into the IR ([`introspect`]),
//! and the embedded cluster petal starts by itself ([`cluster`]).

pub mod cluster;
pub mod conn;
pub mod error;
pub mod introspect;

pub use cluster::{ClusterStatus, EmbeddedCluster};
pub use conn::{ChannelBinding, ConnConfig, Host, SslMode, connect};
pub use error::PgError;
pub use introspect::{
    IntrospectOptions, Introspection, NotCompared, introspect, introspect_parallel,
};
