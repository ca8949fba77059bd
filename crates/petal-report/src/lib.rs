//! What a reviewer looks at, as text: pure functions of the IR and of the
//! diff's reviewed changes, no I/O.
//!
//! - [`erd`]: a schema (or part of it) as an entity-relationship diagram,
//!   written as Mermaid `erDiagram` or Graphviz DOT, with objects marked
//!   added, changed or removed.
//! - [`markdown`]: the report of a schema change made for a pull-request
//!   comment: a summary line, the changes by object with their safety, the
//!   migration files it covers, the diagram of what changed, the SQL.

pub mod erd;
pub mod markdown;
