//! The Markdown report of a schema change, for a pull-request comment.
//!
//! SKELETON: being written.
