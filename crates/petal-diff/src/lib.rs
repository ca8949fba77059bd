//! petal's diff engine: two schema IRs in, the ordered, classified changes
//! that turn one into the other out, with their inverses and their SQL.
//!
//! Pure: no I/O, no database. The entry points:
//! - [`diff`]: `from` × `to` → [`Diff`] (changes in execution order, and
//!   warnings such as possible renames);
//! - [`Diff::down`] / [`Change::inverse`]: the changes that undo them;
//! - [`render`] / [`render_down`]: the SQL, in [`ReviewedStep`]s of [`ReviewedStatement`]s;
//! - [`render_schema`]: the DDL that creates a whole database from empty;
//!   [`render_load`]: the same DDL in units that can run concurrently;
//! - [`apply`]: an in-memory interpreter of changes, which the engine itself
//!   plans with.
//!
//! petal never emits `CASCADE` as a drop behaviour: what depends on a
//! dropped object is dropped first, explicitly. (`ON DELETE CASCADE` of a
//! foreign key is part of the schema and is rendered as such.)

mod apply;
mod casts;
mod change;
mod classify;
mod column_refs;
mod compare;
mod impact;
mod infer_renames;
mod names;
mod partition_tree;
mod render;
mod requires;
mod scope;
mod stand_alone;

pub use apply::{ApplyError, apply, apply_all};
pub use casts::{TypeChangeRisk, needs_using, type_change_risk, using_cast};
pub use change::privileges::missing as missing_grants;
pub use change::{
    AddEnumLabel, Alter, AttributeType, Change, ColumnType, Delta, EnumColumn, EnumForeignKey,
    Moved, NotNull, Object, PolicyRules, RecreateEnum, Rename, Replace, RowSecurity, RowSide,
    SequenceSettings, inverse_all,
};
pub use classify::Safety;
pub use compare::{
    Diff, Warning, copy_obstacle, diff, diff_with_rows, inherited_column_conflicts,
    partition_key_retypes, recreated_tables,
};
pub use impact::{Impact, LockMode};
pub use infer_renames::infer_renames;
pub use names::{is_user_type, quote_ident_if_needed, type_spelling};
pub use partition_tree::PartitionTree;
pub use render::{
    Load, Mode, ReviewedStatement, ReviewedStep, Sql, TableUnit, Traced, UNCHECKED_BODIES,
    change_labels, render, render_as, render_change, render_diff_as, render_down, render_down_as,
    render_load, render_schema,
};
pub use requires::{Requirement, requirements};
pub use scope::{ALWAYS_PRESENT, Scope};
pub use stand_alone::{ParentCopy, ParentCopyKind, ParentSequence, StandAlone};
