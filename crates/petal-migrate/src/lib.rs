//! Migration files, the statement splitter, the revision graph and the planner.
