//! Everything petal says to PostgreSQL: connection settings and TLS
//! ([`conn`]), whole-database introspection into the IR ([`introspect`]),
//! the embedded cluster petal starts by itself ([`cluster`]), and the
//! advisory lock runs take turns by ([`lock`]).

pub mod cluster;
pub mod conn;
pub mod error;
pub mod introspect;
pub mod lock;
pub mod progress;
pub mod respell;

pub use cluster::{ClusterStatus, EmbeddedCluster};
pub use conn::{ChannelBinding, ConnConfig, Host, SslMode, cancel, connect};
pub use error::PgError;
pub use introspect::fingerprint;
pub use introspect::{
    IntrospectOptions, Introspection, NotCompared, Objects, introspect, introspect_parallel,
    refresh,
};
pub use lock::{AdvisoryLock, AdvisoryLockError, LockHolder, Waiting};
pub use respell::{ExpressionOf, respell_expressions, respell_view_queries};
